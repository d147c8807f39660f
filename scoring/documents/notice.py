"""The review notice (评查情况通报) as a Word file.

Contents, in order: reference number (文号), title, addressee; an opening paragraph; 一、评查基本情况
(the overview sentence with the figures, units grouped by their mean, the unit results table, the
grade-distribution and unit-comparison charts); 二、主要问题 by focus area, 三、典型问题,
四、工作建议 (the lead's included findings of sections problem / typical / recommendation);
五、整改要求 (table: unit, requirement, owner, deadline); issuing authority and date; and an appendix
tracing every finding to the files behind it (case number, unit, item, reason, comment, location).

Figures come from `scoring.aggregate` (final results only); findings from `scoring.findings`.
Leads may make it for any campaign, observers for published campaigns (no reviewer names appear).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from sqlalchemy.orm import Session

from scoring import audit_chain
from scoring.aggregate import campaign_figures, unit_summary
from scoring.aggregate.campaign import CampaignFigures
from scoring.aggregate.common import focus_label
from scoring.aggregate.units import UnitFigures
from scoring.db.models import Campaign, User
from scoring.documents import docx_kit as kit
from scoring.documents.charts_png import (
    ChartError,
    ChartImage,
    grade_chart,
    render_png,
    unit_chart,
)
from scoring.documents.common import (
    DOCX,
    Document,
    DocWarning,
    bound,
    cn_date,
    documents_campaign,
    num,
    safe_filename,
)
from scoring.documents.findings_source import FindingSet, by_focus, load_findings
from scoring.documents.fonts import DocFonts, find_cjk_font, missing_font_message
from scoring.documents.rounds_text import rounds_sentences
from scoring.ranking import order_units, ranks

DEFAULT_ADDRESSEE = "各行政执法单位"
NUMBER_PLACEHOLDER = "〔　　〕　号"
ISSUER_PLACEHOLDER = "（发文机关）"
SECTION_TITLES = {"problem": "主要问题", "typical": "典型问题", "recommendation": "工作建议"}


FIELD_LABELS = {"number": "文号", "issuer": "发文机关", "date": "成文日期"}  # as the document names them


def default_title(campaign: Campaign) -> str:
    return f"关于{campaign.year}年度行政执法案卷评查情况的通报"


def overview_sentence(fig: CampaignFigures) -> str:
    """本次共抽查案卷N本，其中优秀a本、良好b本、合格c本、不合格d本，平均分x分，合格率y%。"""
    counts = "、".join(f"{band}{n}本" for band, n in fig.grade_counts.items())
    text = f"本次共抽查案卷{fig.files_reviewed}本，其中{counts}，平均分{num(fig.mean)}分，合格率{num(fig.pass_rate)}%"
    if fig.veto_count:
        text += f"；{fig.veto_count}本案卷存在否决项"
    return text + "。"


def _band_span(group: Any) -> str:
    if group.upper is None:
        return f"{bound(group.min)}分以上"
    if group.min == 0:
        return f"{bound(group.upper)}分以下"
    return f"{bound(group.min)}分至{bound(group.upper)}分"


def units_sentence(fig: CampaignFigures) -> str:
    """从单位平均分看，优秀（90分以上）的单位2个：甲、乙；良好（80分至90分）的单位1个：丙；…"""
    parts = []
    for g in fig.unit_groups:
        names = "、".join(u.unit for u in g.units)
        parts.append(f"{g.band}（{_band_span(g)}）的单位{len(g.units)}个" + (f"：{names}" if names else ""))
    return "从单位平均分看，" + "；".join(parts) + "。" if parts else ""


def sorted_units(units: Sequence[UnitFigures], tie_break: str = "none") -> list[UnitFigures]:
    """Best mean first; ties broken by the campaign's rule, then in the units' listing order."""
    return order_units(units, tie_break)


def unit_table_rows(units: Sequence[UnitFigures], bands: Sequence[str],
                    tie_break: str = "none") -> tuple[list[str], list[list[str]]]:
    """序号 is the rank (tied units share it when the rule leaves ties)."""
    headers = ["序号", "单位", "案卷数", "平均分", *bands, "合格率（%）", "单位等次"]
    ordered = sorted_units(units, tie_break)
    rows = [[str(rank), u.unit, str(u.files), num(u.mean), *[str(u.grade_counts.get(b, 0)) for b in bands],
             num(u.pass_rate), u.grade] for rank, u in zip(ranks(ordered, tie_break), ordered, strict=True)]
    return headers, rows


UNITS_PER_CHART = 40  # a chart of 40 units still prints legibly on one page (sized to fit)


def unit_chart_parts(n: int, per_chart: int = UNITS_PER_CHART) -> list[tuple[int, int]]:
    """Split n ranked units into charts of at most `per_chart` bars, as even as possible: 37 -> 19 + 18."""
    if n <= 0:
        return []
    charts = -(-n // per_chart)
    size, extra = divmod(n, charts)
    out, start = [], 0
    for i in range(charts):
        end = start + size + (1 if i < extra else 0)
        out.append((start, end))
        start = end
    return out


def notice_charts(fig: CampaignFigures, units: Sequence[UnitFigures], *,
                  font_search: Sequence[Path | str] | None = None) -> tuple[list[ChartImage], list[DocWarning]]:
    """The two chart images, or none and a warning when no CJK font (or no renderer) is available."""
    if not fig.files_reviewed:
        return [], []
    font = find_cjk_font(font_search)
    if font is None:
        return [], [DocWarning("no_cjk_font", missing_font_message(font_search))]
    bands = list(fig.grade_counts)
    ranked = sorted_units(units)
    parts = unit_chart_parts(len(ranked))
    try:
        images = [ChartImage("grades", "案卷等次分布", render_png(grade_chart(fig.grade_counts), font))]
        for first, last in parts:
            caption = "各单位案卷平均分" + (f"（第{first + 1}—{last}名）" if len(parts) > 1 else "")
            chunk = [(u.unit, u.mean, u.grade) for u in ranked[first:last]]
            images.append(ChartImage("units", caption, render_png(unit_chart(chunk, bands, fig.pass_line), font)))
    except ChartError as exc:
        return [], [DocWarning("chart_failed", f"the charts are left out: {exc}", {"error": str(exc)})]
    return images, []


def _finding_paragraphs(doc: Any, findings: Sequence[Any], fonts: DocFonts) -> None:
    for i, f in enumerate(findings, start=1):
        head = f"{i}.{f.title.strip()}"
        if head and head[-1] not in "。！？；：.!?;:":
            head += "。"
        kit.paragraph(doc, (f.body or "").strip(), fonts=fonts, lead=head, lead_font=fonts.body)


def _none(doc: Any, fonts: DocFonts, text: str = "（暂无）") -> None:
    kit.paragraph(doc, text, fonts=fonts)


def _rectification_table(doc: Any, rects: Sequence[Any], fonts: DocFonts) -> None:
    rows = [[str(i), r.unit_name or "各单位", r.requirement, r.owner or "", _deadline(r.deadline)]
            for i, r in enumerate(rects, start=1)]
    kit.table(doc, ["序号", "单位", "整改要求", "责任人", "整改期限"], rows, fonts,
              widths=[0, 3.2, None, 2.2, 3.0])


def _deadline(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return cn_date(value)
    return str(value)


APPENDIX_SIZE = 9.0  # 小五: the appendix is a reference table, set compact on turned pages
SECTION_LABELS = {"problem": "问题", "typical": "典型问题", "recommendation": "建议"}


def _trace_key(t: Any) -> tuple[int, str, str]:
    return (t.case_file_id, t.item_id, t.reason_id)


def appendix(doc: Any, findings: FindingSet, fonts: DocFonts, *, masked: bool, heading_text: str = "附件",
             title_text: str = "评查发现问题溯源表") -> None:
    """Every included finding with the files behind it, as one compact table: a shaded row names the
    finding (and its scoring item when all its files share it), the rows below it its files (case
    number and unit unless `masked`, the item otherwise, reviewer's comment, location, score). With
    case numbers and units the table is wide and goes on turned (landscape) pages. A recommendation
    whose files are exactly those of problems listed above refers to them instead of repeating them."""
    if masked:
        kit.page_break(doc)
    else:
        kit.landscape_section(doc)
    kit.paragraph(doc, heading_text, fonts=fonts, indent=False, east_asian=fonts.heading1)
    kit.title(doc, title_text, fonts)
    who = [] if masked else ["案号", "单位"]
    headers = ["序号", *who, "评查意见", "位置", "得分（等次）"]
    widths: list[float | None] = [0, *([] if masked else [4.2, 3.4]), None, 2.6, 0]
    numbering = {s: 0 for s in SECTION_LABELS}
    rows: list[list[str]] = []
    groups: dict[int, str] = {}
    problem_keys: list[tuple[str, set[tuple[int, str, str]]]] = []
    notes: list[str] = []
    for f in findings.all():
        numbering[f.section] += 1
        label = f"{SECTION_LABELS[f.section]}{numbering[f.section]}"
        traces = findings.traces.get(f.id, [])
        keys = {_trace_key(t) for t in traces}
        if f.section == "problem":
            problem_keys.append((label, keys))
        if f.section == "recommendation" and keys:
            covering = [lab for lab, k in problem_keys if k and k <= keys]
            if covering and set().union(*(k for lab, k in problem_keys if lab in covering)) == keys:
                notes.append(f"{label}　{f.title.strip()}：对应{'、'.join(covering)}所列案卷。")
                continue
        if not traces:
            notes.append(f"{label}　{f.title.strip()}：无对应案卷记录。")
            continue
        items = {(t.item_id, t.item_title) for t in traces}
        one_item = len(items) == 1
        item_note = "　评查项目：{} {}".format(*next(iter(items))) if one_item else ""
        groups[len(rows)] = f"{label}　{f.title.strip()}（{len(traces)}本）{item_note}"
        for i, t in enumerate(traces, start=1):
            comment = t.comment or t.reason or ""
            if not one_item:
                comment = f"{t.item_id} {t.item_title}：{comment}"
            rows.append([str(i), *([] if masked else [t.case_number, t.unit_name]), comment, t.location or "",
                         f"{num(t.score)}（{t.grade}）" if t.score is not None else ""])
    if rows:
        numeric = [True, *([False, False] if not masked else []), False, False, True]
        kit.table(doc, headers, rows, fonts, widths=widths, numeric=numeric, size=APPENDIX_SIZE,
                  total_cm=kit.TEXT_WIDTH_CM if masked else kit.LANDSCAPE_TEXT_WIDTH_CM, groups=groups)
    for note in notes:
        kit.paragraph(doc, note, fonts=fonts, indent=False, size=APPENDIX_SIZE + 1.5)
    if not rows and not notes:
        _none(doc, fonts)


def signature(doc: Any, fonts: DocFonts, *, closing: str, issuer: str | None, date: dt.date | None,
              attachment: str | None = None) -> None:
    """The closing paragraph, the attachment note, the issuing authority and the date, kept on one page
    (each is kept with the next, so the block moves to a new page whole)."""
    kit.paragraph(doc, closing, fonts=fonts, keep_next=True)
    if attachment:
        kit.paragraph(doc, "", fonts=fonts, indent=False, keep_next=True)
        kit.paragraph(doc, f"附件：{attachment}", fonts=fonts, keep_next=True)
    kit.paragraph(doc, "", fonts=fonts, indent=False, keep_next=True)
    kit.paragraph(doc, (issuer or "").strip() or ISSUER_PLACEHOLDER, fonts=fonts, indent=False,
                  align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)
    kit.paragraph(doc, cn_date(date), fonts=fonts, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)


def build_notice(session: Session, actor: User | None, campaign_ref: int | str, *, title: str | None = None,
                 number: str | None = None, issuer: str | None = None, addressee: str | None = None,
                 date: dt.date | None = None, fonts: DocFonts | None = None,
                 font_search: Sequence[Path | str] | None = None, anonymise_traces: bool = False) -> Document:
    """The notice as a .docx. `number` (文号, e.g. X司〔2025〕X号), `issuer` and `date` are the form
    fields the lead fills; left out they print as blank fields (and a warning says so).
    When the campaign anonymises, the appendix names neither cases nor units (the one rule of
    `scoring.anonymise`, as the typical problems do), for every reader; `anonymise_traces` asks for
    that on a campaign that does not anonymise."""
    campaign = documents_campaign(session, actor, campaign_ref, observers=True)
    fonts = fonts or DocFonts()
    warnings: list[DocWarning] = []
    units = unit_summary(session, actor, campaign.id, top_n=0)
    fig = campaign_figures(session, actor, campaign.id, units=units)
    masked = bool(campaign.anonymise) or anonymise_traces
    findings = load_findings(session, actor, campaign.id, unit_id=None, anonymise=masked)
    warnings.extend(findings.warnings)
    if fig.files_pending:
        warnings.append(DocWarning("files_pending", f"{fig.files_pending} sampled files have no final result yet; "
                                   "the figures cover the reviewed files only", {"n": fig.files_pending}))
    blank = [name for name, v in (("number", number), ("issuer", issuer), ("date", date)) if not v]
    if blank:
        warnings.append(DocWarning("blank_fields", "left blank for the lead to fill: " + ", ".join(blank),
                                   {"fields": "、".join(FIELD_LABELS[b] for b in blank)}))
    if findings.empty():
        warnings.append(DocWarning("no_findings", "no included findings: the problem, typical-problem and "
                                   "recommendation sections are empty"))
    title = (title or "").strip() or default_title(campaign)
    doc = kit.new_document(fonts, title=title, author=issuer or "")

    kit.paragraph(doc, (number or "").strip() or NUMBER_PLACEHOLDER, fonts=fonts, indent=False,
                  align=WD_ALIGN_PARAGRAPH.CENTER)
    kit.paragraph(doc, "", fonts=fonts, indent=False)
    kit.title(doc, title, fonts)
    kit.paragraph(doc, f"{(addressee or DEFAULT_ADDRESSEE).strip()}：", fonts=fonts, indent=False)
    window = f"{cn_date(campaign.window_start)}至{cn_date(campaign.window_end)}"
    kit.paragraph(doc, f"根据年度行政执法监督工作安排，{(issuer or '').strip() or '我单位'}组织开展了{campaign.year}"
                       f"年度行政执法案卷评查工作，采取随机抽取、交叉评查的方式，对{fig.units}个执法单位{window}"
                       f"作出决定的行政执法案卷进行了评查。现将评查情况通报如下：", fonts=fonts)

    h1 = 0

    def section(text: str) -> None:
        nonlocal h1
        h1 += 1
        kit.heading(doc, f"{kit.heading1_label(h1)}{text}", 1, fonts)

    section("评查基本情况")
    kit.heading(doc, f"{kit.heading2_label(1)}总体情况", 2, fonts)
    kit.paragraph(doc, overview_sentence(fig), fonts=fonts)
    for sentence in rounds_sentences(session, campaign.id):
        kit.paragraph(doc, sentence, fonts=fonts)
    if fig.files_reviewed:
        kit.paragraph(doc, units_sentence(fig), fonts=fonts)
    kit.heading(doc, f"{kit.heading2_label(2)}各单位评查结果", 2, fonts)
    bands = list(fig.grade_counts)
    headers, rows = unit_table_rows(units, bands, campaign.tie_break)
    kit.caption(doc, "表1　各单位案卷评查结果（按平均分排序）", fonts, keep_next=True)
    kit.table(doc, headers, rows, fonts, numeric=[True, False, True, True, *[True] * len(bands), True, False],
              widths=[0, None, 0, 0, *[0] * len(bands), 0, 0])
    images, chart_warnings = notice_charts(fig, units, font_search=font_search)
    warnings.extend(chart_warnings)
    if images:
        kit.heading(doc, f"{kit.heading2_label(3)}等次分布和单位对比", 2, fonts)
        for n, image in enumerate(images, start=1):
            kit.picture(doc, image.png, width_cm=11.0 if image.key == "grades" else 15.0)
            kit.caption(doc, f"图{n}　{image.caption}", fonts)

    section(SECTION_TITLES["problem"])
    groups = by_focus(findings.problem)
    for i, (focus, items) in enumerate(groups, start=1):
        kit.heading(doc, f"{kit.heading2_label(i)}{focus_label(focus) if focus else '其他方面'}方面", 2, fonts)
        _finding_paragraphs(doc, items, fonts)
    if not groups:
        _none(doc, fonts)
    section(SECTION_TITLES["typical"])
    _finding_paragraphs(doc, findings.typical, fonts) if findings.typical else _none(doc, fonts)
    section(SECTION_TITLES["recommendation"])
    (_finding_paragraphs(doc, findings.recommendation, fonts) if findings.recommendation
     else _none(doc, fonts))
    section("整改要求")
    kit.paragraph(doc, "各单位要对照本通报指出的问题和所附溯源表列明的案卷，逐项分析原因、制定措施、限期整改。"
                       + ("具体整改要求如下：" if findings.rectifications else ""), fonts=fonts)
    if findings.rectifications:
        _rectification_table(doc, findings.rectifications, fonts)
    else:
        _none(doc, fonts, "（整改要求待定）")
    signature(doc, fonts, closing=f"请各单位在整改期限届满后将整改情况书面报送{(issuer or '').strip() or '我单位'}。",
              attachment="评查发现问题溯源表", issuer=issuer, date=date)
    appendix(doc, findings, fonts, masked=masked)
    head = audit_chain.anchor(session.connection())
    if head is not None:  # the data this notice rests on, as the audit chain stood when it was made
        kit.paragraph(doc, f"数据校验锚点：{head[0]}:{head[1]}（据此可核验本通报所依据的评查数据此后未被改动）",
                      fonts=fonts, indent=False, size=APPENDIX_SIZE)
    return Document(safe_filename(f"{campaign.name}-评查情况通报.docx"), kit.to_bytes(doc), DOCX, warnings)
