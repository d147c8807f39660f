"""The pre-check as an Excel workbook: per unit, per unit and rule, the flagged files, the rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from scoring.documents.excel import Book
from scoring.domain import ALL_FOCUS
from scoring.precheck.run import PrecheckResult


def _date(value: object) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def precheck_workbook(result: PrecheckResult, campaign_name: str) -> bytes:
    book = Book()
    s = book.sheet("按单位", ["单位", "检查案卷数", "被标记案卷数", "每百件被标记案卷", "标记总数", "每百件标记数"])
    for r in result.by_unit().itertuples(index=False):
        s.write([r.unit, r.files, r.flagged_files, r.flagged_per_100, r.flags, r.flags_per_100])
    s = book.sheet("按单位和规则", ["单位", "规则", "规则名称", "重点领域", "检查案卷数", "标记数", "每百件"])
    for r in result.by_unit_rule().itertuples(index=False):
        s.write([r.unit, r.rule, r.title, ALL_FOCUS.get(r.focus, r.focus), r.files, r.flagged, r.per_100])
    s = book.sheet("被标记案卷", ["案卷编号", "单位", "案件类型", "决定日期", "触发规则"])
    for r in result.flagged_files().itertuples(index=False):
        s.write([r.case_number, r.unit, r.case_type, _date(r.decision_date), r.rules])
    s = book.sheet("规则", ["规则", "规则名称", "重点领域", "依据", "提示评查项", "标记数", "每百件"])
    for r in result.by_rule().itertuples(index=False):
        s.write([r.rule, r.title, ALL_FOCUS.get(r.focus, r.focus), r.basis, r.hints, r.flagged, r.per_100])
    s = book.sheet("说明", [])
    s.write([f"{campaign_name}：机器预检覆盖评查期间内全部{result.n_files}件案卷。标记仅为提示，是否扣分由评查人员判断。"])
    return book.close()
