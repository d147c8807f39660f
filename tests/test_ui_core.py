"""The core functions added for the pages: sign-in with lock-out, accounts, set-up, views, guarded uploads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from scoring.accounts import MAX_FAILED_LOGINS, list_accounts, set_active, sign_in, user_for_email
from scoring.db.models import AuditEntry, CaseFile, User
from scoring.db.session import session_factory
from scoring.errors import CaseReviewError, NotFound, PermissionDenied, ValidationFailed
from scoring.register.upload import commit_register, preview_register, preview_units
from scoring.setup import create_first_lead, load_demo_data, needs_setup
from scoring.views import overview_counts, search_register
from tests.test_ui_helpers import PASSWORD, register_csv, seed


def test_sign_in_keeps_failures_and_locks(engine):
    ids = seed(engine)
    now = dt.datetime(2026, 1, 1, 9, 0)
    assert sign_in(engine, "lead", PASSWORD, now=now) == ids["lead"]
    with pytest.raises(ValidationFailed):
        sign_in(engine, " ", PASSWORD)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(CaseReviewError, match="wrong user name or password"):
            sign_in(engine, "rv", "nope-nope", now=now)
    with pytest.raises(CaseReviewError, match="wrong user name or password") as locked:
        sign_in(engine, "rv", PASSWORD, now=now + dt.timedelta(minutes=1))
    assert type(locked.value) is CaseReviewError  # locked reads exactly like a wrong password
    assert sign_in(engine, "rv", PASSWORD, now=now + dt.timedelta(minutes=16)) == ids["rv"]


def test_set_active_is_lead_only_audited_and_never_self(session):
    ids = seed(session.get_bind())
    lead, rv = session.get(User, ids["lead"]), session.get(User, ids["rv"])
    with pytest.raises(PermissionDenied):
        set_active(session, rv, ids["obs"], False)
    with pytest.raises(ValidationFailed, match="your own account"):
        set_active(session, lead, ids["lead"], False)
    with pytest.raises(NotFound):
        set_active(session, lead, 9999, False)
    set_active(session, lead, ids["rv"], False)
    assert rv.active is False
    with pytest.raises(ValidationFailed, match="deactivated already"):
        set_active(session, lead, ids["rv"], False)
    with pytest.raises(PermissionDenied):  # a deactivated account can do nothing
        list_accounts(session, rv)
    set_active(session, lead, ids["rv"], True)
    actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "user",
                                                                        AuditEntry.entity_id == str(ids["rv"])))]
    assert actions[-2:] == ["deactivate_user", "activate_user"]
    rows = list_accounts(session, lead)
    assert [(r.username, r.unit) for r in rows] == [("lead", None), ("rv", "区水务局"), ("obs", None)]


def test_user_for_email(session):
    ids = seed(session.get_bind())
    assert user_for_email(session, " Lead@Example.org ").id == ids["lead"]
    with pytest.raises(NotFound, match="ask the panel lead to create your account"):
        user_for_email(session, "who@example.org")
    with pytest.raises(NotFound):
        user_for_email(session, None)
    session.get(User, ids["rv"]).active = False
    session.flush()
    with pytest.raises(NotFound, match="deactivated"):
        user_for_email(session, "rv@example.org")


def test_first_lead_only_once(sqlite_engine):
    assert needs_setup(sqlite_engine)
    with pytest.raises(ValidationFailed, match="differ"):
        create_first_lead(sqlite_engine, username="lead", display_name="x", password=PASSWORD, password_repeat="x")
    with pytest.raises(ValidationFailed, match="at least 8"):
        create_first_lead(sqlite_engine, username="lead", display_name="x", password="short", password_repeat="short")
    assert needs_setup(sqlite_engine)
    uid = create_first_lead(sqlite_engine, username="lead", display_name="组长", password=PASSWORD,
                            password_repeat=PASSWORD)
    assert not needs_setup(sqlite_engine)
    with pytest.raises(PermissionDenied, match="set-up is done"):
        create_first_lead(sqlite_engine, username="lead2", display_name="x", password=PASSWORD,
                          password_repeat=PASSWORD)
    with session_factory(sqlite_engine)() as s:
        assert s.get(User, uid).role == "lead"


def test_demo_load_is_lead_only_and_loads(sqlite_engine, tmp_path):
    from scoring.demo.generate import generate

    ids = seed(sqlite_engine, units=("测试单位",))
    with pytest.raises(PermissionDenied):
        load_demo_data(sqlite_engine, ids["rv"], data_dir=tmp_path)
    with pytest.raises(CaseReviewError, match="demo data not found"):
        load_demo_data(sqlite_engine, ids["lead"], data_dir=tmp_path / "nowhere")
    generate(tmp_path / "demo")
    result = load_demo_data(sqlite_engine, ids["lead"], data_dir=tmp_path / "demo")
    assert result["loaded"] and result["case_files"] > 1000
    with session_factory(sqlite_engine)() as s:
        counts = overview_counts(s, s.get(User, ids["obs"]))
    assert counts.case_files == result["case_files"] and counts.units == result["units"] + 1  # plus 测试单位


def test_guarded_uploads_and_register_search(engine):
    ids = seed(engine)
    data = register_csv(
        "区水务局,东水罚〔2024〕1号,行政处罚,一般,2024-03-05,是,否,否,否,5000,违法取水",
        *(f"城桥镇,东城桥检〔2024〕{n}号,行政检查,,2024-04-{n:02d},否,否,否,否,,检查{n}" for n in range(1, 12)),
    )
    for who in ("rv", "obs"):
        with pytest.raises(PermissionDenied):
            commit_register(engine, ids[who], data, "r.csv")
        with pytest.raises(PermissionDenied):
            preview_units(engine, ids[who], b"", "u.csv")
    with pytest.raises(PermissionDenied):
        preview_register(engine, None, data, "r.csv")
    report = preview_register(engine, ids["lead"], data, "r.csv")
    assert report.ok and report.rows_read == 12 and report.rows_imported == 0
    done = commit_register(engine, ids["lead"], data, "r.csv")
    assert done.rows_imported == 12
    with session_factory(engine)() as s:
        lead = s.get(User, ids["lead"])
        page = search_register(s, lead, limit=5, offset=0)
        assert page.total == 12 and len(page.entries) == 5
        assert page.entries[0].case_number == "东城桥检〔2024〕11号"  # newest decision first
        last = search_register(s, lead, limit=5, offset=10)
        assert [e.case_number for e in last.entries] == ["东城桥检〔2024〕1号", "东水罚〔2024〕1号"]
        major = search_register(s, lead, flag="major_decision")
        assert [(e.case_number, e.flags, e.penalty_amount) for e in major.entries] == [
            ("东水罚〔2024〕1号", ["major_decision"], Decimal("5000.00"))]
        assert search_register(s, lead, unit="区水务局", case_type="行政检查").total == 0
        assert search_register(s, lead, text="%").total == 0  # LIKE wildcards are escaped
        with pytest.raises(ValidationFailed):
            search_register(s, lead, limit=100000)
        with pytest.raises(ValidationFailed):
            search_register(s, lead, case_type="行政魔法")
        assert s.scalar(select(CaseFile.batch_id).limit(1)) == done.batch_id
