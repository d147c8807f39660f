"""One register import in a fresh process, so its peak memory is its own: ours or pandas'.

    python -m benchmarks.importer ours|pandas REGISTER.csv DB_URL UNITS

Prints one JSON line: CPU seconds, peak RSS (MB), rows. `pandas` is the comparator of the issue:
read_csv + the same cleaning, vectorised (dates in the four forms, amounts with 元/万元/commas,
是/否 flags, unit names to ids, procedure) + to_sql, in chunks of 100,000 rows.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from benchmarks.build import unit_names
from scoring.db.session import open_db, transaction
from scoring.register import add_unit, import_register
from tests.factories import lead_id, session_lead_id


def _peak_mb() -> float:
    """This process's peak RSS (VmHWM; getrusage's maximum survives exec on Linux, so it would show the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _dates(s: pd.Series) -> pd.Series:
    text = s.str.strip()
    serial = pd.to_numeric(text.where(text.str.fullmatch(r"\d{1,6}")), errors="coerce")
    out = pd.to_datetime("1899-12-30") + pd.to_timedelta(serial, unit="D")
    ymd = text.str.extract(r"^(\d{4})[年/\-.](\d{1,2})[月/\-.](\d{1,2})日?$")
    parsed = pd.to_datetime({"year": pd.to_numeric(ymd[0]), "month": pd.to_numeric(ymd[1]),
                             "day": pd.to_numeric(ymd[2])}, errors="coerce")
    out = out.fillna(parsed)
    if out.isna().any():
        raise ValueError("bad date")
    return out.dt.date


def _amounts(s: pd.Series) -> pd.Series:
    text = s.fillna("").str.strip().str.replace(",", "", regex=False)
    wan = text.str.endswith("万元")
    num = pd.to_numeric(text.str.removesuffix("万元").str.removesuffix("元").replace("", np.nan), errors="coerce")
    return (num * np.where(wan, 10_000, 1)).round(2)


def pandas_import(csv_path: Path, url: str) -> int:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    serial = "SERIAL" if engine.dialect.name == "postgresql" else "INTEGER"
    names = dict(enumerate(n for n, _ in unit_names(10_000)))
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE IF NOT EXISTS units (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        c.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS case_files (id {serial} PRIMARY KEY, unit_id INTEGER, "
                          "case_number TEXT UNIQUE, case_type TEXT, procedure TEXT, decision_date DATE, "
                          "major_decision BOOLEAN, waiver BOOLEAN, hearing_held BOOLEAN, coercive_measure BOOLEAN, "
                          "penalty_amount INTEGER, description TEXT)")
    unit_ids = {v: k + 1 for k, v in names.items()}
    pd.DataFrame({"id": list(unit_ids.values()), "name": list(unit_ids)}).to_sql("units", engine, if_exists="append",
                                                                                index=False)
    rows = 0
    flags = ["是否重大执法决定", "是否不予处罚", "是否听证", "是否采取行政强制措施"]
    for chunk in pd.read_csv(csv_path, skiprows=1, dtype=str, keep_default_na=False, chunksize=100_000,
                             encoding="utf-8-sig"):
        chunk = chunk.apply(lambda col: col.str.strip())
        unit_id = chunk["执法单位"].map(unit_ids)
        if unit_id.isna().any():
            raise ValueError("unknown unit")
        proc = chunk["程序"].str.removesuffix("程序").replace("", None)
        out = pd.DataFrame({
            "unit_id": unit_id.astype(int), "case_number": chunk["案号"], "case_type": chunk["案件类型"],
            "procedure": proc, "decision_date": _dates(chunk["决定日期"]),
            **{col: chunk[src].eq("是") for col, src in zip(
                ["major_decision", "waiver", "hearing_held", "coercive_measure"], flags, strict=True)},
            "penalty_amount": (_amounts(chunk["罚款金额（元）"]) * 100).round().astype("Int64"),
            "description": chunk["案由"],
        })
        out.to_sql("case_files", engine, if_exists="append", index=False, chunksize=20_000)
        rows += len(out)
    engine.dispose()
    return rows


def our_import(csv_path: Path, url: str, n_units: int) -> int:
    engine = open_db(url)
    with transaction(engine) as s:
        for name, kind in unit_names(n_units):
            add_unit(s, name, kind, actor_id=session_lead_id(s))
    c0 = time.process_time()
    report = import_register(engine, csv_path, actor_id=lead_id(engine))
    if not report.ok:
        raise SystemExit(f"import failed: {report.problems[:3]}")
    engine.dispose()
    return report.rows_imported, c0


def main() -> None:
    which, csv_path, url, n_units = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    before = _peak_mb()
    if which == "ours":
        rows, c0 = our_import(csv_path, url, n_units)
    else:
        c0 = time.process_time()
        rows = pandas_import(csv_path, url)
    cpu = time.process_time() - c0
    print(json.dumps({"cpu": cpu, "peak_mb": _peak_mb(), "baseline_mb": before, "rows": rows}))


if __name__ == "__main__":
    main()
