"""Per-standard bands inside one campaign, the campaign's override per standard, unit bands and the
tie-break rules (worked examples)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command

from scoring.accounts import create_user
from scoring.calibration.round import set_calibration, submit_calibration
from scoring.db.migrate import alembic_config
from scoring.db.session import make_engine, session_factory
from scoring.documents.notice import unit_table_rows
from scoring.errors import ProblemReport
from scoring.marks import Marks
from scoring.ranking import order_units, ranks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, file_grading, spec_from_options, unit_bands
from scoring.workflow.reviews import open_review, save_draft
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml

FOUR = [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60}, {"name": "不合格", "min": 0}]
THREE = [{"name": "优秀", "min": 90}, {"name": "合格", "min": 60}, {"name": "不合格", "min": 0}]


@pytest.fixture
def library(tmp_path):
    write_yaml(tmp_path / "r" / "four.yaml", standard_dict(id="four", grade_bands=FOUR,
                                                         applies_to={"case_types": ["行政处罚"], "procedures": ["一般"]}))
    write_yaml(tmp_path / "r" / "three.yaml", standard_dict(id="three", grade_bands=THREE,
                                                          applies_to={"case_types": ["行政处罚"], "procedures": ["简易"]}))
    return RubricLibrary.load([tmp_path / "r"])


def make_world(engine, library, **spec_extra):
    session = session_factory(engine)()
    try:
        return _populate(session, library, **spec_extra)
    except BaseException:
        session.close()  # a refused campaign must not leave its transaction open
        raise


def _populate(session, library, **spec_extra):
    f = Factory(session)
    home = f.unit("区城管执法局")
    f.unit("区市场监管局")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="correct horse",
                       bootstrap=True)
    r1 = create_user(session, username="r1", display_name="评查员甲", role="reviewer", unit_name="区市场监管局",
                     actor=lead)
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31),
                             standards={"行政处罚/一般": "four", "行政处罚/简易": "three"}, **spec_extra)
    campaign = create_campaign(session, spec, library, lead)
    general = f.case_file(home, procedure="一般", hearing_held=False)
    simple = f.case_file(home, procedure="简易", hearing_held=False)
    session.commit()
    return session, lead, r1, campaign, general, simple


# A1 (40): 5 fixed + 3 x 2 = 11 of the 80 applicable points (A2 only with a hearing): 69/80 = 86.25.
MARKS = Marks.model_validate({"items": {"A1": {"deductions": [
    {"reason": "a", "page": "3"}, {"reason": "b", "occurrences": 3, "page": "4"}]}}})


def score_file(session, lead, r1, campaign, case_file):
    a = assign(session, lead, campaign, case_file, r1)
    review = open_review(session, r1, a.id)
    session.flush()
    save_draft(session, r1, review.id, MARKS, review.version)
    return review


def test_each_file_is_graded_with_its_own_standards_bands(engine, library):
    session, lead, r1, campaign, general, simple = make_world(engine, library)
    g, s = score_file(session, lead, r1, campaign, general), score_file(session, lead, r1, campaign, simple)
    # 86.25 is 良好 under the four-band standard, 合格 under the three-band one (it has no 良好).
    assert (g.total, g.grade) == (Decimal("86.25"), "良好")
    assert (s.total, s.grade) == (Decimal("86.25"), "合格")
    session.close()


def test_calibration_grades_each_file_with_its_own_standards_bands(engine, library):
    session, lead, r1, campaign, general, simple = make_world(engine, library)
    set_calibration(session, lead, campaign, [general.case_number, simple.case_number])
    g = submit_calibration(session, r1, campaign, general.id, MARKS)
    s = submit_calibration(session, r1, campaign, simple.id, MARKS)
    # the same 86.25 as live scoring: 良好 under the four-band standard, 合格 under the three-band one
    assert (g.total, g.result["grade"]) == (Decimal("86.25"), "良好")
    assert (s.total, s.result["grade"]) == (Decimal("86.25"), "合格")
    session.close()


def test_a_campaign_overrides_one_standards_bands(engine, library):
    strict = {"grade_bands": [{"name": "优秀", "min": 95}, {"name": "合格", "min": 90}, {"name": "不合格", "min": 0}],
              "pass_line": 90}
    session, lead, r1, campaign, general, simple = make_world(engine, library, standard_bands={"three": strict})
    g, s = score_file(session, lead, r1, campaign, general), score_file(session, lead, r1, campaign, simple)
    assert g.grade == "良好" and s.grade == "不合格" and s.result["passed"] is False
    bands, pass_line = file_grading(session, campaign, s.standard_hash)
    assert [b.name for b in bands] == ["优秀", "合格", "不合格"] and pass_line == 90
    session.close()


def test_overrides_for_unused_standards_and_bad_tie_breaks_are_refused(engine, library):
    with pytest.raises(ProblemReport, match="do not fit"):
        make_world(engine, library, standard_bands={"nope": {"grade_bands": THREE, "pass_line": 60}})


def test_unknown_tie_break_is_refused():
    with pytest.raises(ProblemReport, match="unknown tie-break 'coin'"):
        spec_from_options(name="x", year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 2, 1),
                          tie_break="coin")


def test_unit_bands_default_to_the_campaigns_and_can_be_set(engine, library):
    session, *_, campaign, _, _ = make_world(engine, library, unit_bands=THREE)
    assert [b.name for b in unit_bands(campaign)] == ["优秀", "合格", "不合格"]
    session.close()


@dataclass
class U:
    unit_id: int
    unit: str
    files: int
    mean: Decimal
    total: Decimal
    grade_counts: dict = field(default_factory=dict)
    sort_order: int = 0
    pass_rate: Decimal = Decimal(100)
    grade: str = "优秀"


# "单位平均分相同的，按案卷得分之和排序" — 甲 and 乙 both average 90.00; 丙 90.00 too; 丁 95.
UNITS = [
    U(1, "甲", 2, Decimal("90.00"), Decimal("180.00"), {"优秀": 1, "合格": 1}, sort_order=1),
    U(2, "乙", 3, Decimal("90.00"), Decimal("270.00"), {"优秀": 2, "合格": 1}, sort_order=2),
    U(3, "丙", 3, Decimal("90.00"), Decimal("270.00"), {"优秀": 3, "合格": 0}, sort_order=3),
    U(4, "丁", 1, Decimal("95.00"), Decimal("95.00"), {"优秀": 1, "合格": 0}, sort_order=4),
]


@pytest.mark.parametrize("rule, order, expected_ranks", [
    ("none", ["丁", "甲", "乙", "丙"], [1, 2, 2, 2]),
    ("sum_of_totals", ["丁", "乙", "丙", "甲"], [1, 2, 2, 4]),
    ("files", ["丁", "乙", "丙", "甲"], [1, 2, 2, 4]),
    ("excellent", ["丁", "丙", "乙", "甲"], [1, 2, 3, 4]),
])
def test_each_tie_break_rule_orders_and_ranks_units(rule, order, expected_ranks):
    ordered = order_units(UNITS, rule)
    assert [u.unit for u in ordered] == order
    assert ranks(ordered, rule) == expected_ranks
    # The notice's unit table lists them in the same order, 序号 being the rank.
    _, rows = unit_table_rows(UNITS, ["优秀", "合格"], rule)
    assert [r[1] for r in rows] == order and [int(r[0]) for r in rows] == expected_ranks


def test_existing_campaigns_keep_their_bands_for_every_standard_after_the_migration(tmp_path):
    # A campaign made before per-standard bands replaced every standard's bands with its own: the
    # migration turns that into an override per standard, so no existing grade changes.
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")  # foreign keys on, as the app runs
    command.upgrade(alembic_config(engine), "0005_i9_sessions_pdfs")
    with engine.begin() as conn:  # a register file referenced by others: the new columns must not copy tables
        conn.execute(sa.text("INSERT INTO units (id, name, kind, sort_order) VALUES (1, '城桥镇', 'town', 0)"))
        conn.execute(sa.text(
            "INSERT INTO case_files (id, unit_id, case_number, case_type, decision_date, major_decision, waiver, "
            "hearing_held, coercive_measure, description) VALUES (1, 1, 'A1', '行政处罚', '2024-03-05', 0, 0, 0, 0, '')"))
        conn.execute(sa.text("INSERT INTO users (id, username, display_name, role, failed_logins, active, created_at) "
                             "VALUES (1, 'r', 'r', 'reviewer', 0, 1, CURRENT_TIMESTAMP)"))
        conn.execute(sa.text(
            "INSERT INTO campaigns (id, name, year, window_start, window_end, grade_bands, pass_line, "
            "reviewers_per_file, recheck_rules, anonymise, status, created_at) VALUES (9, 'old', 2023, '2023-01-01', "
            "'2023-12-31', '[]', 6000, 2, '{}', 1, 'setup', CURRENT_TIMESTAMP)"))
        conn.execute(sa.text("INSERT INTO assignments (campaign_id, case_file_id, reviewer_id, created_at) "
                             "VALUES (9, 1, 1, CURRENT_TIMESTAMP)"))
    command.upgrade(alembic_config(engine), "0006_i11_flexible_standards")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT attributes, attribute_sources FROM case_files")).one() == ("{}", "{}")
    bands = [{"name": "优秀", "min": "95.00"}, {"name": "合格", "min": "70.00"}, {"name": "不合格", "min": "0.00"}]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO standard_versions (hash, standard_id, title, content, created_at) "
                             "VALUES ('h1', 's', 't', '{}', CURRENT_TIMESTAMP)"))
        conn.execute(sa.text(
            "INSERT INTO campaigns (id, name, year, window_start, window_end, grade_bands, pass_line, "
            "reviewers_per_file, recheck_rules, anonymise, status, created_at) VALUES (1, 'c', 2024, '2024-01-01', "
            "'2024-12-31', :bands, 7000, 2, '{}', 1, 'setup', CURRENT_TIMESTAMP)"), {"bands": json.dumps(bands)})
        conn.execute(sa.text("INSERT INTO campaign_standards (campaign_id, case_type, procedure, standard_hash) "
                             "VALUES (1, '行政处罚', NULL, 'h1')"))
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT grade_bands, pass_line FROM campaign_standards")).one()
    assert json.loads(row[0]) == bands and row[1] == 7000
    engine.dispose()
