"""Accounts (Argon2id, lock-out, roles) and campaign set-up rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from scoring.accounts import MAX_FAILED_LOGINS, authenticate, create_user
from scoring.db.models import AuditEntry, User
from scoring.errors import CaseReviewError, NotFound, PermissionDenied, ProblemReport, ValidationFailed
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.campaigns import create_campaign, get_campaign, spec_from_options, standard_for
from tests.rubric_builders import standard_dict, write_yaml


def test_first_account_must_be_a_lead_and_only_once(session, factory):
    with pytest.raises(ValidationFailed, match="first account must be a panel lead"):
        create_user(session, username="x", display_name="x", role="reviewer", bootstrap=True)
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
    assert lead.password_hash.startswith("$argon2id$")
    with pytest.raises(PermissionDenied, match="set-up is done"):
        create_user(session, username="lead2", display_name="x", role="lead", bootstrap=True)
    factory.unit("区水务局")
    rv = create_user(session, username="rv", display_name="甲", role="reviewer", unit_name="区水务局",
                     password="another-pass", actor=lead)
    with pytest.raises(PermissionDenied):
        create_user(session, username="rv2", display_name="乙", role="reviewer", unit_name="区水务局", actor=rv)
    with pytest.raises(ValidationFailed, match="needs a home unit"):
        create_user(session, username="rv3", display_name="丙", role="reviewer", actor=lead)
    with pytest.raises(ValidationFailed, match="taken"):
        create_user(session, username="rv", display_name="丁", role="observer", actor=lead)
    with pytest.raises(ValidationFailed, match="at least 8"):
        create_user(session, username="obs", display_name="戊", role="observer", password="short", actor=lead)


def test_lockout_after_repeated_failures(session):
    create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
    now = dt.datetime(2026, 1, 1, 9, 0)
    assert authenticate(session, "lead", "s3cret-pass", now=now).username == "lead"
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(CaseReviewError, match="wrong user name or password"):
            authenticate(session, "lead", "nope", now=now)
    with pytest.raises(CaseReviewError, match="wrong user name or password") as locked:
        authenticate(session, "lead", "s3cret-pass", now=now + dt.timedelta(minutes=5))
    assert type(locked.value) is CaseReviewError  # locked reads exactly like a wrong password (no enumeration)
    assert authenticate(session, "lead", "s3cret-pass", now=now + dt.timedelta(minutes=16))
    with pytest.raises(CaseReviewError, match="wrong user name or password"):
        authenticate(session, "nobody", "whatever", now=now)
    assert session.query(AuditEntry).filter_by(action="lockout").count() == 1


@pytest.fixture
def library(tmp_path):
    write_yaml(tmp_path / "r" / "mini.yaml", standard_dict())
    capped = standard_dict(id="capped", applies_to={"case_types": ["行政检查"]})
    capped["vetoes"][0]["effect"] = {"kind": "cap", "band": "良好"}
    write_yaml(tmp_path / "r" / "capped.yaml", capped)
    return RubricLibrary.load([tmp_path / "r"])


def _lead(session):
    return create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)


def test_campaign_creation_rules(session, factory, library):
    lead = _lead(session)
    base = dict(name="2024年度", year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 12, 31))
    with pytest.raises(ProblemReport, match="not valid") as info:
        spec_from_options(**{**base, "window_end": dt.date(2023, 1, 1)})
    assert "ends (2023-01-01) before it starts" in info.value.problems[0].message
    with pytest.raises(ProblemReport):
        spec_from_options(**base, grade_bands=[{"name": "合格", "min": 60}, {"name": "优秀", "min": 90}])
    # Files are graded with their own standard's bands; an override of a standard's bands must keep the
    # band its vetoes cap at.
    bands = [{"name": "优秀", "min": 90}, {"name": "合格", "min": 60}, {"name": "不合格", "min": 0}]
    override = {"capped": {"grade_bands": bands, "pass_line": 60}}
    with pytest.raises(ProblemReport, match="do not fit") as info:
        create_campaign(session, spec_from_options(**base, standard_bands=override), library, lead)
    assert "'良好'" in info.value.problems[0].message
    campaign = create_campaign(session, spec_from_options(**base), library, lead)
    assert {(s.case_type, s.procedure) for s in campaign.standards} == {("行政处罚", None), ("行政检查", None)}
    assert campaign.pass_line == Decimal(60) and campaign.reviewers_per_file == 2
    assert get_campaign(session, "2024年度").id == get_campaign(session, str(campaign.id)).id
    with pytest.raises(ValidationFailed, match="exists already"):
        create_campaign(session, spec_from_options(**base), library, lead)
    with pytest.raises(NotFound):
        get_campaign(session, "nope")
    unit = factory.unit()
    assert standard_for(session, campaign, factory.case_file(unit, case_type="行政检查", procedure=None)).id == "capped"
    with pytest.raises(NotFound, match="no standard for 行政许可"):
        standard_for(session, campaign, factory.case_file(unit, case_type="行政许可", procedure=None))


def test_only_lead_creates_campaigns(session, factory, library):
    lead = _lead(session)
    factory.unit("区水务局")
    rv = create_user(session, username="rv", display_name="甲", role="reviewer", unit_name="区水务局", actor=lead)
    spec = spec_from_options(name="x", year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 2, 1))
    with pytest.raises(PermissionDenied):
        create_campaign(session, spec, library, rv)
    assert session.query(User).count() == 2


def test_scopes_and_standards_for_scope():
    from scoring.workflow.campaigns import scopes, standards_for_scope

    library = RubricLibrary.load()  # the shipped standards
    assert scopes()[:3] == ["行政许可", "行政处罚/一般", "行政处罚/简易"] and len(scopes()) == 8
    assert standards_for_scope(library, "行政处罚/一般") == ["penalty-general"]
    assert standards_for_scope(library, "行政处罚/简易") == ["penalty-simple"]
    assert standards_for_scope(library, "行政检查") == ["inspection"]
    every = {s: standards_for_scope(library, s) for s in scopes()}
    assert all(every.values()), every  # every case type has a shipped standard


def test_a_standard_for_the_wrong_procedure_is_refused(session):
    lead = _lead(session)
    library = RubricLibrary.load()
    spec = spec_from_options(name="x", year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 2, 1),
                             standards={"行政处罚/简易": "penalty-general"})
    with pytest.raises(ProblemReport) as info:
        create_campaign(session, spec, library, lead)
    assert "standard penalty-general is for 一般程序, not 简易程序" in info.value.problems[0].message
