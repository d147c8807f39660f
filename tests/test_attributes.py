"""Attributes and conditions as data: declared attributes, `any` / `all` / `not`, a bureau's own
vocabulary, the include search path, and attribute values from the register, the lead and the reviewer."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import audit
from scoring.accounts import create_user
from scoring.cli import main
from scoring.db.models import CaseFile, Review
from scoring.db.session import session_factory
from scoring.engine import score
from scoring.errors import PermissionDenied, ProblemReport, ValidationFailed
from scoring.file_attributes import attributes_of, set_file_attribute
from scoring.marks import Marks
from scoring.register import import_register
from scoring.rubric.loader import RubricLibrary, load_standard
from scoring.rubric.schema import Condition, FileAttributes
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.reviews import answer_attributes, open_review, submit_review
from tests.factories import Factory, lead_id
from tests.rubric_builders import BANDS, write_yaml
from tests.test_register_helpers import HEADER, add_units, csv_text, good_rows


def licensing(applies_when):
    """A 行政许可 standard (受理 40 + 审查 60): 现场核查 (30) only "when on-site verification was required"."""
    return {
        "kind": "standard", "id": "lic", "title": "行政许可案卷评查标准", "applies_to": {"case_types": ["行政许可"]},
        "total": 100, "pass_line": 60, "grade_bands": BANDS,
        "sections": [
            {"id": "S1", "title": "受理", "max": 40, "items": [
                {"id": "S1-1", "title": "申请材料齐全", "focus": "documents", "max": 40,
                 "deductions": [{"id": "a", "reason": "材料不齐未一次性告知", "points": 4}]}]},
            {"id": "S2", "title": "审查", "max": 60, "items": [
                {"id": "S2-1", "title": "审查意见", "focus": "facts_evidence", "max": 30,
                 "deductions": [{"id": "a", "reason": "未写明审查意见", "points": 2}]},
                {"id": "S2-2", "title": "现场核查", "focus": "procedure", "max": 30, "applies_when": applies_when,
                 "deductions": [{"id": "a", "reason": "现场核查笔录缺签名", "points": 4}]}]},
        ],
    }


def lib_with(tmp_path, data):
    write_yaml(tmp_path / "std" / "lic.yaml", data)
    return RubricLibrary.load([tmp_path / "std"])


def attrs(**extra):
    return FileAttributes(case_type="行政许可", attrs=extra, sources={k: "lead" for k in extra})


DEDUCT = Marks.model_validate({"items": {"S1-1": {"deductions": [{"reason": "a"}]},
                                         "S2-1": {"deductions": [{"reason": "a"}]}}})


def test_onsite_verification_decides_whether_the_item_applies(tmp_path):
    std = lib_with(tmp_path, licensing({"onsite_verification": True})).get("lic")
    # Not required: 现场核查 is left out and the score re-based: (40-4 + 30-2) / 70 = 91.43.
    no = score(std, attrs(onsite_verification=False), DEDUCT)
    assert no.applicable_max == 70 and no.score == Decimal("91.43") and no.grade == "优秀"
    assert no.attributes == {"onsite_verification": {"value": "False", "source": "lead"}}
    # Required and done well: 94 / 100.
    yes = score(std, attrs(onsite_verification=True), DEDUCT)
    assert yes.applicable_max == 100 and yes.score == Decimal("94.00")
    # Not answered: the item cannot be decided; the result says so (and submitting is refused, below).
    unknown = score(std, attrs(), DEDUCT)
    assert unknown.missing_attributes == ["onsite_verification"]


def test_any_across_keys_and_not(tmp_path):
    cond = {"any": [{"hearing_held": True}, {"hearing_requested": True}], "not": {"waiver": True}}
    std = lib_with(tmp_path, licensing(cond)).get("lic")

    def applies(**kw):
        flags = {k: kw.pop(k) for k in ("hearing_held", "waiver") if k in kw}
        return std.item_applies("S2-2", FileAttributes(case_type="行政许可", attrs=kw, **flags))

    assert applies(hearing_held=True, hearing_requested=False)
    assert applies(hearing_held=False, hearing_requested=True)
    assert not applies(hearing_held=False, hearing_requested=False)
    assert not applies(hearing_held=True, waiver=True, hearing_requested=False)
    text = std.items_by_id["S2-2"][0].conditions + std.items_by_id["S2-2"][1].conditions
    assert "（举行听证 或 当事人申请听证）、非（轻微违法不予处罚）" in text[0].describe()


def test_number_ranges_condition_on_the_fine(tmp_path):
    std = lib_with(tmp_path, licensing({"penalty_amount": {"min": 10000}})).get("lic")
    assert std.item_applies("S2-2", FileAttributes(case_type="行政许可", attrs={"penalty_amount": Decimal(10000)}))
    assert not std.item_applies("S2-2", FileAttributes(case_type="行政许可", attrs={"penalty_amount": Decimal(9999)}))


@pytest.mark.parametrize("cond, message", [
    ({"onsite_verificaton": True}, "unknown attribute 'onsite_verificaton' in applies_when; declared:"),
    ({"onsite_verification": "是"}, "onsite_verification is yes/no"),
    ({"discretion_tier": "特重"}, "discretion_tier must be one of 不予, 减轻, 从轻, 一般, 从重"),
    ({"onsite_verification": {"min": 1}}, "only goes with number or date"),
    ({"any": []}, "`any` needs at least one condition"),
    ({"not": {"any": [{"case_type": "行政奖励"}]}}, "unknown case type '行政奖励'"),
])
def test_conditions_are_checked_against_the_declared_attributes(tmp_path, cond, message):
    with pytest.raises(ProblemReport) as info:
        lib_with(tmp_path, licensing(cond))
    problems = info.value.problems
    assert any(message in p.message for p in problems), [str(p) for p in problems]
    assert all(p.file and p.file.endswith("lic.yaml") and p.line for p in problems)


def test_a_bureau_adds_case_types_focus_areas_and_attributes_beside_its_standards(tmp_path):
    write_yaml(tmp_path / "std" / "vocabulary.yaml", {
        "kind": "vocabulary", "case_types": ["行政奖励"], "general_categories": {"reward_basis": "奖励依据"},
        "attributes": [{"key": "public_notice", "zh": "需公示", "en": "Public notice required", "type": "yes_no",
                        "synonyms": ["是否公示"], "set_by": ["register", "reviewer"]}]})
    data = licensing({"public_notice": True})
    data["applies_to"] = {"case_types": ["行政奖励"]}
    data["sections"][0]["items"][0]["focus"] = "reward_basis"
    lib = lib_with(tmp_path, data)
    assert "行政奖励" in lib.vocabulary.case_types and lib.vocabulary.attribute("public_notice").zh == "需公示"
    assert lib.get("lic").attribute_keys == ["public_notice"]
    # Declaring a key twice is an error.
    write_yaml(tmp_path / "std" / "vocabulary.yaml", {
        "kind": "vocabulary", "attributes": [{"key": "waiver", "zh": "x", "en": "x", "type": "yes_no"}]})
    with pytest.raises(ProblemReport, match="conflict|failed"):
        lib_with(tmp_path, licensing(None))


def test_a_standard_anywhere_includes_shipped_modules_along_the_search_path(tmp_path, monkeypatch):
    data = licensing(None)
    data["applies_to"] = {"case_types": ["行政处罚"], "procedures": ["一般"]}
    data["include"] = ["legal_review"]
    data["total"] = 100 + 10  # the shipped legal-review module has 10 points
    shipped = load_standard(write_yaml(tmp_path / "elsewhere" / "std.yaml", data))
    assert shipped.modules == ["legal_review"] and any(s.module == "legal_review" for s in shipped.sections)
    # CASEREVIEW_RUBRICS comes before the shipped modules; beside the standard before both.
    module = {"kind": "module", "id": "legal_review", "title": "本局法制审核", "focus": "legal_review",
              "sections": [{"id": "LR-X", "title": "法制审核", "max": 10, "items": [
                  {"id": "LR-X1", "title": "审核意见", "max": 10,
                   "deductions": [{"id": "a", "reason": "仅签“同意”", "points": 5}]}]}]}
    write_yaml(tmp_path / "env" / "modules" / "legal_review.yaml", module)
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "env"))
    via_env = load_standard(tmp_path / "elsewhere" / "std.yaml")
    assert [s.id for s in via_env.sections][-1] == "LR-X"
    write_yaml(tmp_path / "elsewhere" / "modules" / "legal_review.yaml",
               {**module, "title": "旁边的模块", "sections": [{**module["sections"][0], "id": "LR-B"}]})
    beside = load_standard(tmp_path / "elsewhere" / "std.yaml")
    assert [s.id for s in beside.sections][-1] == "LR-B"


KNOWN = st.fixed_dictionaries({"hearing_held": st.booleans(), "waiver": st.booleans(),
                               "onsite_verification": st.booleans(), "hearing_requested": st.booleans()})
LEAF = st.sampled_from(["hearing_held", "waiver", "onsite_verification", "hearing_requested"]).flatmap(
    lambda k: st.booleans().map(lambda b: {k: b}))
CONDS = st.recursive(LEAF, lambda inner: st.one_of(
    st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any": cs}),
    st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all": cs}),
    inner.map(lambda c: {"not": c})), max_leaves=8)


def truth(cond, values):
    if "any" in cond:
        return any(truth(c, values) for c in cond["any"])
    if "all" in cond:
        return all(truth(c, values) for c in cond["all"])
    if "not" in cond:
        return not truth(cond["not"], values)
    (key, want), = cond.items()
    return values[key] == want


@settings(max_examples=200, deadline=None)
@given(cond=CONDS, values=KNOWN)
def test_nested_conditions_follow_boolean_logic(cond, values):
    fa = FileAttributes(case_type="行政许可", hearing_held=values["hearing_held"], waiver=values["waiver"],
                        attrs={k: values[k] for k in ("onsite_verification", "hearing_requested")})
    assert Condition.model_validate(cond).matches(fa) == truth(cond, values)


@pytest.fixture
def world(engine, tmp_path):
    lib = lib_with(tmp_path, licensing({"onsite_verification": True}))
    session = session_factory(engine)()
    f = Factory(session)
    home = f.unit("区规划资源局")
    f.unit("区市场监管局")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="correct horse",
                       bootstrap=True)
    r1 = create_user(session, username="r1", display_name="评查员甲", role="reviewer", unit_name="区市场监管局",
                     actor=lead)
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31), standards={"行政许可": "lic"})
    campaign = create_campaign(session, spec, lib, lead)
    cf = f.case_file(home, case_type="行政许可", procedure=None)
    a1 = assign(session, lead, campaign, cf, r1)
    session.commit()
    yield dict(session=session, lead=lead, r1=r1, cf=cf, a1=a1)
    session.close()


def test_lead_sets_an_attribute_and_reviewer_answers_one_marked_as_such(world):
    s, lead, r1, cf = world["session"], world["lead"], world["r1"], world["cf"]
    review = open_review(s, r1, world["a1"].id)
    s.commit()
    # Unanswered: submitting is refused, naming the attribute.
    with pytest.raises(ProblemReport) as info:
        submit_review(s, r1, review.id, review.version)
    assert "answer onsite_verification (需现场核查) first" in str(info.value.problems[0])
    # The reviewer answers on the form: the result says where the value came from.
    answer_attributes(s, r1, review.id, {"onsite_verification": False}, review.version)
    s.commit()
    review = s.get(Review, review.id)
    assert review.result["attributes"] == {"onsite_verification": {"value": "False", "source": "reviewer"}}
    assert review.result["applicable_max"] == 70
    with pytest.raises(ValidationFailed, match="is not answered by the reviewer"):
        answer_attributes(s, r1, review.id, {"filing_date": "2024-03-05"}, review.version)
    # The lead's value on the file wins over the reviewer's answer; audited.
    with pytest.raises(PermissionDenied):
        set_file_attribute(s, r1, cf.id, "onsite_verification", True)
    set_file_attribute(s, lead, cf.id, "onsite_verification", True)
    s.commit()
    fa = attributes_of(cf, review.answers)
    assert fa.attrs["onsite_verification"] is True and fa.sources["onsite_verification"] == "lead"
    assert audit.history(s, "case_file", cf.id)[-1].new_value == {"onsite_verification": True}
    with pytest.raises(ValidationFailed, match="must be a date"):
        set_file_attribute(s, lead, cf.id, "filing_date", "三月五日")
    submit_review(s, r1, review.id, s.get(Review, review.id).version)


def test_register_import_reads_declared_attributes_by_their_column_synonyms(engine):
    add_units(engine)
    rows = [r + extra for r, extra in zip(good_rows(3), [["是", "2024-01-05", "从轻"], ["否", "", ""],
                                                          ["", "2024年2月1日", "从重"]], strict=True)]
    data = csv_text(rows, header=[*HEADER, "是否现场核查", "立案时间", "裁量基准档次"]).encode("utf-8-sig")
    report = import_register(engine, data, filename="登记表.csv", actor_id=lead_id(engine))
    assert report.ok, [str(p) for p in report.problems]
    with engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(
            sa.select(CaseFile.attributes, CaseFile.attribute_sources).order_by(CaseFile.id))]
    assert stored[0] == ({"onsite_verification": True, "filing_date": "2024-01-05", "discretion_tier": "从轻"},
                         {"onsite_verification": "register", "filing_date": "register", "discretion_tier": "register"})
    assert stored[1][0] == {"onsite_verification": False}
    assert stored[2][0] == {"filing_date": "2024-02-01", "discretion_tier": "从重"}  # blank: not known
    bad = csv_text([good_rows(1)[0] + ["特重"]], header=[*HEADER, "裁量基准档次"]).encode("utf-8")
    report = import_register(engine, bad, filename="坏.csv", dry_run=True, actor_id=lead_id(engine))
    assert not report.ok and "bad 裁量基准档次: discretion_tier must be one of" in str(report.problems[0])
    assert report.problems[0].column == "裁量基准档次" and report.problems[0].row is not None


def test_the_precheck_folder_beside_the_standards_is_not_read_as_rubrics(tmp_path):
    write_yaml(tmp_path / "std" / "precheck" / "default.yaml", {"rules": []})
    assert list(lib_with(tmp_path, licensing(None)).standards) == ["lic"]


def test_the_lead_lists_and_sets_attributes_from_the_cli(world, engine, capsys):
    url = engine.url.render_as_string(hide_password=False)
    assert main(["attribute", "list"]) == 0
    assert "onsite_verification" in capsys.readouterr().out
    number = world["cf"].case_number
    assert main(["attribute", "set", number, "onsite_verification", "true", "--db", url, "--as", "lead"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["attributes"]["onsite_verification"] == "True" and shown["sources"]["onsite_verification"] == "lead"
    assert main(["attribute", "set", number, "filing_date", "三月", "--db", url, "--as", "lead"]) == 1
    assert "must be a date" in capsys.readouterr().err


def test_the_reviewer_is_asked_only_what_the_file_does_not_know(world):
    from scoring.file_attributes import reviewer_questions, with_answers
    from scoring.standards import load_version
    from scoring.workflow.reviews import answer_first_or_draft

    s, lead, r1, cf = world["session"], world["lead"], world["r1"], world["cf"]
    review = answer_first_or_draft(s, r1, world["a1"].id, {"onsite_verification": True}, expected_version=0)
    s.commit()
    std = load_version(s, review.standard_hash)
    base = attributes_of(cf)
    assert [d.key for d in reviewer_questions(std, base)] == ["onsite_verification"]
    merged = with_answers(base, review.answers)
    assert merged.attrs["onsite_verification"] is True and merged.sources["onsite_verification"] == "reviewer"
    set_file_attribute(s, lead, cf.id, "onsite_verification", False)  # the lead's value: no longer asked
    assert reviewer_questions(std, attributes_of(cf)) == []
    assert attributes_of(cf, review.answers).attrs["onsite_verification"] is False


def test_a_case_type_a_bureau_adds_is_imported_from_a_register_and_mapped_in_a_campaign(engine, tmp_path,
                                                                                          monkeypatch):
    from scoring.workflow.campaigns import parse_scope, scopes, standard_hash_for

    write_yaml(tmp_path / "std" / "vocabulary.yaml", {"kind": "vocabulary", "case_types": ["行政奖励"],
                                                      "procedures": ["特别"]})
    data = licensing(None)
    data["applies_to"] = {"case_types": ["行政奖励"]}
    write_yaml(tmp_path / "std" / "reward.yaml", data)
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "std"))
    lib = RubricLibrary.load([tmp_path / "std"])
    add_units(engine)
    rows = good_rows(3)
    rows[0][3], rows[0][4] = "行政奖励", ""  # the bureau's own case type
    rows[1][3] = "奖励"  # without 行政, as for the built-in types
    rows[2][4] = "特别程序"  # the bureau's own procedure
    report = import_register(engine, csv_text(rows).encode("utf-8-sig"), filename="登记表.csv",
                             actor_id=lead_id(engine))
    assert report.ok, [str(p) for p in report.problems]
    assert "行政奖励" in scopes() and parse_scope("行政处罚/特别程序") == ("行政处罚", "特别")
    session = session_factory(engine)()
    files = list(session.scalars(sa.select(CaseFile).order_by(CaseFile.id)))
    assert [(f.case_type, f.procedure) for f in files] == [("行政奖励", None), ("行政奖励", None), ("行政处罚", "特别")]
    from scoring.db.models import User

    actor = session.get_one(User, lead_id(engine))
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31), standards={"行政奖励": "lic"})
    campaign = create_campaign(session, spec, lib, actor)
    session.flush()
    assert load_standard_id(session, standard_hash_for(session, campaign, files[0])) == "lic"
    session.rollback()
    session.close()


def load_standard_id(session, standard_hash: str) -> str:
    from scoring.standards import load_version

    return load_version(session, standard_hash).id


def test_the_lead_sees_and_sets_several_attributes_at_once_audited(world):
    from scoring.file_attributes import lead_attributes, set_file_attributes

    s, lead, r1, cf = world["session"], world["lead"], world["r1"], world["cf"]
    with pytest.raises(PermissionDenied):
        lead_attributes(s, r1, cf.id)
    with pytest.raises(PermissionDenied):
        set_file_attributes(s, r1, cf.id, {"onsite_verification": True})
    known = {a.decl.key: a for a in lead_attributes(s, lead, cf.id)}
    assert "onsite_verification" in known and "filing_date" in known
    assert "hearing_threshold" not in known or "lead" in known["hearing_threshold"].decl.set_by
    assert known["onsite_verification"].value is None and known["onsite_verification"].source is None
    changed = set_file_attributes(s, lead, cf.id, {"onsite_verification": True, "filing_date": "2024-03-05",
                                                   "seizure_made": None})
    s.commit()
    assert changed == ["onsite_verification", "filing_date"]  # nothing to clear on seizure_made
    known = {a.decl.key: a for a in lead_attributes(s, lead, cf.id)}
    assert known["filing_date"].value == dt.date(2024, 3, 5) and known["filing_date"].source == "lead"
    assert [e.action for e in audit.history(s, "case_file", cf.id)][-2:] == ["set_file_attribute"] * 2
    assert set_file_attributes(s, lead, cf.id, {"onsite_verification": True}) == []  # unchanged: not written
    with pytest.raises(ValidationFailed):
        set_file_attributes(s, lead, cf.id, {"onsite_verification": False, "filing_date": "三月五日"})
    s.rollback()
    assert {a.decl.key: a.value for a in lead_attributes(s, lead, cf.id)}["onsite_verification"] is True
