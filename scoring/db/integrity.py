"""The audit log's protections, and the start-up check that they are all still there.

The triggers refuse UPDATE and DELETE on `audit_log` (and, here added, REPLACE / INSERT OR REPLACE on
SQLite, which deletes the old row without firing DELETE triggers, and TRUNCATE on PostgreSQL), and
removing the chain's head row. Someone with the database file or a superuser can still drop them;
`check_schema` (run by `casereview init`, every command and the app at start-up) then refuses to run,
and the hash chain shows what was changed meanwhile.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Engine, inspect

from scoring.errors import CaseReviewError
from scoring.messages import Join

_ABORT = "SELECT RAISE(ABORT, 'audit_log is append-only')"
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN {_ABORT}; END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN {_ABORT}; END",
    # REPLACE removes a conflicting row without firing DELETE triggers: refuse the conflict itself
    f"""CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
        WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id OR seq = NEW.seq) BEGIN {_ABORT}; END""",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN {_ABORT}; END",
]
PG_TRIGGERS = [
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_head
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]
SQLITE_TRIGGER_NAMES = {"audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace", "audit_head_no_delete"}
PG_TRIGGER_NAMES = {"audit_log": {"audit_log_no_change", "audit_log_no_truncate"}, "audit_head": {"audit_head_no_delete"}}
CHAIN_COLUMNS = {"seq", "prev_hash", "entry_hash"}


def schema_problems(engine: Engine) -> list[str]:
    """What is missing of the audit log and its protections (empty when intact)."""
    problems: list[str] = []
    insp = inspect(engine)
    tables = set(insp.get_table_names())
    for table in ("audit_log", "audit_head"):
        if table not in tables:
            problems.append(f"table {table} is missing")
    if problems:
        return problems
    columns = {c["name"] for c in insp.get_columns("audit_log")}
    problems += [f"column audit_log.{c} is missing" for c in sorted(CHAIN_COLUMNS - columns)]
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            present = set(conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            problems += [f"trigger {t} is missing" for t in sorted(SQLITE_TRIGGER_NAMES - present)]
        else:
            for table, names in PG_TRIGGER_NAMES.items():
                rows = conn.execute(sa.text(
                    "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = to_regclass(:t) AND NOT tgisinternal"
                ), {"t": table}).all()
                found = {r.tgname: r.tgenabled for r in rows}
                for name in sorted(names):
                    if name not in found:
                        problems.append(f"trigger {name} is missing")
                    elif found[name] == "D":
                        problems.append(f"trigger {name} is disabled")
        if conn.execute(sa.text("SELECT count(*) FROM audit_head WHERE id = 1")).scalar_one() != 1:
            problems.append("the audit chain's head row is missing")
    return problems


def check_schema(engine: Engine) -> None:
    """Refuse to run on a database whose audit log or its protections were removed."""
    problems = schema_problems(engine)
    if problems:
        raise CaseReviewError(code="db.protections_gone", problems=Join(tuple(problems), "；", "; "))
