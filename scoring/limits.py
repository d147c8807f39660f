"""Resource limits for every file the tool reads, so no input can exhaust memory or time.

Each limit is a setting (like those in `scoring.settings`): an environment variable overrides the
default, in MB; a bad value is a clear error. The defaults keep a register of a million rows
importable while refusing what no real register needs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from scoring.errors import Problem, ProblemReport, ValidationFailed
from scoring.messages import Msg

MB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    env: str
    default_mb: float
    what: str

    @property
    def what_code(self) -> str:
        """The message code naming what the limit is for ("limit.what.assignment_csv")."""
        return "limit.what." + re.sub(r"[^a-z]+", "_", self.what.lower()).strip("_")

    @property
    def bytes(self) -> int:
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return int(self.default_mb * MB)
        try:
            mb = float(raw)
        except ValueError:
            raise ValidationFailed(code="limit.not_mb", env=self.env, raw=raw) from None
        if not mb > 0:
            raise ValidationFailed(code="limit.not_positive", env=self.env, raw=raw)
        return int(mb * MB)


REGISTER_FILE = Limit("CASEREVIEW_MAX_REGISTER_MB", 150, "register")
UNIT_LIST_FILE = Limit("CASEREVIEW_MAX_UNITS_MB", 5, "unit list")
ASSIGNMENT_FILE = Limit("CASEREVIEW_MAX_ASSIGNMENTS_MB", 5, "assignment CSV")
RUBRIC_FILE = Limit("CASEREVIEW_MAX_RUBRIC_MB", 32, "rubric file")  # a 20 MB standard checks in seconds
MARKS_FILE = Limit("CASEREVIEW_MAX_MARKS_MB", 200, "marks file")  # ~700k deductions fit

# XLSX: what a workbook may inflate to and hold. The sheet XML is streamed, but shared strings are
# loaded whole by openpyxl, so they get their own, smaller cap.
XLSX_MAX_INFLATED = Limit("CASEREVIEW_MAX_XLSX_INFLATED_MB", 600, "workbook (inflated)")
XLSX_MAX_SHARED_STRINGS = Limit("CASEREVIEW_MAX_XLSX_STRINGS_MB", 100, "workbook shared strings")
XLSX_MAX_RATIO = 200  # inflated / compressed: real sheets compress 5-30x, zip bombs 1000x
XLSX_RATIO_FLOOR = 20 * MB  # ...but small parts may compress any way they like
MAX_ROWS = 1_100_000  # Excel itself stops at 1,048,576
MAX_COLUMNS = 256  # a register has ~15 columns; a cell at XFD1048576 is an attack, not a register
MAX_CELL_CHARS = 32_767  # Excel's own limit per cell


def check_size(size: int, limit: Limit, source: str) -> None:
    """Refuse a file larger than its limit before reading any of it."""
    cap = limit.bytes
    if size > cap:
        raise ProblemReport(
            [Problem(code="limit.too_large", params={
                "mb": f"{size / MB:.3g}", "cap": f"{cap / MB:.3g}", "env": limit.env,
                "what": Msg(limit.what_code)},
                file=source)],
            title_code="limit.too_large_title", title_params={"source": source},
        )
