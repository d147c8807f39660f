"""The whole flow in a real browser (Chinese UI), against `streamlit run` on a fresh database:
first-run set-up with the demo data, reviewer accounts, a new campaign, ... (see `test_full_flow`).

One long test: each step needs the previous one, and the steps share one server and one tab.
Screenshots of the key pages go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import UI, en, zh

pytestmark = pytest.mark.browser

LEAD = ("lead", "张组长", "lead-pass-2024")
REVIEWER_A = ("reviewer_a", "李评查", "review-a-pass", "区司法局")
REVIEWER_B = ("reviewer_b", "王评查", "review-b-pass", "区财政局")
CAMPAIGN = "浏览器测试评查"


def setup_lead_with_demo(ui: UI) -> None:
    ui.open()
    ui.expect_heading(zh("setup.title"))
    ui.shot("01_setup")
    form = ui.main.get_by_test_id("stForm")
    username, display_name, password = LEAD
    ui.fill(zh("field.username"), username, within=form, commit=False)
    ui.fill(zh("field.display_name"), display_name, within=form, commit=False)
    ui.fill(zh("field.password"), password, within=form, commit=False)
    ui.fill(zh("field.password_repeat"), password, within=form, commit=False)
    ui.check(zh("setup.load_demo"), within=form)
    ui.click(zh("setup.submit"), within=form)
    ui.expect_heading(zh("overview.title"))
    ui.expect_text(zh("setup.done", username=username))
    ui.expect_text("演示数据已载入")
    ui.expect_no_error()
    ui.shot("02_overview_after_setup")


def add_reviewer(ui: UI, username: str, display_name: str, password: str, unit: str) -> None:
    form = ui.main.get_by_test_id("stForm")
    ui.fill(zh("field.username"), username, within=form, commit=False)
    ui.fill(zh("field.display_name"), display_name, within=form, commit=False)
    ui.select(zh("field.role"), zh("role.reviewer"), within=form)
    ui.select(zh("field.unit"), unit, within=form)
    ui.fill(zh("field.password"), password, within=form, commit=False)
    ui.click(zh("accounts.add_submit"), within=form)
    ui.expect_no_error()
    ui.expect_text(zh("accounts.added", username=username))


def create_reviewers(ui: UI) -> None:
    ui.nav(zh("page.accounts"))
    ui.expect_heading(zh("accounts.title"))
    add_reviewer(ui, *REVIEWER_A)
    add_reviewer(ui, *REVIEWER_B)
    table = ui.main.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    ui.shot("03_accounts")


def create_campaign(ui: UI) -> None:
    ui.nav(zh("page.campaigns"))
    ui.expect_heading(zh("campaigns.title"))
    form = ui.main.get_by_test_id("stForm")
    ui.fill(zh("field.campaign_name"), CAMPAIGN, within=form, commit=False)
    ui.fill(zh("field.year"), 2024, within=form, commit=False)
    ui.fill_date(zh("field.window_start"), dt.date(2024, 1, 1), within=form)
    ui.fill_date(zh("field.window_end"), dt.date(2024, 12, 31), within=form)
    ui.fill(zh("field.reviewers"), 2, within=form, commit=False)
    ui.shot("04_campaign_form")
    ui.click(zh("campaigns.submit"), within=form)
    ui.expect_no_error()
    ui.expect_text(CAMPAIGN, within=ui.main)
    ui.expect_text("已创建评查活动 " + CAMPAIGN)
    ui.shot("05_campaign_created")


def english_switch(ui: UI) -> None:
    """The sidebar language switch: English labels appear, then back to Chinese."""
    ui.choose_radio("English", within=ui.sidebar)
    expect(ui.sidebar.get_by_role("link", name=en("page.campaigns"), exact=True)).to_be_visible()
    ui.expect_heading(en("campaigns.title"))
    ui.shot("06_english")
    ui.choose_radio("中文", within=ui.sidebar)
    ui.expect_heading(zh("campaigns.title"))


def test_full_flow(page, app_server, screenshots):  # noqa: ANN001
    ui = UI(page, app_server.url, screenshots)
    try:
        setup_lead_with_demo(ui)
        create_reviewers(ui)
        create_campaign(ui)
        english_switch(ui)
    except Exception:
        try:
            ui.shot("zz_failure")
        finally:
            print("---- streamlit output ----\n" + app_server.log_tail())
        raise
