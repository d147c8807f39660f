"""The row hash's fast path writes the very bytes of the reference canonical form, so every row state and
import batch digest already in an audit chain still verifies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import audit_chain
from scoring.audit_chain import TRACKED, plain, row_hash

text = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF) | st.characters(codec="utf-8"), max_size=12)  # what a database can hold
json_leaves = st.none() | st.booleans() | st.integers() | st.floats() | text | st.decimals() | st.dates()
str_keyed_json = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
# keys `plain` turns into str and JSON would write otherwise (True -> "True" vs "true"): the slow path
any_keyed_json = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(text | st.integers() | st.booleans() | st.none(), inner, max_size=4),
    max_leaves=12,
)
scalars = (st.integers() | text | st.decimals() | st.dates() | st.datetimes() | st.times() | st.booleans()
           | st.none() | st.floats())


def reference_hash(table: str, row: dict[str, Any]) -> str:
    """The canonical form as the chain has always written it: `plain`, then sorted compact JSON."""
    _key, columns = TRACKED[table]
    content = plain([table, {c: row[c] for c in columns}])
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


@st.composite
def rows(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> tuple[str, dict[str, Any]]:
    table = draw(st.sampled_from(sorted(TRACKED)))
    _key, columns = TRACKED[table]
    return table, {c: draw(values) for c in columns}


@settings(max_examples=300)
@given(rows(scalars | str_keyed_json))
def test_fast_row_hash_equals_the_reference(case: tuple[str, dict[str, Any]]) -> None:
    table, row = case
    assert row_hash(table, row) == reference_hash(table, row)


@settings(max_examples=100)
@given(rows(scalars | any_keyed_json))
def test_rows_with_other_keys_hash_as_before(case: tuple[str, dict[str, Any]]) -> None:
    table, row = case
    assert row_hash(table, row) == reference_hash(table, row)


def test_a_case_file_row_hashes_as_before() -> None:
    row = {c: None for c in TRACKED["case_files"][1]} | {
        "id": 7, "unit_id": 3, "case_number": "罚〔2024〕7号", "case_type": "行政处罚", "procedure": "一般",
        "decision_date": dt.date(2024, 3, 5), "major_decision": True, "waiver": False,
        "penalty_amount": Decimal("15000.00"), "description": "案件７简要案情", "batch_id": 1,
        "attributes": {"amount": "1.50", "when": "2024-03-05", "list": [1, "二"]}, "attribute_sources": {"amount": "register"},
    }
    assert row_hash("case_files", row) == reference_hash("case_files", row)
    assert row_hash("case_files", row) == audit_chain.sha(audit_chain.canonical(
        ["case_files", {c: row[c] for c in TRACKED["case_files"][1]}]))
