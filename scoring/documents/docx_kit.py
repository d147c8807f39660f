"""Building blocks of the Word documents: page set-up, official-document styles, Chinese fonts,
numbered headings, tables, pictures and page numbers (python-docx).

Every text passes `clean_text` (control characters removed) before it reaches python-docx, and every
run and style names its East Asian font (``w:eastAsia``) besides the Latin one: Word otherwise draws
Chinese text in the theme's East Asian font, whatever the style says.
"""

from __future__ import annotations

import copy
import io
import itertools
import re
import time
import weakref
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from scoring.documents.fonts import DocFonts
from scoring.documents.text_safety import clean_text

CN_NUMERALS = "零一二三四五六七八九"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
LINE_PITCH = Pt(28)  # GB/T 9704: 22 lines a page at 三号; 28 pt fixed spacing is the usual approximation


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 23 -> 二十三 (headings run to a few dozen at most)."""
    if n < 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_NUMERALS[tens]
    return f"{head}十{CN_NUMERALS[ones] if ones else ''}"


def heading1_label(n: int) -> str:
    return f"{cn_number(n)}、"


def heading2_label(n: int) -> str:
    return f"（{cn_number(n)}）"


# ------------------------------------------------------------------------------------------ fonts

def set_fonts(rpr_owner: Any, east_asian: str, latin: str) -> None:
    """Name the fonts on an rPr (style, run or docDefaults): Latin for ascii/hAnsi/cs, East Asian
    for eastAsia; theme font attributes are removed (they would win over the names)."""
    rpr = rpr_owner.get_or_add_rPr() if hasattr(rpr_owner, "get_or_add_rPr") else rpr_owner
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def style_run(run: Run, east_asian: str, latin: str, *, size: float | None = None, bold: bool | None = None) -> Run:
    set_fonts(run._r, east_asian, latin)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    return run


def _style(doc: DocxDocument, name: str, east_asian: str, fonts: DocFonts, *, size: float, bold: bool = False,
           align: Any = None, first_indent: bool = False, before: float = 0, after: float = 0) -> None:
    style = doc.styles[name]
    style.font.name = fonts.latin
    set_fonts(style.element, east_asian, fonts.latin)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(max(size + 6, LINE_PITCH.pt)) if size > 16 else LINE_PITCH
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.first_line_indent = Pt(2 * size) if first_indent else None
    if align is not None:
        pf.alignment = align
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:u", "w:caps"):  # Title comes underlined/spaced in the default template
        el = rpr.find(qn(tag))
        if el is not None:
            rpr.remove(el)
    ppr = style.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def _doc_defaults(doc: DocxDocument, fonts: DocFonts) -> None:
    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, fonts.body, fonts.latin)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(doc: DocxDocument, fonts: DocFonts) -> None:
    """Declare the East Asian fonts (GB2312 charset) with their fallbacks (w:altName) in fontTable.xml."""
    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:  # pragma: no cover - the default template has one
        return
    root = etree.fromstring(part.blob)
    present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name in fonts.east_asian():
        if name in present:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = fonts.fallbacks.get(name)
        if alt:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if "黑" in name else "roman")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def new_document(fonts: DocFonts, *, title: str = "", author: str = "") -> DocxDocument:
    """An empty A4 document in the official style: margins 37/35/28/26 mm (top/bottom/left/right),
    body 仿宋 三号 with 28 pt lines and two-character first-line indent, headings 黑体 / 楷体,
    title 小标宋 二号, page numbers "— 1 —" centred in the footer."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    _doc_defaults(doc, fonts)
    _style(doc, "Normal", fonts.body, fonts, size=fonts.body_size, first_indent=False,
           align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "Title", fonts.title, fonts, size=fonts.title_size, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _style(doc, "Heading 1", fonts.heading1, fonts, size=fonts.body_size, first_indent=True)
    _style(doc, "Heading 2", fonts.heading2, fonts, size=fonts.body_size, first_indent=True)
    _style(doc, "Heading 3", fonts.body, fonts, size=fonts.body_size, bold=True, first_indent=True)
    _style(doc, "Caption", fonts.heading1, fonts, size=fonts.caption_size, align=WD_ALIGN_PARAGRAPH.CENTER,
           before=6, after=6)
    _font_table(doc, fonts)
    _page_numbers(doc, fonts)
    doc.core_properties.title = clean_text(title)
    doc.core_properties.author = clean_text(author)
    doc.core_properties.language = "zh-CN"
    return doc


def _field(paragraph: Paragraph, instruction: str, fonts: DocFonts, size: float) -> None:
    def run_with(el: Any) -> None:
        run = paragraph.add_run()
        style_run(run, fonts.page_number, fonts.latin, size=size)
        run._r.append(el)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    shown = paragraph.add_run("1")
    style_run(shown, fonts.page_number, fonts.latin, size=size)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_numbers(doc: DocxDocument, fonts: DocFonts) -> None:
    footer = doc.sections[0].footer
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = None
    style_run(p.add_run("— "), fonts.page_number, fonts.latin, size=14)
    _field(p, "PAGE", fonts, 14)
    style_run(p.add_run(" —"), fonts.page_number, fonts.latin, size=14)


# ------------------------------------------------------------------------------------------ content

def paragraph(doc: DocxDocument, text: str = "", *, fonts: DocFonts, style: str | None = None,
              indent: bool = True, align: Any = None, bold: bool = False, east_asian: str | None = None,
              size: float | None = None, lead: str | None = None, lead_font: str | None = None,
              lead_bold: bool = True, keep_next: bool = False) -> Paragraph:
    """A paragraph of one run (optionally preceded by a lead-in run, e.g. a bold finding title).
    `keep_next` keeps it on the page of the next paragraph (a closing paragraph with the signature)."""
    p = doc.add_paragraph(style=style)
    if keep_next:
        p.paragraph_format.keep_with_next = True
    if indent and style is None:
        p.paragraph_format.first_line_indent = Pt(2 * fonts.body_size)
    elif not indent:
        p.paragraph_format.first_line_indent = Pt(0)
    if align is not None:
        p.alignment = align
    if lead:
        style_run(p.add_run(clean_text(lead)), lead_font or east_asian or fonts.body, fonts.latin, size=size,
                  bold=lead_bold or None)
    if text:
        style_run(p.add_run(clean_text(text)), east_asian or fonts.body, fonts.latin, size=size, bold=bold or None)
    return p


def heading(doc: DocxDocument, text: str, level: int, fonts: DocFonts) -> Paragraph:
    """A heading in the Heading n style (navigation pane, outline) with its number written in the text."""
    p = doc.add_paragraph(style=f"Heading {level}")
    east = {1: fonts.heading1, 2: fonts.heading2}.get(level, fonts.body)
    style_run(p.add_run(clean_text(text)), east, fonts.latin, bold=level >= 3)
    return p


def title(doc: DocxDocument, text: str, fonts: DocFonts) -> Paragraph:
    p = doc.add_paragraph(style="Title")
    style_run(p.add_run(clean_text(text)), fonts.title, fonts.latin, size=fonts.title_size)
    return p


def _cell_margins(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "80")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def _cant_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


_NARROW = re.compile(r"[\x00-\u2e7f]")  # below the CJK radicals: half an em


def text_ems(text: str) -> float:
    """How many ems `text` takes on one line: a CJK character is one em, ASCII half an em. Counted by
    a regular expression, not character by character: a table measures every cell (37,000 rows)."""
    s = str(text)
    if s.isascii():
        return 0.5 * len(s)
    return len(s) - 0.5 * len(_NARROW.findall(s))


def _cm(ems: float, size_pt: float) -> float:
    return ems * size_pt * 2.54 / 72


CELL_PADDING_CM = 2 * 80 / 567  # the left and right cell margins (80 twips each)
SLACK_EMS = 0.4  # renderers' glyph widths differ a little from one em
SHORT_VALUE_EMS = 4.0


def column_need_cm(header: str, values: Sequence[Any], size_pt: float, *, numeric: bool) -> float:
    """The narrowest a column may be: a header of up to three characters on one line, a longer one on at
    most two lines of at least two characters each; a numeric column's widest value, and a column of
    short values (a grade, up to four characters) its widest, on one line."""
    ems = text_ems(header)
    head = ems if ems <= 3 else max(-(-ems // 2), 2.0)
    widest = max((text_ems(v) for v in values), default=0.0)
    if not numeric and widest > SHORT_VALUE_EMS:
        widest = 0.0
    return _cm(max(head, widest, 2.0) + SLACK_EMS, size_pt) + CELL_PADDING_CM


def fit_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]], hint: Sequence[float | None], size_pt: float,
               *, total_cm: float, numeric: Sequence[bool] | None = None) -> list[float]:
    """Column widths (cm) filling `total_cm`: each column at least `column_need_cm`; the `None` columns of
    `hint` share what is left (0 asks for the narrowest), fixed hints are raised where too narrow."""
    numeric = list(numeric) if numeric is not None else [False] * len(headers)
    need = [column_need_cm(h, [r[i] for r in rows], size_pt, numeric=numeric[i]) for i, h in enumerate(headers)]
    widths = [max(w, n) if w is not None else None for w, n in zip(hint, need, strict=True)]
    free = [i for i, w in enumerate(widths) if w is None]
    used = sum(w for w in widths if w is not None)
    if free:
        share = max((total_cm - used) / len(free), 0.0)
        for i in free:
            widths[i] = max(share, need[i])
    out = [float(w) for w in widths if w is not None]
    over = sum(out) - total_cm
    if over > 0.01:  # too wide: take it from the columns with room above their need, the roomiest first
        for i in sorted(range(len(out)), key=lambda i: need[i] - out[i]):
            give = min(out[i] - need[i], over)
            if give > 0:
                out[i] -= give
                over -= give
    return out


def table(doc: DocxDocument, headers: Sequence[str], rows: Sequence[Sequence[Any]], fonts: DocFonts, *,
          widths: Sequence[float | None] | None = None, numeric: Sequence[bool] | None = None,
          size: float | None = None, total_cm: float | None = None,
          groups: dict[int, str] | None = None, _row_by_row: bool = False) -> Any:
    """A grid table: header row (黑体) repeated on every page, cells in the table font at `size`.

    `widths` are hints in cm (None: share the rest of `total_cm`, the text width by default); every
    column is made wide enough for its header (never one character a line). `groups` puts a full-width
    row with that text before the row of that index (an appendix's finding above its files).

    The first data row and the first group row are built through python-docx; every later one is kept
    as its texts only and written, as that row's XML with its texts replaced, into document.xml while
    `to_bytes` saves it (see `_RowStream`: an appendix of 37,000 rows as XML elements took over 1 GB).
    `_row_by_row` builds every row through python-docx (the test compares the two)."""
    size = size or fonts.table_size
    total_cm = total_cm or TEXT_WIDTH_CM
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(t)
    header = t.rows[0]  # kept: `t.rows` later would make an object for each of thousands of rows
    _repeat_header(header)
    numeric = list(numeric) if numeric is not None else [False] * len(headers)
    pad = 1 if size < fonts.table_size else 2
    cm = fit_widths(headers, rows, list(widths) if widths else [None] * len(headers), size, total_cm=total_cm,
                    numeric=numeric)

    def fill(cell: Any, value: Any, *, head: bool, right: bool, east: str | None = None) -> None:
        p = cell.paragraphs[0]
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(pad)
        p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if head
                       else WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT)
        style_run(p.add_run(clean_text(value)), east or (fonts.heading1 if head else fonts.table), fonts.latin,
                  size=size, bold=None)

    def widen(tr: Any) -> None:
        cells = tr.findall(qn("w:tc"))
        if len(cells) != len(cm):  # a merged group row: one cell over the whole width
            for tc in cells:
                _tc_width(tc, sum(cm))
            return
        for tc, w in zip(cells, cm, strict=True):
            _tc_width(tc, w)

    for cell, h in zip(header.cells, headers, strict=True):
        fill(cell, h, head=True, right=False)
    tbl = t._tbl
    stream = None if _row_by_row else _RowStream(next(_STREAM_KEYS))
    templates: list[Any] = [None, None]  # skeletons of the data row and the group row

    def built(tr: Any, kind: int, texts: list[str]) -> None:
        """A row python-docx built: the template of its kind; once rows are streamed it leaves the tree
        and joins the stream, keeping the rows' order."""
        templates[kind] = _skeleton(tr)
        if stream is not None and stream.rows:
            tbl.remove(tr)
            stream.rows.append((kind, texts))

    for index, row in enumerate(rows):
        if groups and index in groups:
            text = clean_text(groups[index])
            if templates[_GROUP] is not None and stream is not None:
                stream.rows.append((_GROUP, [text]))
            else:
                band = t.add_row()
                _cant_split(band)
                _keep_row_with_next(band)
                merged = band.cells[0].merge(band.cells[-1])
                fill(merged, groups[index], head=False, right=False, east=fonts.heading1)
                _shade(merged)
                widen(band._tr)
                built(band._tr, _GROUP, [text])
        texts = [clean_text(v) for v in row]
        if templates[_ROW] is not None and stream is not None:
            stream.rows.append((_ROW, texts))
            continue
        added = t.add_row()
        _cant_split(added)
        for cell, value, num in zip(added.cells, row, numeric, strict=True):
            fill(cell, value, head=False, right=num)
        widen(added._tr)
        built(added._tr, _ROW, texts)
    if stream is not None and stream.rows:
        _mark_stream(doc, tbl, stream, templates)
    t.autofit = False
    for col, w in zip(t.columns, cm, strict=True):
        col.width = Cm(w)
    widen(header._tr)
    return t


_TEXT_PARTS = (qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"))
_BREAKS = re.compile(r"[\t\r\n]")


_W_T = qn("w:t")
_RUN = f"{qn('w:p')}/{qn('w:r')}"


def _skeleton(template: Any) -> Any:
    """A copy of a table row with one empty w:t in each cell's run: its kind's marker row is made from it."""
    tr = copy.deepcopy(template)
    for tc in tr.findall(qn("w:tc")):
        run = tc.find(_RUN)
        for el in [c for c in run if c.tag in _TEXT_PARTS]:
            run.remove(el)
        run.append(OxmlElement("w:t"))
    return tr


def _marker_row(skeleton: Any, texts: Sequence[str]) -> Any:
    """A copy of a row `_skeleton` made, its cells saying `texts` (a stream's markers: plain text)."""
    tr = copy.deepcopy(skeleton)
    for t, text in zip(list(tr.iter(_W_T)), texts, strict=True):
        t.text = text
    return tr


_ROW, _GROUP = 0, 1
_STREAM_KEYS = itertools.count()
_MARK = "\ue000{}:{}:{}\ue001"  # private-use characters: no text of ours contains them
_SLOT = re.compile(rb"<w:t>\xee\x80\x80(\d+):(\d):(\d+)\xee\x80\x81</w:t>")
_TR_OPEN, _TR_CLOSE = b"<w:tr>", b"</w:tr>"
_CHUNK_ROWS = 2000


@dataclass
class _RowStream:
    """A table's later rows as texts: (row kind, the cells' texts). The table holds one marker row per
    kind in their place, whose saved XML becomes the pattern every row of that kind is written by."""

    key: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


_STREAMS: weakref.WeakKeyDictionary[Any, list[_RowStream]] = weakref.WeakKeyDictionary()


def _mark_stream(doc: DocxDocument, tbl: Any, stream: _RowStream, templates: Sequence[Any]) -> None:
    """Put the marker rows at the table's end (where the streamed rows go) and register the stream."""
    for kind, skeleton in enumerate(templates):
        if skeleton is not None:
            cells = len(skeleton.findall(f"{qn('w:tc')}/{_RUN}/{qn('w:t')}"))
            tbl.append(_marker_row(skeleton, [_MARK.format(stream.key, kind, i) for i in range(cells)]))
    _STREAMS.setdefault(doc.part, []).append(stream)


def _w_t(text: str) -> str:
    """A w:t element as lxml serialises it (text escaped; surrounding spaces preserved)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<w:t xml:space="preserve">{escaped}</w:t>' if text != text.strip() else f"<w:t>{escaped}</w:t>"


def _text_xml(text: str) -> str:
    """A cell's text as python-docx writes a run's text: tabs and line breaks as their own elements."""
    if not _BREAKS.search(text):
        return _w_t(text) if text else ""
    out = []
    for part in re.split(r"([\t\r\n])", text):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\r", "\n"):
            out.append("<w:br/>")
        elif part:
            out.append(_w_t(part))
    return "".join(out)


def _patterns(xml: bytes, slots: dict[int, list[re.Match[bytes]]]) -> tuple[int, int, dict[int, list[str]]]:
    """From a stream's marker rows in the saved XML: where they start and end, and each kind's row as
    the pieces between its cells' texts."""
    pieces: dict[int, list[str]] = {}
    start, end = len(xml), 0
    for kind, found in slots.items():
        row_start = xml.rfind(_TR_OPEN, 0, found[0].start())
        row_end = xml.index(_TR_CLOSE, found[-1].end()) + len(_TR_CLOSE)
        bounds = [row_start, *[x for m in found for x in (m.start(), m.end())], row_end]
        pieces[kind] = [xml[a:b].decode() for a, b in zip(bounds[::2], bounds[1::2], strict=True)]
        start, end = min(start, row_start), max(end, row_end)
    return start, end, pieces


def _rendered(rows: Sequence[tuple[int, list[str]]], pieces: dict[int, list[str]]) -> Iterator[bytes]:
    buf: list[str] = []
    for n, (kind, texts) in enumerate(rows, start=1):
        pattern = pieces[kind]
        buf.append(pattern[0])
        for text, piece in zip(texts, pattern[1:], strict=True):
            buf.append(_text_xml(text))
            buf.append(piece)
        if n % _CHUNK_ROWS == 0:
            yield "".join(buf).encode()
            buf.clear()
    yield "".join(buf).encode()


def _spliced(xml: bytes, streams: Sequence[_RowStream]) -> Iterator[bytes]:
    """document.xml in pieces, each stream's rows written in place of its marker rows."""
    slots: dict[int, dict[int, list[re.Match[bytes]]]] = {}
    for m in _SLOT.finditer(xml):
        slots.setdefault(int(m[1]), {}).setdefault(int(m[2]), []).append(m)
    by_key = {s.key: s for s in streams}
    pos = 0
    for key, kinds in slots.items():  # document order
        start, end, pieces = _patterns(xml, kinds)
        yield xml[pos:start]
        yield from _rendered(by_key[key].rows, pieces)
        pos = end
    yield xml[pos:]


class _SplicingZipWriter:
    """python-docx's zip writer (`PhysPkgWriter`: write a part's blob, close), except that the document
    part is written piece by piece with the streamed rows: never whole in memory, as tree or as bytes."""

    def __init__(self, file: IO[bytes], document: Any, streams: Sequence[_RowStream]) -> None:
        self._zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED)
        self._document = document
        self._streams = streams
        self._zip64 = sum(len(texts) for s in streams for _, texts in s.rows) > 1_000_000  # ~1 KB a cell

    def write(self, pack_uri: Any, blob: bytes) -> None:
        if pack_uri != self._document:
            self._zip.writestr(pack_uri.membername, blob)
            return
        info = zipfile.ZipInfo(pack_uri.membername, time.localtime(time.time())[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16  # as writestr
        with self._zip.open(info, "w", force_zip64=self._zip64) as out:
            for chunk in _spliced(blob, self._streams):
                out.write(chunk)

    def close(self) -> None:
        self._zip.close()


def _tc_width(tc: Any, width_cm: float) -> None:
    tc_pr = tc.get_or_add_tcPr()
    tc_w = tc_pr.find(qn("w:tcW"))
    if tc_w is None:
        tc_w = OxmlElement("w:tcW")
        tc_pr.insert(0, tc_w)
    tc_w.set(qn("w:w"), str(int(Cm(width_cm).twips)))
    tc_w.set(qn("w:type"), "dxa")


def _keep_row_with_next(row: Any) -> None:
    for p in row._tr.iter(qn("w:p")):
        ppr = p.get_or_add_pPr()
        ppr.insert(0, OxmlElement("w:keepNext"))


def _shade(cell: Any) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "EDEDED")
    cell._tc.get_or_add_tcPr().append(shd)


TEXT_WIDTH_CM = 15.6  # A4 less the 28 + 26 mm side margins
TEXT_HEIGHT_CM = 22.5  # A4 less the 37 + 35 mm top and bottom margins
LANDSCAPE_TEXT_WIDTH_CM = 22.5  # A4 turned: 297 mm less the 37 + 35 mm margins
PICTURE_MAX_HEIGHT_CM = 19.0  # leaves room on the page for the figure's caption and a heading


def spread(fixed: Sequence[float | None]) -> list[float]:
    """Column widths (cm) filling the text width: the None columns share what the others leave."""
    free = [i for i, w in enumerate(fixed) if w is None]
    rest = max(TEXT_WIDTH_CM - sum(w for w in fixed if w is not None), 1.0 * len(free))
    return [w if w is not None else rest / len(free) for w in fixed] if free else [float(w) for w in fixed if w is not None]


def png_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")  # internal: the charts are drawn here
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def picture_size_cm(png: bytes, *, width_cm: float = 15.0, max_height_cm: float = PICTURE_MAX_HEIGHT_CM) -> tuple[float, float]:
    """The printed size of an image: `width_cm` wide, or narrower so that it is at most `max_height_cm` tall."""
    w, h = png_size(png)
    height = width_cm * h / w
    if height <= max_height_cm:
        return width_cm, height
    return max_height_cm * w / h, max_height_cm


def picture(doc: DocxDocument, png: bytes, *, width_cm: float = 15.0,
            max_height_cm: float = PICTURE_MAX_HEIGHT_CM) -> Paragraph:
    """An image centred, never taller than the page allows, kept on the page of its caption below."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.keep_with_next = True
    width, height = picture_size_cm(png, width_cm=width_cm, max_height_cm=max_height_cm)
    p.add_run().add_picture(io.BytesIO(png), width=Cm(width), height=Cm(height))
    return p


def caption(doc: DocxDocument, text: str, fonts: DocFonts, *, keep_next: bool = False) -> Paragraph:
    """A caption: below a figure, or above a table (`keep_next`: kept on the table's first page)."""
    p = doc.add_paragraph(style="Caption")
    if keep_next:
        p.paragraph_format.keep_with_next = True
    style_run(p.add_run(clean_text(text)), fonts.heading1, fonts.latin, size=fonts.caption_size, bold=False)
    return p


def page_break(doc: DocxDocument) -> None:
    doc.add_page_break()


def landscape_section(doc: DocxDocument) -> Any:
    """A new section on a new page, A4 turned (an appendix's wide table); page numbers continue."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    section.left_margin, section.right_margin = Mm(37), Mm(35)
    section.footer_distance = Mm(14)
    return section


def to_bytes(doc: DocxDocument) -> bytes:
    """The .docx; a document with streamed table rows is saved as python-docx saves a package
    (`OpcPackage.save`), through `_SplicingZipWriter`."""
    out = io.BytesIO()
    streams = _STREAMS.get(doc.part)
    if not streams:
        doc.save(out)
        return out.getvalue()
    package = doc.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    writer: Any = _SplicingZipWriter(out, doc.part.partname, streams)  # duck-typed PhysPkgWriter
    PackageWriter._write_content_types_stream(writer, parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, parts)
    writer.close()
    return out.getvalue()
