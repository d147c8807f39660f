"""Enforcement units (区级部门 / 乡镇): adding one, importing a list, and matching names in registers.

Registers name units as people type them, so matching is on the NFKC-normalised name without spaces
(全角/半角 and stray spaces do not matter), or on the unit code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from scoring import audit, audit_chain, limits
from scoring.accounts import acting_id, load_actor
from scoring.db.models import Unit
from scoring.domain import UNIT_KIND_LABELS, UnitKind
from scoring.errors import CaseReviewError, InvalidValue, Problem, ProblemReport, ValidationFailed
from scoring.messages import Msg
from scoring.policy import Action, check
from scoring.register.normalize import clean_text, compact_text
from scoring.register.problems import ReportOutcome, add_problems
from scoring.register.table import (
    FieldSpec,
    Table,
    normalise_header,
    open_table,
    source_name,
)

NAME_MAX = 100  # units.name is VARCHAR(100)
CODE_MAX = 40

_KIND_ALIASES: dict[str, UnitKind] = {
    "department": UnitKind.DEPARTMENT,
    "dept": UnitKind.DEPARTMENT,
    "区级部门": UnitKind.DEPARTMENT,
    "部门": UnitKind.DEPARTMENT,
    "区级": UnitKind.DEPARTMENT,
    "委办局": UnitKind.DEPARTMENT,
    "town": UnitKind.TOWN,
    "乡镇": UnitKind.TOWN,
    "乡镇人民政府": UnitKind.TOWN,
    "镇": UnitKind.TOWN,
    "乡": UnitKind.TOWN,
    "街道": UnitKind.TOWN,
    "乡镇街道": UnitKind.TOWN,
}

UNITS_SPEC = FieldSpec(
    synonyms={
        "name": ("单位名称", "名称", "单位", "执法单位", "执法部门", "部门名称"),
        "kind": ("类型", "单位类型", "类别", "单位类别", "层级"),
        "code": ("编码", "单位编码", "代码", "单位代码", "编号"),
    },
    required=("name", "kind"),
)


def unit_key(name: Any) -> str:
    """What two spellings of the same unit name have in common."""
    return compact_text(name).lower()


def parse_kind(value: Any) -> UnitKind:
    text = compact_text(value).lower()
    kind = _KIND_ALIASES.get(text)
    if kind is None:
        raise InvalidValue("units.bad_kind")
    return kind


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str


class UnitIndex:
    """All units by normalised name and by code; a district has tens of units, so it lives in memory."""

    def __init__(self, units: list[tuple[int, str, str | None]]) -> None:
        self.by_name: dict[str, UnitRef] = {}
        self.by_code: dict[str, UnitRef] = {}
        for unit_id, name, code in units:
            ref = UnitRef(unit_id, name)
            self.by_name[unit_key(name)] = ref
            if code:
                self.by_code[unit_key(code)] = ref

    @classmethod
    def load(cls, conn: Connection | Session) -> UnitIndex:
        rows = conn.execute(select(Unit.id, Unit.name, Unit.code)).all()
        return cls([(r.id, r.name, r.code) for r in rows])

    def find(self, text: Any) -> UnitRef | None:
        key = unit_key(text)
        return self.by_name.get(key) or self.by_code.get(key)


def _check_new_unit(name: str, code: str | None, index: UnitIndex) -> tuple[str, Msg] | None:
    """(field, why) this unit cannot be added next to the existing ones, or None."""
    if not name:
        return "name", Msg("units.name_empty")
    if len(name) > NAME_MAX:
        return "name", Msg("units.name_long", {"max": NAME_MAX})
    if unit_key(name) in index.by_name:
        return "name", Msg("units.name_exists", {"name": index.by_name[unit_key(name)].name})
    if unit_key(name) in index.by_code:
        return "name", Msg("units.name_is_code", {"name": index.by_code[unit_key(name)].name})
    if code is not None and len(code) > CODE_MAX:
        return "code", Msg("units.code_long", {"max": CODE_MAX})
    if code and unit_key(code) in index.by_code:
        return "code", Msg("units.code_taken", {"name": index.by_code[unit_key(code)].name})
    if code and unit_key(code) in index.by_name:
        return "code", Msg("units.code_is_name", {"name": index.by_name[unit_key(code)].name})
    return None


def _audit(unit_id: int, name: str, kind: str, code: str | None, actor_id: int | None, note: str) -> dict:
    return dict(
        actor_id=actor_id,
        action="add_unit",
        entity="unit",
        entity_id=str(unit_id),
        new_value={"name": name, "kind": kind, "code": code},
        note=note,
    )


def add_unit(
    session: Session, name: str, kind: UnitKind | str, code: str | None = None, *, actor_id: int | None
) -> Unit:
    """Add one unit (flushed, not committed); refuses a name or code that is already taken."""
    check(load_actor(session, actor_id), Action.IMPORT_REGISTER)
    clean_name = clean_text(name)
    clean_code = compact_text(code) or None
    try:
        unit_kind = kind if isinstance(kind, UnitKind) else parse_kind(kind)
    except ValueError:
        raise ValidationFailed(code="units.add_bad_kind", name=clean_name, kind=kind) from None
    refused = _check_new_unit(clean_name, clean_code, UnitIndex.load(session))
    if refused:
        raise ValidationFailed(code="units.cannot_add", name=clean_name, why=refused[1])
    order = session.execute(select(func.coalesce(func.max(Unit.sort_order), 0))).scalar_one() + 1
    unit = Unit(name=clean_name, kind=unit_kind.value, code=clean_code, sort_order=order)
    session.add(unit)
    session.flush()
    audit.record(session, actor_id=actor_id, action="add_unit", entity="unit", entity_id=unit.id,
                 new={"name": unit.name, "kind": unit.kind, "code": unit.code})
    session.flush()
    return unit


@dataclass
class UnitImportReport(ReportOutcome):
    """What a unit-list import found and did (same style as the register `ImportReport`)."""

    source_name: str
    rows_read: int = 0
    rows_imported: int = 0  # 0 on dry run or failure
    rows_existing: int = 0  # identical units already present: left as they are
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    dry_run: bool = False
    by_kind: dict[str, int] = field(default_factory=dict)  # 区级部门/乡镇 -> new units
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    new_units: list[str] = field(default_factory=list)
    _new: list[dict[str, Any]] = field(default_factory=list, repr=False)


def import_units(
    engine: Engine,
    source: Path | bytes,
    filename: str | None = None,
    dry_run: bool = False,
    *,
    actor_id: int | None,
) -> UnitImportReport:
    """Import a unit list (单位名称, 类型, 编码) all-or-nothing; bad content goes into the report.

    A unit already present with the same kind and code is left alone (so the same list can be imported
    again after adding a few lines); one that differs is a problem.
    """
    acting_id(engine, actor_id, Action.IMPORT_REGISTER)
    name = source_name(source, filename)
    report = UnitImportReport(source_name=name, dry_run=dry_run)
    try:
        table = open_table(source, UNITS_SPEC, filename=filename, limit=limits.UNIT_LIST_FILE)
    except ProblemReport as exc:
        add_problems(report, exc.problems)
        return report
    report.header_row = table.header_row
    report.columns = dict(table.columns)

    try:
        with engine.connect() as conn, table, conn.begin() as trans:
            _read_units(conn, table, report)
            if not report.ok or dry_run:
                trans.rollback()
                return report
            order = conn.execute(select(func.coalesce(func.max(Unit.sort_order), 0))).scalar_one()
            for unit in report._new:
                order += 1
                key = conn.execute(insert(Unit).values(sort_order=order, **unit)).inserted_primary_key
                assert key is not None  # a single-row INSERT has its primary key
                unit_id = key[0]
                audit = _audit(unit_id, unit["name"], unit["kind"], unit["code"], actor_id, f"imported from {name}")
                audit_chain.append(conn, **audit)
            report.rows_imported = len(report._new)
    except sa.exc.IntegrityError as exc:
        raise CaseReviewError(code="units.added_meanwhile", name=name, why=_short(exc)) from None
    except SQLAlchemyError as exc:
        raise CaseReviewError(code="units.db_error", name=name, why=_short(exc)) from None
    return report


def _read_units(conn: Connection, table: Table, report: UnitImportReport) -> None:
    """Validate every row against the file itself and the units already in the database."""
    name = report.source_name
    existing = {unit_key(u.name): u for u in conn.execute(select(Unit.name, Unit.kind, Unit.code)).all()}
    index = UnitIndex.load(conn)
    in_file: dict[str, int] = {}
    kinds: Counter[str] = Counter()
    for raw in table.rows():
        if normalise_header(raw.values.get("name")) in ("单位名称", "名称"):
            continue  # a repeated header row
        report.rows_read += 1
        problems: list[Problem] = []

        def bad(f: str, message: Msg, value: Any, row: int = raw.row) -> None:
            column = table.columns.get(f, UNITS_SPEC.label(f))
            problems.append(Problem(code=message.code, params=message.params, file=name, row=row, column=column,
                                    value=clean_text(value)[:100]))

        for f, why in raw.refused.items():
            bad(f, why, "")
        unit_name = clean_text(raw.values.get("name"))
        code = compact_text(raw.values.get("code")) or None
        kind = None
        try:
            kind = parse_kind(raw.values.get("kind"))
        except ValueError:
            missing = not compact_text(raw.values.get("kind"))
            bad("kind", Msg("register.required" if missing else "units.bad_kind"), raw.values.get("kind"))
        if not unit_name:
            bad("name", Msg("register.required"), "")
        for f, value in (("name", unit_name), ("code", code)):
            if value:
                key = unit_key(value)
                if key in in_file:
                    bad(f, Msg(f"units.duplicate_{f}", {"row": in_file[key]}), value)
                else:
                    in_file[key] = raw.row
        old = existing.get(unit_key(unit_name)) if unit_name else None
        if old is not None:
            same = kind is not None and old.kind == kind.value and (code is None or code == old.code)
            if same and not problems:
                report.rows_existing += 1
                continue
            if kind is not None:
                label = UNIT_KIND_LABELS.get(UnitKind(old.kind), old.kind)
                bad("name", Msg("units.exists_differently", {"name": old.name, "kind": label, "code": old.code or "-"}),
                    unit_name)
        elif unit_name:
            refused = _check_new_unit(unit_name, code, index)
            if refused:
                bad(refused[0], refused[1], unit_name if refused[0] == "name" else code)
        if problems:
            add_problems(report, problems)
        elif kind is not None:
            report._new.append({"name": unit_name, "kind": kind.value, "code": code})
            kinds[UNIT_KIND_LABELS[kind]] += 1
    if report.rows_read == 0:
        add_problems(report, [Problem(code="units.no_rows", params={"row": table.header_row}, file=name)])
    report.by_kind = dict(kinds)
    report.new_units = [u["name"] for u in report._new]


def _short(exc: SQLAlchemyError) -> str:
    return " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]


def list_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)))
