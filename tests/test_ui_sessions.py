"""Sessions on the pages: the lead ends an account's sessions everywhere from the Accounts page."""

from __future__ import annotations

import pytest

from scoring import sign_in_sessions
from scoring.db.models import User
from scoring.db.session import open_db, transaction
from tests.test_ui_helpers import seed, signed_in_app, texts


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    yield engine
    engine.dispose()


def test_the_lead_signs_an_account_out_everywhere(db):
    ids = seed(db)
    with transaction(db) as s:
        tokens = [sign_in_sessions.start(s, s.get(User, ids["rv"])) for _ in range(2)]
    at = signed_in_app(ids["lead"], "accounts")
    at.selectbox(key="accedit_user").set_value(ids["rv"]).run()
    assert "当前登录设备：2 个" in texts(at, "caption")
    at.button(key=f"acc_signout_all_{ids['rv']}").click().run()
    assert not at.exception
    assert "已结束 rv 的 2 个登录。" in texts(at, "success")
    with transaction(db) as s:
        assert all(sign_in_sessions.resume(s, token) is None for token in tokens)
