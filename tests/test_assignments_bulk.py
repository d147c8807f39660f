"""Set-based assignment keeps the rules and the very plan of the file-by-file planner it replaced.

`reference_plan` is that planner (as it was before issue 14), kept here as the specification: greedy in
draw order, least-loaded eligible reviewer first (ties by the hash of case number and user name), no
one from the file's own unit (回避), nobody twice on a file, then moves from the busiest to the least
busy eligible reviewer while that narrows the spread. The property test builds random panels and
samples and checks the new planner gives exactly the same plan; the other tests check what is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.audit_verify import verify
from scoring.db.models import (
    Assignment,
    AuditEntry,
    Campaign,
    CaseFile,
    SampleItem,
    SampleRecord,
    Unit,
    User,
)
from scoring.errors import ProblemReport, ValidationFailed
from scoring.workflow.assignments import PlannedAssignment, apply_plan, plan_auto_assignment


def _tiebreak(case_number: str, username: str) -> str:
    return hashlib.sha256(f"{case_number}:{username}".encode()).hexdigest()


def reference_plan(files, reviewers, existing, per_file_needed):
    """files: [(id, number, unit_id)] in draw order; reviewers: [(id, username, unit_id)] by username;
    existing: [(file id, reviewer id)]. Returns [(file id, reviewer id)] or raises ValueError."""
    load = Counter(r for _, r in existing)
    per_file: dict[int, set[int]] = {}
    for f, r in existing:
        per_file.setdefault(f, set()).add(r)
    plan = []
    bad = False
    for fid, number, unit in files:
        have = per_file.setdefault(fid, set())
        need = per_file_needed - len(have)
        eligible = [r for r in reviewers if r[0] not in have and r[2] != unit]
        if len(eligible) < need:
            bad = True
            continue
        for _ in range(max(0, need)):
            best = min(eligible, key=lambda r: (load[r[0]], _tiebreak(number, r[1])))
            eligible.remove(best)
            load[best[0]] += 1
            have.add(best[0])
            plan.append([fid, number, best[0]])
    if bad:
        raise ValueError("not possible")
    file_unit = {f[0]: f[2] for f in files}
    for _ in range(len(plan) * len(reviewers)):
        moved = False
        for i, p in sorted(enumerate(plan), key=lambda ip: -load[ip[1][2]]):
            cands = [r for r in reviewers if r[0] not in per_file[p[0]] and r[2] != file_unit[p[0]]
                     and load[r[0]] + 1 < load[p[2]]]
            if not cands:
                continue
            to = min(cands, key=lambda r: (load[r[0]], _tiebreak(p[1], r[1])))
            per_file[p[0]].discard(p[2])
            per_file[p[0]].add(to[0])
            load[p[2]] -= 1
            load[to[0]] += 1
            plan[i] = [p[0], p[1], to[0]]
            moved = True
            break
        if not moved:
            break
    return [(p[0], p[2]) for p in plan]


def world(session, n_units, unit_of_file, reviewer_units, per_file=2):
    units = [Unit(name=f"单位{i}", kind="department", sort_order=i) for i in range(n_units)]
    session.add_all(units)
    session.flush()
    reviewers = [User(username=f"r{i:02d}", display_name=f"评查员{i}", role="reviewer",
                      unit_id=None if u is None else units[u].id) for i, u in enumerate(reviewer_units)]
    session.add_all(reviewers)
    c = Campaign(name="分配", year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 12, 31),
                 grade_bands=[], pass_line=Decimal(60), reviewers_per_file=per_file)
    session.add(c)
    session.flush()
    files = [CaseFile(unit_id=units[u].id, case_number=f"罚〔2024〕{i}号", case_type="行政处罚", procedure="一般",
                      decision_date=dt.date(2024, 3, 1)) for i, u in enumerate(unit_of_file)]
    session.add_all(files)
    session.flush()
    rec = SampleRecord(campaign_id=c.id, seed=1, rules={}, register_fingerprint="0" * 64,
                       candidate_count=len(files), algorithm_version="t", record_hash="0" * 64)
    session.add(rec)
    session.flush()
    session.add_all(SampleItem(sample_id=rec.id, case_file_id=f.id, draw_order=i, reason="random")
                    for i, f in enumerate(files, 1))
    session.flush()
    return c, files, sorted(reviewers, key=lambda r: r.username)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_units=st.integers(1, 5), data=st.data())
def test_bulk_planner_gives_the_reference_plan(session, n_units, data):
    unit_of_file = data.draw(st.lists(st.integers(0, n_units - 1), min_size=1, max_size=40))
    reviewer_units = data.draw(st.lists(st.none() | st.integers(0, n_units - 1), min_size=1, max_size=7))
    per_file = data.draw(st.integers(1, 3))
    try:
        c, files, reviewers = world(session, n_units, unit_of_file, reviewer_units, per_file)
        ref_files = [(f.id, f.case_number, f.unit_id) for f in files]
        ref_reviewers = [(r.id, r.username, r.unit_id) for r in reviewers]
        try:
            expected = reference_plan(ref_files, ref_reviewers, [], per_file)
        except ValueError:
            with pytest.raises(ProblemReport):
                plan_auto_assignment(session, c)
        else:
            got = [(p.case_file_id, p.reviewer_id) for p in plan_auto_assignment(session, c)]
            assert got == expected
    finally:
        session.rollback()


def test_apply_writes_every_assignment_in_bulk_and_keeps_recusal(session, sqlite_engine):
    c, files, reviewers = world(session, 3, [i % 3 for i in range(30)], [0, 1, 2, None, 0, 1])
    lead = User(username="lead", display_name="组长", role="lead")
    session.add(lead)
    session.flush()
    plan = plan_auto_assignment(session, c)
    assert apply_plan(session, lead, c, plan, how="auto") == 60
    rows = session.execute(sa.select(Assignment.case_file_id, Assignment.reviewer_id)
                           .where(Assignment.campaign_id == c.id)).all()
    assert len(rows) == len(set(rows)) == 60
    unit_of = {f.id: f.unit_id for f in files}
    reviewer_unit = {r.id: r.unit_id for r in reviewers}
    assert all(reviewer_unit[r] != unit_of[f] for f, r in rows)
    loads = Counter(r for _, r in rows)
    assert max(loads.values()) - min(loads.values()) <= 1
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "assign_auto")).one()
    assert len(entry.new_value) == 60
    # a second plan adds nothing: every file has its reviewers
    assert plan_auto_assignment(session, c) == []
    session.commit()  # the bulk-inserted rows are vouched for in the audit chain like any others
    report = verify(sqlite_engine)
    assert report.ok, report


def test_apply_refuses_a_plan_breaking_recusal_and_writes_nothing(session):
    c, files, reviewers = world(session, 2, [0, 1], [0, 1])
    lead = User(username="lead", display_name="组长", role="lead")
    session.add(lead)
    session.flush()
    own = next(r for r in reviewers if r.unit_id == files[0].unit_id)
    bad = [PlannedAssignment(files[0].id, files[0].case_number, "单位0", own.id, own.display_name)]
    with pytest.raises(ValidationFailed, match="回避"):
        apply_plan(session, lead, c, bad, how="csv")
    assert session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
