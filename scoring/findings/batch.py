"""Saving many findings at once, as the findings page's table does, and a finding's history.

`save_findings` applies every row's change (title, body, inclusion, place in its group) in one go:
each row is checked against the version it was loaded at first, and if any changed meanwhile nothing
is saved and the error lists them with their current text (`ConflictError.current`: id -> view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.db.models import AuditEntry, Finding, User
from scoring.errors import ConflictError, NotFound
from scoring.findings.store import FindingView, _view, move_finding, update_finding
from scoring.messages import Msg
from scoring.policy import Action, check


@dataclass(frozen=True)
class FindingEdit:
    """One row's change; None leaves a field as it is."""

    finding_id: int
    expected_version: int
    title: str | None = None
    body: str | None = None
    included: bool | None = None
    position: int | None = None  # 0 = first of its group (same scope and section)


def save_findings(session: Session, actor: User | None, edits: Sequence[FindingEdit]) -> list[FindingView]:
    """Apply every edit, all or nothing (lead). Raises ConflictError listing the rows changed meanwhile."""
    check(actor, Action.EDIT_FINDINGS)
    rows: dict[int, Finding] = {}
    for e in edits:
        finding = session.get(Finding, e.finding_id, with_for_update=True)
        if finding is None:
            raise NotFound(code="findings.not_found", id=e.finding_id)
        rows[e.finding_id] = finding
    changed = [rows[e.finding_id] for e in edits if rows[e.finding_id].version != e.expected_version]
    if changed:
        raise ConflictError(code="findings.changed", n=len(changed), ids=[f"#{f.id}" for f in changed],
                            current={f.id: _view(session, f) for f in changed})
    out: dict[int, FindingView] = {}
    for e in edits:
        if e.title is not None or e.body is not None or e.included is not None:
            out[e.finding_id] = update_finding(session, actor, e.finding_id, title=e.title, body=e.body,
                                               included=e.included, expected_version=e.expected_version)
    for e in sorted((e for e in edits if e.position is not None), key=lambda e: e.position or 0):
        out[e.finding_id] = move_finding(session, actor, e.finding_id, int(e.position or 0))
    return list(out.values())


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    who: str
    action: str
    old: dict[str, Any]
    new: dict[str, Any]


def finding_history(session: Session, actor: User | None, finding_id: int) -> list[HistoryEntry]:
    """Every recorded change of one finding, oldest first (lead)."""
    check(actor, Action.EDIT_FINDINGS, what=Msg("policy.what.finding_history"))
    stmt = (select(AuditEntry, User.display_name).outerjoin(User, User.id == AuditEntry.actor_id)
            .where(AuditEntry.entity == "finding", AuditEntry.entity_id == str(int(finding_id)))
            .order_by(AuditEntry.id))
    return [HistoryEntry(a.at, name or "", a.action, dict(a.old_value or {}), dict(a.new_value or {}))
            for a, name in session.execute(stmt)]
