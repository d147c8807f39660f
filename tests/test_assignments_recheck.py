"""Assignment with recusal and load balance, bulk CSV assignment, re-check rules and final results."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from scoring import audit
from scoring.accounts import create_user
from scoring.db.models import Assignment
from scoring.db.session import session_factory
from scoring.errors import PermissionDenied, ProblemReport, ValidationFailed
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import (
    apply_plan,
    auto_assign,
    my_assignments,
    plan_auto_assignment,
    plan_from_csv,
    reviewer_progress,
    unassign,
)
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.recheck import outcome, record_recheck
from scoring.workflow.reviews import open_review, save_draft, submit_review
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml

UNITS = ["区城管执法局", "区市场监管局", "区生态环境局", "城桥镇"]


@pytest.fixture
def world(engine, tmp_path):
    write_yaml(tmp_path / "r" / "mini.yaml", standard_dict())
    library = RubricLibrary.load([tmp_path / "r"])
    session = session_factory(engine)()
    f = Factory(session)
    units = {name: f.unit(name) for name in UNITS}
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
    reviewers = [
        create_user(session, username=f"r{i}", display_name=f"评查员{i}", role="reviewer", unit_name=u, actor=lead)
        for i, u in enumerate(UNITS)
    ]
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
    campaign = create_campaign(session, spec, library, lead)
    files = [f.case_file(units[u]) for u in UNITS for _ in range(3)]
    f.sample(campaign, files)
    session.commit()
    yield dict(session=session, lead=lead, reviewers=reviewers, campaign=campaign, files=files, units=units, f=f)
    session.close()


def test_auto_assignment_recusal_balance_and_distinct(world):
    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    added = auto_assign(s, lead, campaign)
    s.commit()
    assert added == 12 * 2
    rows = s.query(Assignment).all()
    per_file = Counter(a.case_file_id for a in rows)
    assert set(per_file.values()) == {2}
    for a in rows:
        assert a.reviewer.unit_id != a.case_file.unit_id  # recusal
    assert len({(a.case_file_id, a.reviewer_id) for a in rows}) == len(rows)  # distinct reviewers
    load = Counter(a.reviewer_id for a in rows)
    assert max(load.values()) - min(load.values()) <= 1  # balanced: 24 over 4 reviewers
    # Running again adds nothing: every file has its reviewers.
    assert auto_assign(s, lead, campaign) == 0
    progress = reviewer_progress(s, campaign.id)
    assert sum(p.assigned for p in progress) == 24 and all(p.submitted == 0 for p in progress)


def test_auto_assignment_impossible_is_all_or_nothing(world):
    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    campaign.reviewers_per_file = 4  # only 3 reviewers are from other units for any file
    with pytest.raises(ProblemReport, match="not possible") as info:
        auto_assign(s, lead, campaign)
    assert len(info.value.problems) == 12
    assert "needs 4 more reviewer(s) from other units but only 3 are eligible" in info.value.problems[0].message
    assert s.query(Assignment).count() == 0


def test_only_lead_assigns_and_reviewer_sees_own_queue(world):
    s, lead, campaign, r0 = world["session"], world["lead"], world["campaign"], world["reviewers"][0]
    with pytest.raises(PermissionDenied):
        auto_assign(s, r0, campaign)
    auto_assign(s, lead, campaign)
    mine = my_assignments(s, r0, campaign.id)
    assert mine and all(a.reviewer_id == r0.id for a in mine)
    with pytest.raises(PermissionDenied):
        my_assignments(s, lead, campaign.id)


def test_bulk_csv_checked_then_applied_whole(world):
    s, lead, campaign, files = world["session"], world["lead"], world["campaign"], world["files"]
    own_unit_file = files[0]  # 区城管执法局, reviewer r0 belongs there
    bad = ("案号,评查人员\n"
           f"{own_unit_file.case_number},r0\n"
           f"{files[3].case_number},nobody\n"
           "不存在〔2024〕1号,r1\n"
           f"{files[4].case_number},评查员2\n").encode("utf-8-sig")
    with pytest.raises(ProblemReport) as info:
        plan_from_csv(s, campaign, bad, "assign.csv")
    got = {(p.row, p.column, p.value) for p in info.value.problems}
    assert got == {(2, "评查人员", "r0"), (3, "评查人员", "nobody"), (4, "案号", "不存在〔2024〕1号")}
    assert "回避" in next(p.message for p in info.value.problems if p.row == 2)
    good = f"案号,评查人员\n{files[3].case_number},r0\n{files[3].case_number},评查员2\n".encode("gbk")
    plan = plan_from_csv(s, campaign, good, "assign.csv")
    assert apply_plan(s, lead, campaign, plan, how="csv") == 2
    assert s.query(Assignment).count() == 2
    third = f"案号,评查人员\n{files[3].case_number},r3\n".encode()
    with pytest.raises(ProblemReport, match="cannot be applied"):
        plan_from_csv(s, campaign, third)


def _review(s, reviewer, assignment, marks_dict):
    rv = open_review(s, reviewer, assignment.id)
    save_draft(s, reviewer, rv.id, Marks.model_validate(marks_dict), expected_version=rv.version)
    submit_review(s, reviewer, rv.id, expected_version=rv.version)
    return rv


def _two_reviews(world, marks_a, marks_b):
    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    auto_assign(s, lead, campaign)
    cf = world["files"][0]
    a1, a2 = s.query(Assignment).filter_by(case_file_id=cf.id).order_by(Assignment.id).all()
    r1 = _review(s, a1.reviewer, a1, marks_a)
    assert outcome(s, campaign, cf).status == "scoring"
    r2 = _review(s, a2.reviewer, a2, marks_b)
    return cf, r1, r2


def deduct(item, reason, n=1):
    return {"items": {item: {"deductions": [{"reason": reason, "occurrences": n, "page": "3"}]}}}


def test_agreeing_reviews_give_the_mean(world):
    # 80 applicable (hearing item N/A). A1-b x2 = -4 -> 95.00; B1-a x3 = -3 -> 96.25. Mean 95.625 -> 95.63
    cf, _, _ = _two_reviews(world, deduct("A1", "b", 2), deduct("B1", "a", 3))
    out = outcome(world["session"], world["campaign"], cf)
    assert out.triggers == [] and out.status == "final" and out.source == "mean"
    assert out.score == Decimal("95.63") and out.grade == "优秀"


@pytest.mark.parametrize("marks_b, trigger", [
    (deduct("B1", "a", 12), "grade_differs"),  # 95.00 vs 85.00: 优秀 / 良好, gap exactly 10
    ({"vetoes": {"V1": {"page": "1"}}}, "veto_one_side"),
    (deduct("B1", "a", 40), "below_pass_line"),  # 40/80 = 50.00 不合格
])
def test_disagreement_triggers_recheck(world, marks_b, trigger):
    cf, r1, r2 = _two_reviews(world, deduct("A1", "b", 2), marks_b)
    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    out = outcome(s, campaign, cf)
    assert trigger in out.triggers and out.status == "awaiting_recheck" and out.score is None
    with pytest.raises(ValidationFailed, match="needs a reason"):
        record_recheck(s, lead, campaign, cf, reason="", adopt_review_id=r1.id)
    with pytest.raises(PermissionDenied):
        record_recheck(s, r1.assignment.reviewer, campaign, cf, reason="x", adopt_review_id=r1.id)
    rc = record_recheck(s, lead, campaign, cf, reason="复核认定签名缺失两处", marks=Marks.model_validate(deduct("A1", "b", 2)))
    s.commit()
    out = outcome(s, campaign, cf)
    assert out.status == "rechecked" and out.score == Decimal("95.00") and out.grade == "优秀"
    # Changing the decision is audited with old and new values.
    record_recheck(s, lead, campaign, cf, reason="采纳评查员乙意见", adopt_review_id=r2.id)
    entries = audit.history(s, "recheck", rc.id)
    assert len(entries) == 2 and entries[1].old_value["score"] == 95.0 and entries[1].note == "采纳评查员乙意见"


def test_gap_rule_threshold(world):
    world["campaign"].recheck_rules = {"grade_differs": False, "veto_one_side": True, "gap": 5, "below_pass_line": True}
    # 95.00 vs 90.00: same band 优秀, gap 5 >= 5
    cf, _, _ = _two_reviews(world, deduct("A1", "b", 2), deduct("B1", "a", 8))
    assert outcome(world["session"], world["campaign"], cf).triggers == ["gap"]


def test_unassign_only_before_scoring(world):
    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    auto_assign(s, lead, campaign)
    a = s.query(Assignment).first()
    rv = open_review(s, a.reviewer, a.id)
    save_draft(s, a.reviewer, rv.id, Marks.model_validate(deduct("A1", "a")), expected_version=rv.version)
    with pytest.raises(ValidationFailed, match="already scored"):
        unassign(s, lead, a.id)
    other = s.query(Assignment).filter(Assignment.id != a.id).first()
    unassign(s, lead, other.id)
    assert s.get(Assignment, other.id) is None
    # Automatic assignment fills the gap again, still honouring recusal.
    assert plan_auto_assignment(s, campaign)[0].case_file_id == other.case_file_id


def test_final_results_are_kept_in_tables_and_match_a_rebuild(world):
    from sqlalchemy import select

    from scoring.db.models import FileDeduction, FileFocusScore, FileResult
    from scoring.workflow.results import rebuild

    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    cf, r1, r2 = _two_reviews(world, deduct("A1", "b", 2), {"items": {
        "A1": {"deductions": [{"reason": "b", "occurrences": 1, "page": "4"}]},
        "B1": {"deductions": [{"reason": "a", "occurrences": 3, "page": "8"}]}}})
    # 95.00 and (80-2-3)/80 = 93.75 -> mean 94.38 (94.375 half-up)
    row = s.scalar(select(FileResult).where(FileResult.case_file_id == cf.id))
    assert (row.source, row.score, row.grade, row.passed, row.reviews) == ("mean", Decimal("94.38"), "优秀", True, 2)
    defects = {(d.item_id, d.reason_id): (d.reviews, d.points) for d in s.scalars(select(FileDeduction))}
    assert defects == {("A1", "b"): (2, Decimal("3.00")), ("B1", "a"): (1, Decimal("3.00"))}
    focus = {f.focus: (f.applicable_max, f.earned) for f in s.scalars(select(FileFocusScore))}
    assert focus == {"subject": (Decimal(40), Decimal("37.00")), "documents": (Decimal(40), Decimal("38.50"))}
    snapshot = sorted((r.case_file_id, r.score, r.grade) for r in s.scalars(select(FileResult)))
    assert rebuild(s, campaign) == 1
    assert sorted((r.case_file_id, r.score, r.grade) for r in s.scalars(select(FileResult))) == snapshot
    # Reopening a review withdraws the final result until it is submitted again.
    from scoring.workflow.reviews import reopen_review

    reopen_review(s, lead, r1.id, "页码有误")
    assert s.scalar(select(FileResult).where(FileResult.case_file_id == cf.id)) is None


def test_publish_needs_every_final_result_and_opens_results_to_observers(world):
    from scoring.db.models import SampleItem
    from scoring.workflow.publish import can_read_results, publish_campaign, readable_campaigns, unpublish_campaign

    s, lead, campaign, files = world["session"], world["lead"], world["campaign"], world["files"]
    observer = create_user(s, username="obs", display_name="观察员", role="observer", actor=lead)
    assert not can_read_results(observer, campaign) and can_read_results(lead, campaign)
    # Keep one sampled file so the test stays small.
    s.query(SampleItem).filter(SampleItem.case_file_id != files[0].id).delete()
    auto_assign(s, lead, campaign)
    with pytest.raises(ValidationFailed, match="1 sampled file has no final result yet"):
        publish_campaign(s, lead, campaign)
    a1, a2 = s.query(Assignment).order_by(Assignment.id).all()
    _review(s, a1.reviewer, a1, deduct("A1", "a"))
    _review(s, a2.reviewer, a2, deduct("A1", "a"))
    with pytest.raises(PermissionDenied):
        publish_campaign(s, world["reviewers"][0], campaign)
    publish_campaign(s, lead, campaign)
    assert campaign.status == "published"
    assert can_read_results(observer, campaign) and readable_campaigns(s, observer) == [campaign]
    with pytest.raises(ValidationFailed, match="needs a reason"):
        unpublish_campaign(s, lead, campaign, "")
    unpublish_campaign(s, lead, campaign, "发现复核遗漏")
    assert not can_read_results(observer, campaign)
    assert [e.action for e in audit.history(s, "campaign", campaign.id)][-2:] == ["publish_campaign", "unpublish_campaign"]


def test_a_standing_veto_keeps_the_reviewers_comment_and_location(world):
    from sqlalchemy import select

    from scoring.db.models import FileDeduction

    veto = {"vetoes": {"V1": {"page": "5", "comment": "委托执法未附委托书，主体不合法"}}}
    cf, r1, _ = _two_reviews(world, veto, veto)  # both 0.00: below the pass line, so the lead re-checks
    record_recheck(world["session"], world["lead"], world["campaign"], cf, reason="维持否决", adopt_review_id=r1.id)
    row = world["session"].scalar(select(FileDeduction).where(FileDeduction.is_veto.is_(True)))
    assert (row.item_id, row.reviews, row.comment, row.location) == ("V1", 1, "委托执法未附委托书，主体不合法", "第5页")
