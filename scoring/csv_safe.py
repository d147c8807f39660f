"""The one way this tool writes CSV: every field that a spreadsheet would run as a formula is defused.

OWASP's rule for CSV injection: a field starting with `=`, `+`, `-`, `@`, a tab or a carriage return
gets a leading `'`, so Excel and WPS show it as text instead of evaluating it. Plain numbers (`-2.5`,
`+3`, `-12%`) are left alone: spreadsheets read them as numbers, never as formulas. Every CSV the CLI
and the pages produce goes through `write_csv` / `frame_csv` (a test checks no other writer exists).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def safe_cell(value: Any) -> Any:
    """The value, with a `'` in front when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def is_dangerous(field: str) -> bool:
    """True for a CSV field a spreadsheet would evaluate (what `safe_cell` prevents)."""
    return field.startswith(FORMULA_LEADS) and not _NUMBER.fullmatch(field)


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[Any] | None = None, *, lineterminator: str = "\r\n",
              bom: bool = False) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=lineterminator)
    if header is not None:
        writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" if bom else "") + out.getvalue()


def write_dict_csv(rows: list[dict[str, Any]], *, lineterminator: str = "\n") -> str:
    if not rows:
        return ""
    fields = list(dict.fromkeys(k for r in rows for k in r))
    return write_csv(([r.get(f, "") for f in fields] for r in rows), fields, lineterminator=lineterminator)


def frame_csv(frame: Any) -> bytes:
    """A pandas frame as CSV with a BOM (so Excel on Chinese Windows picks the encoding), defused."""
    header = [str(c) for c in frame.columns]
    rows = ([("" if _isna(v) else v) for v in row] for row in frame.itertuples(index=False, name=None))
    return write_csv(rows, header, lineterminator="\n", bom=True).encode("utf-8")


def _isna(value: Any) -> bool:
    """pandas' missing values (None, NaN, NaT, NA) as empty fields."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NaTType", "NAType")
