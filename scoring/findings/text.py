"""The wording of drafted findings (Chinese, official style) and the anonymisation rule.

Anonymisation (when `Campaign.anonymise` is true) follows the one rule of `scoring.anonymise`.

People's names never come from the data into the text (reviewers' comments are quoted as written).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from scoring.anonymise import SOME_CASE, SOME_UNIT, mask_case_number

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_UNITS = "名处份项个次件条种本"
_PER_MISSING = re.compile(rf"每(缺|遗漏|漏)少?[一1]?[{_UNITS}]?")
_PER_EACH = re.compile(rf"每[一1]?[{_UNITS}]")
_POINTS = re.compile(r"[，,；;]?\s*(?:视情节|每[处项次份]?)?[扣加]\s*\d+(?:\.\d+)?(?:\s*[-–~至]\s*\d+(?:\.\d+)?)?\s*分.*$"
                     r"|[，,；;]?\s*扣完为止.*$")
_SUBJECTLESS = re.compile(r"^(?:未|无|缺少|不)")


def case_reference(case_number: str, unit_name: str, *, campaign_level: bool, anonymise: bool) -> str:
    """How a typical example names its file: "区城管执法局办理的东城管罚〔2024〕37号案件"."""
    if not anonymise:
        return f"{unit_name}办理的{case_number}案件"
    if campaign_level:
        return f"{SOME_UNIT}办理的{SOME_CASE}"
    return f"{unit_name}办理的{mask_case_number(case_number)}案件"


def tidy(text: str | None) -> str:
    """Standard texts as one clean paragraph: YAML folding leaves spaces between Chinese characters."""
    if not text:
        return ""
    return _SPACE_NEAR_CJK.sub("", " ".join(text.split())).strip()


def problem_phrase(reason: str, item_title: str | None = None, finding: str | None = None) -> str:
    """A deduction reason stated as a notice states a problem, never quoting the rule's wording.

    The standard's own `finding` phrase wins when it has one. Otherwise the reason loses the rule's
    quantifiers and point sizes: "每处笔录未经…" -> "笔录未经…", "每缺一份应归档材料" -> "缺少应归档材料",
    "审核意见每遗漏一个审核方面（…）" -> "审核意见遗漏审核方面（…）", "每一项违法事实要素…未查明" ->
    "违法事实要素…未查明"; a short reason with no subject ("未复查") is put after the item's title."""
    if finding and finding.strip():
        return tidy(finding).rstrip("。；;，,")
    text = _POINTS.sub("", tidy(reason)).rstrip("。；;，,")
    text = _PER_MISSING.sub(lambda m: "缺少" if m.group(1) == "缺" else "遗漏", text)
    text = _PER_EACH.sub("", text).strip() or tidy(reason)
    title = tidy(item_title).rstrip("。；;，,") if item_title else ""
    if title and len(text) <= 6 and _SUBJECTLESS.match(text) and title not in text:
        return f"{title}方面{text}"
    return text


def sentence(text: str) -> str:
    """End with a full stop (Chinese), once."""
    text = text.rstrip()
    return text if not text or text[-1] in "。！？；.!?" else text + "。"


def percent(value: Decimal | None) -> str:
    """A rate with two decimals, as every document writes it: 12.5 -> "12.50%", 20 -> "20.00%"."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}%"


def problem_body(focus_label: str, phrase: str, *, files: int, units: int | None, scope_files: int,
                 is_veto: bool, share: Decimal | None = None) -> str:
    """The main-problem sentence, as a notice writes it under the problem's title: how many files
    (and units) have it, and their share (campaign level) or of the unit's reviewed files. The title
    states the problem, so the body does not repeat or quote it."""
    veto = "，属否决项" if is_veto else ""
    if units is not None:
        tail = f"，占评查案卷的{percent(share)}" if share is not None else ""
        return f"{files}本案卷（涉及{units}个单位）存在此类问题{veto}{tail}。"
    if files == scope_files:
        return f"评查的{scope_files}本案卷均存在此类问题{veto}。"
    return f"评查的{scope_files}本案卷中有{files}本存在此类问题{veto}。"


def typical_body(reference: str, focus_label: str, phrase: str, comment: str, location: str) -> str:
    """A typical example: the case (anonymised as the campaign says), the problem, where, and the
    reviewer's comment: "某单位办理的一起案件，笔录未经当事人核对签名（第4页）。评查意见：…。"."""
    loc = f"（{location}）" if location else ""
    text = f"{reference}，{phrase}{loc}。"
    comment = tidy(comment).rstrip("。.；;，,")
    return f"{text}评查意见：{comment}。" if comment else text
