"""Page figures: whole Streamlit runs of the pages a panel waits on, headless (AppTest), on the world.

A run is everything the server does for one redraw of the page (the app shell, the sidebar, the page
itself and the core calls it makes); the browser's own drawing is not in it. Each page is opened once
untimed (so imports and the engine are warm), then timed over `repeat` reruns. The comparison page is
timed cold (its figures cache and every unit's remembered bootstrap replicates cleared before each run,
as after a server start), after one more final result (one file's score moved before each run: the
state a lead usually opens it at), and warm (a rerun at the same state of the data).
"""

from __future__ import annotations

import itertools
import os
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from benchmarks.build import World
from benchmarks.measure import Figure, measure
from scoring.aggregate.uncertainty import forget_replicates
from scoring.db.models import Assignment, FileResult, Review
from scoring.db.session import session_factory
from scoring.ui import figures_cache

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
PAGES = "scoring/ui/pages"


def _opened(user_id: int, page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["user_id"] = user_id
    at.run()
    at.switch_page(f"{PAGES}/{page}.py")
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return at


def page_figures(engine: Engine, world: World, repeat: int) -> list[Figure]:
    """The comparison page cold and warm, the reviewer's queue page, the scoring page and the lead's
    progress page, as the lead and as the reviewer with the longest queue."""
    before = os.environ.get("CASEREVIEW_DB_URL")
    os.environ["CASEREVIEW_DB_URL"] = world.url  # the app under AppTest opens the world's database
    try:
        return _figures(engine, world, repeat)
    finally:  # the suite calls the benchmark in-process: later tests must not inherit the world's URL
        if before is None:
            os.environ.pop("CASEREVIEW_DB_URL", None)
        else:
            os.environ["CASEREVIEW_DB_URL"] = before


def _figures(engine: Engine, world: World, repeat: int) -> list[Figure]:
    cid = str(world.campaign_id)
    with session_factory(engine)() as s:
        reviewer_id, queue = s.execute(
            sa.select(Assignment.reviewer_id, sa.func.count()).where(Assignment.campaign_id == world.campaign_id)
            .group_by(Assignment.reviewer_id).order_by(sa.func.count().desc())).first()
        draft = s.scalar(sa.select(Assignment.id).join(Review, Review.assignment_id == Assignment.id)
                         .where(Assignment.reviewer_id == reviewer_id, Assignment.campaign_id == world.campaign_id)
                         .order_by(Assignment.id))
    compare = _opened(world.lead_id, "compare", campaign=cid)

    def cold() -> None:
        figures_cache._computed.clear()
        forget_replicates()

    with session_factory(engine)() as s:
        moved = s.scalars(sa.select(FileResult).where(FileResult.campaign_id == world.campaign_id)
                          .order_by(FileResult.id)).first()
        assert moved is not None
        moved_id, score = moved.id, moved.score

    runs = itertools.count(1)

    def one_more_result() -> None:
        """A new state of the data: one file's final score moves by a hundredth more each run (written
        directly: the benchmark world carries no audit entries), and the figures are computed again."""
        step = Decimal(next(runs)) / 100
        with session_factory(engine)() as s, s.begin():
            s.get(FileResult, moved_id).score = score - step if score >= 1 else score + step
        figures_cache._computed.clear()

    first_view = measure(compare.run, repeat, cold)
    after_change = measure(compare.run, repeat, one_more_result)
    with session_factory(engine)() as s, s.begin():
        s.get(FileResult, moved_id).score = score  # the world as it was for the figures that follow
    figures_cache._computed.clear()
    compare.run()  # untimed: the figures of the world as it is now, which the rerun figure reads
    figs = [
        Figure("comparison page, first view at this state of the data (server run; after a server start)",
               first_view, "≤ 1 s"),
        Figure("comparison page, first view after one more final result (server run)", after_change, "≤ 1 s"),
        Figure("comparison page, rerun (figures cached per state of the data)", measure(compare.run, repeat), "≤ 1 s"),
        Figure(f"reviewer's queue page ({queue:,} files, server run)",
               measure(_opened(reviewer_id, "my_files").run, repeat), "≤ 300 ms"),
        Figure("scoring page, a file open (server run)",
               measure(_opened(reviewer_id, "score", assignment=str(draft)).run, repeat), "≤ 150 ms"),
        Figure("lead's progress page (server run)", measure(_opened(world.lead_id, "progress", campaign=cid).run, repeat),
               "≤ 500 ms"),
    ]
    return figs
