"""The draw is frozen: a fixed register, seed and rules give exactly the picks the first algorithm
gave (recorded in tests/data/sample_golden.json before the set-based scan replaced the per-row one),
and a record exported then still verifies against the same register, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from scoring.db.models import Campaign, CaseFile, Unit
from scoring.db.session import session_factory
from scoring.workflow.sampling import draw, preview_sample, register_fingerprint, verify_record
from scoring.workflow.sampling.draw import Candidate
from scoring.workflow.sampling.rules import SampleRules
from tests.factories import lead_id

GOLDEN = Path(__file__).parent / "data" / "sample_golden.json"
TYPES = ("行政处罚", "行政许可", "行政检查", "行政强制", "行政确认")
RULES = {"quota": {"percent": 7.5, "min": 2, "max": 30}, "stratify_by_case_type": True,
         "forced": [{"flag": "waiver", "min": 2}, {"flag": "major_decision", "min": 1},
                    {"flag": "hearing_held", "min": 1}]}
SEED = 20250301


def golden_register(engine) -> int:
    """900 files in 6 units (one with a single file), flags and amounts by arithmetic, some out of window."""
    with session_factory(engine)() as s, s.begin():
        units = [Unit(name=f"单位{u}", kind="department" if u % 2 else "town", sort_order=6 - u) for u in range(6)]
        s.add_all(units)
        s.flush()
        for i in range(900):
            u = 5 if i == 899 else i % 5
            s.add(CaseFile(
                unit_id=units[u].id, case_number=f"某罚〔2024〕{(i * 7919) % 100003}号", case_type=TYPES[(i * 3) % 5],
                procedure="一般" if i % 4 == 0 else None, major_decision=i % 11 == 0, waiver=i % 17 == 0,
                hearing_held=i % 23 == 0, coercive_measure=i % 13 == 0,
                penalty_amount=Decimal(i * 37) / 4 if i % 3 == 0 else None,
                decision_date=dt.date(2024, 1, 1) + dt.timedelta(days=(i * 5) % 400)))
        c = Campaign(name="定格", year=2024, window_start=dt.date(2024, 1, 1), window_end=dt.date(2024, 12, 31),
                     grade_bands=[], pass_line=Decimal("60"))
        s.add(c)
        s.flush()
        return c.id


def picks_digest(picks) -> str:
    text = "".join(f"{p.draw_order}\t{p.case_number}\t{p.unit}\t{p.case_type}\t{p.reason}\n" for p in picks)
    return hashlib.sha256(text.encode()).hexdigest()


def test_database_draw_and_fingerprint_are_the_recorded_ones(engine):
    golden = json.loads(GOLDEN.read_text())
    cid = golden_register(engine)
    picks = preview_sample(engine, cid, RULES, SEED, actor_id=lead_id(engine))
    assert len(picks) == golden["picks"]
    assert picks_digest(picks) == golden["picks_sha256"]
    assert register_fingerprint(engine, cid) == (golden["fingerprint"], golden["candidates"])


def test_a_record_exported_by_the_first_algorithm_still_verifies(engine):
    golden = json.loads(GOLDEN.read_text())
    golden_register(engine)
    result = verify_record(engine, golden["record"], actor_id=lead_id(engine))
    assert result.ok, result.problems
    assert result.drawn == golden["picks"]


def test_pure_draw_matches_the_database_draw(engine):
    """The pure function (what a hand re-derivation follows) and the database path agree."""
    cid = golden_register(engine)
    with session_factory(engine)() as s:
        rows = s.execute(sa.select(CaseFile, Unit.name).join(Unit)
                         .where(CaseFile.decision_date <= dt.date(2024, 12, 31))).all()
        order = list(s.scalars(sa.select(Unit.name).order_by(Unit.sort_order, Unit.name)))
    flags = ("major_decision", "waiver", "hearing_held", "coercive_measure")
    cands = [Candidate(cf.case_number, unit, cf.case_type, frozenset(f for f in flags if getattr(cf, f)), cf.id)
             for cf, unit in rows]
    pure = draw(cands, SampleRules.parse(RULES), SEED, order)
    assert picks_digest(pure) == picks_digest(preview_sample(engine, cid, RULES, SEED, actor_id=lead_id(engine)))
