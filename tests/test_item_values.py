"""Each review's packed per-item deductions (`scoring.item_values`): written with every result, equal to
the result they come from, filled in for existing reviews by the migration, re-derived by `audit verify`,
and refused with a clear error by the agreement figures when damaged."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis import given
from hypothesis import strategies as st

from scoring.aggregate import agreement
from scoring.audit_verify import verify
from scoring.db.migrate import alembic_config, current_revision, head_revision
from scoring.db.models import User
from scoring.db.session import session_factory
from scoring.documents.excel import export_scores
from scoring.errors import CaseReviewError
from scoring.item_values import MISSING_STATUSES, pack, unpack
from tests.reliability.tamper import unprotect
from tests.reliability.world import build

STATUSES = ("ok", "deduct", "na", "not_applicable")
item = st.fixed_dictionaries({"item_id": st.text(min_size=1, max_size=6), "status": st.sampled_from(STATUSES),
                              "deducted": st.one_of(st.integers(0, 40), st.floats(0, 40, allow_nan=False))})


@given(st.lists(st.lists(item, max_size=12).map(lambda items: {"items": items, "score": 90.0}), min_size=1,
                max_size=5).filter(lambda rs: len({len(r["items"]) for r in rs}) == 1))
def test_packed_values_are_the_results_deductions_in_item_order(results):
    n = len(results[0]["items"])
    values = unpack(list(range(len(results))), [pack(r) for r in results], n)
    assert values.shape == (len(results), n)
    for row, result in zip(values, results, strict=True):
        for v, i in zip(row, result["items"], strict=True):
            if i["status"] in MISSING_STATUSES:
                assert math.isnan(v)
            else:
                assert v == float(i["deducted"])


def test_no_result_no_values_and_a_wrong_length_names_the_review():
    assert pack(None) is None
    one = pack({"items": [{"item_id": "A1", "status": "ok", "deducted": 0}]})
    with pytest.raises(CaseReviewError, match=r"review 8: .* \(8 bytes, expected 16\)"):
        unpack([7, 8], [one + one, one], 2)
    with pytest.raises(CaseReviewError, match=r"review 7: .* \(0 bytes, expected 8\)"):
        unpack([7], [None], 1)


@pytest.fixture
def world(engine, tmp_path):
    return build(engine, tmp_path, files_per_unit=4, sample=2, reviewers=4)


def _stored(engine) -> list[tuple[int, dict, bytes | None]]:
    reviews = sa.table("reviews", sa.column("id"), sa.column("result", sa.JSON), sa.column("item_values"))
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(reviews.c.id, reviews.c.result, reviews.c.item_values))]


def test_every_saved_review_stores_the_values_of_its_result(engine, world):
    stored = _stored(engine)
    assert stored and all(r[2] is not None for r in stored)
    assert all(packed == pack(result) for _, result, packed in stored)


def test_the_migration_fills_the_values_of_existing_reviews(engine, world):
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0010_i14_review_status_index")
    command.upgrade(cfg, "head")
    assert current_revision(engine) == head_revision()
    stored = _stored(engine)
    assert stored and all(packed is not None and packed == pack(result) for _, result, packed in stored)
    assert verify(engine).ok, verify(engine).lines()


def test_damaged_values_are_caught_by_verify_and_refused_by_agreement(engine, world):
    before = agreement(engine, world.campaign_id)
    assert before.items
    rid = _stored(engine)[0][0]
    with engine.begin() as conn:
        unprotect(conn)
        conn.execute(sa.text("UPDATE reviews SET item_values = NULL WHERE id = :i"), {"i": rid})
    report = verify(engine)
    assert [(p.table, p.key, p.why) for p in report.row_problems] == [("reviews", str(rid), "audit.v.item_values_differ")]
    with pytest.raises(CaseReviewError, match=f"review {rid}: its packed item deductions are missing") as caught:
        agreement(engine, world.campaign_id)
    assert f"评分（编号{rid}）" in caught.value.localized("zh") and "运行审计校验" in caught.value.localized("zh")
    with session_factory(engine)() as s, pytest.raises(CaseReviewError, match=f"review {rid}: "):
        export_scores(s, s.get(User, world.lead_id), world.campaign_id)  # the scores export reads them too


def test_agreement_reads_the_same_values_as_the_results(engine, world):
    """The items' figures from the packed values equal those from the result documents themselves."""
    ag = agreement(engine, world.campaign_id, n_boot=50)
    by_review = {rid: result for rid, result, _ in _stored(engine)}
    deducted: dict[str, int] = {}
    for result in by_review.values():
        for i in result["items"]:
            if i["status"] not in MISSING_STATUSES and i["deducted"] > 0:
                deducted[i["item_id"]] = deducted.get(i["item_id"], 0) + 1
    assert {i.item_id for i in ag.items if i.deducted_files} == set(deducted)
    assert np.all([i.deducted_files <= deducted[i.item_id] for i in ag.items if i.deducted_files])


def test_agreement_reads_the_reviews_from_one_index_on_sqlite_only(engine, world):
    """On SQLite agreement's read of the reviews never touches their rows, where item_values sits behind
    the result document (on overflow pages at province scale): migration 0016's index holds what it reads.
    PostgreSQL, which keeps the document out of line, has no such index."""
    indexes = {ix["name"] for ix in sa.inspect(engine).get_indexes("reviews")}
    if engine.dialect.name != "sqlite":
        assert "ix_reviews_values" not in indexes
        return
    assert "ix_reviews_values" in indexes
    reads: list[str] = []  # as SQLite ran them (agreement reads through the driver's own cursor)

    def trace(dbapi_connection, record):  # noqa: ANN001, ARG001
        dbapi_connection.set_trace_callback(
            lambda sql: reads.append(sql) if sql.lstrip().upper().startswith("SELECT") and "item_values" in sql else None)

    engine.dispose()  # new connections, each traced
    sa.event.listen(engine, "connect", trace)
    try:
        assert agreement(engine, world.campaign_id, n_boot=10).items
    finally:
        sa.event.remove(engine, "connect", trace)
        engine.dispose()
    assert reads
    with engine.connect() as conn:
        for sql in reads:
            plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
            on_reviews = [step for step in plan if "reviews" in step]
            assert on_reviews == ["SEARCH reviews USING COVERING INDEX ix_reviews_values (assignment_id=? AND status=?)"], plan
