"""`casereview audit verify`: walk the audit chain and check the current rows against it.

The walk re-computes every entry's hash and link, checks the sequence has no gaps, that time never
runs backwards and that the head row agrees with the last entry; it names the first broken entry.
Then every tracked row's hash is compared with the latest state the chain vouches for: a row whose
hash differs, that the chain never saw, or that the chain says exists but is gone, is listed. Rows
vouched for per group (a finding's links) are checked group by group against the latest digest: a
group whose rows differ is listed by the group (the finding) with its rows' count now and vouched
for; a row with a per-row state newer than its group's digest (chains written before digests hold a
hash per link) is checked by that state. With a
campaign, row problems are limited to that campaign's rows (plus accounts, standards and the
register, which every campaign's results depend on); a broken chain fails every campaign.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from scoring import audit_chain as chain
from scoring.db.models import Assignment, Base, Finding, Review, SampleRecord, User
from scoring.item_values import pack
from scoring.messages import MESSAGES, Msg
from scoring.policy import Action, check

SHARED_TABLES = {"users", "standard_versions", "case_files", "import_batches"}  # count for every campaign
# Untracked columns derived from tracked ones, re-derived in the same pass over the rows: table ->
# (derived column, the column it comes from, how, the problem when they differ). Each review's packed
# item deductions come from its result (`scoring.item_values`), so an edit of them alone is caught too.
DERIVED: dict[str, tuple[str, str, Callable[[Any], Any], str]] = {
    "reviews": ("item_values", "result", pack, "audit.v.item_values_differ"),
}
MAX_LISTED = 200


@dataclass
class RowProblem:
    table: str
    key: str
    why: str  # a message code (audit.v.row_*)
    campaign_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict)  # the why's

    def message(self) -> Msg:
        return Msg("audit.v.row", {"table": _table_label(self.table), "key": self.key,
                                   "why": Msg(self.why, self.params)})

    def __str__(self) -> str:
        return str(self.message())


@dataclass
class VerifyReport:
    entries: int = 0
    rows_checked: int = 0
    anchor: str = ""  # the last entry's hash: keep a copy elsewhere to prove later edits
    anchor_seq: int = 0
    first_broken: Msg | None = None
    chain_problems: list[Msg] = field(default_factory=list)
    row_problems: list[RowProblem] = field(default_factory=list)
    campaign_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken is None and not self.chain_problems and not self.row_problems

    def messages(self) -> list[Msg]:
        """What was found, first broken entry first, rows capped at MAX_LISTED (render in either language)."""
        out = [self.first_broken] if self.first_broken else []
        out += self.chain_problems
        out += [p.message() for p in self.row_problems[:MAX_LISTED]]
        if len(self.row_problems) > MAX_LISTED:
            out.append(Msg("audit.v.more_rows", {"n": len(self.row_problems) - MAX_LISTED}))
        return out

    def lines(self, lang: str = "en") -> list[str]:
        return [m.render(lang) for m in self.messages()]

    def summary(self, lang: str = "en") -> str:
        if self.ok:
            return Msg("audit.v.ok", {"entries": self.entries, "rows": self.rows_checked,
                                      "anchor": f"{self.anchor_seq}:{self.anchor}"}).render(lang)
        broken = Msg("audit.v.chain_broken") if self.first_broken or self.chain_problems else ""
        return Msg("audit.v.failed", {"chain": broken, "n": len(self.row_problems)}).render(lang)


def _table_label(table: str) -> Msg | str:
    code = f"audit.table.{table}"
    return Msg(code) if code in MESSAGES else table


@dataclass
class _Chained:
    """What the chain vouches for, as the walk leaves it (the latest state of each)."""

    rows: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (table, key) -> row hash
    batches: dict[str, str] = field(default_factory=dict)  # import batch -> digest
    digests: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)  # (table, group) -> (seq, digest)
    row_seq: dict[tuple[str, str], int] = field(default_factory=dict)  # seq of a DIGESTED table's per-row state


def verify(bind: Engine | Connection, campaign_id: int | None = None) -> VerifyReport:
    """Walk the chain and check every tracked row (see the module docstring); never raises for tampering.

    Given a connection, it reads through it (and so sees that connection's uncommitted changes).
    """
    report = VerifyReport(campaign_id=campaign_id)
    try:
        with (nullcontext(bind) if isinstance(bind, Connection) else bind.connect()) as conn:
            if conn.dialect.name == "sqlite":
                check = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
                if check != ["ok"]:
                    report.chain_problems.append(Msg("audit.v.damaged", {"detail": "; ".join(map(str, check[:5]))}))
            _check_rows(conn, report, _walk(conn, report))
            if campaign_id is not None:
                _limit_to_campaign(conn, report, campaign_id)
    except sa.exc.DatabaseError as exc:
        report.chain_problems.append(Msg("audit.v.unreadable", {"detail": " ".join(str(exc.orig).split())[:300]}))
    return report


def _walk(conn: Connection, report: VerifyReport) -> _Chained:
    a = chain.AUDIT
    chained = _Chained()
    rows, batches, digests, row_seq = chained.rows, chained.batches, chained.digests, chained.row_seq
    prev_hash, prev_seq, prev_at, chained_since_baseline = chain.GENESIS, 0, None, False

    def broken(entry: Any, why: Msg) -> None:
        where = Msg("audit.v.where", {"seq": entry.seq, "id": entry.id, "action": entry.action,
                                      "entity": entry.entity, "entity_id": entry.entity_id, "at": entry.at})
        if report.first_broken is None:
            report.first_broken = Msg("audit.v.broken", {"where": where, "why": why})
        elif len(report.chain_problems) < MAX_LISTED:
            report.chain_problems.append(Msg("audit.v.also_broken", {"where": where, "why": why}))

    unchained = conn.execute(sa.select(a.c.id, a.c.action, a.c.at).where(a.c.seq.is_(None)).order_by(a.c.id)).all()
    for e in unchained[:MAX_LISTED]:
        report.chain_problems.append(Msg("audit.v.unchained", {"id": e.id, "action": e.action, "at": e.at}))
    stmt = sa.select(a).where(a.c.seq.is_not(None)).order_by(a.c.seq)
    for e in conn.execute(stmt.execution_options(yield_per=2000)):
        report.entries += 1
        m = e._mapping
        if e.seq != prev_seq + 1:
            broken(e, Msg("audit.v.missing", {"first": prev_seq + 1, "last": e.seq - 1}) if e.seq > prev_seq + 1
                   else Msg("audit.v.repeats"))
        elif e.prev_hash != prev_hash:
            broken(e, Msg("audit.v.unlinked"))
        if chain.entry_hash(m) != e.entry_hash:
            broken(e, Msg("audit.v.rewritten"))
        if chained_since_baseline and prev_at is not None and e.at is not None and e.at < prev_at:
            broken(e, Msg("audit.v.backdated", {"at": e.at, "prev": prev_at}))
        if e.action == chain.BASELINE:
            chained_since_baseline = True
        if e.action in (chain.ROW_STATE, chain.BASELINE) and isinstance(e.new_value, dict):
            for table, states in (e.new_value.get("rows") or {}).items():
                for key, h in states.items():
                    rows[(table, key)] = h
                if table in chain.DIGESTED:
                    row_seq.update(dict.fromkeys(((table, key) for key in states), e.seq))
            batches.update(e.new_value.get("batches") or {})
            for table, groups in (e.new_value.get("digests") or {}).items():
                for group, digest in groups.items():
                    digests[(table, group)] = (e.seq, digest)
        prev_hash, prev_seq, prev_at = e.entry_hash, e.seq, e.at
    report.anchor, report.anchor_seq = prev_hash, prev_seq
    head = conn.execute(sa.select(chain.HEAD.c.seq, chain.HEAD.c.hash).where(chain.HEAD.c.id == 1)).one_or_none()
    if head is None:
        report.chain_problems.append(Msg("audit.v.head_missing"))
    elif (head.seq, head.hash) != (prev_seq, prev_hash):
        report.chain_problems.append(Msg("audit.v.head_mismatch", {"head": head.seq, "last": prev_seq}))
    return chained


def _check_digested(conn: Connection, report: VerifyReport, table: str, vouched: _Chained,
                    seen: set[tuple[str, str]]) -> None:
    """A DIGESTED table: a row counts in its group's digest when the group has one newer than any per-row
    state of the row; else the row is checked by its own state (or is unchained)."""
    key, columns = chain.TRACKED[table]
    group_col, group_table = chain.DIGESTED[table]
    at_key, at_group = columns.index(key), columns.index(group_col)
    t = Base.metadata.tables[table]
    stmt = sa.select(*[t.c[c] for c in columns]).order_by(t.c[group_col], t.c[key])
    grouped: dict[str, list[Any]] = {}
    for row in conn.execute(stmt.execution_options(yield_per=5000)):
        k, g = str(row[at_key]), str(row[at_group])
        report.rows_checked += 1
        seen.add((table, k))
        group_state = vouched.digests.get((table, g))
        row_seq = vouched.row_seq.get((table, k))
        if group_state is not None and (row_seq is None or row_seq < group_state[0]):
            grouped.setdefault(g, []).append(row)
        elif (table, k) in vouched.rows:
            h = vouched.rows[(table, k)]
            if h != chain.row_hash(table, dict(zip(columns, row, strict=True))):
                report.row_problems.append(RowProblem(table, k, "audit.v.row_differs" if h
                                                      else "audit.v.row_said_deleted"))
        else:
            report.row_problems.append(RowProblem(table, k, "audit.v.row_unchained"))
    for (of_table, g), (_seq, digest) in vouched.digests.items():
        if of_table != table:
            continue
        rows = grouped.get(g, [])
        if chain.group_digest(table, rows) != digest:
            report.row_problems.append(RowProblem(group_table, g, "audit.v.group_differs", params={
                "table": _table_label(table), "now": len(rows), "then": chain.digest_count(digest)}))


def _check_rows(conn: Connection, report: VerifyReport, vouched: _Chained) -> None:
    chained, batches = vouched.rows, vouched.batches
    seen: set[tuple[str, str]] = set()
    for table, (key, _cols) in chain.TRACKED.items():
        if table in chain.DIGESTED:
            _check_digested(conn, report, table, vouched, seen)
            continue
        batch_rows: dict[str, list[str]] = {}
        derived = DERIVED.get(table)
        for row in chain.read_rows(conn, table, extra=(derived[0],) if derived else ()):
            k = str(row[key])
            h = chain.row_hash(table, row)
            report.rows_checked += 1
            seen.add((table, k))
            if derived is not None and row[derived[0]] != derived[2](row[derived[1]]):
                report.row_problems.append(RowProblem(table, k, derived[3]))
            if (table, k) in chained:
                if chained[(table, k)] != h:
                    report.row_problems.append(RowProblem(table, k, "audit.v.row_differs" if chained[(table, k)]
                                                          else "audit.v.row_said_deleted"))
            elif table == chain.BATCH_TABLE and row.get("batch_id") is not None:
                batch_rows.setdefault(str(row["batch_id"]), []).append(h)
            else:
                report.row_problems.append(RowProblem(table, k, "audit.v.row_unchained"))
        for bid, hashes in batch_rows.items():
            if batches.get(bid) != chain.batch_digest(hashes):
                report.row_problems.append(RowProblem("import_batches", bid, "audit.v.batch_differs"))
        for bid in (set(batches) - set(batch_rows)) if table == chain.BATCH_TABLE else ():
            if not batches[bid].startswith("0:"):
                report.row_problems.append(RowProblem("import_batches", bid, "audit.v.batch_gone"))
    for (table, k), state in chained.items():
        if state is not None and (table, k) not in seen:
            report.row_problems.append(RowProblem(table, k, "audit.v.row_deleted"))


def _campaign_of(conn: Connection, table: str, key: str) -> int | None:
    """The campaign a row belongs to (None: shared by all, or unknown because the row is gone)."""
    t = Base.metadata.tables[table]
    if table == "campaigns":
        return int(key)
    if "campaign_id" in t.c:
        return conn.execute(sa.select(t.c.campaign_id).where(t.c.id == int(key))).scalar()
    if table == "reviews":
        stmt = sa.select(Assignment.campaign_id).join(Review, Review.assignment_id == Assignment.id)
        return conn.execute(stmt.where(Review.id == int(key))).scalar()
    if table == "review_marks":
        stmt = (sa.select(Assignment.campaign_id).join(Review, Review.assignment_id == Assignment.id)
                .join(t, t.c.review_id == Review.id))
        return conn.execute(stmt.where(t.c.id == int(key))).scalar()
    if table == "sample_items":
        stmt = sa.select(SampleRecord.campaign_id).join(t, t.c.sample_id == SampleRecord.id)
        return conn.execute(stmt.where(t.c.id == int(key))).scalar()
    if table == "finding_links":
        stmt = sa.select(Finding.campaign_id).join(t, t.c.finding_id == Finding.id)
        return conn.execute(stmt.where(t.c.id == int(key))).scalar()
    return None


def _limit_to_campaign(conn: Connection, report: VerifyReport, campaign_id: int) -> None:
    kept = []
    for p in report.row_problems:
        if p.table in SHARED_TABLES:
            kept.append(p)
            continue
        try:
            p.campaign_id = _campaign_of(conn, p.table, p.key)
        except (sa.exc.DatabaseError, ValueError):
            p.campaign_id = None
        if p.campaign_id is None or p.campaign_id == campaign_id:
            kept.append(p)
    report.row_problems = kept


def verify_campaign(session: Session, actor: User | None, campaign_id: int) -> VerifyReport:
    """The lead's check of one campaign (the Progress page): the same report as `audit verify --campaign`."""
    check(actor, Action.VERIFY_AUDIT)
    return verify(session.get_bind(), campaign_id)
