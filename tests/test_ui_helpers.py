"""Shared helpers for the Streamlit page tests (no tests here; imported by the other tests/test_ui_*.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from scoring.accounts import create_user
from scoring.db.session import transaction
from scoring.register.units import add_unit

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PASSWORD = "s3cret-pass"
REGISTER_HEADER = "执法单位,案号,案件类型,程序,决定日期,重大执法决定,不予处罚,听证,行政强制措施,罚款金额,案由\n"


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=30)


def page_path(name: str) -> str:
    return f"scoring/ui/pages/{name}.py"


def seed(engine: Engine, *, units: tuple[str, ...] = ("区水务局", "城桥镇")) -> dict[str, int]:
    """A lead, a reviewer and an observer, plus some units; returns user ids by user name."""
    with transaction(engine) as session:
        lead = create_user(session, username="lead", display_name="组长", role="lead", password=PASSWORD,
                           email="lead@example.org", bootstrap=True)
        for name in units:
            add_unit(session, name, "town" if name.endswith(("镇", "乡")) else "department", actor_id=lead.id)
        rv = create_user(session, username="rv", display_name="评查员甲", role="reviewer", unit_name=units[0],
                         password=PASSWORD, email="rv@example.org", actor=lead)
        obs = create_user(session, username="obs", display_name="观察员", role="observer", password=PASSWORD,
                          actor=lead)
        return {"lead": lead.id, "rv": rv.id, "obs": obs.id}


def signed_in_app(user_id: int, page: str | None = None, lang: str | None = None) -> AppTest:
    """An app whose session is already signed in as `user_id` (optionally on `page`)."""
    at = new_app()
    at.session_state["user_id"] = user_id
    if lang:
        at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(page_path(page)).run()
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def register_csv(*rows: str) -> bytes:
    return (REGISTER_HEADER + "".join(r + "\n" for r in rows)).encode("utf-8-sig")
