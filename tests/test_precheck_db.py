"""The pre-check over a campaign's whole register: figures per unit and rule, the Excel export, the CLI,
forcing flagged files into the draw, and a file's hints."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from scoring.cli import main
from scoring.db.models import Campaign, CaseFile, User
from scoring.db.session import open_db, session_factory
from scoring.demo import generate as gen
from scoring.demo.process_dates import PROCESS_COLUMNS, process_row
from scoring.errors import PermissionDenied, ValidationFailed
from scoring.precheck.attributes import EXTRA_KEYS
from scoring.precheck.evaluate import CARRIES, evaluate, prepare
from scoring.precheck.export import precheck_workbook
from scoring.precheck.rules import load_rules
from scoring.precheck.run import (
    file_flags,
    flagged_for_sample,
    hints_by_item,
    run_precheck,
)
from scoring.precheck.store import _python_frame, _window, attributes_frame
from scoring.workflow.sampling import SampleRules, draw_sample, preview_sample, verify_record
from tests.factories import Factory, lead_id

TOWN, DEPT = "某某镇人民政府", "区市场监管局"


def populate(engine) -> dict:
    """Town: 4 files, 1 waiver with a fine (PC-MW1). Dept: 5 files, 2 simple-procedure fines above 3,000
    (PC-P6), one of them also a waiver with a fine. One flagged file outside the window."""
    with session_factory(engine)() as session, session.begin():
        f = Factory(session)
        town, dept = f.unit(TOWN, kind="town", sort_order=1), f.unit(DEPT, sort_order=2)
        lead = f.user("lead", role="lead")
        reviewer = f.user("rev", role="reviewer", unit=town)
        observer = f.user("obs", role="observer")
        for i in range(4):
            f.case_file(town, case_number=f"镇〔2024〕{i}号", waiver=i == 0, penalty_amount=Decimal(500) if i == 0
                        else Decimal(0) if i == 1 else None)
        for i in range(5):
            simple = i < 2
            f.case_file(dept, case_number=f"市监〔2024〕{i}号", procedure="简易" if simple else "一般",
                        penalty_amount=Decimal(5000) if simple else Decimal(100), waiver=i == 1)
        f.case_file(dept, case_number="市监〔2023〕9号", procedure="简易", penalty_amount=Decimal(9000),
                    decision_date=dt.date(2023, 6, 1))
        campaign = Campaign(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                            window_end=dt.date(2024, 12, 31), grade_bands=[], pass_line=Decimal(60))
        session.add(campaign)
        session.flush()
        return {"campaign": campaign.id, "lead": lead.id, "reviewer": reviewer.id, "observer": observer.id}


def test_figures_per_unit_and_rule(engine):
    ids = populate(engine)
    with session_factory(engine)() as s:
        campaign = s.get(Campaign, ids["campaign"])
        result = run_precheck(s, _user(s, ids["lead"]), campaign)
        assert result.n_files == 9  # the 2023 file is outside the window
        units = result.by_unit().set_index("unit")
        assert list(units.index) == [TOWN, DEPT]
        assert units.loc[TOWN, "flagged_files"] == 1 and units.loc[TOWN, "flagged_per_100"] == 25.0
        assert units.loc[DEPT, "flagged_files"] == 2 and units.loc[DEPT, "flagged_per_100"] == 40.0
        assert units.loc[DEPT, "flags"] == 3 and units.loc[DEPT, "flags_per_100"] == 60.0
        ur = result.by_unit_rule().set_index(["unit", "rule"])
        assert ur.loc[(DEPT, "PC-P6"), "flagged"] == 2 and ur.loc[(DEPT, "PC-P6"), "per_100"] == 40.0
        assert ur.loc[(DEPT, "PC-MW1"), "flagged"] == 1 and ur.loc[(TOWN, "PC-MW1"), "per_100"] == 25.0
        assert ur.loc[(TOWN, "PC-P6"), "flagged"] == 0
        assert result.flagged_numbers() == sorted(["镇〔2024〕0号", "市监〔2024〕0号", "市监〔2024〕1号"])
        files = result.flagged_files().set_index("case_number")
        assert files.loc["市监〔2024〕1号", "rules"] == "PC-P6, PC-MW1"

        book = openpyxl.load_workbook(io.BytesIO(precheck_workbook(result, campaign.name)))
        assert book.sheetnames[:4] == ["按单位", "按单位和规则", "被标记案卷", "规则"]
        rows = list(book["按单位"].iter_rows(values_only=True))
        assert rows[1] == (TOWN, 4, 1, 25, 1, 25) and rows[2][:3] == (DEPT, 5, 2)
        flagged = {r[0]: r[4] for r in list(book["被标记案卷"].iter_rows(values_only=True))[1:]}
        assert flagged["市监〔2024〕1号"] == "PC-P6, PC-MW1"


def _user(session, uid):
    return session.get(User, uid)


def test_only_the_lead_runs_the_whole_register(engine):
    ids = populate(engine)
    with session_factory(engine)() as s:
        campaign = s.get(Campaign, ids["campaign"])
        for who in ("reviewer", "observer"):
            with pytest.raises(PermissionDenied):
                run_precheck(s, _user(s, ids[who]), campaign)


def test_a_files_flags_are_hints_on_its_items(engine):
    ids = populate(engine)
    with session_factory(engine)() as s:
        campaign = s.get(Campaign, ids["campaign"])
        cf = s.scalar(sa.select(CaseFile).where(CaseFile.case_number == "市监〔2024〕1号"))
        rules = file_flags(s, _user(s, ids["reviewer"]), campaign, cf)
        assert [r.id for r in rules] == ["PC-P6", "PC-MW1"]
        hints = hints_by_item(rules)
        assert [r.id for r in hints["V-SP3"]] == ["PC-P6"] and [r.id for r in hints["V-MW1"]] == ["PC-MW1"]
        with pytest.raises(PermissionDenied):
            file_flags(s, _user(s, ids["observer"]), campaign, cf)


def test_a_files_flags_follow_its_register_row(engine):
    """The flags of a file are remembered by its register row (the scoring page asks on every open): the
    same row gives the same flags, a changed row its own, and the permission is checked every time."""
    ids = populate(engine)
    with session_factory(engine)() as s:
        campaign = s.get(Campaign, ids["campaign"])
        cf = s.scalar(sa.select(CaseFile).where(CaseFile.case_number == "市监〔2024〕1号"))
        reviewer = _user(s, ids["reviewer"])
        assert [r.id for r in file_flags(s, reviewer, campaign, cf)] == ["PC-P6", "PC-MW1"]
        assert [r.id for r in file_flags(s, reviewer, campaign, cf)] == ["PC-P6", "PC-MW1"]
        cf.waiver = False  # no longer a waiver with a fine
        s.flush()
        assert [r.id for r in file_flags(s, reviewer, campaign, cf)] == ["PC-P6"]
        cf.penalty_amount = Decimal(1000)  # below the simple procedure's limit
        s.flush()
        assert file_flags(s, reviewer, campaign, cf) == []
        cf.waiver, cf.penalty_amount = True, Decimal(5000)
        s.flush()
        assert [r.id for r in file_flags(s, reviewer, campaign, cf)] == ["PC-P6", "PC-MW1"]
        with pytest.raises(PermissionDenied):
            file_flags(s, _user(s, ids["observer"]), campaign, cf)


def test_flagged_files_are_forced_into_the_draw_and_the_draw_verifies(engine):
    ids = populate(engine)
    with session_factory(engine)() as s:
        campaign = s.get(Campaign, ids["campaign"])
        numbers = flagged_for_sample(s, _user(s, ids["lead"]), campaign, ["PC-P6"])
        assert numbers == ["市监〔2024〕0号", "市监〔2024〕1号"]
        with pytest.raises(ValidationFailed, match="unknown pre-check rule PC-X"):
            flagged_for_sample(s, _user(s, ids["lead"]), campaign, ["PC-X"])
    rules = SampleRules.parse({"quota": {"count": 1}, "forced_files": numbers})
    picks = preview_sample(engine, ids["campaign"], rules, 7, actor_id=lead_id(engine))
    dept = [p for p in picks if p.unit == DEPT]
    assert sorted((p.case_number, p.reason) for p in dept) == [(n, "forced:file") for n in numbers]
    assert len([p for p in picks if p.unit == TOWN]) == 1  # the quota still holds elsewhere
    record = draw_sample(engine, ids["campaign"], rules, 7, actor_id=ids["lead"])
    assert record.rules["forced_files"] == numbers
    assert verify_record(engine, record.id, actor_id=lead_id(engine)).ok
    bad = SampleRules.parse({"quota": {"count": 1}, "forced_files": ["市监〔2023〕9号"]})
    with pytest.raises(ValidationFailed, match="not in the campaign's window"):
        preview_sample(engine, ids["campaign"], bad, 7, actor_id=lead_id(engine))


def test_rules_without_forced_files_store_as_before():
    assert "forced_files" not in SampleRules.parse({"quota": {"count": 2}}).to_json()


def test_cli_precheck_and_forced_draw(sqlite_url, capsys, tmp_path):
    engine = open_db(sqlite_url)
    populate(engine)
    engine.dispose()
    out_xlsx = tmp_path / "预检.xlsx"
    code = main(["precheck", "--campaign", "2024年度评查", "--db", sqlite_url, "-o", str(out_xlsx)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "2024年度评查: 9 files checked against 15 rules; 3 flagged" in out
    dept_line = next(line for line in out.splitlines() if line.startswith(DEPT))
    assert dept_line.split()[1:] == ["5", "2", "40.00", "3", "60.00"]
    assert out_xlsx.exists()
    code = main(["precheck", "--campaign", "2024年度评查", "--by", "files", "--db", sqlite_url])
    out, _ = capsys.readouterr()
    assert code == 0 and "市监〔2024〕1号" in out and "PC-P6, PC-MW1" in out
    code = main(["sample", "draw", "--campaign", "2024年度评查", "--seed", "5", "--count", "0", "--force-precheck",
                 "--db", sqlite_url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "pre-check: 3 flagged files forced in" in out and ": 3 files from 9 candidates" in out
    code = main(["precheck", "--check", "--rules", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 1 and "no pre-check rule files" in err


def test_process_dates_stored_with_the_files_are_checked(engine):
    """Dates the register import stored as declared attributes (CaseFile.attributes) trip the date rules;
    a file whose register carries no process column is never flagged as missing one."""
    ids = populate(engine)
    with session_factory(engine)() as s, s.begin():
        late, ok = s.scalars(sa.select(CaseFile).where(CaseFile.case_number.in_(["市监〔2024〕3号", "市监〔2024〕4号"]))
                             .order_by(CaseFile.case_number)).all()
        dates = {"filing_date": "2024-03-01", "notice_date": "2024-04-20", "service_date": "2024-05-03",
                 "discretion_tier": "一般"}
        late.attributes = {**dates, "filing_date": "2024-01-15", "legal_review_date": "2024-05-02"}
        late.major_decision = True
        ok.attributes = dates
    with session_factory(engine)() as s:
        result = run_precheck(s, _user(s, ids["lead"]), s.get(Campaign, ids["campaign"]))
        files = result.flagged_files().set_index("case_number")
        assert files.loc["市监〔2024〕3号", "rules"] == "PC-P1, PC-LR1"  # 107 days; review after decision
        assert "市监〔2024〕4号" not in files.index
        assert "市监〔2024〕2号" not in files.index  # no process columns at all: not "missing" any


def test_the_demo_register_carries_process_dates_that_trip_rules():
    """The demo's 2024 register has the optional process columns; the shipped rules find a few per cent."""
    demo = gen.build()
    rows = [dict(zip(PROCESS_COLUMNS, process_row(c, gen.DEFAULT_SEED), strict=True)) | {
        "case_type": c.case_type, "procedure": c.procedure or None, "decision_date": c.date.isoformat(),
        "major_decision": c.major, "waiver": c.waiver, "penalty_amount": c.amount} for c in demo.register]
    keys = {"立案日期": "filing_date", "告知日期": "notice_date", "听证告知日期": "hearing_notice_date",
            "法制审核日期": "legal_review_date", "送达日期": "service_date", "裁量基准档次": "discretion_tier"}
    frame = prepare(pd.DataFrame([{keys.get(k, k): (v if v != "" else None) for k, v in r.items()} for r in rows]))
    flags = evaluate(load_rules(), frame)
    share = flags.any(axis=1).mean()
    assert 0.02 < share < 0.10
    assert {"PC-P1", "PC-P2", "PC-P3", "PC-LR1", "PC-MW2"} <= {c for c in flags.columns if flags[c].any()}


STORED = [  # attribute JSON as stored: by the register import (`to_json`), hand-edited, empty, odd
    '{"filing_date": "2024-03-01", "legal_review_date": "2024-05-02", "hearing_threshold": "10000", '
    '"discretion_tier": "一般", "hearing_requested": true}',
    '{"notice_date": "2024-13-40", "discretion_tier": "", "onsite_verification": false, "unknown_key": 3}',
    "{}",
    '{"service_date": "2024-05-03T00:00:00", "hearing_threshold": "abc", "seizure_made": true}',
    '{"filing_date": "2024-01-15", "hearing_threshold": "2500.50", "discretion_tier": "从重"}',
]


@pytest.mark.parametrize("numbers_as_numbers", [False, True])
def test_pyarrow_and_python_decoding_of_the_attributes_agree(numbers_as_numbers):
    """The columnar read (pyarrow, typed in pyarrow) and the file-by-file one (json.loads) give the same
    typed frame: bad dates and numbers empty, "" no value, unknown keys ignored, absent keys empty. With a
    number stored as a JSON number the columnar read falls back to the file-by-file one."""
    texts = [t.replace('"10000"', "10000") for t in STORED] if numbers_as_numbers else STORED
    base = pd.DataFrame({"case_file_id": range(len(texts))})
    columnar = prepare(pd.concat([base, attributes_frame(texts)], axis=1))
    by_file = prepare(pd.concat([base, _python_frame(texts)], axis=1))
    for key in (*EXTRA_KEYS, CARRIES):
        a, b = columnar[key], by_file[key]
        if pd.api.types.is_datetime64_any_dtype(a):
            a, b = a.astype("datetime64[ns]"), b.astype("datetime64[ns]")
        elif isinstance(a.dtype, pd.CategoricalDtype):
            a, b = a.astype(object).where(a.notna(), None), b.astype(object).where(b.notna(), None)
        pd.testing.assert_series_equal(a, b, check_dtype=False, check_names=False, obj=key)
    assert columnar["filing_date"].tolist()[::4] == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-01-15")]
    assert columnar["hearing_threshold"].tolist()[0] == 10000 and pd.isna(columnar["hearing_threshold"][3])
    assert columnar["discretion_tier"].isna().tolist() == [False, True, True, True, False]
    assert pd.isna(columnar["notice_date"][1]) and columnar[CARRIES].tolist() == [True, True, False, True, True]


def test_the_register_read_takes_the_window_in_one_scan_on_sqlite(sqlite_engine):
    """SQLite is told the window's share of the register: a window of (nearly) every file is read by
    scanning the table, a narrow one through the decision-date index."""
    ids = populate(sqlite_engine)
    with session_factory(sqlite_engine)() as s:
        def plan(campaign):
            stmt = sa.select(CaseFile.id).where(_window(s, campaign))
            sql = str(stmt.compile(dialect=sqlite_engine.dialect, compile_kwargs={"literal_binds": True}))
            return " ".join(r[-1] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        wide = s.get(Campaign, ids["campaign"])
        assert plan(wide).startswith("SCAN")
        narrow = Campaign(name="窄", year=2024, window_start=dt.date(2023, 6, 1), window_end=dt.date(2023, 6, 1),
                          grade_bands=[], pass_line=Decimal(60))
        assert "INDEX" in plan(narrow)
