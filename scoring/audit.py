"""The append-only audit log: who changed what, when, from which value to which.

Entries are written in the same session (so the same transaction) as the change they describe; the
database refuses UPDATE and DELETE on the table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit_chain as chain
from scoring.db.models import AuditEntry

_AS_IS = frozenset({str, int, float, bool, type(None)})  # JSON's own values: returned without a check


def json_safe(value: Any) -> Any:
    """Decimals, dates and pydantic models as plain JSON values."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        return json_safe(value.model_dump(mode="json", exclude_defaults=True))
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    return value


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    old: Any = None,
    new: Any = None,
    note: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor_id, action=action, entity=entity, entity_id=str(entity_id),
        old_value=json_safe(old), new_value=json_safe(new), note=note,
    )
    session.add(entry)
    return entry


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Like `record` for many entries at once (keys as `record`'s), chained in the order given; written now,
    in one statement (the ORM's pending entries are flushed first so the chain keeps their order)."""
    if not entries:
        return
    session.flush()
    chain.append_many(session.connection(), [
        {"actor_id": e.get("actor_id"), "action": e["action"], "entity": e["entity"],
         "entity_id": str(e["entity_id"]), "old_value": json_safe(e.get("old")), "new_value": json_safe(e.get("new")),
         "note": e.get("note", "")} for e in entries])


def history(session: Session, entity: str, entity_id: object) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(stmt))
