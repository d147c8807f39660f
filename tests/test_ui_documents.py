"""The Documents page (lead): inputs, make-and-download buttons for the notice and the supervision
recommendations, the four Excel download buttons, warnings; the downloaded bytes open as Word files."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document as open_docx
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from scoring.db.session import open_db, session_factory
from scoring.ui.app import PAGES_BY_ROLE
from tests.test_aggregate_world import U2, U4, build_world
from tests.test_ui_helpers import signed_in_app, texts

EXPORT_LABELS = ["案卷得分（含各项扣分）", "单位汇总", "扣分台账", "抽样记录"]


@pytest.fixture
def ui_world(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    session = session_factory(engine)()
    w = build_world(session, tmp_path)
    ids = {"lead": w.lead.id, "reviewer": w.reviewers[0].id, "campaign": w.current.id}
    session.close()
    yield ids
    engine.dispose()


@pytest.fixture
def media(monkeypatch):
    """Every in-memory media store AppTest makes, to read a download button's bytes back."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    return stores


def download_bytes(stores: list[MemoryMediaFileStorage], url: str) -> bytes:
    name = url.rsplit("/", 1)[-1]
    for store in reversed(stores):
        try:
            return store.get_file(name).content
        except Exception:  # noqa: BLE001 - not in this run's store
            continue
    raise AssertionError(f"no media file {url}")


def _downloads(at) -> dict[str, object]:  # noqa: ANN001
    return {b.proto.label: b.proto for b in at.get("download_button")}


def _open(at, campaign: int):  # noqa: ANN001, ANN202
    at.selectbox(key="doc_campaign").select(campaign).run()
    return at


def test_documents_page_is_for_leads_only():
    assert "documents" in PAGES_BY_ROLE["lead"]
    assert all("documents" not in pages for role, pages in PAGES_BY_ROLE.items() if role != "lead")


def test_page_renders_buttons_and_notice_download_is_a_docx(ui_world, media):
    at = _open(signed_in_app(ui_world["lead"], "documents"), ui_world["campaign"])
    assert not at.exception
    assert texts(at, "title") == ["文书与导出"]
    labels = [b.label for b in at.button]
    assert "生成通报" in labels and "生成监督建议书" in labels
    assert list(_downloads(at)) == EXPORT_LABELS  # Excel exports are always offered
    assert at.text_input(key=f"doc_title_{ui_world['campaign']}").value == "关于2024年度行政执法案卷评查情况的通报"
    at.text_input(key="doc_number").input("X司〔2025〕3号")
    at.text_input(key="doc_issuer").input("区司法局")
    at.button(key="doc_make_notice").click().run()
    assert not at.exception
    downloads = _downloads(at)
    assert "下载通报（.docx）" in downloads
    doc = open_docx(io.BytesIO(download_bytes(media, downloads["下载通报（.docx）"].url)))
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "X司〔2025〕3号" and "区司法局" in paras
    assert any(p.startswith("本次共抽查案卷12本，其中优秀4本、良好5本、合格2本、不合格1本") for p in paras)
    assert any("成文日期" in w or "date" in w for w in texts(at, "warning"))  # blank date: a form field


def test_missing_font_warning_shown(ui_world, monkeypatch, tmp_path):
    empty = tmp_path / "empty-fonts"
    empty.mkdir()
    monkeypatch.setenv("CASEREVIEW_CJK_FONT", str(empty))
    at = _open(signed_in_app(ui_world["lead"], "documents"), ui_world["campaign"])
    assert any("未找到中文字体" in w for w in texts(at, "warning"))
    at.button(key="doc_make_notice").click().run()
    assert not at.exception and "下载通报（.docx）" in _downloads(at)


def test_supervision_downloads(ui_world, media):
    at = _open(signed_in_app(ui_world["lead"], "documents"), ui_world["campaign"])
    assert any("需制发监督建议书的单位：1 个" in c for c in texts(at, "caption"))
    at.number_input(key=f"doc_threshold_{ui_world['campaign']}").set_value(80.0).run()
    assert any("需制发监督建议书的单位：2 个" in c for c in texts(at, "caption"))
    at.button(key="doc_make_supervision").click().run()
    assert not at.exception
    downloads = _downloads(at)
    assert {"全部下载（.zip）", f"{U2}（.docx）", f"{U4}（.docx）"} <= set(downloads)
    one = open_docx(io.BytesIO(download_bytes(media, downloads[f"{U4}（.docx）"].url)))
    assert [p.text for p in one.paragraphs][:1] == ["行政执法监督建议书"]
    with zipfile.ZipFile(io.BytesIO(download_bytes(media, downloads["全部下载（.zip）"].url))) as z:
        assert len(z.namelist()) == 2


def test_english_labels(ui_world):
    at = _open(signed_in_app(ui_world["lead"], "documents"), ui_world["campaign"])
    at.session_state["lang"] = "en"
    at.run()
    assert texts(at, "title") == ["Documents and exports"]
    assert "Make the notice" in [b.label for b in at.button]
