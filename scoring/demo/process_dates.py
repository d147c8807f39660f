"""Process dates and the discretion tier for the demo's 2024 register, so the machine pre-check
(scoring.precheck) has something real to find on first run.

Derived per case from its own random stream (seeded by the case number), so the register's other columns
and every demo score stay exactly as they were. 行政处罚 一般程序 files get 立案日期, 告知日期, 送达日期 and
裁量基准档次 (plus 法制审核日期 for major decisions and 听证告知日期 where the fine reaches the hearing
amount); a few per cent break a rule: a decision more than 90 days after filing, notice on the decision day,
service after more than 7 days, legal review after the decision, a waiver with a tier other than 不予.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Protocol

PROCESS_COLUMNS = ("立案日期", "告知日期", "听证告知日期", "法制审核日期", "送达日期", "裁量基准档次")
HEARING_NOTICE_AMOUNT = 10_000  # the demo's hearing threshold (较大数额): fines from here are told of 听证


class _Case(Protocol):  # read-only: the demo's cases are frozen dataclasses
    @property
    def case_number(self) -> str: ...
    @property
    def case_type(self) -> str: ...
    @property
    def procedure(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def major(self) -> bool: ...
    @property
    def waiver(self) -> bool: ...
    @property
    def amount(self) -> int | None: ...


def _days(d: dt.date, n: int) -> str:
    return (d + dt.timedelta(days=n)).isoformat()


def process_row(case: _Case, seed: int) -> list[str]:
    """The PROCESS_COLUMNS values of one case ('' where the register leaves them empty)."""
    if case.case_type != "行政处罚" or case.procedure != "一般":
        return [""] * len(PROCESS_COLUMNS)
    rng = random.Random(int.from_bytes(hashlib.sha256(f"{seed}:{case.case_number}".encode()).digest()[:8], "big"))
    d = case.date
    filing = -rng.randint(95, 130) if rng.random() < 0.03 else -rng.randint(25, 85)
    notice = 0 if rng.random() < 0.02 else -rng.randint(3, 12)
    hearing_notice = ""
    if case.amount is not None and case.amount >= HEARING_NOTICE_AMOUNT and rng.random() > 0.05:
        hearing_notice = _days(d, notice)
    review = ""
    if case.major:
        review = _days(d, rng.randint(1, 4)) if rng.random() < 0.15 else _days(d, -rng.randint(2, 8))
    service = rng.randint(9, 20) if rng.random() < 0.03 else rng.randint(0, 6)
    if case.waiver:
        tier = "从轻" if rng.random() < 0.08 else "不予"
    else:
        tier = "" if rng.random() < 0.02 else rng.choice(("减轻", "从轻", "一般", "一般", "一般", "从重"))
    return [_days(d, filing), _days(d, notice), hearing_notice, review, _days(d, service), tier]
