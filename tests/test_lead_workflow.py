"""The lead-only entry points and read-only queries behind the lead's workflow pages (scoring.desk.lead_*, scoring.workflow.progress)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from scoring.accounts import create_user
from scoring.db.models import Assignment, Campaign, FileResult, SampleRecord
from scoring.db.session import session_factory
from scoring.desk import lead_assignment, lead_recheck, lead_sampling
from scoring.errors import ConflictError, PermissionDenied, ProblemReport, ValidationFailed
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow import progress
from scoring.workflow.assignments import assign, auto_assign, sampled_files, unassign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.recheck import outcome, record_recheck
from scoring.workflow.reviews import open_review, save_draft, submit_review
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml

UNITS = ("区城管执法局", "区市场监管局", "城桥镇")


@pytest.fixture
def world(engine, tmp_path):
    write_yaml(tmp_path / "r" / "mini.yaml", standard_dict())
    library = RubricLibrary.load([tmp_path / "r"])
    session = session_factory(engine)()
    f = Factory(session)
    units = [f.unit(name, sort_order=i) for i, name in enumerate(UNITS)]
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass",
                       bootstrap=True)
    reviewers = [create_user(session, username=f"r{i}", display_name=f"评查员{i}", role="reviewer", unit_name=u,
                             actor=lead) for i, u in enumerate(UNITS)]
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
    campaign = create_campaign(session, spec, library, lead)
    files = [f.case_file(u, case_number=f"{u.name[:3]}罚〔2024〕{n}号", decision_date=dt.date(2024, n, 1))
             for u in units for n in (1, 2, 3)]
    session.commit()
    yield dict(engine=engine, s=session, lead=lead, reviewers=reviewers, campaign=campaign, files=files, f=f,
               rubrics=tmp_path / "r")
    session.close()


def deduct(item, reason, n=1, page="3", comment=""):
    return {"items": {item: {"deductions": [{"reason": reason, "occurrences": n, "page": page, "comment": comment}]}}}


def _score(s, assignment, marks, submit=True):
    rv = open_review(s, assignment.reviewer, assignment.id)
    save_draft(s, assignment.reviewer, rv.id, Marks.model_validate(marks), expected_version=rv.version)
    if submit:
        submit_review(s, assignment.reviewer, rv.id, expected_version=rv.version)
    return rv


def _pair(s, campaign, cf):
    return s.query(Assignment).filter_by(campaign_id=campaign.id, case_file_id=cf.id).order_by(Assignment.id).all()


def test_sampling_is_lead_only_and_the_view_matches_the_export(world):
    engine, lead, rv, campaign = world["engine"], world["lead"], world["reviewers"][0], world["campaign"]
    rules = {"quota": {"count": 1}}
    assert lead_sampling.sample_view(engine, lead.id, campaign.id) is None
    for call in (lambda: lead_sampling.sample_preview(engine, rv.id, campaign.id, rules, 7),
                 lambda: lead_sampling.sample_draw(engine, rv.id, campaign.id, rules, 7),
                 lambda: lead_sampling.sample_view(engine, rv.id, campaign.id),
                 lambda: lead_sampling.sample_preview(engine, None, campaign.id, rules, 7)):
        with pytest.raises(PermissionDenied):
            call()
    picks = lead_sampling.sample_preview(engine, lead.id, campaign.id, rules, 7)
    record_id = lead_sampling.sample_draw(engine, lead.id, campaign.id, rules, 7)
    view = lead_sampling.sample_view(engine, lead.id, campaign.id)
    assert view.record_id == record_id and view.seed == 7
    assert [i["case_number"] for i in view.items] == [p.case_number for p in picks]
    assert sum(r["drawn"] for r in view.summary) == 3 and sum(r["candidates"] for r in view.summary) == 9
    assert lead_sampling.sample_verify(engine, lead.id, record_id).ok
    with pytest.raises(PermissionDenied):
        lead_sampling.sample_verify(engine, rv.id, record_id)
    record_json, record_csv = lead_sampling.sample_exports(engine, lead.id, record_id)
    assert b'"record_hash"' in record_json and record_csv.startswith("\ufeff抽取顺序".encode())
    # Enlarging keeps seed, forced rules and stratification; only the quota changes.
    bigger = lead_sampling.enlarged_rules(view.rules, {"count": 2})
    assert bigger.stratify_by_case_type == view.rules["stratify_by_case_type"] and bigger.quota.count == 2
    with pytest.raises(ValidationFailed, match="quota"):
        lead_sampling.enlarged_rules(view.rules, {"count": -1})
    second = lead_sampling.sample_draw(engine, lead.id, campaign.id, bigger, 7)
    s = session_factory(engine)()
    assert s.get(SampleRecord, second).parent_id == record_id
    s.close()


def test_file_states_agree_with_the_core_outcome(world):
    s, lead, campaign, files = world["s"], world["lead"], world["campaign"], world["files"]
    world["f"].sample(campaign, files)
    auto_assign(s, lead, campaign)
    a, b = _pair(s, campaign, files[0])
    _score(s, a, deduct("A1", "b", 2))
    _score(s, b, deduct("B1", "a", 3))  # agreeing: final (mean)
    a, b = _pair(s, campaign, files[1])
    _score(s, a, deduct("A1", "b", 2))
    _score(s, b, deduct("B1", "a", 12))  # disagreeing: awaiting re-check
    a, b = _pair(s, campaign, files[2])
    rv2a = _score(s, a, deduct("A1", "b", 2))
    _score(s, b, deduct("B1", "a", 12))
    record_recheck(s, lead, campaign, files[2], reason="采纳", adopt_review_id=rv2a.id)
    _score(s, _pair(s, campaign, files[3])[0], deduct("A1", "a"), submit=False)  # in progress
    for aid in [x.id for x in _pair(s, campaign, files[8])]:
        unassign(s, lead, aid)  # unassigned
    s.commit()

    rows, total = progress.file_states(s, lead, campaign.id)
    assert total == 9 and [r.draw_order for r in rows] == list(range(1, 10))
    core = {"final": "final", "rechecked": "final", "awaiting_recheck": "awaiting_recheck",
            "unassigned": "unassigned"}
    for r in rows:
        out = outcome(s, campaign, next(f for f in files if f.id == r.case_file_id))
        expected = core.get(out.status) or ("not_started" if r.started == 0 else "in_progress")
        assert r.state == expected, (r.case_number, out.status)
    counts = progress.state_counts(s, lead, campaign.id)
    assert counts == {"unassigned": 1, "not_started": 4, "in_progress": 1, "awaiting_recheck": 1, "final": 2}
    units = progress.unit_progress(s, lead, campaign.id)
    assert [(u.unit, u.sampled, u.assigned, u.fully_scored, u.awaiting_recheck, u.final) for u in units] == [
        ("区城管执法局", 3, 3, 3, 1, 2), ("区市场监管局", 3, 3, 0, 0, 0), ("城桥镇", 3, 2, 0, 0, 0)]
    page, total = progress.file_states(s, lead, campaign.id, states=("unassigned", "not_started"), limit=2, offset=1)
    assert total == 5 and len(page) == 2
    # Re-check list: the awaiting file and the re-checked one, with their triggers.
    listed = lead_recheck.recheck_files(s, lead, campaign.id)
    assert [(o.case_number, o.status) for o in listed] == [(files[1].case_number, "awaiting_recheck"),
                                                           (files[2].case_number, "rechecked")]
    assert "grade_differs" in listed[0].triggers
    finals = progress.final_results(s, lead, campaign.id)
    assert [(r.case_number, r.source) for r in finals] == [(files[0].case_number, "mean"),
                                                          (files[2].case_number, "recheck")]
    assert finals[1].score == Decimal("95.00")


def _reference_states(s, campaign):
    """Each sampled file's (assigned, started, submitted, state), read row by row and judged in Python."""
    out = {}
    for cf in sampled_files(s, campaign.id):
        assignments = s.query(Assignment).filter_by(campaign_id=campaign.id, case_file_id=cf.id).all()
        statuses = [a.review.status for a in assignments if a.review is not None]
        submitted = statuses.count("submitted")
        final = s.query(FileResult).filter_by(campaign_id=campaign.id, case_file_id=cf.id).count() == 1
        state = ("final" if final else "unassigned" if not assignments else
                 "awaiting_recheck" if submitted >= len(assignments) else
                 "not_started" if not statuses else "in_progress")
        out[cf.id] = (cf.unit.name, len(assignments), len(statuses), submitted, state)
    return out


def test_progress_counts_agree_with_each_file_judged_alone(world):
    """The progress page's grouped counts (state_counts, progress_counts, unit_progress, reviewer_progress)
    and the per-file list agree with each file's state judged row by row, on every backend: files in
    every state, a final file with a later reviewer who has not started, a draft beside a submitted
    review, and another campaign's assignments on the same files."""
    s, lead, campaign, files = world["s"], world["lead"], world["campaign"], world["files"]
    world["f"].sample(campaign, files[:8])
    auto_assign(s, lead, campaign)
    extra = create_user(s, username="r9", display_name="评查员9", role="reviewer", unit_name=UNITS[2], actor=lead)
    a, b = _pair(s, campaign, files[0])
    _score(s, a, deduct("A1", "b", 2))
    _score(s, b, deduct("B1", "a", 3))  # final (mean)
    a, b = _pair(s, campaign, files[2])
    adopted = _score(s, a, deduct("A1", "b", 2))
    _score(s, b, deduct("B1", "a", 12))
    record_recheck(s, lead, campaign, files[2], reason="采纳", adopt_review_id=adopted.id)  # final (re-check) ...
    assign(s, lead, campaign, files[2], extra)  # ... with a third reviewer who has not started
    a, b = _pair(s, campaign, files[1])
    _score(s, a, deduct("A1", "b", 2))
    _score(s, b, deduct("B1", "a", 12))  # awaiting re-check
    a, b = _pair(s, campaign, files[3])
    _score(s, a, deduct("A1", "a"))
    _score(s, b, deduct("A1", "a"), submit=False)  # in progress: one submitted, one draft
    _score(s, _pair(s, campaign, files[4])[0], deduct("A1", "a"), submit=False)  # in progress: a draft
    for aid in [x.id for x in _pair(s, campaign, files[7])]:
        unassign(s, lead, aid)  # unassigned
    other = create_campaign(s, spec_from_options(name="另一评查", year=2024, window_start=dt.date(2024, 1, 1),
                                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"}),
                            RubricLibrary.load([world["rubrics"]]), lead)
    world["f"].sample(other, files)
    auto_assign(s, lead, other)
    for x in _pair(s, other, files[7]):
        _score(s, x, deduct("A1", "a"))  # submitted reviews of this file, in the other campaign only
    s.commit()

    ref = _reference_states(s, campaign)
    assert {v[-1] for v in ref.values()} == set(progress.FILE_STATES)
    rows, total = progress.file_states(s, lead, campaign.id)
    assert total == 8 and {r.case_file_id: (r.unit, r.assigned, r.started, r.submitted, r.state) for r in rows} == ref
    expected = Counter(v[-1] for v in ref.values())
    counts, units = progress.progress_counts(s, lead, campaign.id)
    assert counts == progress.state_counts(s, lead, campaign.id) == {st: expected[st] for st in progress.FILE_STATES}
    by_unit = {u: [v for v in ref.values() if v[0] == u] for u in UNITS}
    assert [(u.unit, u.sampled, u.assigned, u.fully_scored, u.awaiting_recheck, u.final) for u in units] == [
        (u, len(vs), sum(v[1] > 0 for v in vs), sum(v[1] > 0 and v[3] >= v[1] for v in vs),
         sum(v[-1] == "awaiting_recheck" for v in vs), sum(v[-1] == "final" for v in vs))
        for u, vs in by_unit.items()]
    assert units == progress.unit_progress(s, lead, campaign.id)
    # sampled, with reviewers, fully scored (not the re-checked file with its third reviewer), awaiting, final
    assert units[0] == progress.UnitProgress(UNITS[0], 3, 3, 2, 1, 2)
    people = {}
    for x in s.query(Assignment).filter_by(campaign_id=campaign.id):
        status = x.review.status if x.review is not None else None
        n, d, sub = people.get(x.reviewer_id, (0, 0, 0))
        people[x.reviewer_id] = (n + 1, d + (status == "draft"), sub + (status == "submitted"))
    got = progress.lead_reviewer_progress(s, lead, campaign.id)
    assert {r.reviewer_id: (r.assigned, r.draft, r.submitted) for r in got} == people
    assert [r.reviewer for r in got] == sorted(r.reviewer for r in got)
    # A page: the total is every file in the states asked for, also on a page past the end.
    page, n = progress.file_states(s, lead, campaign.id, states=("in_progress", "unassigned"), limit=2, offset=1)
    assert n == 3 and [r.draw_order for r in page] == sorted(v.draw_order for v in rows
                                                             if v.state in ("in_progress", "unassigned"))[1:3]
    assert progress.file_states(s, lead, campaign.id, states=("final",), limit=5, offset=10) == ([], 2)
    assert progress.file_states(s, lead, campaign.id, states=(), limit=5) == ([], 0)


def test_compare_reviews_marks_real_differences_only(world):
    s, lead, campaign, files = world["s"], world["lead"], world["campaign"], world["files"]
    world["f"].sample(campaign, files)
    auto_assign(s, lead, campaign)
    a, b = _pair(s, campaign, files[0])
    ra = _score(s, a, {"items": {**deduct("A1", "b", 2, comment="缺签名")["items"],
                                 **deduct("B1", "a", 1, page="5")["items"]}})
    _score(s, b, {"items": {**deduct("A1", "b", 2, page="9", comment="另一说法")["items"]},
                  "vetoes": {"V1": {"page": "1", "comment": "主体不合法"}}})
    cmp = lead_recheck.compare_reviews(s, lead, campaign.id, files[0].id)
    assert len(cmp.reviews) == 2 and cmp.reviews[0].review_id == ra.id
    rows = {r.key: r for r in cmp.rows}
    assert list(rows) == ["A1", "A2", "B1", "V1"]
    assert not rows["A1"].differs  # same reason and occurrences; wording and page differ
    assert rows["A1"].cells[0].comment == "缺签名" and rows["A1"].cells[1].location == "第9页"
    assert rows["A1"].cells[0].points == Decimal(4)
    assert rows["A2"].cells[0].status == "not_applicable" and not rows["A2"].differs
    assert rows["B1"].differs and rows["B1"].cells[1].status == "ok"
    assert rows["V1"].differs and rows["V1"].kind == "veto" and rows["V1"].cells[1].status == "veto"
    assert cmp.differing == 2
    assert cmp.reviews[1].vetoes == ("执法主体不合法",) and cmp.reviews[0].vetoes == ()
    with pytest.raises(PermissionDenied):
        lead_recheck.compare_reviews(s, world["reviewers"][1], campaign.id, files[0].id)


def test_applying_a_stale_csv_plan_is_refused_whole(world):
    s, lead, campaign, files = world["s"], world["lead"], world["campaign"], world["files"]
    world["f"].sample(campaign, files)
    data = f"案号,评查人员\n{files[0].case_number},r1\n{files[3].case_number},r2\n".encode()
    plan = lead_assignment.preview_csv(s, lead, campaign, data, "a.csv")
    assert [p.reviewer for p in plan] == ["评查员1", "评查员2"]
    assign(s, lead, campaign, files[3], world["reviewers"][2])  # someone else, meanwhile
    with pytest.raises(ProblemReport, match="cannot be applied"):
        lead_assignment.apply_previewed(s, lead, campaign, plan, how="csv", data=data, filename="a.csv")
    assert s.query(Assignment).count() == 1
    other = f"案号,评查人员\n{files[0].case_number},r1\n".encode()
    with pytest.raises(ConflictError):
        lead_assignment.apply_previewed(s, lead, campaign, plan, how="csv", data=other, filename="a.csv")
    with pytest.raises(PermissionDenied):
        lead_assignment.apply_previewed(s, world["reviewers"][0], campaign, plan, how="csv", data=data)
    fresh = lead_assignment.preview_csv(s, lead, campaign, other, "b.csv")
    assert lead_assignment.apply_previewed(s, lead, campaign, fresh, how="csv", data=other, filename="b.csv") == 1


def test_auto_preview_load_and_template(world):
    s, lead, campaign, files = world["s"], world["lead"], world["campaign"], world["files"]
    world["f"].sample(campaign, files)
    assign(s, lead, campaign, files[0], world["reviewers"][1])
    template = lead_assignment.assignment_template_csv(s, lead, campaign).decode("utf-8-sig").splitlines()
    assert template[0] == "案号,评查人员" and len(template) == 1 + 9 * 2 - 1
    plan = lead_assignment.preview_auto(s, lead, campaign)
    loads = {r.name: (r.existing, r.planned) for r in lead_assignment.plan_load(s, lead, campaign.id, plan)}
    assert loads["评查员1"][0] == 1 and sum(p for _, p in loads.values()) == 17
    assert lead_assignment.apply_previewed(s, lead, campaign, plan, how="auto") == 17
    assert lead_assignment.preview_auto(s, lead, campaign) == []
    files_view = lead_assignment.sampled_with_assignments(s, lead, campaign.id)
    assert all(len(f.reviewers) == 2 for f in files_view)
    assert all(r.status == "not_started" for f in files_view for r in f.reviewers)
    assert [r.name for r in lead_assignment.file_reviewers(s, lead, campaign.id, files[0].id)][0] == "评查员1"


def test_recheck_form_preview_and_marks_parsing(world):
    s, lead, campaign, files = world["s"], world["lead"], world["campaign"], world["files"]
    form = lead_recheck.recheck_form(s, lead, campaign.id, files[0].id)
    assert form.items == ("A1", "B1") and form.vetoes == ("V1",)  # the hearing item does not apply
    result = lead_recheck.preview_recheck(s, lead, campaign.id, files[0].id, lead_recheck.parse_marks(deduct("B1", "a", 8)))
    assert (result.score, result.grade) == (Decimal("90.00"), "优秀")
    with pytest.raises(ProblemReport, match="marks are not valid"):
        lead_recheck.parse_marks({"items": {"B1": {"deductions": [{"reason": "a", "occurrences": 0}]}}})
    with pytest.raises(ProblemReport, match="do not fit"):
        lead_recheck.preview_recheck(s, lead, campaign.id, files[0].id, lead_recheck.parse_marks(deduct("A2", "a")))
    assert lead_recheck.recheck_info(s, lead, campaign.id, files[0].id) is None


@pytest.mark.parametrize("query", [
    lambda s, actor, c: lead_assignment.sampled_with_assignments(s, actor, c.id),
    lambda s, actor, c: lead_assignment.reviewer_options(s, actor),
    lambda s, actor, c: lead_assignment.preview_auto(s, actor, c),
    lambda s, actor, c: lead_recheck.recheck_files(s, actor, c.id),
    lambda s, actor, c: progress.final_results(s, actor, c.id),
    lambda s, actor, c: progress.unit_progress(s, actor, c.id),
    lambda s, actor, c: progress.progress_counts(s, actor, c.id),
    lambda s, actor, c: progress.state_counts(s, actor, c.id),
    lambda s, actor, c: progress.file_states(s, actor, c.id),
    lambda s, actor, c: progress.lead_reviewer_progress(s, actor, c.id),
])
def test_queries_are_lead_only(world, query):
    s = world["s"]
    for actor in (world["reviewers"][0], None):
        with pytest.raises(PermissionDenied):
            query(s, actor, world["campaign"])
    assert s.get(Campaign, world["campaign"].id) is not None
