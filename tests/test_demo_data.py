"""The synthetic demo data: regenerable byte for byte, plausible, messy where it claims, and loadable."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from scoring.cli import main
from scoring.db.models import AuditEntry, CaseFile, ImportBatch, Unit, User
from scoring.db.session import session_factory
from scoring.demo import generate as gen
from scoring.demo.load import load_demo
from scoring.domain import CASE_TYPES
from scoring.errors import CaseReviewError
from scoring.register import import_register
from tests.conftest import ROOT
from tests.factories import lead_id

DATA = ROOT / "data"
CSV_FILES = (gen.UNITS_FILE, gen.REGISTER_FILE, gen.REGISTER_2023_FILE, gen.MESSY_GBK_FILE, gen.MESSY_ERRORS_FILE)

# The units of the district as DOMAIN.md lists them.
DOMAIN_DEPARTMENTS = (
    "区司法局 区公安分局 区城管执法局 区市场监管局 区生态环境局 区文化旅游局 区交通委 区应急局 区农业农村委 "
    "区规划资源局 区建设管理委 区水务局 区卫生健康委 区发展改革委 区财政局 区人力资源社会保障局 区政务服务办 "
    "区大数据中心 区委编办"
).split()
DOMAIN_TOWNS = (
    "城桥镇 堡镇 新河镇 庙镇 竖新镇 向化镇 三星镇 港沿镇 中兴镇 陈家镇 绿华镇 港西镇 建设镇 新海镇 东平镇 长兴镇 "
    "新村乡 横沙乡"
).split()
SMALL_OFFICES = ("区委编办", "区政务服务办", "区大数据中心", "区财政局", "区发展改革委", "区司法局")


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding), newline="")))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return gen.generate(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def register() -> list[dict[str, str]]:
    return read_csv(DATA / gen.REGISTER_FILE)


@pytest.fixture(scope="module")
def register_2023() -> list[dict[str, str]]:
    return read_csv(DATA / gen.REGISTER_2023_FILE)


def sheet_snapshot(path: Path) -> tuple[list[tuple], list[str]]:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    cells = [tuple(row) for row in ws.iter_rows(values_only=True)]
    merges = sorted(str(r) for r in ws.merged_cells.ranges)
    return cells, merges


# ------------------------------------------------------------------------------ regenerable


@pytest.mark.parametrize("name", CSV_FILES)
def test_regenerating_gives_byte_identical_csv(regenerated: dict[str, Path], name: str) -> None:
    committed = DATA / name
    assert committed.is_file(), f"{committed} is not committed: run python -m scoring.demo.generate"
    fresh = next(p for p in regenerated.values() if p.as_posix().endswith(name))
    assert fresh.read_bytes() == committed.read_bytes(), f"{name} drifted from the generator: regenerate it"


def test_regenerating_gives_the_same_workbook_cells(regenerated: dict[str, Path]) -> None:
    assert sheet_snapshot(regenerated["messy_xlsx"]) == sheet_snapshot(DATA / gen.MESSY_XLSX_FILE)
    props = openpyxl.load_workbook(regenerated["messy_xlsx"]).properties
    assert props.created == props.modified == dt.datetime(2025, 1, 10, 9, 0)


def test_generator_leaves_global_random_alone_and_depends_on_the_seed(tmp_path: Path) -> None:
    random.seed(7)
    state = random.getstate()
    gen.generate(tmp_path / "a", seed=1)
    assert random.getstate() == state
    gen.generate(tmp_path / "b", seed=2)
    assert (tmp_path / "a" / gen.REGISTER_FILE).read_bytes() != (tmp_path / "b" / gen.REGISTER_FILE).read_bytes()


def test_data_stays_small() -> None:
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 1_000_000
    assert sorted(p.name for p in DATA.iterdir()) == [
        ".gitattributes", "messy", "register_2023.csv", "register_2024.csv", "units.csv"]


# ------------------------------------------------------------------------------ the clean files


def test_units_are_the_district_of_domain_md() -> None:
    units = read_csv(DATA / gen.UNITS_FILE)
    assert list(units[0]) == list(gen.UNIT_COLUMNS)
    assert [u["单位名称"] for u in units if u["类型"] == "区级部门"] == DOMAIN_DEPARTMENTS
    assert [u["单位名称"] for u in units if u["类型"] == "乡镇"] == DOMAIN_TOWNS
    codes = [u["编码"] for u in units]
    assert codes == [f"D{i:02d}" for i in range(1, 20)] + [f"T{i:02d}" for i in range(1, 19)]
    assert (DATA / gen.UNITS_FILE).read_bytes().startswith(b"\xef\xbb\xbf")


def test_register_size_units_and_case_numbers(register: list[dict[str, str]]) -> None:
    assert (DATA / gen.REGISTER_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(register[0]) == [*gen.REGISTER_COLUMNS, *gen.PROCESS_COLUMNS]
    assert 2800 <= len(register) <= 3200
    by_unit: dict[str, int] = {}
    for r in register:
        by_unit[r["执法单位"]] = by_unit.get(r["执法单位"], 0) + 1
    assert set(by_unit) == set(DOMAIN_DEPARTMENTS) | set(DOMAIN_TOWNS)
    assert min(by_unit[u] for u in ("区城管执法局", "区市场监管局", "区公安分局")) > 300
    assert max(by_unit[t] for t in DOMAIN_TOWNS) < 100
    assert max(by_unit[u] for u in SMALL_OFFICES) <= 10
    numbers = [r["案号"] for r in register]
    assert len(set(numbers)) == len(numbers)
    for r in register:
        assert r["案号"].startswith("东") and f"〔{gen.YEAR}〕" in r["案号"] and r["案号"].endswith("号")
        assert dt.date.fromisoformat(r["决定日期"]).year == gen.YEAR
        assert r["案由"] and "{" not in r["案由"]


def test_previous_year_register(register: list[dict[str, str]], register_2023: list[dict[str, str]]) -> None:
    assert list(register_2023[0]) == list(gen.REGISTER_COLUMNS)
    assert 1300 <= len(register_2023) <= 1700
    assert {r["执法单位"] for r in register_2023} == set(DOMAIN_DEPARTMENTS) | set(DOMAIN_TOWNS)
    numbers = [r["案号"] for r in register_2023]
    assert len(set(numbers)) == len(numbers) and not set(numbers) & {r["案号"] for r in register}
    for r in register_2023:
        assert f"〔{gen.PREVIOUS_YEAR}〕" in r["案号"] and dt.date.fromisoformat(r["决定日期"]).year == gen.PREVIOUS_YEAR
    working = set(gen.working_days(gen.PREVIOUS_YEAR))
    assert {dt.date.fromisoformat(r["决定日期"]) for r in register_2023} <= working
    assert dt.date(2023, 1, 28) in working and dt.date(2023, 10, 2) not in working  # make-up day, holiday
    for flag in ("重大执法决定", "不予处罚", "听证"):
        assert any(r[flag] == "是" for r in register_2023)


def test_case_type_mix(register: list[dict[str, str]]) -> None:
    counts = {t: sum(r["案件类型"] == t for r in register) for t in CASE_TYPES}
    ranked = sorted(counts, key=counts.get, reverse=True)
    assert ranked[:2] == ["行政处罚", "行政检查"]
    assert all(counts[t] > 0 for t in CASE_TYPES)
    assert counts["行政确认"] + counts["行政给付"] + counts["行政征收征用"] < len(register) * 0.06
    small = {r["案件类型"] for r in register if r["执法单位"] in SMALL_OFFICES}
    assert small <= {"行政检查", "行政许可"}


@pytest.mark.parametrize("name", [gen.REGISTER_FILE, gen.REGISTER_2023_FILE])
def test_flags_are_consistent(name: str) -> None:
    for r in read_csv(DATA / name):
        assert all(r[f] in ("是", "否") for f in ("重大执法决定", "不予处罚", "听证", "行政强制措施"))
        penalty = r["案件类型"] == "行政处罚"
        amount = Decimal(r["罚款金额"]) if r["罚款金额"] else None
        if penalty:
            assert r["程序"] in ("一般", "简易")
        else:
            assert r["程序"] == "" and amount is None
            assert r["重大执法决定"] == r["不予处罚"] == r["听证"] == "否"
        if r["不予处罚"] == "是":
            assert amount is None and r["程序"] == "一般" and "不罚〔" in r["案号"]
        elif penalty:
            assert amount is not None and amount > 0
        if r["听证"] == "是":
            assert amount is not None and amount >= gen.HEARING_MIN_AMOUNT
        if r["程序"] == "简易":
            limit = gen.SIMPLE_MAX_PERSON if r["案由"].startswith("当事人") else gen.SIMPLE_MAX_ORG
            assert amount <= limit and r["重大执法决定"] == r["听证"] == "否"
        if r["案件类型"] == "行政强制":
            assert r["行政强制措施"] == "是"
        assert "有限公司" not in r["案由"] or "某" in r["案由"]  # no invented company names


def test_flag_rates_are_plausible(register: list[dict[str, str]]) -> None:
    penalties = [r for r in register if r["案件类型"] == "行政处罚"]
    general = [r for r in penalties if r["程序"] == "一般"]

    def share(rows: list[dict[str, str]], flag: str) -> float:
        return sum(r[flag] == "是" for r in rows) / len(rows)

    assert 0.03 <= share(general, "重大执法决定") <= 0.08
    assert 0.04 <= share(penalties, "不予处罚") <= 0.08
    assert 0.01 <= share(penalties, "听证") <= 0.035
    assert 0.025 <= share(penalties, "行政强制措施") <= 0.06
    major = [Decimal(r["罚款金额"]) for r in general if r["重大执法决定"] == "是"]
    ordinary = [Decimal(r["罚款金额"]) for r in general if r["重大执法决定"] == "否" and r["罚款金额"]]
    assert sum(major) / len(major) > 3 * sum(ordinary) / len(ordinary)


# ------------------------------------------------------------------------------ the messy files


def test_messy_case_numbers_are_new(register: list[dict[str, str]]) -> None:
    demo = gen.build()
    clean = {r["案号"] for r in register}
    seen: set[str] = set()
    for cases in (demo.messy_gbk, demo.messy_xlsx, demo.messy_errors):
        numbers = {c.case_number for c in cases}
        assert not numbers & clean and not numbers & seen
        seen |= numbers


def test_gbk_file_looks_like_a_windows_export() -> None:
    raw = (DATA / gen.MESSY_GBK_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode("gbk"), newline="")))
    assert rows[0][0] == gen.TITLE and not any(rows[0][1:])
    assert not any(rows[1])
    header = rows[2]
    assert {"案件编号", "实施单位", "执法类别", "处罚决定日期", "罚款金额（元）"} <= set(header)
    body = rows[3:]
    assert len(body) == gen.MESSY_ROWS
    col = {name: i for i, name in enumerate(header)}
    dates = [r[col["处罚决定日期"]] for r in body]
    assert any("年" in d and d.endswith("日") for d in dates) and any("/" in d for d in dates)
    amounts = [r[col["罚款金额（元）"]] for r in body]
    assert any("," in a and a.endswith("元") for a in amounts)
    assert any(a and a[0] in "１２３４５６７８９" for a in amounts)
    flags = {r[col["是否听证"]] for r in body}
    assert flags <= {"是", "否"}
    assert b"\r\n" in raw


def test_xlsx_has_title_row_merged_cells_and_excel_dates() -> None:
    ws = openpyxl.load_workbook(DATA / gen.MESSY_XLSX_FILE).active
    merges = [r for r in ws.merged_cells.ranges]
    title = [r for r in merges if r.min_row == 1]
    assert len(title) == 1 and title[0].max_col == len(gen.XLSX_HEADER)
    vertical = [r for r in merges if r.min_col == r.max_col == 1 and r.max_row > r.min_row]
    assert len(vertical) >= 5
    assert [c.value for c in ws[2]] == list(gen.XLSX_HEADER)
    dates = [ws.cell(row=r, column=5).value for r in range(3, ws.max_row + 1)]
    assert any(isinstance(d, dt.datetime) for d in dates)
    assert any(isinstance(d, int) and 45292 <= d <= 45657 for d in dates)  # serials within 2024
    amounts = [ws.cell(row=r, column=6).value for r in range(3, ws.max_row + 1)]
    assert any(isinstance(a, str) and a.endswith("万元") for a in amounts)
    assert ws.max_row - 2 == gen.MESSY_ROWS


def test_errors_file_rows() -> None:
    raw = (DATA / gen.MESSY_ERRORS_FILE).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(DATA / gen.MESSY_ERRORS_FILE, "utf-8")
    assert len(rows) == gen.ERROR_FILE_ROWS
    by_row = {i + 2: r for i, r in enumerate(rows)}  # header is row 1
    bad = {row: column for row, column, _ in gen.ERROR_ROWS}
    assert by_row[min(bad)]["执法单位"] == "区环保局"
    assert "2024年13月5日" in {r["决定日期"] for r in rows}


# ------------------------------------------------------------------------------ loading


def count(engine, model) -> int:  # noqa: ANN001
    with session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_load_demo_into_a_fresh_database(sqlite_engine, register, register_2023) -> None:  # noqa: ANN001
    result = load_demo(sqlite_engine, with_campaigns=False)
    assert result["loaded"] is True
    assert result["units"] == result["units_added"] == 37
    assert result["case_files"] == result["case_files_added"] == len(register) + len(register_2023)
    assert count(sqlite_engine, Unit) == 37
    assert count(sqlite_engine, CaseFile) == len(register) + len(register_2023)
    with session_factory(sqlite_engine)() as s:
        kinds = dict(s.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).all())
        assert kinds == {"department": 19, "town": 18}
        waived = s.scalars(select(CaseFile).where(CaseFile.waiver.is_(True))).all()
        assert waived and all(c.penalty_amount is None for c in waived)
        names = dict(s.execute(select(ImportBatch.id, ImportBatch.source_name)).all())
        assert names == {result["batch_id"]: gen.REGISTER_FILE, result["batch_ids"][gen.REGISTER_2023_FILE]:
                         gen.REGISTER_2023_FILE}


def test_loading_twice_is_a_no_op(sqlite_engine) -> None:  # noqa: ANN001
    first = load_demo(sqlite_engine, with_campaigns=False)
    before = [count(sqlite_engine, m) for m in (Unit, CaseFile, ImportBatch, AuditEntry)]
    second = load_demo(sqlite_engine, with_campaigns=False)
    assert second["loaded"] is False and second["case_files_added"] == second["units_added"] == 0
    assert second["case_files"] == first["case_files"] and second["units"] == 37
    assert [count(sqlite_engine, m) for m in (Unit, CaseFile, ImportBatch, AuditEntry)] == before


def test_partly_loaded_demo_is_refused(sqlite_engine) -> None:  # noqa: ANN001
    load_demo(sqlite_engine, with_campaigns=False)
    with session_factory(sqlite_engine)() as s, s.begin():
        s.delete(s.scalars(select(CaseFile).limit(1)).one())
    with pytest.raises(CaseReviewError, match="already holds"):
        load_demo(sqlite_engine)
    assert count(sqlite_engine, User) == 1  # only the demo lead its registers were imported as: no reviewers


def test_missing_data_is_a_clear_error(sqlite_engine, tmp_path: Path) -> None:  # noqa: ANN001
    with pytest.raises(CaseReviewError, match="demo data not found"):
        load_demo(sqlite_engine, data_dir=tmp_path)


def test_messy_files_import_cleanly_after_the_demo(sqlite_engine) -> None:  # noqa: ANN001
    load_demo(sqlite_engine, with_campaigns=False)
    demo = gen.build()
    for name, cases in ((gen.MESSY_GBK_FILE, demo.messy_gbk), (gen.MESSY_XLSX_FILE, demo.messy_xlsx)):
        report = import_register(sqlite_engine, DATA / name, actor_id=lead_id(sqlite_engine))
        assert report.ok, [str(p) for p in report.problems[:5]]
        assert report.rows_imported == len(cases)
        with session_factory(sqlite_engine)() as s:
            stored = {c.case_number: c for c in s.scalars(
                select(CaseFile).where(CaseFile.case_number.in_([c.case_number for c in cases]))
            )}
            units = dict(s.execute(select(Unit.id, Unit.name)).all())
        assert len(stored) == len(cases)
        for c in cases:  # the mess parses back to exactly what was generated
            got = stored[c.case_number]
            assert (units[got.unit_id], got.case_type, got.procedure or "", got.decision_date) == (
                c.unit.name, c.case_type, c.procedure, c.date)
            assert (got.major_decision, got.waiver, got.hearing_held, got.coercive_measure) == (
                c.major, c.waiver, c.hearing, c.coercive)
            assert got.penalty_amount == (None if c.amount is None else Decimal(c.amount))
            assert got.description == c.description
    assert count(sqlite_engine, CaseFile) == len(demo.register) + len(demo.register_2023) + 2 * gen.MESSY_ROWS


def test_errors_file_reports_rows_and_columns(sqlite_engine) -> None:  # noqa: ANN001
    load_demo(sqlite_engine, with_campaigns=False)
    report = import_register(sqlite_engine, DATA / gen.MESSY_ERRORS_FILE, actor_id=lead_id(sqlite_engine))
    assert not report.ok and report.rows_imported == 0
    assert {(p.row, p.column) for p in report.problems} == {(row, column) for row, column, _ in gen.ERROR_ROWS}
    assert all(p.file == Path(gen.MESSY_ERRORS_FILE).name for p in report.problems)


# ------------------------------------------------------------------------------ command line


def test_cli_loads_then_says_already_loaded(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # the full load (panel and campaigns) is tested in test_demo_campaign.py
    assert main(["demo", "--register-only", "--db", sqlite_url]) == 0
    assert "loaded the demo: 37 units" in capsys.readouterr().out
    assert main(["demo", "load", "--register-only", "--db", sqlite_url]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert main(["--db", sqlite_url, "demo", "load", "--register-only"]) == 0
    assert "already loaded" in capsys.readouterr().out


def test_cli_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "generate", "--out", str(tmp_path)]) == 0
    assert gen.REGISTER_FILE in capsys.readouterr().out
    assert (tmp_path / gen.REGISTER_FILE).read_bytes() == (DATA / gen.REGISTER_FILE).read_bytes()
