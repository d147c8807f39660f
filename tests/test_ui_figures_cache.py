"""Figures cached per state of the data (scoring/ui/figures_cache.py): a page's rerun does not recompute
them, an audited change does, and a figure computed for one account is never served to another."""

from __future__ import annotations

import pytest

from scoring import audit_chain
from scoring.aggregate import comparison
from scoring.db.models import Campaign, User
from scoring.db.session import session_factory, transaction
from scoring.errors import CaseReviewError
from scoring.ui import figures_cache
from scoring.workflow.publish import publish_campaign, unpublish_campaign
from tests.test_ui_compare import frame_with, open_page, world_db  # noqa: F401 - the results pages' world
from tests.test_ui_helpers import texts


@pytest.fixture
def world(world_db, monkeypatch):  # noqa: F811
    ids, engine = world_db
    monkeypatch.setenv("CASEREVIEW_DB_URL", ids["url"])
    figures_cache._computed.clear()
    calls: list[tuple] = []

    def counted(session, actor, campaign_id, **options):  # noqa: ANN001, ANN202
        calls.append((actor.id, campaign_id))
        return comparison(session, actor, campaign_id, **options)

    monkeypatch.setitem(figures_cache._CACHED, "comparison", counted)
    return dict(ids, engine=engine, calls=calls)


def test_a_rerun_reads_the_cached_table_and_an_audited_change_recomputes_it(world):
    first = open_page(world["lead"], "compare", campaign=world["current"])
    table = frame_with(first, "排名")
    again = open_page(world["lead"], "compare", campaign=world["current"])
    assert not again.exception
    assert frame_with(again, "排名").equals(table)
    assert world["calls"] == [(world["lead"], world["current"])]  # the second page view computed nothing

    with transaction(world["engine"]) as s:  # two audited changes: the chain's head moves
        lead, campaign = s.get(User, world["lead"]), s.get(Campaign, world["current"])
        unpublish_campaign(s, lead, campaign, "测试撤回")
        publish_campaign(s, lead, campaign)
    after = open_page(world["lead"], "compare", campaign=world["current"])
    assert frame_with(after, "排名").equals(table)
    assert len(world["calls"]) == 2


def test_a_figure_computed_for_the_lead_is_not_served_to_a_reviewer(world):
    lead_view = open_page(world["lead"], "compare", campaign=world["previous"])  # unpublished: the lead's only
    assert not lead_view.exception and not lead_view.error
    with session_factory(world["engine"])() as s:
        head = audit_chain.anchor(s.connection())
    with pytest.raises(CaseReviewError):
        figures_cache._computed("comparison", world["url"], head, world["reviewer"], world["previous"], ())
    reviewer_view = open_page(world["reviewer"], "compare", campaign=world["previous"])
    assert any("的结果尚未发布" in e for e in texts(reviewer_view, "error"))
    assert not reviewer_view.dataframe


def test_only_the_listed_figures_are_cached():
    with pytest.raises(ValueError, match="not a cached figure"):
        figures_cache.figures(open_page, 1)
