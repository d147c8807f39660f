"""Word tables (scoring.documents.docx_kit.table): later rows are kept as texts and written into the saved
document.xml after the pattern of the first; the saved XML must be exactly what building every row through
python-docx gives."""

from __future__ import annotations

import io
import re
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from scoring.documents import docx_kit as kit
from scoring.documents.fonts import DocFonts

HEADERS = ["序号", "案号", "评查意见", "得分（等次）"]
TEXT = st.text(alphabet=st.sampled_from(list("案卷评查 ab1\t\n\r　，。&<>\"'") + [" "]), max_size=12)


def _xml(rows, groups, *, row_by_row: bool, tables: int = 1) -> str:
    """The saved document.xml of a document with the table (`tables` times, with a paragraph after each)."""
    fonts = DocFonts()
    doc = kit.new_document(fonts, title="t", author="")
    for n in range(tables):
        kit.table(doc, HEADERS, rows, fonts, widths=[0, 4.2, None, 0], numeric=[True, False, False, True],
                  size=9.0, groups=groups, _row_by_row=row_by_row)
        kit.paragraph(doc, f"after table {n}", fonts=fonts)
    with zipfile.ZipFile(io.BytesIO(kit.to_bytes(doc))) as z:
        xml = z.read("word/document.xml").decode()
    etree.fromstring(xml.encode())  # well-formed
    return xml


@settings(max_examples=40)
@given(rows=st.lists(st.tuples(st.integers(0, 999), TEXT, TEXT, st.one_of(st.none(), TEXT)), min_size=1, max_size=8),
       group_at=st.sets(st.integers(0, 7), max_size=3), group_text=TEXT)
def test_copied_rows_are_the_rows_python_docx_builds(rows, group_at, group_text):
    groups = {i: f"{group_text}{i}" for i in group_at if i < len(rows)}
    assert _xml(rows, groups, row_by_row=False) == _xml(rows, groups, row_by_row=True)


@settings(max_examples=10)
@given(rows=st.lists(st.tuples(st.integers(0, 999), TEXT, TEXT, TEXT), min_size=1, max_size=5),
       group_at=st.sets(st.integers(0, 4), max_size=2))
def test_several_streamed_tables_in_one_document(rows, group_at):
    groups = {i: f"问题{i}" for i in group_at if i < len(rows)}
    assert _xml(rows, groups, row_by_row=False, tables=3) == _xml(rows, groups, row_by_row=True, tables=3)


def test_a_big_table_keeps_every_row_and_group():
    rows = [(i, f"东罚〔2024〕{i}号", f"意见{i}", f"{80 + i % 20}.00（良好）") for i in range(300)]
    xml = _xml(rows, {0: "问题1", 150: "问题2"}, row_by_row=False)
    assert len(re.findall(r"<w:tr[ >]", xml)) == 1 + 300 + 2
    assert "东罚〔2024〕299号" in xml and "问题2" in xml and "\ue000" not in xml


@given(st.text(alphabet=st.sampled_from(["\x00", "\t", "a", " ", "\x7f", "é", "\u2e7f", "\u2e80", "　", "案", "，",
                                         "\uffff", "\U0001f600"]), max_size=30))
def test_text_ems_counts_as_character_by_character(text):
    assert kit.text_ems(text) == sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)
