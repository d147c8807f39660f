"""The reviewer's day in a real browser: sessions that survive reloads, tabs and links; autosave; the
case file beside the form; sign-out and password change ending other sessions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import UI, zh
from tests.browser.seed import PASSWORD, seed

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(app_server):
    return seed(app_server.db_url)


def _ui(page, app_server, screenshots) -> UI:
    return UI(page, app_server.url, screenshots)


def test_reload_and_new_tab_keep_the_session_and_the_file(page, app_server, screenshots, world):
    ui = _ui(page, app_server, screenshots)
    ui.open()
    ui.sign_in("rv1", PASSWORD)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "casereview_session" in cookies and cookies["casereview_session"]["sameSite"] == "Lax"
    ui.open(f"score?assignment={world.assignment_ids[0]}")
    ui.expect_heading(world.case_numbers[0])
    page.reload()
    ui.idle()
    ui.expect_heading(world.case_numbers[0])
    expect(ui.sidebar.get_by_text("rv1 · ", exact=False)).to_be_visible()
    second = page.context.new_page()
    tab = UI(second, app_server.url, screenshots)
    tab.open(f"score?assignment={world.assignment_ids[0]}")
    tab.expect_heading(world.case_numbers[0])
    tab.shot("session_second_tab")
    second.close()


def test_deep_link_before_sign_in_returns_to_the_file(page, app_server, screenshots, world):
    ui = _ui(page, app_server, screenshots)
    ui.open(f"score?assignment={world.assignment_ids[0]}")
    ui.sign_in("rv1", PASSWORD)
    ui.idle()
    ui.expect_heading(world.case_numbers[0])
    assert f"assignment={world.assignment_ids[0]}" in page.url and "/score" in page.url


def _signed_in_tab(browser, app_server, screenshots, username: str, path: str = "") -> UI:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(20_000)
    tab = UI(context.new_page(), app_server.url, screenshots)
    tab.open(path)
    tab.sign_in(username, PASSWORD)
    return tab


def _expect_signed_out_after_reload(tab: UI) -> None:
    tab.page.reload()
    tab.idle()
    tab.expect_heading(zh("signin.title"))
    expect(tab.sidebar.get_by_text("rv1 · ", exact=False)).to_have_count(0)


def test_sign_out_and_password_change_end_other_sessions(browser, app_server, screenshots, world):
    office = _signed_in_tab(browser, app_server, screenshots, "rv1")
    laptop = _signed_in_tab(browser, app_server, screenshots, "rv1")
    office.sign_out()
    _expect_signed_out_after_reload(laptop)  # signing out in one browser ends the other at once

    laptop.sign_in("rv1", PASSWORD)
    lead = _signed_in_tab(browser, app_server, screenshots, "lead", "accounts")
    box = lead.main.get_by_role("combobox", name=zh("accounts.choose"), exact=True).first  # the edit form's
    box.click()
    box.fill("rv1 (评查员甲)")
    lead.page.get_by_role("option", name="rv1 (评查员甲)", exact=True).first.click()
    lead.idle()
    form = lead.main.get_by_test_id("stForm").last
    lead.fill(zh("accedit.password"), "another-pass-2024", within=form, commit=False)
    lead.click(zh("accedit.submit"), within=form)
    lead.expect_text(zh("accedit.saved", username="rv1"))
    _expect_signed_out_after_reload(laptop)  # the lead's password change ends rv1's sessions
    laptop.sign_in("rv1", "another-pass-2024")
    for tab in (office, laptop, lead):
        tab.page.context.close()
