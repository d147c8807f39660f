"""Importing a case-file register (案卷登记): validate every row, then write all of it or nothing.

Provincial registers reach a million rows, so the file is streamed row by row and written in chunks
with bulk INSERTs inside one transaction. Validation and writing happen in the same single pass: rows
are inserted until the first problem, after which the rest is only validated (so the report lists
everything) and the transaction is rolled back. Duplicate case numbers within the file are checked
through a temporary table, so memory does not grow with the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from scoring import audit_chain
from scoring.accounts import acting_id
from scoring.db.bulk import BulkInsert
from scoring.db.deferred_indexes import DeferredIndexes
from scoring.db.models import Base, CaseFile, ImportBatch
from scoring.domain import FILE_FLAGS
from scoring.errors import CaseReviewError, InvalidValue, Problem, ProblemReport
from scoring.file_attributes import to_json
from scoring.gc_pause import bulk_step, sweep
from scoring.messages import Msg
from scoring.policy import Action
from scoring.register.normalize import (
    clean_text,
    compact_text,
    folded_into_formula,
    parse_amount,
    parse_case_type,
    parse_date,
    parse_flag,
    parse_procedure,
    verbatim_text,
)
from scoring.register.problems import ReportOutcome, add_problems
from scoring.register.table import (
    FieldSpec,
    RawRow,
    Table,
    normalise_header,
    open_table,
    source_name,
)
from scoring.register.units import UnitIndex
from scoring.rubric.vocabulary import AttributeDecl, Vocabulary, active_vocabulary

CHUNK_ROWS = 1000  # rows per bulk INSERT and per `IN (...)` duplicate lookup
CASE_NUMBER_MAX = 120  # case_files.case_number is VARCHAR(120)
PENALTY_TYPE = "行政处罚"  # the only case type with a procedure (一般 / 简易)

REGISTER_SPEC = FieldSpec(
    synonyms={
        "case_number": (
            "案号", "案件编号", "决定书文号", "处罚决定书文号", "行政处罚决定书文号", "决定文书号",
            "决定书编号", "文书编号", "文书号", "案件文号", "文号", "案件号", "编号",
        ),
        "unit": (
            "执法单位", "实施单位", "执法部门", "单位名称", "办案单位", "执法机关", "执法主体", "实施机关",
            "承办单位", "决定机关", "作出决定机关", "行政机关", "所属单位", "单位", "部门",
        ),
        "case_type": (
            "案件类型", "执法类别", "行为类别", "执法行为类别", "行政行为类别", "执法类型", "案件类别",
            "行为类型", "执法行为类型", "类型", "类别",
        ),
        "procedure": ("程序", "适用程序", "程序类型", "办案程序", "处罚程序", "程序类别", "案件程序"),
        "decision_date": (
            "决定日期", "作出决定日期", "处罚决定日期", "办结日期", "结案日期", "决定作出日期", "决定时间",
            "作出决定时间", "办结时间", "结案时间", "决定书日期", "日期",
        ),
        "major_decision": (
            "重大执法决定", "需法制审核", "法制审核", "重大执法决定法制审核", "需要法制审核", "经法制审核",
            "重大执法决定需法制审核", "重大案件", "重大",
        ),
        "waiver": (
            "不予处罚", "轻微免罚", "不予行政处罚", "轻微违法不予处罚", "轻微违法不予行政处罚", "首违不罚",
            "免罚", "轻微违法免罚",
        ),
        "hearing_held": ("听证", "举行听证", "组织听证", "已听证", "召开听证"),
        "coercive_measure": (
            "行政强制措施", "查封扣押", "强制措施", "采取行政强制措施", "采取强制措施", "查封扣押措施",
            "查封、扣押",
        ),
        "penalty_amount": (
            "罚款金额", "处罚金额", "金额", "罚没金额", "罚款数额", "罚没款金额", "罚没款", "罚款",
        ),
        "description": (
            "案由", "简要案情", "案件名称", "案情摘要", "主要违法事实", "违法行为", "案情", "案件概况", "摘要",
        ),
    },
    required=("case_number", "unit", "case_type", "decision_date"),
)
FLAG_FIELDS = tuple(FILE_FLAGS)
CASE_FILE_COLUMNS = ("unit_id", "case_number", "case_type", "procedure", "decision_date", "major_decision", "waiver",
                     "hearing_held", "coercive_measure", "penalty_amount", "description", "attributes",
                     "attribute_sources", "batch_id")  # as `_Import._record` gives them, then the batch
MEMO_MAX = 4096  # distinct cells one memo remembers; it starts over when full, so memory stays flat
ATTR_PREFIX = "attr:"  # fields of declared attributes (rubrics/vocabulary.yaml) read from the register


def register_spec(vocab: Vocabulary | None = None) -> FieldSpec:
    """The register's columns: the built-in fields, and every declared attribute the register may give
    (`set_by: register`) under its `synonyms` (or its Chinese label)."""
    vocab = vocab or active_vocabulary()
    extra = {f"{ATTR_PREFIX}{a.key}": tuple(a.synonyms) or (a.zh,)
             for a in vocab.extra_attributes() if "register" in a.set_by}
    return FieldSpec(synonyms={**REGISTER_SPEC.synonyms, **extra}, required=REGISTER_SPEC.required)


def _attribute_value(decl: AttributeDecl, cell: Any, epoch: Any) -> Any:
    """A declared attribute's cell as stored (None when blank); raises ValueError saying why not."""
    if compact_text(cell) == "":
        return None
    if decl.type == "yes_no":
        return parse_flag(cell)
    if decl.type == "number":
        return to_json(decl.parse(parse_amount(cell)))
    if decl.type == "date":
        return parse_date(cell, epoch=epoch).isoformat()
    return to_json(decl.parse(compact_text(cell)))
_FOOTER_PREFIXES = ("合计", "总计", "小计", "共计", "制表", "填表", "填报", "审核人", "负责人", "备注", "说明", "注:")
_CASE_NUMBER_HEADERS = {normalise_header(h) for h in REGISTER_SPEC.synonyms["case_number"]}


@dataclass
class RegisterRow:
    """One data row, normalised: `values` has every field (None where the cell was bad)."""

    row: int
    values: dict[str, Any]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ImportReport(ReportOutcome):
    """What an import found and did. Bad content never raises; it is listed here."""

    source_name: str
    rows_read: int = 0
    rows_imported: int = 0  # 0 on dry run or failure
    problems: list[Problem] = field(default_factory=list)  # capped list
    problem_count: int = 0  # true total
    dry_run: bool = False
    by_unit: dict[str, int] = field(default_factory=dict)  # unit name -> valid rows
    by_case_type: dict[str, int] = field(default_factory=dict)
    batch_id: int | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field -> header text found
    sha256: str | None = None
    sheet: str | None = None


# ------------------------------------------------------------------------------------------ reading

def read_register(source: Path | bytes, filename: str | None = None) -> Iterator[RegisterRow]:
    """Stream the normalised rows of a register with each row's own problems (for previews).

    Checks what one row shows by itself (required values, formats, case type, procedure); units and
    duplicate case numbers need the database and are checked by `import_register` (use `dry_run`).
    Raises `ProblemReport` when the file itself cannot be read (before yielding anything).
    """
    table = open_table(source, register_spec(), filename=filename)
    with table:
        yield from _parse_rows(table)


def _parse_rows(table: Table) -> Iterator[RegisterRow]:
    previous_unit = ""
    cells = _Cells(table)
    for raw in table.rows():
        case_cell = raw.values["case_number"]
        case_number = compact_text(case_cell)
        if case_number == "" and raw.first_text.startswith(_FOOTER_PREFIXES):
            continue  # 合计 / 制表人 lines under the table
        if normalise_header(case_cell) in _CASE_NUMBER_HEADERS:
            continue  # the header repeated (sheets pasted one under another)
        parsed = _parse_row(raw, table, cells, case_number, previous_unit)
        previous_unit = cells.unit(raw.values["unit"])[0]
        yield parsed


class _Memo:
    """A pure cell parser that remembers its results during one import run, since registers repeat their
    units, case types, procedures, dates, amounts and flags. Only text cells are remembered (1, 1.0 and
    True are equal keys but different cells), and no failures: a bad cell raises again in every row."""

    def __init__(self, parse: Callable[[Any], Any]) -> None:
        self.parse = parse
        self.known: dict[str, Any] = {}

    def __call__(self, cell: Any) -> Any:
        if type(cell) is not str:
            return self.parse(cell)
        known = self.known
        if cell in known:
            return known[cell]
        value = self.parse(cell)
        if len(known) >= MEMO_MAX:
            known.clear()
        known[cell] = value
        return value


def _unit_texts(cell: Any) -> tuple[str, str]:
    """A unit cell as compared (no whitespace at all) and as stored (whitespace runs collapsed)."""
    return compact_text(cell), clean_text(cell)


def _case_type_or_blank(cell: Any) -> str | None:
    return parse_case_type(cell) if compact_text(cell) else None


def _date_or_blank(cell: Any, epoch: Any) -> dt.date | None:
    return parse_date(cell, epoch=epoch) if compact_text(cell) else None


class _Cells:
    """The cell parsers of one import run, memoised: the table's epoch, the active vocabulary (its case
    types, procedures and declared attributes) and today stay fixed for the run."""

    def __init__(self, table: Table) -> None:
        self.today = dt.date.today()
        self.unit = _Memo(_unit_texts)
        self.case_type = _Memo(_case_type_or_blank)
        self.procedure = _Memo(parse_procedure)
        self.decision_date = _Memo(functools.partial(_date_or_blank, epoch=table.epoch))
        self.flag = _Memo(parse_flag)
        self.amount = _Memo(parse_amount)
        vocab = active_vocabulary()
        self.attributes = [(f, decl) for f in table.columns if f.startswith(ATTR_PREFIX)
                           and (decl := vocab.attribute(f.removeprefix(ATTR_PREFIX))) is not None]


def _why(exc: ValueError) -> Msg | str:
    """Why a value cannot be read: its message code (either language), else the parser's English words."""
    return Msg(exc.code, exc.params) if isinstance(exc, InvalidValue) else str(exc)


def _parse_row(raw: RawRow, table: Table, cells: _Cells, case_number: str, previous_unit: str) -> RegisterRow:
    """The row's values and its own problems; `case_number` is its case number cell's `compact_text`."""
    v = raw.values
    problems: list[Problem] = []

    def bad(f: str, code: str | None, message: str = "", **params: Any) -> None:
        """A problem of this row: by message code (scoring.messages), or a reader's own words."""
        column = table.columns.get(f) or REGISTER_SPEC.label(f)
        shown = v.get(f)
        shown = shown.isoformat() if isinstance(shown, dt.date) else clean_text(shown)[:100]
        problems.append(Problem(message, file=table.source_name, row=raw.row, column=column, value=shown,
                                code=code, params=params))

    out: dict[str, Any] = {}
    if not case_number:
        bad("case_number", "register.required")
    elif len(case_number) > CASE_NUMBER_MAX:
        bad("case_number", "register.case_number_long", max=CASE_NUMBER_MAX)
    out["case_number"] = case_number or None

    unit, unit_text = cells.unit(v["unit"])
    if not unit:
        merged = previous_unit and table.kind == "csv"
        bad("unit", "register.unit_missing_csv" if merged else "register.required")
    out["unit"] = unit_text or None

    case_type = None
    try:
        case_type = cells.case_type(v["case_type"])
    except ValueError:
        bad("case_type", "register.bad_case_type", known=list(active_vocabulary().case_types))
    else:
        if case_type is None:
            bad("case_type", "register.required")
    out["case_type"] = case_type

    procedure, procedure_ok = None, True
    try:
        procedure = cells.procedure(v.get("procedure"))
    except ValueError as exc:
        procedure_ok = False
        bad("procedure", "register.bad_procedure", why=_why(exc))
    if case_type == PENALTY_TYPE and procedure is None and procedure_ok:
        bad("procedure", "register.procedure_needed", case_type=PENALTY_TYPE)
    elif case_type is not None and case_type != PENALTY_TYPE:
        procedure = None  # procedures apply to 行政处罚 only
    out["procedure"] = procedure

    decision_date = None
    try:
        decision_date = cells.decision_date(v["decision_date"])
    except ValueError as exc:
        bad("decision_date", "register.bad_date", why=_why(exc))
    else:
        if decision_date is None:
            bad("decision_date", "register.required")
        elif decision_date > cells.today:
            bad("decision_date", "register.future_date")
            decision_date = None
    out["decision_date"] = decision_date

    for flag in FLAG_FIELDS:
        try:
            out[flag] = cells.flag(v.get(flag))
        except ValueError as exc:
            out[flag] = None
            bad(flag, "register.bad_flag", why=_why(exc))

    try:
        out["penalty_amount"] = cells.amount(v.get("penalty_amount"))
    except ValueError as exc:
        out["penalty_amount"] = None
        bad("penalty_amount", "register.bad_amount", why=_why(exc))

    attributes: dict[str, Any] = {}
    for f, decl in cells.attributes:
        try:
            value = _attribute_value(decl, v.get(f), table.epoch)
        except ValueError as exc:
            bad(f, "register.bad_attribute", name=decl.zh, why=_why(exc))
            continue
        if value is not None:
            attributes[decl.key] = value
    out["attributes"] = attributes

    out["description"] = verbatim_text(v.get("description"))
    if folded_into_formula(v["case_number"]):
        bad("case_number", "register.formula_sign")
    for f, why in raw.refused.items():
        bad(f, why.code, **why.params)
    return RegisterRow(raw.row, out, problems)


# ------------------------------------------------------------------------------------------ importing

@bulk_step
def import_register(
    engine: Engine,
    source: Path | bytes,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    actor_id: int | None,
) -> ImportReport:
    """Validate and import a register all-or-nothing; returns the report, never raises for content.

    On success one `ImportBatch` (file name, SHA-256, row count) and one audit entry are written with
    the case files, in the same transaction. Raises `CaseReviewError` only for database trouble, and
    `PermissionDenied` unless the acting account may import registers (`scoring.policy`).
    """
    acting_id(engine, actor_id, Action.IMPORT_REGISTER)
    name = source_name(source, filename)
    report = ImportReport(source_name=name, dry_run=dry_run)
    try:
        table = open_table(source, register_spec(), filename=filename)
    except ProblemReport as exc:
        add_problems(report, exc.problems)
        return report
    report.header_row = table.header_row
    report.columns = dict(table.columns)
    report.sha256 = table.sha256
    report.sheet = table.sheet
    try:
        with table, engine.connect() as conn:
            _Import(conn, table, report, actor_id).run()
    except sa.exc.IntegrityError as exc:
        raise CaseReviewError(code="register.db_refused", name=name, why=_short(exc)) from None
    except SQLAlchemyError as exc:
        raise CaseReviewError(code="register.db_error", name=name, why=_short(exc)) from None
    return report


def _short(exc: SQLAlchemyError) -> str:
    return " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]


class _Seen:
    """Case numbers met so far in this file, with their row, in a temporary table (memory stays flat)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.table = sa.Table(
            f"register_seen_{uuid.uuid4().hex[:12]}",
            sa.MetaData(),
            sa.Column("case_number", sa.String(CASE_NUMBER_MAX), primary_key=True),
            sa.Column("row_no", sa.Integer, nullable=False),
            prefixes=["TEMPORARY"],
            postgresql_on_commit="drop",
        )
        self.table.create(conn)
        self.insert = BulkInsert(conn, self.table, ("case_number", "row_no"))

    def rows_of(self, numbers: list[str]) -> dict[str, int]:
        if not numbers:
            return {}
        t = self.table
        return dict(self.conn.execute(select(t.c.case_number, t.c.row_no).where(t.c.case_number.in_(numbers))).all())

    def add(self, first_rows: dict[str, int]) -> None:
        if first_rows:
            self.insert.run(list(first_rows.items()))

    def drop(self) -> None:
        """SQLite keeps temporary tables for the life of the pooled connection; PostgreSQL drops on commit."""
        if self.conn.dialect.name == "sqlite":
            self.conn.execute(sa.text(f'DROP TABLE IF EXISTS temp."{self.table.name}"'))
            self.conn.commit()


class _Import:
    def __init__(self, conn: Connection, table: Table, report: ImportReport, actor_id: int | None) -> None:
        self.conn, self.table, self.report, self.actor_id = conn, table, report, actor_id
        self.by_unit: Counter[str] = Counter()
        self.by_case_type: Counter[str] = Counter()
        self.batch_id: int | None = None
        self.rows_written = 0

    @property
    def writing(self) -> bool:
        return not self.report.dry_run and self.report.problem_count == 0

    def run(self) -> None:
        conn, report = self.conn, self.report
        trans = conn.begin()
        seen = None
        try:
            self.units = UnitIndex.load(conn)
            self.unit_named = _Memo(self.units.find)
            seen = _Seen(conn)
            self.case_files = BulkInsert(conn, Base.metadata.tables["case_files"], CASE_FILE_COLUMNS)
            self.indexes = DeferredIndexes(conn, "case_files")  # a large load builds them once, at the end
            self._check_same_file()
            rows = self._rows()
            while chunk := list(islice(rows, CHUNK_ROWS)):
                self._chunk(chunk, seen)
                sweep()  # the collector is paused (`bulk_step`): the chunk's cycles go now
            if report.rows_read == 0 and report.problem_count == 0:
                add_problems(report, [Problem(code="register.no_rows", params={"row": report.header_row},
                                              file=report.source_name)])
            report.by_unit = dict(self.by_unit)
            report.by_case_type = dict(self.by_case_type)
            if not self.writing:
                trans.rollback()
                return
            self._finish()
            trans.commit()
            report.batch_id = self.batch_id
            report.rows_imported = report.rows_read
        except BaseException:
            if trans.is_active:
                trans.rollback()
            raise
        finally:
            if seen is not None and not conn.closed and not conn.invalidated:
                seen.drop()

    def _rows(self) -> Iterator[RegisterRow]:
        """The parsed rows; a file that breaks off (malformed CSV) becomes one more problem."""
        try:
            yield from _parse_rows(self.table)
        except ProblemReport as exc:
            add_problems(self.report, exc.problems)

    def _check_same_file(self) -> None:
        earlier = self.conn.execute(
            select(ImportBatch.id, ImportBatch.created_at)
            .where(ImportBatch.sha256 == self.report.sha256)
            .where(select(CaseFile.id).where(CaseFile.batch_id == ImportBatch.id).exists())
            .order_by(ImportBatch.id)
        ).first()
        if earlier is not None:
            when = earlier.created_at.strftime("%Y-%m-%d %H:%M") if earlier.created_at else "?"
            add_problems(self.report, [Problem(code="register.imported_already", params={"batch": earlier.id, "when": when},
                                               file=self.report.source_name)])

    def _chunk(self, rows: list[RegisterRow], seen: _Seen) -> None:
        report = self.report
        numbers = list({r.values["case_number"] for r in rows if r.values["case_number"]})
        earlier = seen.rows_of(numbers)
        fresh = [n for n in numbers if n not in earlier]
        in_db: dict[str, int | None] = {}
        if fresh:
            in_db = dict(self.conn.execute(
                select(CaseFile.case_number, CaseFile.batch_id).where(CaseFile.case_number.in_(fresh))
            ).all())
        first_rows: dict[str, int] = {}
        valid: list[tuple[Any, ...]] = []
        for r in rows:
            report.rows_read += 1
            problems = r.problems
            v = r.values

            def bad(f: str, value: Any, code: str, **params: Any) -> None:
                column = self.table.columns.get(f, REGISTER_SPEC.label(f))
                problems.append(Problem(file=report.source_name, row=r.row, column=column,
                                        value=clean_text(value)[:100], code=code, params=params))

            number = v["case_number"]
            if number:
                if number in earlier:
                    bad("case_number", number, "register.duplicate_in_file", row=earlier[number])
                elif number in first_rows:
                    bad("case_number", number, "register.duplicate_in_file", row=first_rows[number])
                elif number in in_db:
                    batch = in_db[number]
                    where = Msg("register.batch", {"batch": batch}) if batch is not None else ""
                    bad("case_number", number, "register.duplicate_in_db", where=where)
                else:
                    first_rows[number] = r.row
            unit = None
            if v["unit"]:
                unit = self.unit_named(v["unit"])
                if unit is None:
                    bad("unit", v["unit"], "register.unknown_unit")
            if problems:
                add_problems(report, problems)
                continue
            assert unit is not None
            self.by_unit[unit.name] += 1
            self.by_case_type[v["case_type"]] += 1
            if self.writing:
                valid.append(self._record(v, unit.id))
        seen.add(first_rows)
        if self.writing and valid:
            batch_id = self._batch()
            self.case_files.run([(*row, batch_id) for row in valid])
            self.rows_written += len(valid)
            self.indexes.written(self.rows_written)

    @staticmethod
    def _record(v: dict[str, Any], unit_id: int) -> tuple[Any, ...]:
        """A valid row's case file as `CASE_FILE_COLUMNS` order it, but for the batch (known at the chunk's end)."""
        amount: Decimal | None = v["penalty_amount"]
        return (unit_id, v["case_number"], v["case_type"], v["procedure"], v["decision_date"], v["major_decision"],
                v["waiver"], v["hearing_held"], v["coercive_measure"], amount, v["description"], v["attributes"],
                {k: "register" for k in v["attributes"]})

    def _batch(self) -> int:
        if self.batch_id is None:
            result = self.conn.execute(insert(ImportBatch).values(
                source_name=self.report.source_name[:300],
                sha256=self.report.sha256,
                row_count=0,
                created_by_id=self.actor_id,
            ))
            key = result.inserted_primary_key
            assert key is not None  # a single-row INSERT has its primary key
            self.batch_id = int(key[0])
        return self.batch_id

    def _finish(self) -> None:
        report = self.report
        self.indexes.restore()
        batch_id = self._batch()
        self.conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(row_count=report.rows_read))
        audit_chain.append(
            self.conn,
            actor_id=self.actor_id,
            action="import_register",
            entity="import_batch",
            entity_id=str(batch_id),
            new_value={
                "source_name": report.source_name,
                "sha256": report.sha256,
                "row_count": report.rows_read,
                "header_row": report.header_row,
                "by_case_type": report.by_case_type,
                "by_unit": report.by_unit,
            },
            note=f"imported {report.rows_read} case files from {report.source_name}",
        )
        # the chain vouches for the whole batch by one order-independent digest of its rows
        audit_chain.record_state(self.conn, {"import_batches": {batch_id}}, actor_id=self.actor_id,
                                 batches={batch_id: audit_chain.batch_digest_of(self.conn, batch_id)})
