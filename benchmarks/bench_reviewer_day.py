"""Browser benchmark: a reviewer scores a typical file — 4 deductions with page locations, 1 N/A, submit —
in a real browser (Debian's Chromium through Playwright), with the demo loaded.

Prints the clicks, the keystrokes, the server round trips and the total server waiting (the time the
app reports its script running, watched in the page), and the wall time. Not a test: it prints figures
(the README's performance table quotes them).

    python benchmarks/bench_reviewer_day.py                  # loads the demo into a temporary database (~1 min)
    python benchmarks/bench_reviewer_day.py --demo demo.db   # starts from a copy of a SQLite file holding the demo
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring import case_pdfs  # noqa: E402
from scoring.db.models import Campaign, CaseFile, User  # noqa: E402
from scoring.db.session import open_db, transaction  # noqa: E402
from scoring.demo.load import load_demo  # noqa: E402
from scoring.demo.people import DEMO_PASSWORD  # noqa: E402
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary  # noqa: E402
from scoring.ui.i18n import _T as TEXTS  # noqa: E402
from scoring.workflow.assignments import assign  # noqa: E402
from scoring.workflow.campaigns import create_campaign, spec_from_options  # noqa: E402
from scoring.workflow.sampling.record import draw_sample, preview_sample  # noqa: E402

CAMPAIGN = "2025年度评查（基准测试）"
# The typical file: four deductions (item, reason, page) and one item not applicable.
DEDUCTIONS = (("G-S1", "b", "3"), ("G-F1", "a", "7-8"), ("G-P1", "b", "12"), ("G-D1", "c", "15"))
NOT_APPLICABLE = "FPR1"
IDLE = "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"
WATCH = """() => {
  window.__busy = 0; window.__runs = 0; let since = null;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => {
    const running = app.getAttribute('data-test-script-state') === 'running';
    if (running && since === null) { since = performance.now(); window.__runs += 1; }
    if (!running && since !== null) { window.__busy += performance.now() - since; since = null; }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def zh(key: str, **fmt: object) -> str:
    text = TEXTS[key][0]
    return text.format(**fmt) if fmt else text


def scanned_pdf(pages: int = 30) -> bytes:
    images = []
    for n in range(1, pages + 1):
        img = Image.new("RGB", (1240, 1754), "white")
        ImageDraw.Draw(img).text((100, 100), f"page {n}", fill="black")
        images.append(img)
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def prepare(url: str) -> tuple[str, int]:
    """Demo loaded; a new campaign with one 行政处罚 (一般程序) file assigned to a demo reviewer, with a PDF."""
    engine = open_db(url)
    load_demo(engine)
    library = RubricLibrary.load([DEFAULT_RUBRIC_DIR])
    with transaction(engine) as s:
        lead = s.scalar(select(User).where(User.role == "lead"))
        existing = s.scalar(select(CaseFile.id).limit(1))
        assert existing is not None, "no register: the demo did not load"
        spec = spec_from_options(name=CAMPAIGN, year=2025, window_start="2024-01-01", window_end="2024-12-31",
                                 reviewers_per_file=1)
        campaign = create_campaign(s, spec, library, lead)
        cid, lead_id = campaign.id, lead.id
    rules = {"quota": {"count": 1}, "stratify_by_case_type": False, "units": ["区市场监管局"]}
    for seed in range(1, 500):
        picks = preview_sample(engine, cid, rules, seed, actor_id=lead_id)
        with transaction(engine) as s:
            cf = s.scalar(select(CaseFile).where(CaseFile.case_number == picks[0].case_number))
            if cf.case_type == "行政处罚" and cf.procedure == "一般" and not cf.major_decision:
                break
    draw_sample(engine, cid, rules, seed, actor_id=lead_id)
    with transaction(engine) as s:
        cf = s.scalar(select(CaseFile).where(CaseFile.case_number == picks[0].case_number))
        reviewer = s.scalar(select(User).where(User.role == "reviewer", User.unit_id != cf.unit_id,
                                               User.username.like("demo-reviewer-%")).order_by(User.username))
        lead = s.get(User, lead_id)
        assign(s, lead, s.get(Campaign, cid), cf, reviewer)
        case_pdfs.attach(s, lead, cf.case_number, f"{cf.case_number}.pdf", scanned_pdf())
        username, case_number = reviewer.username, cf.case_number
    engine.dispose()
    return username, case_number


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Counted:
    """The page, with every click and keystroke counted."""

    def __init__(self, page: Page):
        self.page, self.clicks, self.keys = page, 0, 0

    def idle(self) -> None:
        self.page.wait_for_timeout(150)
        self.page.wait_for_selector(IDLE, state="attached", timeout=60_000)

    def click(self, locator) -> None:  # noqa: ANN001
        locator.click()
        self.clicks += 1
        self.idle()

    def type(self, text: str, submit: bool = True) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)
        if submit:
            self.page.keyboard.press("Enter")
            self.keys += 1
        self.idle()


def run(url: str) -> None:
    username, case_number = prepare(url)
    port = free_port()
    env = {**os.environ, "CASEREVIEW_DB_URL": url, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    page: Page | None = None
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(60_000)
            page.goto(f"{base}/my_files")
            c = Counted(page)
            c.idle()
            main = page.get_by_test_id("stMain")
            form = main.get_by_test_id("stForm")
            form.get_by_label(zh("field.username"), exact=True).fill(username)
            form.get_by_label(zh("field.password"), exact=True).fill(DEMO_PASSWORD)
            form.get_by_role("button", name=zh("signin.submit")).click()
            c.idle()
            page.wait_for_selector(f"text={zh('myfiles.title')}")
            page.evaluate(WATCH)
            started = time.monotonic()
            c.clicks = c.keys = 0
            # Open the file from My files.
            c.click(main.get_by_role("button", name=zh("myfiles.open.not_started")).first)
            main.get_by_role("heading", name=case_number).wait_for()
            library = RubricLibrary.load([DEFAULT_RUBRIC_DIR])
            standard = library.get("penalty-general")
            for item_id, reason_id, where in DEDUCTIONS:
                item = standard.items_by_id[item_id][1]
                group = main.get_by_role("radiogroup", name=item.title, exact=True)
                c.click(group.get_by_role("radio", name=zh("scorep.choice.deduct"), exact=True))
                box = main.locator("[data-testid='stLayoutWrapper'] > [data-testid='stVerticalBlock']").filter(
                    has_text=f"{item.id} · ").last
                d = item.deduction(reason_id)
                if len(item.deductions) > 1:  # open the reasons, type a few characters of the reason, pick it
                    c.click(box.get_by_role("combobox", name=zh("scorep.reasons"), exact=True))
                    c.type(d.reason[:4], submit=False)
                    c.click(page.get_by_role("option").filter(has_text=d.reason).first)
                    page.keyboard.press("Escape")
                c.click(box.get_by_label(zh("scorep.page"), exact=True))
                c.type(where)
            item = standard.items_by_id[NOT_APPLICABLE][1]
            c.click(main.get_by_role("radiogroup", name=item.title, exact=True).get_by_role(
                "radio", name=zh("scorep.choice.na"), exact=True))
            c.click(main.get_by_role("checkbox", name=zh("scorep.confirm")).locator("xpath=ancestor::label[1]"))
            c.click(main.get_by_role("button", name=zh("scorep.submit")))
            page.get_by_text(zh("scorep.locked")).first.wait_for()
            wall = time.monotonic() - started
            busy_ms, runs = page.evaluate("() => [window.__busy, window.__runs]")
            browser.close()
    except Exception:
        if page is not None:
            page.screenshot(path="/tmp/bench_reviewer_day_failure.png", full_page=False)
            print("failed: the screen is in /tmp/bench_reviewer_day_failure.png", file=sys.stderr)
        raise
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    print(f"scoring a typical file ({len(DEDUCTIONS)} deductions with page locations, 1 N/A, submit), "
          f"from My files, demo loaded")
    print(f"  clicks            {c.clicks}")
    print(f"  keystrokes        {c.keys}")
    print(f"  server round trips {runs}")
    print(f"  server waiting    {busy_ms / 1000:.1f} s")
    print(f"  wall time         {wall:.1f} s (includes the browser's drawing and this script's pauses)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, help="a SQLite file that holds the demo (copied; default: load it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "bench.db"
        if args.demo:
            shutil.copyfile(args.demo, target)
        run(f"sqlite:///{target}")


if __name__ == "__main__":
    main()
