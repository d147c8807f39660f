"""Issue 14's benchmark suite: build a world at a scale, run every figure with its comparator, print
a table of medians and ratios.

    python -m benchmarks --scale small|district|province [--db sqlite|postgresql] [--json out.json]
                         [--repeat N] [--keep DIR]

small (3,000 register rows, 12 units, ~150 files) is the CI smoke test; district (100,000 rows,
60 units, ~5,000 files); province (1,000,000 rows, 500 units, ~50,000 files; builds for a long time,
run it rarely). `--db postgresql` uses CASEREVIEW_BENCH_PG_URL or CASEREVIEW_TEST_PG_URL (a fresh
schema per run). Figures are CPU seconds of this process (the machine is shared); the ratio is ours
over the comparator's, measured in the same run. See `benchmarks/build.py` for how the world is made.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.build import SCALES, World, build
from benchmarks.figures import _fresh_pg_schema, drop_pg_schemas, run_figures
from benchmarks.measure import load, markdown_table, probe
from scoring.db.session import open_db


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=sorted(SCALES), default="small")
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--json", type=Path, default=None, help="write every measurement here")
    ap.add_argument("--repeat", type=int, default=None, help="runs per figure (default: by scale)")
    ap.add_argument("--keep", type=Path, default=None, help="build in this folder and keep it")
    args = ap.parse_args(argv)
    scale = SCALES[args.scale]
    repeat = args.repeat or scale.repeat

    def log(msg: str) -> None:
        print(msg, flush=True)

    with tempfile.TemporaryDirectory(prefix="casereview-bench-") as tmpdir:
        tmp = args.keep or Path(tmpdir)
        tmp.mkdir(parents=True, exist_ok=True)
        pg_base = None
        if args.db == "postgresql":
            pg_base = os.environ.get("CASEREVIEW_BENCH_PG_URL") or os.environ.get("CASEREVIEW_TEST_PG_URL")
            if not pg_base:
                ap.error("--db postgresql needs CASEREVIEW_BENCH_PG_URL or CASEREVIEW_TEST_PG_URL")
            schema = f"bench_{args.scale}_{os.getpid()}"  # concurrent runs never share a schema
            url = _fresh_pg_schema(pg_base, schema)
        else:
            url = f"sqlite:///{tmp}/bench.db"
        speed_before = probe()
        log(f"building the {scale.name} world on {args.db} (load {load()}; interpreter probe {speed_before:.2f} s)")
        c0, w0 = time.process_time(), time.perf_counter()
        engine = open_db(url)
        world = build(engine, World(url=url, scale=scale), tmp, log=log)
        log(f"built in {time.process_time() - c0:.0f} s CPU, {time.perf_counter() - w0:.0f} s wall; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in world.timings.items()))
        try:
            figures = run_figures(engine, world, tmp, repeat=repeat, log=log, pg_url=pg_base)
        finally:
            engine.dispose()
            if pg_base is not None:
                drop_pg_schemas(pg_base, f"bench_%_{os.getpid()}")
    table = markdown_table(figures)
    speed_after = probe()
    header = (f"scale {scale.name} ({scale.register:,} register rows, {scale.units} units, "
              f"{world.counts['sampled']:,} sampled files, {scale.reviewers} reviewers) on {args.db}; "
              f"medians of {repeat}; load {load()}; interpreter probe {speed_before:.2f}/{speed_after:.2f} s "
              f"(start/end: `measure.probe`); Python {platform.python_version()}")
    print()
    print(header)
    print()
    print(table)
    if args.json:
        args.json.write_text(json.dumps({
            "scale": scale.name, "db": args.db, "repeat": repeat, "load": load(), "header": header,
            "probe_cpu_s": [speed_before, speed_after],
            "build_timings_cpu_s": world.timings, "counts": world.counts,
            "figures": [f.as_json() for f in figures], "table": table,
        }, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
