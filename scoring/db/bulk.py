"""Bulk INSERTs of many rows: compiled once and given to the driver's executemany as tuples; and bulk
reads of plain columns as the driver's tuples (`plain_rows`).

SQLAlchemy's per-row parameter building was a fifth of a register import's time, and the ORM's bulk
path or RETURNING cost seconds for the half a million links a province's findings have. Values are
typed by the columns' own bind processors (JSON, dates, Centi) as SQLAlchemy types them; the statement
runs on the caller's connection and transaction, and errors still arrive as SQLAlchemy's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, insert


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
        self.processors = [(i, bind) for i, name in enumerate(columns)
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
        for i, bind in self.processors:
            columns[i] = map(bind, columns[i])
        ordered = zip(*(columns[i] for i in self.order), strict=True)
        params = list(ordered) if self.conn.dialect.positional else [dict(zip(self.names, p, strict=True)) for p in ordered]
        self.conn.exec_driver_sql(self.sql, params)


def plain_rows(conn: Connection, stmt: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of `stmt` as plain tuples, read through the connection's own DBAPI cursor (so in its
    transaction) when every selected column comes back from the driver as SQLAlchemy would give it (no
    result processor: integers, text); else through SQLAlchemy. Building a Row per row cost about a
    second for the ~0.5 M rows the findings of a province read and write back."""
    dialect = conn.dialect
    if any(c.type.dialect_impl(dialect).result_processor(dialect, None) is not None for c in stmt.selected_columns):
        return [tuple(r) for r in conn.execute(stmt)]
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    args = tuple(params[n] for n in compiled.positiontup or ()) if compiled.positional else params
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(compiled.string, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()
