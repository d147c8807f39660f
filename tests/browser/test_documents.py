"""The review notice downloaded from a real browser on the demo data: signed in as the demo's lead (the
server starts from the run's demo database, `tests.demo_template`), 评查结论 (draft the findings of the 2024 campaign) and 文书导出 (fill the 文号, make the notice,
download it). The .docx is opened with python-docx and checked against the core: the title, the 文号,
the overview sentence's figures (`scoring.aggregate.campaign_figures`), one unit-table row per unit with
results, and a finding shown on the findings page. Screenshots under test-artifacts/screenshots/documents/.

Uses the harness fixtures of tests/browser/conftest.py (server, browser, page). Setting up with the demo
through the first-run page is the flow test's (tests/browser/test_flow.py).
"""

from __future__ import annotations

import docx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.aggregate import campaign_figures, unit_summary
from scoring.db.models import Campaign, Finding
from scoring.db.session import open_db
from scoring.documents.common import num
from scoring.documents.notice import default_title
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import UI, zh, zh_re
from tests.factories import lead_id

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOT_DIR / "documents"
YEAR = 2024
NUMBER = "东司〔2025〕7号"


@pytest.fixture(scope="module")
def app_seed(demo_database):  # noqa: ANN001, ANN201 - the server starts from the demo
    return demo_database[0]


def _campaign_facts(db_url: str):  # noqa: ANN202
    """The 2024 demo campaign (id, name, default title) with its figures and unit rows, through the core."""
    engine = open_db(db_url)
    try:
        with Session(engine) as s:
            c = s.scalars(select(Campaign).where(Campaign.year == YEAR).order_by(Campaign.id.desc())).first()
            assert c is not None, f"the demo has no {YEAR} campaign"
            cid, name, title = c.id, c.name, default_title(c)
            fig = campaign_figures(s, lead_id(engine), cid)
            units = unit_summary(s, lead_id(engine), cid, top_n=0)
        return cid, name, title, fig, units
    finally:
        engine.dispose()


def _first_campaign_finding(db_url: str, campaign_id: int) -> str:
    """The title of the first included campaign-wide main problem, as the findings page saved it."""
    engine = open_db(db_url)
    try:
        with Session(engine) as s:
            title = s.scalar(select(Finding.title).where(
                Finding.campaign_id == campaign_id, Finding.unit_id.is_(None), Finding.section == "problem",
                Finding.included.is_(True)).order_by(Finding.position, Finding.id))
        return (title or "").strip()
    finally:
        engine.dispose()


def test_notice_download_on_the_demo(page, app_server, tmp_path):  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    ui = UI(page, app_server.url, SHOTS)
    ui.sign_in_as_demo_lead()
    cid, name, title, fig, units = _campaign_facts(app_server.db_url)
    assert fig.files_reviewed > 0 and units, "the demo's 2024 campaign has no final results"
    label = f"{name}（{YEAR}）"

    # 评查结论: draft the findings of the 2024 campaign.
    ui.nav(zh("page.findings"))
    ui.expect_heading(zh("find.title"))
    ui.select(zh("lw.campaign"), label)
    ui.click(zh("find.generate"))
    ui.expect_no_error()
    ui.expect_text(zh_re("find.report"))
    # The first campaign-wide finding the page drafted (included by default) must reach the notice. The
    # page edits the drafts in one table (a grid), so its text is read from the database it was saved to.
    expect(ui.main.get_by_role("combobox", name=zh("find.scope"), exact=True)).to_have_value(
        zh("find.scope_campaign"))
    finding = _first_campaign_finding(app_server.db_url, cid)
    assert finding
    ui.shot("documents_01_findings")

    # 文书导出: fill the 文号, make the notice, download it.
    ui.nav(zh("page.documents"))
    ui.expect_heading(zh("doc.title"))
    expect(ui.main.get_by_role("combobox", name=zh("lw.campaign"), exact=True)).to_have_value(label)
    expect(ui.main.get_by_label(zh("doc.field_title"), exact=True).first).to_have_value(title)
    number_box = ui.main.get_by_label(zh("doc.field_number"), exact=True).first  # the notice's (first) 文号
    number_box.fill(NUMBER)
    number_box.press("Tab")
    ui.idle()
    ui.click(zh("doc.make_notice"))
    ui.expect_no_error()
    ui.expect_text(zh_re("doc.made"))
    button = ui.main.get_by_role("button", name=zh("doc.download_notice"), exact=True)
    expect(button).to_be_visible()
    ui.shot("documents_02_notice_made")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx"), download.suggested_filename
    path = tmp_path / "notice.docx"
    download.save_as(path)

    doc = docx.Document(str(path))
    paras = [p.text.strip() for p in doc.paragraphs]
    titles = [p.text.strip() for p in doc.paragraphs if p.style.name == "Title"]
    assert titles and titles[0] == title, titles
    assert NUMBER in paras[:3], paras[:3]
    overview = next((p for p in paras if p.startswith("本次共抽查案卷")), None)
    assert overview is not None, "no overview sentence"
    assert overview.startswith(f"本次共抽查案卷{fig.files_reviewed}本"), overview
    for band, n in fig.grade_counts.items():
        assert f"{band}{n}本" in overview, (band, n, overview)
    assert f"平均分{num(fig.mean)}分" in overview and f"合格率{num(fig.pass_rate)}%" in overview, overview
    # The unit results table: a header row, then one row per unit with results.
    table = doc.tables[0]
    assert table.rows[0].cells[1].text.strip() == "单位"
    body = [[c.text.strip() for c in row.cells] for row in table.rows[1:]]
    assert len(body) == fig.units == len(units), (len(body), fig.units)
    assert {r[1] for r in body} == {u.unit for u in units}
    assert sum(int(r[2]) for r in body) == fig.files_reviewed
    # The finding from the findings page is in the notice's text (before the appendix).
    main_text = paras[:paras.index("评查发现问题溯源表")] if "评查发现问题溯源表" in paras else paras
    assert any(finding in p for p in main_text), f"finding {finding!r} not in the notice"
    ui.shot("documents_03_documents", full=True)
