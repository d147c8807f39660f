"""Cell parsers: every form a register really uses parses to the right value; bad cells say why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.register.normalize import (
    clean_text,
    compact_text,
    parse_amount,
    parse_case_type,
    parse_date,
    parse_flag,
    parse_procedure,
)
from scoring.register.table import normalise_header

FULL_WIDTH = str.maketrans("0123456789,./-¥", "０１２３４５６７８９，．／－￥")


@pytest.mark.parametrize(
    "value",
    [
        "2024年3月5日", "2024年03月05日", "2024 年 3 月 5 日", "2024/3/5", "2024-03-05", "2024.3.5", "20240305",
        "２０２４年３月５日", "2024-03-05 00:00:00", "2024/3/5 14:30", "2024-03-05T08:00:00",
        45356, 45356.0, 45356.75, "45356", "45356.0", 20240305,
        dt.datetime(2024, 3, 5, 10, 30), dt.date(2024, 3, 5), "\u30002024-03-05\u3000",
    ],
)
def test_dates_in_every_supported_form(value):
    assert parse_date(value) == dt.date(2024, 3, 5)


def test_excel_1904_serials():
    from scoring.register.normalize import EXCEL_EPOCH_1904

    assert parse_date(43894, epoch=EXCEL_EPOCH_1904) == dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2024-02-30", "no such date 2024-02-30"),
        ("2024-13-01", "no such date"),
        ("3/5/2024", "not a date"),
        ("24/3/5", "not a date"),
        ("下周一", "not a date"),
        ("2204年3月5日", "outside 1950-2100"),
        (5, "outside 1950-2100"),  # serial 5 is January 1900
        (-3, "out of range"),
        (True, "not a date"),
        ("", "missing date"),
    ],
)
def test_bad_dates_say_why(value, why):
    with pytest.raises(ValueError, match=why):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5,000元", "5000"), ("５，０００元", "5000"), ("1.5万元", "15000"), ("1.5万", "15000"), ("¥3000", "3000"),
        ("￥3,000.50", "3000.50"), ("人民币3000元", "3000"), ("3千元", "3000"), ("0", "0"), ("200 元", "200"),
        (5000, "5000"), (5000.5, "5000.50"), (Decimal("12.30"), "12.30"), ("1,234,567.89", "1234567.89"),
        ("0.5", "0.50"), ("2亿元", "200000000"), ("3000元整", "3000"),
    ],
)
def test_amounts(value, expected):
    assert parse_amount(value) == Decimal(expected)


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000", "-", "/", "无", "——"])
def test_blank_amount_is_none(value):
    assert parse_amount(value) is None


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("五千元", "not an amount"), ("50,00", "thousands separator"), ("-300", "negative"),
        ("12.345", "more than two decimal places"), ("1.2345678万", "more than two decimal places"),
        ("1e20", "not an amount"), (1e20, "implausibly large"), (True, "not an amount"), ("3000美元", "not an amount"),
    ],
)
def test_bad_amounts_say_why(value, why):
    with pytest.raises(ValueError, match=why):
        parse_amount(value)


@pytest.mark.parametrize("value", ["是", "Y", "y", "yes", "√", "1", 1, 1.0, True, "有", "TRUE", "true", "１", " 是 "])
def test_true_flags(value):
    assert parse_flag(value) is True


@pytest.mark.parametrize("value", ["否", "N", "no", "×", "0", 0, 0.0, False, "无", "false", None, "", "\u3000"])
def test_false_flags(value):
    assert parse_flag(value) is False


@pytest.mark.parametrize("value", ["也许", "2", 2, "待定"])
def test_bad_flags(value):
    with pytest.raises(ValueError, match="not a yes/no value"):
        parse_flag(value)


def test_procedures():
    assert [parse_procedure(v) for v in ("一般", "一般程序", "普通程序", "简易", "简易程序", "", None, " 简易程序 ")] == [
        "一般", "一般", "一般", "简易", "简易", None, None, "简易",
    ]
    with pytest.raises(ValueError, match="expected 一般 or 简易"):
        parse_procedure("快速程序")


def test_case_types():
    assert parse_case_type("行政处罚") == "行政处罚"
    assert parse_case_type(" 处罚 ") == "行政处罚"
    assert parse_case_type("行政征收") == "行政征收征用"
    assert parse_case_type("行政强制措施") == "行政强制"
    with pytest.raises(ValueError, match="unknown case type"):
        parse_case_type("行政奖励")


def test_text_is_nfkc_and_trimmed():
    assert clean_text("\u3000ＡＢＣ　１２３ ") == "ABC 123"
    assert compact_text("城 桥\u3000镇") == "城桥镇"
    assert clean_text(2024001.0) == "2024001"


@pytest.mark.parametrize(
    ("header", "normal"),
    [("罚款金额（元）", "罚款金额"), ("金额(元)", "金额"), (" 案 号 ", "案号"), ("是否听证", "听证"), ("*案号", "案号"),
     ("决定日期【必填】", "决定日期"), ("案号：", "案号"), ("ＡＢ", "ab")],
)
def test_header_normalisation(header, normal):
    assert normalise_header(header) == normal


# ------------------------------------------------------------------------------------- properties

def _full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))


@given(DATES, st.booleans())
def test_any_date_in_any_supported_form_parses_back(date, full_width):
    y, m, d = date.year, date.month, date.day
    serial = (date - dt.date(1899, 12, 30)).days
    texts = [
        f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日", f"{y}/{m}/{d}", date.isoformat(), f"{y}.{m}.{d}",
        f"{y}{m:02d}{d:02d}", str(serial), f"{date.isoformat()} 00:00:00",
    ]
    for text in texts:
        assert parse_date(_full_width(text) if full_width else text) == date, text
    for value in (serial, float(serial), dt.datetime.combine(date, dt.time(9, 15)), date):
        assert parse_date(value) == date, value


AMOUNTS = st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2, allow_nan=False)


def _grouped(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@given(AMOUNTS, st.sampled_from(["", "元", "元整"]), st.sampled_from(["", "¥", "￥", "人民币"]), st.booleans(),
       st.booleans())
def test_any_amount_formatted_any_way_parses_back(amount, suffix, prefix, grouped, full_width):
    number = _grouped(amount) if grouped else f"{amount:.2f}"
    text = f"{prefix}{number}{suffix}"
    assert parse_amount(_full_width(text) if full_width else text) == amount, text


@given(AMOUNTS)
def test_any_amount_in_wan_parses_back(amount):
    wan = (amount / 10000).normalize()
    assert parse_amount(f"{wan:f}万元") == amount
    assert parse_amount(float(amount) if amount < 10**9 else amount) == amount
