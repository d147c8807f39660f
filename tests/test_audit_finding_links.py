"""A finding's links are vouched for by one digest of them per finding (not a hash per link row), on
SQLite and PostgreSQL: `audit verify` (and a campaign's verification) still catches a link row changed,
deleted, inserted or moved to another finding past the application, naming the finding and the table;
regeneration and deletion keep the digests right; a chain written before digests (a hash per link)
still verifies, new entries supersede its per-row states, and tampering is caught in both forms."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection, select

from scoring import audit_chain as chain
from scoring import audit_state
from scoring.audit_verify import VerifyReport, verify, verify_campaign
from scoring.cli import main
from scoring.db.models import AuditEntry, Finding, FindingLink
from scoring.findings import generate_findings
from scoring.marks import Marks
from scoring.workflow.recheck import record_recheck
from tests.factories import tampering
from tests.test_aggregate_world import m
from tests.test_findings import fw  # noqa: F401 - the findings world, one per test


def _links(conn: Connection) -> list[tuple[int, int, int, str, str]]:
    """(id, finding id, case file id, item id, reason id) of every link, by id."""
    return [tuple(r) for r in conn.execute(sa.text(
        "SELECT id, finding_id, case_file_id, item_id, reason_id FROM finding_links ORDER BY id"))]


def _problems(report: VerifyReport) -> set[tuple[str, str, str]]:
    return {(p.table, p.key, p.why) for p in report.row_problems}


def _drafted(fw) -> None:  # noqa: ANN001
    generate_findings(fw.session, fw.lead, fw.campaign.id)
    fw.session.commit()
    fw.session.close()  # no transaction of the world's session left open beside the tampering


def _other_file(conn: Connection, link: tuple) -> int:
    """A case file the link's finding does not link for the same (item, reason)."""
    _id, finding, file, item, reason = link
    taken = set(conn.execute(sa.text("SELECT case_file_id FROM finding_links WHERE finding_id = :f AND item_id = :i "
                                     "AND reason_id = :r"), {"f": finding, "i": item, "r": reason}).scalars())
    return next(c for c in conn.execute(sa.text("SELECT id FROM case_files ORDER BY id")).scalars() if c not in taken)


def test_link_tampering_is_caught_per_finding(engine, fw):
    _drafted(fw)
    cid = fw.campaign.id
    assert verify(engine, cid).ok, verify(engine, cid).lines()
    with engine.connect() as conn:
        links = _links(conn)
    by_finding: dict[int, list[tuple]] = {}
    for lk in links:
        by_finding.setdefault(lk[1], []).append(lk)
    f, (first, *_rest) = max(by_finding.items(), key=lambda kv: len(kv[1]))
    n = len(by_finding[f])
    other_finding = next(g for g in by_finding if g != f)
    differs = ("findings", str(f), "audit.v.group_differs")

    with tampering(engine) as conn:  # a link row changed
        conn.execute(sa.text("UPDATE finding_links SET case_file_id = :c WHERE id = :i"),
                     {"c": _other_file(conn, first), "i": first[0]})
        report = verify(conn, cid)
    assert _problems(report) == {differs}
    line = report.lines()[0]
    assert f"row findings {f}: its finding links differ from those the chain vouches for ({n} rows now, {n} " in line
    assert "“评查发现所涉案卷”" not in report.lines("zh")[0] and "评查发现所涉案卷" in report.lines("zh")[0]

    with tampering(engine) as conn:  # a link row's item changed
        conn.execute(sa.text("UPDATE finding_links SET reason_id = 'x' WHERE id = :i"), {"i": first[0]})
        assert _problems(verify(conn)) == {differs}

    with tampering(engine) as conn:  # a link row deleted
        conn.execute(sa.text("DELETE FROM finding_links WHERE id = :i"), {"i": first[0]})
        report = verify(conn, cid)
    assert _problems(report) == {differs}
    assert report.row_problems[0].params["now"] == n - 1 and report.row_problems[0].params["then"] == n

    with tampering(engine) as conn:  # a link row inserted
        conn.execute(sa.text("INSERT INTO finding_links (finding_id, case_file_id, item_id, reason_id) "
                             "VALUES (:f, :c, :i, :r)"),
                     {"f": f, "c": _other_file(conn, first), "i": first[3], "r": first[4]})
        report = verify(conn, cid)
    assert _problems(report) == {differs}
    assert report.row_problems[0].params["now"] == n + 1

    with tampering(engine) as conn:  # a link moved to another finding: both findings are named
        conn.execute(sa.text("UPDATE finding_links SET finding_id = :g WHERE id = :i"),
                     {"g": other_finding, "i": first[0]})
        assert _problems(verify(conn)) == {differs, ("findings", str(other_finding), "audit.v.group_differs")}

    with tampering(engine) as conn:  # every link of the finding deleted
        conn.execute(sa.text("DELETE FROM finding_links WHERE finding_id = :f"), {"f": f})
        report = verify(conn)
    assert _problems(report) == {differs} and report.row_problems[0].params["now"] == 0

    with tampering(engine) as conn:  # a link inserted for a finding that has none (a manual one)
        conn.execute(sa.text(
            "INSERT INTO findings (campaign_id, unit_id, section, focus, gen_key, title, body, draft_title, draft_body, "
            "facts, edited, included, stale, position, version, created_at, updated_at) SELECT campaign_id, unit_id, "
            "section, focus, 'manual:x', title, body, '', '', facts, edited, included, stale, 99, 1, created_at, "
            "updated_at FROM findings WHERE id = :f"), {"f": f})
        g = conn.execute(sa.text("SELECT id FROM findings WHERE gen_key = 'manual:x'")).scalar_one()
        conn.execute(sa.text("INSERT INTO finding_links (finding_id, case_file_id, item_id, reason_id) "
                             "VALUES (:g, :c, :i, :r)"), {"g": g, "c": first[2], "i": first[3], "r": first[4]})
        link = conn.execute(sa.text("SELECT id FROM finding_links WHERE finding_id = :g"), {"g": g}).scalar_one()
        assert _problems(verify(conn)) == {("findings", str(g), "audit.v.row_unchained"),
                                           ("finding_links", str(link), "audit.v.row_unchained")}

    assert verify(engine).ok  # every tampering was rolled back


def test_a_campaigns_verification_and_the_cli_name_the_finding(engine, fw):
    _drafted(fw)
    with engine.connect() as conn:
        link = _links(conn)[0]
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM finding_links WHERE id = :i"), {"i": link[0]})
    with fw.session as s:
        report = verify_campaign(s, fw.lead, fw.campaign.id)
    assert _problems(report) == {("findings", str(link[1]), "audit.v.group_differs")}
    assert report.row_problems[0].campaign_id == fw.campaign.id
    url = engine.url.render_as_string(hide_password=False)
    assert main(["audit", "verify", "--db", url, "--campaign", str(fw.campaign.id)]) == 1


def test_regeneration_and_deletion_keep_the_digests(engine, fw):
    s, cid = fw.session, fw.campaign.id
    generate_findings(s, fw.lead, cid)
    s.commit()
    # File 0 is re-checked: links of several findings go and come (the dropped ones vouched for as gone).
    record_recheck(s, fw.lead, fw.campaign, fw.files[0], reason="复核", marks=Marks.model_validate(m(a=True)))
    s.commit()
    report = generate_findings(s, fw.lead, cid)
    s.commit()
    assert report.updated or report.added
    assert verify(engine).ok, verify(engine).lines()
    # A finding with links is deleted: its links go by cascade, its digest becomes the empty one.
    victim = s.scalar(select(FindingLink.finding_id).order_by(FindingLink.finding_id))
    s.delete(s.get(Finding, victim))
    s.commit()
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "row_state").order_by(AuditEntry.seq.desc())
                      ).first()
    assert entry.new_value["digests"]["finding_links"] == {str(victim): chain.group_digest("finding_links", [])}
    assert verify(engine).ok, verify(engine).lines()
    # Links changed through the unit of work (ORM objects) are vouched for by their findings' digests too.
    moved = s.scalars(select(FindingLink).order_by(FindingLink.id)).first()
    target = s.scalar(select(FindingLink.finding_id).where(FindingLink.finding_id != moved.finding_id))
    moved.finding_id = target
    s.commit()
    assert verify(engine).ok, verify(engine).lines()
    s.delete(s.scalars(select(FindingLink).order_by(FindingLink.id)).first())
    s.commit()
    assert verify(engine).ok, verify(engine).lines()


def test_a_baseline_vouches_for_links_by_digest(engine, fw):
    _drafted(fw)
    with engine.begin() as conn:
        chain.baseline(conn)
        entry = conn.execute(select(AuditEntry.new_value).where(AuditEntry.action == chain.BASELINE)
                             .order_by(AuditEntry.seq.desc())).scalars().first()
        links = _links(conn)
    assert "finding_links" not in entry["rows"] and len(entry["digests"]["finding_links"]) == len({lk[1] for lk in links})
    assert verify(engine).ok, verify(engine).lines()


def _drafted_before_digests(fw, monkeypatch) -> None:  # noqa: ANN001
    """Draft as the code before digests did: a hash per link row in the commit's row_state entry."""
    s = fw.session
    with monkeypatch.context() as mp:
        mp.setattr(chain, "DIGESTED", {})
        generate_findings(s, fw.lead, fw.campaign.id)
        audit_state.note_inserted(s, "finding_links", s.scalars(select(FindingLink.id)).all())
        s.commit()
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "row_state").order_by(AuditEntry.seq.desc())
                      ).first()
    assert "digests" not in entry.new_value
    assert set(entry.new_value["rows"]["finding_links"]) == {str(i) for i in s.scalars(select(FindingLink.id))}


def test_a_chain_with_a_hash_per_link_still_verifies_and_catches_tampering(engine, fw, monkeypatch):
    _drafted_before_digests(fw, monkeypatch)
    assert verify(engine).ok, verify(engine).lines()
    with engine.connect() as conn:
        link = _links(conn)[0]
    with tampering(engine) as conn:  # old form: the row itself is named
        conn.execute(sa.text("UPDATE finding_links SET reason_id = 'x' WHERE id = :i"), {"i": link[0]})
        assert _problems(verify(conn)) == {("finding_links", str(link[0]), "audit.v.row_differs")}
    with tampering(engine) as conn:
        conn.execute(sa.text("DELETE FROM finding_links WHERE id = :i"), {"i": link[0]})
        assert _problems(verify(conn)) == {("finding_links", str(link[0]), "audit.v.row_deleted")}
    with tampering(engine) as conn:
        conn.execute(sa.text("INSERT INTO finding_links (finding_id, case_file_id, item_id, reason_id) "
                             "VALUES (:f, :c, :i, 'x')"), {"f": link[1], "c": link[2], "i": link[3]})
        new = conn.execute(sa.text("SELECT max(id) FROM finding_links")).scalar_one()
        assert _problems(verify(conn)) == {("finding_links", str(new), "audit.v.row_unchained")}


def test_new_entries_supersede_the_hashes_per_link(engine, fw, monkeypatch):
    _drafted_before_digests(fw, monkeypatch)
    s, cid = fw.session, fw.campaign.id
    with engine.connect() as conn:
        before = {lk[0]: lk for lk in _links(conn)}
    record_recheck(s, fw.lead, fw.campaign, fw.files[0], reason="复核", marks=Marks.model_validate(m(a=True)))
    s.commit()
    generate_findings(s, fw.lead, cid)  # the new form: links dropped and added, their findings digested
    s.commit()
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "row_state").order_by(AuditEntry.seq.desc())
                      ).first()
    digested = {int(f) for f in entry.new_value["digests"]["finding_links"]}
    dropped = set(before) - {lk[0] for lk in _links(s.connection())}
    assert digested and dropped and entry.new_value["rows"]["finding_links"] == {str(i): None for i in dropped}
    s.close()
    assert verify(engine).ok, verify(engine).lines()
    with engine.connect() as conn:
        links = _links(conn)
    old_form = next(lk for lk in links if lk[1] not in digested)  # still vouched for by its own hash
    new_form = next(lk for lk in links if lk[1] in digested and lk[0] in before)  # its per-row hash superseded
    with tampering(engine) as conn:
        conn.execute(sa.text("UPDATE finding_links SET reason_id = 'x' WHERE id IN (:a, :b)"),
                     {"a": old_form[0], "b": new_form[0]})
        assert _problems(verify(conn)) == {("finding_links", str(old_form[0]), "audit.v.row_differs"),
                                           ("findings", str(new_form[1]), "audit.v.group_differs")}
    with tampering(engine) as conn:  # a dropped link put back with its old id: the chain says it was deleted
        gone = before[min(dropped)]
        conn.execute(sa.text("INSERT INTO finding_links (id, finding_id, case_file_id, item_id, reason_id) "
                             "VALUES (:i, :f, :c, :it, :r)"),
                     {"i": gone[0], "f": gone[1], "c": gone[2], "it": gone[3], "r": gone[4]})
        problems = _problems(verify(conn))
    assert ("finding_links", str(gone[0]), "audit.v.row_said_deleted") in problems
    assert verify(engine).ok


@pytest.mark.parametrize("rows", [[], [(3, 1, 7, "A1", "A1-a"), (2, 1, 7, "B1", "B1-a")]])
def test_group_digest_is_of_the_rows_in_key_order(rows):
    digest = chain.group_digest("finding_links", rows)
    assert digest == chain.group_digest("finding_links", list(reversed(rows)))
    assert chain.digest_count(digest) == len(rows)
    assert digest.split(":")[1] == chain.sha(chain.canonical(["finding_links", sorted(map(list, rows))]))
