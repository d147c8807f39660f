"""`casereview pdf` and `casereview sessions`: the electronic case file and sign-out reachable from the CLI."""

from __future__ import annotations

import io
import zipfile

from scoring import sign_in_sessions
from scoring.accounts import create_user
from scoring.cli import main
from scoring.db.models import User
from scoring.db.session import open_db, transaction
from tests.factories import Factory
from tests.pdf_builders import make_pdf


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _world(url: str) -> None:
    engine = open_db(url)
    with transaction(engine) as session:
        f = Factory(session)
        unit = f.unit("区水务局")
        create_user(session, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
        f.case_file(unit, case_number="水罚〔2024〕12号")
        f.case_file(unit, case_number="水罚〔2024〕13号")
    engine.dispose()


def test_attach_show_and_bulk(capsys, tmp_path, sqlite_url):
    _world(sqlite_url)
    one = tmp_path / "scan.pdf"
    one.write_bytes(make_pdf(3))
    code, out, _ = run(capsys, "pdf", "attach", str(one), "--case", "水罚〔2024〕12号", "--db", sqlite_url)
    assert code == 0 and "attached scan.pdf" in out
    code, out, _ = run(capsys, "pdf", "show", "--case", "水罚〔2024〕12号", "-o", str(tmp_path / "back.pdf"),
                       "--db", sqlite_url)
    assert code == 0 and "3 pages" in out and (tmp_path / "back.pdf").read_bytes() == one.read_bytes()
    bad = tmp_path / "fake.pdf"
    bad.write_bytes(b"GIF89a")
    code, _, err = run(capsys, "pdf", "attach", str(bad), "--case", "水罚〔2024〕13号", "--db", sqlite_url)
    assert code == 1 and err.strip() == "error: fake.pdf: not a PDF (it does not start with %PDF-)"

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("水罚[2024]13号.pdf", make_pdf(2))
        zf.writestr("其他.pdf", make_pdf(1))
    bundle = tmp_path / "scans.zip"
    bundle.write_bytes(buffer.getvalue())
    code, out, _ = run(capsys, "pdf", "bulk", str(bundle), "--dry-run", "--db", sqlite_url)
    assert code == 0 and "match      水罚[2024]13号.pdf -> 水罚〔2024〕13号 (2 pages)" in out
    assert "no match   其他.pdf" in out and "nothing stored" in out
    code, out, _ = run(capsys, "pdf", "show", "--case", "水罚〔2024〕13号", "--db", sqlite_url)
    assert "no PDF attached" in out
    code, out, _ = run(capsys, "pdf", "bulk", str(bundle), "--db", sqlite_url)
    assert code == 0 and "attached 1" in out
    code, out, _ = run(capsys, "pdf", "show", "--case", "水罚〔2024〕13号", "--db", sqlite_url)
    assert "2 pages" in out


def test_sessions_end_signs_out_everywhere(capsys, sqlite_url):
    _world(sqlite_url)
    engine = open_db(sqlite_url)
    with transaction(engine) as session:
        lead = session.query(User).one()
        token = sign_in_sessions.start(session, lead)
    code, out, _ = run(capsys, "sessions", "end", "--user", "lead", "--db", sqlite_url)
    assert code == 0 and "1 session(s) ended" in out
    with transaction(engine) as session:
        assert sign_in_sessions.resume(session, token) is None
    engine.dispose()
