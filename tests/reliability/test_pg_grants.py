"""The README's PostgreSQL grants, applied as written: the application's role saves and verifies, but can
neither rewrite nor empty the audit log, nor drop its triggers (issue 12)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from scoring.audit_verify import verify
from scoring.db.models import Assignment
from scoring.db.session import open_db, transaction
from scoring.marks import Marks
from scoring.workflow.reviews import open_review, save_draft
from tests.reliability.world import build

README = Path(__file__).resolve().parents[2] / "README.md"
pytestmark = pytest.mark.postgres


def _readme_grants(role: str, schema: str) -> list[str]:
    """The GRANT/REVOKE statements of the README's SQL block, for this role and this test's schema."""
    block = re.search(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README has no SQL block with the grants"
    out = []
    for line in block.group(1).splitlines():
        sql = line.split("--", 1)[0].strip()
        if not sql.startswith(("GRANT", "REVOKE")) or "ON DATABASE" in sql:
            continue
        sql = sql.replace("casereview_app", f'"{role}"').replace("SCHEMA public", f'SCHEMA "{schema}"')
        sql = re.sub(r"\b(audit_log|audit_head)\b", rf'"{schema}".\1', sql)
        out.append(sql.rstrip(";"))
    assert any("REVOKE" in s and "audit_log" in s for s in out)
    return out


@pytest.fixture
def app_role(pg_url):
    owner = open_db(pg_url)  # the owner ran the migrations
    url = make_url(pg_url)
    schema = url.query["application_name"]
    role = f"cr_app_{uuid.uuid4().hex[:10]}"
    with owner.begin() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        for sql in _readme_grants(role, schema):
            conn.execute(sa.text(sql))
    app_url = url.set(username=role).render_as_string(hide_password=False)
    try:
        yield owner, app_url
    finally:
        with owner.begin() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE "{role}"'))
        owner.dispose()


def _refused(engine, sql: str) -> str:
    with pytest.raises(sa.exc.DBAPIError) as caught, engine.begin() as conn:
        conn.execute(sa.text(sql))
    return str(caught.value.orig)


def test_the_app_role_works_but_cannot_touch_the_audit_log(app_role, tmp_path):
    owner, app_url = app_role
    world = build(owner, tmp_path, files_per_unit=2, sample=1, reviewers=4, submit=False)
    app = open_db(app_url, upgrade=False)  # starts: schema current, protections in place
    try:
        with transaction(app) as s:  # a reviewer's save, audited, as the app role
            a = s.get(Assignment, world.assignment_ids[0])
            review = open_review(s, a.reviewer, a.id)
            save_draft(s, a.reviewer, review.id, Marks.model_validate(
                {"items": {"A1": {"deductions": [{"reason": "b", "page": "3"}]}}}), expected_version=review.version)
        assert verify(app).ok
        assert "permission denied" in _refused(app, "UPDATE audit_log SET action = 'x'")
        assert "permission denied" in _refused(app, "DELETE FROM audit_log")
        assert "permission denied" in _refused(app, "TRUNCATE audit_log")
        assert "owner" in _refused(app, "DROP TRIGGER audit_log_no_change ON audit_log")
        assert "owner" in _refused(app, "ALTER TABLE audit_log DISABLE TRIGGER ALL")
        assert "permission denied" in _refused(app, "DELETE FROM audit_head")
        assert verify(app).ok  # nothing above changed anything
    finally:
        app.dispose()
