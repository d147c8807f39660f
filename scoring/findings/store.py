"""Stored findings: reading them (leads; observers once results are published) and the lead's edits.

Every edit is checked against the version the editor saw (`expected_version`, optimistic locking: a
stale save raises `ConflictError` carrying the current finding) and written to the audit log with the
old and new values. Moving a finding changes only the order within its group (same scope and section)
and does not change its version.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import Campaign, Finding, FindingLink, Unit, User, utcnow
from scoring.domain import ALL_FOCUS, CampaignStatus
from scoring.errors import ConflictError, NotFound, ValidationFailed
from scoring.findings.generate import MANUAL_PREFIX, RECOMMENDATION_PREFIX, SECTIONS, problem_key
from scoring.messages import Msg
from scoring.policy import Action, Situation, allowed, check
from scoring.workflow.publish import require_results_access

TITLE_MAX = 300
BODY_MAX = 20_000


@dataclass
class FindingView:
    id: int
    campaign_id: int
    unit_id: int | None
    unit_name: str | None
    scope: str  # "campaign" / "unit"
    section: str  # problem / typical / recommendation
    focus: str | None
    title: str
    body: str
    included: bool
    position: int  # index within its group (scope and section), 0 first
    edited: bool
    stale: bool
    version: int
    gen_key: str
    draft_title: str
    draft_body: str
    links: int
    facts: dict[str, Any] = field(default_factory=dict)
    updated_at: dt.datetime | None = None
    updated_by: str | None = None

    @property
    def manual(self) -> bool:
        return self.gen_key.startswith(MANUAL_PREFIX)

    @property
    def focus_label(self) -> str:
        return ALL_FOCUS.get(self.focus or "", self.focus or "")

    @property
    def draft_differs(self) -> bool:
        """An edited finding whose stored draft reads differently from the person's text."""
        return self.edited and not self.manual and (self.title, self.body) != (self.draft_title, self.draft_body)


# ------------------------------------------------------------------------------------------ access

def get_campaign_row(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(code="findings.campaign_not_found", id=campaign_id)
    return campaign


def readable_campaign(session: Session, actor: User | None, campaign_id: int) -> tuple[Campaign, bool]:
    """The campaign if `actor` may read its findings, and whether they read as a lead (everything) or as an
    observer (included findings of a published campaign only). Reviewers are refused."""
    campaign = get_campaign_row(session, campaign_id)
    check(actor, Action.READ_FINDINGS, Situation(published=campaign.status == CampaignStatus.PUBLISHED))
    require_results_access(actor, campaign)
    return campaign, allowed(actor, Action.EDIT_FINDINGS)


def _finding(session: Session, finding_id: int, *, lock: bool = False) -> Finding:
    stmt = select(Finding).where(Finding.id == finding_id)
    if lock:
        stmt = stmt.with_for_update()
    finding = session.scalar(stmt)
    if finding is None:
        raise NotFound(code="findings.not_found", id=finding_id)
    return finding


def readable_finding(session: Session, actor: User | None, finding_id: int) -> tuple[Finding, Campaign, bool]:
    finding = _finding(session, finding_id)
    campaign, lead = readable_campaign(session, actor, finding.campaign_id)
    if not lead and not finding.included:
        raise NotFound(code="findings.not_found", id=finding_id)  # excluded findings do not exist for observers
    return finding, campaign, lead


# ------------------------------------------------------------------------------------------ views

def _unit_order(session: Session) -> dict[int, tuple[int, int, str]]:
    return {uid: (order, uid, name) for uid, order, name in session.execute(
        select(Unit.id, Unit.sort_order, Unit.name))}


def _sort_key(f: Finding, units: dict[int, tuple[int, int, str]]) -> tuple:
    scope = (0, 0, 0) if f.unit_id is None else (1, *units[f.unit_id][:2])
    section = SECTIONS.index(f.section) if f.section in SECTIONS else len(SECTIONS)
    return (*scope, section, f.position, f.id)


def link_sources(session: Session, findings: Sequence[Finding]) -> dict[int, list[int]]:
    """finding id -> the findings whose links are the files behind it: a drafted recommendation's are its
    problems' (same campaign, scope and focus area, its item with each of `facts["reasons"]`), which it
    does not store a second time; any other finding's are its own. A problem links only its own (item,
    reason), so the sources' links never overlap."""
    out = {f.id: [f.id] for f in findings}
    wanted: dict[tuple[int, int | None, str], int] = {}
    for f in findings:
        if f.section == "recommendation" and f.gen_key.startswith(RECOMMENDATION_PREFIX):
            out[f.id] = []
            facts = f.facts or {}
            for reason_id in facts.get("reasons", []):
                wanted[(f.campaign_id, f.unit_id, problem_key(f.focus, facts.get("item_id", ""), reason_id))] = f.id
    if wanted:
        keys = sorted({k for _, _, k in wanted})
        units = {u for _, u, _ in wanted}
        scopes = [Finding.unit_id.in_(sorted(u for u in units if u is not None))]
        if None in units:  # campaign level
            scopes.append(Finding.unit_id.is_(None))
        scope = or_(*scopes)  # only the recommendations' scopes: a unit's list reads its own problems
        for i in range(0, len(keys), 500):
            rows = session.execute(select(Finding.id, Finding.campaign_id, Finding.unit_id, Finding.gen_key).where(
                Finding.campaign_id.in_({c for c, _, _ in wanted}), Finding.section == "problem", scope,
                Finding.gen_key.in_(keys[i:i + 500])))
            for fid, campaign_id, unit_id, gen_key in rows:
                if (rec := wanted.get((campaign_id, unit_id, gen_key))) is not None:
                    out[rec].append(fid)
        for sources in out.values():
            sources.sort()
    return out


def link_counts(session: Session, findings: Sequence[Finding]) -> dict[int, int]:
    """finding id -> how many (file, item, reason) links stand behind it (`link_sources`)."""
    sources = link_sources(session, findings)
    wanted = sorted({s for of in sources.values() for s in of})
    counts: dict[int, int] = {}
    for i in range(0, len(wanted), 500):
        counts.update(session.execute(select(FindingLink.finding_id, func.count()).where(
            FindingLink.finding_id.in_(wanted[i:i + 500])).group_by(FindingLink.finding_id)).all())
    return {fid: sum(counts.get(s, 0) for s in of) for fid, of in sources.items()}


def _views(session: Session, findings: list[Finding]) -> list[FindingView]:
    if not findings:
        return []
    units = _unit_order(session)
    counts = link_counts(session, findings)
    editors: dict[int | None, str] = {uid: name for uid, name in session.execute(select(User.id, User.display_name).where(
        User.id.in_({f.updated_by_id for f in findings if f.updated_by_id})))}
    ordered = sorted(findings, key=lambda f: _sort_key(f, units))
    index: dict[tuple[int | None, str], int] = {}
    out = []
    for f in ordered:
        group = (f.unit_id, f.section)
        pos = index.get(group, 0)
        index[group] = pos + 1
        out.append(FindingView(
            id=f.id, campaign_id=f.campaign_id, unit_id=f.unit_id,
            unit_name=units[f.unit_id][2] if f.unit_id is not None else None,
            scope="campaign" if f.unit_id is None else "unit", section=f.section, focus=f.focus, title=f.title,
            body=f.body, included=f.included, position=pos, edited=f.edited, stale=f.stale, version=f.version,
            gen_key=f.gen_key, draft_title=f.draft_title, draft_body=f.draft_body, links=int(counts.get(f.id, 0)),
            facts=dict(f.facts or {}), updated_at=f.updated_at, updated_by=editors.get(f.updated_by_id)))
    return out


def _view(session: Session, finding: Finding) -> FindingView:
    stmt = select(Finding).where(Finding.campaign_id == finding.campaign_id, Finding.section == finding.section)
    stmt = stmt.where(Finding.unit_id.is_(None) if finding.unit_id is None else Finding.unit_id == finding.unit_id)
    return next(v for v in _views(session, list(session.scalars(stmt))) if v.id == finding.id)


def list_findings(session: Session, actor: User | None, campaign_id: int, *,
                  unit_id: int | None | Literal["all"] = "all", included_only: bool = False) -> list[FindingView]:
    """The campaign's findings: campaign level first, then each unit (in the units' order); within a scope
    by section (problem, typical, recommendation) and position. `unit_id`: "all", None (campaign level
    only) or a unit id. Observers get included findings of published campaigns only."""
    _, lead = readable_campaign(session, actor, campaign_id)
    stmt = select(Finding).where(Finding.campaign_id == campaign_id)
    if unit_id is None:
        stmt = stmt.where(Finding.unit_id.is_(None))
    elif unit_id != "all":
        stmt = stmt.where(Finding.unit_id == int(unit_id))
    if included_only or not lead:
        stmt = stmt.where(Finding.included.is_(True))
    return _views(session, list(session.scalars(stmt)))


def get_finding(session: Session, actor: User | None, finding_id: int) -> FindingView:
    finding, _, _ = readable_finding(session, actor, finding_id)
    return _view(session, finding)


# ------------------------------------------------------------------------------------------ edits

def _check_version(session: Session, finding: Finding, expected_version: int) -> None:
    if finding.version != expected_version:
        raise ConflictError(current=_view(session, finding), code="findings.version_changed", id=finding.id,
                            edited=expected_version, version=finding.version)


def _clean(value: str, what: str, limit: int) -> str:
    text = value.replace("\r\n", "\n").strip()
    if not text:
        raise ValidationFailed(code="findings.empty", what=Msg(f"findings.what.{what}"))
    if len(text) > limit:
        raise ValidationFailed(code="findings.too_long", what=Msg(f"findings.what.{what}"), max=limit, n=len(text))
    return text


def update_finding(session: Session, actor: User | None, finding_id: int, *, title: str | None = None,
                   body: str | None = None, included: bool | None = None, expected_version: int) -> FindingView:
    """Change a finding's title, body and/or inclusion (lead). Text that differs from the generated draft
    marks the finding `edited` (regeneration then keeps it); text set back to the draft clears the mark."""
    actor = check(actor, Action.EDIT_FINDINGS)
    finding = _finding(session, finding_id, lock=True)
    _check_version(session, finding, expected_version)
    new: dict[str, Any] = {}
    if title is not None and _clean(title, "title", TITLE_MAX) != finding.title:
        new["title"] = _clean(title, "title", TITLE_MAX)
    if body is not None and _clean(body, "body", BODY_MAX) != finding.body:
        new["body"] = _clean(body, "body", BODY_MAX)
    if included is not None and bool(included) != finding.included:
        new["included"] = bool(included)
    if not new:
        return _view(session, finding)
    old = {k: getattr(finding, k) for k in new}
    for k, v in new.items():
        setattr(finding, k, v)
    if "title" in new or "body" in new:
        edited = finding.gen_key.startswith(MANUAL_PREFIX) or (finding.title, finding.body) != (
            finding.draft_title, finding.draft_body)
        if edited != finding.edited:
            old["edited"], new["edited"] = finding.edited, edited
            finding.edited = edited
    finding.version += 1
    finding.updated_at, finding.updated_by_id = utcnow(), actor.id
    session.flush()
    audit.record(session, actor_id=actor.id, action="update_finding", entity="finding", entity_id=finding.id,
                 old=old, new=new)
    return _view(session, finding)


def _group(session: Session, campaign_id: int, unit_id: int | None, section: str) -> list[Finding]:
    """The findings ordered together with one: same campaign, scope and section."""
    stmt = select(Finding).where(Finding.campaign_id == campaign_id, Finding.section == section)
    stmt = stmt.where(Finding.unit_id.is_(None) if unit_id is None else Finding.unit_id == unit_id)
    return list(session.scalars(stmt.order_by(Finding.position, Finding.id).with_for_update()))


def move_finding(session: Session, actor: User | None, finding_id: int, new_position: int) -> FindingView:
    """Put a finding at `new_position` (0 = first, clamped) within its group (same scope and section)."""
    actor = check(actor, Action.EDIT_FINDINGS)
    finding = _finding(session, finding_id, lock=True)
    group = _group(session, finding.campaign_id, finding.unit_id, finding.section)
    old_index = group.index(finding)
    target = max(0, min(int(new_position), len(group) - 1))
    group.insert(target, group.pop(old_index))
    for i, f in enumerate(group):
        f.position = i
    if target != old_index:
        finding.updated_at, finding.updated_by_id = utcnow(), actor.id
        audit.record(session, actor_id=actor.id, action="move_finding", entity="finding", entity_id=finding.id,
                     old={"position": old_index}, new={"position": target})
    session.flush()
    return _view(session, finding)


def add_finding(session: Session, actor: User | None, campaign_id: int, *, unit_id: int | None, section: str,
                title: str, body: str, focus: str | None = None) -> FindingView:
    """A finding the lead writes: never touched by regeneration; at the end of its group."""
    actor = check(actor, Action.EDIT_FINDINGS)
    get_campaign_row(session, campaign_id)
    if section not in SECTIONS:
        raise ValidationFailed(code="findings.unknown_section", section=section, known=list(SECTIONS))
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise NotFound(code="findings.no_unit", id=unit_id)
    if focus is not None and focus not in ALL_FOCUS:
        raise ValidationFailed(code="findings.unknown_focus", focus=focus)
    title, body = _clean(title, "title", TITLE_MAX), _clean(body, "body", BODY_MAX)
    last = max((f.position for f in _group(session, campaign_id, unit_id, section)), default=-1)
    now = utcnow()
    finding = Finding(campaign_id=campaign_id, unit_id=unit_id, section=section, focus=focus,
                      gen_key=f"{MANUAL_PREFIX}{uuid.uuid4().hex}", title=title, body=body, draft_title="",
                      draft_body="", facts={}, edited=True, included=True, stale=False, position=last + 1, version=1,
                      created_at=now, updated_at=now, updated_by_id=actor.id)
    session.add(finding)
    session.flush()
    audit.record(session, actor_id=actor.id, action="add_finding", entity="finding", entity_id=finding.id,
                 new={"unit_id": unit_id, "section": section, "focus": focus, "title": title, "body": body})
    return _view(session, finding)


def delete_finding(session: Session, actor: User | None, finding_id: int, *, expected_version: int) -> None:
    """Delete a finding the lead wrote, or one whose basis is gone (stale). A generated finding with a basis
    would come back on regeneration: exclude it instead."""
    actor = check(actor, Action.EDIT_FINDINGS)
    finding = _finding(session, finding_id, lock=True)
    _check_version(session, finding, expected_version)
    if not (finding.gen_key.startswith(MANUAL_PREFIX) or finding.stale):
        raise ValidationFailed(code="findings.drafted_keep", id=finding_id)
    audit.record(session, actor_id=actor.id, action="delete_finding", entity="finding", entity_id=finding.id,
                 old={"title": finding.title, "body": finding.body, "gen_key": finding.gen_key,
                      "included": finding.included})
    session.delete(finding)
    session.flush()
