"""Real-browser harness: `streamlit run streamlit_app.py` on a free local port against a fresh SQLite
file, driven by Playwright through Debian's Chromium (/usr/bin/chromium; never a Playwright download).

A missing Chromium or Playwright is a failure with a clear message, never a skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOT_DIR = ROOT / "test-artifacts" / "screenshots"
STARTUP_TIMEOUT_S = 60
SHUTDOWN_TIMEOUT_S = 10
VIEWPORT = {"width": 1440, "height": 1000}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, limit: int = 6000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server output)"
    return text[-limit:] or "(no server output)"


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - localhost only
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's process group; SIGKILL if it does not exit within SHUTDOWN_TIMEOUT_S."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=SHUTDOWN_TIMEOUT_S)


@dataclass(frozen=True)
class AppServer:
    url: str
    db_url: str
    db_path: Path
    log_path: Path

    def log_tail(self) -> str:
        return _log_tail(self.log_path)


@pytest.fixture(scope="module")
def app_seed() -> Path | None:
    """A database file the module's server starts from (a copy of it); None: a new, empty database.
    A test module overrides this fixture to start from, say, the demo (`demo_database`)."""
    return None


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory, app_seed: Path | None) -> Iterator[AppServer]:
    """The app under `streamlit run` on a free port, with a fresh SQLite database (or a copy of
    `app_seed`); stopped at the end."""
    work = tmp_path_factory.mktemp("browser")
    db_path = work / "casereview.db"
    db_url = f"sqlite:///{db_path}"
    if app_seed is not None:
        shutil.copyfile(app_seed, db_path)
    log_path = work / "streamlit.log"
    port = _free_port()
    env = dict(os.environ)
    env["CASEREVIEW_DB_URL"] = db_url
    env.pop("CASEREVIEW_RUBRICS", None)
    env["PYTHONUNBUFFERED"] = "1"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode} before answering:\n{_log_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer {base}/_stcore/health within {STARTUP_TIMEOUT_S} s:\n"
                            f"{_log_tail(log_path)}")
            time.sleep(0.25)
        yield AppServer(url=base, db_url=db_url, db_path=db_path, log_path=log_path)
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright (headless). Missing pieces fail the test, never skip it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's Chromium "
                    "(apt-get install chromium fonts-noto-cjk; .ci/run does this)", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the [test] extra installs it
        pytest.fail(f"Playwright for Python is not installed ({exc}): pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """test-artifacts/screenshots/, emptied of the previous run's pictures."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOT_DIR.glob("*.png"):
        old.unlink()
    return SCREENSHOT_DIR


@pytest.fixture
def page(browser, app_server: AppServer):  # noqa: ANN001 - playwright types are optional at import time
    """A fresh browser context (own cookies, so its own Streamlit session) on the app's first page."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(20_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
