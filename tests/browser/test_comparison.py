"""The unit comparison page in a real browser on the demo data: signed in as the demo's lead (the server
starts from the run's demo database, `tests.demo_template`; its finished, published 2024 campaign), then
单位对比: the ranked chart with intervals and the heatmap are drawn,
the unit table holds the core's figures, a filter narrows it; screenshots under
test-artifacts/screenshots/comparison/.

Uses the harness fixtures of tests/browser/conftest.py (server, browser, page). The pictures go to a
folder of their own: the `screenshots` fixture empties test-artifacts/screenshots/*.png at the start
of each module that uses it, which would remove them when the flow test runs after this one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.aggregate import unit_table
from scoring.db.models import Campaign
from scoring.db.session import open_db
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import UI, zh
from tests.factories import lead_id

pytestmark = pytest.mark.browser

CHART = "[data-testid='stVegaLiteChart']"
SHOTS = SCREENSHOT_DIR / "comparison"


@pytest.fixture(scope="module")
def app_seed(demo_database):  # noqa: ANN001, ANN201 - the server starts from the run's demo database
    return demo_database[0]


def _newest_campaign(db_url: str) -> tuple[int, str, int]:
    engine = open_db(db_url)
    try:
        with Session(engine) as s:
            c = s.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).first()
            return c.id, c.name, c.year
    finally:
        engine.dispose()


def _rendered_chart(ui: UI, index: int):  # noqa: ANN202
    chart = ui.main.locator(CHART).nth(index)
    expect(chart).to_be_visible(timeout=30_000)
    drawn = chart.locator("canvas, svg").first
    expect(drawn).to_be_visible(timeout=30_000)
    box = drawn.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200, box
    return chart


def test_comparison_page_on_the_demo(page, app_server):  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    ui = UI(page, app_server.url, SHOTS)
    ui.sign_in_as_demo_lead()
    # The overview now shows the newest campaign's headline figures.
    cid, name, year = _newest_campaign(app_server.db_url)
    engine = open_db(app_server.db_url)
    try:
        with Session(engine) as s:
            rows = unit_table(s, lead_id(engine), cid)
    finally:
        engine.dispose()
    ui.expect_text(f"抽查{sum(r.figures.files for r in rows)}本案卷")
    ui.shot("compare_00_overview")

    ui.nav(zh("page.compare"))
    ui.expect_heading(zh("cmp.title"))
    expect(ui.main.get_by_role("combobox", name=zh("cmp.campaign"), exact=True)).to_have_value(f"{name}（{year}）")
    ui.expect_no_error()
    ranked = _rendered_chart(ui, 0)
    _rendered_chart(ui, 1)  # the heatmap
    league = sorted((r for r in rows if r.uncertainty.rank is not None), key=lambda r: r.uncertainty.rank)
    best, second = league[0], league[1]
    # The table's first rows (a dataframe draws only the rows in view): the league's top, with the core's means.
    ui.expect_table_text(best.figures.unit, f"{best.figures.mean:.2f}", second.figures.unit,
                         f"{second.figures.mean:.2f}")
    ui.expect_text(zh("cmp.ranked"))
    ui.shot("compare_01_units", at=ranked)

    # A tooltip with the exact figures when the pointer rests on the best unit's bar (the top one).
    ranked.scroll_into_view_if_needed()
    box = ranked.locator("canvas, svg").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 12)
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_contain_text(best.figures.unit, timeout=10_000)
    expect(tooltip).to_contain_text(f"{best.figures.mean:.2f}")
    expect(tooltip).to_contain_text(f"{best.uncertainty.ci_low:.2f}")
    page.screenshot(path=str(SHOTS / "compare_02_tooltip.png"))

    # Towns only: the table narrows to towns.
    ui.select(zh("cmp.filter_kind"), zh("cmp.kind.town"))
    ui.expect_no_error()
    towns = [r.figures.unit for r in league if r.figures.kind == "town"]
    ui.expect_table_text(towns[0], towns[1])
    table = ui.main.get_by_test_id("stDataFrame").filter(has_text=towns[0]).first
    department = next(r.figures.unit for r in league if r.figures.kind == "department")
    expect(table).not_to_contain_text(department)
    _rendered_chart(ui, 0)
    ui.shot("compare_03_towns")
