"""Cell parsers for registers made by hand on Chinese Windows.

Each parser takes a raw cell (str, number, datetime, bool or None), returns the clean value and raises
`ValueError` with a reason a person can act on. They are strict about meaning (no guessing between
day-first and month-first dates) and lenient about form (full-width digits, 元, thousands separators).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from scoring.domain import CASE_TYPES, PROCEDURES
from scoring.errors import InvalidValue
from scoring.messages import Join
from scoring.rubric.vocabulary import active_vocabulary

# Dates outside this window are typos (2204年, 1024-03-05), not decisions of closed case files.
MIN_DATE = dt.date(1950, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
# Excel serial day numbers are counted from these (1900 system, with its leap-year bug absorbed by
# starting on 1899-12-30; and the old Mac 1904 system).
EXCEL_EPOCH_1900 = dt.date(1899, 12, 30)
EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)

# Penalties beyond this are typos; the column stores hundredths in a BIGINT.
MAX_AMOUNT = Decimal("1000000000000")  # 1万亿元

def clean_text(value: Any) -> str:
    """NFKC-normalised text with outer whitespace (incl. U+3000) stripped and inner runs collapsed."""
    if value is None:
        return ""
    if type(value) is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 2024001.0 from Excel is the code 2024001
        elif isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() else value
        value = str(value)
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    return " ".join(value.split())


FORMULA_LEADS = ("=", "+", "-", "@")


def verbatim_text(value: Any) -> str:
    """Free text as written, whitespace runs collapsed, but no width folding: `＝1+1` stays `＝1+1`."""
    if type(value) is str:
        return " ".join(value.split())
    return clean_text(value)


def folded_into_formula(value: Any) -> bool:
    """True when width folding (NFKC) would turn a harmless first character into a formula sign."""
    if type(value) is not str:
        return False
    raw = value.strip()
    return bool(raw) and not raw.startswith(FORMULA_LEADS) and clean_text(raw).startswith(FORMULA_LEADS)


def compact_text(value: Any) -> str:
    """`clean_text` without any whitespace: for identifiers such as case numbers, unit names, codes."""
    return "".join(clean_text(value).split())


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------- dates

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*(?:日|号)?"
    r"(?:\s*(?:T|\s)\s*(?P<hh>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<ss>\d{1,2}))?(?:\.\d+)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_SERIAL_RE = re.compile(r"^\d{1,6}(?:\.\d+)?$")
DATE_HINT = "use 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 or an Excel date"


def _checked(y: int, m: int, d: int) -> dt.date:
    try:
        date = dt.date(y, m, d)
    except ValueError:
        raise InvalidValue("norm.no_such_date", date=f"{y}-{m:02d}-{d:02d}") from None
    return _in_range(date)


def _in_range(date: dt.date) -> dt.date:
    if not MIN_DATE <= date <= MAX_DATE:
        raise InvalidValue("norm.date_range", date=date.isoformat(), min=MIN_DATE.year, max=MAX_DATE.year)
    return date


def _from_serial(serial: float, epoch: dt.date) -> dt.date:
    if not serial >= 1:  # also catches NaN
        raise InvalidValue("norm.serial_range", serial=serial)
    try:
        date = epoch + dt.timedelta(days=int(serial))
    except OverflowError:
        raise InvalidValue("norm.serial_range", serial=serial) from None
    return _in_range(date)


def parse_date(value: Any, *, epoch: dt.date = EXCEL_EPOCH_1900) -> dt.date:
    """A calendar date from a date cell, an Excel serial number (number or numeric text) or text."""
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, bool):
        raise InvalidValue("norm.not_date")
    if isinstance(value, int | float):
        if float(value).is_integer() and 19000000 <= value <= 29991231:
            return _parse_compact(str(int(value)))  # 20240305 typed as a number
        return _from_serial(float(value), epoch)
    text = compact_text(value) if value is not None else ""
    if not text:
        raise InvalidValue("norm.missing_date")
    m = _DATE_RE.match(clean_text(value))
    if m:
        if m["hh"] is not None and (int(m["hh"]) > 23 or int(m["mi"]) > 59 or int(m["ss"] or 0) > 59):
            raise InvalidValue("norm.no_such_time", time=f"{m['hh']}:{m['mi']}{':' + m['ss'] if m['ss'] else ''}")
        return _checked(int(m["y"]), int(m["m"]), int(m["d"]))
    if _COMPACT_DATE_RE.match(text):
        return _parse_compact(text)
    if _SERIAL_RE.match(text):
        return _from_serial(float(text), epoch)
    raise InvalidValue("norm.not_date")


def _parse_compact(text: str) -> dt.date:
    m = _COMPACT_DATE_RE.match(text)
    assert m is not None
    return _checked(int(m["y"]), int(m["m"]), int(m["d"]))


# -------------------------------------------------------------------------------------------- amounts

_NONE_TOKENS = {"", "-", "--", "—", "——", "/", "无", "none", "null", "n/a", "na"}
_PREFIXES = ("人民币", "rmb", "cny", "¥", "$")  # NFKC turns ￥ into ¥
_SUFFIXES = ("元整", "元", "圆", "人民币", "rmb", "cny")
_MULTIPLIERS = {"万": Decimal(10_000), "千": Decimal(1_000), "亿": Decimal(100_000_000)}
_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
_CENT = Decimal("0.01")


def parse_amount(value: Any) -> Decimal | None:
    """A non-negative amount in yuan with at most two decimals; blank (or 无/-) means none."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidValue("norm.not_amount")
    if isinstance(value, int | float | Decimal):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise InvalidValue("norm.not_amount") from None
        return _checked_amount(amount)
    text = compact_text(value).lower()
    if text in _NONE_TOKENS:
        return None
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    multiplier = Decimal(1)
    if text and text[-1] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[text[-1]]
        text = text[:-1]
    if text.startswith("-"):
        raise InvalidValue("norm.negative_amount")
    if not _NUMBER_RE.match(text):
        if "," in text and re.fullmatch(r"[\d,]+(?:\.\d+)?", text):
            raise InvalidValue("norm.thousands")
        raise InvalidValue("norm.not_amount_hint", examples="5000, 5,000元, 1.5万元")
    return _checked_amount(Decimal(text.replace(",", "")) * multiplier)


def _checked_amount(amount: Decimal) -> Decimal:
    if not amount.is_finite():
        raise InvalidValue("norm.not_amount")
    if amount < 0:
        raise InvalidValue("norm.negative_amount")
    if amount >= MAX_AMOUNT:
        raise InvalidValue("norm.amount_large")
    cents = amount.quantize(_CENT)
    if cents != amount:
        raise InvalidValue("norm.amount_decimals")
    return cents


# ---------------------------------------------------------------------------------------------- flags

_TRUE = {"是", "y", "yes", "true", "t", "1", "√", "✓", "✔", "☑", "有", "需", "需要", "已", "是的"}
_FALSE = {"否", "n", "no", "false", "f", "0", "×", "✗", "✘", "☐", "无", "不", "不需要", "未", "没有"}
FLAG_HINT = "use 是/否, Y/N, √/×, 1/0, 有/无"


def parse_flag(value: Any) -> bool:
    """Yes/no cell; blank means no."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = compact_text(value).lower()
    if text.endswith(".0") and text[:-2] in ("0", "1"):
        text = text[:-2]
    if not text:
        return False
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidValue("norm.not_flag", hint=FLAG_HINT.removeprefix("use "))


# -------------------------------------------------------------------------------- case type, procedure

_BUILTIN_CASE_TYPE_ALIASES: dict[str, str] = {t: t for t in CASE_TYPES}
_BUILTIN_CASE_TYPE_ALIASES.update({t.removeprefix("行政"): t for t in CASE_TYPES})
_BUILTIN_CASE_TYPE_ALIASES.update(
    {
        "行政征收": "行政征收征用",
        "行政征用": "行政征收征用",
        "征收": "行政征收征用",
        "征用": "行政征收征用",
        "行政征收、征用": "行政征收征用",
        "行政征收/征用": "行政征收征用",
        "行政强制措施": "行政强制",
        "行政强制执行": "行政强制",
        "行政处罚案件": "行政处罚",
    }
)


@functools.cache
def _case_type_aliases(known: tuple[str, ...]) -> dict[str, str]:
    """The names a register may use for each case type of the vocabulary: the name, the name without 行政,
    and the built-in spellings (行政征收 / 行政征用, 行政强制措施 ...)."""
    aliases = {alias: ct for alias, ct in _BUILTIN_CASE_TYPE_ALIASES.items() if ct in known}
    for ct in known:
        aliases.setdefault(ct.removeprefix("行政") or ct, ct)
        aliases[ct] = ct
    return aliases


def parse_case_type(value: Any) -> str:
    """One of the vocabulary's case types (rubrics/vocabulary.yaml plus a bureau's own), also accepting the
    name without 行政 and 行政征收 / 行政征用."""
    text = compact_text(value)
    if not text:
        raise InvalidValue("norm.missing_case_type")
    known = active_vocabulary().case_types
    found = _case_type_aliases(known).get(text)
    if found is None:
        raise InvalidValue("norm.unknown_case_type", known=Join(tuple(known), "、", "/"))
    return found


_PROCEDURE_ALIASES = {
    "一般": "一般",
    "一般程序": "一般",
    "普通": "一般",
    "普通程序": "一般",
    "简易": "简易",
    "简易程序": "简易",
    "当场处罚": "简易",
}
assert set(_PROCEDURE_ALIASES.values()) == set(PROCEDURES)


def parse_procedure(value: Any) -> str | None:
    """One of the vocabulary's procedures: 一般 / 简易 (also 一般程序, 普通程序, 简易程序) and a bureau's own
    (with or without 程序); blank is None."""
    text = compact_text(value)
    if not text or text in _NONE_TOKENS:
        return None
    known = active_vocabulary().procedures
    found = _PROCEDURE_ALIASES.get(text)
    if found is None or found not in known:
        found = next((p for p in known if text in (p, p + "程序")), None)
    if found is None:
        raise InvalidValue("norm.unknown_procedure", known=Join(tuple(known), " 或 ", " or "))
    return found
