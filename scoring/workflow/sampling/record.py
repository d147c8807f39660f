"""Storing, exporting and verifying draws: the database side of sampling.

The register is read set-based: one statement through the driver's cursor (never ORM objects), sorted
in Python by code point (so the fingerprint is the same on SQLite and PostgreSQL, whatever the
collation), hashed a chunk of lines at a time, and drawn by `scoring.workflow.sampling.columns.draw_columns`
(the same picks as the reference `draw`; a property test and a golden record hold it to that).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, selectinload

from scoring import audit
from scoring.accounts import load_actor
from scoring.audit_state import insert_rows
from scoring.csv_safe import write_csv
from scoring.db.models import Campaign, CaseFile, SampleItem, SampleRecord, Unit, User, utcnow
from scoring.db.rowcount import rowcount
from scoring.db.session import session_factory, transaction
from scoring.errors import CaseReviewError, NotFound, ValidationFailed
from scoring.gc_pause import bulk_step
from scoring.messages import Msg, text
from scoring.policy import Action, check
from scoring.workflow.campaigns import get_campaign
from scoring.workflow.sampling.columns import Register, draw_columns
from scoring.workflow.sampling.draw import (
    ALGORITHM_VERSION,
    SEED_MAX,
    DrawnFile,
    check_seed,
)
from scoring.workflow.sampling.rules import SampleRules, unit_quota

STREAM_ROWS = 5_000
RECORD_KEYS = (
    "campaign", "seed", "rules", "algorithm_version", "register_fingerprint", "candidate_count",
    "created_at", "parent_record_hash", "items", "record_hash",
)
ITEM_KEYS = ("draw_order", "case_number", "unit", "case_type", "reason")
CSV_HEADER = ("抽取顺序", "案号", "执法单位", "案件类型", "抽取方式")
FLAG_COLUMNS = ("major_decision", "waiver", "hearing_held", "coercive_measure")


class VerificationFailed(CaseReviewError):
    """A sampling record does not match its hash, the register or a re-run of the draw."""


@dataclass
class VerifyResult:
    messages: list[Msg] = field(default_factory=list)  # what does not match, in either language
    record_hash: str | None = None
    register_fingerprint: str | None = None
    candidate_count: int | None = None
    drawn: int = 0

    @property
    def problems(self) -> list[str]:
        """What does not match, in English (logs, tests)."""
        return [str(m) for m in self.messages]

    @property
    def ok(self) -> bool:
        return not self.messages

    def summary(self, lang: str = "en") -> str:
        if self.ok:
            assert self.register_fingerprint is not None  # every verification scans the register
            return text("verify.ok", lang, n=self.drawn, candidates=self.candidate_count,
                        fingerprint=self.register_fingerprint[:12])
        return ("；" if lang == "zh" else "; ").join(m.render(lang) for m in self.messages)


# --- campaign and register ------------------------------------------------------------------------

def find_campaign(session: Session, ref: str | int) -> Campaign:
    """A campaign by id or name (the campaign service's lookup, so every command agrees)."""
    return get_campaign(session, ref)


def _unit_order(session: Session) -> list[str]:
    return list(session.scalars(sa.select(Unit.name).order_by(Unit.sort_order, Unit.name)))


_FLAG_TEXT = ["\t".join(str(bits >> i & 1) for i in range(len(FLAG_COLUMNS))) for bits in range(16)]


def _register_rows(session: Session, start: dt.date, end: dt.date) -> list[tuple]:
    """Every candidate as a plain tuple (id, case_number, unit_id, case_type, procedure, decision date,
    flag bits, amount in hundredths), sorted by case_number in code-point order (Python's string order,
    so the database's collation plays no part).

    Set-based: one statement on the session's own connection, read through the driver's cursor (no
    ORM, no per-row Decimal or date objects). On SQLite the table is scanned rather than read in
    date-index order: most of a register lies in the window, and the index order costs a random
    table access per row."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    bits = " + ".join(f"{1 << i} * CAST({f} AS INTEGER)" for i, f in enumerate(FLAG_COLUMNS))
    source = "case_files" if postgres else "case_files NOT INDEXED"
    mark = "%s" if postgres else "?"
    sql = (f"SELECT id, case_number, unit_id, case_type, procedure, decision_date, {bits}, penalty_amount "
           f"FROM {source} WHERE decision_date >= {mark} AND decision_date <= {mark}")
    params = (start, end) if postgres else (start.isoformat(), end.isoformat())
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return sorted(rows, key=itemgetter(1))


def _scan_register(
    session: Session, start: dt.date, end: dt.date, *, collect: bool = True
) -> tuple[str, int, Register]:
    """One pass over the candidates: the fingerprint, their number and (if `collect`) the candidates
    as columns. The fingerprint text is hashed a chunk of lines at a time; the draw computes the keys."""
    names = dict(session.execute(sa.select(Unit.id, Unit.name)).all())
    rows = _register_rows(session, start, end)
    digest = hashlib.sha256()
    flag_text = _FLAG_TEXT
    as_text = rows and not isinstance(rows[0][5], str)  # SQLite gives ISO text, PostgreSQL dates
    for i in range(0, len(rows), STREAM_ROWS):
        digest.update("".join([
            f"{number}\t{names[unit]}\t{ctype}\t{proc or ''}\t{date.isoformat() if as_text else date}\t"
            f"{flag_text[bits]}\t{'' if amount is None else f'{amount // 100}.{amount % 100:02d}'}\n"
            for (_, number, unit, ctype, proc, date, bits, amount) in rows[i:i + STREAM_ROWS]
        ]).encode())
    reg = Register([], [], [], [], [], FLAG_COLUMNS)
    if collect and rows:
        ids, numbers, unit_ids, ctypes, _, _, bits, _ = zip(*rows, strict=True)  # columns, in C
        reg = Register(list(numbers), list(map(names.__getitem__, unit_ids)), list(ctypes), list(bits), list(ids),
                       FLAG_COLUMNS)
    return digest.hexdigest(), len(rows), reg


def register_fingerprint(engine: Engine, campaign_id: int) -> tuple[str, int]:
    """SHA-256 of the campaign's candidate set (see `scoring.workflow.sampling`) and the number of candidates."""
    with session_factory(engine)() as session, session.begin():
        campaign = find_campaign(session, campaign_id)
        fingerprint, count, _ = _scan_register(session, campaign.window_start, campaign.window_end, collect=False)
    return fingerprint, count


def _check_rule_units(rules: SampleRules, known: Sequence[str]) -> None:
    if rules.units is not None:
        unknown = [u for u in rules.units if u not in set(known)]
        if unknown:
            raise ValidationFailed(code="sample.unknown_units", units=unknown)


def _check_forced_files(rules: SampleRules, candidates: Register) -> None:
    """Every file forced in by number must be a candidate of the window (and of the chosen units)."""
    if rules.forced_files:
        known = {n for n, u in zip(candidates.numbers, candidates.units, strict=True)
                 if rules.units is None or u in rules.units}
        unknown = [n for n in rules.forced_files if n not in known]
        if unknown:
            more = Msg("publish.more_files", {"n": len(unknown) - 5}) if len(unknown) > 5 else ""
            raise ValidationFailed(code="sample.forced_not_candidates", files=unknown[:5], more=more)


def _as_rules(rules: SampleRules | dict | str) -> SampleRules:
    return rules if isinstance(rules, SampleRules) else SampleRules.parse(rules)


def _as_seed(seed: int) -> int:
    try:
        return check_seed(seed)
    except ValueError:
        raise ValidationFailed(code="sample.bad_seed", max=SEED_MAX, seed=seed) from None


# --- the record -----------------------------------------------------------------------------------

def canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_hash(record: dict) -> str:
    """SHA-256 of the canonical JSON of an exported record without its `record_hash`."""
    return hashlib.sha256(canonical_json({k: v for k, v in record.items() if k != "record_hash"})).hexdigest()


def _campaign_json(campaign: Campaign) -> dict:
    return {
        "name": campaign.name,
        "year": campaign.year,
        "window_start": campaign.window_start.isoformat(),
        "window_end": campaign.window_end.isoformat(),
    }


def _record_json(
    campaign: Campaign, record: SampleRecord, parent_hash: str | None, items: list[dict]
) -> dict:
    data = {
        "campaign": _campaign_json(campaign),
        "seed": record.seed,
        "rules": record.rules,
        "algorithm_version": record.algorithm_version,
        "register_fingerprint": record.register_fingerprint,
        "candidate_count": record.candidate_count,
        "created_at": record.created_at.replace(microsecond=0).isoformat(),
        "parent_record_hash": parent_hash,
        "items": items,
    }
    data["record_hash"] = record_hash(data)
    return data


def _item_json(p: DrawnFile) -> dict:
    return {"draw_order": p.draw_order, "case_number": p.case_number, "unit": p.unit,
            "case_type": p.case_type, "reason": p.reason}


def _lock_campaign(session: Session, campaign_id: int) -> Campaign:
    """Serialise draws of one campaign: two at once must not both find "no sample yet".

    A no-op UPDATE takes the row lock on PostgreSQL and the database write lock on SQLite (where
    SELECT ... FOR UPDATE does nothing), for the rest of the transaction.
    """
    table = Campaign.metadata.tables[Campaign.__tablename__]
    done = session.execute(sa.update(table).where(table.c.id == campaign_id).values(status=table.c.status))
    if rowcount(done) == 0:
        raise NotFound(code="campaign.no_id", id=campaign_id)
    return session.get_one(Campaign, campaign_id)


def _current(session: Session, campaign_id: int, *, with_files: bool = False) -> SampleRecord | None:
    items = selectinload(SampleRecord.items)
    if with_files:
        items = items.selectinload(SampleItem.case_file).selectinload(CaseFile.unit)
    return session.scalars(
        sa.select(SampleRecord)
        .where(SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True))
        .order_by(SampleRecord.id.desc())
        .options(items)
    ).first()


def current_record_id(session: Session, campaign_id: int) -> int | None:
    """The id of the campaign's current record, or None before the first draw."""
    return session.scalar(
        sa.select(sa.func.max(SampleRecord.id)).where(SampleRecord.campaign_id == campaign_id,
                                                      SampleRecord.is_current.is_(True)))


def current_items(campaign_id: int) -> sa.ColumnElement[bool]:
    """A filter on `SampleItem` rows: those of the campaign's current record (for joins in SQL)."""
    cur = (sa.select(sa.func.max(SampleRecord.id)).where(SampleRecord.campaign_id == campaign_id,
                                                         SampleRecord.is_current.is_(True)).scalar_subquery())
    return SampleItem.sample_id == cur


def _check(session: Session, actor_id: int | None, action: Action) -> User:
    return check(load_actor(session, actor_id), action)


def current_sample(engine: Engine, campaign_id: int, *, actor_id: int | None) -> SampleRecord | None:
    """The campaign's current record, or None before the first draw.

    Items come loaded with their case file and unit, so callers can use them after the session.
    """
    with session_factory(engine)() as session:
        _check(session, actor_id, Action.READ_SAMPLE)
        return _current(session, campaign_id, with_files=True)


@bulk_step
def preview_sample(engine: Engine, campaign_id: int, rules: SampleRules | dict, seed: int, *,
                   actor_id: int | None) -> list[DrawnFile]:
    """What `draw_sample` would pick now, without storing anything."""
    rules, seed = _as_rules(rules), _as_seed(seed)
    with session_factory(engine)() as session, session.begin():
        _check(session, actor_id, Action.SAMPLE)
        campaign = find_campaign(session, campaign_id)
        units = _unit_order(session)
        _check_rule_units(rules, units)
        _, _, candidates = _scan_register(session, campaign.window_start, campaign.window_end)
        _check_forced_files(rules, candidates)
        return draw_columns(candidates, rules, seed, units)


@bulk_step
def draw_sample(
    engine: Engine, campaign_id: int, rules: SampleRules | dict, seed: int, *, actor_id: int | None
) -> SampleRecord:
    """Draw and store a sample (or enlarge the current one), with its audit entry, in one transaction."""
    rules, seed = _as_rules(rules), _as_seed(seed)
    with transaction(engine) as session:
        _check(session, actor_id, Action.SAMPLE)
        campaign = _lock_campaign(session, campaign_id)
        units = _unit_order(session)
        _check_rule_units(rules, units)
        fingerprint, count, candidates = _scan_register(session, campaign.window_start, campaign.window_end)
        if count == 0:
            raise ValidationFailed(code="sample.no_candidates", name=campaign.name, start=campaign.window_start,
                                   end=campaign.window_end)
        _check_forced_files(rules, candidates)
        picks = draw_columns(candidates, rules, seed, units)
        parent = _current(session, campaign.id)
        if parent is not None:
            _check_enlarge(session, campaign, parent, rules, seed, fingerprint, candidates, picks)
        elif not picks:
            raise ValidationFailed(code="sample.draws_nothing")

        record = SampleRecord(
            campaign_id=campaign.id, seed=seed, rules=rules.to_json(), register_fingerprint=fingerprint,
            candidate_count=count, algorithm_version=ALGORITHM_VERSION, record_hash="",
            parent_id=parent.id if parent else None, is_current=True,
            created_at=utcnow().replace(microsecond=0), created_by_id=actor_id,
        )
        exported = _record_json(campaign, record, parent.record_hash if parent else None,
                                [_item_json(p) for p in picks])
        record.record_hash = exported["record_hash"]
        if parent is not None:
            parent.is_current = False
        session.add(record)
        session.flush()
        # The picks in one INSERT (the unit of work would add them one object at a time), vouched for in the
        # audit chain like rows the ORM writes; then loaded back, so callers see `record.items`.
        insert_rows(session, SampleItem, [
            {"sample_id": record.id, "case_file_id": p.ref, "draw_order": p.draw_order, "reason": p.reason}
            for p in picks])
        session.refresh(record, ["items"])
        audit.record(
            session, actor_id=actor_id, action="sample_draw", entity="sample_record", entity_id=record.id,
            old=None if parent is None else {
                "record_id": parent.id, "record_hash": parent.record_hash, "files": len(parent.items)},
            new={
                "campaign_id": campaign.id, "seed": seed, "rules": record.rules,
                "register_fingerprint": fingerprint, "candidate_count": count,
                "algorithm_version": ALGORITHM_VERSION, "record_hash": record.record_hash,
                "files": len(picks), "parent_id": record.parent_id,
            },
            note=f"enlarged sample #{parent.id}" if parent else "first draw",
        )
    return record


def _check_enlarge(
    session: Session, campaign: Campaign, parent: SampleRecord, rules: SampleRules, seed: int,
    fingerprint: str, candidates: Register, picks: list[DrawnFile],
) -> None:
    """Refuse anything but a pure enlargement of a sound current sample."""
    where = Msg("sample.where", {"campaign": campaign.name, "record": parent.id})
    if parent.seed != seed:
        raise ValidationFailed(code="sample.enlarge_seed", where=where, seed=parent.seed)
    old = SampleRules.parse(parent.rules)
    if old.forced != rules.forced:
        raise ValidationFailed(code="sample.enlarge_forced", where=where)
    if old.forced_files != rules.forced_files:
        raise ValidationFailed(code="sample.enlarge_forced_files", where=where)
    if old.stratify_by_case_type != rules.stratify_by_case_type:
        raise ValidationFailed(code="sample.enlarge_strata", where=where)
    if old.units is not None and rules.units is not None and not set(old.units) <= set(rules.units):
        dropped = sorted(set(old.units) - set(rules.units))
        raise ValidationFailed(code="sample.enlarge_drop_units", where=where, units=dropped)
    if old.units is None and rules.units is not None:
        raise ValidationFailed(code="sample.enlarge_restrict", where=where)
    if parent.register_fingerprint != fingerprint:
        raise ValidationFailed(code="sample.register_changed", campaign=campaign.name, record=parent.id)
    check = _verify_stored(session, parent, candidates=(fingerprint, len(candidates), candidates))
    if not check.ok:
        raise ValidationFailed(code="sample.enlarge_unverified", where=where, problem=check.messages[0])

    sizes = Counter(u for u in candidates.units if old.units is None or u in old.units)
    for unit in sorted(sizes):
        before, after = unit_quota(old.quota, sizes[unit]), unit_quota(rules.quota, sizes[unit])
        if after < before:
            raise ValidationFailed(code="sample.enlarge_fewer", where=where, unit=unit, after=after, before=before)
    # The algorithm guarantees this (house-monotone seats, prefix-stable keys); check it anyway.
    old_by_unit: dict[str, list[str]] = {}
    for _, number, unit, _, _ in _item_rows(session, parent.id):
        old_by_unit.setdefault(unit, []).append(number)
    new_by_unit: dict[str, list[str]] = {}
    for p in picks:
        new_by_unit.setdefault(p.unit, []).append(p.case_number)
    for unit, old_numbers in old_by_unit.items():
        if new_by_unit.get(unit, [])[: len(old_numbers)] != old_numbers:
            raise AssertionError(f"internal error: enlarging would lose earlier picks in unit {unit!r}")
    if len(picks) == len(parent.items):
        raise ValidationFailed(code="sample.enlarge_nothing_more", where=where, n=len(picks))


# --- export ---------------------------------------------------------------------------------------

def _load_record(session: Session, record_id: int) -> SampleRecord:
    record = session.get(SampleRecord, record_id)
    if record is None:
        raise NotFound(code="sample.record_not_found", id=record_id)
    return record


def _item_rows(session: Session, record_id: int) -> Sequence[sa.Row[int, str, str, str, str]]:
    """(draw_order, case_number, unit, case_type, reason) in draw order, as the database shows them now."""
    return session.execute(
        sa.select(SampleItem.draw_order, CaseFile.case_number, Unit.name, CaseFile.case_type, SampleItem.reason)
        .join(CaseFile, CaseFile.id == SampleItem.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .where(SampleItem.sample_id == record_id)
        .order_by(SampleItem.draw_order)
    ).all()


def _stored_record_json(session: Session, record: SampleRecord) -> dict:
    """The exportable record as the database shows it now (with the stored record_hash)."""
    campaign = session.get_one(Campaign, record.campaign_id)
    items = [dict(zip(ITEM_KEYS, row)) for row in _item_rows(session, record.id)]
    parent_hash = None
    if record.parent_id is not None:
        parent_hash = session.scalar(sa.select(SampleRecord.record_hash).where(SampleRecord.id == record.parent_id))
    data = _record_json(campaign, record, parent_hash, items)
    data["record_hash"] = record.record_hash  # the stored hash; verify recomputes it
    return data


def export_record(engine: Engine | Connection, record_id: int, *, actor_id: int | None) -> dict:
    """The record as JSON-ready data: everything needed to re-derive and verify the draw."""
    with session_factory(engine)() as session:
        _check(session, actor_id, Action.READ_SAMPLE)
        return _stored_record_json(session, _load_record(session, record_id))


def export_record_csv(engine: Engine, record_id: int, *, actor_id: int | None) -> bytes:
    """The drawn files as CSV, UTF-8 with BOM so that Excel on Chinese Windows reads it right."""
    data = export_record(engine, record_id, actor_id=actor_id)
    return write_csv(([item[k] for k in ITEM_KEYS] for item in data["items"]), CSV_HEADER, bom=True).encode()


def record_summary(engine: Engine | Connection, record_id: int, *, actor_id: int | None) -> list[dict]:
    """Per unit and case type: candidates in the window now, files drawn, of which forced."""
    with session_factory(engine)() as session:
        _check(session, actor_id, Action.READ_SAMPLE)
        record = _load_record(session, record_id)
        campaign = session.get_one(Campaign, record.campaign_id)
        order = {name: i for i, name in enumerate(_unit_order(session))}
        candidates = session.execute(
            sa.select(Unit.name, CaseFile.case_type, sa.func.count())
            .join(Unit, Unit.id == CaseFile.unit_id)
            .where(CaseFile.decision_date >= campaign.window_start, CaseFile.decision_date <= campaign.window_end)
            .group_by(Unit.name, CaseFile.case_type)
        ).all()
        drawn = session.execute(
            sa.select(Unit.name, CaseFile.case_type, SampleItem.reason)
            .join(CaseFile, CaseFile.id == SampleItem.case_file_id)
            .join(Unit, Unit.id == CaseFile.unit_id)
            .where(SampleItem.sample_id == record.id)
        ).all()
    table: dict[tuple[str, str], dict] = {}
    for unit, ctype, n in candidates:
        table[(unit, ctype)] = {"unit": unit, "case_type": ctype, "candidates": n, "drawn": 0, "forced": 0}
    for unit, ctype, reason in drawn:
        row = table.setdefault((unit, ctype), {"unit": unit, "case_type": ctype, "candidates": 0,
                                               "drawn": 0, "forced": 0})
        row["drawn"] += 1
        row["forced"] += reason.startswith("forced:")
    return sorted(table.values(), key=lambda r: (order.get(r["unit"], len(order)), r["unit"], r["case_type"]))


# --- verify ---------------------------------------------------------------------------------------

def _check_draw(
    session: Session, data: dict, scan: tuple[str, int, Register], result: VerifyResult
) -> None:
    """Compare a record (export form) with the register and with a re-run of its draw."""
    fingerprint, count, candidates = scan
    result.register_fingerprint, result.candidate_count = fingerprint, count
    items = data["items"]
    result.drawn = len(items)
    if data["register_fingerprint"] != fingerprint:
        result.messages.append(Msg("verify.fingerprint", {"was": data["candidate_count"], "now": count}))
    if data["algorithm_version"] != ALGORITHM_VERSION:
        result.messages.append(Msg("verify.algorithm", {"was": data["algorithm_version"], "now": ALGORITHM_VERSION}))
        return
    try:
        rules = SampleRules.parse(data["rules"])
        seed = _as_seed(data["seed"])
    except ValidationFailed as exc:
        why = Msg(exc.code, exc.params) if exc.code else str(exc)
        result.messages.append(Msg("verify.not_rerun", {"why": why}))
        return
    # Unit order as the record shows it, so re-ordering units later does not count as a change.
    recorded_units = list(dict.fromkeys(item["unit"] for item in items))
    redraw = draw_columns(candidates, rules, seed, recorded_units + _unit_order(session))
    mine = [(i["case_number"], i["unit"], i["case_type"], i["reason"]) for i in items]
    again = [(p.case_number, p.unit, p.case_type, p.reason) for p in redraw]
    for pos, (a, b) in enumerate(zip(mine, again), start=1):
        if a != b:
            if a[0] == b[0] and a[3] == b[3]:  # same file and reason: its unit or case type was changed
                was, now = (f"{a[0]} ({a[1]}, {a[2]})", f"{b[0]} ({b[1]}, {b[2]})")
            else:
                was, now = f"{a[0]} ({a[3]})", f"{b[0]} ({b[3]})"
            result.messages.append(Msg("verify.differs", {"pos": pos, "was": was, "now": now}))
            return
    if len(mine) != len(again):
        result.messages.append(Msg("verify.count_differs", {"pos": min(len(mine), len(again)) + 1, "mine": len(mine),
                                                            "again": len(again)}))


def _check_hash(data: dict, result: VerifyResult, *, what: Msg) -> None:
    result.record_hash = data.get("record_hash")
    recomputed = record_hash(data)
    if recomputed != result.record_hash:
        result.messages.append(Msg("verify.tampered", {"what": what, "stored": str(result.record_hash)[:12],
                                                       "recomputed": recomputed[:12]}))


def _verify_stored(
    session: Session, record: SampleRecord, *, candidates: tuple[str, int, Register] | None = None
) -> VerifyResult:
    result = VerifyResult()
    data = _stored_record_json(session, record)
    _check_hash(data, result, what=Msg("verify.what.stored"))
    campaign = session.get_one(Campaign, record.campaign_id)
    scan = candidates or _scan_register(session, campaign.window_start, campaign.window_end)
    _check_draw(session, data, scan, result)
    return result


def _verify_exported(session: Session, data: dict) -> VerifyResult:
    result = VerifyResult()
    if not isinstance(data, dict) or (missing := [k for k in RECORD_KEYS if k not in data]):
        shown = missing if isinstance(data, dict) else Msg("verify.not_object")
        raise VerificationFailed(code="verify.not_record", shown=shown)
    _check_hash(data, result, what=Msg("verify.what.exported"))
    try:
        info = data["campaign"]
        start, end = dt.date.fromisoformat(info["window_start"]), dt.date.fromisoformat(info["window_end"])
        items = data["items"]
        if not isinstance(items, list):
            raise ValueError("items is not a list")  # internal: becomes a verify problem of the record
        for item in items:
            if not isinstance(item, dict) or any(k not in item for k in ITEM_KEYS):
                raise ValueError(f"item {item!r} lacks one of {', '.join(ITEM_KEYS)}")  # internal: a verify problem
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationFailed(code="verify.not_record_why", why=str(exc)) from None
    campaign = session.scalars(sa.select(Campaign).where(Campaign.name == info.get("name"))).one_or_none()
    if campaign is None:
        result.messages.append(Msg("verify.no_campaign", {"name": info.get("name")}))
    elif (campaign.window_start, campaign.window_end) != (start, end):
        result.messages.append(Msg("verify.window_changed", {"start": start, "end": end, "db_start": campaign.window_start,
                                                             "db_end": campaign.window_end}))
    _check_draw(session, data, _scan_register(session, start, end), result)
    return result


@bulk_step
def verify_record(engine: Engine, record: int | dict, *, actor_id: int | None) -> VerifyResult:
    """Re-check a stored record (by id) or an exported one (its JSON data) against this database."""
    with session_factory(engine)() as session, session.begin():
        _check(session, actor_id, Action.READ_SAMPLE)
        if isinstance(record, dict):
            return _verify_exported(session, record)
        return _verify_stored(session, _load_record(session, record))
