"""The lead's re-check keeps where a defect is and what the lead wrote; re-recording updates who and when."""

from __future__ import annotations

import datetime as dt

from scoring.accounts import create_user
from scoring.db.models import User
from scoring.marks import Marks
from scoring.workflow.recheck import record_recheck
from tests import test_assignments_recheck
from tests.test_assignments_recheck import _two_reviews, deduct

world = test_assignments_recheck.world  # the re-check world: four units, reviewers, twelve files


def test_rerecording_updates_who_and_when_and_keeps_location_and_comment(world):
    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    cf, _, r2 = _two_reviews(world, deduct("A1", "b", 2), deduct("B1", "a", 12))
    own = Marks.model_validate({"items": {"A1": {"deductions": [
        {"reason": "b", "occurrences": 2, "page": "14-15", "comment": "复核：两处签名缺失"}]}}})
    rc = record_recheck(s, lead, campaign, cf, reason="复核认定", marks=own)
    s.commit()
    first = rc.decided_at
    assert rc.marks["items"]["A1"]["deductions"][0]["page"] == "14-15"
    assert rc.marks["items"]["A1"]["deductions"][0]["comment"] == "复核：两处签名缺失"
    deputy = create_user(s, username="lead2", display_name="副组长", role="lead", password="s3cret-pass", actor=lead)
    rc.decided_at = first - dt.timedelta(hours=1)  # as if recorded an hour ago
    s.commit()
    again = record_recheck(s, deputy, campaign, cf, reason="采纳评查员乙意见", adopt_review_id=r2.id)
    s.commit()
    assert s.get(User, again.decided_by_id).username == "lead2"
    assert again.decided_at > first - dt.timedelta(hours=1)
