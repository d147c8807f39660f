"""A standard as a Word document (评查标准), for distribution to the units before the review so they can
self-check (自查) against the same text: settings, the veto items, then each section as a table of its
items with their maxima, deduction rules, conditions and guidance."""

from __future__ import annotations

from decimal import Decimal

from scoring.documents import docx_kit as kit
from scoring.documents.fonts import DocFonts
from scoring.rubric.model import CItem, Standard
from scoring.rubric.schema import Deduction
from scoring.rubric.vocabulary import active_vocabulary


def num(d: Decimal | None) -> str:
    if d is None:
        return ""
    return f"{d.normalize():f}"


def rule_text(d: Deduction, verb: str = "扣") -> str:
    """"未制作听证笔录（扣2分）", "每缺一处签名（每处扣1分，最多扣3分）", "视情节（扣2-5分）"."""
    if d.points is not None:
        how = f"{verb}{num(d.points)}分"
    elif d.per_occurrence is not None:
        how = f"每处{verb}{num(d.per_occurrence)}分"
    else:
        assert d.range is not None
        span = f"{num(d.range.min)}-{num(d.range.max)}分"
        how = f"每处{verb}{span}" if d.range.per == "occurrence" else f"{verb}{span}"
    if d.cap is not None:
        how += f"，最多{verb}{num(d.cap)}分"
    return f"{d.reason}（{how}）"


def item_rules(item: CItem) -> str:
    verb = "加" if item.bonus else "扣"
    lines = [f"{i}. {rule_text(d, verb)}" for i, d in enumerate(item.deductions, start=1)]
    if item.allow_other is not None:
        lines.append(f"{len(lines) + 1}. 其他问题酌情扣分（最多扣{num(item.allow_other)}分，须写明理由）")
    lines.append("扣完为止，不计负分。" if not item.bonus else f"本项最多加{num(item.max)}分，总分不超过100分。")
    return "\n".join(lines)


def standard_docx(standard: Standard, fonts: DocFonts | None = None) -> bytes:
    fonts = fonts or DocFonts()
    focus = active_vocabulary().all_focus
    doc = kit.new_document(fonts, title=standard.title)
    kit.title(doc, standard.title, fonts)
    scope = "、".join(standard.applies_to.case_types) + (
        "（" + "、".join(p + "程序" for p in standard.applies_to.procedures) + "）"
        if standard.applies_to.procedures else "")
    bands = "；".join(f"{b.name}{num(b.min)}分以上" if b.min else f"{b.name}{num(standard.grade_bands[i - 1].min)}分以下"
                     for i, b in enumerate(standard.grade_bands))
    kit.paragraph(doc, f"适用范围：{scope}。总分{num(standard.total)}分，合格线{num(standard.pass_line)}分。"
                       f"等次：{bands}。", fonts=fonts)
    if standard.version_label:
        kit.paragraph(doc, f"版本：{standard.version_label}（版本号 {standard.hash[:12]}）。", fonts=fonts)
    if standard.description:
        kit.paragraph(doc, standard.description, fonts=fonts)
    h = 0
    if standard.vetoes:
        h += 1
        kit.heading(doc, f"{kit.heading1_label(h)}否决项", 1, fonts)
        effects = {"zero": "总分为0", "fail": "评为最低等次"}
        rows = [[v.id, v.title, effects.get(v.effect.kind) or f"最高评为{v.effect.band}",
                 "；".join(c.describe() for c in v.conditions) or "全部案卷"] for v in standard.vetoes]
        kit.table(doc, ["编号", "否决项", "效果", "适用"], rows, fonts, widths=kit.spread([1.8, None, 3.0, 3.4]))
    for section in standard.sections:
        h += 1
        cond = "；".join(c.describe() for c in section.conditions)
        kit.heading(doc, f"{kit.heading1_label(h)}{section.title}（{num(section.max)}分）", 1, fonts)
        if cond:
            kit.paragraph(doc, f"仅适用于：{cond}。", fonts=fonts)
        rows = [[item.id, f"{item.title}\n（{focus.get(item.focus, item.focus)}）", num(item.max), item_rules(item),
                 "；".join(c.describe() for c in item.conditions) + ("（可标记不适用）" if item.allow_na else ""),
                 item.guidance or ""] for item in section.items]
        kit.table(doc, ["编号", "评查项目", "分值", "扣分标准", "适用条件", "评查指引"], rows, fonts,
                  widths=kit.spread([1.6, 3.2, 1.3, None, 2.4, 3.2]), numeric=[False, False, True, False, False, False])
    if standard.bonus:
        h += 1
        kit.heading(doc, f"{kit.heading1_label(h)}加分项", 1, fonts)
        rows = [[b.id, b.title, num(b.max), item_rules(b), b.guidance or ""] for b in standard.bonus]
        kit.table(doc, ["编号", "加分项目", "最多加分", "加分标准", "评查指引"], rows, fonts,
                  widths=kit.spread([1.6, 3.2, 1.6, None, 3.2]), numeric=[False, False, True, False, False])
    return kit.to_bytes(doc)
