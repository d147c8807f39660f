"""The chosen campaign stays chosen across the lead's pages (workflow and results) and is in the address."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.db.models import User
from scoring.db.session import open_db, transaction
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.campaigns import create_campaign, spec_from_options
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_ui_helpers import page_path, seed, signed_in_app


@pytest.fixture
def world(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    write_yaml(tmp_path / "rubrics" / "mini.yaml", standard_dict())
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "rubrics"))
    engine = open_db(url)
    ids = seed(engine)
    library = RubricLibrary.load([tmp_path / "rubrics"])
    with transaction(engine) as s:
        lead = s.get(User, ids["lead"])
        for year in (2023, 2024):
            spec = spec_from_options(name=f"{year}年度评查", year=year, window_start=dt.date(year, 1, 1),
                                     window_end=dt.date(year, 12, 31), standards={"行政处罚": "mini"})
            ids[year] = create_campaign(s, spec, library, lead).id
    yield ids
    engine.dispose()


def test_a_campaign_chosen_on_one_page_is_chosen_on_the_next(world):
    at = signed_in_app(world["lead"], "sampling")
    at.selectbox(key="smp_campaign").set_value(world[2023]).run()
    assert at.query_params["campaign"] == str(world[2023])
    for page, key in (("assignment", "asg_campaign"), ("progress", "prog_campaign"), ("overview", "ov_campaign"),
                      ("recheck", "rcp_campaign")):
        at.switch_page(page_path(page)).run()
        assert not at.exception, (page, at.exception)
        assert at.selectbox(key=key).value == world[2023], page
    at.selectbox(key="rcp_campaign").set_value(world[2024]).run()
    at.switch_page(page_path("sampling")).run()
    assert at.selectbox(key="smp_campaign").value == world[2024]
