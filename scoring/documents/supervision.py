"""Supervision recommendations (行政执法监督建议书): one Word draft per unit with serious problems.

A unit gets one when at least one of its files failed (final grade below the pass line) or its mean
score is below the threshold the lead sets (default: the campaign's pass line). Each draft holds the
addressee, the unit's results, 一、存在的问题 (the unit's included findings of sections problem and
typical, then a table of every defect standing in its files' final results; case numbers masked
everywhere when the campaign anonymises, by the one rule of `scoring.anonymise`), 二、监督建议 (the unit's
included recommendations, else the campaign's), 三、整改要求 (its rectification requirements with owner
and deadline, and the date to report back by), and the issuing authority and date. Leads only.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from scoring.aggregate import file_list, unit_summary
from scoring.aggregate.common import titles_for
from scoring.aggregate.units import FileRow, UnitFigures
from scoring.anonymise import case_label
from scoring.db.models import Campaign, CaseFile, FileDeduction, FileResult, User
from scoring.documents import docx_kit as kit
from scoring.documents.common import (
    DOCX,
    ZIP,
    Document,
    DocWarning,
    cn_date,
    documents_campaign,
    num,
    safe_filename,
)
from scoring.documents.findings_source import load_findings
from scoring.documents.fonts import DocFonts
from scoring.documents.notice import FIELD_LABELS as NOTICE_FIELD_LABELS
from scoring.documents.notice import ISSUER_PLACEHOLDER, NUMBER_PLACEHOLDER, signature
from scoring.errors import NotFound, ValidationFailed

FIELD_LABELS = {**NOTICE_FIELD_LABELS, "deadline": "整改报告期限"}
TITLE = "行政执法监督建议书"


@dataclass
class SupervisionTarget:
    """A unit that gets a recommendation, and why."""

    unit_id: int
    unit: str
    files: int
    failing: int  # files whose final grade is below the pass line
    mean: Decimal
    grade: str
    below_threshold: bool
    reasons: list[str] = field(default_factory=list)


def _threshold(campaign: Any, threshold: Decimal | float | int | str | None) -> Decimal:
    if threshold is None:
        return Decimal(campaign.pass_line)
    try:
        value = Decimal(str(threshold))
    except ArithmeticError:
        raise ValidationFailed(code="documents.threshold_not_number", threshold=threshold) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationFailed(code="documents.threshold_range", threshold=threshold)
    return value


@dataclass
class _Scope:
    """What every unit's recommendation reads the same, read once for a batch of units: the unit
    figures and the failing files come from one campaign-wide query each instead of one per unit
    (a unit's figures alone cost as much as all of them), the campaign's recommendations at most once."""

    campaign: Campaign
    units: dict[int, UnitFigures]
    failing: dict[int, list[FileRow]]
    general: list[Any] | None = None  # the campaign-level recommendations, once a unit needed them
    defects: dict[int, list[Any]] = field(default_factory=dict)  # unit id -> its defect rows
    titles: dict[frozenset[str], dict[str, str]] = field(default_factory=dict)


def _scope(session: Session, actor: User | None, campaign_ref: int | str) -> _Scope:
    campaign = documents_campaign(session, actor, campaign_ref)
    units = {u.unit_id: u for u in unit_summary(session, actor, campaign.id, top_n=0)}
    failing: dict[int, list[FileRow]] = defaultdict(list)
    for f in file_list(session, actor, campaign.id):  # lowest score first, as for one unit
        if not f.passed:
            failing[f.unit_id].append(f)
    return _Scope(campaign, units, failing)


def _targets(scope: _Scope, threshold: Decimal | float | int | str | None) -> list[SupervisionTarget]:
    limit = _threshold(scope.campaign, threshold)
    out = []
    for u in scope.units.values():
        failing = len(scope.failing.get(u.unit_id, ()))
        below = u.mean < limit
        if not failing and not below:
            continue
        reasons = ([f"{failing} failing file{'s' if failing != 1 else ''}"] if failing else []) + (
            [f"mean {num(u.mean)} below {num(limit)}"] if below else [])
        out.append(SupervisionTarget(u.unit_id, u.unit, u.files, failing, u.mean, u.grade, below, reasons))
    return out


def supervision_targets(session: Session, actor: User | None, campaign_ref: int | str, *,
                        threshold: Decimal | float | int | str | None = None) -> list[SupervisionTarget]:
    """Units with a failing file or a mean below `threshold` (default: the pass line), listing order."""
    return _targets(_scope(session, actor, campaign_ref), threshold)


def _load_defects(session: Session, scope: _Scope, unit_ids: Sequence[int]) -> None:
    """Every defect standing in these units' final results, read in one query (one per unit scanned the
    campaign's defects once a unit), each unit's lowest score first."""
    rows = session.execute(
        select(FileDeduction.unit_id, CaseFile.case_number, FileResult.score, FileResult.grade,
               FileDeduction.item_id, FileDeduction.reason, FileDeduction.is_veto, FileDeduction.location,
               FileDeduction.comment, FileDeduction.standard_hash)
        .select_from(FileDeduction)
        .join(FileResult, and_(FileResult.campaign_id == FileDeduction.campaign_id,
                               FileResult.case_file_id == FileDeduction.case_file_id))
        .join(CaseFile, CaseFile.id == FileDeduction.case_file_id)
        .where(FileDeduction.campaign_id == scope.campaign.id, FileDeduction.unit_id.in_(list(unit_ids)))
        .order_by(FileDeduction.unit_id, FileResult.score, CaseFile.case_number, FileDeduction.is_veto.desc(),
                  FileDeduction.item_id, FileDeduction.reason_id)).all()
    for unit_id in unit_ids:
        scope.defects[unit_id] = []
    for r in rows:
        scope.defects[r.unit_id].append(r)


def _titles(session: Session, scope: _Scope, hashes: frozenset[str]) -> dict[str, str]:
    """Item titles over a unit's standard versions, looked up once per distinct set of versions."""
    if hashes not in scope.titles:
        scope.titles[hashes] = titles_for(session, hashes) if hashes else {}
    return scope.titles[hashes]


def _defects(session: Session, scope: _Scope, unit_id: int, *, masked: bool) -> list[list[str]]:
    """Every defect standing in the unit's final results: case number (masked when the campaign
    anonymises), score (grade), item, problem, location."""
    if unit_id not in scope.defects:
        _load_defects(session, scope, [unit_id])
    rows = scope.defects[unit_id]
    titles = _titles(session, scope, frozenset(r.standard_hash for r in rows))
    # a file has several defects: each case number is masked once
    labels = {n: case_label(n, anonymise=masked, campaign_level=False) for n in {r.case_number for r in rows}}
    return [[labels[r.case_number], f"{num(r.score)}分（{r.grade}）",
             f"{r.item_id} {titles.get(r.item_id, '')}".strip(), ("否决项：" if r.is_veto else "") + (r.reason or ""),
             r.comment or "", r.location or ""] for r in rows]


DEFECT_SIZE = 9.0  # 小五: the defect list is a reference table


def _defect_table(doc: Any, defects: Sequence[Sequence[str]], fonts: DocFonts) -> None:
    """The defects grouped by file: a shaded row names the file and its score, the rows below its
    defects (item, problem, reviewer's comment, location)."""
    rows: list[list[str]] = []
    groups: dict[int, str] = {}
    current: tuple[str, str] | None = None
    n = 0
    for case, score, item, problem, comment, location in defects:
        if (case, score) != current:
            current, n = (case, score), 0
            groups[len(rows)] = f"{case}　{score}"
        n += 1
        rows.append([str(n), item, problem, comment, location])
    kit.table(doc, ["序号", "评查项目", "问题", "评查意见", "位置"], rows, fonts, widths=[0, 3.4, None, None, 0],
              numeric=[True, False, False, False, False], size=DEFECT_SIZE, groups=groups)


def _findings(doc: Any, findings: Sequence[Any], fonts: DocFonts, start: int = 1) -> int:
    n = start
    for f in findings:
        head = f"{n}.{f.title.strip()}"
        if head[-1] not in "。！？；：.!?;:":
            head += "。"
        kit.paragraph(doc, (f.body or "").strip(), fonts=fonts, lead=head)
        n += 1
    return n


def build_supervision(session: Session, actor: User | None, campaign_ref: int | str, unit_id: int, *,
                      number: str | None = None, issuer: str | None = None, date: dt.date | None = None,
                      deadline: dt.date | None = None, fonts: DocFonts | None = None) -> Document:
    """One unit's recommendation as a .docx (made for any unit asked for; `supervision_targets` says
    which units the rule selects). `number` (文号), `issuer`, `date` and `deadline` left out print as
    blank form fields; the deadline defaults to the latest of the unit's rectification deadlines."""
    return _build(session, actor, _scope(session, actor, campaign_ref), unit_id, number=number, issuer=issuer,
                  date=date, deadline=deadline, fonts=fonts)


def _general(session: Session, actor: User | None, scope: _Scope) -> list[Any]:
    """The campaign's own recommendations (for a unit without any), read once per scope."""
    if scope.general is None:
        scope.general = load_findings(session, actor, scope.campaign.id, unit_id=None, traces=False,
                                      rectifications=False).recommendation
    return scope.general


def _build(session: Session, actor: User | None, scope: _Scope, unit_id: int, *, number: str | None = None,
           issuer: str | None = None, date: dt.date | None = None, deadline: dt.date | None = None,
           fonts: DocFonts | None = None) -> Document:
    """One unit's recommendation from the figures `scope` holds (see `build_supervision`)."""
    campaign = scope.campaign
    masked = bool(campaign.anonymise)
    fonts = fonts or DocFonts()
    unit = scope.units.get(unit_id)
    if unit is None:
        raise NotFound(code="documents.unit_no_results", unit=unit_id, campaign=campaign.name)
    failing = scope.failing.get(unit_id, [])
    own = load_findings(session, actor, campaign.id, unit_id=unit_id, rectification_unit=unit_id, traces=False)
    warnings: list[DocWarning] = list(own.warnings)
    recommendations = own.recommendation or _general(session, actor, scope)
    rects = own.rectifications
    due = deadline or max((r.deadline for r in rects if r.deadline), default=None)
    blank = [n for n, v in (("number", number), ("issuer", issuer), ("date", date), ("deadline", due)) if not v]
    if blank:
        warnings.append(DocWarning("blank_fields", f"{unit.unit}: left blank for the lead to fill: " + ", ".join(blank),
                                   {"unit": unit.unit, "fields": "、".join(FIELD_LABELS[b] for b in blank)}))
    issuer_text = (issuer or "").strip()
    doc = kit.new_document(fonts, title=f"{TITLE}（{unit.unit}）", author=issuer_text)
    kit.title(doc, TITLE, fonts)
    kit.paragraph(doc, (number or "").strip() or NUMBER_PLACEHOLDER, fonts=fonts, indent=False,
                  align=WD_ALIGN_PARAGRAPH.CENTER)
    kit.paragraph(doc, f"{unit.unit}：", fonts=fonts, indent=False)
    counts = "、".join(f"{band}{n}本" for band, n in unit.grade_counts.items() if n)
    window = f"{cn_date(campaign.window_start)}至{cn_date(campaign.window_end)}"
    kit.paragraph(doc, f"根据{campaign.year}年度行政执法案卷评查工作安排，{issuer_text or '我单位'}对你单位{window}"
                       f"作出决定的行政执法案卷进行了抽查评查。共抽查你单位案卷{unit.files}本，其中{counts}，"
                       f"平均分{num(unit.mean)}分，合格率{num(unit.pass_rate)}%，单位等次为{unit.grade}。"
                       + (f"其中不合格案卷{len(failing)}本：{'、'.join(f'{case_label(f.case_number, anonymise=masked, campaign_level=False)}（{num(f.score)}分）' for f in failing)}。"
                          if failing else "")
                       + "现将评查发现的问题和监督建议通报如下：", fonts=fonts)
    kit.heading(doc, f"{kit.heading1_label(1)}存在的问题", 1, fonts)
    n = _findings(doc, [*own.problem, *own.typical], fonts)
    defects = _defects(session, scope, unit_id, masked=masked)
    if defects:
        kit.paragraph(doc, f"{n}.评查扣分明细。" if n > 1 else "评查中发现的扣分问题如下表：", fonts=fonts,
                      bold=n > 1)
        _defect_table(doc, defects, fonts)
    elif n == 1:
        kit.paragraph(doc, "（暂无）", fonts=fonts)
    kit.heading(doc, f"{kit.heading1_label(2)}监督建议", 1, fonts)
    if not _findings(doc, recommendations, fonts) > 1:
        kit.paragraph(doc, "（暂无）", fonts=fonts)
    kit.heading(doc, f"{kit.heading1_label(3)}整改要求", 1, fonts)
    if rects:
        kit.paragraph(doc, "请你单位对照上述问题认真整改，整改要求如下：", fonts=fonts)
        kit.table(doc, ["序号", "整改要求", "责任人", "整改期限"],
                  [[str(i), r.requirement, r.owner or "", cn_date(r.deadline) if r.deadline else ""]
                   for i, r in enumerate(rects, start=1)], fonts, widths=[0, None, 2.6, 3.2])
    signature(doc, fonts, closing=("请你单位" if rects else "请你单位对照上述问题认真整改，并") +
              f"于{cn_date(due)}前将整改情况书面报送{issuer_text or ISSUER_PLACEHOLDER}。",
              issuer=issuer_text, date=date)
    return Document(safe_filename(f"{campaign.name}-{TITLE}-{unit.unit}.docx"), kit.to_bytes(doc), DOCX, warnings,
                    unit_id=unit_id)


def build_supervisions(session: Session, actor: User | None, campaign_ref: int | str, *,
                       threshold: Decimal | float | int | str | None = None, **fields: Any) -> list[Document]:
    """A recommendation for every unit `supervision_targets` selects (none when no unit qualifies); the
    campaign-wide figures are read once for all of them."""
    scope = _scope(session, actor, campaign_ref)
    targets = _targets(scope, threshold)
    if targets:
        _load_defects(session, scope, [t.unit_id for t in targets])
    return [_build(session, actor, scope, t.unit_id, **fields) for t in targets]


def zip_documents(documents: Sequence[Document], name: str) -> Document:
    """Several documents in one .zip (UTF-8 file names), with their warnings."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for d in documents:
            zf.writestr(d.filename, d.content)
    warnings = [w for d in documents for w in d.warnings]
    return Document(safe_filename(name), out.getvalue(), ZIP, warnings)


def supervision_zip(session: Session, actor: User | None, campaign_ref: int | str, *,
                    threshold: Decimal | float | int | str | None = None, **fields: Any) -> Document:
    campaign = documents_campaign(session, actor, campaign_ref)
    docs = build_supervisions(session, actor, campaign.id, threshold=threshold, **fields)
    return zip_documents(docs, f"{campaign.name}-{TITLE}.zip")
