"""Tampering as someone with database access would do it, past the application and its triggers.

Each kind changes one thing inside an open transaction (protections switched off for that transaction
only: triggers dropped on SQLite, `session_replication_role = replica` on PostgreSQL), so the caller
can run `audit_verify.verify(conn)` and roll back. `raw_bytes` edits a copy of the SQLite file.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy import Connection

from scoring import audit_chain as chain
from scoring.db.integrity import SQLITE_TRIGGER_NAMES

KINDS = ("audit_rewrite", "audit_delete", "audit_backdated", "review_total", "mark_zero", "final_score_100",
         "raw_bytes", "sample_item", "case_file", "standard_version", "item_values")


def unprotect(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.execute(sa.text("UPDATE audit_head SET seq = seq WHERE id = 0"))  # open the transaction first
        for name in SQLITE_TRIGGER_NAMES:
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
    else:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))


def _pick(conn: Connection, sql: str, rnd: random.Random) -> object:
    rows = conn.execute(sa.text(sql)).scalars().all()
    assert rows, sql
    return rnd.choice(rows)


def tamper(conn: Connection, kind: str, rnd: random.Random) -> str:
    """Make one change of `kind`; returns what was done (for failure messages)."""
    unprotect(conn)
    if kind == "audit_rewrite":
        eid = _pick(conn, "SELECT id FROM audit_log WHERE seq IS NOT NULL", rnd)
        col = rnd.choice(["note", "actor_id", "action", "entity_id"])
        value = {"note": "'改过'", "actor_id": "CASE WHEN actor_id = 1 THEN 2 ELSE 1 END", "action": "'edited'",
                 "entity_id": "'x'"}[col]
        conn.execute(sa.text(f"UPDATE audit_log SET {col} = {value} WHERE id = :i"), {"i": eid})
        return f"audit entry {eid}: {col} rewritten"
    if kind == "audit_delete":
        eid = _pick(conn, "SELECT id FROM audit_log", rnd)
        conn.execute(sa.text("DELETE FROM audit_log WHERE id = :i"), {"i": eid})
        return f"audit entry {eid} deleted"
    if kind == "audit_backdated":
        a = chain.AUDIT
        last = conn.execute(sa.select(a.c.seq, a.c.entry_hash, a.c.at).order_by(a.c.seq.desc()).limit(1)).one()
        at = last.at - dt.timedelta(days=rnd.randint(1, 400), seconds=rnd.randint(0, 86399))
        values = {"seq": last.seq + 1, "at": at, "actor_id": None, "action": "submit_review", "entity": "review",
                  "entity_id": str(rnd.randint(1, 50)), "old_value": None, "new_value": {"total": 100.0},
                  "note": "", "prev_hash": last.entry_hash}
        values["entry_hash"] = chain.entry_hash(values)  # a forger who knows the algorithm
        conn.execute(sa.insert(chain.AUDIT).values(**values))
        conn.execute(sa.update(chain.HEAD).values(seq=values["seq"], hash=values["entry_hash"]))
        return f"entry backdated to {at} forged at the end of the chain"
    if kind == "review_total":
        rid = _pick(conn, "SELECT id FROM reviews WHERE total IS NOT NULL", rnd)
        conn.execute(sa.text("UPDATE reviews SET total = total + :d WHERE id = :i"),
                     {"i": rid, "d": rnd.choice([100, 500, -300, 1])})
        return f"review {rid}: total changed"
    if kind == "mark_zero":
        mid = _pick(conn, "SELECT id FROM review_marks WHERE points <> 0", rnd)
        conn.execute(sa.text("UPDATE review_marks SET points = 0 WHERE id = :i"), {"i": mid})
        return f"mark {mid} set to 0"
    if kind == "final_score_100":
        fid = _pick(conn, "SELECT id FROM file_results WHERE score <> 10000", rnd)
        conn.execute(sa.text("UPDATE file_results SET score = 10000 WHERE id = :i"), {"i": fid})
        return f"file result {fid} set to 100"
    if kind == "raw_bytes":  # PostgreSQL has no file to edit: a direct edit of an account instead
        uid = _pick(conn, "SELECT id FROM users WHERE role = 'reviewer'", rnd)
        conn.execute(sa.text("UPDATE users SET role = 'lead' WHERE id = :i"), {"i": uid})
        return f"account {uid} made a lead"
    if kind == "sample_item":
        sid = _pick(conn, "SELECT id FROM sample_items", rnd)
        others = conn.execute(sa.text(
            "SELECT id FROM case_files WHERE id NOT IN (SELECT case_file_id FROM sample_items)")).scalars().all()
        if others and rnd.random() < 0.7:
            other = rnd.choice(others)
            conn.execute(sa.text("UPDATE sample_items SET case_file_id = :o WHERE id = :i"), {"i": sid, "o": other})
            return f"sample item {sid} swapped to case file {other}"
        conn.execute(sa.text("UPDATE sample_items SET reason = 'forced:major_decision' WHERE id = :i"), {"i": sid})
        return f"sample item {sid}: reason changed"
    if kind == "case_file":
        cid = _pick(conn, "SELECT id FROM case_files", rnd)
        col, value = rnd.choice([("description", "description || '改'"), ("penalty_amount", "12345600"),
                                 ("major_decision", "NOT major_decision" if conn.dialect.name != "sqlite"
                                  else "1 - major_decision")])
        conn.execute(sa.text(f"UPDATE case_files SET {col} = {value} WHERE id = :i"), {"i": cid})
        return f"case file {cid}: {col} changed"
    if kind == "standard_version":
        h = _pick(conn, "SELECT hash FROM standard_versions", rnd)
        conn.execute(sa.text("UPDATE standard_versions SET title = title || '改' WHERE hash = :h"), {"h": h})
        return f"standard version {h[:8]}: title changed"
    if kind == "item_values":  # the packed deductions agreement reads, edited alone (the result left as it is)
        rid = _pick(conn, "SELECT id FROM reviews WHERE item_values IS NOT NULL", rnd)
        packed = conn.execute(sa.text("SELECT item_values FROM reviews WHERE id = :i"), {"i": rid}).scalar_one()
        values = np.frombuffer(packed, dtype="<f8").copy()
        j = rnd.randrange(len(values))
        values[j] = 0.0 if np.isnan(values[j]) else values[j] + rnd.choice([0.5, 1.0, 2.0])
        conn.execute(sa.text("UPDATE reviews SET item_values = :v WHERE id = :i"), {"i": rid, "v": values.tobytes()})
        return f"review {rid}: packed deduction of item {j} changed"
    raise ValueError(kind)


def raw_bytes_copy(template: Path, target: Path, rnd: random.Random) -> str:
    """Copy a (checkpointed, vacuumed) SQLite file and flip one character of a mark comment in the raw bytes."""
    shutil.copyfile(template, target)
    data = bytearray(target.read_bytes())
    needle = "扣分说明".encode()
    spots = []
    start = data.find(needle)
    while start >= 0:
        spots.append(start)
        start = data.find(needle, start + 1)
    assert spots, "no mark comment in the file"
    at = rnd.choice(spots) + len(needle)
    old = data[at]
    data[at] = ord("0") + (old - ord("0") + 1) % 10 if chr(old).isdigit() else ord("9")
    target.write_bytes(bytes(data))
    return f"byte {at} of the file changed ({chr(old)!r} -> {chr(data[at])!r})"
