"""One demo database per test run, shared by every xdist worker; tests get copies of it.

Loading the demo takes seconds of CPU (every review goes through the workflow), and many test files
need the same thing: a first lead made the way the first-run page makes one, then the demo loaded as
that lead. The first worker to ask builds it under a lock in the run's shared temporary directory;
the others wait for it and copy. Tests of the load itself (`test_demo_campaign`'s CLI run, the set-up
pages) still load their own.
"""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

from scoring.db.session import open_db
from scoring.demo.load import load_demo
from scoring.setup import create_first_lead

LEAD = ("lead", "组长", "lead-password-1")  # username, display name, password of the template's lead


def build(path: Path) -> int:
    """The demo at `path` (a new SQLite file), checkpointed into that one file; returns the lead's id."""
    engine = open_db(f"sqlite:///{path}")
    try:
        username, display_name, password = LEAD
        lead_id = create_first_lead(engine, username=username, display_name=display_name, password=password,
                                    password_repeat=password)
        load_demo(engine, actor_id=lead_id)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return lead_id


def shared(root: Path) -> tuple[Path, int]:
    """The run's template under `root` (the directory all workers share), built by whichever comes first."""
    path, done = root / "demo-template.db", root / "demo-template.lead"
    with (root / "demo-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held until the template is complete: the others wait here
        if not done.exists():
            lead_id = build(path)
            done.write_text(str(lead_id))
    return path, int(done.read_text())


def copy(template: Path, to: Path) -> str:
    """A private copy of the template; returns its database URL."""
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, to)
    return f"sqlite:///{to}"
