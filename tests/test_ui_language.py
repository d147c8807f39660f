"""The language stays as chosen on every page, follows the account, and can be switched back to Chinese."""

from __future__ import annotations

import pytest

from scoring.db.models import User
from scoring.db.session import open_db, session_factory
from tests.test_ui_helpers import PASSWORD, new_app, page_path, seed, sign_in, signed_in_app, texts


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    yield engine
    engine.dispose()


def test_english_is_kept_across_pages_in_the_address_and_with_the_account(db):
    ids = seed(db)
    at = signed_in_app(ids["rv"])
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert texts(at, "title") == ["My files"]
    assert at.query_params.get("lang") == "en"
    for name in ("score", "standards", "my_files"):
        at.switch_page(page_path(name)).run()
        assert not at.exception
        assert at.sidebar.radio(key="lang_switch").value == "en"
    assert texts(at, "title") == ["My files"]
    with session_factory(db)() as s:
        assert s.get(User, ids["rv"]).language == "en"
    # Another browser: signing in brings the account's language.
    other = new_app()
    other.run()
    sign_in(other, "rv", PASSWORD)
    assert not other.exception and texts(other, "title") == ["My files"]
    # Back to Chinese: kept too, and the address no longer says English.
    at.sidebar.radio(key="lang_switch").set_value("zh").run()
    assert texts(at, "title") == ["我的案卷"] and "lang" not in at.query_params
    at.switch_page(page_path("standards")).run()
    assert at.sidebar.radio(key="lang_switch").value == "zh"
    with session_factory(db)() as s:
        assert s.get(User, ids["rv"]).language == "zh"


def test_a_link_in_english_opens_in_english(db):
    ids = seed(db)
    at = new_app()
    at.query_params["lang"] = "en"
    at.session_state["user_id"] = ids["lead"]
    at.run()
    assert texts(at, "title") == ["Overview"]

