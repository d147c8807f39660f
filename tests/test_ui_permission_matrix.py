"""The permission matrix through the pages (issue 8): every page of the page table x every role.

`tests/test_policy.py` enumerates the policy table through the core; this file does the same for the app:
- a page a role may not open (not in `page_table.PAGES` for the role, or any page when signed out) is not
  reachable: switching to it lands elsewhere, its content is not rendered, and nothing raises;
- a page a role may open renders without an exception;
- the pages' write actions (sampling draw, assignment apply, publish, re-check record), run for a role
  that may not act through the very core calls the pages make, are refused with PermissionDenied and
  write nothing (no audit row, no changed row).
One world (tests/test_aggregate_world.py: the 2024 campaign published, 2023 not) serves the module.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from scoring.accounts import create_user
from scoring.db.models import Assignment, AuditEntry, Campaign, CaseFile, FileResult, SampleRecord, User
from scoring.db.session import open_db, session_factory
from scoring.desk.lead_assignment import apply_previewed
from scoring.desk.lead_sampling import sample_draw
from scoring.errors import PermissionDenied
from scoring.marks import Marks
from scoring.ui.page_table import PAGES
from scoring.workflow.assignments import PlannedAssignment
from scoring.workflow.publish import publish_campaign
from scoring.workflow.recheck import record_recheck
from tests.test_aggregate_world import U1, build_world
from tests.test_ui_helpers import ROOT, new_app, page_path

ROLES = ("lead", "reviewer", "observer", "liaison", "signed_out")
PAGE_NAMES = [p.name for p in PAGES]
PUBLIC = {"setup", "signin"}  # the pages with no role: the app decides when they show
SHOWS_NON_CAMPAIGN_TABLES = {  # forced open, these pages show tables the policy does not guard, by design:
    "standards": "the library's standards (rubrics), not campaign data",
    "campaigns": "the new-campaign form's default grade bands (the campaign list itself is refused)",
    "agreement": "the core lets readers of published results see agreement with reviewer aliases "
                 "(aggregate.disclosure.readable_agreement); the page table keeps the page the lead's",
}


@pytest.fixture(scope="module")
def world_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ui_matrix")
    url = f"sqlite:///{tmp / 'ui.db'}"
    engine = open_db(url)
    session = session_factory(engine)()
    try:
        w = build_world(session, tmp)
        observer = create_user(session, username="obs", display_name="观察员", role="observer", actor=w.lead)
        liaison = create_user(session, username="liaison", display_name="联络员", role="liaison", unit_name=U1,
                              actor=w.lead)
        publish_campaign(session, w.lead, w.current)
        session.commit()
        ids = {"url": url, "lead": w.lead.id, "reviewer": w.reviewers[0].id, "observer": observer.id,
               "liaison": liaison.id, "current": w.current.id, "previous": w.previous.id,
               "file": w.files[0].id, "other_reviewer": w.reviewers[1].id}
    finally:
        session.close()
    yield ids, engine
    engine.dispose()


@pytest.fixture
def world(world_db, monkeypatch):
    ids, engine = world_db
    monkeypatch.setenv("CASEREVIEW_DB_URL", ids["url"])
    return dict(ids, engine=engine)


def may_open(role: str, page: str) -> bool:
    spec = next(p for p in PAGES if p.name == page)
    return role != "signed_out" and role in spec.roles


def _app(world: dict, role: str, script: str | None = None) -> AppTest:
    at = AppTest.from_file(script, default_timeout=30) if script else new_app()
    if role != "signed_out":
        at.session_state["user_id"] = world[role]
    return at.run()


LANDED: dict[str, AppTest] = {}  # one signed-in app per role: the navigation does not change between pages


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_each_page_for_each_role(world, role, page):
    """Through the app: a page the role may open is in its navigation and renders; any other is not."""
    if role not in LANDED or may_open(role, page):
        LANDED[role] = _app(world, role)
    at = LANDED[role]
    assert not at.exception, [e.value for e in at.exception]
    if page in PUBLIC:  # set-up and sign-in: only for nobody signed in (and set-up only before any account)
        if role != "signed_out":
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page_path(page))
        return
    if may_open(role, page):
        at.switch_page(page_path(page)).run()
        assert not at.exception, [e.value for e in at.exception]
        assert [e.value for e in at.title], f"{page} rendered no title for {role}"
    else:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page_path(page))  # not in the role's navigation: no link, no URL reaches it


@pytest.mark.parametrize(("role", "page"), [(r, p) for r in ROLES for p in PAGE_NAMES
                                             if p not in PUBLIC and not may_open(r, p)])
def test_a_page_forced_open_shows_no_data_to_a_role_that_may_not_open_it(world, role, page):
    """The page's script run directly (past the navigation) as a role that may not open it: the core
    refuses, the page says so or stops, shows no table, and raises nothing."""
    at = _app(world, role, str(ROOT / page_path(page)))
    assert not at.exception, [e.value for e in at.exception]
    if page in SHOWS_NON_CAMPAIGN_TABLES:
        return
    assert not at.dataframe, (role, page)
    assert at.error or at.warning or at.info, (role, page, [e.value for e in at.markdown])


# ------------------------------------------------------------------------------ the pages' write actions

def _count(engine, model) -> int:  # noqa: ANN001
    with session_factory(engine)() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _snapshot(engine) -> tuple[int, ...]:  # noqa: ANN001
    return tuple(_count(engine, m) for m in (AuditEntry, SampleRecord, Assignment, FileResult))


def _draw(world: dict, actor_id: int) -> None:  # the sampling page: "draw"
    sample_draw(world["engine"], actor_id, world["previous"], {"quota": {"count": 1}}, 7)


def _apply(world: dict, actor_id: int) -> None:  # the assignment page: "apply" a previewed plan
    with session_factory(world["engine"])() as s, s.begin():
        campaign = s.get_one(Campaign, world["previous"])
        plan = [PlannedAssignment(world["file"], "", "", world["other_reviewer"], "")]
        apply_previewed(s, s.get(User, actor_id), campaign, plan, how="auto")


def _publish(world: dict, actor_id: int) -> None:  # the progress page: "publish"
    with session_factory(world["engine"])() as s, s.begin():
        publish_campaign(s, s.get(User, actor_id), s.get_one(Campaign, world["previous"]))


def _recheck(world: dict, actor_id: int) -> None:  # the re-check page: "record the final result"
    with session_factory(world["engine"])() as s, s.begin():
        record_recheck(s, s.get_one(User, actor_id), s.get_one(Campaign, world["current"]),
                       s.get_one(CaseFile, world["file"]), reason="复核", marks=Marks())


WRITES = {"sampling": _draw, "assignment": _apply, "progress": _publish, "recheck": _recheck}


@pytest.mark.parametrize("page", sorted(WRITES))
@pytest.mark.parametrize("role", ["reviewer", "observer", "liaison"])
def test_write_actions_forced_open_are_refused_and_write_nothing(world, role, page):
    assert not may_open(role, page)  # the page is not reachable for the role: force the action
    before = _snapshot(world["engine"])
    with pytest.raises(PermissionDenied):
        WRITES[page](world, world[role])
    assert _snapshot(world["engine"]) == before
