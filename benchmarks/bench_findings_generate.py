"""`findings generate` alone, with its commit, on a copy of a world the benchmark suite kept.

    python -m benchmarks --scale district --repeat 1 --keep /tmp/w     # once: builds /tmp/w/bench.db
    python benchmarks/bench_findings_generate.py /tmp/w/bench.db [--runs 3] [--profile 30] [--verify]

The database is copied (the original is never written). Before each run the campaign's findings are
deleted through the core's session (audited, untimed), so every run is a first draft of all of them;
then generate (drafting and writing) and the commit (where the audit chain vouches for the rows
written) are timed apart, in CPU seconds of this process. `--regenerate` times a second generation
over the first instead (nothing changed: the diff path); `--verify` times `audit verify` at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from scoring.audit_verify import verify  # noqa: E402
from scoring.db.models import Campaign, Finding, FindingLink, User  # noqa: E402
from scoring.db.session import open_db, session_factory  # noqa: E402
from scoring.findings.generate import generate_findings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, help="bench.db of a kept world (copied, never written)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--regenerate", action="store_true", help="time regeneration over a first draft")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions of the last run")
    ap.add_argument("--verify", action="store_true", help="time audit verify at the end")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        shutil.copyfile(args.db, path)
        engine = open_db(f"sqlite:///{path}")
        Session = session_factory(engine)
        with Session() as s:
            cid = s.scalars(sa.select(Campaign.id).order_by(Campaign.id)).first()
            lead_id = s.scalars(sa.select(User.id).where(User.role == "lead").order_by(User.id)).first()
        gen, commit = [], []
        profile = cProfile.Profile() if args.profile else None
        for i in range(args.runs):
            with Session() as s:  # untimed: start from no findings (or from a first draft)
                s.execute(sa.delete(Finding).where(Finding.campaign_id == cid))
                s.commit()
                if args.regenerate:
                    generate_findings(s, s.get(User, lead_id), cid)
                    s.commit()
            with Session() as s:
                lead = s.get(User, lead_id)
                if profile is not None and i == args.runs - 1:
                    profile.enable()
                c0 = time.process_time()
                report = generate_findings(s, lead, cid)
                c1 = time.process_time()
                s.commit()
                c2 = time.process_time()
                if profile is not None and i == args.runs - 1:
                    profile.disable()
                gen.append(c1 - c0)
                commit.append(c2 - c1)
                links = s.scalar(sa.select(sa.func.count()).select_from(FindingLink))
            print(f"run {i + 1}: generate {c1 - c0:.2f} s + commit {c2 - c1:.2f} s = {c2 - c0:.2f} s CPU "
                  f"({', '.join(f'{k} {v}' for k, v in report.counts().items() if v)}; {links} links)", flush=True)
        total = [a + b for a, b in zip(gen, commit, strict=True)]
        print(f"median of {args.runs}: generate {statistics.median(gen):.2f} s, commit {statistics.median(commit):.2f} s, "
              f"with commit {statistics.median(total):.2f} s CPU")
        if args.verify:
            c0 = time.process_time()
            result = verify(engine)
            # a kept world's bulk copies carry no audit entries: only the findings' own rows count here
            ours = [p for p in result.row_problems if p.table in ("findings", "finding_links")]
            print(f"audit verify: {time.process_time() - c0:.2f} s CPU, {len(result.row_problems)} row problems, "
                  f"{len(ours)} of them findings' or their links'")
            for p in ours[:10]:
                print("  ", p)
        if profile is not None:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
        engine.dispose()


if __name__ == "__main__":
    main()
