"""A cheap pass over a workbook's zip before openpyxl touches it: refuse bombs and unreadable cells.

openpyxl trusts the file: a few KB can declare gigabytes of XML, a cell at XFD1048576 makes it build
a billion empty cells, and a formula saved without its value reads as an empty cell. This scan reads
the declared sizes, then streams each sheet's XML (never more than the declared, capped size) to find
the furthest row and column, formulas without a cached value, and merged ranges.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

from scoring import limits
from scoring.errors import Problem, ProblemReport
from scoring.messages import Msg

READ_CHUNK = 1 << 20
MAX_ROW_XML = 64 * 1024 * 1024  # one <row> element larger than this is not a register row
MAX_MERGED_CELLS = 5_000_000  # cells filled from merged ranges, summed over the sheet

_ROW_NUM = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_WIDE_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{2,3})(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
_REF = re.compile(rb"\br=\"([A-Z]+\d+)\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\br:id=\"([^\"]+)\"")
_SHEET_ALT = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"[^>]*?\bname=\"([^\"]*)\"")
_REL = re.compile(rb"<Relationship\b[^>]*?\bId=\"([^\"]+)\"[^>]*?\bTarget=\"([^\"]+)\"")
_REL_ALT = re.compile(rb"<Relationship\b[^>]*?\bTarget=\"([^\"]+)\"[^>]*?\bId=\"([^\"]+)\"")


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


@dataclass
class SheetScan:
    part: str
    title: str
    max_row: int = 0
    max_col: int = 0
    merged_cells: int = 0
    problems: list[Problem] = field(default_factory=list)


def _refuse(source: str, message: Msg) -> ProblemReport:
    return ProblemReport([Problem(code=message.code, params=message.params, file=source)],
                         title_code="table.cannot_read", title_params={"source": source})


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet XML part name -> the sheet's title as Excel shows it."""
    try:
        wb = zf.read("xl/workbook.xml")[: 4 * 1024 * 1024]
        rels = zf.read("xl/_rels/workbook.xml.rels")[: 4 * 1024 * 1024]
    except KeyError:
        return {}
    sheets = {rid: name for name, rid in _SHEET.findall(wb)} | {rid: name for rid, name in _SHEET_ALT.findall(wb)}
    targets = {rid: t for rid, t in _REL.findall(rels)} | {rid: t for t, rid in _REL_ALT.findall(rels)}
    out = {}
    for rid, name in sheets.items():
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        out[part] = name.decode("utf-8", "replace")
    return out


def scan_workbook(handle: IO[bytes], source: str) -> list[SheetScan]:
    """Check a workbook's sizes and cells; raise `ProblemReport` for anything that cannot be read safely."""
    try:
        zf = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(source, Msg("table.unreadable_xlsx", {"why": str(exc)})) from None
    with zf:
        infos = zf.infolist()
        inflated = sum(i.file_size for i in infos)
        cap = limits.XLSX_MAX_INFLATED.bytes
        if inflated > cap:
            raise _refuse(source, Msg("xlsx.inflated", {"mb": f"{inflated / limits.MB:.0f}", "cap": f"{cap / limits.MB:.0f}",
                                                     "setting": limits.XLSX_MAX_INFLATED.env}))
        for info in infos:
            if info.file_size > limits.XLSX_RATIO_FLOOR and info.file_size > limits.XLSX_MAX_RATIO * max(
                    info.compress_size, 1):
                raise _refuse(source, Msg("xlsx.zip_bomb", {
                    "part": info.filename, "ratio": f"{info.file_size // max(info.compress_size, 1):,}",
                    "mb": f"{info.file_size / limits.MB:.0f}"}))
        strings_cap = limits.XLSX_MAX_SHARED_STRINGS.bytes
        for info in infos:
            if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > strings_cap:
                raise _refuse(source, Msg("xlsx.shared_strings", {
                    "mb": f"{info.file_size / limits.MB:.0f}", "cap": f"{strings_cap / limits.MB:.0f}",
                    "setting": limits.XLSX_MAX_SHARED_STRINGS.env}))
        titles = _sheet_titles(zf)
        scans = []
        for info in infos:
            name = info.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name:
                scan = SheetScan(name, titles.get(name, name.rsplit("/", 1)[-1]))
                try:
                    with zf.open(info) as part:
                        _scan_sheet(part, scan, source)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                    raise _refuse(source, Msg("xlsx.damaged_sheet", {"sheet": scan.title, "why": str(exc)})) from None
                scans.append(scan)
    problems = [p for s in scans for p in s.problems]
    if problems:
        raise ProblemReport(problems, title_code="table.cannot_read_faithfully", title_params={"source": source})
    return scans


def _scan_sheet(part: IO[bytes], scan: SheetScan, source: str) -> None:
    tail = b""
    while True:
        chunk = part.read(READ_CHUNK)
        buf = tail + chunk
        if not chunk:
            _scan_segment(buf, scan, source)
            return
        end = buf.rfind(b"row>")
        if end < 0 or len(buf) - end > MAX_ROW_XML:
            # no row end (the part after the rows, or one huge row): cut after the last complete tag
            end = buf.rfind(b">") + 1
            if end <= 0:
                if len(buf) > MAX_ROW_XML:
                    raise _refuse(source, Msg("xlsx.no_tag", {"sheet": scan.title, "mb": MAX_ROW_XML // limits.MB}))
                tail = buf
                continue
        _scan_segment(buf[:end], scan, source)
        tail = buf[end:]


def _scan_segment(seg: bytes, scan: SheetScan, source: str) -> None:
    rows = _ROW_NUM.findall(seg)
    if rows:
        scan.max_row = max(scan.max_row, int(rows[-1]), max(int(r) for r in rows[-3:]))
        if scan.max_row > limits.MAX_ROWS:
            raise _refuse(source, Msg("xlsx.too_many_rows", {"sheet": scan.title, "row": scan.max_row,
                                                         "max": f"{limits.MAX_ROWS:,}"}))
    for letters, row in _WIDE_CELL.findall(seg):
        col = column_index(letters.decode())
        scan.max_col = max(scan.max_col, col)
        if col > limits.MAX_COLUMNS:
            raise _refuse(source, Msg("xlsx.too_many_columns", {"sheet": scan.title, "cell": f"{letters.decode()}{row.decode()}",
                                                            "max": limits.MAX_COLUMNS}))
    if b"<f" in seg or b":f>" in seg:
        for attrs, inner in _CELL.findall(seg):
            if inner and (b"<f" in inner or b":f>" in inner) and not _VALUE.search(inner):
                ref = _REF.search(attrs)
                cell = ref.group(1).decode() if ref else "?"
                if len(scan.problems) < 100:
                    scan.problems.append(Problem(code="xlsx.formula_without_value",
                                                 params={"sheet": scan.title, "cell": cell}, file=source))
    for c0, r0, c1, r1 in _MERGE.findall(seg):
        top, left = int(r0), column_index(c0.decode())
        bottom = int(r1) if r1 else top
        right = column_index(c1.decode()) if c1 else left
        if bottom > limits.MAX_ROWS:
            raise _refuse(source, Msg("xlsx.merged_too_far", {"sheet": scan.title, "row": f"{bottom:,}"}))
        scan.merged_cells += (bottom - top + 1) * min(right - left + 1, limits.MAX_COLUMNS)
        if scan.merged_cells > MAX_MERGED_CELLS:
            raise _refuse(source, Msg("xlsx.merged_too_many", {"sheet": scan.title, "max": f"{MAX_MERGED_CELLS:,}"}))
