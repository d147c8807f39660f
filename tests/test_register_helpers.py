"""Builders for register files as they arrive (shared by the test_register_* modules; no tests here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from scoring.db.models import AuditEntry, CaseFile, ImportBatch
from scoring.db.session import transaction
from scoring.register import add_unit
from tests.factories import session_lead_id

UNITS = [("区城管执法局", "department", "CG01"), ("区市场监管局", "department", None), ("城桥镇", "town", None)]

HEADER = ["序号", "执法单位", "案号", "案件类型", "程序", "决定日期", "罚款金额（元）", "是否重大执法决定",
          "是否听证", "案由"]


def add_units(engine: Engine) -> None:
    with transaction(engine) as session:
        for name, kind, code in UNITS:
            add_unit(session, name, kind, code, actor_id=session_lead_id(session))


def csv_text(rows: list[list[Any]], header: list[str] | None = None, title: str | None = None) -> str:
    lines = []
    if title is not None:
        lines.append(title + "," * (len(header or HEADER) - 1))
    lines.append(",".join(header or HEADER))
    for row in rows:
        lines.append(",".join(_csv_cell(c) for c in row))
    return "\r\n".join(lines) + "\r\n"


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if any(ch in text for ch in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def good_rows(n: int = 3, prefix: str = "城管罚〔2024〕") -> list[list[Any]]:
    units = ["区城管执法局", "区市场监管局", "城桥镇"]
    return [
        [i + 1, units[i % 3], f"{prefix}{i + 1}号", "行政处罚", "一般", f"2024-03-{(i % 28) + 1:02d}", "5000",
         "否", "否", f"案由{i + 1}"]
        for i in range(n)
    ]


def write_messy_xlsx(path: Path) -> None:
    """A hand-made workbook: merged title, header on row 2, vertically merged unit cells, Excel serial
    dates, date-formatted cells, full-width digits, amounts with 元, 万 and thousands separators."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "登记表"
    ws["A1"] = "某区2024年度行政执法案卷登记表"
    ws.merge_cells("A1:J1")
    for col, name in enumerate(HEADER, start=1):
        ws.cell(row=2, column=col, value=name)
    data = [
        # 序号, unit, case number, type, procedure, date, amount, major, hearing, description
        [1, "区城管执法局", "城管罚〔２０２４〕１号", "行政处罚", "一般程序", 45356, "5,000元", "是", "否", "占道经营"],
        [2, None, "城管罚〔2024〕2号", "行政处罚", "简易程序", dt.datetime(2024, 3, 6), "1.5万元", "×", "√", "乱设摊"],
        [3, None, "城管检〔2024〕3号", "行政检查", None, "45358", None, None, None, "日常检查"],
        [4, "城 桥 镇", "镇罚〔2024〕4号", "处罚", "普通程序", "2024年3月9日", "５，０００元", "N", "Y", "　乱倒垃圾　"],
    ]
    for r, row in enumerate(data, start=3):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy/m/d"
    ws.merge_cells("B3:B5")  # the unit written once for three rows
    ws.cell(row=8, column=1, value="合计")
    ws.cell(row=8, column=7, value=21000)
    wb.save(path)


def counts(engine: Engine) -> tuple[int, int, int]:
    """(case files, import batches, register audit entries): all zero after a refused import."""
    with engine.connect() as conn:
        return (
            conn.scalar(sa.select(sa.func.count()).select_from(CaseFile)),
            conn.scalar(sa.select(sa.func.count()).select_from(ImportBatch)),
            conn.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "import_register")),
        )


def where(report) -> set[tuple[int | None, str | None]]:  # noqa: ANN001
    return {(p.row, p.column) for p in report.problems}


def find(report, row: int | None, column: str | None, text: str):  # noqa: ANN001
    """The problem at (row, column) whose message contains `text` (fails the test if none)."""
    hits = [p for p in report.problems if p.row == row and p.column == column and text in p.message]
    assert hits, f"no problem at row {row}, column {column} containing {text!r}; got:\n" + "\n".join(
        str(p) for p in report.problems
    )
    return hits[0]
