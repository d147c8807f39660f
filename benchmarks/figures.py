"""Each figure of issue 14's table: the project's work and, where there is one, its comparator.

The DuckDB comparators run over copies of the same tables loaded into an in-memory DuckDB database
before timing (loading is not timed); the pandas comparator imports the same CSV (`benchmarks.importer`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Engine

from benchmarks.build import CAMPAIGN, RULES, SEED, World
from benchmarks.measure import Figure, Run, load, measure
from benchmarks.pages import page_figures
from scoring.aggregate import agreement, comparison, top_problems, unit_table
from scoring.aggregate.uncertainty import bootstrap_intervals, forget_replicates
from scoring.db.models import Assignment, Campaign, Review, SampleRecord, User
from scoring.db.session import session_factory, transaction
from scoring.desk.reviewer import my_queue, open_for_scoring, queue_progress
from scoring.documents import build_notice, export
from scoring.documents.supervision import build_supervisions
from scoring.findings.generate import generate_findings
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary
from scoring.workflow.assignments import apply_plan, plan_auto_assignment
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.progress import lead_reviewer_progress, state_counts, unit_progress
from scoring.workflow.reviews import marks_of, save_draft
from scoring.workflow.sampling import draw_sample, verify_record
from scoring.workflow.sampling.rules import SampleRules, unit_quota

ROOT = Path(__file__).resolve().parent.parent

PACE = 1.0  # seconds: mean think time between a paced reviewer's saves

TABLES = ("units", "case_files", "file_results", "file_deductions", "file_focus_scores", "assignments", "reviews")


def duck_copy(engine: Engine) -> duckdb.DuckDBPyConnection:
    """The project's tables, copied into an in-memory DuckDB database (untimed)."""
    con = duckdb.connect()
    with engine.connect() as c:
        for name in TABLES:
            frame = pd.read_sql_table(name, c)
            if name == "reviews":
                frame = frame.drop(columns=["result"])
            con.register("frame", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            con.unregister("frame")
    return con


# --- sampling -------------------------------------------------------------------------------------

def duck_draw(con: duckdb.DuckDBPyConnection, rules: dict, seed: int, start: dt.date, end: dt.date) -> tuple[str, int]:
    """The same draw with DuckDB doing the heavy part: keys (SHA-256), fingerprint, per-stratum order.

    Only the rows a pick can come from leave DuckDB (the first n_unit + forced of each stratum, the
    first few of each forced flag); the seats are allocated in Python from the stratum sizes."""
    parsed = SampleRules.parse(rules)
    forced = [f.flag for f in parsed.forced]
    fp = con.execute("""
        SELECT sha256(string_agg(f.case_number || chr(9) || u.name || chr(9) || f.case_type || chr(9) ||
               coalesce(f.procedure, '') || chr(9) || strftime(f.decision_date, '%Y-%m-%d') || chr(9) ||
               f.major_decision::int || chr(9) || f.waiver::int || chr(9) || f.hearing_held::int || chr(9) ||
               f.coercive_measure::int || chr(9) ||
               coalesce(printf('%.2f', f.penalty_amount / 100.0), '') || chr(10), '' ORDER BY f.case_number)), count(*)
        FROM case_files f JOIN units u ON u.id = f.unit_id WHERE f.decision_date BETWEEN ? AND ?""",
                     [start, end]).fetchone()
    flag_rank = ", ".join(f"row_number() OVER (PARTITION BY unit_id, {f} ORDER BY k) AS r_{f}" for f in forced)
    near = " OR ".join([f"(r_{f} <= {len(forced)} AND {f})" for f in forced] + ["r_s <= n_unit + ?"])
    quota = parsed.quota.model_dump()
    rows = con.execute(f"""
        WITH c AS (SELECT id, unit_id, case_type, {', '.join(forced)}, sha256(? || case_number) AS k
                   FROM case_files WHERE decision_date BETWEEN ? AND ?),
             r AS (SELECT *, row_number() OVER (PARTITION BY unit_id, case_type ORDER BY k) AS r_s,
                   count(*) OVER (PARTITION BY unit_id, case_type) AS n_s,
                   count(*) OVER (PARTITION BY unit_id) AS n_unit_all, {flag_rank} FROM c),
             q AS (SELECT *, least(n_unit_all, ceil(n_unit_all * ? / 100.0))::int AS n_unit FROM r)
        SELECT unit_id, case_type, k, n_s, n_unit, {', '.join(forced)} FROM q WHERE {near}
        ORDER BY unit_id, k""", [f"{seed}:", start, end, quota.get("percent", 0), len(forced)]).fetchall()
    picks = 0
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j][0] == rows[i][0]:
            j += 1
        unit_rows = rows[i:j]
        n_unit = unit_quota(parsed.quota, _unit_size(unit_rows))
        picks += _duck_unit(unit_rows, forced, n_unit)
        i = j
    return fp[0], picks


def _unit_size(rows: list[tuple]) -> int:
    sizes = {}
    for r in rows:
        sizes[r[1]] = r[3]
    return sum(sizes.values())


def _duck_unit(rows: list[tuple], forced: list[str], n_unit: int) -> int:
    drawn: set[bytes] = set()
    for fi, _flag in enumerate(forced):
        if not any(r[5 + fi] for r in rows if r[2] in drawn):
            for r in rows:
                if r[5 + fi] and r[2] not in drawn:
                    drawn.add(r[2])
                    break
    remaining = n_unit - len(drawn)
    sizes: dict[str, int] = {}
    for r in rows:
        sizes[r[1]] = r[3]
    for r in rows:
        if r[2] in drawn:
            sizes[r[1]] -= 1
    queues: dict[str, list] = {}
    for r in rows:
        if r[2] not in drawn:
            queues.setdefault(r[1], []).append(r[2])
    seats = dict.fromkeys(sizes, 0)
    names = sorted(sizes)
    for _ in range(max(0, remaining)):
        best, bs, bd = None, 0, 0
        for name in names:
            size, s = sizes[name], seats[name]
            if s >= size:
                continue
            if best is None or size * bd > bs * (2 * s + 1):
                best, bs, bd = name, size, 2 * s + 1
        if best is None:
            break
        drawn.add(queues[best][seats[best]])
        seats[best] += 1
    return len(drawn)


# --- aggregation comparators ----------------------------------------------------------------------

def duck_units(con: duckdb.DuckDBPyConnection, campaign_id: int, n_boot: int = 2000) -> int:
    rows = con.execute("""
        SELECT unit_id, count(*), avg(score), avg(passed::int), sum(veto::int), list(score ORDER BY case_file_id)
        FROM file_results WHERE campaign_id = ? GROUP BY unit_id ORDER BY unit_id""", [campaign_id]).fetchall()
    groups = [[float(x) for x in r[5]] for r in rows if len(r[5]) >= 3]  # hundredths, as stored
    bootstrap_intervals(groups, n_boot=n_boot, keys=list(range(len(groups))))
    return len(rows)


def duck_units_sql(con: duckdb.DuckDBPyConnection, campaign_id: int) -> int:
    return len(con.execute("""
        SELECT f.unit_id, count(*), avg(f.score), avg(f.passed::int), sum(f.veto::int),
               (SELECT sum(earned) / sum(applicable_max) FROM file_focus_scores s
                WHERE s.campaign_id = f.campaign_id AND s.case_file_id = any_value(f.case_file_id))
        FROM file_results f WHERE f.campaign_id = ? GROUP BY f.unit_id, f.campaign_id""", [campaign_id]).fetchall())


def duck_problems(con: duckdb.DuckDBPyConnection, campaign_id: int) -> int:
    return len(con.execute("""
        SELECT focus, item_id, reason_id, files, units FROM (
          SELECT focus, item_id, reason_id, count(*) AS files, count(DISTINCT unit_id) AS units,
                 row_number() OVER (PARTITION BY focus ORDER BY count(*) DESC, item_id, reason_id) AS r
          FROM file_deductions WHERE campaign_id = ? GROUP BY focus, item_id, reason_id) WHERE r <= 5""",
                               [campaign_id]).fetchall())


# --- the run --------------------------------------------------------------------------------------

def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _subprocess_cpu(args: list[str], repeat: int, before: Callable[[], None] | None = None) -> Run:
    """CPU (and wall) seconds of a command run in its own process, `before` run untimed ahead of each."""
    run = Run()
    for _ in range(repeat):
        if before is not None:
            before()
        c0, w0 = _child_cpu(), time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        run.cpu.append(_child_cpu() - c0)
        run.wall.append(time.perf_counter() - w0)
    return run


def _demo_figure(tmp: Path, repeat: int) -> Figure:
    """The demo loaded into a new SQLite file by the CLI, as on a first run (the embedded default, whatever
    database the other figures use): both registers, the people, and two campaigns scored through the
    workflow."""
    db = tmp / "demo.db"

    def fresh() -> None:
        for p in tmp.glob("demo.db*"):
            p.unlink()

    return Figure("demo load, first run (new SQLite file, CLI)",
                  _subprocess_cpu([sys.executable, "-m", "scoring", "--db", f"sqlite:///{db}", "demo"], repeat,
                                  fresh), "≤ 8 s")


def run_figures(engine: Engine, world: World, tmp: Path, *, repeat: int, log: Callable[[str], None],
                pg_url: str | None = None) -> list[Figure]:
    figs: list[Figure] = []
    Session = session_factory(engine)
    cid = world.campaign_id
    scale = world.scale

    def add(fig: Figure) -> None:
        figs.append(fig)
        ratio = fig.ratio()
        log(f"  {fig.name}: {fig.ours.cpu_median:.3f} s CPU" + (f", comparator {fig.theirs.cpu_median:.3f} s, "
                                                              f"ratio {ratio:.2f}x" if ratio else ""))

    log("copying the tables into DuckDB (untimed)")
    con = duck_copy(engine)
    with Session() as s:
        record_id = s.scalar(sa.select(SampleRecord.id).where(SampleRecord.campaign_id == cid,
                                                              SampleRecord.is_current.is_(True)))
        lead = s.get(User, world.lead_id)
    library = RubricLibrary.load([DEFAULT_RUBRIC_DIR])
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)

    # draw: a new campaign each time (creating it is untimed)
    fresh: list[int] = []

    def new_campaign() -> None:
        with transaction(engine) as s:
            spec = spec_from_options(name=f"{CAMPAIGN}-{len(fresh) + 1}", year=2024, window_start=start,
                                     window_end=end)
            fresh.append(create_campaign(s, spec, library, s.get(User, world.lead_id)).id)

    ours = measure(lambda: draw_sample(engine, fresh[-1], RULES, SEED, actor_id=world.lead_id), repeat,
                   setup=new_campaign)
    theirs = measure(lambda: duck_draw(con, RULES, SEED, start, end), repeat)
    fp, n = duck_draw(con, RULES, SEED, start, end)
    with Session() as s:
        rec = s.get(SampleRecord, record_id)
        same = rec.register_fingerprint == fp and len(rec.items) == n
    add(Figure(f"draw {world.counts['sampled']:,} of {scale.register:,} (stratified, 3 forced flags)", ours,
               "≤ 2 s, ≤ 3x DuckDB", "DuckDB same draw", theirs,
               note="" if same else "DuckDB draw DIFFERS"))
    add(Figure("verify that draw", measure(lambda: verify_record(engine, record_id, actor_id=world.lead_id), repeat), "≤ 2 s"))

    # assignment on the fresh campaigns' samples
    pending = list(fresh)

    def plan_apply() -> None:
        with transaction(engine) as s:
            campaign = s.get(Campaign, pending.pop())
            apply_plan(s, s.get(User, world.lead_id), campaign, plan_auto_assignment(s, campaign), how="auto")

    add(Figure(f"auto-assign {world.counts['sampled']:,} files to {scale.reviewers} reviewers (plan + apply)",
               measure(plan_apply, min(repeat, len(pending))), "≤ 10 s"))

    # aggregation
    with Session() as s:
        lead = s.get(User, world.lead_id)  # the aggregation reads as the lead (scoring.policy: READ_RESULTS)
        # cold: no unit's replicate means remembered from an earlier run (nor the comparator's)
        add(Figure(f"unit aggregation with bootstrap ({scale.units} units)",
                   measure(lambda: unit_table(s, lead, cid), repeat, forget_replicates), "≤ 1 s, ≤ 2x DuckDB",
                   "DuckDB incl. same bootstrap", measure(lambda: duck_units(con, cid), repeat, forget_replicates)))
        add(Figure("comparison page core (unit table + campaign figures, `comparison`)",
                   measure(lambda: comparison(s, lead, cid), repeat, forget_replicates), "≤ 1 s"))
        add(Figure("top problems", measure(lambda: top_problems(s, lead, cid), repeat), "≤ 0.3 s",
                   "DuckDB group by", measure(lambda: duck_problems(con, cid), repeat)))
        add(Figure("reviewer agreement", measure(lambda: agreement(s, cid), repeat), "≤ 2 s, ≤ 500 MB"))

    # the reviewer's actions and the lead's progress
    with Session() as s:
        busiest = s.execute(sa.select(Assignment.reviewer_id, sa.func.count()).where(Assignment.campaign_id == cid)
                            .group_by(Assignment.reviewer_id).order_by(sa.func.count().desc())).first()
        reviewer = s.get(User, busiest[0])
        queue_len = busiest[1]
        add(Figure(f"reviewer queue ({queue_len:,} files)",
                   measure(lambda: queue_progress(my_queue(s, reviewer, cid)), repeat * 3), "≤ 300 ms"))
        def progress() -> None:
            lead_reviewer_progress(s, lead, cid)
            unit_progress(s, lead, cid)
            state_counts(s, lead, cid)

        add(Figure("lead progress (reviewers, units, states)", measure(progress, repeat * 3), "≤ 500 ms"))
        aid = s.scalar(sa.select(Assignment.id).where(Assignment.reviewer_id == reviewer.id,
                                                      Assignment.campaign_id == cid).order_by(Assignment.id))

    def reopen_draft() -> None:
        with transaction(engine) as s:
            rv = s.scalar(sa.select(Review).where(Review.assignment_id == aid))
            if rv.status != "draft":
                rv.status = "draft"

    reopen_draft()

    def open_file() -> None:
        with transaction(engine) as s:
            open_for_scoring(s, s.get(User, reviewer.id), aid)

    add(Figure("open a file for scoring (core)", measure(open_file, repeat * 3), "≤ 150 ms"))

    def save() -> None:
        with transaction(engine) as s:
            rv = s.scalar(sa.select(Review).where(Review.assignment_id == aid))
            save_draft(s, s.get(User, reviewer.id), rv.id, marks_of(rv), expected_version=rv.version)

    add(Figure("save a draft (core)", measure(save, repeat * 3), "≤ 100 ms"))

    figs.append(concurrent_saves(engine, world, log))
    figs.append(concurrent_saves(engine, world, log, paced=True))
    for fig in page_figures(engine, world, repeat):
        add(fig)

    # documents, exports, findings
    def findings() -> None:  # with its commit, where the audit chain vouches for every row written
        with transaction(engine) as s:
            generate_findings(s, s.get(User, world.lead_id), cid)

    add(Figure("findings generate (with its commit)", measure(findings, 1), "≤ 5 s"))
    add(Figure("findings regenerate, nothing changed (with its commit)", measure(findings, 1), "≤ 5 s"))
    with Session() as s:
        lead = s.get(User, world.lead_id)
        add(Figure("notice .docx", measure(lambda: build_notice(s, lead, cid), 1), "≤ 15 s, ≤ 500 MB"))
        add(Figure("supervision recommendations", measure(lambda: build_supervisions(s, lead, cid), 1),
                   "≤ 15 s"))
        add(Figure("export scores .xlsx", measure(lambda: export(s, lead, cid, "scores"), 1),
                   "≤ 15 s, ≤ 500 MB"))

    # the import, each in its own process (peak memory is the process's own)
    try:
        figs.append(_import_figure(world, tmp, min(repeat, 3), log, pg_url))
    except subprocess.CalledProcessError as exc:
        figs.append(Figure("register import", Run(), "≤ 1x pandas, ≤ 300 MB",
                           note=f"error: {(exc.stderr or '').strip().splitlines()[-1:]}"))
    add(Figure("CLI start (--help)", _subprocess_cpu([sys.executable, "-m", "scoring", "--help"], repeat),
               "≤ 0.5 s", "python -c pass", _subprocess_cpu([sys.executable, "-c", "pass"], repeat)))
    add(_demo_figure(tmp, min(repeat, 3)))
    entry = world.timings["data entry through the core"]
    n = world.counts["files scored through the core"]
    figs.append(Figure(f"data entry through the core ({n:,} files, 2 reviews each)", Run(cpu=[entry]),
                       f"figure to keep: {n / entry:.0f} files/s CPU"))
    return figs


def concurrent_saves(engine: Engine, world: World, log: Callable[[str], None], saves: int = 5,
                     paced: bool = False) -> Figure:
    """Every reviewer (30 at district scale) saves drafts of their own files, each in a thread with its
    own session (as one Streamlit server serves every reviewer: one process); the figure is the p95 of
    the save latencies (wall: it waits on the database and on the other writers), with the machine's load.

    At once: all start together and save back to back (the worst burst). Paced: each waits a random
    think time (exponential, mean `PACE` seconds, seeded) before each save — about 30 saves a second
    for 30 reviewers, far more than a panel marking files makes."""
    cid = world.campaign_id
    with session_factory(engine)() as s:
        first = dict(s.execute(sa.select(Assignment.reviewer_id, sa.func.min(Assignment.id))
                               .where(Assignment.campaign_id == cid).group_by(Assignment.reviewer_id)).all())
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(first))

    def reviewer(rid: int, aid: int) -> None:
        try:
            with transaction(engine) as s:
                rv = s.scalar(sa.select(Review).where(Review.assignment_id == aid))
                if rv is not None and rv.status != "draft":
                    rv.status = "draft"
            barrier.wait(timeout=120)
            think = random.Random(rid)
            for _ in range(saves):
                if paced:
                    time.sleep(think.expovariate(1 / PACE))
                t0 = time.perf_counter()
                with transaction(engine) as s:
                    user = s.get(User, rid)
                    rv = s.scalar(sa.select(Review).where(Review.assignment_id == aid))
                    if rv is None:
                        rv = open_for_scoring(s, user, aid)
                        rv = s.get(Review, rv.review_id) if rv.review_id else None
                    if rv is not None:
                        save_draft(s, user, rv.id, marks_of(rv), expected_version=rv.version)
                with lock:
                    latencies.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001 - reported in the table, not raised
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}"[:120])

    c0 = time.process_time()
    threads = [threading.Thread(target=reviewer, args=(rid, aid)) for rid, aid in first.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = time.process_time() - c0
    lat = sorted(latencies)
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else None
    p50 = lat[len(lat) // 2] if lat else None
    note = (f"{len(first)} reviewers x {saves} saves, p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms wall"
            if lat else "no save completed")
    if errors:
        note += f"; {len(errors)} failed ({errors[0]})"
    log(f"  concurrent saves: {note}; load {load()}")
    how = f"each about once every {PACE:g} s" if paced else "at once"
    return Figure(f"{len(first)} reviewers saving drafts {how} (p95 latency)",
                  Run(cpu=[cpu], wall=[p95] if p95 is not None else []), "p95 ≤ 100 ms", note=note + f"; load {load()}")


def _import_figure(world: World, tmp: Path, repeat: int, log: Callable[[str], None], pg_url: str | None) -> Figure:
    def once(which: str, k: int) -> dict:
        if pg_url is None:
            url = f"sqlite:///{tmp}/import-{which}-{k}.db"
        else:
            url = _fresh_pg_schema(pg_url, f"bench_import_{which}_{k}_{os.getpid()}")
        out = subprocess.run([sys.executable, "-m", "benchmarks.importer", which, str(world.register_csv), url,
                              str(world.scale.units)], check=True, capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        return json.loads(out.stdout.strip().splitlines()[-1])

    ours, theirs = Run(), Run()
    for k in range(repeat):
        a, b = once("ours", k), once("pandas", k)
        ours.cpu.append(a["cpu"])
        theirs.cpu.append(b["cpu"])
        ours.peak_mb = max(ours.peak_mb or 0, a["peak_mb"])
        theirs.peak_mb = max(theirs.peak_mb or 0, b["peak_mb"])
    fig = Figure(f"register import {world.scale.register:,} rows CSV (peak RSS of the process)", ours,
                 "≤ 1x pandas, ≤ 300 MB", f"pandas read_csv+clean+to_sql (peak {theirs.peak_mb:.0f} MB)", theirs)
    log(f"  {fig.name}: {ours.cpu_median:.2f} s CPU, {ours.peak_mb:.0f} MB; pandas {theirs.cpu_median:.2f} s, "
        f"{theirs.peak_mb:.0f} MB")
    return fig


def drop_pg_schemas(base: str, pattern: str) -> None:
    """Remove the schemas a PostgreSQL run made (LIKE `pattern`)."""
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as c:
        for (name,) in c.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": pattern}):
            c.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
    engine.dispose()


def _fresh_pg_schema(base: str, schema: str) -> str:
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as c:
        c.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"

