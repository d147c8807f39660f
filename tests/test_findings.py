"""Findings: drafting from the results (counts, links, recommendations, anonymisation), editing with
audit and optimistic locking, regeneration that keeps people's edits, order and inclusion, permissions,
and the CLI. The world is tests/test_findings_world (the aggregation tests' campaign)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from scoring.aggregate import problem_files, reason_counts, top_problems
from scoring.audit import history
from scoring.audit_chain import ROW_STATE
from scoring.audit_verify import verify
from scoring.db.models import AuditEntry, Finding, FindingLink
from scoring.db.session import session_factory
from scoring.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from scoring.findings import (
    PROBLEMS_PER_FOCUS,
    add_finding,
    delete_finding,
    finding_traces,
    findings_traces,
    generate_findings,
    list_findings,
    mask_case_number,
    move_finding,
    update_finding,
)
from scoring.findings.text import problem_phrase, tidy
from scoring.marks import Marks
from scoring.workflow.publish import publish_campaign
from scoring.workflow.recheck import record_recheck
from tests.test_aggregate_world import U1, U2, U3, U4, m
from tests.test_findings_world import (
    COMMENT_A1,
    COMMENT_B1,
    REC_A1_TIDY,
    REC_B1,
    REC_V1,
    build_fworld,
)


@pytest.fixture
def fw(engine, tmp_path):
    session = session_factory(engine)()
    try:
        yield build_fworld(session, tmp_path)
    finally:
        session.close()


def _by_key(views, unit_id=None):
    return {v.gen_key: v for v in views if v.unit_id == unit_id}


def _links(s, finding_id: int) -> set[tuple[int, str, str]]:
    return {(lk.case_file_id, lk.item_id, lk.reason_id)
            for lk in s.scalars(select(FindingLink).where(FindingLink.finding_id == finding_id))}


def _generate(fw, **kw):
    report = generate_findings(fw.session, fw.lead, fw.campaign.id, **kw)
    fw.session.commit()
    return report


# ------------------------------------------------------------------------------------------ drafting

def test_problem_counts_and_links_equal_the_core(fw):
    s, cid = fw.session, fw.campaign.id
    report = _generate(fw)
    views = list_findings(s, fw.lead, cid)
    assert len(report.added) == len(views) and not report.updated
    campaign = _by_key(views)
    core = top_problems(s, fw.lead, cid, per_focus=PROBLEMS_PER_FOCUS)
    problems = [v for v in campaign.values() if v.section == "problem"]
    assert [v.gen_key for v in problems] == [f"problem:{p.focus}:{p.item_id}:{p.reason_id}" for p in core]
    for p in core:
        v = campaign[f"problem:{p.focus}:{p.item_id}:{p.reason_id}"]
        assert f"{p.files}本案卷（涉及{len(p.units)}个单位）" in v.body
        assert (v.facts["files"], v.facts["units"]) == (p.files, len(p.units))
        assert v.title == problem_phrase(p.reason, p.item_title)  # the title states the problem
        assert "“" not in v.body and p.reason not in v.body  # the body neither quotes nor repeats it
        expected = {(f.case_file_id, p.item_id, p.reason_id) for f in problem_files(s, fw.lead, cid, p.item_id, p.reason_id)}
        assert _links(s, v.id) == expected and v.links == p.files
    b1 = campaign["problem:discretion_benchmark:B1:a"]
    assert (b1.title, b1.body) == ("文书错别字", "11本案卷（涉及4个单位）存在此类问题，占评查案卷的91.67%。")
    assert campaign["problem:subject:V1:V1"].body.count("属否决项") == 1
    # "每缺一处签名" read as a problem, after its item title (too short to stand alone)
    assert campaign["problem:subject:A1:b"].title == "执法人员资格方面缺少签名"

    per_unit = reason_counts(s, fw.lead, cid, by_unit=True)
    files_of = {U1: 4, U2: 3, U3: 2, U4: 3}
    for name, unit in fw.units.items():
        mine = _by_key(views, unit.id)
        listed = [v for v in mine.values() if v.section == "problem"]
        assert len(listed) == len(per_unit[unit.id])  # at most 3 per focus area; here every one fits
        for r in per_unit[unit.id]:
            v = mine[f"problem:{r.focus}:{r.item_id}:{r.reason_id}"]
            assert v.facts["files"] == r.files and v.links == r.files
            assert (f"评查的{files_of[name]}本案卷均存在" in v.body if r.files == files_of[name]
                    else f"评查的{files_of[name]}本案卷中有{r.files}本存在" in v.body)
            assert {cf for cf, _, _ in _links(s, v.id)} == {
                f.case_file_id for f in problem_files(s, fw.lead, cid, r.item_id, r.reason_id, unit_id=unit.id)}
    assert _by_key(views, fw.units[U4].id)["problem:subject:A1:a"].body == (
        "评查的3本案卷均存在此类问题。")


def test_recommendations_come_from_the_standard(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    views = list_findings(s, fw.lead, cid)
    recs = {v.gen_key: v for v in views if v.section == "recommendation" and v.unit_id is None}
    assert set(recs) == {"recommendation:discretion_benchmark:B1", "recommendation:subject:A1",
                         "recommendation:subject:V1"}
    assert recs["recommendation:discretion_benchmark:B1"].body == REC_B1
    assert recs["recommendation:subject:A1"].body == REC_A1_TIDY  # the folded line joined without a space
    assert recs["recommendation:subject:V1"].body == REC_V1
    assert recs["recommendation:subject:A1"].title == "执法主体：执法人员资格"
    # A1's recommendation stands behind both A1 problems: its files are those of A1-a and A1-b, read
    # through the problems' links (it stores none of its own), in the traces' order, and counted so.
    a1 = {(f.case_file_id, "A1", p) for p in ("a", "b") for f in problem_files(s, fw.lead, cid, "A1", p)}
    rec = recs["recommendation:subject:A1"]
    assert _links(s, rec.id) == set()
    traces = finding_traces(s, fw.lead, rec.id)
    assert {(t.case_file_id, t.item_id, t.reason_id) for t in traces} == a1 and rec.links == len(a1)
    problems = [v for v in views if v.unit_id is None and v.gen_key.startswith("problem:subject:A1:")]
    assert len(problems) == 2
    merged = [t for p in problems for t in finding_traces(s, fw.lead, p.id)]
    assert traces == sorted(merged, key=lambda t: (t.case_number, t.item_id, t.reason_id))  # one unit order here
    # A unit only gets the recommendations of its own problems.
    u3 = {v.gen_key for v in views if v.unit_id == fw.units[U3].id and v.section == "recommendation"}
    assert u3 == {"recommendation:discretion_benchmark:B1"}
    u2 = {v.gen_key for v in views if v.unit_id == fw.units[U2].id and v.section == "recommendation"}
    assert "recommendation:subject:V1" in u2


def test_typical_examples_quote_the_comment_and_are_anonymised(fw):
    s, cid = fw.session, fw.campaign.id
    assert fw.campaign.anonymise
    _generate(fw)
    views = list_findings(s, fw.lead, cid)
    typical = {v.gen_key: v for v in views if v.section == "typical" and v.unit_id is None}
    b1 = typical["typical:discretion_benchmark:B1:a"]
    assert b1.body == f"某单位办理的一起案件，文书错别字（第5页）。评查意见：{COMMENT_B1}。"
    a1 = typical["typical:subject:A1:a"]
    assert COMMENT_A1 in a1.body and a1.body.startswith("某单位办理的一起案件")
    numbers = [f.case_number for f in fw.files]
    for v in views:
        if v.section == "typical":
            assert not any(n in v.body for n in numbers), v.body
            if v.unit_id is None:
                assert not any(u in v.body for u in fw.units), v.body
    # The example is the commented file (file 2 for B1-a; file 9 for A1-a), and the link says so.
    assert _links(s, b1.id) == {(fw.files[2].id, "B1", "a")}
    assert _links(s, a1.id) == {(fw.files[9].id, "A1", "a")}
    # In a unit's own section its name stays and the case number loses its serial.
    u1 = _by_key(views, fw.units[U1].id)["typical:discretion_benchmark:B1:a"]
    masked = mask_case_number(fw.files[2].case_number)
    assert masked == re.sub(r"〕\d+号", "〕****号", fw.files[2].case_number)
    assert u1.body.startswith(f"{U1}办理的{masked}案件")
    # Without anonymisation the unit and the real number appear (regeneration updates the unedited text).
    fw.campaign.anonymise = False
    s.commit()
    report = _generate(fw)
    assert b1.id in report.updated
    b1_now = next(v for v in list_findings(s, fw.lead, cid) if v.id == b1.id)
    assert b1_now.body.startswith(f"{U1}办理的{fw.files[2].case_number}案件")


def test_traces_real_for_leads_masked_for_observers(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    views = list_findings(s, fw.lead, cid)
    b1 = _by_key(views)["problem:discretion_benchmark:B1:a"]
    traces = finding_traces(s, fw.lead, b1.id)
    assert len(traces) == 11
    assert {t.case_number for t in traces} == {f.case_number for f in problem_files(s, fw.lead, cid, "B1", "a")}
    first = next(t for t in traces if t.case_number == fw.files[2].case_number)
    assert (first.unit_name, first.item_title, first.reason, first.comment, first.location) == (
        U1, "文书制作", "文书错别字", COMMENT_B1, "第5页")
    assert str(first.score) == "83.75" and first.grade == "良好" and first.standing
    assert {t.case_number for t in finding_traces(s, fw.lead, b1.id, anonymise=True)} == {"某案"}
    publish_campaign(s, fw.lead, fw.campaign)
    s.commit()
    seen = finding_traces(s, fw.observer, b1.id)
    assert {(t.case_number, t.unit_name) for t in seen} == {("某案", "某单位")}
    u4 = _by_key(views, fw.units[U4].id)["problem:subject:A1:a"]
    seen = finding_traces(s, fw.observer, u4.id)
    assert {t.unit_name for t in seen} == {U4} and all("****" in t.case_number for t in seen)


def test_traces_of_many_findings_are_each_findings_own(fw):
    """A document reads every finding's traces at once: each finding gets exactly what it gets alone,
    for the lead and, masked by the finding's own scope, for an observer and an anonymised lead."""
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    publish_campaign(s, fw.lead, fw.campaign)
    s.commit()
    ids = [v.id for v in list_findings(s, fw.lead, cid, unit_id="all")]
    assert len(ids) > 10 and len({v.unit_id for v in list_findings(s, fw.lead, cid, unit_id="all")}) > 2
    for actor, anonymise in ((fw.lead, None), (fw.lead, True), (fw.observer, None)):
        many = findings_traces(s, actor, [*reversed(ids), ids[0]], anonymise=anonymise)
        assert list(many) == [*reversed(ids)]
        assert many == {i: finding_traces(s, actor, i, anonymise=anonymise) for i in ids}
    assert sum(len(v) for v in many.values()) > 20
    with pytest.raises(NotFound):
        findings_traces(s, fw.lead, [ids[0], 10**9])


# ------------------------------------------------------------------------------------------ editing

def test_edits_are_audited_and_locked(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    v = _by_key(list_findings(s, fw.lead, cid))["problem:discretion_benchmark:B1:a"]
    new_body = "裁量权基准适用方面：多数单位的文书存在错别字。"
    out = update_finding(s, fw.lead, v.id, body=new_body, expected_version=v.version)
    s.commit()
    assert (out.body, out.edited, out.version) == (new_body, True, v.version + 1)
    entry = history(s, "finding", v.id)[-1]
    assert entry.action == "update_finding" and entry.actor_id == fw.lead.id
    assert entry.old_value == {"body": v.body, "edited": False} and entry.new_value == {"body": new_body,
                                                                                         "edited": True}
    with pytest.raises(ConflictError, match="changed meanwhile") as exc:
        update_finding(s, fw.lead, v.id, body="别的文字", expected_version=v.version)
    assert exc.value.current.body == new_body
    s.rollback()
    with pytest.raises(ValidationFailed, match="cannot be empty"):
        update_finding(s, fw.lead, v.id, body="  ", expected_version=out.version)
    s.rollback()
    # Setting the text back to the draft makes it an unedited finding again.
    back = update_finding(s, fw.lead, v.id, body=v.draft_body, expected_version=out.version)
    assert not back.edited
    # Nothing changed: no new version, no audit entry.
    n = len(history(s, "finding", v.id))
    same = update_finding(s, fw.lead, v.id, title=back.title, expected_version=back.version)
    assert same.version == back.version and len(history(s, "finding", v.id)) == n


def test_include_exclude_and_order(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    campaign = [v for v in list_findings(s, fw.lead, cid, unit_id=None) if v.section == "problem"]
    assert [v.position for v in campaign] == [0, 1, 2, 3]
    last = campaign[-1]
    moved = move_finding(s, fw.lead, last.id, 0)
    assert moved.position == 0 and moved.version == last.version  # order is not text: no new version
    order = [v.id for v in list_findings(s, fw.lead, cid, unit_id=None) if v.section == "problem"]
    assert order == [last.id] + [v.id for v in campaign[:-1]]
    entry = history(s, "finding", last.id)[-1]
    assert (entry.action, entry.old_value, entry.new_value) == ("move_finding", {"position": 3}, {"position": 0})
    move_finding(s, fw.lead, campaign[0].id, 99)  # clamped to the end
    order = [v.id for v in list_findings(s, fw.lead, cid, unit_id=None) if v.section == "problem"]
    assert order[-1] == campaign[0].id
    # Typical and recommendation sections keep their own order.
    assert [v.position for v in list_findings(s, fw.lead, cid, unit_id=None) if v.section == "typical"] == [0, 1]

    out = update_finding(s, fw.lead, last.id, included=False, expected_version=moved.version)
    assert not out.included and not out.edited
    assert history(s, "finding", last.id)[-1].new_value == {"included": False}
    included = list_findings(s, fw.lead, cid, unit_id=None, included_only=True)
    assert last.id not in {v.id for v in included}
    assert last.id in {v.id for v in list_findings(s, fw.lead, cid, unit_id=None)}
    s.commit()
    # Regeneration leaves inclusion and order alone.
    _generate(fw)
    again = [v for v in list_findings(s, fw.lead, cid, unit_id=None) if v.section == "problem"]
    assert [v.id for v in again] == order and not next(v for v in again if v.id == last.id).included


def test_manual_findings_and_deleting(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    unit = fw.units[U2]
    v = add_finding(s, fw.lead, cid, unit_id=unit.id, section="recommendation", title="加强培训",
                    body="建议组织执法人员开展文书制作培训。")
    assert v.manual and v.edited and v.unit_name == U2
    mine = [x for x in list_findings(s, fw.lead, cid, unit_id=unit.id) if x.section == "recommendation"]
    assert mine[-1].id == v.id
    report = _generate(fw)
    assert v.id not in report.removed + report.stale
    generated = _by_key(list_findings(s, fw.lead, cid))["problem:subject:A1:a"]
    with pytest.raises(ValidationFailed, match="exclude it instead"):
        delete_finding(s, fw.lead, generated.id, expected_version=generated.version)
    with pytest.raises(ValidationFailed, match="unknown section"):
        add_finding(s, fw.lead, cid, unit_id=None, section="other", title="x", body="y")
    delete_finding(s, fw.lead, v.id, expected_version=v.version)
    assert s.get(Finding, v.id) is None
    assert history(s, "finding", v.id)[-1].action == "delete_finding"


# ------------------------------------------------------------------------------------------ regeneration

def test_regeneration_keeps_edits_updates_the_rest_and_replaces_only_when_asked(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    views = _by_key(list_findings(s, fw.lead, cid))
    edited = views["problem:discretion_benchmark:B1:a"]
    plain = views["problem:subject:A1:a"]
    my_text = "裁量权基准适用方面：文书错别字问题较为普遍。"
    update_finding(s, fw.lead, edited.id, body=my_text, expected_version=edited.version)
    s.commit()
    # Nothing changed in the results: everything is unchanged or kept, nothing reported, and no finding
    # is written back (the row-state entry of the run vouches for no finding row; versions stay).
    last = s.scalar(select(func.max(AuditEntry.id)))
    versions = {v.id: v.version for v in list_findings(s, fw.lead, cid)}
    report = _generate(fw)
    assert report.added == [] and report.updated == [] and report.draft_changed == []
    assert report.kept == [edited.id]
    states = s.scalars(select(AuditEntry).where(AuditEntry.id > last, AuditEntry.action == ROW_STATE)).all()
    assert all("findings" not in (e.new_value or {}).get("rows", {}) for e in states)
    assert {v.id: v.version for v in list_findings(s, fw.lead, cid)} == versions

    # File 0 (U1: B1-a only) is re-checked to A1-a: B1-a 11 -> 10 files, A1-a 5 -> 6.
    record_recheck(s, fw.lead, fw.campaign, fw.files[0], reason="复核", marks=Marks.model_validate(m(a=True)))
    s.commit()
    report = _generate(fw)
    assert plain.id in report.updated
    now = {v.id: v for v in list_findings(s, fw.lead, cid)}
    assert "6本案卷（涉及3个单位）" in now[plain.id].body and now[plain.id].version == plain.version + 1
    assert (fw.files[0].id, "A1", "a") in _links(s, plain.id)
    assert now[edited.id].body == my_text and now[edited.id].edited
    [change] = report.draft_changed
    assert change.finding_id == edited.id and change.body == my_text
    assert "11本案卷" in change.old_draft_body and "10本案卷（涉及4个单位）" in change.new_body
    assert now[edited.id].draft_body == change.new_body  # the latest draft is kept beside the edit
    assert (fw.files[0].id, "B1", "a") not in _links(s, edited.id)  # links follow the current basis
    entry = history(s, "finding", edited.id)[-1]
    assert entry.action == "finding_draft_changed" and entry.note == "draft changed; edited text kept"
    # Regenerating again reports nothing new; the edit is still kept.
    again = _generate(fw)
    assert again.draft_changed == [] and edited.id in again.kept

    # Asked explicitly: the edited text is replaced by the current draft, audited with old and new.
    replaced = _generate(fw, replace_edited=[edited.id])
    assert replaced.replaced == [edited.id]
    v = next(x for x in list_findings(s, fw.lead, cid) if x.id == edited.id)
    assert v.body == change.new_body and not v.edited
    entry = history(s, "finding", edited.id)[-1]
    assert entry.action == "replace_edited_finding" and entry.old_value["body"] == my_text
    with pytest.raises(ValidationFailed, match="no finding 999999"):
        generate_findings(s, fw.lead, cid, replace_edited=[999999])
    s.rollback()


def test_regeneration_marks_or_removes_findings_whose_basis_is_gone(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    views = _by_key(list_findings(s, fw.lead, cid))
    veto = views["problem:subject:V1:V1"]
    rec = views["recommendation:subject:V1"]
    u2 = _by_key(list_findings(s, fw.lead, cid), fw.units[U2].id)["problem:subject:V1:V1"]
    kept_text = "执法主体方面：1本案卷因执法主体不合法被认定为不合格。"
    update_finding(s, fw.lead, veto.id, body=kept_text, expected_version=veto.version)
    update_finding(s, fw.lead, u2.id, included=False, expected_version=u2.version)
    s.commit()
    # The re-check of file 5 drops the veto: V1 is gone from the results.
    record_recheck(s, fw.lead, fw.campaign, fw.files[5], reason="否决项不成立", marks=Marks.model_validate(m(d=4)))
    s.commit()
    report = _generate(fw)
    assert set(report.stale) == {veto.id, u2.id}  # edited / excluded by a person: kept, marked
    assert rec.id in report.removed  # nobody touched it: deleted
    assert s.get(Finding, rec.id) is None
    v = next(x for x in list_findings(s, fw.lead, cid) if x.id == veto.id)
    assert v.stale and v.body == kept_text and v.included
    assert finding_traces(s, fw.lead, veto.id)[0].standing is False  # its old file is still traceable
    with pytest.raises(ValidationFailed, match="no current draft"):
        generate_findings(s, fw.lead, cid, replace_edited=[veto.id])
    s.rollback()
    actions = [e.action for e in history(s, "finding", veto.id)]
    assert actions[-1] == "finding_stale"
    # A stale finding may be deleted.
    delete_finding(s, fw.lead, veto.id, expected_version=v.version)
    assert s.get(Finding, veto.id) is None


def test_generation_needs_results_and_writes_a_summary(fw):
    s = fw.session
    report = _generate(fw)
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "generate_findings")).one()
    assert (entry.entity, entry.entity_id) == ("campaign", str(fw.campaign.id)) and entry.new_value["added"] == len(report.added)
    assert len(history(s, "finding", report.added[0])) == 1
    assert all(len(history(s, "finding", fid)) == 1 for fid in report.added)  # one chained entry each
    assert verify(s.connection()).ok, verify(s.connection()).lines()  # drafted as a set, the chain holds
    from scoring.workflow.campaigns import create_campaign, spec_from_options

    empty = create_campaign(s, spec_from_options(name="空活动", year=2025, window_start="2025-01-01",
                                                 window_end="2025-12-31", standards={"行政处罚": "mini"}),
                            fw.library, fw.lead)
    with pytest.raises(ValidationFailed, match="no final results yet"):
        generate_findings(s, fw.lead, empty.id)


# ------------------------------------------------------------------------------------------ permissions

def test_permissions(fw):
    s, cid = fw.session, fw.campaign.id
    _generate(fw)
    views = list_findings(s, fw.lead, cid)
    excluded = views[0]
    update_finding(s, fw.lead, excluded.id, included=False, expected_version=excluded.version)
    s.commit()
    reviewer, obs = fw.reviewers[0], fw.observer
    for call in (lambda: generate_findings(s, reviewer, cid), lambda: list_findings(s, reviewer, cid),
                 lambda: finding_traces(s, reviewer, views[1].id),
                 lambda: update_finding(s, reviewer, views[1].id, body="x", expected_version=1),
                 lambda: move_finding(s, reviewer, views[1].id, 0)):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied, match="only once the results are published"):
        list_findings(s, obs, cid)
    publish_campaign(s, fw.lead, fw.campaign)
    s.commit()
    seen = list_findings(s, obs, cid)
    assert {v.id for v in seen} == {v.id for v in views} - {excluded.id}
    assert all(v.included for v in seen)
    with pytest.raises(NotFound):
        finding_traces(s, obs, excluded.id)
    with pytest.raises(PermissionDenied):
        update_finding(s, obs, views[1].id, body="x", expected_version=views[1].version)
    with pytest.raises(PermissionDenied):
        generate_findings(s, obs, cid)
    with pytest.raises(PermissionDenied):  # reviewers read no findings, published or not
        list_findings(s, reviewer, cid)


# ------------------------------------------------------------------------------------------ text rules

@pytest.mark.parametrize(("number", "masked"), [
    ("东城管罚〔2024〕37号", "东城管罚〔2024〕****号"),
    ("测罚〔2024〕11号", "测罚〔2024〕****号"),
    ("沪市监罚[2023]0012号", "沪市监罚[2023]****号"),
    ("京朝检（2024）第5号", "京朝检（2024）****号"),
    ("XK-2024-0012", "XK-2024-****"),
    ("无编号", "****"),
])
def test_mask_case_number(number, masked):
    assert mask_case_number(number) == masked


def test_problem_phrase_and_tidy():
    assert problem_phrase("每处笔录未经当事人核对签名") == "笔录未经当事人核对签名"
    assert problem_phrase("每缺一份应归档材料") == "缺少应归档材料"
    assert problem_phrase("未记载执法证号。") == "未记载执法证号"
    # The rule's quantifiers and point sizes never reach a notice.
    assert problem_phrase("审核意见每遗漏一个审核方面（主体、事实证据、法律依据、裁量、程序）") == (
        "审核意见遗漏审核方面（主体、事实证据、法律依据、裁量、程序）")
    assert problem_phrase("每一项违法事实要素（时间、地点、行为方式、情节、后果、违法所得）未查明或未载明") == (
        "违法事实要素（时间、地点、行为方式、情节、后果、违法所得）未查明或未载明")
    assert problem_phrase("决定书每缺一项必要内容（许可事项、依据、有效期）") == "决定书缺少必要内容（许可事项、依据、有效期）"
    assert problem_phrase("每名执法人员的执法证号未记载") == "执法人员的执法证号未记载"
    assert problem_phrase("文书错别字，每处扣1分，扣完为止") == "文书错别字"
    assert problem_phrase("证据收集程序不当，每处扣1-3分") == "证据收集程序不当"
    assert problem_phrase("告知程序有瑕疵，视情节扣1-2分") == "告知程序有瑕疵"
    # A short reason without a subject is put after its item's title; an explicit phrase wins.
    assert problem_phrase("未复查", "整改复查") == "整改复查方面未复查"
    assert problem_phrase("每处笔录未经当事人核对签名", "笔录", "询问笔录未经当事人核对签名") == "询问笔录未经当事人核对签名"
    assert tidy("对案源登记实行书面记录，\n  并确保衔接。") == "对案源登记实行书面记录，并确保衔接。"
    assert tidy("引用 GB 2760 标准") == "引用GB 2760标准"


def test_which_findings_start_included():
    from decimal import Decimal

    from scoring.findings.generate import _Problem, significant

    def p(focus, files, veto=False):
        return _Problem(focus, "I1", "项目", "a", "情形", veto, files, 1, Decimal(0))

    assert significant(p("legal_review", 1), 100)  # the four focus areas always
    assert significant(p("documents", 1, veto=True), 100)  # vetoes always
    assert significant(p("documents", 10), 100) and not significant(p("documents", 9), 100)  # a tenth of the files
