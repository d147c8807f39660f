"""Bulk writes and streamed reads (`scoring.db.bulk`) give what SQLAlchemy's own paths give, value for value:
the per-value memos must never hand one row another row's value (1 vs True, {} vs [], a full memo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import audit_chain
from scoring.db import bulk
from scoring.db.bulk import BulkInsert, typed_rows
from scoring.db.models import Base
from scoring.db.session import transaction
from scoring.register.importer import CASE_FILE_COLUMNS
from tests.factories import Factory

CASE_FILES = Base.metadata.tables["case_files"]
TRACKED = audit_chain.TRACKED["case_files"][1]

TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")  # the import refuses NUL
json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.text(TEXT, max_size=4),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                        max_size=3), max_leaves=6)
rows = st.lists(st.tuples(
    st.sampled_from(["行政处罚", "行政检查", "行政许可"]),
    st.sampled_from([None, "一般", "简易"]),
    st.dates(dt.date(2020, 1, 1), dt.date(2024, 12, 31)),
    st.booleans(), st.booleans(), st.booleans(), st.booleans(),
    st.none() | st.decimals(0, 10**6, places=2),
    st.text(TEXT, max_size=80),  # longer than MEMO_TEXT sometimes: never remembered
    st.dictionaries(st.sampled_from(["a", "b"]), json_values, max_size=2),
), max_size=25)


def _insert(conn: sa.Connection, unit_id: int, values: list[tuple]) -> None:
    BulkInsert(conn, CASE_FILES, CASE_FILE_COLUMNS).run([
        (unit_id, f"号{n}", ct, proc, day, a, b, c, d, amount, text, attrs, {k: "register" for k in attrs}, None)
        for n, (ct, proc, day, a, b, c, d, amount, text, attrs) in enumerate(values)])


@pytest.mark.parametrize("max_kept", [bulk.MEMO_MAX, 2])  # 2: the memos start over all the time
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=rows, chunk=st.integers(1, 7))
def test_streamed_rows_equal_sqlalchemys(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch, max_kept: int,
                                         values: list[tuple], chunk: int) -> None:
    monkeypatch.setattr(bulk, "MEMO_MAX", max_kept)
    with transaction(engine) as s:
        unit_id = Factory(s).unit().id
    with engine.connect() as conn, conn.begin() as trans:
        _insert(conn, unit_id, values)
        stmt = sa.select(*[CASE_FILES.c[c] for c in TRACKED]).order_by(CASE_FILES.c.id)
        expected = [tuple(r) for r in conn.execute(stmt)]
        assert list(typed_rows(conn, stmt, chunk=chunk)) == expected
        assert [audit_chain.plain(r) for r in typed_rows(conn, stmt, chunk=chunk, then=audit_chain.plain)] \
            == [audit_chain.plain(r) for r in expected]
        # what was written is what was given: no value of one row reached another through a memo
        given_back = [(ct, proc, day, a, b, c, d, amount, text, attrs)
                      for (_id, _unit, _number, ct, proc, day, a, b, c, d, amount, text, _batch, attrs, _src)
                      in expected]
        assert given_back == values
        trans.rollback()


def test_the_batch_digest_is_the_rows_hashed_one_by_one(engine: sa.Engine) -> None:
    """The import's digest of a batch (streamed, each distinct value typed once) equals hashing every row as
    `audit verify` reads it."""
    values = [("行政处罚", "一般", dt.date(2024, 3, d % 28 + 1), d % 2 == 0, False, d % 3 == 0, False,
               Decimal(d * 100) if d % 4 else None, f"案情{d}", {"a": d} if d % 5 == 0 else {}) for d in range(40)]
    with transaction(engine) as s:
        unit_id = Factory(s).unit().id
        batch = s.execute(sa.insert(Base.metadata.tables["import_batches"]).values(
            source_name="x.csv", sha256="0" * 64, row_count=40)).inserted_primary_key[0]
    with engine.begin() as conn:
        BulkInsert(conn, CASE_FILES, CASE_FILE_COLUMNS).run(
            [(unit_id, f"号{n}", *v, {}, batch) for n, v in enumerate(values)])
    with engine.connect() as conn:
        one_by_one = audit_chain.batch_digest(
            audit_chain.row_hash("case_files", r) for r in audit_chain.read_rows(conn, "case_files"))
        assert audit_chain.batch_digest_of(conn, batch) == one_by_one
        assert audit_chain.digest_count(one_by_one) == 40


def test_bind_memo_keeps_kinds_apart() -> None:
    seen: list[object] = []

    def bind(value: object) -> object:
        seen.append(value)
        return repr(value)

    run = bulk._memoised(bind, bulk._bind_key)
    assert [run(v) for v in [1, True, 1, {}, [], {}, "1", dt.date(2024, 1, 1), dt.date(2024, 1, 1)]] == \
        ["1", "True", "1", "{}", "[]", "{}", "'1'", repr(dt.date(2024, 1, 1)), repr(dt.date(2024, 1, 1))]
    assert seen == [1, True, {}, [], "1", dt.date(2024, 1, 1)]  # each distinct kind and value bound once
    assert [run(v) for v in [1.0, 1.0, Decimal("1.0"), Decimal("1.00")]] == ["1.0", "1.0", "Decimal('1.0')",
                                                                            "Decimal('1.00')"]


_column_values = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(["", "1", "是"]),
    st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 3)),
    st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 3)).map(lambda d: d.replace(hour=0, minute=0,
                                                                                           second=0, microsecond=0)),
    st.sampled_from([1.0, 0.0]), st.sampled_from([Decimal("1"), Decimal("1.0"), Decimal("0")]),
)


@pytest.mark.parametrize("max_kept", [bulk.MEMO_MAX, 2])  # 2: too many distinct values for one lookup
@settings(max_examples=300, deadline=None)
@given(values=st.one_of(st.lists(_column_values, max_size=30),  # mixed kinds: value by value
                        st.lists(st.none() | st.booleans(), max_size=30),  # one kind: one lookup pass
                        st.lists(st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2024, 1, 9)), max_size=30)))
def test_a_column_binds_each_value_as_its_own_kind(values: list, max_kept: int) -> None:
    """`_bound` (one lookup per column where it can) binds every value exactly as binding it alone would:
    1 and True, a date and midnight of that date, 1.0 and Decimal("1.0") never share a binding."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bulk, "MEMO_MAX", max_kept)
        memo = bulk._memoised(repr, bulk._bind_key)
        assert list(bulk._bound(repr, memo, tuple(values))) == [repr(v) for v in values]
