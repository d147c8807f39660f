"""Issue 12's reliability figures at full size: the scenarios of tests/reliability/ run big, one table.

    python benchmarks/reliability.py                 # SQLite, and PostgreSQL when CASEREVIEW_TEST_PG_URL is set
    python benchmarks/reliability.py --quick         # a few minutes: smaller counts, same code

Full size: 20 writers x 250 saves, 1,000 stale-tab races, 100 kill -9 during saves (each on SQLite and
PostgreSQL), 14 kill -9 during a 150,000-row import, 2,040 generated hostile files, 100 tamperings
of 10 kinds, 50 concurrent wrong sign-in guesses. Prints a Markdown table (the one in the README).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from scoring import accounts
from scoring.accounts import sign_in
from scoring.audit_verify import verify
from scoring.db.models import User, utcnow
from scoring.db.session import open_db, transaction
from scoring.errors import CaseReviewError
from scoring.register import add_unit
from tests.conftest import _pg_url_with_schema
from tests.reliability.hostile import KINDS, UNITS, _csv, _row, corpus
from tests.reliability.scenarios import (
    concurrent_saves,
    hostile_imports,
    kill_during_import,
    kill_during_saves,
    open_reviews,
    stale_races,
)
from tests.reliability.tamper import KINDS as TAMPER_KINDS
from tests.reliability.tamper import raw_bytes_copy, tamper
from tests.reliability.world import build

FULL = dict(writers=20, saves=250, races=1000, kills=100, import_kills=14, import_rows=150_000,
            hostile=len(KINDS) * 120, tamper_each=10, guesses=50)
QUICK = dict(writers=5, saves=20, races=50, kills=5, import_kills=2, import_rows=20_000, hostile=len(KINDS) * 4,
             tamper_each=2, guesses=50)

ROWS: list[tuple[str, str, str]] = []


def row(what: str, db: str, figure: str) -> None:
    ROWS.append((what, db, figure))
    print(f"  {db:10} {what}: {figure}", flush=True)


def fresh(db: str, tmp: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{tmp / f'r{uuid.uuid4().hex[:8]}.db'}"
    base = os.environ["CASEREVIEW_TEST_PG_URL"]
    schema = f"rel_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(_pg_url_with_schema(base, "public"))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return _pg_url_with_schema(base, schema)


def saves_and_races(db: str, tmp: Path, n: dict) -> None:
    url = fresh(db, tmp)
    eng = open_db(url)
    world = build(eng, tmp / f"w{db}", files_per_unit=12, sample=4, reviewers=8, submit=False)
    reviews = open_reviews(url, world.assignment_ids[: n["writers"] + 1])
    fig = concurrent_saves(url, reviews[: n["writers"]], n["saves"])
    row(f"concurrent saves ({n['writers']} x {n['saves']})", db,
        f"{fig.lost} lost, {fig.unhandled} unhandled errors, {fig.busy} 'busy, try again' of {fig.saves} "
        f"({fig.saves / fig.seconds:.0f} saves/s)")
    races = stale_races(url, reviews[-1], n["races"])
    row(f"stale-tab races ({n['races']})", db, f"{races.silent_overwrites} silent overwrites, "
        f"{races.conflicts} refused with the current values, {races.errors} errors")
    kills = kill_during_saves(url, reviews[0], n["kills"])
    row(f"kill -9 during saves ({kills.kills})", db, f"{kills.lost_acked} lost acknowledged saves of {kills.acked}; "
        f"{kills.integrity_failures} integrity failures; {kills.chain_failures} audit verify failures")
    report = verify(eng)
    row("audit verify after all of the above", db, "ok" if report.ok else report.summary())
    eng.dispose()


def imports(tmp: Path, n: dict) -> None:
    url = fresh("sqlite", tmp)
    eng = open_db(url)
    with transaction(eng) as s:
        for u in UNITS:
            add_unit(s, u, "department" if u.startswith("区") else "town")
    path = tmp / "big.csv"
    path.write_text(_csv([_row(i, "K") for i in range(1, n["import_rows"] + 1)]), encoding="utf-8")
    fig = kill_during_import(url, path, n["import_rows"], n["import_kills"])
    row(f"kill -9 during a {n['import_rows']:,}-row import ({fig.kills})", "sqlite",
        f"{fig.partial_imports} partial imports, {fig.integrity_failures} integrity failures")
    files = list(corpus(n["hostile"], bomb_mb=1024))
    t = time.perf_counter()
    h = hostile_imports(url, files)
    row(f"hostile register files ({h.files}, {len(KINDS)} kinds)", "sqlite",
        f"{h.tracebacks} tracebacks, {h.timeouts} timeouts, {h.partial_imports} partial imports, "
        f"{h.silently_altered} silently altered, {h.wrongly_accepted} wrongly accepted; {h.refused} refused, "
        f"{h.imported} imported exactly; worst {h.max_seconds:.1f} s, {h.max_rss_mb:.0f} MB RSS "
        f"({time.perf_counter() - t:.0f} s in all)")
    for f in h.failures[:10]:
        print("    ", f)
    eng.dispose()


def tampering(db: str, tmp: Path, n: dict) -> None:
    url = fresh(db, tmp)
    eng = open_db(url)
    build(eng, tmp / f"t{db}", files_per_unit=6, sample=2, reviewers=4)
    rnd = random.Random(12)
    template = None
    if db == "sqlite":
        with eng.connect() as conn:
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        eng.dispose()
        template = tmp / f"template{uuid.uuid4().hex[:6]}.db"
        template.write_bytes(Path(sa.engine.make_url(url).database).read_bytes())
    detected = total = 0
    per_kind = []
    for kind in TAMPER_KINDS:
        hit = 0
        for i in range(n["tamper_each"]):
            if kind == "raw_bytes" and db == "sqlite":
                copy = tmp / f"raw{i}.db"
                raw_bytes_copy(template, copy, rnd)
                e = sa.create_engine(f"sqlite:///{copy}")
                ok = verify(e).ok
                e.dispose()
                copy.unlink()
            else:
                with eng.connect() as conn:
                    trans = conn.begin()
                    tamper(conn, kind, rnd)
                    ok = verify(conn).ok
                    trans.rollback()
            hit += not ok
        per_kind.append(f"{kind} {hit}/{n['tamper_each']}")
        detected += hit
        total += n["tamper_each"]
    row(f"tamperings detected ({total}, {len(TAMPER_KINDS)} kinds)", db, f"{detected}/{total}")
    print("     ", "; ".join(per_kind))
    eng.dispose()


def sign_ins(db: str, tmp: Path, n: dict) -> None:
    url = fresh(db, tmp)
    eng = open_db(url)
    with transaction(eng) as s:
        accounts.create_user(s, username="lead", display_name="组长", role="lead", password="right-pass-1",
                          bootstrap=True)
    checked = {"real": 0, "dummy": 0}
    inner = accounts._hasher
    dummy = accounts._dummy_hash()
    lock = threading.Lock()

    class Counting:
        def verify(self, h: str, p: str) -> bool:
            with lock:
                checked["dummy" if h == dummy else "real"] += 1
            return inner.verify(h, p)

        def __getattr__(self, name: str):
            return getattr(inner, name)

    accounts._hasher = Counting()  # type: ignore[assignment]
    barrier = threading.Barrier(n["guesses"])
    answers: list[str] = []

    def guess(i: int) -> None:
        barrier.wait()
        try:
            sign_in(eng, "lead", f"wrong-{i}")
            answers.append("signed in")
        except CaseReviewError as exc:
            answers.append(str(exc))
        except Exception:  # noqa: BLE001 - counted: what a person would have seen as a traceback
            answers.append("UNHANDLED")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n["guesses"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accounts._hasher = inner
    for name in ("nobody", "lead"):
        try:
            sign_in(eng, name, "x-wrong-x")
        except CaseReviewError as exc:
            answers.append(str(exc))
    with eng.connect() as conn:
        locked = conn.execute(sa.select(User.locked_until).where(User.username == "lead")).scalar_one()
    row(f"concurrent wrong sign-in guesses ({n['guesses']})", db,
        f"{checked['real']} checked against the password, account "
        f"{'locked' if locked and locked > utcnow() else 'NOT locked'}, {answers.count('UNHANDLED')} unhandled errors; "
        f"{len(set(answers))} distinct answer(s) for unknown / wrong / locked")
    eng.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=["saves", "imports", "tampering", "signin"], default=None)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default=None, help="one database only")
    args = parser.parse_args()
    n = QUICK if args.quick else FULL
    dbs = ["sqlite"] + (["postgresql"] if os.environ.get("CASEREVIEW_TEST_PG_URL") else [])
    if args.db:
        dbs = [args.db]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for db in dbs:
            if args.only in (None, "tampering"):
                tampering(db, tmp, n)
            if args.only in (None, "signin"):
                sign_ins(db, tmp, n)
        if args.only in (None, "imports"):
            imports(tmp, n)
        for db in dbs:
            if args.only in (None, "saves"):
                saves_and_races(db, tmp, n)
    print(f"\n({'quick' if args.quick else 'full size'}; {time.perf_counter() - t0:.0f} s; {os.cpu_count()} CPUs "
          "shared with other work)\n")
    print("| figure | database | result |\n|---|---|---|")
    for what, db, figure in ROWS:
        print(f"| {what} | {'SQLite' if db == 'sqlite' else 'PostgreSQL'} | {figure} |")


if __name__ == "__main__":
    main()
