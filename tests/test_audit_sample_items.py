"""A draw's sampled files are vouched for by one digest per sampling record (not a hash per sample item),
on SQLite and PostgreSQL: `audit verify` still catches an item changed, deleted, inserted or moved to
another record past the application, naming the record; enlarging keeps every record's digest right;
a chain written before digests (a hash per item) still verifies and catches tampering row by row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection, select

from scoring import audit_chain as chain
from scoring.audit_verify import VerifyReport, verify
from scoring.db.models import AuditEntry, SampleItem
from scoring.db.session import session_factory
from scoring.workflow.sampling import SampleRules, draw_sample, verify_record
from tests.factories import lead_id, tampering
from tests.test_sampling_db import RULES, make_campaign, populate

BIGGER = SampleRules.parse({"quota": {"count": 5}, "forced": [{"flag": "major_decision", "min": 1}]})


def _problems(report: VerifyReport) -> set[tuple[str, str, str]]:
    return {(p.table, p.key, p.why) for p in report.row_problems}


def _items(conn: Connection) -> list[tuple[int, int, int, int, str]]:
    """(id, record id, case file id, draw order, reason) of every sample item, by id."""
    return [tuple(r) for r in conn.execute(sa.text(
        "SELECT id, sample_id, case_file_id, draw_order, reason FROM sample_items ORDER BY id"))]


def _last_state(engine: sa.Engine) -> dict:
    with session_factory(engine)() as s:
        return s.scalars(select(AuditEntry.new_value).where(AuditEntry.action == chain.ROW_STATE)
                         .order_by(AuditEntry.seq.desc())).first()


def test_a_draw_is_vouched_for_by_one_digest_of_its_items(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 42, actor_id=lead_id(engine))
    state = _last_state(engine)
    assert "sample_items" not in state.get("rows", {})
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(select(*[SampleItem.__table__.c[c]
                                                         for c in chain.TRACKED["sample_items"][1]]))]
    assert state["digests"]["sample_items"] == {str(record.id): chain.group_digest("sample_items", rows)}
    assert chain.digest_count(state["digests"]["sample_items"][str(record.id)]) == len(record.items) == 6
    assert verify(engine).ok, verify(engine).lines()


def test_tampering_with_a_sampled_file_is_caught_and_names_the_record(engine):
    cid = populate(engine)
    record = draw_sample(engine, cid, RULES, 42, actor_id=lead_id(engine))
    rid = str(record.id)
    with engine.connect() as conn:
        items = _items(conn)
        drawn = {i[2] for i in items}
        outside = next(c for c in conn.execute(sa.text("SELECT id FROM case_files ORDER BY id")).scalars()
                       if c not in drawn)
    first = items[0]
    with tampering(engine) as conn:  # a file swapped for one the draw did not pick
        conn.execute(sa.text("UPDATE sample_items SET case_file_id = :c WHERE id = :i"), {"c": outside, "i": first[0]})
        report = verify(conn)
        assert _problems(report) == {("sample_records", rid, "audit.v.group_differs")}
        assert "6" in " ".join(report.lines())  # the record's count now and vouched for
    with tampering(engine) as conn:  # a reason rewritten
        conn.execute(sa.text("UPDATE sample_items SET reason = 'forced:waiver' WHERE id = :i"), {"i": first[0]})
        assert _problems(verify(conn)) == {("sample_records", rid, "audit.v.group_differs")}
    with tampering(engine) as conn:  # a file dropped from the sample
        conn.execute(sa.text("DELETE FROM sample_items WHERE id = :i"), {"i": items[-1][0]})
        assert _problems(verify(conn)) == {("sample_records", rid, "audit.v.group_differs")}
    with tampering(engine) as conn:  # a file slipped in
        conn.execute(sa.text("INSERT INTO sample_items (sample_id, case_file_id, draw_order, reason) "
                             "VALUES (:s, :c, 99, 'random')"), {"s": record.id, "c": outside})
        assert _problems(verify(conn)) == {("sample_records", rid, "audit.v.group_differs")}
    assert verify(engine).ok and verify_record(engine, record.id, actor_id=lead_id(engine)).ok


def test_enlarging_vouches_for_the_new_record_and_keeps_the_old_one(engine):
    cid = populate(engine)
    first = draw_sample(engine, cid, RULES, 42, actor_id=lead_id(engine))
    second = draw_sample(engine, cid, BIGGER, 42, actor_id=lead_id(engine))
    assert second.parent_id == first.id and len(second.items) > len(first.items)
    state = _last_state(engine)
    assert set(state["digests"]["sample_items"]) == {str(second.id)}
    assert verify(engine).ok, verify(engine).lines()
    with engine.connect() as conn:
        earlier = {i[2] for i in _items(conn) if i[1] == first.id}
        added = next(i for i in _items(conn) if i[1] == second.id and i[2] not in earlier)
    with tampering(engine) as conn:  # a file the enlargement added, moved into the earlier record
        conn.execute(sa.text("UPDATE sample_items SET sample_id = :s, draw_order = 999 WHERE id = :i"),
                     {"s": first.id, "i": added[0]})
        assert _problems(verify(conn)) == {("sample_records", str(first.id), "audit.v.group_differs"),
                                           ("sample_records", str(second.id), "audit.v.group_differs")}


def test_a_campaigns_verification_names_only_its_own_records(engine):
    cid = populate(engine)
    with session_factory(engine)() as s, s.begin():
        other = make_campaign(s, "另一次评查").id
    mine = draw_sample(engine, cid, RULES, 42, actor_id=lead_id(engine))
    draw_sample(engine, other, RULES, 7, actor_id=lead_id(engine))
    with engine.connect() as conn:
        item = next(i for i in _items(conn) if i[1] == mine.id)
    with tampering(engine) as conn:
        conn.execute(sa.text("UPDATE sample_items SET reason = 'random' WHERE id = :i"), {"i": item[0]})
        assert _problems(verify(conn, cid)) == {("sample_records", str(mine.id), "audit.v.group_differs")}
        assert _problems(verify(conn, other)) == set()


def test_a_chain_with_a_hash_per_item_still_verifies_and_catches_tampering(engine, monkeypatch):
    """Draws stored by the code before digests carry a hash per sample item; they verify as they are,
    tampering is named by the item, and a later draw (an enlargement) is vouched for by digest."""
    cid = populate(engine)
    with monkeypatch.context() as mp:
        mp.setattr(chain, "DIGESTED", {"finding_links": chain.DIGESTED["finding_links"]})
        first = draw_sample(engine, cid, RULES, 42, actor_id=lead_id(engine))
    state = _last_state(engine)
    assert "sample_items" not in state.get("digests", {})
    with engine.connect() as conn:
        items = _items(conn)
    assert set(state["rows"]["sample_items"]) == {str(i[0]) for i in items}
    assert verify(engine).ok, verify(engine).lines()
    with tampering(engine) as conn:  # old form: the item itself is named
        conn.execute(sa.text("UPDATE sample_items SET reason = 'random' WHERE id = :i"), {"i": items[0][0]})
        assert _problems(verify(conn)) == {("sample_items", str(items[0][0]), "audit.v.row_differs")}
    with tampering(engine) as conn:
        conn.execute(sa.text("DELETE FROM sample_items WHERE id = :i"), {"i": items[0][0]})
        assert _problems(verify(conn)) == {("sample_items", str(items[0][0]), "audit.v.row_deleted")}
    second = draw_sample(engine, cid, BIGGER, 42, actor_id=lead_id(engine))
    assert set(_last_state(engine)["digests"]["sample_items"]) == {str(second.id)}
    assert verify(engine).ok, verify(engine).lines()
    assert verify_record(engine, first.id, actor_id=lead_id(engine)).ok
