"""Units: adding one, importing a list all-or-nothing, refusing names and codes already taken."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scoring.db.models import AuditEntry, Unit
from scoring.db.session import session_factory, transaction
from scoring.domain import UnitKind
from scoring.errors import ValidationFailed
from scoring.register import add_unit, import_units, list_units
from tests.factories import lead_id, session_lead_id
from tests.test_register_helpers import find


def unit_rows(engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(Unit.name, Unit.kind, Unit.code).order_by(Unit.sort_order))]


def audit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "add_unit"))


def test_add_unit_normalises_and_audits(engine):
    with transaction(engine) as s:
        add_unit(s, "\u3000区城管执法局 ", UnitKind.DEPARTMENT, "ＣＧ０１", actor_id=session_lead_id(s))
        add_unit(s, "城桥镇", "乡镇", actor_id=session_lead_id(s))
    assert unit_rows(engine) == [("区城管执法局", "department", "CG01"), ("城桥镇", "town", None)]
    assert audit_count(engine) == 2
    with session_factory(engine)() as s:
        assert [u.name for u in list_units(s)] == ["区城管执法局", "城桥镇"]


@pytest.mark.parametrize(
    ("name", "kind", "code", "why"),
    [
        ("区 城管执法局", "department", None, "already exists"),
        ("新单位", "department", "cg01", "the code already belongs to the unit 区城管执法局"),
        ("新单位", "委员会", None, "unknown unit kind"),
        ("", "town", None, "the unit name is empty"),
        ("CG01", "town", None, "is the code of the unit"),
    ],
)
def test_add_unit_refusals(engine, name, kind, code, why):
    with transaction(engine) as s:
        add_unit(s, "区城管执法局", "department", "CG01", actor_id=session_lead_id(s))
    with pytest.raises(ValidationFailed, match=why):
        with transaction(engine) as s:
            add_unit(s, name, kind, code, actor_id=session_lead_id(s))
    assert len(unit_rows(engine)) == 1


UNITS_CSV = "单位名称,类型,编码\r\n区城管执法局,区级部门,CG01\r\n城桥镇,乡镇,\r\n区 市场监管局,部门,SJ01\r\n"


def test_import_units_gbk_with_title_row(engine):
    data = ("某区执法单位名单,,\r\n" + UNITS_CSV).encode("gbk")
    report = import_units(engine, data, filename="units.csv", actor_id=lead_id(engine))
    assert report.ok and report.rows_imported == 3 and report.header_row == 2
    assert report.by_kind == {"区级部门": 2, "乡镇": 1}
    assert unit_rows(engine) == [
        ("区城管执法局", "department", "CG01"), ("城桥镇", "town", None), ("区 市场监管局", "department", "SJ01")
    ]
    assert audit_count(engine) == 3
    # importing the same list again changes nothing and is not an error
    again = import_units(engine, data, filename="units.csv", actor_id=lead_id(engine))
    assert again.ok and again.rows_imported == 0 and again.rows_existing == 3


def test_import_units_dry_run(engine):
    report = import_units(engine, UNITS_CSV.encode(), filename="u.csv", dry_run=True, actor_id=lead_id(engine))
    assert report.ok and report.rows_imported == 0 and report.new_units == ["区城管执法局", "城桥镇", "区 市场监管局"]
    assert unit_rows(engine) == [] and audit_count(engine) == 0


def test_import_units_reports_every_problem_and_writes_nothing(engine):
    with transaction(engine) as s:
        add_unit(s, "堡镇", "town", "BZ", actor_id=session_lead_id(s))
    text = (
        "单位名称,类型,编码\r\n"
        "区城管执法局,区级部门,CG01\r\n"  # 2: fine
        ",乡镇,\r\n"  # 3: no name
        "新河镇,村,\r\n"  # 4: bad kind
        "区城管执法局,区级部门,\r\n"  # 5: duplicate name in file
        "庙镇,乡镇,CG01\r\n"  # 6: duplicate code in file
        "堡镇,区级部门,\r\n"  # 7: exists with another kind
        "竖新镇,乡镇,bz\r\n"  # 8: code taken in the database
    )
    report = import_units(engine, text.encode(), filename="u.csv", actor_id=lead_id(engine))
    assert not report.ok and report.rows_imported == 0
    find(report, 3, "单位名称", "missing required value")
    assert find(report, 4, "类型", "unknown unit kind").value == "村"
    find(report, 5, "单位名称", "duplicate unit name: already in row 2")
    find(report, 6, "编码", "duplicate unit code: already in row 2")
    find(report, 7, "单位名称", "already exists with kind 乡镇")
    find(report, 8, "编码", "the code already belongs to the unit 堡镇")
    assert report.problem_count == 6
    assert unit_rows(engine) == [("堡镇", "town", "BZ")]


def test_import_units_file_problems(engine):
    report = import_units(engine, "名字,级别\r\n甲,乙\r\n".encode(), filename="u.csv", actor_id=lead_id(engine))
    assert "no header row found" in report.problems[0].message and "单位名称" in report.problems[0].message
