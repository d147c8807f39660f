"""One sanitiser for every text written into a Word or Excel file.

Word (XML 1.0) and Excel refuse control characters: python-docx raises on them, openpyxl raises
`IllegalCharacterError`, and Excel reports a damaged file when XlsxWriter writes them. They come in
with imported registers and pasted comments, so they are removed here, never passed on. Tab, line
feed and carriage return are kept (both formats take them).

Text that starts like a formula (=, +, - or @) is written as text by the Excel writers (see
`scoring.documents.excel`); `looks_like_formula` is the shared test.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except \t \n \r; the two XML non-characters; lone surrogates (not encodable as UTF-8).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
FORMULA_PREFIXES = ("=", "+", "-", "@")
EXCEL_MAX_CELL = 32_767  # characters in one Excel cell


def clean_text(value: Any) -> str:
    """`value` as a string without the characters Word and Excel reject (None -> "")."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _ILLEGAL.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet take this text for a formula (=SUM(...), +1, -2, @cmd)?"""
    return text.startswith(FORMULA_PREFIXES)


def cell_text(value: Any) -> str:
    """Clean text for an Excel cell, cut to Excel's cell limit (the cut is marked with an ellipsis)."""
    text = clean_text(value)
    if len(text) > EXCEL_MAX_CELL:
        text = text[: EXCEL_MAX_CELL - 1] + "…"
    return text


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique worksheet name: no []:*?/\\, not starting or ending with ', at most 31 characters."""
    base = _SHEET_BAD.sub("_", clean_text(name)).strip("'").strip() or "Sheet"
    base = base[:31]
    taken = taken if taken is not None else set()
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate
