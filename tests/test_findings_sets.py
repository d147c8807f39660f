"""Findings written as sets (Core inserts, links diffed in bulk, audit entries chained in batches) on
both backends: every finding's links are exactly the standing defects behind it, inserted in the
findings' and links' order, and the audit chain and row states account for every row written or
dropped, first time and on regeneration."""

from __future__ import annotations

import json

from sqlalchemy import and_, select

from scoring import audit_chain as chain
from scoring.aggregate import reason_counts, top_problems
from scoring.audit_verify import verify
from scoring.db.models import AuditEntry, FileDeduction, FileResult, Finding, FindingLink
from scoring.findings import findings_traces, generate_findings, list_findings
from scoring.findings.generate import _campaign_problems, _insert_links
from scoring.marks import Marks
from scoring.workflow.recheck import record_recheck
from tests.test_aggregate_world import m
from tests.test_findings import fw  # noqa: F401 - the findings world, one per test


def _defects(s, cid):
    stmt = (select(FileDeduction.case_file_id, FileDeduction.unit_id, FileDeduction.item_id, FileDeduction.reason_id)
            .join(FileResult, and_(FileResult.campaign_id == FileDeduction.campaign_id,
                                   FileResult.case_file_id == FileDeduction.case_file_id))
            .where(FileDeduction.campaign_id == cid))
    return list(s.execute(stmt))


def _expected_links(f: Finding, defects) -> set[tuple[int, str, str]]:
    """What a finding must link, straight from its facts and the final results."""
    if f.section == "typical":
        return {(f.facts["case_file_id"], f.facts["item_id"], f.facts["reason_id"])}
    reasons = f.facts["reasons"] if f.section == "recommendation" else [f.facts["reason_id"]]
    return {(c, i, r) for c, u, i, r in defects
            if i == f.facts["item_id"] and r in reasons and (f.unit_id is None or u == f.unit_id)}


def _check_links(s, cid, lead) -> None:
    """Each finding stores exactly its links (a recommendation none: its files are its problems'), and
    traces and counts show each finding's files, a recommendation's included."""
    defects = _defects(s, cid)
    rows = s.execute(select(FindingLink.id, FindingLink.finding_id, FindingLink.case_file_id, FindingLink.item_id,
                            FindingLink.reason_id).order_by(FindingLink.id)).all()
    by_finding: dict[int, set] = {}
    for _id, fid, c, i, r in rows:
        by_finding.setdefault(fid, set()).add((c, i, r))
    current = list(s.scalars(select(Finding).where(Finding.campaign_id == cid, Finding.stale.is_(False))))
    traces = findings_traces(s, lead, [f.id for f in current])
    counts = {v.id: v.links for v in list_findings(s, lead, cid)}
    for f in current:
        expected = _expected_links(f, defects)
        stored = set() if f.section == "recommendation" else expected
        assert by_finding.get(f.id, set()) == stored, (f.gen_key, f.unit_id)
        assert {(t.case_file_id, t.item_id, t.reason_id) for t in traces[f.id]} == expected, (f.gen_key, f.unit_id)
        assert len(traces[f.id]) == counts[f.id] == len(expected)
    assert any(f.section == "recommendation" and traces[f.id] for f in current)
    return rows


def _last_row_state(s) -> dict:
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "row_state").order_by(AuditEntry.seq.desc())
                      ).first()
    return entry.new_value if isinstance(entry.new_value, dict) else json.loads(entry.new_value)


def _link_digests(rows) -> dict[str, str]:
    """finding id -> the digest of its links (rows as _check_links reads them: id, finding, file, item, reason)."""
    by_finding: dict[str, list] = {}
    for r in rows:
        by_finding.setdefault(str(r[1]), []).append(tuple(r))
    return {f: chain.group_digest("finding_links", links) for f, links in by_finding.items()}


def test_first_drafts_link_their_defects_in_order_and_are_vouched_for(fw):
    s, cid = fw.session, fw.campaign.id
    report = generate_findings(s, fw.lead, cid)
    s.commit()
    rows = _check_links(s, cid, fw.lead)
    # Inserted finding by finding, each finding's links sorted: ids follow that order.
    assert [r[1:] for r in rows] == sorted(r[1:] for r in rows)
    assert report.added == sorted(report.added)
    chained = s.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "generate_finding")
                        .order_by(AuditEntry.seq)).all()
    assert chained == [str(i) for i in report.added]  # one entry each, in the drafts' order
    state = _last_row_state(s)
    assert set(state["rows"]["findings"]) == {str(i) for i in report.added}
    # the links: one digest per finding (with links), no hash per link
    assert "finding_links" not in state["rows"]
    assert state["digests"]["finding_links"] == _link_digests(rows)
    assert verify(s.connection()).ok, verify(s.connection()).lines()


def test_regeneration_moves_links_as_sets_and_the_chain_holds(fw):
    s, cid = fw.session, fw.campaign.id
    generate_findings(s, fw.lead, cid)
    s.commit()
    before = {r[0]: r[1:] for r in _check_links(s, cid, fw.lead)}
    # File 0 (U1: B1-a only) is re-checked to A1-a: its B1-a links go, A1-a links come.
    record_recheck(s, fw.lead, fw.campaign, fw.files[0], reason="复核", marks=Marks.model_validate(m(a=True)))
    s.commit()
    report = generate_findings(s, fw.lead, cid)
    s.commit()
    after = {r[0]: r[1:] for r in _check_links(s, cid, fw.lead)}
    dropped, added = set(before) - set(after), set(after) - set(before)
    assert dropped and added and min(added) > max(before)
    state = _last_row_state(s)
    # dropped links are vouched for as gone; the findings whose links changed get a new digest each
    assert state["rows"]["finding_links"] == {str(i): None for i in dropped}
    moved = {str(before[i][0]) for i in dropped} | {str(after[i][0]) for i in added}
    now = _link_digests([(i, *r) for i, r in after.items()])
    assert state["digests"]["finding_links"] == {f: now.get(f, chain.group_digest("finding_links", []))
                                                 for f in moved}
    updated = s.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "regenerate_finding")
                        .order_by(AuditEntry.seq)).all()
    assert updated and set(updated) <= {str(i) for i in report.updated}
    assert verify(s.connection()).ok, verify(s.connection()).lines()
    # Nothing changed since: nothing written, no link touched.
    again = generate_findings(s, fw.lead, cid)
    s.commit()
    assert not again.updated and not again.added and {r[0]: r[1:] for r in _check_links(s, cid, fw.lead)} == after


def test_recommendation_links_stored_by_an_earlier_version_are_dropped_on_regeneration(fw):
    """Before recommendations read their problems' links they stored the same links themselves: such a
    campaign shows each file once, and its next generation drops the recommendations' own links, vouched
    for as gone, with the chain holding."""
    s, cid = fw.session, fw.campaign.id
    generate_findings(s, fw.lead, cid)
    s.commit()
    defects = _defects(s, cid)
    recs = list(s.scalars(select(Finding).where(Finding.campaign_id == cid, Finding.section == "recommendation")
                          .order_by(Finding.id)))
    assert recs
    _insert_links(s, [(f.id, *link) for f in recs for link in sorted(_expected_links(f, defects))])
    s.commit()
    stored = s.scalars(select(FindingLink.id).join(Finding, Finding.id == FindingLink.finding_id)
                       .where(Finding.section == "recommendation")).all()
    assert stored and verify(s.connection()).ok
    traces = findings_traces(s, fw.lead, [f.id for f in recs])
    for f in recs:  # its problems' files, each once
        assert sorted((t.case_file_id, t.item_id, t.reason_id) for t in traces[f.id]) == sorted(
            _expected_links(f, defects))
    report = generate_findings(s, fw.lead, cid)
    s.commit()
    assert {f.id for f in recs if _expected_links(f, defects)} <= set(report.updated)
    _check_links(s, cid, fw.lead)
    assert _last_row_state(s)["rows"]["finding_links"] == {str(i): None for i in stored}
    assert verify(s.connection()).ok, verify(s.connection()).lines()


def test_campaign_problems_are_top_problems_with_every_reason(fw):
    s, cid = fw.session, fw.campaign.id

    def same() -> None:
        per_unit = reason_counts(s, fw.lead, cid, by_unit=True)
        ours = [(p.focus, p.item_id, p.item_title, p.reason_id, p.reason, p.is_veto, p.files, p.units, p.share)
                for p in _campaign_problems(s, fw.lead, cid, per_unit)]
        core = [(p.focus, p.item_id, p.item_title, p.reason_id, p.reason, p.is_veto, p.files, len(p.units), p.share)
                for p in top_problems(s, fw.lead, cid, per_focus=None)]
        assert ours == core and len(core) > 3

    same()
    record_recheck(s, fw.lead, fw.campaign, fw.files[0], reason="复核", marks=Marks.model_validate(m(a=True)))
    s.commit()
    same()
