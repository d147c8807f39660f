"""A large bulk load into a SQLite table builds its secondary indexes once, after the rows, not row by row.

Inserting a province's register (a million rows) into `case_files` kept two secondary indexes (unit,
decision date) up to date row by row: each insert lands on a random page of each index, and that was
two thirds of the insert time. Building an index from the finished table is one sort. So once a load
has written enough rows that a rebuild is cheaper than going on (an eighth of the rows already in the
table, and at least `MIN_ROWS`), the table's own `CREATE INDEX` statements are read from the schema,
the indexes are dropped, and `restore` re-runs the very same statements before the load commits.

All of it happens inside the load's transaction: a load that fails or is rolled back (or a process
killed mid-way) leaves the indexes as they were, and readers (WAL) keep seeing the committed table
with its indexes throughout. Constraint indexes (primary key, UNIQUE: the duplicate check needs the
case number's) are never touched. On PostgreSQL nothing is deferred: DROP INDEX would lock the table
against every reader for the whole load.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

MIN_ROWS = 20_000  # a load smaller than this keeps its indexes: a rebuild has a fixed cost
REBUILD_SHARE = 8  # defer once the rows written reach this fraction (1/8) of the rows already there


class DeferredIndexes:
    """The secondary indexes of `table`, dropped during a large load on SQLite and rebuilt by `restore`."""

    def __init__(self, conn: Connection, table: str) -> None:
        self.conn, self.table = conn, table
        self.sqlite = conn.dialect.name == "sqlite"
        self.dropped: list[tuple[str, str]] = []  # (name, CREATE INDEX statement) in schema order
        # the rows already there, estimated by the largest key (a count would read the whole table)
        self.existing = int(conn.execute(sa.text(f'SELECT coalesce(max(rowid), 0) FROM "{table}"')).scalar_one()
                            ) if self.sqlite else 0

    def written(self, rows: int) -> None:
        """The load has written `rows` rows so far: drop the indexes once rebuilding them is cheaper."""
        if not self.sqlite or self.dropped or rows < max(MIN_ROWS, self.existing // REBUILD_SHARE):
            return
        if not self.conn.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            return  # never outside a transaction: the drop would commit on its own
        self.dropped = [(name, sql) for name, sql in self.conn.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL "
            "ORDER BY rowid"), {"t": self.table})]
        for name, _sql in self.dropped:
            self.conn.exec_driver_sql(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        """Build the dropped indexes again, by their own statements (call before the load commits)."""
        for _name, sql in self.dropped:
            self.conn.exec_driver_sql(sql)
        self.dropped = []
