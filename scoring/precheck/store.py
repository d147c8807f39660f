"""Reading the register for the pre-check: every file of a campaign's window with its register columns and
the optional process attributes the register import stores with it (`CaseFile.attributes`, issue 11's
mechanism), as one frame, typed column by column.

A million files must come out of the database in a few seconds, so this avoids everything that costs per
value: one query of the columns the rules need, run on the driver's own cursor (no ORM rows, no type
processing per value, the garbage collector paused while the million rows are built), the four yes/no
columns packed into one number, columns typed by numpy and pandas as a whole, units joined in pandas, and
the attributes' JSON decoded in one go by pyarrow's JSON reader (a Python `json.loads` per file only when
the stored values have other JSON types than `to_json` writes). SQLite keeps no statistics, so it is told
what share of the register the window holds: a window of most files is read in one scan of the table,
not through the decision-date index (one random lookup per file, twice as slow).
"""

from __future__ import annotations

import gc
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scoring.db.models import Campaign, CaseFile, Unit
from scoring.precheck.attributes import ATTRIBUTES, EXTRA_KEYS

_FLAGS = ("major_decision", "waiver", "hearing_held", "coercive_measure")
MMAP_BYTES = 1 << 32  # SQLite maps at most this much of the database file while reading


def _window(session: Session, campaign: Campaign) -> sa.ColumnElement[bool]:
    cond = sa.and_(CaseFile.decision_date >= campaign.window_start, CaseFile.decision_date <= campaign.window_end)
    if session.get_bind().dialect.name != "sqlite":
        return cond  # PostgreSQL's planner has statistics of its own
    total = session.scalar(sa.select(sa.func.max(CaseFile.id))) or 0  # cheap, and near enough
    inside = session.scalar(sa.select(sa.func.count()).select_from(CaseFile).where(cond)) or 0
    share = min(max(inside / total, 0.01), 0.99) if total else 0.5
    return sa.func.likelihood(cond, sa.literal(round(share, 2), sa.Float), type_=sa.Boolean)


def _rows(session: Session, stmt: sa.ClauseElement) -> list[tuple[Any, ...]]:
    """All rows of `stmt` as the driver returns them (plain tuples). Its parameters are dates and ids, so
    they are rendered into the SQL text. SQLite reads the table through memory-mapped I/O meanwhile (a
    third faster than page by page through its small cache)."""
    conn = session.connection()
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.cursor()
    sqlite = conn.dialect.name == "sqlite"
    mmap = None
    try:
        if sqlite:
            mmap = cursor.execute("PRAGMA mmap_size").fetchone()
            cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        if mmap is not None:
            cursor.execute(f"PRAGMA mmap_size={int(mmap[0])}")
        cursor.close()


def register_rows(session: Session, campaign: Campaign, case_file_ids: list[int] | None = None) -> list[tuple[Any, ...]]:
    """The register rows `read_register` reads, as the driver returns them (`frame_of` types them): every
    file of the campaign's window, or only the given files."""
    packed = sum((sa.func.coalesce(sa.cast(getattr(CaseFile, f), sa.Integer), 0) * (1 << i)
                  for i, f in enumerate(_FLAGS)),
                 start=sa.literal(0))
    window = (_window(session, campaign) if case_file_ids is None else
              sa.and_(CaseFile.decision_date >= campaign.window_start, CaseFile.decision_date <= campaign.window_end,
                      CaseFile.id.in_(case_file_ids)))
    stmt = sa.select(
        CaseFile.id, CaseFile.case_number, CaseFile.unit_id, CaseFile.case_type, CaseFile.procedure,
        sa.cast(CaseFile.decision_date, sa.String), packed, sa.type_coerce(CaseFile.penalty_amount, sa.BigInteger),
        sa.func.coalesce(sa.func.nullif(sa.cast(CaseFile.attributes, sa.Text), "null"), "{}"),  # always an object
    ).where(window)
    return _rows(session, stmt)


def read_register(session: Session, campaign: Campaign, case_file_ids: list[int] | None = None) -> pd.DataFrame:
    """case_file_id, case_number, unit, unit_order, the register columns the rules read (case type and
    procedure as categories, the decision date as text, yes/no as booleans, the amount in yuan) and one
    column per optional attribute (EXTRA_KEYS), ordered by case_file_id."""
    paused = gc.isenabled()
    gc.disable()  # a million tuples would set off many full collections, each walking all of them
    try:
        return frame_of(session, register_rows(session, campaign, case_file_ids))
    finally:
        if paused:
            gc.enable()


def frame_of(session: Session, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """`register_rows` as `read_register` gives them (the list is consumed: emptied as it is read)."""
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * 9
    rows.clear()
    ids, numbers, unit_ids, types, procedures, dates, flags, amounts, texts = cols
    unit_of = np.asarray(unit_ids, dtype=np.int64)
    units = session.execute(sa.select(Unit.id, Unit.name, Unit.sort_order)).all()
    size = max([u.id for u in units] + [int(unit_of.max(initial=0))]) + 1
    names, orders = np.full(size, None, dtype=object), np.zeros(size, dtype=np.int64)
    for u in units:  # lookup arrays by unit id: one fancy-indexing per column
        names[u.id], orders[u.id] = u.name, u.sort_order
    bits = np.asarray(flags, dtype=np.int64)
    df = pd.DataFrame({
        "case_file_id": np.asarray(ids, dtype=np.int64),
        "case_number": np.asarray(numbers, dtype=object),
        "unit": names[unit_of],
        "unit_order": orders[unit_of],
        "case_type": pd.Categorical(np.asarray(types, dtype=object)),
        "procedure": pd.Categorical(np.asarray(procedures, dtype=object)),
        "decision_date": np.asarray(dates, dtype=object),
        **{f: (bits >> i & 1).astype(bool) for i, f in enumerate(_FLAGS)},
        "penalty_amount": np.asarray(amounts, dtype=np.float64) / 100,  # stored in hundredths; None: NaN
    })
    df = pd.concat([df, attributes_frame(texts)], axis=1)
    if not df["case_file_id"].is_monotonic_increasing:
        df = df.sort_values("case_file_id", kind="stable").reset_index(drop=True)
    return df


def attributes_frame(texts: Sequence[str]) -> pd.DataFrame:
    """One column per optional attribute (EXTRA_KEYS) from the files' attribute JSON texts, in order:
    dates as datetime64 (or ISO text), numbers as float (or decimal text), yes/no as booleans, text as a
    category; what a file does not carry is empty."""
    if not texts:
        return pd.DataFrame({k: pd.Series([], dtype=object) for k in EXTRA_KEYS})
    try:
        return _arrow_frame(texts)
    except (ValueError, TypeError, KeyError, ImportError):  # pyarrow.ArrowInvalid is a ValueError
        return _python_frame(texts)  # values of other JSON types than `to_json` writes: file by file


def _arrow_frame(texts: Sequence[str]) -> pd.DataFrame:
    """The attributes read by pyarrow as `to_json` stores them (yes/no as booleans, everything else as
    text) and typed in pyarrow, column by column."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.compute as pc  # type: ignore[import-untyped]
    import pyarrow.json as pa_json  # type: ignore[import-untyped]

    schema = pa.schema([(k, pa.bool_() if ATTRIBUTES[k].type == "bool" else pa.string()) for k in EXTRA_KEYS])
    lines = "\n".join(texts).encode("utf-8")
    table = pa_json.read_json(io.BytesIO(lines), read_options=pa_json.ReadOptions(block_size=1 << 24),
                              parse_options=pa_json.ParseOptions(explicit_schema=schema,
                                                                 unexpected_field_behavior="ignore"))
    if table.num_rows != len(texts):  # a text holding more than one line would shift the rows
        raise ValueError("attribute texts do not map one to one")  # internal: a decoding invariant
    out: dict[str, Any] = {}
    for key in EXTRA_KEYS:
        col = table.column(key)
        kind = ATTRIBUTES[key].type
        if kind == "date":  # the evaluation reads the first ten characters as YYYY-MM-DD
            out[key] = pc.strptime(pc.utf8_slice_codeunits(col, 0, 10), format="%Y-%m-%d", unit="s",
                                   error_is_null=True).to_pandas()
        elif kind == "number":
            try:
                out[key] = pc.cast(col, pa.float64()).to_pandas()
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                out[key] = pd.to_numeric(col.to_pandas(), errors="coerce").astype("float64")
        elif kind == "text":  # "" is no value
            col = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
            out[key] = col.dictionary_encode().to_pandas()
        else:
            out[key] = col.to_pandas()
    return pd.DataFrame(out)


def _python_frame(texts: Sequence[str]) -> pd.DataFrame:
    loads = json.loads
    values = [loads(t) if t and t not in ("{}", "null") else {} for t in texts]
    return pd.DataFrame.from_records(values, columns=list(EXTRA_KEYS))
