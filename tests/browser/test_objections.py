"""A unit liaison files an objection in a real browser and the lead decides it.

The aggregation tests' finished 2024 campaign (tests/test_aggregate_world.py) is seeded into the app's
database and its results released through the core. The liaison of 区城管执法局 signs in, opens 反馈与异议,
sees only their unit's files without any reviewer's name, and objects to the typo deduction of the file
scored 83.75. The lead signs in, assigns the objection to themselves (they did not score that file) and
accepts it; the file's final result becomes 100.00 through the re-check path, and the liaison sees the
decision. Screenshots under test-artifacts/screenshots/objections/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.accounts import create_user
from scoring.db.models import FileResult, Objection, utcnow
from scoring.db.session import open_db
from scoring.objections.window import release_results
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.helpers import UI, zh, zh_re
from tests.test_aggregate_world import U1, build_world

pytestmark = pytest.mark.browser

SHOTS = SCREENSHOT_DIR / "objections"
PASSWORD = "s3cret-pass"


def _seed(db_url: str, tmp: Path) -> dict:
    engine = open_db(db_url)
    try:
        with Session(engine) as s:
            w = build_world(s, tmp)
            create_user(s, username="liaison1", display_name="联络员甲", role="liaison", unit_name=U1,
                        password=PASSWORD, actor=w.lead)
            release_results(s, w.lead, w.current, utcnow() + dt.timedelta(days=5))
            s.commit()
            return {"campaign": w.current.id, "file": w.files[2].id, "case": w.files[2].case_number,
                    "other": w.files[4].case_number, "reviewers": [r.display_name for r in w.reviewers]}
    finally:
        engine.dispose()


def test_liaison_objects_and_the_lead_decides(page, app_server, tmp_path):  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    facts = _seed(app_server.db_url, tmp_path)
    ui = UI(page, app_server.url, SHOTS)
    ui.open()
    ui.sign_in("liaison1", PASSWORD)
    ui.nav(zh("page.objections"))
    ui.expect_heading(zh("obj.title"))
    ui.expect_text(facts["case"])
    main_text = ui.main.inner_text()
    assert facts["other"] not in main_text  # another unit's file
    assert not any(name in main_text for name in facts["reviewers"])
    target = f"{facts['case']} · B1 · 文书错别字"
    ui.select(zh("obj.target"), target)
    ui.fill(zh("obj.grounds"), "错别字系扫描件模糊所致，原件无误")
    ui.click(zh("obj.submit"))
    ui.expect_text(zh_re("obj.filed"))
    ui.expect_table_text(zh("obj.status.open"))
    ui.shot("01-liaison-filed")
    ui.sign_out()

    ui.sign_in("lead", PASSWORD)
    ui.nav(zh("page.objections"))
    ui.expect_table_text(facts["case"])
    ui.select(zh("obj.assign_to"), "组长")
    ui.click(zh("obj.assign_btn"))
    ui.expect_text(zh_re("obj.assigned_ok"))
    ui.choose_radio(zh("obj.decision.accepted"))
    ui.fill(zh("obj.decision_reason"), "经核对原件，错别字不成立")
    ui.click(zh("obj.decide_btn"))
    ui.expect_text("83.75 → 100.00")
    ui.shot("02-lead-decided")
    ui.sign_out()

    ui.sign_in("liaison1", PASSWORD)
    ui.nav(zh("page.objections"))
    ui.expect_table_text(zh("obj.decision.accepted"), "经核对原件，错别字不成立")
    ui.shot("03-liaison-sees-decision")

    engine = open_db(app_server.db_url)
    try:
        with Session(engine) as s:
            obj = s.scalars(select(Objection)).one()
            assert obj.decision == "accepted"
            row = s.scalars(select(FileResult).where(FileResult.campaign_id == facts["campaign"],
                                                     FileResult.case_file_id == facts["file"])).one()
            assert (str(row.score), row.grade, row.source) == ("100.00", "优秀", "recheck")
    finally:
        engine.dispose()
