"""Opening a file creates nothing; the first saved mark creates the review, under the optimistic lock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from scoring.db.models import Review
from scoring.desk.reviewer import my_queue, open_for_scoring
from scoring.errors import ConflictError, PermissionDenied
from scoring.marks import Marks
from scoring.workflow.reviews import save_first_or_draft
from tests import test_reviewer_core

desk = test_reviewer_core.desk  # the reviewer desk's world

MARK = Marks.model_validate({"items": {"A1": {"deductions": [{"reason": "a", "page": "3"}]}}})


def _reviews(s) -> int:
    return s.scalar(select(func.count()).select_from(Review))


def test_opening_changes_nothing_and_the_first_save_creates_the_draft(desk):
    s, a = desk["session"], desk["a"]
    opened = open_for_scoring(s, a, desk["a0"].id, create=False)
    s.commit()
    assert (opened.review_id, opened.version, opened.marks) == (None, 0, Marks())
    assert len(opened.standard_hash) == 64 and not opened.locked
    assert _reviews(s) == 0 and my_queue(s, a)[0].status == "not_started"
    review = save_first_or_draft(s, a, desk["a0"].id, MARK, expected_version=0)
    s.commit()
    assert _reviews(s) == 1 and my_queue(s, a)[0].status == "draft"
    again = open_for_scoring(s, a, desk["a0"].id, create=False)
    assert again.review_id == review.id and again.marks == MARK and again.version == review.version
    later = save_first_or_draft(s, a, desk["a0"].id, Marks(), expected_version=again.version)
    assert later.id == review.id and later.version == again.version + 1


def test_a_second_tab_that_also_starts_the_file_gets_the_conflict(desk):
    s, a = desk["session"], desk["a"]
    save_first_or_draft(s, a, desk["a0"].id, MARK, expected_version=0)  # tab 1
    with pytest.raises(ConflictError, match="started elsewhere") as conflict:  # tab 2, opened before tab 1 saved
        save_first_or_draft(s, a, desk["a0"].id, Marks(), expected_version=0)
    assert conflict.value.current == MARK
    with pytest.raises(PermissionDenied):
        save_first_or_draft(s, desk["b"], desk["a1"].id, MARK, expected_version=0)
