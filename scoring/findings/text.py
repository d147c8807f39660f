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
_PER_LEAD = re.compile(r"^每缺(?:一|1)?[处份项个次件条]?")
_PER_ONLY = re.compile(r"^每[处份项个次件条]")


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


def problem_phrase(reason: str) -> str:
    """A deduction reason as a problem: "每处笔录未经…" -> "笔录未经…", "每缺一份应归档材料" -> "缺少应归档材料"."""
    text = tidy(reason).rstrip("。；;，,")
    if _PER_LEAD.match(text):
        return "缺少" + _PER_LEAD.sub("", text)
    return _PER_ONLY.sub("", text) or text


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
    """The main-problem sentence: campaign level (files, units and share of the reviewed files) or unit
    level (files of the unit's reviewed files)."""
    what = f"“{phrase}”问题" + ("（否决项）" if is_veto else "")
    if units is not None:
        tail = f"，占评查案卷的{percent(share)}" if share is not None else ""
        return f"{focus_label}方面：{files}本案卷（涉及{units}个单位）存在{what}{tail}。"
    if files == scope_files:
        return f"{focus_label}方面：评查的{scope_files}本案卷均存在{what}。"
    return f"{focus_label}方面：评查的{scope_files}本案卷中有{files}本存在{what}。"


def typical_body(reference: str, focus_label: str, phrase: str, comment: str, location: str) -> str:
    text = f"{reference}，{focus_label}方面存在“{phrase}”问题"
    comment = tidy(comment)
    loc = f"（{location}）" if location else ""
    if comment:
        return f"{text}。评查意见：{comment.rstrip('。.；;，,')}{loc}。"
    return f"{text}{loc}。"
