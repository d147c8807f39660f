"""Electronic case files: checks before storing, dedup by content, bulk matching by 案号, and who may read."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from scoring import audit, case_pdfs
from scoring.accounts import create_user
from scoring.db.models import Assignment, Campaign, PdfBlob
from scoring.errors import NotFound, PermissionDenied, ValidationFailed
from scoring.settings import PdfLimits
from tests.pdf_builders import make_pdf


@pytest.fixture
def world(session, factory):
    water = factory.unit("区水务局")
    town = factory.unit("城桥镇", kind="town")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
    rv_water = create_user(session, username="rvw", display_name="甲", role="reviewer", unit_name="区水务局", actor=lead)
    rv_town = create_user(session, username="rvt", display_name="乙", role="reviewer", unit_name="城桥镇", actor=lead)
    observer = create_user(session, username="obs", display_name="丙", role="observer", actor=lead)
    f1 = factory.case_file(water, case_number="水罚〔2024〕12号")
    f2 = factory.case_file(water, case_number="水罚〔2024〕1号")
    f3 = factory.case_file(town, case_number="城桥罚〔2024〕7号")
    campaign = Campaign(name="c", year=2024, window_start=f1.decision_date, window_end=f1.decision_date,
                        grade_bands=[], pass_line=60)
    session.add(campaign)
    session.flush()
    session.add(Assignment(campaign_id=campaign.id, case_file_id=f1.id, reviewer_id=rv_town.id))
    session.flush()
    return {"lead": lead, "rv_water": rv_water, "rv_town": rv_town, "observer": observer,
            "f1": f1, "f2": f2, "f3": f3}


def test_attach_checks_magic_bytes_pages_and_size(session, world):
    lead = world["lead"]
    with pytest.raises(ValidationFailed, match=r"scan\.pdf: not a PDF"):
        case_pdfs.attach(session, lead, "水罚〔2024〕12号", "scan.pdf", b"PK\x03\x04 a zip in disguise")
    with pytest.raises(ValidationFailed, match=r"broken\.pdf: the PDF cannot be read"):
        case_pdfs.attach(session, lead, "水罚〔2024〕12号", "broken.pdf", b"%PDF-1.4\n garbage")
    with pytest.raises(ValidationFailed, match="empty"):
        case_pdfs.attach(session, lead, "水罚〔2024〕12号", "e.pdf", b"")
    small = PdfLimits(max_bytes=2000, max_pages=2)
    with pytest.raises(ValidationFailed, match="larger than the limit of"):
        case_pdfs.check_pdf("big.pdf", make_pdf(1) + b"\0" * 3000, small)
    with pytest.raises(ValidationFailed, match="3 pages is more than the limit of 2"):
        case_pdfs.check_pdf("long.pdf", make_pdf(3), PdfLimits(max_bytes=10**7, max_pages=2))
    with pytest.raises(NotFound, match="no case file numbered"):
        case_pdfs.attach(session, lead, "无此案号", "a.pdf", make_pdf(1))
    assert session.scalar(select(func.count()).select_from(PdfBlob)) == 0  # nothing stored by any refusal


def test_only_the_lead_attaches(session, world):
    with pytest.raises(PermissionDenied):
        case_pdfs.attach(session, world["rv_town"], "水罚〔2024〕12号", "a.pdf", make_pdf(1))


def test_same_pdf_twice_is_stored_once_and_replacing_is_audited(session, world):
    lead, pdf = world["lead"], make_pdf(4)
    assert case_pdfs.attach(session, lead, "水罚〔2024〕12号", "a.pdf", pdf) == "attached"
    assert case_pdfs.attach(session, lead, "水罚〔2024〕12号", "a-again.pdf", pdf) == "unchanged"
    assert case_pdfs.attach(session, lead, "水罚〔2024〕1号", "same-scan.pdf", pdf) == "attached"
    assert session.scalar(select(func.count()).select_from(PdfBlob)) == 1
    assert case_pdfs.attach(session, lead, "水罚〔2024〕12号", "b.pdf", make_pdf(2)) == "replaced"
    got = case_pdfs.info(session, lead, world["f1"].id)
    assert (got.filename, got.pages) == ("b.pdf", 2)
    entry = audit.history(session, "case_file", world["f1"].id)[-1]
    assert entry.action == "attach_pdf" and entry.old_value["filename"] == "a.pdf"


def test_reader_rules_blind_and_recusal(session, world):
    lead = world["lead"]
    for n in ("水罚〔2024〕12号", "城桥罚〔2024〕7号"):
        case_pdfs.attach(session, lead, n, f"{n}.pdf", make_pdf(2, n))
    f1, f3 = world["f1"].id, world["f3"].id
    info, data = case_pdfs.fetch(session, world["rv_town"], f1)  # assigned, other unit
    assert data.startswith(b"%PDF-") and info.pages == 2
    # Not assigned: the same answer as for an id that does not exist.
    for actor, file_id in ((world["rv_water"], f1), (world["rv_town"], f3), (world["observer"], f1), (None, f1)):
        with pytest.raises(NotFound) as refused:
            case_pdfs.fetch(session, actor, file_id)
        with pytest.raises(NotFound) as missing:
            case_pdfs.fetch(session, actor, 999_999)
        assert str(refused.value).replace(str(file_id), "N") == str(missing.value).replace("999999", "N")
    # Recusal holds even if an assignment slipped in for one's own unit.
    session.add(Assignment(campaign_id=1, case_file_id=f1, reviewer_id=world["rv_water"].id))
    session.flush()
    with pytest.raises(NotFound):
        case_pdfs.fetch(session, world["rv_water"], f1)
    assert case_pdfs.fetch(session, lead, f3)[0].case_number == "城桥罚〔2024〕7号"


def _zip(entries: dict[str, bytes], gbk: bool = False) -> bytes:
    """A ZIP of `entries`; with `gbk`, names stored as a Chinese Windows zip tool stores them (GBK bytes,
    no UTF-8 flag): written under ASCII placeholders of the same byte length, then swapped in."""
    buffer = io.BytesIO()
    swaps = []
    with zipfile.ZipFile(buffer, "w") as zf:
        for i, (name, data) in enumerate(entries.items()):
            raw = name.encode("gb18030")
            placeholder = f"~{i:03d}~".ljust(len(raw), "x").encode() if gbk else raw
            swaps.append((placeholder, raw))
            zf.writestr(placeholder.decode() if gbk else name, data)
    out = buffer.getvalue()
    for placeholder, raw in swaps if gbk else ():
        out = out.replace(placeholder, raw)
    return out


def test_bulk_preview_matches_by_case_number_and_stores_only_after_apply(session, world):
    lead = world["lead"]
    bundle = _zip({
        "扫描件/水罚[2024]12号 案卷.pdf": make_pdf(3),        # brackets written differently
        "水罚（2024）1号.PDF": make_pdf(2),                  # full-width parentheses, upper-case suffix
        "城桥罚〔2024〕7号+水罚〔2024〕1号.pdf": make_pdf(1),   # two case numbers: ambiguous
        "说明.pdf": make_pdf(1),                            # no case number
        "城桥罚〔2024〕7号 坏.pdf": b"not a pdf at all",     # matched, but not a PDF
        "readme.txt": b"ignored",
    }, gbk=True)
    plan = case_pdfs.plan_bulk(session, lead, case_pdfs.read_bundle(bundle))
    assert sorted((n, c) for n, c, _ in plan.matched) == [("水罚[2024]12号 案卷.pdf", "水罚〔2024〕12号"),
                                                          ("水罚（2024）1号.PDF", "水罚〔2024〕1号")]
    assert plan.unmatched == ["说明.pdf"]
    assert plan.ambiguous == [("城桥罚〔2024〕7号+水罚〔2024〕1号.pdf", ["城桥罚〔2024〕7号", "水罚〔2024〕1号"])]
    assert [(n, str(e)) for n, e in plan.rejected] == [
        ("城桥罚〔2024〕7号 坏.pdf", "城桥罚〔2024〕7号 坏.pdf: not a PDF (it does not start with %PDF-)")]
    assert plan.rejected[0][1].localized("zh") == "城桥罚〔2024〕7号 坏.pdf：不是 PDF 文件（文件头不是 %PDF-）"
    assert session.scalar(select(func.count()).select_from(PdfBlob)) == 0  # the preview stores nothing
    assert case_pdfs.apply_bulk(session, lead, plan) == {"attached": 2, "replaced": 0, "unchanged": 0}
    assert case_pdfs.info(session, lead, world["f1"].id).pages == 3
    assert case_pdfs.info(session, lead, world["f3"].id) is None


def test_two_files_for_one_case_are_ambiguous_and_folders_work(session, world, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "水罚〔2024〕12号-正本.pdf").write_bytes(make_pdf(1))
    (tmp_path / "水罚〔2024〕12号-副本.pdf").write_bytes(make_pdf(2))
    plan = case_pdfs.plan_bulk(session, world["lead"], case_pdfs.read_bundle(tmp_path))
    assert not plan.matched and sorted(n for n, _ in plan.ambiguous) == ["水罚〔2024〕12号-副本.pdf",
                                                                          "水罚〔2024〕12号-正本.pdf"]


def test_bad_zip_and_oversized_entries(session, world):
    with pytest.raises(ValidationFailed, match="not a ZIP file"):
        case_pdfs.read_bundle(b"hello")
    limits = PdfLimits(max_bytes=5000, max_pages=10)
    entries = case_pdfs.read_bundle(_zip({"水罚〔2024〕12号.pdf": b"%PDF-" + b"0" * 10**6}), limits)
    assert len(entries[0][1]) == 5001  # never read past the limit
    plan = case_pdfs.plan_bulk(session, world["lead"], entries, limits)
    assert "larger than the limit" in str(plan.rejected[0][1])


@given(st.sampled_from("〔［【[（("), st.sampled_from("〕］】]）)"), st.text(" _-案卷扫描", max_size=4),
       st.integers(min_value=1, max_value=999))
def test_property_any_bracket_style_matches_the_same_case_number(open_, close, noise, n):
    number = f"水罚〔2024〕{n}号"
    filename = f"{noise}水罚{open_}2024{close}{n}号{noise}"
    assert case_pdfs.match_key(number) in case_pdfs.match_key(filename)
    assert case_pdfs.match_key(f"水罚〔2024〕{n + 1}号") not in case_pdfs.match_key(filename) or str(n + 1) in str(n)


def test_render_page_gives_distinct_images_and_refuses_bad_pages():
    pdf = make_pdf(3)
    one, two = case_pdfs.render_page(pdf, 1, 300), case_pdfs.render_page(pdf, 2, 300)
    assert one.startswith(b"\x89PNG") and one != two
    with pytest.raises(ValidationFailed, match=r"page 4 is outside the file \(1-3\)"):
        case_pdfs.render_page(pdf, 4)
