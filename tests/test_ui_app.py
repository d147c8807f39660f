"""The app shell: first-run set-up, signing in (local and SSO), pages by role, language switch."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from scoring.accounts import MAX_FAILED_LOGINS, list_accounts
from scoring.db.models import User
from scoring.db.session import open_db, session_factory
from scoring.errors import PermissionDenied
from scoring.register.upload import preview_register
from scoring.ui import i18n
from scoring.ui.app import PAGES_BY_ROLE
from scoring.views import search_register
from tests.test_ui_helpers import PASSWORD, ROOT, new_app, page_path, register_csv, seed, sign_in, signed_in_app, texts


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    yield engine
    engine.dispose()


def _users(engine) -> list[User]:
    with session_factory(engine)() as s:
        return list(s.scalars(select(User)))


def test_first_run_offers_only_setup(db):
    at = new_app().run()
    assert not at.exception
    assert texts(at, "title") == ["初始设置"]
    assert [w.label for w in at.text_input][:2] == ["用户名", "姓名"]
    with pytest.raises(ValueError):  # no other page is registered on an empty database
        at.switch_page(page_path("overview"))


def test_setup_refuses_bad_input_then_creates_the_lead_and_signs_in(db):
    at = new_app().run()
    at.text_input(key="setup_username").input("lead")
    at.text_input(key="setup_display_name").input("张组长")
    at.text_input(key="setup_password").input(PASSWORD)
    at.text_input(key="setup_password2").input("something-else")
    at.button[0].click().run()
    assert "两次输入的密码不一致" in " ".join(texts(at, "error"))  # in the page's language
    assert _users(db) == []
    at.text_input(key="setup_password2").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert texts(at, "title") == ["概览"]
    assert any("lead" in s for s in texts(at, "success"))
    [lead] = _users(db)
    assert (lead.username, lead.role, lead.display_name) == ("lead", "lead", "张组长")
    assert at.session_state["user_id"] == lead.id
    # The lead's pages are there now; set-up is gone for good.
    at.switch_page(page_path("accounts")).run()
    assert texts(at, "title") == ["账号管理"]
    at2 = new_app().run()
    assert texts(at2, "title") == ["登录"]


def test_sign_in_wrong_password_shows_error_then_works(db):
    seed(db)
    at = new_app().run()
    assert texts(at, "title") == ["登录"]
    sign_in(at, "lead", "wrong-password")
    assert "登录失败：用户名或密码错误" in " ".join(texts(at, "error"))
    assert "user_id" not in at.session_state
    sign_in(at, "lead", PASSWORD)
    assert not at.exception
    assert texts(at, "title") == ["概览"]
    # Sign out from the sidebar.
    at.sidebar.button(key="sign_out").click().run()
    assert texts(at, "title") == ["登录"]


def test_lock_out_after_repeated_failures(db):
    seed(db)
    at = new_app().run()
    for _ in range(MAX_FAILED_LOGINS):
        sign_in(at, "rv", "not-the-password")
    sign_in(at, "rv", PASSWORD)  # right password, but the account is locked now
    errors = " ".join(texts(at, "error"))
    # Locked: the same answer as a wrong password (the message never tells which accounts exist), in Chinese.
    assert "登录失败：用户名或密码错误" in errors and "user_id" not in at.session_state
    assert texts(at, "title") == ["登录"]


def test_reviewer_gets_no_lead_pages_and_the_core_refuses(db):
    ids = seed(db)
    at = new_app().run()
    sign_in(at, "rv", PASSWORD)
    assert texts(at, "title") == ["我的案卷"]  # a reviewer lands on their own queue
    at.switch_page(page_path("standards")).run()
    assert texts(at, "title") == ["评分标准"]
    for lead_page in ("accounts", "register", "campaigns", "sampling", "assignment", "recheck", "progress"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page_path(lead_page))
    assert PAGES_BY_ROLE["reviewer"] == ("my_files", "score", "calibration", "objections", "overview", "compare",
                                         "unit_detail", "problems", "standards")
    assert PAGES_BY_ROLE["observer"] == ("overview", "compare", "unit_detail", "problems")
    # The core itself refuses, whatever the pages show.
    with session_factory(db)() as s:
        rv = s.get(User, ids["rv"])
        with pytest.raises(PermissionDenied):
            list_accounts(s, rv)
        with pytest.raises(PermissionDenied):
            search_register(s, rv)
    with pytest.raises(PermissionDenied):
        preview_register(db, ids["rv"], register_csv(), "r.csv")


def test_observer_sees_only_the_overview_with_real_counts(db):
    ids = seed(db)
    at = signed_in_app(ids["obs"])
    assert texts(at, "title") == ["概览"]
    assert [m.value for m in at.metric] == ["2", "0", "0", "3"]
    with pytest.raises(ValueError):
        at.switch_page(page_path("standards"))


def test_deactivated_account_is_signed_out(db):
    ids = seed(db)
    at = signed_in_app(ids["rv"])
    with session_factory(db)() as s, s.begin():
        s.get(User, ids["rv"]).active = False
    at.run()
    assert texts(at, "title") == ["登录"]


def test_language_switch_shows_english(db):
    ids = seed(db)
    at = signed_in_app(ids["lead"])
    assert texts(at, "title") == ["概览"]
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert texts(at, "title") == ["Overview"]
    assert [m.label for m in at.metric][:2] == ["Units", "Case files in the register"]
    assert at.sidebar.button(key="sign_out").label == "Sign out"
    at.switch_page(page_path("accounts")).run()
    assert texts(at, "title") == ["Accounts"]
    assert "Add an account" in texts(at, "subheader")


def test_sso_maps_the_email_to_an_account(db):
    seed(db)
    at = new_app()
    at.secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}}
    at.user = {"is_logged_in": True, "email": "RV@example.org"}
    at.run()
    assert not at.exception
    assert texts(at, "title") == ["我的案卷"]  # signed in as the reviewer with that e-mail
    assert at.session_state["signed_in_via_sso"] is True


def test_sso_without_an_account_says_to_ask_the_lead(db):
    seed(db)
    at = new_app()
    at.secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}}
    at.user = {"is_logged_in": False}
    at.run()
    assert texts(at, "title") == ["登录"]
    assert any(b.label == "单点登录" for b in at.button)
    at.user = {"is_logged_in": True, "email": "stranger@example.org"}
    at.run()
    assert texts(at, "title") == ["登录"]
    assert "请联系评查组长为您创建账户" in " ".join(texts(at, "error"))
    with session_factory(db)() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 3


def test_no_sso_button_without_auth_secrets(db):
    seed(db)
    at = new_app().run()
    assert [b.label for b in at.button] == ["登录"]


# ------------------------------------------------------------------------------------------ static checks

def _t_keys(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t":
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.add(arg.value)
                elif isinstance(arg, ast.IfExp):
                    keys.update(a.value for a in (arg.body, arg.orelse) if isinstance(a, ast.Constant))
    return keys


def test_every_text_key_has_both_languages():
    ui = ROOT / "scoring" / "ui"
    used = set().union(*(_t_keys(p) for p in ui.rglob("*.py")))
    assert used, "no t(...) calls found"
    assert used - i18n.keys() == set()
    pages = {n for names in PAGES_BY_ROLE.values() for n in names} | {"setup", "signin"}
    assert {f"page.{n}" for n in pages} <= i18n.keys()
    assert {"role.lead", "role.reviewer", "role.observer"} <= i18n.keys()
    for key in i18n.keys():
        zh, en = i18n._T[key]
        assert zh and en, key


def test_core_does_not_import_streamlit():
    offenders = []
    for path in (ROOT / "scoring").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "scoring").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _setup_form(at, demo: bool, timeout: float = 30):
    at.text_input(key="setup_username").input("lead")
    at.text_input(key="setup_display_name").input("组长")
    at.text_input(key="setup_password").input(PASSWORD)
    at.text_input(key="setup_password2").input(PASSWORD)
    at.checkbox(key="setup_demo").set_value(demo)
    return at.button[0].click().run(timeout=timeout)


def test_setup_with_demo_data_loads_it(db):
    # The shipped demo: units, two registers and two finished, published campaigns scored through the core.
    at = _setup_form(new_app().run(), demo=True, timeout=240)
    assert not at.exception
    assert texts(at, "title") == ["概览"]
    assert any("演示数据已载入" in s for s in texts(at, "success"))
    units, files, campaigns, users = (int(m.value) for m in at.metric[:4])  # then the newest campaign's figures
    assert units == 37 and files > 4000 and campaigns == 2 and users == 15  # lead, 12 reviewers, observer, liaison


def test_setup_when_demo_data_is_missing_still_signs_in(db, tmp_path, monkeypatch):
    monkeypatch.setattr("scoring.demo.load.DATA_DIR", tmp_path / "nowhere")
    at = _setup_form(new_app().run(), demo=True)
    assert texts(at, "title") == ["概览"]
    assert "找不到示例数据" in " ".join(texts(at, "error"))
    assert len(_users(db)) == 1


def test_tables_and_editors_show_a_dash_for_a_missing_value():
    """Streamlit writes "None" in an empty cell, in English whatever the page's language; the app's tables
    and editors (`scoring.ui.common.table`, `.editor`) show a dash, and an editor still returns the cell
    as missing."""
    def page() -> None:
        import pandas as pd
        import streamlit as st

        from scoring.ui.common import editor, table
        table(pd.DataFrame({"rank": [1, None]}), key="shown")
        edited = editor(pd.DataFrame({"due": [None, "2025-06-30"]}), key="edited")
        st.write(f"missing: {edited['due'].isna().tolist()}")

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert [frame.proto.placeholder for frame in at.dataframe] == ["—", "—"]
    assert at.dataframe[0].value["rank"].isna().tolist() == [False, True]
    assert [m.value for m in at.markdown] == ["missing: [True, False]"]
