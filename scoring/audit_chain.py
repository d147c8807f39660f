"""The audit log as a hash chain, and the row states it vouches for.

Every audit entry gets a sequence number, the previous entry's hash and the SHA-256 of its own
canonical content (`entry_hash`), so rewriting, deleting or slipping in an entry breaks the chain. A
one-row table `audit_head` holds the last sequence number, hash and time: appending updates it
first, which serialises appenders (a row lock on PostgreSQL, the write lock on SQLite) and lets a
removed tail be noticed.

The rows that carry results (reviews, marks, re-checks, final results, findings, samples,
assignments, accounts, campaign settings, standards, case files) are *tracked*: every transaction
that changes them appends one `row_state` entry with the hash of each changed row's tracked columns
as committed (None once deleted). Case files imported in bulk are vouched for per import batch by an
order-independent digest of their rows; a finding's links (half a million at province scale) by one
digest per finding of all its links as committed, and a draw's sampled files by one digest per
sampling record (`DIGESTED`, `group_digest`), in the same `row_state` entry as the group's own row.
`scoring.audit_verify` re-derives all of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, RowMapping

from scoring.db.bulk import BulkInsert, plain_rows, typed_rows
from scoring.db.models import Base
from scoring.errors import CaseReviewError

GENESIS = ""
ROW_STATE = "row_state"  # action of the entries that carry row hashes
BASELINE = "chain_baseline"  # action of the entry that vouches for the rows present when chaining began

# table -> (key column, tracked columns). Explicit, so a column another migration adds does not
# change every row's hash; volatile columns (sign-in counters, language) are left out on purpose.
TRACKED: dict[str, tuple[str, tuple[str, ...]]] = {
    "users": ("id", ("id", "username", "display_name", "role", "unit_id", "email", "password_hash", "active")),
    "campaigns": ("id", ("id", "name", "year", "window_start", "window_end", "grade_bands", "pass_line",
                         "reviewers_per_file", "recheck_rules", "anonymise", "status", "created_by_id", "unit_bands",
                         "tie_break")),
    "campaign_standards": ("id", ("id", "campaign_id", "case_type", "procedure", "standard_hash", "grade_bands",
                                  "pass_line")),
    "standard_versions": ("hash", ("hash", "standard_id", "title", "content")),
    "case_files": ("id", ("id", "unit_id", "case_number", "case_type", "procedure", "decision_date",
                          "major_decision", "waiver", "hearing_held", "coercive_measure", "penalty_amount",
                          "description", "batch_id", "attributes", "attribute_sources")),
    "import_batches": ("id", ("id", "source_name", "sha256", "row_count", "created_by_id")),
    "sample_records": ("id", ("id", "campaign_id", "seed", "rules", "register_fingerprint", "candidate_count",
                              "algorithm_version", "record_hash", "parent_id", "is_current", "created_by_id")),
    "sample_items": ("id", ("id", "sample_id", "case_file_id", "draw_order", "reason")),
    "assignments": ("id", ("id", "campaign_id", "case_file_id", "reviewer_id")),
    "reviews": ("id", ("id", "assignment_id", "standard_hash", "status", "version", "total", "grade", "veto",
                       "result", "submitted_at", "answers")),
    "review_marks": ("id", ("id", "review_id", "item_id", "status", "reason_id", "occurrences", "points",
                            "comment", "page", "media_file", "media_time", "chosen_points")),
    "rechecks": ("id", ("id", "campaign_id", "case_file_id", "standard_hash", "marks", "adopted_review_id",
                        "total", "grade", "veto", "result", "reason", "decided_by_id", "version")),
    "file_results": ("id", ("id", "campaign_id", "case_file_id", "unit_id", "case_type", "source", "score",
                            "grade", "passed", "veto", "reviews")),
    "file_focus_scores": ("id", ("id", "campaign_id", "case_file_id", "focus", "applicable_max", "earned")),
    "file_deductions": ("id", ("id", "campaign_id", "case_file_id", "unit_id", "standard_hash", "item_id",
                               "reason_id", "is_veto", "focus", "reason", "points", "reviews", "comment",
                               "location")),
    "findings": ("id", ("id", "campaign_id", "unit_id", "section", "focus", "gen_key", "title", "body", "edited",
                        "included", "stale", "position", "version")),
    "finding_links": ("id", ("id", "finding_id", "case_file_id", "item_id", "reason_id")),
    "rectifications": ("id", ("id", "campaign_id", "unit_id", "requirement", "owner", "deadline", "status",
                              "position", "version")),
}
# Rows the database deletes by ON DELETE CASCADE: parent table -> (child table, foreign key column).
CASCADES: dict[str, tuple[tuple[str, str], ...]] = {
    "campaigns": (("campaign_standards", "campaign_id"),),
    "sample_records": (("sample_items", "sample_id"),),
    "reviews": (("review_marks", "review_id"),),
    "findings": (("finding_links", "finding_id"),),
}
BATCH_TABLE = "case_files"  # bulk imports are vouched for per batch (batch_id), not per row
# Rows vouched for per group, one digest of all the group's rows, not a hash per row: table -> (group
# column, the table whose rows are the groups). Every transaction that inserts, changes or deletes such
# a row vouches for its whole group anew (and for a deleted row's key by None, which supersedes an
# older per-row hash of it: chains written before digests hold one per link or per sampled file).
# Both are written in bulk and read as a whole: a finding's links, a draw's sampled files (50,000 in a
# province, whose row hashes were a fifth of the draw).
DIGESTED: dict[str, tuple[str, str]] = {"finding_links": ("finding_id", "findings"),
                                        "sample_items": ("sample_id", "sample_records")}

AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer), sa.column("seq", sa.BigInteger), sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer), sa.column("action", sa.String), sa.column("entity", sa.String),
    sa.column("entity_id", sa.String), sa.column("old_value", sa.JSON), sa.column("new_value", sa.JSON),
    sa.column("note", sa.Text), sa.column("prev_hash", sa.String), sa.column("entry_hash", sa.String),
)
_ENTRY_COLUMNS = tuple(c.name for c in AUDIT.c if c.name != "id")  # what an appended entry carries
HEAD = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.BigInteger),
                sa.column("hash", sa.String), sa.column("at", sa.DateTime))


def anchor(conn: Connection) -> tuple[int, str] | None:
    """The chain's latest (seq, hash): a copy kept elsewhere (the notice, an e-mail) proves any later rewrite."""
    row = conn.execute(sa.select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == 1)).one_or_none()
    return (int(row.seq), str(row.hash)) if row is not None and row.seq else None


# ------------------------------------------------------------------------------------ canonical form

def plain(value: Any) -> Any:
    """A value as canonical JSON sees it: exact decimals as text, times in ISO form."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _plain_scalar(value: Any) -> str:
    """`plain` for the values JSON cannot write by itself (the encoder calls it only for those)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")  # internal: as json.dumps


# `canonical` without the copy `plain` makes: the same bytes wherever every dict key is a str (`plain`
# turns other keys into str, JSON would not), which `_str_keyed` checks first.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain_scalar)


_LEAVES = frozenset({str, int, float, bool, type(None), Decimal, dt.date, dt.datetime, dt.time})


def _str_keyed(value: Any) -> bool:
    """True when every dict inside `value` is keyed by str only (JSON read from the database always is)."""
    items: Iterable[Any]
    if isinstance(value, dict):
        for k in value:
            if type(k) is not str:
                return False
        items = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return True
    for v in items:
        if type(v) not in _LEAVES and not _str_keyed(v):
            return False
    return True


def canonical(value: Any) -> bytes:
    """Sorted compact JSON of `plain(value)`. Where every dict inside is keyed by str (JSON read from the
    database always is) the encoder writes the same bytes without `plain`'s copy: rows and audit entries
    are hashed by the hundred thousand (import batches, drafted findings)."""
    if _str_keyed(value):
        return _CANONICAL.encode(value).encode("utf-8")
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_hash(e: Mapping[str, Any] | RowMapping) -> str:
    """The hash of an audit entry's content, chained to the previous entry's hash."""
    at = e["at"]
    content = {
        "seq": int(e["seq"]), "at": at.isoformat(timespec="microseconds") if at is not None else None,
        "actor_id": e["actor_id"], "action": e["action"], "entity": e["entity"], "entity_id": e["entity_id"],
        "old_value": e["old_value"], "new_value": e["new_value"], "note": e["note"] or "",
        "prev_hash": e["prev_hash"],
    }
    return sha(canonical(content))


def row_hash(table: str, row: Mapping[str, Any] | RowMapping) -> str:
    _key, columns = TRACKED[table]
    return tracked_hash(table, {c: row[c] for c in columns})


def tracked_hash(table: str, tracked: dict[str, Any]) -> str:
    """`row_hash` of a row already cut down to its tracked columns."""
    return sha(canonical([table, tracked]))


def batch_digest(row_hashes: Iterable[str]) -> str:
    """Order-independent digest of a set of rows (sum of their hashes modulo 2**256), plus the count."""
    total, count = 0, 0
    for h in row_hashes:
        total = (total + int(h, 16)) % (1 << 256)
        count += 1
    return f"{count}:{total:064x}"


def group_digest(table: str, rows: Iterable[Sequence[Any]]) -> str:
    """One digest of a group's rows, each the values of `table`'s tracked columns in TRACKED order, in
    key order: their count, and the SHA-256 of the canonical JSON of the table's name and the rows.

    The rows are column values (scalars, or JSON as read from the database: keyed by str), so the
    encoder writes `canonical`'s bytes without its check of the keys: a province's links are hashed
    at every generation's commit."""
    key = TRACKED[table][1].index(TRACKED[table][0])
    listed = sorted((r if type(r) is tuple else tuple(r) for r in rows), key=itemgetter(key))
    return f"{len(listed)}:{sha(_CANONICAL.encode([table, listed]).encode('utf-8'))}"


def digest_count(digest: str) -> int:
    """How many rows a `group_digest` (or `batch_digest`) covers."""
    return int(digest.split(":", 1)[0])


# ------------------------------------------------------------------------------------------ appending

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def claim(conn: Connection, count: int = 1) -> tuple[int, str, dt.datetime]:
    """Lock the chain's head for this transaction and take `count` places; returns (first new seq, previous
    hash, entry time).

    The head is read by the UPDATE that takes it (RETURNING), so the row lock (PostgreSQL) or write lock
    (SQLite) is held when it is read: concurrent appenders queue here and each sees the one before it.
    """
    row = conn.execute(sa.update(HEAD).where(HEAD.c.id == 1).values(seq=HEAD.c.seq + count)
                       .returning(HEAD.c.seq, HEAD.c.hash, HEAD.c.at)).one_or_none()
    if row is None:
        raise CaseReviewError(code="audit.head_missing")
    now = _now()
    at = max(now, row.at) if row.at is not None else now  # never before the entry it follows
    return int(row.seq) - count + 1, row.hash or GENESIS, at


def settle(conn: Connection, seq: int, digest: str, at: dt.datetime) -> None:
    conn.execute(sa.update(HEAD).where(HEAD.c.id == 1).values(hash=digest, at=at))


def stamp(conn: Connection, values: dict[str, Any]) -> dict[str, Any]:
    """Give an entry about to be inserted its place in the chain (fills seq, at, prev_hash, entry_hash)."""
    seq, prev, at = claim(conn)
    values.update(seq=seq, at=at, prev_hash=prev, note=values.get("note") or "")
    for k in ("actor_id", "old_value", "new_value"):
        values.setdefault(k, None)
    values["entry_hash"] = entry_hash(values)
    settle(conn, seq, values["entry_hash"], at)
    return values


def append_many(conn: Connection, entries: list[dict[str, Any]]) -> None:
    """Insert several chained audit entries with one claim of the head and one INSERT (bulk paths: a
    thousand findings drafted at once cost three statements, not three thousand)."""
    if not entries:
        return
    first, prev, at = claim(conn, len(entries))
    seq = first - 1
    rows = []
    for values in entries:
        seq += 1
        v = {"actor_id": None, "old_value": None, "new_value": None, **values, "seq": seq, "at": at,
             "prev_hash": prev}
        v["note"] = v.get("note") or ""
        v["entry_hash"] = prev = entry_hash(v)
        rows.append(v)
    settle(conn, seq, prev, at)
    BulkInsert(conn, Base.metadata.tables["audit_log"], _ENTRY_COLUMNS).run([[v[c] for c in _ENTRY_COLUMNS] for v in rows])


def append(conn: Connection, **values: Any) -> dict[str, Any]:
    """Insert one chained audit entry through a Core connection (bulk paths that bypass the ORM)."""
    values = stamp(conn, dict(values))
    conn.execute(sa.insert(AUDIT).values(**values))
    return values


# ---------------------------------------------------------------------------------------- row states

def read_rows(conn: Connection, table: str, keys: Iterable[Any] | None = None, *,
              extra: tuple[str, ...] = ()) -> Iterable[dict[str, Any]]:
    """Tracked columns of rows of `table` (all, or those with the given keys), typed as the models type them;
    `extra` columns too (beside them in the same pass: `row_hash` reads the tracked ones only)."""

    t = Base.metadata.tables[table]
    key, tracked = TRACKED[table]
    columns = (*tracked, *extra)
    cols = [t.c[c] for c in columns]
    if keys is None:
        for row in typed_rows(conn, sa.select(*cols).order_by(t.c[key])):
            yield dict(zip(columns, row, strict=True))
        return
    wanted = list(keys)
    for i in range(0, len(wanted), 500):
        chunk = wanted[i: i + 500]
        for row in conn.execute(sa.select(*cols).where(t.c[key].in_(chunk))):
            yield dict(zip(columns, row, strict=True))


def children(conn: Connection, table: str, keys: list[Any]) -> dict[str, set[Any]]:
    """Rows the database will delete by cascade when rows `keys` of `table` are deleted."""

    out: dict[str, set[Any]] = {}
    for child, fk in CASCADES.get(table, ()):
        t = Base.metadata.tables[child]
        found: set[Any] = set()
        for i in range(0, len(keys), 500):
            found.update(conn.execute(sa.select(t.c.id).where(t.c[fk].in_(keys[i: i + 500]))).scalars())
        if found:
            out[child] = found
            for grand, ids in children(conn, child, list(found)).items():
                out.setdefault(grand, set()).update(ids)
    return out


def state_of(conn: Connection, touched: Mapping[str, set[Any]]) -> dict[str, dict[str, str | None]]:
    """{table: {key: hash of the row as it now is, or None if it is gone}} for the touched rows."""
    out: dict[str, dict[str, str | None]] = {}
    for table, keys in touched.items():
        if not keys:
            continue
        key = TRACKED[table][0]
        found = {str(r[key]): row_hash(table, r) for r in read_rows(conn, table, keys)}
        out[table] = {str(k): found.get(str(k)) for k in keys}
    return out


def group_digests(conn: Connection, table: str, groups: Iterable[Any]) -> dict[str, str]:
    """{group: `group_digest` of its rows as they now are} (a group without rows has the empty digest)."""
    t = Base.metadata.tables[table]
    key, columns = TRACKED[table]
    group_col = DIGESTED[table][0]
    at = columns.index(group_col)
    cols = [t.c[c] for c in columns]
    wanted = sorted(set(groups))
    rows_of: dict[str, list[Any]] = {str(g): [] for g in wanted}
    for i in range(0, len(wanted), 500):
        stmt = sa.select(*cols).where(t.c[group_col].in_(wanted[i: i + 500])).order_by(t.c[group_col], t.c[key])
        for g, of_group in groupby(plain_rows(conn, stmt), key=itemgetter(at)):
            rows_of[str(g)].extend(of_group)
    return {g: group_digest(table, rows) for g, rows in rows_of.items()}


def digest_state(conn: Connection, table: str, keys: Iterable[Any], groups: Iterable[Any] = ()
                 ) -> tuple[dict[str, None], dict[str, str]]:
    """The state of a DIGESTED table's touched rows (`keys`) and `groups` (those of rows that were
    deleted or moved away): ({key: None} for the rows now gone, {group: digest} for the groups of the
    rows present and for `groups`)."""
    t = Base.metadata.tables[table]
    key = TRACKED[table][0]
    group_col = DIGESTED[table][0]
    wanted = list(keys)
    gone = {str(k) for k in wanted}
    all_groups = set(groups)
    for i in range(0, len(wanted), 500):
        for k, g in conn.execute(sa.select(t.c[key], t.c[group_col]).where(t.c[key].in_(wanted[i: i + 500]))):
            gone.discard(str(k))
            all_groups.add(g)
    return dict.fromkeys(sorted(gone)), group_digests(conn, table, all_groups)


def record_state(conn: Connection, touched: Mapping[str, set[Any]], *, actor_id: int | None = None,
                 batches: Mapping[int, str] | None = None, groups: Mapping[str, set[Any]] | None = None,
                 action: str = ROW_STATE) -> None:
    """Append the entry that vouches for the touched rows (and import batches) as they now are: a hash
    per row, except for DIGESTED tables, whose touched rows' groups (and `groups`) get one digest each."""
    groups = groups or {}
    rows = state_of(conn, {t: keys for t, keys in touched.items() if t not in DIGESTED})
    digests: dict[str, dict[str, str]] = {}
    for table in DIGESTED:
        if touched.get(table) or groups.get(table):
            gone, digests[table] = digest_state(conn, table, touched.get(table, ()), groups.get(table, ()))
            if gone:
                rows[table] = dict(gone)
    if not rows and not batches and not digests:
        return
    value: dict[str, Any] = {"rows": rows}
    if batches:
        value["batches"] = {str(k): v for k, v in batches.items()}
    if digests:
        value["digests"] = digests
    count = sum(len(v) for v in rows.values()) + sum(digest_count(d) for v in digests.values() for d in v.values())
    append(conn, actor_id=actor_id, action=action, entity="rows", entity_id=str(count), new_value=value,
           note="")


def batch_digest_of(conn: Connection, batch_id: int) -> str:
    t = Base.metadata.tables[BATCH_TABLE]
    _key, columns = TRACKED[BATCH_TABLE]
    stmt = sa.select(*[t.c[c] for c in columns]).where(t.c.batch_id == batch_id)
    # `canonical`'s bytes without its check of the keys: column values, and JSON as read (keyed by str);
    # a date or an amount is made `plain` once per distinct value, not by the encoder's fallback per row
    encode = _CANONICAL.encode
    return batch_digest(sha(encode([BATCH_TABLE, dict(zip(columns, r, strict=True))]).encode("utf-8"))
                        for r in typed_rows(conn, stmt, then=plain))


def baseline(conn: Connection) -> None:
    """Vouch for every tracked row present now (when a database starts being chained)."""

    touched: dict[str, set[Any]] = {}
    batches: dict[int, str] = {}
    digests: dict[str, dict[str, str]] = {}
    for table in TRACKED:
        key = TRACKED[table][0]
        t = Base.metadata.tables[table]
        if table == BATCH_TABLE:
            for bid in conn.execute(sa.select(t.c.batch_id).where(t.c.batch_id.is_not(None)).distinct()).scalars():
                batches[int(bid)] = batch_digest_of(conn, int(bid))
            touched[table] = set(conn.execute(sa.select(t.c.id).where(t.c.batch_id.is_(None))).scalars())
        elif table in DIGESTED:
            group_col = DIGESTED[table][0]
            digests[table] = group_digests(conn, table, conn.execute(sa.select(t.c[group_col]).distinct()).scalars())
        else:
            touched[table] = set(conn.execute(sa.select(t.c[key])).scalars())
    rows = state_of(conn, touched)
    append(conn, actor_id=None, action=BASELINE, entity="rows", entity_id="0",
           new_value={"rows": rows, "batches": {str(k): v for k, v in batches.items()}, "digests": digests},
           note="rows present when the audit chain began")
