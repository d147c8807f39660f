"""Driving a Streamlit page through Playwright: waiting for reruns, filling widgets by their visible
labels (the Chinese texts of `scoring.ui.i18n`), signing in and out, and screenshots.

Streamlit reruns the script after every widget change. `UI.idle()` waits until the app is connected,
the script is not running, and no lazily loaded element is still a skeleton. Locators use roles and
exact labels, so a renamed label fails the test loudly instead of clicking something else.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import time
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from scoring.ui.i18n import _T as TEXTS  # the translation table: key -> (zh, en)
from tests import demo_template

APP = "[data-testid='stApp']"
IDLE = f"{APP}[data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"
SKELETONS = "[data-testid='stSkeleton'], [data-testid='stSkeletonElement'], [data-testid='stAppSkeleton']"
RERUN_START_MS = 250  # time for a widget event to reach the server and the rerun to begin
SETTLE_MS = 300  # a run that ends in st.rerun() starts the next one within this
LONG_MS = 120_000
_SETTLED = """([idle, skeletons]) => !!document.querySelector(idle) && !document.querySelector(skeletons)
    && !document.querySelector('[data-stale="true"]')"""
MAX_SHOT_HEIGHT = 6000


def zh(key: str, **fmt: object) -> str:
    """The Chinese text for an i18n key (fails if the key does not exist, so labels stay in sync)."""
    text = TEXTS[key][0]
    return text.format(**fmt) if fmt else text


def zh_re(key: str, **fmt: object) -> re.Pattern:
    """The Chinese text for `key` as a pattern: the given fields filled in, any other field matches
    any text (e.g. a record number the test does not know)."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(TEXTS[key][0]):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(re.escape(str(fmt[name])) if name in fmt else ".+?")
    return re.compile("".join(parts))


def en(key: str, **fmt: object) -> str:
    text = TEXTS[key][1]
    return text.format(**fmt) if fmt else text


class UI:
    """One browser tab on the app."""

    def __init__(self, page: Page, base_url: str, screenshot_dir: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.screenshot_dir = screenshot_dir

    # ---------------------------------------------------------------- waiting

    def idle(self, timeout: int = LONG_MS) -> None:
        """Wait until Streamlit has finished the current rerun (and any rerun it asked for) and drawn every
        element: connected, script not running, no skeleton, no stale element, twice SETTLE_MS apart."""
        self.page.wait_for_timeout(RERUN_START_MS)
        deadline = time.monotonic() + timeout / 1000
        while True:
            left = max(1, int((deadline - time.monotonic()) * 1000))
            self.page.wait_for_selector(IDLE, state="attached", timeout=left)
            self.page.wait_for_function(
                "sel => !document.querySelector(sel)", arg=SKELETONS, timeout=left, polling=100)
            self.page.wait_for_timeout(SETTLE_MS)
            if self.page.evaluate(_SETTLED, [IDLE, SKELETONS]):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"Streamlit did not settle within {timeout} ms")

    def open(self, path: str = "") -> None:
        self.page.goto(f"{self.base_url}/{path}")
        self.idle()

    @property
    def main(self) -> Locator:
        return self.page.get_by_test_id("stMain")

    @property
    def sidebar(self) -> Locator:
        return self.page.get_by_test_id("stSidebar")

    def expect_text(self, text: str | re.Pattern, *, within: Locator | None = None, timeout: int = 30_000) -> Locator:
        loc = (within or self.page).get_by_text(text).first
        expect(loc).to_be_visible(timeout=timeout)
        return loc

    def expect_table_text(self, *texts: str, timeout: int = 30_000) -> Locator:
        """The st.dataframe in the main area that holds every one of `texts` (its cells are drawn on a
        canvas; the text is in a hidden accessibility table, so visibility cannot be asked of a cell)."""
        table = self.main.get_by_test_id("stDataFrame")
        for text in texts:
            table = table.filter(has_text=text)
        expect(table.first).to_be_attached(timeout=timeout)
        return table.first

    def expect_heading(self, name: str, timeout: int = 30_000) -> None:
        expect(self.main.get_by_role("heading", name=name, exact=True).first).to_be_visible(timeout=timeout)

    def expect_no_error(self, *, allow: tuple[str, ...] = ()) -> None:
        """No exception box and no st.error in the page, except errors starting with one of `allow`
        (their texts are in the assertion message)."""
        boxes = self.page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
        texts = [t for t in boxes.all_inner_texts() if not t.strip().startswith(allow)]
        if texts:
            raise AssertionError("the page shows an error: " + " | ".join(texts))

    def alerts(self, kind: str = "Success") -> list[str]:
        return self.page.locator(f"[data-testid='stAlertContent{kind}']").all_inner_texts()

    def block(self, text: str, *, within: Locator | None = None) -> Locator:
        """The innermost container (st.container, bordered or not) holding `text`."""
        scope = within if within is not None else self.main
        return scope.locator("[data-testid='stLayoutWrapper'] > [data-testid='stVerticalBlock']").filter(
            has_text=text).last

    def metric(self, label: str, *, within: Locator | None = None) -> Locator:
        """The value of the st.metric whose label is exactly `label`."""
        scope = within if within is not None else self.main
        return scope.get_by_test_id("stMetric").filter(
            has=self.page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
        ).get_by_test_id("stMetricValue")

    # ---------------------------------------------------------------- widgets

    def _scope(self, within: Locator | None) -> Page | Locator:
        return within if within is not None else self.page

    def fill(self, label: str, value: object, *, within: Locator | None = None, commit: bool = True) -> None:
        """Type into the text/number/text-area input labelled `label`; Tab commits it (a rerun outside forms)."""
        box = self._scope(within).get_by_label(label, exact=True)
        box.fill(str(value))
        if commit:
            box.press("Tab")
            self.idle()

    def fill_date(self, label: str, value: dt.date, *, within: Locator | None = None) -> None:
        """A st.date_input (a segmented date field: year, month and day spinbuttons)."""
        group = self._scope(within).get_by_role("group", name=label, exact=True)
        for part, text in (("year", f"{value.year:04d}"), ("month", f"{value.month:02d}"),
                           ("day", f"{value.day:02d}")):
            segment = group.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
            segment.click()
            self.page.keyboard.type(text)
        self.page.keyboard.press("Tab")
        self.idle()
        hidden = group.locator("xpath=ancestor::*[@data-testid='stDateInputFieldsScroller'][1]").locator(
            "input[type='date']")
        expect(hidden).to_have_value(value.isoformat())

    def click(self, name: str, *, within: Locator | None = None, exact: bool = True) -> None:
        """Click the (form) button named `name`, then wait for the rerun."""
        self._scope(within).get_by_role("button", name=name, exact=exact).click()
        self.idle()

    def check(self, label: str, value: bool = True, *, within: Locator | None = None) -> None:
        """Set a st.checkbox / st.toggle by its label."""
        box = self._scope(within).get_by_role("checkbox", name=label, exact=True)
        if box.is_checked() != value:
            box.locator("xpath=ancestor::label[1]").click()
            expect(box).to_be_checked(checked=value)
            self.idle()

    def choose_radio(self, option: str, *, within: Locator | None = None) -> None:
        radio = self._scope(within).get_by_role("radio", name=option, exact=True)
        if not radio.is_checked():
            radio.locator("xpath=ancestor::label[1]").click()
            expect(radio).to_be_checked()
            self.idle()

    def select(self, label: str, option: str, *, within: Locator | None = None, exact: bool = True) -> None:
        """Pick `option` in the st.selectbox labelled `label` (a combobox: click, type, pick the option)."""
        box = self._scope(within).get_by_role("combobox", name=label, exact=True)
        if box.input_value() == option:
            return
        box.click()
        box.fill(option)
        self.page.get_by_role("option", name=option, exact=exact).first.click()
        self.idle()
        if exact:
            expect(box).to_have_value(option)

    def multiselect(self, label: str, options: list[str], *, within: Locator | None = None) -> None:
        """Add `options` to the st.multiselect labelled `label`."""
        box = self._scope(within).get_by_role("combobox", name=label, exact=True)
        for option in options:
            box.click()
            box.fill(option)
            self.page.get_by_role("option", name=option, exact=True).first.click()
            self.idle()
        self.page.keyboard.press("Escape")

    def nav(self, title: str) -> None:
        """Open a page from the sidebar navigation by its title."""
        self.sidebar.get_by_role("link", name=title, exact=True).click()
        self.idle()
        self.expect_no_error()

    # ---------------------------------------------------------------- session

    def sign_in(self, username: str, password: str) -> None:
        self.expect_heading(zh("signin.title"))
        form = self.main.get_by_test_id("stForm")
        self.fill(zh("field.username"), username, within=form, commit=False)
        self.fill(zh("field.password"), password, within=form, commit=False)
        self.click(zh("signin.submit"), within=form)
        expect(self.sidebar.get_by_text(f"{username} · ", exact=False)).to_be_visible()

    def sign_in_as_demo_lead(self) -> None:
        """Open the app and sign in as the lead of the run's demo database (`tests.demo_template`), which
        the module's server started from (`app_seed`); the overview shows no error."""
        self.open()
        username, _, password = demo_template.LEAD
        self.sign_in(username, password)
        self.expect_heading(zh("overview.title"))
        self.expect_no_error()

    def sign_out(self) -> None:
        self.click(zh("shell.sign_out"), within=self.sidebar)
        self.expect_heading(zh("signin.title"))

    # ---------------------------------------------------------------- artifacts

    def shot(self, name: str, *, full: bool = True, at: Locator | None = None) -> Path:
        """A screenshot under test-artifacts/screenshots/. `full`: the whole page (the main area scrolls in
        Streamlit, so the viewport is made tall enough to hold it first, up to MAX_SHOT_HEIGHT); else the
        viewport, scrolled to `at` when given."""
        self.idle()
        path = self.screenshot_dir / f"{name}.png"
        if not full:
            if at is not None:
                at.scroll_into_view_if_needed()
            else:
                self.page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollTo(0, 0)")
            self.page.wait_for_timeout(200)
            self.page.screenshot(path=str(path))
            return path
        height = self.page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
            "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), "
            "document.documentElement.scrollHeight)")
        size = self.page.viewport_size or {"width": 1440, "height": 1000}
        tall = min(max(int(height) + 40, size["height"]), MAX_SHOT_HEIGHT)
        if tall != size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": tall})
            self.page.wait_for_timeout(300)
        try:
            self.page.screenshot(path=str(path), full_page=True)
        finally:
            if tall != size["height"]:
                self.page.set_viewport_size(size)
        return path
