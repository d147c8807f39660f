"""How fast a register imports and whether memory stays flat as the file grows.

    python benchmarks/bench_import.py                   # 200,000 rows, CSV (UTF-8 with BOM)
    python benchmarks/bench_import.py --rows 1000000
    python benchmarks/bench_import.py --rows 50000 --format gbk --tracemalloc

Writes a synthetic register (title row, mixed date and amount forms, 37 units) in a temporary
directory, imports it into a fresh SQLite file and prints rows/s and the memory peaks. The import
streams the file and writes in chunks, so peak memory should not grow with --rows; run it twice with
different sizes to see that.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.db.session import open_db, transaction  # noqa: E402
from scoring.domain import CASE_TYPES, UnitKind  # noqa: E402
from scoring.register import add_unit, import_register  # noqa: E402
from tests.factories import lead_id, session_lead_id

DEPARTMENTS = ["区司法局", "区公安分局", "区城管执法局", "区市场监管局", "区生态环境局", "区文化旅游局", "区交通委",
               "区应急局", "区农业农村委", "区规划资源局", "区建设管理委", "区水务局", "区卫生健康委", "区发展改革委",
               "区财政局", "区人力资源社会保障局", "区政务服务办", "区大数据中心", "区委编办"]
TOWNS = ["城桥镇", "堡镇", "新河镇", "庙镇", "竖新镇", "向化镇", "三星镇", "港沿镇", "中兴镇", "陈家镇", "绿华镇",
         "港西镇", "建设镇", "新海镇", "东平镇", "长兴镇", "新村乡", "横沙乡"]
HEADER = ["序号", "执法单位", "案号", "案件类型", "程序", "决定日期", "罚款金额（元）", "是否重大执法决定",
          "是否不予处罚", "是否听证", "是否采取行政强制措施", "案由"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _date(rng: random.Random) -> str:
    d = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
    form = rng.randrange(4)
    if form == 0:
        return f"{d.year}年{d.month}月{d.day}日"
    if form == 1:
        return f"{d.year}/{d.month}/{d.day}"
    if form == 2:
        return d.isoformat()
    return str((d - dt.date(1899, 12, 30)).days)  # an Excel serial number


def _amount(rng: random.Random, case_type: str) -> str:
    if case_type != "行政处罚" or rng.random() < 0.2:
        return ""
    yuan = rng.choice([200, 500, 1000, 2000, 5000, 10000, 15000, 50000, 200000])
    form = rng.randrange(3)
    return f"{yuan:,}元" if form == 0 else (f"{yuan / 10000:g}万元" if form == 1 else str(yuan))


def write_register(path: Path, rows: int, encoding: str, seed: int = 20240305) -> None:
    """A register written row by row (the generator itself must not hold the file in memory)."""
    rng = random.Random(seed)
    units = DEPARTMENTS + TOWNS
    with path.open("w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(["某区2024年度行政执法案卷登记表"] + [""] * (len(HEADER) - 1))
        out.writerow(HEADER)
        for i in range(1, rows + 1):
            case_type = rng.choices(CASE_TYPES, weights=[15, 50, 20, 5, 4, 3, 3])[0]
            procedure = rng.choice(["一般程序", "简易程序", "一般"]) if case_type == "行政处罚" else ""
            flags = ["是" if rng.random() < p else rng.choice(["否", ""]) for p in (0.05, 0.03, 0.02, 0.04)]
            out.writerow([i, rng.choice(units), f"罚〔2024〕{i}号", case_type, procedure, _date(rng),
                          _amount(rng, case_type), *flags, f"案件{i}简要案情"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--format", choices=["utf-8-sig", "gbk"], default="utf-8-sig")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python allocations during the import (slower, exact peak)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        path = Path(tmp) / "register.csv"
        started = time.perf_counter()
        write_register(path, args.rows, args.format)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB, {args.format}) "
              f"in {time.perf_counter() - started:.1f} s")

        engine = open_db(f"sqlite:///{Path(tmp) / 'bench.db'}")
        with transaction(engine) as session:
            for name in DEPARTMENTS:
                add_unit(session, name, UnitKind.DEPARTMENT, actor_id=session_lead_id(session))
            for name in TOWNS:
                add_unit(session, name, UnitKind.TOWN, actor_id=session_lead_id(session))

        gc.collect()
        rss_before = peak_rss_mb()
        if args.tracemalloc:
            tracemalloc.start()
        started = time.perf_counter()
        report = import_register(engine, path, actor_id=lead_id(engine))
        elapsed = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / 1e6 if args.tracemalloc else None
        tracemalloc.stop()
        if not report.ok:
            for problem in report.problems[:10]:
                print(f"  {problem}")
            print(f"import failed: {report.problem_count} problems")
            return 1
        print(f"imported {report.rows_imported:,} rows in {elapsed:.1f} s: {report.rows_imported / elapsed:,.0f} rows/s")
        print(f"peak RSS {peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)")
        if traced is not None:
            print(f"peak traced Python allocations during the import: {traced:.1f} MB")
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
