"""The reviewer's day in a real browser: sessions that survive reloads, tabs and links; autosave; the
case file beside the form; sign-out and password change ending other sessions."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from scoring import case_pdfs
from scoring.db.models import User
from scoring.db.session import session_factory
from scoring.errors import NotFound
from tests.browser import core
from tests.browser.helpers import UI, zh, zh_re
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


def _engine(app_server):
    return create_engine(app_server.db_url)


def _standard(app_server, world):
    return core.standard_of(_engine(app_server), world.campaign_id, world.case_numbers[0])


def _reviews_of(app_server, assignment_id: int) -> int:
    with sqlite3.connect(app_server.db_path) as conn:
        return conn.execute("SELECT count(*) FROM reviews WHERE assignment_id = ?", (assignment_id,)).fetchone()[0]


def _deduct(ui: UI, standard, item_id: str, reason_id: str, page_text: str | None = None):
    item = standard.items_by_id[item_id][1]
    d = item.deduction(reason_id)
    ui.main.get_by_role("radiogroup", name=item.title, exact=True).get_by_role(
        "radio", name=zh("scorep.choice.deduct"), exact=True).click()
    ui.idle()
    box = ui.block(f"{item.id} · ")
    if len(item.deductions) > 1:
        if d.points is not None:
            label = zh("scorep.ded_fixed", reason=d.reason, points=core.num(d.points))
        else:
            cap = zh("scorep.ded_cap", cap=core.num(d.cap)) if d.cap is not None else ""
            label = zh("scorep.ded_each", reason=d.reason, points=core.num(d.per_occurrence), cap=cap)
        ui.multiselect(zh("scorep.reasons"), [label], within=box)
    if page_text is not None:
        ui.fill(zh("scorep.page"), page_text, within=box)
    return box


def test_autosave_survives_a_reload_and_the_pdf_jumps_to_a_deductions_page(page, app_server, screenshots, world):
    standard = _standard(app_server, world)
    ui = _ui(page, app_server, screenshots)
    ui.open(f"score?assignment={world.assignment_ids[0]}")
    ui.sign_in("rv1", PASSWORD)
    ui.idle()
    ui.expect_heading(world.case_numbers[0])
    assert _reviews_of(app_server, world.assignment_ids[0]) == 0  # opening the file created nothing
    ui.expect_text(zh("autosave.nothing"))
    box = _deduct(ui, standard, "G-S1", "b", "3")
    ui.expect_text(zh_re("autosave.saved"))
    assert _reviews_of(app_server, world.assignment_ids[0]) == 1  # the first mark did
    marks = {"items": {"G-S1": {"deductions": [{"reason": "b", "page": "3"}]}}}
    shown = core.two_places(core.engine_score(_engine(app_server), world.campaign_id, world.case_numbers[0],
                                              marks).score)
    expect(ui.metric(zh("live.score"))).to_have_text(shown)
    # The deduction's page turns the viewer.
    box.get_by_role("button", name=zh("live.show_page", page=3)).click()
    ui.idle()
    ui.expect_text(zh("pdfv.caption", name="水罚〔2024〕101号.pdf", page=3, pages=5))
    ui.shot("score_pdf_jumped", full=False)
    # Reload: the marks are there (stored, not only in the tab).
    page.reload()
    ui.idle()
    box = ui.block("G-S1 · ")
    expect(box.get_by_label(zh("scorep.page"), exact=True)).to_have_value("3")
    expect(ui.metric(zh("live.score"))).to_have_text(shown)
    # The viewer's page fills another deduction's page with one click.
    ui.page.get_by_role("button", name=zh("pdfv.next")).click()
    ui.idle()
    other = _deduct(ui, standard, "G-F2", "a")
    other.get_by_role("button", name=zh("live.use_page", page=2)).click()
    ui.idle()
    expect(other.get_by_label(zh("scorep.page"), exact=True)).to_have_value("2")
    ui.expect_text(zh_re("autosave.saved"))
    ui.shot("score_autosaved", full=False)
    # Asking to submit with a location missing lists it with a link, and marks the item itself.
    other.get_by_label(zh("scorep.page"), exact=True).fill("")
    other.get_by_label(zh("scorep.page"), exact=True).press("Enter")
    ui.idle()
    ui.check(zh("scorep.confirm"))
    ui.click(zh("scorep.submit"))
    ui.expect_text(zh_re("autosave.incomplete_submit"))
    expect(other).to_contain_text(zh_re("autosave.item_missing"))
    ui.page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    top = "() => document.querySelector('#mark-G-F2').getBoundingClientRect().top"
    assert ui.page.evaluate(top) > ui.page.viewport_size["height"]  # the item is out of sight ...
    ui.page.get_by_role("link", name="G-F2").click()
    ui.page.wait_for_timeout(500)
    assert -2 <= ui.page.evaluate(top) < ui.page.viewport_size["height"]  # ... and the link brings it into view
    ui.shot("score_missing_listed", full=False)


def test_a_reviewer_of_another_unit_gets_no_pdf_by_id(page, app_server, screenshots, world):
    """rv2 (城桥镇) is assigned file 102 only; asking for rv1's assignment of file 101 by its id shows an
    error and nothing of that file's PDF, and the core refuses the case file's id the same way."""
    ui = _ui(page, app_server, screenshots)
    ui.open(f"score?assignment={world.assignment_ids[0]}")
    ui.sign_in("rv2", PASSWORD)
    ui.idle()
    ui.expect_text("没有分配给rv2")  # the core's refusal, in the page's language
    expect(ui.main.get_by_text("水罚〔2024〕101号.pdf")).to_have_count(0)
    expect(ui.main.get_by_test_id("stImage")).to_have_count(0)
    ui.shot("pdf_refused_by_id", full=False)
    # Their own file shows its own PDF.
    ui.open(f"score?assignment={world.assignment_ids[1]}")
    ui.expect_text(zh("pdfv.caption", name="水罚〔2024〕102号.pdf", page=1, pages=2))
    # The core, asked for the other file's PDF by id, answers as for a file that does not exist.
    engine = _engine(app_server)
    with session_factory(engine)() as s:
        rv2 = s.scalar(select(User).where(User.username == "rv2"))
        with pytest.raises(NotFound, match="that you may read"):
            case_pdfs.fetch(s, rv2, world.file_ids[0])
    engine.dispose()


def test_leaving_with_unsaved_input_warns(browser, app_server, screenshots, world):
    tab = _signed_in_tab(browser, app_server, screenshots, "rv1", f"score?assignment={world.assignment_ids[0]}")
    tab.expect_heading(world.case_numbers[0])
    box = tab.block("G-S1 · ")
    box.get_by_label(zh("scorep.comment"), exact=True).first.click()
    tab.page.keyboard.type("尚未离开输入框")  # typed, not yet sent to the server
    dialogs: list[str] = []
    tab.page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    tab.page.close(run_before_unload=True)
    tab.page.wait_for_timeout(1000)
    assert dialogs == ["beforeunload"]
    tab.page.context.close()


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
