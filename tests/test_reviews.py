"""Persistence of reviews on both backends: drafts, optimistic locking, submit, reopen, blind review, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from scoring import audit
from scoring.accounts import create_user
from scoring.db.models import AuditEntry, FileDeduction, FileResult, Review, StandardVersion
from scoring.db.session import session_factory
from scoring.errors import ConflictError, PermissionDenied, ProblemReport, ValidationFailed
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.reviews import (
    marks_of,
    open_review,
    reopen_review,
    save_draft,
    submit_review,
    visible_reviews,
)
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml


@pytest.fixture
def library(tmp_path):
    write_yaml(tmp_path / "rubrics" / "mini.yaml", standard_dict())
    return RubricLibrary.load([tmp_path / "rubrics"])


@pytest.fixture
def world(engine, library):
    """A lead, two reviewers from other units, one from the file's own unit, a campaign and a file."""
    session = session_factory(engine)()
    f = Factory(session)
    home = f.unit("区城管执法局")
    f.unit("区市场监管局"), f.unit("城桥镇", kind="town")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="correct horse", bootstrap=True)
    r1 = create_user(session, username="r1", display_name="评查员甲", role="reviewer", unit_name="区市场监管局", actor=lead)
    r2 = create_user(session, username="r2", display_name="评查员乙", role="reviewer", unit_name="城桥镇", actor=lead)
    own = create_user(session, username="own", display_name="本单位", role="reviewer", unit_name="区城管执法局", actor=lead)
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
    campaign = create_campaign(session, spec, library, lead)
    cf = f.case_file(home, hearing_held=False)
    a1, a2 = assign(session, lead, campaign, cf, r1), assign(session, lead, campaign, cf, r2)
    session.commit()
    yield dict(session=session, lead=lead, r1=r1, r2=r2, own=own, campaign=campaign, cf=cf, a1=a1, a2=a2)
    session.close()


DEDUCT = Marks.model_validate({"items": {"A1": {"deductions": [{"reason": "b", "occurrences": 2, "page": "7",
                                                                   "comment": "两处未签名"}]}}})


def test_draft_save_computes_score_and_audits_old_and_new(world):
    s, r1 = world["session"], world["r1"]
    review = open_review(s, r1, world["a1"].id)
    s.commit()
    assert review.status == "draft" and review.version == 1
    stored = s.get(StandardVersion, review.standard_hash)
    assert stored.standard_id == "mini"
    save_draft(s, r1, review.id, DEDUCT, expected_version=1)
    s.commit()
    s.expire_all()
    review = s.get(Review, review.id)
    # A2 (hearing) does not apply: 80 applicable; A1 -4 -> 76/80 = 95.00
    assert review.total == Decimal("95.00") and review.grade == "优秀" and review.version == 2
    assert marks_of(review) == DEDUCT
    entry = audit.history(s, "review", review.id)[-1]
    assert entry.action == "save_draft" and entry.actor_id == r1.id
    assert entry.old_value == {"A1": None}
    assert entry.new_value["A1"]["deductions"][0]["reason"] == "b"


def test_stale_save_is_refused_with_current_marks(world):
    s, r1 = world["session"], world["r1"]
    review = open_review(s, r1, world["a1"].id)
    save_draft(s, r1, review.id, DEDUCT, expected_version=1)  # "another tab" saved version 1 -> 2
    s.commit()
    mine = Marks.model_validate({"items": {"B1": {"deductions": [{"reason": "a", "page": "2"}]}}})
    with pytest.raises(ConflictError) as info:
        save_draft(s, r1, review.id, mine, expected_version=1)
    assert info.value.current == DEDUCT
    s.rollback()
    assert marks_of(s.get(Review, review.id)) == DEDUCT  # nothing overwritten


def test_concurrent_sessions_cannot_both_win(world, engine):
    s, r1 = world["session"], world["r1"]
    review = open_review(s, r1, world["a1"].id)
    s.commit()
    other = session_factory(engine)()
    try:
        save_draft(other, other.get(type(r1), r1.id), review.id, DEDUCT, expected_version=1)
        other.commit()
    finally:
        other.close()
    # This session still holds version 1 in memory; the database says 2.
    s.expire_all()
    with pytest.raises(ConflictError):
        save_draft(s, r1, review.id, Marks(), expected_version=1)


def test_only_assigned_reviewer_edits_and_submit_locks(world):
    s, r1, r2, lead = world["session"], world["r1"], world["r2"], world["lead"]
    review = open_review(s, r1, world["a1"].id)
    with pytest.raises(PermissionDenied):
        open_review(s, r2, world["a1"].id)
    with pytest.raises(PermissionDenied):
        save_draft(s, r2, review.id, DEDUCT, expected_version=review.version)
    no_page = Marks.model_validate({"items": {"A1": {"deductions": [{"reason": "a"}]}}})
    save_draft(s, r1, review.id, no_page, expected_version=review.version)
    with pytest.raises(ProblemReport, match="cannot submit yet") as info:
        submit_review(s, r1, review.id, expected_version=review.version)
    assert "needs where in the file" in info.value.problems[0].message
    save_draft(s, r1, review.id, DEDUCT, expected_version=review.version)
    submit_review(s, r1, review.id, expected_version=review.version)
    s.commit()
    with pytest.raises(ValidationFailed, match="submitted and locked"):
        save_draft(s, r1, review.id, Marks(), expected_version=review.version)
    with pytest.raises(PermissionDenied):
        reopen_review(s, r1, review.id, "想改")
    with pytest.raises(ValidationFailed, match="needs a reason"):
        reopen_review(s, lead, review.id, " ")
    reopen_review(s, lead, review.id, "页码记录有误，退回修改")
    s.commit()
    assert s.get(Review, review.id).status == "draft"
    actions = [e.action for e in audit.history(s, "review", review.id)]
    assert actions == ["open_review", "save_draft", "save_draft", "submit_review", "reopen_review"]


def test_blind_review(world):
    s, r1, r2, lead = world["session"], world["r1"], world["r2"], world["lead"]
    cid, fid = world["campaign"].id, world["cf"].id
    rv1 = open_review(s, r1, world["a1"].id)
    rv2 = open_review(s, r2, world["a2"].id)
    save_draft(s, r2, rv2.id, DEDUCT, expected_version=rv2.version)
    submit_review(s, r2, rv2.id, expected_version=rv2.version)
    # r1 has not submitted: sees only their own review, not r2's submitted marks.
    assert visible_reviews(s, r1, cid, fid) == [rv1]
    assert {r.id for r in visible_reviews(s, lead, cid, fid)} == {rv1.id, rv2.id}
    save_draft(s, r1, rv1.id, DEDUCT, expected_version=rv1.version)
    submit_review(s, r1, rv1.id, expected_version=rv1.version)
    assert {r.id for r in visible_reviews(s, r1, cid, fid)} == {rv1.id, rv2.id}


def test_recusal_no_own_unit_files(world):
    s = world["session"]
    with pytest.raises(ValidationFailed, match="回避"):
        assign(s, world["lead"], world["campaign"], world["cf"], world["own"])


def test_score_keeps_the_version_it_was_made_under(world, tmp_path):
    """Editing the rubric file later never changes an existing review's standard."""
    s, r1 = world["session"], world["r1"]
    review = open_review(s, r1, world["a1"].id)
    save_draft(s, r1, review.id, DEDUCT, expected_version=review.version)
    s.commit()
    data = standard_dict()
    data["sections"][0]["items"][0]["deductions"][1]["per_occurrence"] = 3
    write_yaml(tmp_path / "rubrics" / "mini.yaml", data)
    changed = RubricLibrary.load([tmp_path / "rubrics"]).get("mini")
    assert changed.hash != review.standard_hash
    from scoring.workflow.reviews import compute

    assert compute(s, review).score == Decimal("95.00")


def test_audit_entry_rolls_back_with_its_change(world, engine):
    s, r1 = world["session"], world["r1"]
    review = open_review(s, r1, world["a1"].id)
    s.commit()
    before = len(s.scalars(select(AuditEntry)).all())
    save_draft(s, r1, review.id, DEDUCT, expected_version=review.version)
    s.rollback()
    assert len(s.scalars(select(AuditEntry)).all()) == before
    assert marks_of(s.get(Review, review.id)) == Marks()


VETO = Marks.model_validate({"items": {"A1": {"deductions": [{"reason": "a", "page": "3", "comment": "执法证号缺失"}]}},
                             "vetoes": {"V1": {"comment": "执法人员无执法资格", "page": "2"}}})


def test_a_files_standing_defects_carry_the_reviews_comments_and_locations(world):
    """Both reviews found the same deduction and veto: the file's result stands on them, each with the
    reviewers' comment and where in the file (the veto's from the marks, the deduction's from the result)."""
    s, campaign = world["session"], world["campaign"]
    campaign.recheck_rules = {**campaign.recheck_rules, "below_pass_line": False}  # a vetoed file scores 0
    for who, a in (("r1", "a1"), ("r2", "a2")):
        review = open_review(s, world[who], world[a].id)
        review = save_draft(s, world[who], review.id, VETO, review.version)
        submit_review(s, world[who], review.id, review.version, confirm_warnings=True)
    s.commit()
    rows = s.execute(select(FileDeduction.item_id, FileDeduction.is_veto, FileDeduction.comment,
                            FileDeduction.location, FileDeduction.reviews)
                     .where(FileDeduction.case_file_id == world["cf"].id).order_by(FileDeduction.item_id)).all()
    assert [tuple(r) for r in rows] == [("A1", False, "执法证号缺失", "第3页", 2), ("V1", True, "执法人员无执法资格", "第2页", 2)]
    result = s.scalars(select(FileResult).where(FileResult.case_file_id == world["cf"].id)).one()
    assert result.source == "mean" and result.veto
