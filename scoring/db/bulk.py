"""Bulk INSERTs of many rows: compiled once and given to the driver's executemany as tuples; and bulk
reads of plain columns as the driver's tuples (`plain_rows`), and streamed reads typed per distinct value
(`typed_rows`).

SQLAlchemy's per-row parameter building was a fifth of a register import's time, and the ORM's bulk
path or RETURNING cost seconds for the half a million links a province's findings have. Values are
typed by the columns' own bind processors (JSON, dates, Centi) as SQLAlchemy types them; the statement
runs on the caller's connection and transaction, and errors still arrive as SQLAlchemy's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, insert

MEMO_MAX = 4096  # distinct raw values one column's memo keeps; it starts over when full, so memory stays flat
MEMO_TEXT = 64  # longer text (a review's result document) is converted each time, never kept


class BulkInsert:
    """An INSERT into `table` of rows given as sequences of values in the order of `columns`."""

    def __init__(self, conn: Connection, table: sa.Table, columns: tuple[str, ...]) -> None:
        left_out = [c.name for c in table.columns if c.name not in columns and c.default is not None]
        if left_out:
            raise ValueError(f"columns with a default must be given: {left_out}")  # internal: it would not apply
        compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
        self.conn, self.sql = conn, str(compiled)
        self.names = list(compiled.positiontup or ()) if compiled.positional else list(columns)
        self.order = [columns.index(name) for name in self.names]
        dialect = conn.dialect
        self.processors = [(i, bind, _memoised(bind, _bind_key)) for i, name in enumerate(columns)
                           if (bind := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
        self.as_given = conn.dialect.positional and not self.processors and self.order == list(range(len(columns)))

    def run(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert `rows`; typed column by column (rows of plain integers and text go as they are)."""
        if not rows:
            return
        if self.as_given:
            self.conn.exec_driver_sql(self.sql, rows)
            return
        columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
        for i, bind, memo in self.processors:
            columns[i] = _bound(bind, memo, columns[i])  # type: ignore[arg-type]  # zip gives tuples
        ordered = zip(*(columns[i] for i in self.order), strict=True)
        params = list(ordered) if self.conn.dialect.positional else [dict(zip(self.names, p, strict=True)) for p in ordered]
        self.conn.exec_driver_sql(self.sql, params)


def _bound(bind: Callable[[Any], Any], memo: Callable[[Any], Any], values: tuple[Any, ...]) -> Iterable[Any]:
    """A column's values as bound. Where they are all of one kind whose equal values bind alike (flags,
    dates; NULLs besides) and few, each distinct value is bound once and the column is looked up in one
    C-level pass: a province's register binds five million such values. Else value by value (`memo`)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if len(kinds) <= 1 and kinds <= _BIND_KEPT:
        distinct = set(values)
        if len(distinct) <= MEMO_MAX:
            bound = {v: bind(v) for v in distinct}
            return map(bound.__getitem__, values)
    return map(memo, values)


_EMPTY_DICT = object()  # the memo's key of {} (a JSON column's usual value)
_UNKEPT = object()  # a value a memo does not keep: converted every time
_BIND_KEPT = frozenset({int, bool, str, type(None), dt.date})  # values whose equal keys bind alike


def _memoised(convert: Callable[[Any], Any], key_of: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert` run once per distinct key (`key_of` gives _UNKEPT for a value it must see every time); at
    most MEMO_MAX values are kept (the memo starts over when full), so memory stays flat."""
    known: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        key = key_of(value)
        if key is _UNKEPT:
            return convert(value)
        try:
            return known[key]
        except KeyError:
            if len(known) >= MEMO_MAX:
                known.clear()
            out = known[key] = convert(value)
            return out
    return run


def _bind_key(value: Any) -> Any:
    """A bound value's key: kind and value (1, True and 1.0 bind differently; never a float or a Decimal,
    whose equal values can print differently), one key for every empty dict, short text only."""
    kind = value.__class__
    if kind is dict and not value:
        return _EMPTY_DICT
    if kind in _BIND_KEPT and (kind is not str or len(value) <= MEMO_TEXT):
        return (kind, value)
    return _UNKEPT


def _result_key(raw: Any) -> Any:
    """A raw value's key: integers (never bool), NULL and short text, which the driver gives one kind of per
    column and which cannot be equal across kinds."""
    kind = raw.__class__
    return raw if kind is int or raw is None or (kind is str and len(raw) <= MEMO_TEXT) else _UNKEPT


def _driver_sql(conn: Connection, stmt: sa.Select[Any]) -> tuple[str, Any]:
    """`stmt` as the driver takes it: its SQL text (expanding IN lists rendered) and its parameters."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    return compiled.string, (tuple(params[n] for n in compiled.positiontup or ()) if compiled.positional else params)


def plain_rows(conn: Connection, stmt: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of `stmt` as plain tuples, read through the connection's own DBAPI cursor (so in its
    transaction) when every selected column comes back from the driver as SQLAlchemy would give it (no
    result processor: integers, text); else through SQLAlchemy. Building a Row per row cost about a
    second for the ~0.5 M rows the findings of a province read and write back."""
    dialect = conn.dialect
    if any(c.type.dialect_impl(dialect).result_processor(dialect, None) is not None for c in stmt.selected_columns):
        return [tuple(r) for r in conn.execute(stmt)]
    sql, args = _driver_sql(conn, stmt)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _then(first: Callable[[Any], Any], then: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda raw: then(first(raw))


def typed_rows(conn: Connection, stmt: sa.Select[Any], chunk: int = 5000,
               then: Callable[[Any], Any] | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows of `stmt` as tuples typed as SQLAlchemy types them, streamed `chunk` rows at a time in the
    connection's transaction (memory stays flat; a server-side cursor on PostgreSQL). Each column's type
    converts each distinct raw value once: a province's register repeats its dates, amounts, flags and
    empty JSON a million times, and converting every row was most of reading it back. The values are
    shared between rows: read them, do not change them. `then` further converts the values of columns
    that have a type conversion (in the same memo: a hash's canonical form of a date or an amount)."""
    dialect = conn.dialect
    processors: list[Callable[[Any], Any] | None] = [
        c.type.dialect_impl(dialect).result_processor(dialect, None) for c in stmt.selected_columns]
    if then is not None:
        processors = [None if p is None else _then(p, then) for p in processors]
    sql, args = _driver_sql(conn, stmt)
    result = conn.exec_driver_sql(sql, args, execution_options={"yield_per": chunk})  # this read only
    if not any(processors):
        for part in result.partitions(chunk):
            yield from map(tuple, part)
        return
    typed = [(i, _memoised(p, _result_key)) for i, p in enumerate(processors) if p is not None]
    for part in result.partitions(chunk):
        columns: list[Any] = list(zip(*part, strict=True))
        for i, process in typed:
            columns[i] = map(process, columns[i])
        yield from zip(*columns, strict=True)
