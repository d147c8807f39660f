"""The register page's electronic-case-file tab: one PDF, and a ZIP previewed before anything is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from scoring.db.models import CaseFilePdf, PdfBlob, Unit
from scoring.db.session import open_db, session_factory, transaction
from tests.factories import Factory
from tests.pdf_builders import make_pdf
from tests.test_ui_helpers import seed, signed_in_app, texts


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    yield engine
    engine.dispose()


@pytest.fixture
def ids(db):
    ids = seed(db)
    with transaction(db) as s:
        unit = s.scalar(select(Unit).where(Unit.name == "区水务局"))
        f = Factory(s)
        for n in (1, 2):
            f.case_file(unit, case_number=f"水罚〔2024〕{n}号")
    return ids


def _count(engine, model) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_one_pdf_is_checked_then_attached(db, ids):
    at = signed_in_app(ids["lead"], "register")
    at.selectbox(key="pdfattach_case").set_value("水罚〔2024〕1号").run()
    at.file_uploader(key="pdfattach_one_0").set_value(("scan.pdf", b"GIF89a...", "application/pdf")).run()
    at.button(key="pdfattach_go").click().run()
    assert not at.exception
    assert any("scan.pdf：不是 PDF 文件" in e for e in texts(at, "error"))
    assert _count(db, PdfBlob) == 0
    at.file_uploader(key="pdfattach_one_0").set_value(("scan.pdf", make_pdf(3), "application/pdf")).run()
    at.button(key="pdfattach_go").click().run()
    assert not at.exception
    assert any("已为 水罚〔2024〕1号 附加 scan.pdf" in s for s in texts(at, "success"))
    assert _count(db, CaseFilePdf) == 1


def test_zip_preview_lists_matches_and_stores_only_on_request(db, ids):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("水罚[2024]1号.pdf", make_pdf(2))
        zf.writestr("水罚〔2024〕2号 附件.pdf", b"not a pdf")
        zf.writestr("无关.pdf", make_pdf(1))
    at = signed_in_app(ids["lead"], "register")
    at.file_uploader(key="pdfattach_zip_0").set_value(("scans.zip", buffer.getvalue(), "application/zip")).run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    matched = next(f for f in frames if "页数" in f.columns)
    assert list(matched["案号"]) == ["水罚〔2024〕1号"] and list(matched["页数"]) == [2]
    assert any("无关.pdf" in list(f.get("文件", [])) and len(f.columns) == 1 for f in frames)
    assert any("原因" in f.columns and "不是 PDF 文件" in f["原因"][0] for f in frames)
    assert _count(db, PdfBlob) == 0  # the preview stores nothing
    at.button(key="pdfattach_store").click().run()
    assert not at.exception
    assert any("新附加 1 个" in s for s in texts(at, "success"))
    assert _count(db, CaseFilePdf) == 1
