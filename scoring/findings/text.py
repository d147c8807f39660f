"""The wording of drafted findings (Chinese, official style) and the anonymisation rule.

Anonymisation (when `Campaign.anonymise` is true), applied to drafted text and to traces shown to
anyone but a panel lead:

- In a **unit's** findings the unit is named (it is that unit's own section) and the case number keeps
  its issuing-agency prefix and year but loses its serial number: "东城管罚〔2024〕37号" becomes
  "东城管罚〔2024〕****号". A number without a bracketed year has every run of digits masked.
- In **campaign-level** findings neither is shown: the unit becomes "某单位" and the case is "一起案件"
  ("某单位办理的一起案件"), because an agency prefix alone would name the unit.

People's names never come from the data into the text (reviewers' comments are quoted as written).
"""

from __future__ import annotations

import re
from decimal import Decimal

MASK = "****"
SOME_UNIT = "某单位"
SOME_CASE = "一起案件"
SOME_CASE_SHORT = "某案"

_YEAR_FORM = re.compile(r"^(?P<prefix>.*?[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】])(?P<serial>.*?)(?P<suffix>号?)$")
_DIGITS = re.compile(r"\d+")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_PER_LEAD = re.compile(r"^每缺(?:一|1)?[处份项个次件条]?")
_PER_ONLY = re.compile(r"^每[处份项个次件条]")


def mask_case_number(case_number: str) -> str:
    """"东城管罚〔2024〕37号" -> "东城管罚〔2024〕****号" (agency and year kept, serial masked)."""
    number = case_number.strip()
    m = _YEAR_FORM.match(number)
    if m and m.group("serial").strip():
        return f"{m.group('prefix')}{MASK}{m.group('suffix')}"
    masked = _DIGITS.sub(MASK, number)
    return masked if masked != number else MASK


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
    """12.50 -> "12.5%", 20.00 -> "20%"."""
    if value is None:
        return ""
    return f"{value.normalize():f}%" if value != value.to_integral() else f"{int(value)}%"


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
