"""The aggregation tests' world: a small finished campaign and last year's, built through the core
workflow (create_campaign, sample, assign, open/save/submit reviews, re-check), and a check that it
scores as written.

Standard: tests/rubric_builders' mini standard for 行政处罚 and 行政检查, with B1 put under the
discretion_benchmark focus area. No file holds a hearing, so A2 never applies and a file is scored out
of 80: A1 (subject, 40) + B1 (40). Score = (80 - points deducted) / 80 x 100, i.e. 1.25 score points
per point deducted. Veto V1 zeroes the score.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from scoring.accounts import create_user
from scoring.db.models import Campaign, CaseFile, FileResult, Unit, User
from scoring.db.session import open_db, session_factory
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.recheck import record_recheck
from scoring.workflow.reviews import open_review, save_draft, submit_review
from tests.conftest import PG_ENV, _pg_url_with_schema
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml

U1, U2, U3, U4 = "区城管执法局", "区市场监管局", "区生态环境局", "城桥镇"
HOME = "区司法局"  # the reviewers' unit: it has no files, so they may review every file


def m(a: bool = False, b: int = 0, d: int = 0, veto: bool = False) -> dict:
    """Marks: A1-a (5 points), A1-b x b (2 each), B1-a x d (1 each), veto V1."""
    items: dict = {}
    a1 = ([{"reason": "a", "page": "2"}] if a else []) + ([{"reason": "b", "occurrences": b, "page": "3"}] if b else [])
    if a1:
        items["A1"] = {"deductions": a1}
    if d:
        items["B1"] = {"deductions": [{"reason": "a", "occurrences": d, "page": "5"}]}
    return {"items": items, "vetoes": {"V1": {"page": "1"}} if veto else {}}


# (unit, case type, [reviewer 1 marks, reviewer 2 marks], re-check marks or None); final scores in comments.
CURRENT = [
    (U1, "行政处罚", [m(d=4), m(d=4)], None),  # 95.00 / 95.00 -> 95.00 优秀
    (U1, "行政处罚", [m(a=True), m(a=True, d=2)], None),  # 93.75 / 91.25 -> 92.50 优秀
    (U1, "行政处罚", [m(d=12), m(d=14)], None),  # 85.00 / 82.50 -> 83.75 良好
    (U1, "行政检查", [m(b=2, d=6), m(b=2, d=8)], None),  # 87.50 / 85.00 -> 86.25 良好
    (U2, "行政处罚", [m(a=True, b=5), m(a=True, b=4)], None),  # 81.25 / 83.75 -> 82.50 良好
    (U2, "行政处罚", [m(veto=True), m(veto=True, d=2)], m(veto=True, d=4)),  # 0 / 0, re-check 0.00 不合格
    (U2, "行政处罚", [m(d=20), m(d=22)], None),  # 75.00 / 72.50 -> 73.75 合格
    (U3, "行政处罚", [m(), m(d=2)], None),  # 100.00 / 97.50 -> 98.75 优秀
    (U3, "行政处罚", [m(d=4), m(d=4)], None),  # 95.00 / 95.00 -> 95.00 优秀
    (U4, "行政处罚", [m(a=True, d=20), m(a=True, d=22)], None),  # 68.75 / 66.25 -> 67.50 合格
    (U4, "行政处罚", [m(a=True, d=8), m(a=True, d=10)], None),  # 83.75 / 81.25 -> 82.50 良好
    (U4, "行政处罚", [m(a=True, d=11), m(a=True, d=11)], None),  # 80.00 / 80.00 -> 80.00 良好
]

# Last year: one reviewer per file.
PREVIOUS = [
    (U1, "行政处罚", [m(a=True)], None),  # 93.75
    (U1, "行政处罚", [m(d=16)], None),  # 80.00
    (U4, "行政处罚", [m(a=True, d=4)], None),  # 88.75
    (U4, "行政处罚", [m(a=True)], None),  # 93.75
    (U3, "行政处罚", [m(a=True)], None),  # 93.75
]


@dataclass
class World:
    session: object
    lead: User
    reviewers: list[User]
    units: dict[str, Unit]
    current: Campaign
    previous: Campaign
    files: list[CaseFile]  # current campaign, in CURRENT order
    library: RubricLibrary


def _review(s, reviewer: User, assignment, marks: dict) -> None:  # noqa: ANN001
    rv = open_review(s, reviewer, assignment.id)
    save_draft(s, reviewer, rv.id, Marks.model_validate(marks), expected_version=rv.version)
    submit_review(s, reviewer, rv.id, expected_version=rv.version)


def build_campaign(s, f: Factory, library, lead, reviewers, units, name: str, year: int, plan,  # noqa: ANN001
                   reviewers_per_file: int = 2) -> tuple[Campaign, list[CaseFile]]:
    spec = spec_from_options(name=name, year=year, window_start=dt.date(year, 1, 1),
                             window_end=dt.date(year, 12, 31), standards={"行政处罚": "mini", "行政检查": "mini"},
                             reviewers_per_file=reviewers_per_file)
    campaign = create_campaign(s, spec, library, lead)
    files = [f.case_file(units[u], case_type=ct, procedure="一般" if ct == "行政处罚" else None,
                         decision_date=dt.date(year, 5, 1)) for u, ct, _, _ in plan]
    f.sample(campaign, files)
    for cf, (_, _, marks, recheck) in zip(files, plan, strict=True):
        for reviewer, mk in zip(reviewers, marks, strict=False):
            _review(s, reviewer, assign(s, lead, campaign, cf, reviewer), mk)
        if recheck is not None:
            record_recheck(s, lead, campaign, cf, reason="复核：否决项成立", marks=Marks.model_validate(recheck))
    s.flush()
    return campaign, files


def build_world(session, tmp_path) -> World:  # noqa: ANN001
    data = standard_dict(applies_to={"case_types": ["行政处罚", "行政检查"]})
    data["sections"][1]["items"][0]["focus"] = "discretion_benchmark"
    write_yaml(tmp_path / "r" / "mini.yaml", data)
    library = RubricLibrary.load([tmp_path / "r"])
    f = Factory(session)
    f.unit(HOME)
    units = {U1: f.unit(U1), U2: f.unit(U2), U3: f.unit(U3), U4: f.unit(U4, kind="town")}
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass",
                       bootstrap=True)
    reviewers = [create_user(session, username=f"r{i}", display_name=f"评查员{i}", role="reviewer", unit_name=HOME,
                             actor=lead) for i in (1, 2)]
    previous, _ = build_campaign(session, f, library, lead, reviewers, units, "2023年度评查", 2023, PREVIOUS,
                                 reviewers_per_file=1)
    current, files = build_campaign(session, f, library, lead, reviewers, units, "2024年度评查", 2024, CURRENT)
    session.commit()
    return World(session, lead, reviewers, units, current, previous, files, library)


FINAL = ["95.00", "92.50", "83.75", "86.25", "82.50", "0.00", "73.75", "98.75", "95.00", "67.50", "82.50", "80.00"]


@pytest.fixture
def world(engine, tmp_path):
    """A fresh world per test, on both backends (for tests that change it)."""
    session = session_factory(engine)()
    try:
        yield build_world(session, tmp_path)
    finally:
        session.close()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_world(request, tmp_path_factory):
    """One world per test module and backend, for read-only tests: building it (migrations, the
    workflow) costs far more than the queries under test. Same set-up as conftest's `engine`."""
    tmp = tmp_path_factory.mktemp("aggregate")
    base = os.environ.get(PG_ENV)
    admin = schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'casereview.db'}"
    else:
        if not base:
            pytest.skip(f"{PG_ENV} is not set")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(_pg_url_with_schema(base, "public"))
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_url_with_schema(base, schema)
    eng = open_db(url)
    session = session_factory(eng)()
    try:
        yield build_world(session, tmp)
    finally:
        session.close()
        eng.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def test_world_scores_as_written(world):
    rows = {r.case_file_id: r for r in world.session.scalars(select(FileResult).where(
        FileResult.campaign_id == world.current.id))}
    assert [str(rows[cf.id].score) for cf in world.files] == FINAL
    assert rows[world.files[5].id].source == "recheck" and rows[world.files[5].id].veto
    prev = world.session.scalars(select(FileResult.score).where(FileResult.campaign_id == world.previous.id)).all()
    assert sorted(str(x) for x in prev) == ["80.00", "88.75", "93.75", "93.75", "93.75"]
