"""A reviewer's queue and the lead's progress cost a fixed number of statements, however large the
campaign grows (no query per file): counted with SQLAlchemy's cursor events, at 4 and at 40 files."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from scoring.accounts import create_user
from scoring.db.models import Assignment
from scoring.db.session import session_factory
from scoring.desk.reviewer import my_queue, queue_progress, queue_window, reviewer_campaigns
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import apply_plan, plan_auto_assignment, reviewer_progress
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.progress import (
    file_states,
    lead_reviewer_progress,
    progress_counts,
    state_counts,
    unit_progress,
)
from scoring.workflow.reviews import marks_of, open_review, save_draft
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
            progress_counts(s, lead, cid)
            file_states(s, lead, cid, states=("not_started",))
        counts[size] = len(statements)
    assert counts[4] == counts[40], counts


def test_the_scoring_pickers_window_costs_the_same_statements_at_4_and_40_files(engine, panel):
    s, _, out = panel
    counts = {}
    for size, (cid, reviewer) in out.items():
        last = s.scalars(select(Assignment.id).where(Assignment.reviewer_id == reviewer.id)
                         .order_by(Assignment.id.desc())).first()
        s.expire_all()
        with counted(engine) as statements:
            window = queue_window(s, reviewer, last, size=3)
        assert window.chosen is not None and window.position == size
        counts[size] = len(statements)
    assert counts[4] == counts[40] <= 5, counts


@pytest.mark.parametrize("size", [1, 3, 7, 50])
def test_the_window_is_the_page_of_the_queue_that_holds_the_chosen_file(panel, size):
    """Exhaustively over a 40-file queue: the window is the slice of `my_queue` on the chosen file's page,
    its neighbours are the queue's, and its position is the file's place in the queue."""
    s, _, out = panel
    _, reviewer = out[40]
    queue = my_queue(s, reviewer)
    ids = [e.assignment_id for e in queue]
    for i, aid in enumerate(ids):
        w = queue_window(s, reviewer, aid, size=size)
        start = (i // size) * size
        assert [e.assignment_id for e in w.entries] == ids[start:start + size]
        assert (w.total, w.first, w.position) == (len(ids), start + 1, i + 1)
        assert w.chosen == queue[i]
        assert w.previous == (ids[i - 1] if i else None)
        assert w.next == (ids[i + 1] if i + 1 < len(ids) else None)


def test_another_reviewers_file_is_not_chosen_and_the_first_page_shows(panel):
    s, _, out = panel
    _, mine = out[40]
    _, theirs = out[4]
    foreign = s.scalars(select(Assignment.id).where(Assignment.reviewer_id == theirs.id)).first()
    w = queue_window(s, mine, foreign, size=5)
    queue = [e.assignment_id for e in my_queue(s, mine)]
    assert w.chosen is None and w.position is None and w.previous is None
    assert w.next == queue[0]  # "next" starts at the queue's first file
    assert [e.assignment_id for e in w.entries] == queue[:5]
    empty = queue_window(s, mine, None, search="no such case number", size=5)
    assert (empty.entries, empty.total, empty.first) == ([], 0, 0)


def test_search_lists_the_matching_case_numbers_literally(panel):
    s, _, out = panel
    _, reviewer = out[40]
    queue = my_queue(s, reviewer)
    target = queue[17]
    w = queue_window(s, reviewer, queue[0].assignment_id, search=f"  {target.case_number}  ", size=5)
    assert [e.assignment_id for e in w.entries] == [target.assignment_id] and w.total == 1
    assert w.chosen == queue[0] and w.next == queue[1].assignment_id  # the chosen file and its neighbours stay
    for wildcard in ("%", "_"):  # LIKE's wildcards are matched as themselves
        hits = queue_window(s, reviewer, None, search=wildcard, size=50)
        assert hits.total == sum(wildcard in e.case_number for e in queue) == len(hits.entries)
    common = queue[0].case_number[:2]
    w = queue_window(s, reviewer, None, search=common, size=5)
    matching = [e.assignment_id for e in queue if common.lower() in e.case_number.lower()]
    assert w.total == len(matching) and [e.assignment_id for e in w.entries] == matching[:5]


SMALL = {"items": {"A1": {"deductions": [{"reason": "a", "page": "3"}]}}}
LARGE = {"items": {"A1": {"deductions": [{"reason": "a", "page": "3"}, {"reason": "b", "occurrences": 3, "page": "4"}],
                          "comment": "签名缺失三处"},
                   "A2": {"na": True, "comment": "未举行听证"},
                   "B1": {"deductions": [{"reason": "a", "occurrences": 2, "page": "7", "comment": "错别字两处"}]}},
         "vetoes": {"V1": {"comment": "主体不合法", "page": "1"}}}


def test_a_save_costs_the_same_statements_with_one_mark_and_with_six(engine, panel):
    """A draft's mark rows are written in one INSERT (and the old ones deleted in one statement), so a
    save costs the same whether it carries one mark or many; the rows read back as the marks saved."""
    s, _, out = panel
    cid, reviewer = out[4]
    assignment = s.scalars(select(Assignment).where(Assignment.campaign_id == cid,
                                                    Assignment.reviewer_id == reviewer.id)).first()
    review = open_review(s, reviewer, assignment.id)
    review = save_draft(s, reviewer, review.id, Marks.model_validate(SMALL), review.version)
    marks_of(review)
    counts = {}
    for name, marks in (("large", LARGE), ("small", SMALL)):
        wanted = Marks.model_validate(marks)
        s.flush()
        with counted(engine) as statements:
            review = save_draft(s, reviewer, review.id, wanted, review.version)
            s.flush()  # its audit entry
        counts[name] = len(statements)
        assert marks_of(review) == wanted
        assert len(review.marks) == (6 if name == "large" else 1)
    s.commit()
    assert counts["large"] == counts["small"], counts
