"""Excel exports of a campaign (lead only): per-file scores with per-item marks, the unit summary,
the deduction ledger and the sampling record.

Written with XlsxWriter, strings always through `write_string` and the workbook made with
``strings_to_formulas``/``strings_to_numbers``/``strings_to_urls`` off: a comment such as
"=HYPERLINK(...)" or "-3 分" is stored as the text it is, never as a formula or a number. Every text
passes the shared sanitiser (`scoring.documents.text_safety`), so control characters are dropped
instead of producing a file Excel calls damaged.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypeVarTuple, Unpack

import xlsxwriter
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from scoring.aggregate import campaign_figures, unit_table
from scoring.anonymise import case_label
from scoring.db.models import (
    Assignment,
    Campaign,
    CaseFile,
    FileResult,
    Recheck,
    Review,
    ReviewMark,
    SampleItem,
    SampleRecord,
    Unit,
    User,
)
from scoring.documents.common import (
    XLSX,
    Document,
    DocWarning,
    documents_campaign,
    is_lead,
    safe_filename,
)
from scoring.documents.text_safety import cell_text, sheet_name
from scoring.domain import FILE_FLAGS, UNIT_KIND_LABELS, MarkStatus, ReviewStatus
from scoring.errors import ValidationFailed
from scoring.gc_pause import bulk_step
from scoring.item_values import unpack
from scoring.standards import load_version
from scoring.workflow.campaigns import standard_hash_for
from scoring.workflow.sampling import export_record
from scoring.workflow.sampling.record import record_summary

EXPORTS = ("scores", "units", "deductions", "sample")
EXPORT_NAMES = {"scores": "案卷得分", "units": "单位汇总", "deductions": "扣分台账", "sample": "抽样记录"}
SOURCE_LABELS = {"mean": "均值", "recheck": "复核"}
REVIEW_CHUNK = 500  # files whose reviews are loaded at once by the scores export


# ------------------------------------------------------------------------------------------ writer

def _width(text: str) -> int:
    return len(text) if text.isascii() else sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


@functools.lru_cache(maxsize=8192)
def _text(value: str) -> tuple[str, int]:
    """A text cell as written (sanitised) and the width its first line asks for, capped at 60.

    Exports repeat their texts (units, reviewers, 不适用) across hundreds of thousands of cells, so
    both are worked out once per distinct text."""
    shown = cell_text(value)
    return shown, min(_width(shown.split("\n", 1)[0]), 60)


def _number_width(value: int | float | Decimal) -> int:
    return min(len(f"{value}"), 60)


@functools.lru_cache(maxsize=8192)
def _decimal(value: Decimal) -> tuple[float, int]:
    """A Decimal cell as written and the width it asks for, once per distinct value (deductions repeat).
    Equal values share an entry (0.5 and 0.50): the exports' decimals are all quantized to cents."""
    return float(value), _number_width(value)


class Sheet:
    """One worksheet: a bold header row, typed cells, frozen header, filter, column widths."""

    def __init__(self, book: Book, name: str, headers: Sequence[str]) -> None:
        self.book = book
        self.ws = book.wb.add_worksheet(sheet_name(name, book.names))
        self.headers = list(headers)
        self.widths = [_width(h) for h in self.headers]
        self.row = 0
        if self.headers:
            self.write(self.headers, header=True)
            self.ws.freeze_panes(1, 0)

    def write(self, values: Sequence[Any], *, header: bool = False) -> None:
        fmt = self.book.header if header else None
        if len(values) > len(self.widths):
            self.widths.extend([4] * (len(values) - len(self.widths)))
        widths = self.widths
        for col, value in enumerate(values):
            w = self._cell(self.row, col, value, fmt)
            if w > widths[col]:
                widths[col] = w
        self.row += 1

    def _cell(self, row: int, col: int, value: Any, fmt: Any) -> int:
        """Write one typed cell; returns the width it asks of its column. Text and Decimal (the common
        cells: an export writes millions) are told apart first."""
        ws = self.ws
        kind = type(value)
        if kind is str and value:
            shown, width = _text(value)
            ws.write_string(row, col, shown, fmt)
            return width
        if kind is Decimal:
            number, width = _decimal(value)
            ws.write_number(row, col, number, fmt or self.book.decimal)
            return width
        if isinstance(value, Decimal):
            ws.write_number(row, col, float(value), fmt or self.book.decimal)
            return _number_width(value)
        if value is None or value == "":
            if fmt is not None:  # a blank cell without a format is nothing to write
                ws.write_blank(row, col, None, fmt)
            return 0
        if isinstance(value, bool):
            ws.write_string(row, col, "是" if value else "否", fmt)
            return 2
        if isinstance(value, int | float):
            ws.write_number(row, col, float(value), fmt)
            return _number_width(value)
        if isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, self.book.datetime)
            return len("2024-01-01 00:00:00")
        if isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), self.book.date)
            return len("2024-01-01")
        shown = cell_text(value)
        ws.write_string(row, col, shown, fmt)
        return min(_width(shown.split("\n")[0]), 60)

    def finish(self) -> None:
        for col, w in enumerate(self.widths):
            self.ws.set_column(col, col, max(6, w + 2))
        if self.headers and self.row > 1:
            self.ws.autofilter(0, 0, self.row - 1, len(self.headers) - 1)


class Book:
    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.out, {
            "constant_memory": True,  # rows are streamed to a temporary file as they are written
            "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "default_date_format": "yyyy-mm-dd",
        })
        self.names: set[str] = set()
        self.header = self.wb.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True,
                                          "valign": "vcenter"})
        self.decimal = self.wb.add_format({"num_format": "0.00"})
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = self.wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.sheets: list[Sheet] = []

    def sheet(self, name: str, headers: Sequence[str]) -> Sheet:
        s = Sheet(self, name, headers)
        self.sheets.append(s)
        return s

    def close(self) -> bytes:
        for s in self.sheets:
            s.finish()
        self.wb.set_properties({"title": "案卷评查导出", "comments": "casereview"})
        self.wb.close()
        return self.out.getvalue()


def _document(campaign: Campaign, what: str, book: Book, warnings: list[DocWarning] | None = None) -> Document:
    return Document(safe_filename(f"{campaign.name}-{what}.xlsx"), book.close(), XLSX, warnings or [])


# ------------------------------------------------------------------------------------------ helpers

_Ts = TypeVarTuple("_Ts")


def _in_sample(stmt: Select[Unpack[_Ts]], campaign_id: int) -> Select[Unpack[_Ts]]:
    """`stmt` (selecting from sample items) over the campaign's current sample, its files and their
    units, in draw order."""
    return (stmt.join(SampleRecord, SampleRecord.id == SampleItem.sample_id)
            .join(CaseFile, CaseFile.id == SampleItem.case_file_id)
            .join(Unit, Unit.id == CaseFile.unit_id)
            .where(SampleRecord.campaign_id == campaign_id, SampleRecord.is_current.is_(True))
            .order_by(SampleItem.draw_order))


def _sampled(session: Session, campaign_id: int) -> list[tuple[int, CaseFile, Unit]]:
    """(draw order, case file, unit) of the campaign's current sample, in draw order."""
    rows = session.execute(_in_sample(select(SampleItem.draw_order, CaseFile, Unit), campaign_id)).all()
    return [(int(o), cf, u) for o, cf, u in rows]


class _Submitted(NamedTuple):
    """What the scores export shows of a submitted review (columns, not whole rows: a province has 100,000)."""

    marks: dict[str, Any]  # item id -> points deducted (Decimal) or 不适用 (`_item_marks`)
    vetoes: str
    submitted_at: dt.datetime | None
    total: Decimal | None
    grade: str | None
    reviewer: str


def _submitted_reviews(session: Session, campaign_id: int, file_ids: Sequence[int]) -> dict[int, list[_Submitted]]:
    """The files' submitted reviews, their item marks read from the packed values (`scoring.item_values`)
    rather than the result documents; only a review with a veto has its document read, for the veto's id."""
    stmt = (
        select(Assignment.case_file_id, Review.id, Review.standard_hash, Review.item_values, Review.veto,
               Review.submitted_at, Review.total, Review.grade, User.display_name)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .join(User, User.id == Assignment.reviewer_id)
        .where(Assignment.campaign_id == campaign_id, Review.status == ReviewStatus.SUBMITTED,
               Assignment.case_file_id.in_(list(file_ids)))
        .order_by(Assignment.case_file_id, Review.submitted_at, Review.id))
    rows = session.execute(stmt).all()
    veto_ids = [r.id for r in rows if r.veto]
    vetoes = {rid: _vetoes(result) for rid, result in session.execute(
        select(Review.id, Review.result).where(Review.id.in_(veto_ids)))} if veto_ids else {}
    order: dict[str, list[str]] = {}
    out: dict[int, list[_Submitted]] = defaultdict(list)
    for cf_id, rid, std_hash, packed, _, submitted_at, total, grade, reviewer in rows:
        if std_hash not in order:
            order[std_hash] = list(load_version(session, std_hash).items_by_id)
        ids = order[std_hash]
        [values] = unpack([rid], [packed], len(ids)).tolist()
        marks = {i: ("不适用" if v != v else _dec(v)) for i, v in zip(ids, values, strict=True)}  # v != v: NaN
        out[cf_id].append(_Submitted(marks, vetoes.get(rid, ""), submitted_at, total, grade, reviewer))
    return out


def _rechecks(session: Session, campaign_id: int) -> dict[int, tuple[Recheck, User]]:
    rows = session.execute(select(Recheck, User).join(User, User.id == Recheck.decided_by_id)
                           .where(Recheck.campaign_id == campaign_id)).all()
    return {rc.case_file_id: (rc, user) for rc, user in rows}


class _Sampled(NamedTuple):
    """What the scores export shows of a sampled file (columns, not ORM rows: a province samples 50,000
    files, and their case files and units as objects held ~110 MB for the whole export)."""

    order: int
    id: int
    case_number: str
    case_type: str
    procedure: str | None
    unit: str


def _sampled_files(session: Session, campaign_id: int) -> list[_Sampled]:
    """The campaign's current sample as `_Sampled` rows, in draw order."""
    rows = session.execute(_in_sample(select(SampleItem.draw_order, CaseFile.id, CaseFile.case_number,
                                             CaseFile.case_type, CaseFile.procedure, Unit.name), campaign_id))
    return [_Sampled(int(order), cf_id, number, case_type, procedure, unit)
            for order, cf_id, number, case_type, procedure, unit in rows]


class _Final(NamedTuple):
    """A file's final result as the exports show it (columns: 50,000 results as objects held ~65 MB)."""

    source: str
    score: Decimal
    grade: str | None


def _final(session: Session, campaign_id: int) -> dict[int, _Final]:
    rows = session.execute(select(FileResult.case_file_id, FileResult.source, FileResult.score, FileResult.grade)
                           .where(FileResult.campaign_id == campaign_id))
    return {case_file_id: _Final(source, score, grade) for case_file_id, source, score, grade in rows}


def _case(campaign: Campaign, case_number: str) -> str:
    """A case number as the exports write it: masked when the campaign anonymises (`scoring.anonymise`)."""
    return case_label(case_number, anonymise=bool(campaign.anonymise), campaign_level=False)


@functools.lru_cache(maxsize=4096)
def _dec(v: Any) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


def _item_marks(result: dict | None) -> dict[str, Any]:
    """item id -> points deducted (Decimal), or "不适用" for an item that does not apply."""
    out: dict[str, Any] = {}
    for item in (result or {}).get("items", []):
        if item.get("status") in ("na", "not_applicable"):
            out[item["item_id"]] = "不适用"
        else:
            out[item["item_id"]] = _dec(item.get("deducted", 0))
    return out


def _vetoes(result: dict | None) -> str:
    return "、".join((result or {}).get("veto", {}).get("triggered", []) or [])


def _mean_marks(reviews: list[dict[str, Any]]) -> dict[str, Any]:
    """Per item, the mean of the reviews' deductions (not applicable only when no review applied it)."""
    per: dict[str, list[Decimal]] = defaultdict(list)
    seen: set[str] = set()
    for marks in reviews:
        for item_id, value in marks.items():
            seen.add(item_id)
            if isinstance(value, Decimal):
                per[item_id].append(value)
    return {i: (_dec(sum(per[i]) / len(per[i])) if per[i] else "不适用") for i in seen}


# ------------------------------------------------------------------------------------------ exports

SCORE_HEADERS = ["抽取顺序", "案号", "单位", "案件类型", "评查人", "类型", "提交时间", "总分", "等次", "否决项"]


@bulk_step
def export_scores(session: Session, actor: User | None, campaign_ref: int | str) -> Document:
    """Per-file scores: one row per file and reviewer (submitted reviews) plus the final result, with
    a column per item of the standard holding the points deducted ("不适用" where it does not apply).
    One sheet per scoring standard of the campaign."""
    campaign = documents_campaign(session, actor, campaign_ref)
    reviewer_names = is_lead(actor)
    sampled = _sampled_files(session, campaign.id)
    rechecks = _rechecks(session, campaign.id)
    finals = _final(session, campaign.id)
    groups: dict[str, list[_Sampled]] = defaultdict(list)
    hashes: dict[tuple[str, str | None], str] = {}  # one lookup per (case type, procedure), not per file
    for cf in sampled:
        kind = (cf.case_type, cf.procedure)
        if kind not in hashes:
            hashes[kind] = standard_hash_for(session, campaign, cf)
        groups[hashes[kind]].append(cf)
    book = Book()
    warnings: list[DocWarning] = []
    if not sampled:
        book.sheet("案卷得分", SCORE_HEADERS)
        warnings.append(DocWarning("no_sample", "the campaign has no sample yet: the export is empty"))
    for std_hash, files in groups.items():
        std = load_version(session, std_hash)
        items = [item for section in std.sections for item in section.items]
        sheet = book.sheet(f"{std.title}", [*SCORE_HEADERS, *[f"{i.id} {i.title}（扣分）" for i in items]])
        reviews: dict[int, list[_Submitted]] = {}
        for k, cf in enumerate(files):
            if k % REVIEW_CHUNK == 0:  # the reviews of the next files only: memory stays flat
                reviews = _submitted_reviews(session, campaign.id, [f.id for f in files[k:k + REVIEW_CHUNK]])
            base = [cf.order, _case(campaign, cf.case_number), cf.unit, cf.case_type]
            rows_for_file = reviews.get(cf.id, [])
            for n, review in enumerate(rows_for_file, start=1):
                marks = review.marks
                who = review.reviewer if reviewer_names else f"评查人{n}"
                sheet.write([*base, who, "评查", review.submitted_at, review.total, review.grade, review.vetoes,
                             *[marks.get(i.id) for i in items]])
            final = finals.get(cf.id)
            if final is None:
                sheet.write([*base, "", "尚无最终结果", None, None, None, None, *[None] * len(items)])
                continue
            if final.source == "recheck" and cf.id in rechecks:
                rc, lead = rechecks[cf.id]
                marks, vetoes = _item_marks(rc.result), _vetoes(rc.result)
                who = f"复核：{lead.display_name}" if reviewer_names else "复核"
                when = rc.decided_at
            else:
                marks = _mean_marks([r.marks for r in rows_for_file])
                who, when = f"{len(rows_for_file)}份评查的均值", None
                vetoes = "、".join(dict.fromkeys(v for r in rows_for_file for v in r.vetoes.split("、") if v))
            sheet.write([*base, who, f"最终结果（{SOURCE_LABELS.get(final.source, final.source)}）", when, final.score,
                         final.grade, vetoes, *[marks.get(i.id) for i in items]])
    return _document(campaign, EXPORT_NAMES["scores"], book, warnings)


def export_units(session: Session, actor: User | None, campaign_ref: int | str) -> Document:
    """The unit summary (one row per unit, listing order) and the campaign's headline figures."""
    campaign = documents_campaign(session, actor, campaign_ref)
    rows = unit_table(session, actor, campaign.id)
    fig = campaign_figures(session, actor, campaign.id)
    bands = list(fig.grade_counts)
    focus = list(dict.fromkeys(f.focus for r in rows for f in r.figures.focus))
    labels = {f.focus: f.label for r in rows for f in r.figures.focus}
    book = Book()
    sheet = book.sheet("单位汇总", [
        "单位", "类别", "案卷数", "平均分", "95%区间下限", "95%区间上限", "排名", "排名区间", "中位数", "最低分",
        "最高分", *[f"{b}（本）" for b in bands], "合格率（%）", "优秀率（%）", "否决项案卷", "单位等次",
        *[f"{labels[f]}得分率（%）" for f in focus], "主要扣分原因（案卷数）"])
    kinds = {k.value: label for k, label in UNIT_KIND_LABELS.items()}
    for r in rows:
        f, u = r.figures, r.uncertainty
        rank_iv = (f"{u.rank_low}–{u.rank_high}" if u.rank is not None
                   else "案卷过少，不排名" if u.too_few_files else None)
        sheet.write([f.unit, kinds.get(f.kind, f.kind), f.files, f.mean,
                     round(u.ci_low, 2) if u.ci_low is not None else None,
                     round(u.ci_high, 2) if u.ci_high is not None else None, u.rank, rank_iv, f.median, f.min, f.max,
                     *[f.grade_counts.get(b, 0) for b in bands], f.pass_rate, f.excellent_rate, f.veto_count,
                     f.grade, *[f.focus_rates.get(x) for x in focus],
                     "；".join(f"{d.label()}（{d.files}）" for d in f.top_deductions)])
    overall = book.sheet("总体情况", ["项目", "数值"])
    for label, value in [("评查活动", fig.campaign), ("年度", fig.year), ("抽取案卷", fig.files_sampled),
                         ("已有最终结果", fig.files_reviewed), ("尚无最终结果", fig.files_pending),
                         ("单位数", fig.units), *[(f"{b}（本）", n) for b, n in fig.grade_counts.items()],
                         ("平均分", fig.mean), ("中位数", fig.median), ("最低分", fig.min), ("最高分", fig.max),
                         ("合格率（%）", fig.pass_rate), ("优秀率（%）", fig.excellent_rate),
                         ("否决项案卷", fig.veto_count)]:
        overall.write([label, value])
    return _document(campaign, EXPORT_NAMES["units"], book)


LEDGER_HEADERS = ["评查活动", "单位", "案号", "评查人", "来源", "计入最终结果", "项目编号", "评查项目", "原因编号",
                  "扣分原因", "次数", "扣分", "评查意见", "位置"]


@dataclass
class _LedgerRow:
    unit_order: tuple[int, int]
    values: list[Any]
    case_number: str = ""  # the real number, for the order (the written one may be masked)


def _describe(page: str | None, media_file: str | None, media_time: str | None) -> str:
    parts = [f"第{page}页"] if page else []
    if media_file:
        parts.append(media_file + (f" {media_time}" if media_time else ""))
    return "；".join(parts)


def export_deductions(session: Session, actor: User | None, campaign_ref: int | str) -> Document:
    """The deduction ledger: every deduction and veto of every submitted review and re-check, with
    whether it stands in the file's final result. Reviewer names only for leads."""
    campaign = documents_campaign(session, actor, campaign_ref)
    names = is_lead(actor)
    headers = [h for h in LEDGER_HEADERS if names or h != "评查人"]
    finals = _final(session, campaign.id)
    std_cache: dict[str, Any] = {}

    def std(h: str) -> Any:
        if h not in std_cache:
            std_cache[h] = load_version(session, h)
        return std_cache[h]

    rows: list[_LedgerRow] = []
    marks = session.execute(
        select(ReviewMark, Review, User, CaseFile, Unit)
        .join(Review, Review.id == ReviewMark.review_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .join(User, User.id == Assignment.reviewer_id)
        .join(CaseFile, CaseFile.id == Assignment.case_file_id)
        .join(Unit, Unit.id == CaseFile.unit_id)
        .where(Assignment.campaign_id == campaign.id, Review.status == ReviewStatus.SUBMITTED,
               ReviewMark.status.in_([MarkStatus.DEDUCT.value, MarkStatus.VETO.value]))
        .order_by(ReviewMark.id)).all()
    for mark, review, user, cf, unit in marks:
        s = std(review.standard_hash)
        final = finals.get(cf.id)
        counts = final is not None and final.source == "mean"
        reason_id: str | None
        reason: str | None
        if mark.status == MarkStatus.VETO:
            veto = s.vetoes_by_id.get(mark.item_id)
            item_title, reason_id, reason, occ, points = (veto.title if veto else mark.item_id), mark.item_id, \
                "否决项", None, None
        else:
            entry = s.items_by_id.get(mark.item_id)
            item = entry[1] if entry else None
            d = item.deduction(mark.reason_id) if item else None
            item_title = item.title if item else mark.item_id
            reason_id, reason, occ, points = mark.reason_id, (d.reason if d else mark.reason_id), mark.occurrences, \
                mark.points
        values = [campaign.name, unit.name, _case(campaign, cf.case_number), *([user.display_name] if names else []), "评查", counts,
                  mark.item_id, item_title, reason_id, reason, occ, points, mark.comment,
                  _describe(mark.page, mark.media_file, mark.media_time)]
        rows.append(_LedgerRow((unit.sort_order, unit.id), values, cf.case_number))
    rechecks = session.execute(
        select(Recheck, User, CaseFile, Unit).join(User, User.id == Recheck.decided_by_id)
        .join(CaseFile, CaseFile.id == Recheck.case_file_id).join(Unit, Unit.id == CaseFile.unit_id)
        .where(Recheck.campaign_id == campaign.id).order_by(Recheck.id)).all()
    for rc, lead, cf, unit in rechecks:
        s = std(rc.standard_hash)
        final = finals.get(cf.id)
        counts = final is not None and final.source == "recheck"
        who = [f"复核：{lead.display_name}"] if names else []
        for d in (rc.result or {}).get("deductions", []):
            rows.append(_LedgerRow((unit.sort_order, unit.id), [
                campaign.name, unit.name, _case(campaign, cf.case_number), *who, "复核", counts, d["item_id"], d.get("item_title", ""),
                d["reason_id"], d.get("reason", ""), d.get("occurrences"), _dec(d.get("points", 0)),
                d.get("comment", ""), d.get("location", "")], cf.case_number))
        for vid in (rc.result or {}).get("veto", {}).get("triggered", []):
            veto = s.vetoes_by_id.get(vid)
            comment = ((rc.marks or {}).get("vetoes", {}).get(vid) or {})
            rows.append(_LedgerRow((unit.sort_order, unit.id), [
                campaign.name, unit.name, _case(campaign, cf.case_number), *who, "复核", counts, vid, veto.title if veto else vid, vid,
                "否决项", None, None, comment.get("comment", ""),
                _describe(comment.get("page"), comment.get("media_file"), comment.get("media_time"))], cf.case_number))
    rows.sort(key=lambda r: (r.unit_order, r.case_number))
    book = Book()
    sheet = book.sheet("扣分台账", headers)
    for r in rows:
        sheet.write(r.values)
    return _document(campaign, EXPORT_NAMES["deductions"], book)


def reason_label(reason: str) -> str:
    kind, _, arg = reason.partition(":")
    if kind == "forced":
        return f"强制抽取：{FILE_FLAGS.get(arg, arg)}"
    if kind == "stratum":
        return f"分层抽取：{arg}"
    if kind == "random":
        return "随机抽取"
    return reason


def export_sample(session: Session, actor: User | None, campaign_ref: int | str) -> Document:
    """The sampling record: its fields (seed, rules, register fingerprint, hashes…) and the drawn files."""

    campaign = documents_campaign(session, actor, campaign_ref)
    record = session.scalar(select(SampleRecord).where(SampleRecord.campaign_id == campaign.id,
                                                       SampleRecord.is_current.is_(True))
                            .order_by(SampleRecord.id.desc()))
    if record is None:
        raise ValidationFailed(code="documents.no_sample", name=campaign.name)
    engine = session.get_bind()
    data = export_record(engine, record.id, actor_id=actor.id if actor else None)
    by_number = {cf.case_number: (cf, u) for _, cf, u in _sampled(session, campaign.id)}
    book = Book()
    fields = book.sheet("抽样记录", ["项目", "内容"])
    c = data["campaign"]
    for label, value in [
        ("评查活动", c["name"]), ("年度", c["year"]), ("评查范围起", c["window_start"]), ("评查范围止", c["window_end"]),
        ("随机种子", str(data["seed"])), ("抽样规则", json.dumps(data["rules"], ensure_ascii=False, sort_keys=True)),
        ("算法版本", data["algorithm_version"]), ("登记表指纹（SHA-256）", data["register_fingerprint"]),
        ("候选案卷数", data["candidate_count"]), ("抽取时间（UTC）", data["created_at"]),
        ("上一记录哈希（扩大抽样时）", data["parent_record_hash"] or ""), ("记录哈希（SHA-256）", data["record_hash"]),
        ("抽取案卷数", len(data["items"])),
    ]:
        fields.write([label, value])
    drawn = book.sheet("抽取案卷", ["抽取顺序", "案号", "执法单位", "案件类型", "程序", "决定日期", "抽取方式",
                                    "抽取方式代码", "重大执法决定", "不予处罚", "听证", "行政强制措施"])
    for item in data["items"]:
        cf = by_number.get(item["case_number"], (None, None))[0]
        drawn.write([item["draw_order"], _case(campaign, item["case_number"]), item["unit"], item["case_type"],
                     cf.procedure if cf else None, cf.decision_date if cf else None, reason_label(item["reason"]),
                     item["reason"], *([getattr(cf, f) for f in FILE_FLAGS] if cf else [None] * len(FILE_FLAGS))])
    summary = book.sheet("抽样汇总", ["执法单位", "案件类型", "候选案卷", "抽取", "其中强制抽取"])
    for row in record_summary(engine, record.id, actor_id=actor.id if actor else None):
        summary.write([row["unit"], row["case_type"], row["candidates"], row["drawn"], row["forced"]])
    return _document(campaign, EXPORT_NAMES["sample"], book)


def export(session: Session, actor: User | None, campaign_ref: int | str, what: str) -> Document:
    """One of the four exports by name: scores, units, deductions, sample."""
    makers = {"scores": export_scores, "units": export_units, "deductions": export_deductions,
              "sample": export_sample}
    if what not in makers:
        raise ValidationFailed(code="documents.unknown_export", what=what, known=list(EXPORTS))
    return makers[what](session, actor, campaign_ref)


