"""Session hooks that keep the audit chain complete without every caller remembering to.

- every `AuditEntry` the ORM inserts is stamped into the chain (`before_insert`);
- every tracked row a session inserts, changes or deletes (by unit of work, by a bulk
  `delete()/update()` statement, or by ON DELETE CASCADE) is noted, and just before the
  transaction commits one `row_state` entry vouches for those rows as they will be committed;
- for a table whose rows are vouched for per group (`audit_chain.DIGESTED`: a finding's links, a
  draw's sampled files), the groups of the rows inserted, deleted or moved away are noted too (a
  deleted row can no longer say which group it was in), and the entry carries one digest of each
  touched group.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from scoring import audit_chain as chain
from scoring.db.bulk import BulkInsert
from scoring.db.models import AuditEntry, Base

_TOUCHED = "casereview.audit.touched"
_GROUPS = "casereview.audit.groups"


def _touched(session: Session) -> dict[str, set[Any]]:
    return session.info.setdefault(_TOUCHED, {})


def note_groups(session: Session, table: str, groups: Iterable[Any]) -> None:
    """Groups of a DIGESTED table whose rows changed (a bulk INSERT's, or rows about to be deleted or moved
    to another group): each is vouched for by one digest of its rows at commit."""
    if table in chain.DIGESTED:
        session.info.setdefault(_GROUPS, {}).setdefault(str(table), set()).update(groups)


def _note_cascade(session: Session, conn: sa.Connection, table: str, keys: list[Any]) -> None:
    """Note the rows (and for DIGESTED children, the groups) ON DELETE CASCADE takes with rows `keys` of `table`."""
    for child, ids in chain.children(conn, table, keys).items():
        _touched(session).setdefault(child, set()).update(ids)
    for child, fk in chain.CASCADES.get(table, ()):
        if chain.DIGESTED.get(child, ("",))[0] == fk:
            note_groups(session, child, keys)


def _committed_groups(session: Session, obj: Any) -> None:
    """For a row of a DIGESTED table about to be deleted or changed in the unit of work: note the group it
    is in as committed (its group column's value before the change)."""
    table = obj.__tablename__
    group_col = chain.DIGESTED[table][0]
    history = sa.inspect(obj).attrs[group_col].history
    values = [*(history.unchanged or ()), *(history.deleted or ())]
    if not values:  # not loaded: ask the database
        key = chain.TRACKED[table][0]
        t = Base.metadata.tables[table]
        values = list(session.connection().execute(
            sa.select(t.c[group_col]).where(t.c[key] == getattr(obj, key))).scalars())
    note_groups(session, table, [v for v in values if v is not None])


def _note(session: Session, table: str, key: Any) -> None:
    if key is not None:
        _touched(session).setdefault(table, set()).add(key)


def note_inserted(session: Session, table: str, keys: Iterable[Any]) -> None:
    """Rows a bulk INSERT statement wrote (the unit of work never sees them): vouched for at commit."""
    if table in chain.TRACKED:
        _touched(session).setdefault(str(table), set()).update(keys)  # str: a Table's name is a str subclass


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` of a model with an integer key `id` in one statement and note them for the chain.

    The unit of work inserts such rows one statement each on SQLite (it wants the new keys back in the
    order given, which SQLite's RETURNING does not promise); the rows' keys as a set are all the chain
    needs (for a DIGESTED table, their groups). The rows are not in the session: read them back with a
    query."""
    if not rows:
        return
    table: sa.Table = model.__table__  # type: ignore[assignment]  # Core: the ORM's bulk path costs as much
    name = model.__tablename__
    if name in chain.DIGESTED:  # no keys needed: one driver executemany
        columns = tuple(rows[0])
        BulkInsert(session.connection(), table, columns).run([tuple(row[c] for c in columns) for row in rows])
        note_groups(session, name, {row[chain.DIGESTED[name][0]] for row in rows})
        return
    ids = session.execute(sa.insert(table).returning(table.c.id), rows).scalars().all()
    note_inserted(session, name, ids)


def _key_of(obj: Any) -> tuple[str, Any] | None:
    table = getattr(obj, "__tablename__", None)
    if table not in chain.TRACKED:
        return None
    return table, getattr(obj, chain.TRACKED[table][0], None)


@event.listens_for(AuditEntry, "before_insert")
def _stamp_entry(_mapper: Any, connection: sa.Connection, target: AuditEntry) -> None:
    values = {c: getattr(target, c) for c in ("actor_id", "action", "entity", "entity_id", "old_value",
                                             "new_value", "note")}
    stamped = chain.stamp(connection, values)
    for k in ("seq", "at", "prev_hash", "entry_hash", "note"):
        setattr(target, k, stamped[k])


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    deleted: dict[str, list[Any]] = {}
    for obj in session.deleted:
        hit = _key_of(obj)
        if hit:
            deleted.setdefault(hit[0], []).append(hit[1])
            if hit[0] in chain.DIGESTED:
                _committed_groups(session, obj)
    for obj in session.dirty:
        hit = _key_of(obj)
        if hit and hit[0] in chain.DIGESTED and session.is_modified(obj, include_collections=False):
            _committed_groups(session, obj)
    if deleted:
        conn = session.connection()
        for table, keys in deleted.items():
            _note_cascade(session, conn, table, keys)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    for obj in session.new:
        hit = _key_of(obj)
        if hit:
            _note(session, *hit)
    for obj in session.deleted:
        hit = _key_of(obj)
        if hit:
            _note(session, *hit)
    for obj in session.dirty:
        hit = _key_of(obj)
        if hit and session.is_modified(obj, include_collections=False):
            _note(session, *hit)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_delete or state.is_update):
        return
    table = getattr(state.statement, "table", None)
    name = str(getattr(table, "name", ""))  # a plain str: entries are hashed faster with str keys only
    if table is None or name not in chain.TRACKED:
        return
    key, columns = chain.TRACKED[name]
    values = getattr(state.statement, "_values", None)
    if state.is_update and values and not {getattr(c, "key", str(c)) for c in values} & set(columns):
        return  # only untracked columns change (sign-in counters): nothing the chain vouches for
    where = getattr(state.statement, "whereclause", None)  # an UPDATE's or DELETE's WHERE (None: all rows)
    group_col = chain.DIGESTED.get(name, (key,))[0]  # a DIGESTED table's rows: their groups too
    stmt = sa.select(table.c[key], table.c[group_col])
    conn = state.session.connection()
    found = conn.execute(stmt if where is None else stmt.where(where)).all()
    if found:
        keys = [k for k, _group in found]
        _touched(state.session).setdefault(name, set()).update(keys)
        if name in chain.DIGESTED:
            note_groups(state.session, name, {g for _k, g in found})
        if state.is_delete:
            _note_cascade(state.session, conn, name, keys)


@event.listens_for(Session, "before_commit")
def _vouch(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    touched = session.info.pop(_TOUCHED, None)
    groups = session.info.pop(_GROUPS, None)
    if touched or groups:
        chain.record_state(session.connection(), touched or {}, groups=groups)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_GROUPS, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_soft(session: Session, _previous: Any) -> None:
    if not session.in_transaction():
        session.info.pop(_TOUCHED, None)
        session.info.pop(_GROUPS, None)
