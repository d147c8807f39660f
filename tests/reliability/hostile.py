"""A generated corpus of hostile register files: every kind of input the importer must refuse or read
faithfully. Shared by the reliability tests (small corpus) and `benchmarks/reliability.py` (2,000+).

Each `Hostile` says whether the import must be refused, and, if it may import, exactly which
(case number, description) pairs must be stored, so silent alteration is detectable.
"""

from __future__ import annotations

import functools
import io
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

HEADER = ["序号", "执法单位", "案号", "案件类型", "程序", "决定日期", "罚款金额（元）", "是否重大执法决定", "是否听证", "案由"]
UNITS = ["区城管执法局", "区市场监管局", "城桥镇"]

KINDS = (
    "unbalanced_quote", "mixed_encoding", "undecodable", "nul_byte", "control_char", "fullwidth_formula",
    "formula_no_value", "impossible_time", "impossible_date", "xlsx_bomb", "far_cell", "too_many_rows",
    "huge_cell", "oversize_file", "clean_csv", "clean_xlsx", "formula_text",
)


@dataclass
class Hostile:
    name: str
    data: bytes
    kind: str
    refuse: bool
    expected: dict[str, str] = field(default_factory=dict)  # case number -> description stored
    heavy: bool = False  # run it in a subprocess with memory and time limits


def _row(i: int, tag: str, desc: str | None = None, date: str | None = None) -> list[str]:
    return [str(i), UNITS[i % 3], f"{tag}〔2024〕{i}号", "行政处罚", "一般", date or f"2024-03-{i % 28 + 1:02d}",
            "500", "否", "否", desc if desc is not None else f"案由{i}"]


def _csv(rows: list[list[str]]) -> str:
    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\n\r') else c
    return "\r\n".join([",".join(HEADER)] + [",".join(cell(c) for c in r) for r in rows]) + "\r\n"


def _xlsx(rows: list[list[object]], formula_at: str | None = None, far_cell: str | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    if formula_at:
        ws[formula_at] = "=1+1"  # openpyxl saves formulas without a cached value
    if far_cell:
        ws[far_cell] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _bomb(inflated_mb: int) -> bytes:
    """A valid-looking workbook whose sheet XML inflates to `inflated_mb` MB (mostly whitespace)."""
    base = _xlsx([_row(1, "炸")])
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"<sheetData>")
                with dst.open(info.filename, "w", force_zip64=True) as f:
                    f.write(head + b"<sheetData>")
                    block = b" " * (1 << 20)
                    for _ in range(inflated_mb):
                        f.write(block)
                    f.write(rest)
            else:
                dst.writestr(info, data)
    return out.getvalue()


def corpus(n: int, seed: int = 12, bomb_mb: int = 8) -> Iterator[Hostile]:
    """`n` files cycling through every kind, each with a different random twist."""
    rnd = random.Random(seed)
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        tag = f"H{i}"
        rows = [_row(j, tag) for j in range(1, rnd.randint(3, 8))]
        at = rnd.randrange(len(rows))
        name = f"{i:05d}_{kind}"
        if kind == "unbalanced_quote":
            text = _csv(rows)
            lines = text.split("\r\n")
            line = 1 + 1 + at  # header is line 1
            cells = lines[line - 1].split(",")
            cells[-1] = '"' + cells[-1]  # a quote opened and never closed
            lines[line - 1] = ",".join(cells)
            yield Hostile(name + ".csv", "\r\n".join(lines).encode("utf-8"), kind, True)
        elif kind == "mixed_encoding":
            text = _csv(rows).split("\r\n")
            split = 1 + at  # the header and `at` rows in one encoding, at least one row in the other
            first, second = ("utf-8", "gbk") if rnd.random() < 0.5 else ("gbk", "utf-8")
            head = "\r\n".join(text[:split]).encode(first)
            tail = "\r\n".join(text[split:]).encode(second)
            yield Hostile(name + ".csv", head + b"\r\n" + tail, kind, True)
        elif kind == "undecodable":
            data = bytearray(_csv(rows).encode("utf-8"))
            pos = data.index(b"\r\n", len(data) // 2)
            data[pos:pos] = bytes([0xFF, 0xFE, 0x81])
            yield Hostile(name + ".csv", bytes(data), kind, True)
        elif kind in ("nul_byte", "control_char"):
            ch = "\x00" if kind == "nul_byte" else rnd.choice("\x01\x07\x08\x0b\x0c\x1b\x7f")
            rows[at][-1] = rows[at][-1][:1] + ch + rows[at][-1][1:]
            data = _csv(rows).encode("utf-8")
            if rnd.random() < 0.5:
                data = _xlsx_from_rows(rows, ch)
                yield Hostile(name + ".xlsx", data, kind, True)
            else:
                yield Hostile(name + ".csv", data, kind, True)
        elif kind == "fullwidth_formula":
            rows[at][-1] = "＝1+1" + rnd.choice(["", "*cmd|' /C calc'!A0", "，罚款"])
            if rnd.random() < 0.5:
                rows[at][2] = "＋" + rows[at][2]  # a case number turned into a formula by width folding
                yield Hostile(name + ".csv", _csv(rows).encode("utf-8"), kind, True)
            else:
                yield Hostile(name + ".csv", _csv(rows).encode("utf-8"), kind, False, _expect(rows))
        elif kind == "formula_no_value":
            cell = f"{rnd.choice('BCDEFGHIJ')}{2 + at}"
            yield Hostile(name + ".xlsx", _xlsx(rows, formula_at=cell), kind, True)
        elif kind == "impossible_time":
            rows[at][5] = f"2024-03-05 {rnd.choice(['25:00', '24:30', '12:61', '23:59:60', '99:99:99'])}"
            yield Hostile(name + ".csv", _csv(rows).encode("utf-8"), kind, True)
        elif kind == "impossible_date":
            rows[at][5] = rnd.choice(["2023-02-29", "2024-13-01", "2024-04-31", "2024年2月30日", "20240132"])
            yield Hostile(name + ".csv", _csv(rows).encode("utf-8"), kind, True)
        elif kind == "xlsx_bomb":
            yield Hostile(name + ".xlsx", _bomb(bomb_mb), kind, True, heavy=True)
        elif kind == "far_cell":
            far = rnd.choice(["XFD1048576", "XFD1", "ZZ5", "IW2"])
            yield Hostile(name + ".xlsx", _xlsx(rows, far_cell=far), kind, True, heavy=True)
        elif kind == "too_many_rows":
            far = rnd.choice([1_100_001, 1_500_000, 2_000_000])
            yield Hostile(name + ".xlsx", _patched(_xlsx(rows, far_cell="A1048576"), b"1048576", str(far).encode()),
                          kind, True, heavy=True)
        elif kind == "huge_cell":
            rows[at][-1] = "长" * rnd.randint(32_768, 60_000)
            yield Hostile(name + ".csv", _csv(rows).encode("utf-8"), kind, True)
        elif kind == "oversize_file":
            # declared by a tiny size limit in the checker (CASEREVIEW_MAX_REGISTER_MB), not by a huge file
            yield Hostile(name + ".csv", _csv(rows).encode("utf-8") + b" " * 300_000, kind, True, heavy=True)
        elif kind == "clean_xlsx":
            yield Hostile(name + ".xlsx", _xlsx(rows), kind, False, _expect(rows))
        elif kind == "formula_text":
            rows[at][-1] = rnd.choice(["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")"])
            yield Hostile(name + ".csv", _csv(rows).encode("utf-8"), kind, False, _expect(rows))
        else:
            rows[at][-1] = "含\"引号\"，逗号,\n换行"
            yield Hostile(name + ".csv", _csv(rows).encode(rnd.choice(["utf-8", "utf-8-sig", "gb18030"])), kind,
                          False, _expect(rows))


def _expect(rows: list[list[str]]) -> dict[str, str]:
    return {r[2]: " ".join(r[-1].split()) for r in rows}


def _xlsx_from_rows(rows: list[list[str]], ch: str) -> bytes:
    """openpyxl refuses control characters, so write the cell as an escaped `_x00HH_` inline string."""
    marker = "CTRLMARK"
    data = _xlsx([[c.replace(ch, marker) for c in r] for r in rows])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            part = part.replace(marker.encode(), f"_x{ord(ch):04X}_".encode())
            dst.writestr(info, part)
    return out.getvalue()


def _patched(xlsx: bytes, old: bytes, new: bytes) -> bytes:
    """Rewrite bytes inside every part (for what openpyxl will not write, e.g. a row beyond Excel's)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info).replace(old, new))
    return out.getvalue()
