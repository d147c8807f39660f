"""One anonymisation rule everywhere (scoring.anonymise): an anonymised campaign's every document and
export, and everything its pages show a non-lead, scanned for a full case number, and a unit's own
documents for any other unit's name; the campaign-level parts of the notice name no unit beside a case."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from docx import Document as open_docx
from hypothesis import given
from hypothesis import strategies as st

from scoring import findings
from scoring.accounts import create_user
from scoring.aggregate import unit_summary
from scoring.aggregate.disclosure import (
    final_result,
    readable_file_list,
    readable_problem_files,
)
from scoring.anonymise import MASK, mask_case_number
from scoring.documents import EXPORTS, build_notice, build_supervision, export
from scoring.documents.notice import unit_chart_parts
from scoring.workflow.publish import publish_campaign
from tests.test_aggregate_world import shared_world  # noqa: F401


def docx_text(content: bytes) -> str:
    doc = open_docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(c.text for row in table.rows for c in row.cells)
    return "\n".join(parts)


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


@pytest.fixture(scope="module")
def anon(shared_world):  # noqa: F811
    """The shared world's campaign, anonymised (the default for a new campaign), findings drafted,
    published, with an observer."""
    w = shared_world
    s = w.session
    w.current.anonymise = True
    s.commit()
    findings.generate_findings(s, w.lead, w.current.id)
    publish_campaign(s, w.lead, w.current)
    observer = create_user(s, username="anon-obs", display_name="观察员", role="observer", actor=w.lead)
    return w, observer


def _full_numbers(text: str, numbers: list[str]) -> list[str]:
    return [n for n in numbers if n in text]


def test_every_document_and_export_masks_case_numbers(anon):
    w, observer = anon
    s, cid = w.session, w.current.id
    numbers = [cf.case_number for cf in w.files]
    texts = {"notice (lead)": docx_text(build_notice(s, w.lead, cid, font_search=[]).content),
             "notice (observer)": docx_text(build_notice(s, observer, cid, font_search=[]).content)}
    for u in unit_summary(s, w.lead, cid, top_n=0):
        texts[f"supervision {u.unit}"] = docx_text(build_supervision(s, w.lead, cid, u.unit_id).content)
    for what in EXPORTS:
        texts[f"export {what}"] = xlsx_text(export(s, w.lead, cid, what).content)
    for name, text in texts.items():
        assert not _full_numbers(text, numbers), name
    # The masked form is the rule's: agency prefix and year kept, serial masked.
    assert mask_case_number(numbers[0]) in texts["export scores"]
    assert all(MASK in text for name, text in texts.items() if name.startswith(("supervision", "export d")))


def test_unit_documents_name_no_other_unit(anon):
    w, _ = anon
    s, cid = w.session, w.current.id
    names = [u.name for u in w.units.values()]
    checked = 0
    for u in unit_summary(s, w.lead, cid, top_n=0):
        text = docx_text(build_supervision(s, w.lead, cid, u.unit_id).content)
        others = [n for n in names if n != u.unit and n not in u.unit]
        assert [n for n in others if n in text] == [], u.unit
        masked = [mask_case_number(cf.case_number) for cf in w.files if cf.unit_id == u.unit_id]
        assert any(m in text for m in masked), u.unit  # its own files, masked
        checked += 1
    assert checked == 4


def test_notice_names_no_unit_beside_a_case(anon):
    w, _ = anon
    s, cid = w.session, w.current.id
    doc = open_docx(io.BytesIO(build_notice(s, w.lead, cid, font_search=[]).content))
    paras = [p.text for p in doc.paragraphs]
    typical = paras[paras.index("三、典型问题") + 1: paras.index("四、工作建议")]
    assert typical and all("某单位办理的一起案件" in p for p in typical)
    names = [u.name for u in w.units.values()]
    assert not [n for p in typical for n in names if n in p]
    appendix = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["序号", "评查意见"])
    cells = "\n".join(c.text for row in appendix.rows for c in row.cells)
    assert not [n for n in names if n in cells]
    assert not re.search(r"〔20\d\d〕\d+号", cells)


def test_pages_for_non_leads_mask_case_numbers(anon):
    w, observer = anon
    s, cid = w.session, w.current.id
    numbers = [cf.case_number for cf in w.files]
    seen: list[str] = []
    for row in readable_file_list(s, observer, cid):
        seen.append(row.case_number)
        seen.append(final_result(s, observer, cid, row.case_file_id).case_number)
    for f in findings.list_findings(s, observer, cid, unit_id="all"):
        seen.extend([f.title, f.body])
        for t in findings.finding_traces(s, observer, f.id):
            seen.extend([t.case_number, t.unit_name if f.unit_id is None else ""])
            if t.item_id and t.reason_id:
                seen.extend(p.case_number for p in readable_problem_files(s, observer, cid, t.item_id, t.reason_id))
    text = "\n".join(seen)
    assert seen and not _full_numbers(text, numbers)
    # A lead's own pages show the real numbers (the lead acts on the files).
    assert {r.case_number for r in readable_file_list(s, w.lead, cid)} == set(numbers)


@given(prefix=st.text(alphabet="东城管罚市监环卫农", min_size=1, max_size=5), year=st.integers(1990, 2099),
       serial=st.integers(1, 99999), bracket=st.sampled_from(["〔〕", "[]", "（）", "()"]))
def test_mask_keeps_agency_and_year_and_hides_the_serial(prefix, year, serial, bracket):
    number = f"{prefix}{bracket[0]}{year}{bracket[1]}{serial}号"
    masked = mask_case_number(number)
    assert masked == f"{prefix}{bracket[0]}{year}{bracket[1]}{MASK}号"
    assert mask_case_number(masked) == masked  # masking twice changes nothing


@given(n=st.integers(0, 400), per=st.integers(1, 60))
def test_unit_charts_split_evenly_and_cover_every_unit(n, per):
    parts = unit_chart_parts(n, per)
    assert [i for a, b in parts for i in range(a, b)] == list(range(n))
    sizes = [b - a for a, b in parts]
    assert all(1 <= s <= per for s in sizes) and (not sizes or max(sizes) - min(sizes) <= 1)
