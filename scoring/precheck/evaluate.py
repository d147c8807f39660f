"""Evaluating pre-check rules on whole columns at once (pandas/numpy), so a register of a million files
is checked in seconds. Pure: a frame of attribute values in, a boolean column per rule out.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from scoring.precheck.attributes import ATTRIBUTES, EXTRA_KEYS
from scoring.precheck.rules import Cond, Rule

# Whether the file's register row carries any optional process column: only then can an empty one be
# read as "not recorded" (a register without those columns flags nothing as missing).
CARRIES = "_carries_process_columns"

_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}


def _dates(col: pd.Series) -> pd.Series:
    """ISO dates (or dates / timestamps) as datetime64; anything else empty."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return col
    text = col.astype("string").str.slice(0, 10)
    return pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")


def prepare(frame: pd.DataFrame | Mapping[str, Iterable[Any]]) -> pd.DataFrame:
    """Typed columns for every known attribute: dates as datetime64, numbers as float, yes/no as bool
    (empty = no), text as object; a column the register does not carry is all empty."""
    df = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(dict(frame))
    n = len(df)
    out = {}
    for key, attr in ATTRIBUTES.items():
        col = df[key] if key in df.columns else None
        if attr.type == "date":
            out[key] = (_dates(col) if col is not None
                        else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]"))
        elif attr.type == "number":
            out[key] = (pd.to_numeric(col, errors="coerce").astype("float64") if col is not None
                        else pd.Series(np.nan, index=df.index))
        elif attr.type == "bool":
            out[key] = (col.astype(object).where(col.notna(), False).astype(bool) if col is not None
                        else pd.Series(np.zeros(n, dtype=bool), index=df.index))
        else:  # categorical: comparing with a value compares small integer codes
            cat = (col.astype("category") if col is not None
                   else pd.Series(pd.Categorical([None] * n), index=df.index))
            if "" in cat.cat.categories:
                cat = cat.cat.remove_categories([""])
            out[key] = cat
    rest = {c: df[c] for c in df.columns if c not in out}
    frame = pd.DataFrame({**rest, **out}, index=df.index)
    carries = pd.Series(np.zeros(n, dtype=bool), index=df.index)
    for key in EXTRA_KEYS:  # what the register row itself carries, before empty yes/no become "no"
        if key in df.columns:
            col = df[key]
            present = col.notna().to_numpy(copy=True)
            if col.dtype == object:  # text may carry "" for empty
                present &= (col != "").to_numpy()
            carries |= present
    frame[CARRIES] = carries
    return frame


def _present(s: pd.Series) -> pd.Series:
    return s.notna()


def mask(cond: Cond, df: pd.DataFrame) -> pd.Series:
    """Where `cond` holds (a boolean Series); comparisons with an empty value never hold."""
    op = cond.op
    if op == "all":
        out = pd.Series(True, index=df.index)
        for c in cond.args:
            out &= mask(c, df)
        return out
    if op == "any":
        out = pd.Series(False, index=df.index)
        for c in cond.args:
            out |= mask(c, df)
        return out
    if op == "not":
        return ~mask(cond.args[0], df)
    if op == "missing":
        s = df[cond.args[0]]
        return (~_present(s) & df[CARRIES]) if ATTRIBUTES[cond.args[0]].type != "bool" else ~s
    if op == "present":
        s = df[cond.args[0]]
        return _present(s) if ATTRIBUTES[cond.args[0]].type != "bool" else s.copy()
    if op == "dates":
        a, cmp, b = cond.args
        return (_CMP[cmp](df[a], df[b]) & _present(df[a]) & _present(df[b])).astype(bool)
    if op == "days":
        a, b, cmp, n = cond.args
        days = (df[b] - df[a]).dt.days
        return (_CMP[cmp](days, n) & days.notna()).astype(bool)
    if op == "value_attr":
        a, cmp, b = cond.args
        return (_CMP[cmp](df[a], df[b]) & _present(df[a]) & _present(df[b])).astype(bool)
    if op == "value":
        a, cmp, x = cond.args
        s = df[a]
        return (_CMP[cmp](s, x) & _present(s)).astype(bool)
    if op == "in":
        a, values = cond.args
        return df[a].isin(list(values)) & _present(df[a])
    raise ValueError(f"unknown condition {op!r}")  # internal: parse_condition never builds one


def evaluate(rules: list[Rule], frame: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per rule id: the file is flagged (the rule applies and its defect shows).
    `frame` must come from `prepare`."""
    cols = {}
    for rule in rules:
        flagged = mask(rule.flag_when, frame)
        if rule.applies_when is not None:
            flagged &= mask(rule.applies_when, frame)
        cols[rule.id] = flagged.to_numpy(dtype=bool)
    return pd.DataFrame(cols, index=frame.index)
