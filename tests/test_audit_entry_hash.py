"""An audit entry's hash through the fast canonical form is the hash the chain has always written, so
every chain already stored still verifies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.audit import json_safe
from scoring.audit_chain import entry_hash, plain

text = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF) | st.characters(codec="utf-8"), max_size=12)
leaves = st.none() | st.booleans() | st.integers() | st.floats() | text | st.decimals() | st.dates() | st.datetimes()
str_keyed = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
                         | st.dictionaries(text, inner, max_size=4), max_leaves=12)
# keys `plain` turns into str and JSON would write otherwise (True -> "True" vs "true"): the reference path
any_keyed = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(text | st.integers() | st.booleans() | st.none(), inner, max_size=4),
                         max_leaves=12)


def reference(e: dict[str, Any]) -> str:
    """The entry hash as the chain has always computed it: `plain`, then sorted compact JSON."""
    at = e["at"]
    content = {
        "seq": int(e["seq"]), "at": at.isoformat(timespec="microseconds") if at is not None else None,
        "actor_id": e["actor_id"], "action": e["action"], "entity": e["entity"], "entity_id": e["entity_id"],
        "old_value": e["old_value"], "new_value": e["new_value"], "note": e["note"] or "",
        "prev_hash": e["prev_hash"],
    }
    return hashlib.sha256(json.dumps(plain(content), sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


@st.composite
def entries(draw: st.DrawFn, values: st.SearchStrategy[Any]) -> dict[str, Any]:
    return {"seq": draw(st.integers(1, 10**9)), "at": draw(st.none() | st.datetimes()),
            "actor_id": draw(st.none() | st.integers(1, 999)), "action": draw(text), "entity": draw(text),
            "entity_id": draw(text), "old_value": draw(values), "new_value": draw(values),
            "note": draw(st.none() | text), "prev_hash": draw(st.text("0123456789abcdef", min_size=64, max_size=64))}


@settings(max_examples=300)
@given(entries(str_keyed))
def test_entry_hash_equals_the_reference(e: dict[str, Any]) -> None:
    assert entry_hash(e) == reference(e)


@settings(max_examples=100)
@given(entries(any_keyed))
def test_entries_with_other_keys_hash_as_before(e: dict[str, Any]) -> None:
    assert entry_hash(e) == reference(e)


def test_a_generated_finding_entry_hashes_as_before() -> None:
    e = {"seq": 12, "at": dt.datetime(2026, 1, 2, 3, 4, 5, 6), "actor_id": 1, "action": "generate_finding",
         "entity": "finding", "entity_id": "7", "old_value": None,
         "new_value": {"title": "笔录未经核对", "body": "评查的10本案卷中有3本存在此类问题。", "included": True,
                       "gen_key": "problem:subject:A1:a"}, "note": "", "prev_hash": "0" * 64}
    assert entry_hash(e) == reference(e)


def json_safe_reference(value: Any) -> Any:
    """`audit.json_safe` before its fast path for JSON's own values and plain dicts."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe_reference(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe_reference(v) for v in value]
    return value


@settings(max_examples=300, deadline=None)
@given(any_keyed)
def test_json_safe_fast_path_gives_what_it_always_gave(value: Any) -> None:
    try:
        want = json_safe_reference(value)
    except ValueError:  # a signalling NaN has no float: refused the same way
        with pytest.raises(ValueError):
            json_safe(value)
        return
    got = json_safe(value)
    # NaN is never equal to itself: compare their JSON text
    assert json.dumps(got, sort_keys=True, default=str) == json.dumps(want, sort_keys=True, default=str)
    assert type(got) is type(want)
