"""Streaming rows out of a CSV or XLSX file as it really arrives, and finding its header row.

Files come from Chinese Windows: GBK/GB18030 or UTF-8 (with or without BOM) CSV, workbooks with title
rows above the header and merged cells. `open_table` reads nothing into memory beyond the first rows:
it decodes, finds the header among the first `HEADER_SCAN_ROWS` rows by matching known column names,
and hands back a `Table` whose `rows()` streams the rest. File-level problems raise `ProblemReport`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from scoring import limits
from scoring.errors import Problem, ProblemReport
from scoring.limits import MAX_CELL_CHARS
from scoring.messages import Join, Msg
from scoring.register.normalize import (
    EXCEL_EPOCH_1900,
    EXCEL_EPOCH_1904,
    clean_text,
    is_blank,
)
from scoring.register.xlsx_guard import scan_workbook

HEADER_SCAN_ROWS = 15
# Below this size an .xlsx is loaded whole (openpyxl exposes merged ranges; it needs ~150x the file
# size in memory); above it, it is streamed in read-only mode and merged ranges are read from the
# sheet XML by a cheap scan, so merges are honoured either way.
XLSX_FULL_LOAD_MAX_BYTES = 1024 * 1024
XLSX_FULL_LOAD_MAX_CELLS = 2_000_000
READ_CHUNK = 1 << 20
MAX_FILL_COLUMNS = 1024  # a title merged across A1:XFD1 must not make every row 16k cells wide

CSV_EXTENSIONS = {".csv", ".txt", ".tsv"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class FieldSpec:
    """The columns a table should have: field -> accepted header names (first is the label shown)."""

    synonyms: dict[str, tuple[str, ...]]
    required: tuple[str, ...]

    def __post_init__(self) -> None:
        lookup: dict[str, tuple[str, int]] = {}
        for name, names in self.synonyms.items():
            for priority, header in enumerate(names):
                lookup.setdefault(normalise_header(header), (name, priority))
        object.__setattr__(self, "_lookup", lookup)

    def label(self, name: str) -> str:
        return self.synonyms[name][0]

    def match(self, cells: Iterable[Any]) -> dict[str, int]:
        """Field -> column index for the cells of one candidate header row.

        When several columns name the same field, the more specific synonym (earlier in the list)
        wins, then the leftmost column.
        """
        best: dict[str, tuple[int, int]] = {}
        lookup: dict[str, tuple[str, int]] = self._lookup  # type: ignore[attr-defined]
        for col, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            hit = lookup.get(normalise_header(cell))
            if hit is None:
                continue
            name, priority = hit
            if name not in best or priority < best[name][0]:
                best[name] = (priority, col)
        return {name: col for name, (_priority, col) in best.items()}


_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕|<[^>]*>")
_HEADER_JUNK = re.compile(r"[\s*:?#※]")


def normalise_header(text: Any) -> str:
    """A header reduced to what identifies it: no spaces, widths, bracketed units, 是否, marks."""
    s = unicodedata.normalize("NFKC", str(text or "")).lower()
    s = _BRACKETED.sub("", s)
    s = _HEADER_JUNK.sub("", s)
    return s.removeprefix("是否")


@dataclass
class RawRow:
    """One data row: its number as the user sees it, and the raw cell of each mapped field."""

    row: int
    values: dict[str, Any]
    first: Any  # the first non-blank cell of the whole row (to recognise 合计/制表人 footers)
    refused: dict[str, Msg] = field(default_factory=dict)  # field -> why its cell cannot be read faithfully

    @property
    def first_text(self) -> str:
        return clean_text(self.first)


@dataclass
class Table:
    """An opened file with its header located; `rows()` streams the data rows below the header."""

    source_name: str
    sha256: str
    kind: str  # "csv" or "xlsx"
    header_row: int
    columns: dict[str, str]  # field -> header text as in the file
    indexes: dict[str, int]
    epoch: Any = EXCEL_EPOCH_1900
    encoding: str | None = None
    sheet: str | None = None
    _rows: Iterator[tuple[int, list[Any]]] | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def rows(self) -> Iterator[RawRow]:
        """Data rows after the header; wholly blank rows are skipped (their numbers still count)."""
        assert self._rows is not None, "rows() can be iterated once"
        rows, self._rows = self._rows, None
        indexes = list(self.indexes.items())
        try:
            for number, cells in rows:
                first = next((c for c in cells if not is_blank(c)), None)
                if first is None:
                    continue
                n = len(cells)
                values = {name: (cells[i] if i < n else None) for name, i in indexes}
                if self.kind == "xlsx":
                    values = {k: excel_unescape(v) for k, v in values.items()}
                refused = _refusals(values)
                yield RawRow(number, values, first, refused)
        finally:
            self.close()

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_unescape(value: Any) -> Any:
    """Excel writes characters XML cannot hold as `_xHHHH_` (openpyxl leaves them); read them as Excel does."""
    if type(value) is not str or "_x" not in value:
        return value
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def unreadable_cell(value: Any) -> Msg | None:
    """Why a cell's text cannot be stored as it is (NUL and other control characters, excess length)."""
    if type(value) is not str:
        return None
    if len(value) > MAX_CELL_CHARS:
        return Msg("table.cell_too_long", {"n": f"{len(value):,}", "max": f"{MAX_CELL_CHARS:,}"})
    m = _CONTROL.search(value)
    if m:
        return Msg("table.control_char", {"char": f"{ord(m.group()):04X}", "position": m.start() + 1})
    return None


def _refusals(values: dict[str, Any]) -> dict[str, Msg]:
    """`unreadable_cell` of every cell that has a reason. Nearly every row has none, so the row's text is
    looked through at once first (a line break, joining the cells, is no control character here)."""
    texts = [v for v in values.values() if type(v) is str]
    if max(map(len, texts), default=0) <= MAX_CELL_CHARS and not _CONTROL.search("\n".join(texts)):
        return {}
    return {name: why for name, v in values.items() if (why := unreadable_cell(v))}


def _problem(source: str, message: Msg, **kw: Any) -> ProblemReport:
    return ProblemReport([Problem(code=message.code, params=message.params, file=source, **kw)],
                         title_code="table.cannot_read", title_params={"source": source})


# ------------------------------------------------------------------------------------------- sources

Opener = Callable[[], IO[bytes]]


def _opener(source: Path | bytes) -> tuple[Opener, int]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return (lambda: io.BytesIO(data)), len(data)
    path = Path(source)
    return (lambda: path.open("rb")), path.stat().st_size


def source_name(source: Path | bytes, filename: str | None) -> str:
    if filename:
        return filename
    if isinstance(source, bytes | bytearray | memoryview):
        return "(uploaded file)"
    return Path(source).name


def open_table(source: Path | bytes, spec: FieldSpec, filename: str | None = None,
               limit: limits.Limit = limits.REGISTER_FILE) -> Table:
    """Open `source`, detect its format and encoding, and locate the header row.

    Raises `ProblemReport` for file-level problems: unreadable, unsupported, undecodable, empty, no
    header row, missing required columns.
    """
    name = source_name(source, filename)
    try:
        opener, size = _opener(source)
        with opener() as f:
            head = f.read(8)
    except OSError as exc:
        raise _problem(name, Msg("table.read_error", {"why": exc.strerror or exc})) from None
    if size == 0:
        raise _problem(name, Msg("table.empty"))
    limits.check_size(size, limit, name)
    ext = Path(filename or (source if isinstance(source, str | Path) else "")).suffix.lower()
    if ext == ".xls" or (not ext and head.startswith(_OLE_MAGIC)):
        raise _problem(name, Msg("table.xls"))
    if ext in XLSX_EXTENSIONS or (not ext and head.startswith(_ZIP_MAGIC)):
        if not head.startswith(_ZIP_MAGIC):
            raise _problem(name, Msg("table.bad_xlsx"))
        return _open_xlsx(name, opener, size, spec)
    if ext in CSV_EXTENSIONS or not ext:
        if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
            raise _problem(name, Msg("table.xlsx_as_csv"))
        return _open_csv(name, opener, spec)
    raise _problem(name, Msg("table.bad_type", {"ext": ext}))


def _locate_header(
    name: str, rows: Iterator[tuple[int, list[Any]]], spec: FieldSpec
) -> tuple[int, dict[str, int], list[Any], Iterator[tuple[int, list[Any]]]] | ProblemReport:
    """Find the header among the first rows; return (row, indexes, header cells, remaining rows)."""
    head = list(islice(rows, HEADER_SCAN_ROWS))
    best: tuple[int, int, dict[str, int]] | None = None
    for i, (_number, cells) in enumerate(head):
        found = spec.match(cells)
        if len(found) >= 2 and (best is None or len(found) > len(best[2])):
            best = (i, len(found), found)
    if not any(any(not is_blank(c) for c in cells) for _n, cells in head):
        return _problem(name, Msg("table.empty_head"))
    if best is None:
        seen = [
            Msg("table.seen_row", {"row": n, "cells": ", ".join(clean_text(c) for c in cells if not is_blank(c))[:120]})
            for n, cells in head
            if any(not is_blank(c) for c in cells)
        ][:3]
        need = [spec.label(f) for f in spec.required]
        return _problem(name, Msg("table.no_header", {"n": HEADER_SCAN_ROWS, "need": need,
                                                      "seen": Join(tuple(seen), "；", "; ")}))
    i, _score, indexes = best
    header_number, header_cells = head[i]
    missing = [f for f in spec.required if f not in indexes]
    if missing:
        wanted = Join(tuple(Msg("table.wanted_column", {"label": spec.label(f), "others": "/".join(spec.synonyms[f][1:6])})
                            for f in missing), "；", "; ")
        have = [clean_text(c) for c in header_cells if not is_blank(c)]
        return _problem(name, Msg("table.missing_columns", {"n": len(missing), "wanted": wanted, "have": have}),
                        row=header_number)
    return header_number, indexes, header_cells, chain(head[i + 1:], rows)


def _columns(indexes: dict[str, int], header_cells: list[Any]) -> dict[str, str]:
    """Field -> header text as the user sees it in the file (not normalised)."""
    return {f: " ".join(str(header_cells[i]).split()) for f, i in sorted(indexes.items(), key=lambda kv: kv[1])}


# ----------------------------------------------------------------------------------------------- CSV

def _validate(f: IO[bytes], encoding: str, digest: Any | None) -> str | None:
    """Decode the whole stream with `encoding` (and feed `digest`); None if it decodes, else where not."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    failure, line = None, 1
    while chunk := f.read(READ_CHUNK):
        if digest is not None:
            digest.update(chunk)
        if failure is None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                near = line + chunk.count(b"\n", 0, max(exc.start, 0))
                bad = exc.object[max(exc.start, 0): max(exc.start, 0) + 4]
                failure = f"{encoding} fails at line {near}, bytes {bad.hex(' ')}"
                if digest is None:
                    break
            line += chunk.count(b"\n")
    if failure is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            failure = f"{encoding} fails at the end of the file"
    return failure


def mixed_encoding(f: IO[bytes], utf8_failure: str) -> str | None:
    """Why a file that decodes as GB18030 is really UTF-8 and GBK mixed (mojibake if read as one), or None.

    GBK text of Chinese characters is practically never valid UTF-8, so a file with some non-ASCII
    lines that are valid UTF-8 and some that are not was saved in two encodings.
    """
    utf8_line: int | None = None
    number = 0
    tail = b""
    while True:
        chunk = f.read(READ_CHUNK)
        buf = tail + chunk
        lines = buf.split(b"\n")
        tail = lines.pop() if chunk else b""
        for raw in lines + ([tail] if not chunk and tail else []):
            number += 1
            if raw.isascii():
                continue
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            utf8_line = number
            break
        if utf8_line is not None or not chunk:
            break
    if utf8_line is None:
        return None
    return (f"mixed encodings: line {utf8_line} is UTF-8 but {utf8_failure.removeprefix('utf-8-sig fails ')} "
            "is not; reading it as either would garble text")


def _scan_encoding(opener: Opener) -> tuple[str, str | None, str | None, bytes]:
    """SHA-256 of the bytes and the first encoding that decodes all of them (or None and why not)."""
    digest = hashlib.sha256()
    with opener() as f:
        first = f.read(READ_CHUNK)
        f.seek(0)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            candidates = ["utf-16"]  # Excel's "Unicode text" export (tab separated)
        else:
            candidates = ["utf-8-sig", "gb18030"]
        failures: list[str] = []
        for i, encoding in enumerate(candidates):
            f.seek(0)
            failure = _validate(f, encoding, digest if i == 0 else None)
            if failure is None:
                if encoding == "gb18030":
                    f.seek(0)
                    failure = mixed_encoding(f, failures[0] if failures else "")
                    if failure is not None:
                        return digest.hexdigest(), None, failure, first
                return digest.hexdigest(), encoding, None, first
            failures.append(failure)
    return digest.hexdigest(), None, "; ".join(failures), first


def _swallows_rows(cells: list[str], delimiter: str, width: int) -> bool:
    """A quoted cell whose inner lines look like whole records: a stray quote ate the rows below it."""
    need = max(2, width - 2)
    for cell in cells:
        if "\n" in cell or "\r" in cell:
            if any(line.count(delimiter) >= need for line in cell.splitlines()[1:]):
                return True
    return False


def _lines_before_multiline(cells: list[str]) -> int:
    """Newlines in the cells before the first cell that spans lines (where that cell's quote opened)."""
    count = 0
    for cell in cells:
        if "\n" in cell or "\r" in cell:
            return count
        count += cell.count("\n")
    return count


def _open_csv(name: str, opener: Opener, spec: FieldSpec) -> Table:
    sha256, encoding, failure, first = _scan_encoding(opener)
    if encoding is None and failure and failure.startswith("mixed encodings"):
        raise _problem(name, Msg("table.mixed_encodings", {"why": failure}))
    if encoding is None:
        raise _problem(name, Msg("table.undecodable", {"why": failure}))
    sample = first[: 64 * 1024].decode(encoding, errors="ignore")
    lines = sample.splitlines()[:HEADER_SCAN_ROWS]
    tabs, commas = sum(s.count("\t") for s in lines), sum(s.count(",") for s in lines)
    delimiter = "\t" if tabs > commas else ","

    handle = opener()
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # strict: a quote closed in mid-field is an error, not a silently merged cell
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        number, width, line_end = 0, 0, 0
        while True:
            start = line_end + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                raise _problem(name, Msg("table.quote_unclosed", {"start": start, "found": reader.line_num, "why": str(exc)}),
                               line=start, row=number + 1) from None
            line_end = reader.line_num
            number += 1
            if line_end > start and width and (len(cells) != width or _swallows_rows(cells, delimiter, width)):
                opened = start + _lines_before_multiline(cells)
                raise _problem(name, Msg("table.quote_unbalanced", {
                    "opened": opened, "end": line_end, "lines": line_end - start, "cells": len(cells), "width": width}),
                    line=opened, row=number)
            if line_end == start and len(cells) > 1:
                width = len(cells)
            yield number, cells

    located = _locate_header(name, rows(), spec)
    if isinstance(located, ProblemReport):
        text.close()
        raise located
    header_row, indexes, header_cells, rest = located
    return Table(
        source_name=name,
        sha256=sha256,
        kind="csv",
        header_row=header_row,
        columns=_columns(indexes, header_cells),
        indexes=indexes,
        encoding=encoding,
        _rows=rest,
        _closers=[text.close],
    )


# ---------------------------------------------------------------------------------------------- XLSX

Merge = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col (1-based, inclusive)
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\"")


def _scan_merges(ws: Any) -> list[Merge]:
    """Merged ranges of a read-only sheet, found by scanning its XML (read-only mode skips them)."""
    from openpyxl.utils.cell import range_boundaries

    get_source = getattr(ws, "_get_source", None)
    if get_source is None:  # pragma: no cover - openpyxl internals changed: no merges, still readable
        return []
    refs: set[bytes] = set()
    tail = b""
    with get_source() as src:
        while chunk := src.read(READ_CHUNK):
            buf = tail + chunk
            refs.update(_MERGE_REF.findall(buf))
            tail = buf[-512:]
    merges = []
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
        merges.append((min_row, min_col, max_row, max_col))
    return merges


def fill_merges(rows: Iterable[Iterable[Any]], merges: list[Merge]) -> Iterator[tuple[int, list[Any]]]:
    """Number the rows from 1 and give every cell of a merged range the value of its top-left cell."""
    pending = deque(sorted(merges))
    active: list[tuple[Merge, Any]] = []
    for number, raw in enumerate(rows, start=1):
        cells = list(raw)
        while pending and pending[0][0] <= number:
            merge = pending.popleft()
            if merge[0] == number:  # top-left value is in this row
                col = merge[1] - 1
                active.append((merge, cells[col] if col < len(cells) else None))
        if active:
            for (_r0, c0, r1, c1), value in active:
                c1 = min(c1, MAX_FILL_COLUMNS)
                if len(cells) < c1:
                    cells.extend([None] * (c1 - len(cells)))
                for c in range(c0 - 1, c1):
                    cells[c] = value
            active = [(m, v) for m, v in active if m[2] > number]
        yield number, cells


def _guarded(name: str, rows: Iterator[tuple[int, list[Any]]]) -> Generator[tuple[int, list[Any]], None, None]:
    """A workbook damaged part-way (bad XML, CRC error) becomes a file problem, not a traceback."""
    number = 0
    try:
        for number, cells in rows:
            yield number, cells
    except Exception as exc:  # noqa: BLE001 - zipfile, zlib, XML and openpyxl errors alike
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise _problem(name, Msg("table.damaged_after", {"row": number, "why": reason}), row=number + 1) from None


def _open_xlsx(name: str, opener: Opener, size: int, spec: FieldSpec) -> Table:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    digest = hashlib.sha256()
    with opener() as f:
        while chunk := f.read(READ_CHUNK):
            digest.update(chunk)
    with opener() as f:
        scans = scan_workbook(f, name)
    # a small file can still declare a huge grid; openpyxl's full load would build every cell of it
    cells = max((s.max_row * max(s.max_col, 26) for s in scans), default=0)
    streaming = size > XLSX_FULL_LOAD_MAX_BYTES or cells > XLSX_FULL_LOAD_MAX_CELLS
    handle = opener()
    try:
        wb = openpyxl.load_workbook(handle, read_only=streaming, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a broken workbook
        handle.close()
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise _problem(name, Msg("table.unreadable_xlsx", {"why": reason})) from None

    def close() -> None:
        if streaming:
            wb.close()
        handle.close()

    epoch = EXCEL_EPOCH_1904 if wb.epoch == CALENDAR_MAC_1904 else EXCEL_EPOCH_1900
    sheets = sorted(wb.worksheets, key=lambda ws: ws.sheet_state != "visible")
    first_failure: ProblemReport | None = None
    try:
        for ws in sheets:
            if streaming:
                ws.reset_dimensions()  # trust the rows, not a possibly wrong <dimension>
                merges = _scan_merges(ws)
            else:
                merges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
            rows = _guarded(name, fill_merges(ws.iter_rows(min_row=1, min_col=1, values_only=True), merges))
            located = _locate_header(name, rows, spec)
            if isinstance(located, ProblemReport):
                rows.close()
                first_failure = first_failure or located
                continue
            header_row, indexes, header_cells, rest = located
            return Table(
                source_name=name,
                sha256=digest.hexdigest(),
                kind="xlsx",
                header_row=header_row,
                columns=_columns(indexes, header_cells),
                indexes=indexes,
                epoch=epoch,
                sheet=ws.title,
                _rows=rest,
                _closers=[close],
            )
    except BaseException:
        close()
        raise
    close()
    raise first_failure or _problem(name, Msg("table.no_sheets"))
