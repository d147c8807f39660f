"""The reliability scenarios, parameterised by size: the tests run them small, `benchmarks/reliability.py`
runs them at full size and prints the figures. Each returns plain counts.

- `concurrent_saves`: W writer processes x N saves of their own drafts; lost acknowledged saves and
  unhandled errors (a `DatabaseBusy` after the retries counts as handled: the person is told to retry).
- `stale_races`: two tabs save the same review version at once; both succeeding is a silent overwrite.
- `kill_during_saves`: a writer killed with SIGKILL mid-save; every acknowledged save must survive and
  the database and the audit chain must verify.
- `kill_during_import`: an import killed with SIGKILL; the register is all there or not there at all.
- `hostile_imports`: the generated hostile corpus; tracebacks, timeouts, partial imports, silent changes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from scoring.db.models import Assignment, CaseFile, Review, User
from scoring.db.session import open_db, retrying, session_factory, transaction
from scoring.errors import CaseReviewError, ConflictError
from scoring.marks import Marks
from scoring.workflow.reviews import open_review, save_draft
from tests.factories import lead_id

ROOT = Path(__file__).resolve().parents[2]
WRITER_DEADLINE = 600.0


def marks_for(n: int) -> Marks:
    """A different, valid set of marks for every save number (so a lost save shows)."""
    return Marks.model_validate({"items": {"A1": {"deductions": [
        {"reason": "b", "occurrences": 1 + n % 3, "page": str(1 + n % 50), "comment": f"保存{n}"}]}}})


def open_reviews(url: str, assignment_ids: list[int]) -> list[int]:
    eng = open_db(url)
    out = []
    for aid in assignment_ids:
        with transaction(eng) as s:
            a = s.get(Assignment, aid)
            out.append(open_review(s, a.reviewer, aid).id)
    eng.dispose()
    return out


# ------------------------------------------------------------------------------------ concurrent saves

_WRITER = r"""
import json, sys
from scoring.db.busy import DatabaseBusy
from scoring.db.models import Review, User
from scoring.db.session import open_db, retrying, session_factory
from scoring.workflow.reviews import save_draft
from tests.reliability.scenarios import marks_for
url, review_id, saves = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
eng = open_db(url, upgrade=False)
acked, unhandled, busy, last = 0, 0, 0, None
with session_factory(eng)() as s:
    version = s.get(Review, review_id).version
print("ready", flush=True)
sys.stdin.readline()  # all writers start together
for n in range(saves):
    def work(s, n=n):
        review = s.get(Review, review_id)
        actor = s.get(User, review.assignment.reviewer_id)
        return save_draft(s, actor, review_id, marks_for(n), expected_version=version).version
    try:
        version = retrying(eng, work)
        acked += 1
        last = n
    except DatabaseBusy:
        busy += 1
    except Exception:  # counting what a person would have seen as a traceback
        unhandled += 1
        with session_factory(eng)() as s:
            version = s.get(Review, review_id).version
eng.dispose()
print(json.dumps([review_id, acked, unhandled, busy, last, version]), flush=True)
"""


@dataclass
class SaveFigures:
    saves: int = 0
    acked: int = 0
    lost: int = 0
    unhandled: int = 0
    busy: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)  # writers that died or hung, with their stderr


def concurrent_saves(url: str, review_ids: list[int], saves_each: int) -> SaveFigures:
    """Each writer is its own `python -c` process (not multiprocessing: a spawned child re-runs the
    parent's __main__, which under AppTest is the Streamlit app; a forked one can inherit a held lock).
    A writer that dies or hangs counts its saves as unhandled errors and shows its stderr."""
    eng = open_db(url)
    with session_factory(eng)() as s:
        start = {rid: s.get(Review, rid).version for rid in review_ids}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, url, str(rid), str(saves_each)], cwd=ROOT, env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for rid in review_ids]
    results: list[list[Any]] = []
    failures: list[str] = []
    try:
        for proc in procs:
            _wait_ready(proc, "ready")
        t0 = time.perf_counter()
        for proc in procs:  # go
            assert proc.stdin is not None
            proc.stdin.write("\n")
            proc.stdin.flush()
        deadline = time.monotonic() + WRITER_DEADLINE
        for rid, proc in zip(review_ids, procs, strict=True):
            try:
                out, err = proc.communicate(timeout=max(deadline - time.monotonic(), 1))
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
                err = "timed out\n" + err
            last_line = out.strip().splitlines()[-1] if out.strip() else ""
            if proc.returncode == 0 and last_line.startswith("["):
                results.append(json.loads(last_line))
            else:
                failures.append(f"writer of review {rid}: exit {proc.returncode}: {err.strip()[-800:]}")
                results.append([rid, 0, saves_each, 0, None, None])
    finally:  # a hung writer must not outlive the run (it would hold the test runner's output open)
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    fig = SaveFigures(saves=len(review_ids) * saves_each, seconds=time.perf_counter() - t0, failures=failures)
    with session_factory(eng)() as s:
        for rid, acked, unhandled, busy, last, _version in results:
            fig.acked += acked
            fig.unhandled += unhandled
            fig.busy += busy
            review = s.get(Review, rid)
            stored_saves = review.version - start[rid]
            fig.lost += max(0, acked - stored_saves)
            comments = [m.comment for m in review.marks]
            if last is not None and comments != [f"保存{last}"]:
                fig.lost += 1  # the last acknowledged marks are not what is stored
    eng.dispose()
    return fig


# ----------------------------------------------------------------------------------------- stale races

@dataclass
class RaceFigures:
    races: int = 0
    silent_overwrites: int = 0
    conflicts: int = 0
    errors: int = 0


def stale_races(url: str, review_id: int, races: int) -> RaceFigures:
    """Two tabs loaded the same version; both save. Exactly one may win, the other must get a conflict."""
    eng_a, eng_b = open_db(url, upgrade=False), open_db(url, upgrade=False)
    fig = RaceFigures()
    for n in range(races):
        with session_factory(eng_a)() as s:
            version = s.get(Review, review_id).version
        barrier = threading.Barrier(2)
        outcome: list[str] = []

        def tab(eng: Any, k: int, n: int = n, version: int = version, barrier: Any = barrier,
                outcome: list[str] = outcome) -> None:
            def work(s: Any) -> None:
                review = s.get(Review, review_id)
                actor = s.get(User, review.assignment.reviewer_id)
                barrier.wait(timeout=30)
                save_draft(s, actor, review_id, marks_for(2 * n + k), expected_version=version)
            try:
                retrying(eng, work)
                outcome.append("saved")
            except ConflictError:
                outcome.append("conflict")
            except (CaseReviewError, threading.BrokenBarrierError):
                outcome.append("error")
            except Exception:  # noqa: BLE001
                outcome.append("error")
        threads = [threading.Thread(target=tab, args=(eng, k)) for k, eng in enumerate((eng_a, eng_b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        fig.races += 1
        fig.silent_overwrites += outcome.count("saved") > 1
        fig.conflicts += outcome.count("conflict")
        fig.errors += outcome.count("error")
    eng_a.dispose()
    eng_b.dispose()
    return fig


# --------------------------------------------------------------------------------------------- kill -9

_SAVER = r"""
import sys
from scoring.db.models import Review, User
from scoring.db.session import open_db, session_factory
from scoring.db.session import retrying
from scoring.workflow.reviews import save_draft
from tests.reliability.scenarios import marks_for
url, rid, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
eng = open_db(url, upgrade=False)
with session_factory(eng)() as s:
    version = s.get(Review, rid).version
n = start
print("ready", flush=True)
while True:
    def work(s, n=n):
        review = s.get(Review, rid)
        return save_draft(s, s.get(User, review.assignment.reviewer_id), rid, marks_for(n), expected_version=version).version
    version = retrying(eng, work)
    print(f"ack {n} {version}", flush=True)
    n += 1
"""


@dataclass
class KillFigures:
    kills: int = 0
    acked: int = 0
    lost_acked: int = 0
    integrity_failures: int = 0
    chain_failures: int = 0
    partial_imports: int = 0
    index_losses: int = 0  # kills after which the register's indexes were not all there
    finished: int = 0  # imports that ended before their kill


def _wait_ready(proc: subprocess.Popen, word: str, limit: float = 120.0) -> None:
    """Block until the child says it has started its work (imports take a while on a busy machine)."""
    assert proc.stdout is not None
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip() == word or not line:
            return


def _ack_lines(proc: subprocess.Popen, until: float) -> list[str]:
    lines: list[str] = []
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < until:
        chunk = proc.stdout.readline()
        if chunk:
            lines.append(chunk.strip())
        else:
            time.sleep(0.005)
    return lines


def _integrity_ok(url: str) -> bool:
    eng = sa.create_engine(url)
    try:
        with eng.connect() as conn:
            if conn.dialect.name != "sqlite":
                return True
            return conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        eng.dispose()


def kill_during_saves(url: str, review_id: int, kills: int, seed: int = 9) -> KillFigures:
    from scoring.audit_verify import verify

    rnd = random.Random(seed)
    fig = KillFigures()
    n = 10_000
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", _SAVER, url, str(review_id), str(n)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env)
        _wait_ready(proc, "ready")
        lines = _ack_lines(proc, time.monotonic() + 0.3 + rnd.random() * 1.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        lines += [x.strip() for x in (proc.stdout.read() or "").splitlines() if x.strip()] if proc.stdout else []
        acks = [ln.split() for ln in lines if ln.startswith("ack ")]
        fig.kills += 1
        fig.acked += len(acks)
        eng = open_db(url, upgrade=False)
        with session_factory(eng)() as s:
            review = s.get(Review, review_id)
            if acks:
                last_n, last_version = int(acks[-1][1]), int(acks[-1][2])
                comments = [m.comment for m in review.marks]
                if review.version < last_version or (review.version == last_version and comments != [f"保存{last_n}"]):
                    fig.lost_acked += 1
            n += 1000
        fig.integrity_failures += not _integrity_ok(url)
        fig.chain_failures += not verify(eng).ok
        eng.dispose()
    return fig


_IMPORTER = r"""
import sys
from scoring.db.session import open_db
from sqlalchemy import select
from scoring.db.models import User
from scoring.register import import_register
eng = open_db(sys.argv[1], upgrade=False)
with eng.connect() as conn:  # the world's panel lead: imports act as an account
    lead = conn.scalar(select(User.id).where(User.role == "lead").order_by(User.id))
print("start", flush=True)
report = import_register(eng, open(sys.argv[2], "rb").read(), filename="big.csv", actor_id=lead)
print("done", report.ok, report.rows_imported, flush=True)
"""


# The same import, saying "dropped" once it has dropped the register's indexes to build them at the end
# (`scoring.db.deferred_indexes`): a kill right after that must leave them as they were.
_IMPORTER_DROPPING = _IMPORTER.replace('print("start", flush=True)', """print("start", flush=True)
from scoring.db.deferred_indexes import DeferredIndexes
_written = DeferredIndexes.written
def _say(self, rows):
    before = bool(self.dropped)
    _written(self, rows)
    if self.dropped and not before:
        print("dropped", flush=True)
DeferredIndexes.written = _say""")


def kill_during_import(url: str, register: Path, rows: int, kills: int, seed: int = 14, *,
                       after_index_drop: bool = False) -> KillFigures:
    """Kill -9 an import `kills` times at random moments (or, `after_index_drop`, just after it dropped
    the register's indexes); count partial imports, integrity failures and indexes missing after."""
    rnd = random.Random(seed)
    fig = KillFigures()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    eng = open_db(url, upgrade=False)
    indexes = sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'case_files' ORDER BY name")
    for _ in range(kills):
        with eng.connect() as conn:
            before = conn.execute(sa.select(sa.func.count()).select_from(CaseFile)).scalar_one()
            indexes_before = conn.execute(indexes).all()
        script = _IMPORTER_DROPPING if after_index_drop else _IMPORTER
        proc = subprocess.Popen([sys.executable, "-c", script, url, str(register)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env)
        _wait_ready(proc, "start")
        if after_index_drop:
            _wait_ready(proc, "dropped")
        else:
            _ack_lines(proc, time.monotonic() + 0.2 + rnd.random() * 1.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        fig.kills += 1
        with eng.connect() as conn:
            after = conn.execute(sa.select(sa.func.count()).select_from(CaseFile)).scalar_one()
            fig.index_losses += conn.execute(indexes).all() != indexes_before  # a large import drops them mid-way
        if after - before not in (0, rows):
            fig.partial_imports += 1
        if after - before == rows:  # it finished before the kill: remove it for the next round
            fig.finished += 1
            eng.dispose()
            return fig
        fig.integrity_failures += not _integrity_ok(url)
    eng.dispose()
    return fig


# -------------------------------------------------------------------------------------- hostile corpus

@dataclass
class HostileFigures:
    files: int = 0
    refused: int = 0
    imported: int = 0
    tracebacks: int = 0
    timeouts: int = 0
    partial_imports: int = 0
    silently_altered: int = 0
    wrongly_accepted: int = 0
    max_rss_mb: float = 0.0
    max_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


_HEAVY = r"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # the process may not exceed 1 GB
from scoring.db.session import open_db
from sqlalchemy import select
from scoring.db.models import User
from scoring.register import import_register
eng = open_db(sys.argv[1], upgrade=False)
with eng.connect() as conn:  # the world's panel lead: imports act as an account
    lead = conn.scalar(select(User.id).where(User.role == "lead").order_by(User.id))
t = time.perf_counter()
report = import_register(eng, open(sys.argv[2], "rb").read(), filename=sys.argv[3], actor_id=lead)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("OK" if report.ok else "REFUSED", report.rows_imported, f"{rss:.0f}", f"{time.perf_counter() - t:.2f}", flush=True)
"""


def _stored(url: str, numbers: list[str]) -> dict[str, str]:
    eng = open_db(url, upgrade=False)
    with eng.connect() as conn:
        rows = conn.execute(sa.select(CaseFile.case_number, CaseFile.description)
                            .where(CaseFile.case_number.in_(numbers))).all()
    eng.dispose()
    return {r.case_number: r.description for r in rows}


def hostile_imports(url: str, files: list[Any], timeout: float = 60.0, size_limit_mb: str = "0.25") -> HostileFigures:
    """Import each generated file; heavy ones in a child limited to 1 GB with a timeout."""
    from scoring.register import import_register

    fig = HostileFigures()
    eng = open_db(url, upgrade=False)
    env = dict(os.environ, PYTHONPATH=str(ROOT), CASEREVIEW_MAX_REGISTER_MB=size_limit_mb)
    with tempfile.TemporaryDirectory() as tmp:
        for h in files:
            fig.files += 1
            with eng.connect() as conn:
                before = conn.execute(sa.select(sa.func.count()).select_from(CaseFile)).scalar_one()
            ok = None
            if h.heavy:
                path = Path(tmp) / h.name
                path.write_bytes(h.data)
                try:
                    res = subprocess.run([sys.executable, "-c", _HEAVY, url, str(path), h.name], capture_output=True,
                                         text=True, timeout=timeout, cwd=ROOT, env=env)
                except subprocess.TimeoutExpired:
                    fig.timeouts += 1
                    fig.failures.append(f"{h.name}: timeout")
                    continue
                if res.returncode != 0 or not res.stdout.startswith(("OK", "REFUSED")):
                    fig.tracebacks += 1
                    fig.failures.append(f"{h.name}: exit {res.returncode}: {res.stderr.strip()[-300:]}")
                    continue
                word, _n, rss, secs = res.stdout.split()
                ok = word == "OK"
                fig.max_rss_mb = max(fig.max_rss_mb, float(rss))
                fig.max_seconds = max(fig.max_seconds, float(secs))
            else:
                t = time.perf_counter()
                try:
                    ok = import_register(eng, h.data, filename=h.name, actor_id=lead_id(eng)).ok
                except CaseReviewError as exc:
                    ok = False
                    fig.failures.append(f"{h.name}: database error {exc}")
                except Exception as exc:  # noqa: BLE001 - a traceback is exactly what is counted
                    fig.tracebacks += 1
                    fig.failures.append(f"{h.name}: {type(exc).__name__}: {exc}")
                    continue
                fig.max_seconds = max(fig.max_seconds, time.perf_counter() - t)
            with eng.connect() as conn:
                after = conn.execute(sa.select(sa.func.count()).select_from(CaseFile)).scalar_one()
            if ok:
                fig.imported += 1
                if h.refuse:
                    fig.wrongly_accepted += 1
                    fig.failures.append(f"{h.name}: imported, should be refused")
                if after - before != len(h.expected):
                    fig.partial_imports += 1
                    fig.failures.append(f"{h.name}: {after - before} rows stored of {len(h.expected)}")
                elif h.expected:
                    stored = _stored(url, list(h.expected))
                    if stored != h.expected:
                        fig.silently_altered += 1
                        fig.failures.append(f"{h.name}: stored {stored} != {h.expected}")
            else:
                fig.refused += 1
                if after != before:
                    fig.partial_imports += 1
                    fig.failures.append(f"{h.name}: refused but {after - before} rows stored")
                if not h.refuse:
                    fig.failures.append(f"{h.name}: refused, should import")
    eng.dispose()
    return fig
