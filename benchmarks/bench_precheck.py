"""How long the machine pre-check takes on a register of a million files.

    python benchmarks/bench_precheck.py                 # 1,000,000 rows in memory + 1,000,000 in SQLite
    python benchmarks/bench_precheck.py --n 200000 --db-n 0

"in memory": typing the columns (`prepare`), evaluating every shipped rule on whole columns, and the
per-unit, per-unit-and-rule and flagged-file tables. "SQLite": the same after reading the campaign's
window from a database file (`run_precheck`, what `casereview precheck` does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.db.models import Campaign, CaseFile, Unit, User
from scoring.db.session import open_db, session_factory
from scoring.file_attributes import to_json
from scoring.precheck.attributes import EXTRA_KEYS
from scoring.precheck.evaluate import prepare
from scoring.precheck.rules import load_rules
from scoring.precheck.run import run_frame, run_precheck

UNITS = 37


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(n: int, seed: int = 1) -> pd.DataFrame:
    """A register with every optional column; a few per cent of files break some rule."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2024-01-01")
    decision = base + rng.integers(0, 365, n).astype("timedelta64[D]")

    def holes(values: np.ndarray, share: float) -> pd.Series:
        s = pd.Series(values)
        s[rng.random(n) < share] = None
        return s

    procedure = np.where(rng.random(n) < 0.7, "一般", "简易")
    simple = procedure == "简易"
    waiver = rng.random(n) < 0.03
    amount = np.round(np.where(simple, rng.integers(1, 61, n) * 50.0, rng.exponential(4000, n)), 2)
    amount[waiver & (rng.random(n) > 0.02)] = 0.0
    tier = np.array(["减轻", "从轻", "一般", "从重"])[rng.integers(0, 4, n)]
    tier[waiver & (rng.random(n) > 0.02)] = "不予"

    def days(lo: int, hi: int) -> np.ndarray:
        return rng.integers(lo, hi, n).astype("timedelta64[D]")

    # in order: filing < investigation end < legal review < collective discussion < notice < decision
    filing = decision - days(40, 92)
    filing[rng.random(n) < 0.01] -= np.timedelta64(30, "D")  # a few beyond 90 days
    inv_end = decision - days(25, 39)
    review = decision - days(15, 24)
    late = rng.random(n) < 0.02
    review[late] = decision[late] + np.timedelta64(2, "D")
    discussion = decision - days(10, 14)
    notice = decision - days(3, 9)
    service = decision + days(0, 7)
    service[rng.random(n) < 0.02] += np.timedelta64(5, "D")
    return pd.DataFrame({
        "case_file_id": np.arange(n), "case_number": [f"某执法〔2024〕{i}号" for i in range(n)],
        "unit": np.array([f"单位{u:03d}" for u in range(UNITS)])[rng.integers(0, UNITS, n)],
        "unit_order": 0, "case_type": np.where(rng.random(n) < 0.8, "行政处罚", "行政检查"),
        "procedure": procedure, "decision_date": decision,
        "major_decision": rng.random(n) < 0.05, "waiver": waiver,
        "hearing_held": rng.random(n) < 0.01, "coercive_measure": rng.random(n) < 0.02,
        "penalty_amount": amount,
        "filing_date": filing, "investigation_end_date": inv_end,
        "notice_date": holes(notice, 0.005), "hearing_notice_date": holes(notice, 0.02),
        "legal_review_date": holes(review, 0.01), "collective_discussion_date": holes(discussion, 0.5),
        "service_date": holes(service, 0.005), "discretion_tier": holes(tier, 0.02),
        "hearing_threshold": np.where(rng.random(n) < 0.5, 10000.0, 50000.0),
    })


def bench_memory(n: int) -> None:
    rules = load_rules()
    raw = synthetic(n)
    t0 = time.perf_counter()
    frame = prepare(raw)
    t1 = time.perf_counter()
    result = run_frame(frame, rules)
    t2 = time.perf_counter()
    by_unit, by_rule, files = result.by_unit(), result.by_unit_rule(), result.flagged_files()
    t3 = time.perf_counter()
    print(f"in memory: {n:,} files x {len(rules)} rules: typing {t1 - t0:.2f} s, evaluating {t2 - t1:.2f} s, "
          f"tables {t3 - t2:.2f} s, total {t3 - t0:.2f} s; {len(files):,} flagged files, "
          f"{int(by_unit['flags'].sum()):,} flags, {len(by_rule):,} unit x rule rows; peak RSS {peak_rss_mb():.0f} MB")


def bench_sqlite(n: int, db: Path | None = None) -> None:
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        path = db or Path(tmp) / "bench.db"
        reuse = path.exists()
        engine = open_db(f"sqlite:///{path}")
        if not reuse:
            load_sqlite(engine, n)
        with engine.connect() as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(CaseFile)).scalar_one()
        with session_factory(engine)() as session:
            t1 = time.perf_counter()
            result = run_precheck(session, session.get(User, 1), session.get_one(Campaign, 1), rules)
            by_unit, _, files = result.by_unit(), result.by_unit_rule(), result.flagged_files()
            t2 = time.perf_counter()
        print(f"SQLite: {n:,} files{' (database reused)' if reuse else ''}: pre-check from the database "
              f"{t2 - t1:.2f} s; {len(files):,} flagged files, {int(by_unit['flags'].sum()):,} flags; "
              f"peak RSS {peak_rss_mb():.0f} MB; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        engine.dispose()


def load_sqlite(engine: sa.Engine, n: int) -> None:
    """The synthetic register of `n` files stored as the import stores it (process columns as attributes)."""
    raw = synthetic(n)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.insert(Unit), [{"id": u + 1, "name": f"单位{u:03d}", "kind": "department",
                                        "sort_order": u} for u in range(UNITS)])
        unit_ids = raw["unit"].str[2:].astype(int).to_numpy() + 1
        has_attrs = "attributes" in CaseFile.__table__.c
        rows = []
        for i, r in enumerate(raw.itertuples(index=False)):
            row = {"id": i + 1, "unit_id": int(unit_ids[i]), "case_number": r.case_number,
                   "case_type": r.case_type, "procedure": r.procedure,
                   "decision_date": pd.Timestamp(r.decision_date).date(), "major_decision": bool(r.major_decision),
                   "waiver": bool(r.waiver), "hearing_held": bool(r.hearing_held),
                   "coercive_measure": bool(r.coercive_measure), "penalty_amount": r.penalty_amount,
                   "description": ""}
            if has_attrs:
                attrs = {}
                for k in EXTRA_KEYS:
                    v = getattr(r, k, None)
                    if v is not None and not pd.isna(v):
                        if isinstance(v, (pd.Timestamp, np.datetime64)):
                            v = pd.Timestamp(v).date()
                        elif isinstance(v, float):
                            v = Decimal(str(v))
                        attrs[k] = to_json(v)  # as the register import stores it
                row["attributes"] = attrs
            rows.append(row)
            if len(rows) == 50_000:
                conn.execute(sa.insert(CaseFile), rows)
                rows = []
        if rows:
            conn.execute(sa.insert(CaseFile), rows)
        conn.execute(sa.insert(User), [{"id": 1, "username": "lead", "display_name": "lead", "role": "lead"}])
        conn.execute(sa.insert(Campaign), [{"id": 1, "name": "bench", "year": 2024,
                                            "window_start": dt.date(2024, 1, 1), "window_end": dt.date(2024, 12, 31),
                                            "grade_bands": [], "pass_line": 60}])
    print(f"SQLite: stored {n:,} files in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="rows checked in memory (0: skip)")
    ap.add_argument("--db-n", type=int, default=1_000_000, help="rows checked from SQLite (0: skip)")
    ap.add_argument("--db", type=Path, help="keep the SQLite database in this file; reuse it when it exists")
    args = ap.parse_args()
    if args.n:
        bench_memory(args.n)
    if args.db_n:
        bench_sqlite(args.db_n, args.db)


if __name__ == "__main__":
    main()
