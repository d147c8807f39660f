"""How long the unit comparison takes on a campaign the size of a real district's, in SQLite.

    python benchmarks/bench_aggregate.py                   # 60 units x 5 files x 2 reviews
    python benchmarks/bench_aggregate.py --units 120 --files 8 --boot 2000

The campaign is built through the core workflow with the shipped standards (sample, automatic
assignment, reviews opened, saved and submitted, disagreements re-checked), with units weaker in some
focus areas and a second reviewer who mostly agrees. Building it is slow (every submit re-derives the
file's final result, Argon2 for the lead's password); only the aggregation is what is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from scoring.accounts import create_user  # noqa: E402
from scoring.aggregate import (  # noqa: E402
    agreement,
    bootstrap_units,
    campaign_figures,
    top_problems,
    unit_summary,
)
from scoring.db.models import Assignment, CaseFile, Unit, User  # noqa: E402
from scoring.db.session import open_db, session_factory  # noqa: E402
from scoring.domain import FOCUS_AREAS, UnitKind  # noqa: E402
from scoring.marks import Marks  # noqa: E402
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary  # noqa: E402
from scoring.workflow.assignments import auto_assign, sampled_files  # noqa: E402
from scoring.workflow.campaigns import create_campaign, spec_from_options, standard_for  # noqa: E402
from scoring.workflow.recheck import outcome, record_recheck  # noqa: E402
from scoring.workflow.reviews import attributes_of, open_review, save_draft, submit_review  # noqa: E402

KINDS = [("行政处罚", "一般"), ("行政处罚", "一般"), ("行政处罚", "简易"), ("行政检查", None), ("行政许可", None)]


def marks_for(standard, attrs, weakness: dict[str, float], rnd: random.Random) -> dict:  # noqa: ANN001
    items: dict = {}
    for item_id, (_, item) in standard.items_by_id.items():
        if not standard.item_applies(item_id, attrs) or rnd.random() > weakness.get(item.focus, 0.08):
            continue
        d = rnd.choice(item.deductions)
        occ = 1 if d.points is not None else rnd.randint(1, 3)
        items[item_id] = {"deductions": [{"reason": d.id, "occurrences": occ, "page": str(rnd.randint(1, 40))}]}
    vetoes = {}
    applicable = [v.id for v in standard.vetoes if standard.veto_applies(v.id, attrs)]
    if applicable and rnd.random() < 0.01:
        vetoes[rnd.choice(applicable)] = {"page": "1"}
    return {"items": items, "vetoes": vetoes}


def second_opinion(first: dict, standard, attrs, rnd: random.Random) -> dict:  # noqa: ANN001
    """Mostly the same defects: each dropped with 15% chance, and now and then one more."""
    items = {k: v for k, v in first["items"].items() if rnd.random() > 0.15}
    if rnd.random() < 0.3:
        extra = marks_for(standard, attrs, {f: 0.1 for f in FOCUS_AREAS} | {"documents": 0.2}, rnd)["items"]
        items.update({k: v for k, v in extra.items() if k not in items})
    return {"items": items, "vetoes": dict(first["vetoes"])}


def build(url: str, n_units: int, n_files: int, seed: int) -> int:
    rnd = random.Random(seed)
    engine = open_db(url)
    s = session_factory(engine)()
    library = RubricLibrary.load([DEFAULT_RUBRIC_DIR])
    home = Unit(name="区司法局", kind=UnitKind.DEPARTMENT, sort_order=0)
    s.add(home)
    units = [Unit(name=f"单位{i:03d}", kind=UnitKind.TOWN if i % 3 == 0 else UnitKind.DEPARTMENT, sort_order=i + 1)
             for i in range(n_units)]
    s.add_all(units)
    s.flush()
    lead = create_user(s, username="lead", display_name="组长", role="lead", password="bench-pass-1", bootstrap=True)
    reviewers = [create_user(s, username=f"r{i}", display_name=f"评查员{i}", role="reviewer", unit_name=home.name,
                             actor=lead) for i in range(12)]
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31))
    campaign = create_campaign(s, spec, library, lead)
    files, n = [], 0
    for u in units:
        for _ in range(n_files):
            ct, proc = rnd.choice(KINDS)
            n += 1
            files.append(CaseFile(unit_id=u.id, case_number=f"某执法〔2024〕{n}号", case_type=ct, procedure=proc,
                                  decision_date=dt.date(2024, 5, 1), major_decision=rnd.random() < 0.2,
                                  waiver=rnd.random() < 0.1))
    s.add_all(files)
    s.flush()
    from scoring.db.models import SampleItem, SampleRecord

    rec = SampleRecord(campaign_id=campaign.id, seed=seed, rules={}, register_fingerprint="0" * 64,
                       candidate_count=len(files), algorithm_version="bench", record_hash="0" * 64)
    s.add(rec)
    s.flush()
    s.add_all(SampleItem(sample_id=rec.id, case_file_id=cf.id, draw_order=i, reason="random")
              for i, cf in enumerate(files, 1))
    s.flush()
    auto_assign(s, lead, campaign)
    weakness = {u.id: {f: rnd.choice([0.05, 0.1, 0.3]) for f in FOCUS_AREAS} for u in units}
    by_id = {r.id: r for r in reviewers}
    for cf in sampled_files(s, campaign.id):
        standard, attrs = standard_for(s, campaign, cf), attributes_of(cf)
        first = marks_for(standard, attrs, weakness[cf.unit_id], rnd)
        plans = [first, second_opinion(first, standard, attrs, rnd)]
        for a, mk in zip(s.scalars(select(Assignment).where(Assignment.campaign_id == campaign.id,
                                                            Assignment.case_file_id == cf.id)
                                   .order_by(Assignment.id)), plans, strict=True):
            reviewer = by_id[a.reviewer_id]
            rv = open_review(s, reviewer, a.id)
            save_draft(s, reviewer, rv.id, Marks.model_validate(mk), expected_version=rv.version)
            submit_review(s, reviewer, rv.id, expected_version=rv.version)
        if outcome(s, campaign, cf).status == "awaiting_recheck":
            record_recheck(s, lead, campaign, cf, reason="复核", marks=Marks.model_validate(first))
    s.commit()
    s.close()
    engine.dispose()
    return campaign.id


def timed(label: str, fn):  # noqa: ANN001, ANN201
    t0 = time.perf_counter()
    out = fn()
    print(f"  {label:<34} {(time.perf_counter() - t0) * 1000:8.1f} ms")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--files", type=int, default=5, help="files per unit")
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        cid = build(url, args.units, args.files, args.seed)
        print(f"built {args.units} units x {args.files} files x 2 reviews in {time.perf_counter() - t0:.1f} s")
        engine = open_db(url)
        with session_factory(engine)() as s:
            lead = s.scalar(select(User).where(User.username == "lead"))  # reads as the lead (scoring.policy)
            units = timed("unit_summary", lambda: unit_summary(s, lead, cid))
            boot = timed(f"bootstrap_units (B={args.boot})", lambda: bootstrap_units(s, lead, cid, n_boot=args.boot))
            ag = timed(f"agreement (B={args.boot})", lambda: agreement(s, cid, n_boot=args.boot))
            timed("campaign_figures", lambda: campaign_figures(s, lead, cid))
            timed("top_problems", lambda: top_problems(s, lead, cid))
            t0 = time.perf_counter()
            unit_summary(s, lead, cid)
            bootstrap_units(s, lead, cid, n_boot=args.boot)
            agreement(s, cid, n_boot=args.boot)
            print(f"  {'unit_summary + bootstrap + agreement':<34} {(time.perf_counter() - t0) * 1000:8.1f} ms")
        ranked = sum(b.rank is not None for b in boot)
        print(f"{len(units)} units ({ranked} ranked), {sum(u.files for u in units)} files with a final result; "
              f"alpha on totals {ag.alpha:.3f} over {ag.files} double-scored files, {len(ag.items)} items")
        engine.dispose()


if __name__ == "__main__":
    main()
