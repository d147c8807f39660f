"""The file attributes pre-check rules may read, with their type and register column synonyms.

The core columns of the register (decision date, flags, amount, case type, procedure) are always there;
the process dates and the discretion tier are optional columns a register may carry. Rules are checked
against this catalogue so that a typo in a rule file is an error, not a rule that never fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AttrType = Literal["date", "number", "bool", "text"]


@dataclass(frozen=True)
class Attribute:
    key: str
    label: str
    type: AttrType
    synonyms: tuple[str, ...] = ()


ATTRIBUTES: dict[str, Attribute] = {a.key: a for a in (
    Attribute("case_type", "案件类型", "text"),
    Attribute("procedure", "程序", "text"),
    Attribute("major_decision", "重大执法决定", "bool"),
    Attribute("waiver", "不予处罚", "bool"),
    Attribute("hearing_held", "举行听证", "bool"),
    Attribute("coercive_measure", "采取强制措施", "bool"),
    Attribute("penalty_amount", "罚没金额", "number"),
    Attribute("decision_date", "决定日期", "date"),
    Attribute("filing_date", "立案日期", "date", ("立案时间", "立案日")),
    Attribute("investigation_end_date", "调查终结日期", "date", ("调查终结时间", "调查终结日")),
    Attribute("notice_date", "告知日期", "date", ("处罚告知日期", "事先告知日期", "告知时间")),
    Attribute("hearing_notice_date", "听证告知日期", "date", ("听证权利告知日期", "听证告知时间")),
    Attribute("legal_review_date", "法制审核日期", "date", ("法制审核时间", "审核日期")),
    Attribute("collective_discussion_date", "集体讨论日期", "date", ("集体讨论时间",)),
    Attribute("service_date", "送达日期", "date", ("送达时间", "决定书送达日期")),
    Attribute("discretion_tier", "裁量基准档次", "text", ("裁量档次", "裁量阶次")),
    Attribute("hearing_threshold", "听证标准金额", "number", ("听证标准", "较大数额标准")),
)}

# The optional process columns (not columns of the case_files table itself).
EXTRA_KEYS: tuple[str, ...] = (
    "filing_date", "investigation_end_date", "notice_date", "hearing_notice_date", "legal_review_date",
    "collective_discussion_date", "service_date", "discretion_tier", "hearing_threshold",
)
DISCRETION_TIERS: tuple[str, ...] = ("不予", "减轻", "从轻", "一般", "从重")
