"""How long a draw takes and how much memory it needs, on a register far larger than any real one.

    python benchmarks/bench_sampling.py               # 1,000,000 candidates (pure) + 100,000 in SQLite
    python benchmarks/bench_sampling.py --n 200000 --db-n 0

The pure draw hashes every candidate once and sorts each unit by key, so time and memory grow about
linearly with the register; the stored draw adds reading the register once (streamed) and writing
the picks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.domain import CASE_TYPES  # noqa: E402
from scoring.workflow.sampling import Candidate, SampleRules, draw  # noqa: E402
from tests.factories import lead_id

RULES = SampleRules.parse({
    "quota": {"percent": 1, "min": 3, "max": 30},
    "forced": [{"flag": "major_decision", "min": 2}, {"flag": "waiver", "min": 1}],
})
ONE_UNIT_RULES = SampleRules.parse({"quota": {"percent": 5}, "forced": [{"flag": "major_decision", "min": 2}]})
FLAG_SETS = [frozenset(), frozenset({"major_decision"}), frozenset({"waiver"}), frozenset({"hearing_held"})]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def synthetic(n: int, units: int, rnd: random.Random) -> list[Candidate]:
    unit_names = [f"单位{u:03d}" for u in range(units)]
    return [
        Candidate(
            f"某执法〔2024〕{i}号",
            unit_names[rnd.randrange(units)],
            CASE_TYPES[min(int(rnd.expovariate(0.8)), len(CASE_TYPES) - 1)],
            FLAG_SETS[rnd.choices((0, 1, 2, 3), weights=(94, 3, 2, 1))[0]],
            i,
        )
        for i in range(n)
    ]


def bench_pure(n: int, units: int, label: str, rules: SampleRules = RULES) -> None:
    rnd = random.Random(1)
    t0 = time.perf_counter()
    cands = synthetic(n, units, rnd)
    built = time.perf_counter() - t0
    gc.collect()
    t0 = time.perf_counter()
    picks = draw(cands, rules, 20240501)
    took = time.perf_counter() - t0
    tracemalloc.start()
    draw(cands, rules, 20240501)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"pure draw, {label}: {n:,} candidates in {units} units -> {len(picks):,} files: "
          f"{took:.2f} s (building candidates {built:.2f} s); draw's own peak allocation "
          f"{peak / 2**20:.0f} MiB; process peak RSS so far {peak_rss_mb():.0f} MiB")


def bench_sqlite(n: int) -> None:
    from decimal import Decimal

    import sqlalchemy as sa

    from scoring.db.models import Campaign, CaseFile, Unit
    from scoring.db.session import open_db, session_factory
    from scoring.workflow.sampling import draw_sample, register_fingerprint, verify_record

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_db(f"sqlite:///{tmp}/bench.db")
        rnd = random.Random(2)
        with session_factory(engine)() as session, session.begin():
            session.execute(sa.insert(Unit), [{"name": f"单位{u:03d}", "kind": "department", "sort_order": u}
                                              for u in range(60)])
            ids = list(session.scalars(sa.select(Unit.id)))
            rows = []
            for i in range(n):
                flags = FLAG_SETS[rnd.choices((0, 1, 2, 3), weights=(94, 3, 2, 1))[0]]
                rows.append({
                    "unit_id": rnd.choice(ids), "case_number": f"某执法〔2024〕{i}号",
                    "case_type": CASE_TYPES[min(int(rnd.expovariate(0.8)), len(CASE_TYPES) - 1)],
                    "procedure": None, "decision_date": dt.date(2024, 1, 1) + dt.timedelta(days=i % 366),
                    "major_decision": "major_decision" in flags, "waiver": "waiver" in flags,
                    "hearing_held": "hearing_held" in flags, "coercive_measure": False,
                    "penalty_amount": Decimal(rnd.randrange(0, 10**6)) / 100, "description": "",
                })
            session.execute(sa.insert(CaseFile), rows)
            campaign = Campaign(name="bench", year=2024, window_start=dt.date(2024, 1, 1),
                                window_end=dt.date(2024, 12, 31), grade_bands=[], pass_line=Decimal(60))
            session.add(campaign)
            session.flush()
            cid = campaign.id
        del rows
        t0 = time.perf_counter()
        _, count = register_fingerprint(engine, cid)
        fp = time.perf_counter() - t0
        t0 = time.perf_counter()
        record = draw_sample(engine, cid, RULES, 20240501, actor_id=lead_id(engine))
        stored = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = verify_record(engine, record.id, actor_id=lead_id(engine))
        verified = time.perf_counter() - t0
        assert result.ok, result.problems
        print(f"SQLite, {count:,} candidates in 60 units -> {len(record.items):,} files: fingerprint {fp:.2f} s, "
              f"draw_sample {stored:.2f} s, verify_record {verified:.2f} s; process peak RSS {peak_rss_mb():.0f} MiB")
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="candidates for the pure draw")
    parser.add_argument("--db-n", type=int, default=100_000, help="candidates in SQLite (0: skip)")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    bench_pure(args.n, 200, "200 units")
    bench_pure(args.n, 1, "one unit at 5% (many seats to allocate)", ONE_UNIT_RULES)
    if args.db_n:
        bench_sqlite(args.db_n)


if __name__ == "__main__":
    main()
