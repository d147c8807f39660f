"""`casereview import-register` and `casereview units ...`: the case-file register and its units."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import click

from scoring.cli.base import cli
from scoring.cli.options import acting_id, as_option, db_option
from scoring.db.session import session_factory, transaction
from scoring.domain import UNIT_KIND_LABELS, UnitKind
from scoring.register import add_unit, import_register, import_units, list_units

FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _counts(title: str, counts: dict[str, int]) -> None:
    click.echo(f"{title}:")
    width = max((_width(k) for k in counts), default=0)
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {key}{' ' * (width - _width(key))}  {n:>7,}")


@cli.command("import-register")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Validate and report what would be imported; write nothing.")
@as_option
@db_option
def import_register_cmd(engine, file: Path, dry_run: bool, as_user: str | None) -> None:  # noqa: ANN001
    """Import a case-file register (案卷登记表, .xlsx or .csv): all rows or none."""
    eng = engine()
    report = import_register(eng, file, dry_run=dry_run, actor_id=acting_id(eng, as_user))
    report.raise_for_problems()
    where = f", sheet {report.sheet}" if report.sheet else ""
    click.echo(f"{report.source_name}: {report.rows_read} case files (header at row {report.header_row}{where})")
    _counts("by unit", report.by_unit)
    _counts("by case type", report.by_case_type)
    if dry_run:
        click.echo(f"dry run: {report.rows_read} case files would be imported; nothing written")
    else:
        click.echo(f"imported {report.rows_imported} case files as batch {report.batch_id}")


@cli.group("units")
def units() -> None:
    """Enforcement units (区级部门 and 乡镇)."""


@units.command("import")
@click.argument("file", type=FILE)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@as_option
@db_option
def units_import_cmd(engine, file: Path, dry_run: bool, as_user: str | None) -> None:  # noqa: ANN001
    """Import a unit list with columns 单位名称, 类型 (区级部门/乡镇), 编码 (optional): all rows or none."""
    eng = engine()
    report = import_units(eng, file, dry_run=dry_run, actor_id=acting_id(eng, as_user))
    report.raise_for_problems()
    new = len(report.new_units)
    existing = f", {report.rows_existing} already present" if report.rows_existing else ""
    if dry_run:
        click.echo(f"dry run: {new} new units would be added{existing}; nothing written")
    else:
        click.echo(f"added {report.rows_imported} units{existing}")
    for name in report.new_units:
        click.echo(f"  {name}")


@units.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in UnitKind]), required=True,
              help="department (区级部门) or town (乡镇).")
@click.option("--code", default=None, help="Unit code, also accepted in registers instead of the name.")
@as_option
@db_option
def units_add_cmd(engine, name: str, kind: str, code: str | None, as_user: str | None) -> None:  # noqa: ANN001
    """Add one unit."""
    eng = engine()
    actor = acting_id(eng, as_user)
    with transaction(eng) as session:
        unit = add_unit(session, name, UnitKind(kind), code, actor_id=actor)
    click.echo(f"added unit {unit.name} ({UNIT_KIND_LABELS[UnitKind(unit.kind)]}) id {unit.id}")


@units.command("list")
@db_option
def units_list_cmd(engine) -> None:  # noqa: ANN001
    """List the units in their display order."""
    with session_factory(engine())() as session:
        rows = list_units(session)
    if not rows:
        click.echo("no units yet: add them with `casereview units add` or `casereview units import`")
        return
    for unit in rows:
        label = UNIT_KIND_LABELS.get(unit.kind, unit.kind)  # type: ignore[call-overload]
        click.echo(f"{unit.id:>4}  {unit.name}  {label}  {unit.code or ''}".rstrip())
