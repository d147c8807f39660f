"""A reviewer's queue and the lead's progress cost a fixed number of statements, however large the
campaign grows (no query per file): counted with SQLAlchemy's cursor events, at 4 and at 40 files."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from scoring.accounts import create_user
from scoring.db.session import session_factory
from scoring.desk.reviewer import my_queue, queue_progress, reviewer_campaigns
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import apply_plan, plan_auto_assignment, reviewer_progress
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.progress import lead_reviewer_progress, state_counts, unit_progress
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml


@contextmanager
def counted(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ARG001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def panel(engine, tmp_path):
    """Two campaigns in one database: 4 sampled files and 40, each with its own two reviewers."""
    write_yaml(tmp_path / "r" / "mini.yaml", standard_dict())
    library = RubricLibrary.load([tmp_path / "r"])
    s = session_factory(engine)()
    f = Factory(s)
    home, other = f.unit("区水务局"), f.unit("城桥镇", kind="town")
    lead = create_user(s, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
    out = {}
    for size in (4, 40):
        reviewers = [create_user(s, username=f"r{size}-{i}", display_name=f"评查员{size}-{i}", role="reviewer",
                                 unit_name=other.name, actor=lead) for i in range(2)]
        spec = spec_from_options(name=f"评查{size}", year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
        campaign = create_campaign(s, spec, library, lead)
        f.sample(campaign, [f.case_file(home) for _ in range(size)])
        apply_plan(s, lead, campaign, plan_auto_assignment(s, campaign, reviewers), how="auto")
        out[size] = (campaign.id, reviewers[0])
    s.commit()
    yield s, lead, out
    s.close()


def test_queue_costs_the_same_statements_at_4_and_40_files(engine, panel):
    s, _, out = panel
    counts = {}
    for size, (cid, reviewer) in out.items():
        s.expire_all()
        with counted(engine) as statements:
            queue = my_queue(s, reviewer, cid)
            queue_progress(queue)
            reviewer_campaigns(s, reviewer)
        assert len(queue) == size
        counts[size] = len(statements)
    assert counts[4] == counts[40] <= 4, counts


def test_lead_progress_costs_the_same_statements_at_4_and_40_files(engine, panel):
    s, lead, out = panel
    counts = {}
    for size, (cid, _) in out.items():
        s.expire_all()
        with counted(engine) as statements:
            assert sum(r.assigned for r in reviewer_progress(s, cid)) == 2 * size
            lead_reviewer_progress(s, lead, cid)
            unit_progress(s, lead, cid)
            state_counts(s, lead, cid)
        counts[size] = len(statements)
    assert counts[4] == counts[40], counts
