"""Loading the demo data (units, then the clean 2024 register) through the project's own importers.

Idempotent: when every demo case file is already in the database, `load_demo` changes nothing and
says so (`loaded` is False). A database holding only some of them (a different demo seed, or files
deleted by hand) is refused with a clear error rather than half-loaded again. Units are imported first
in their own transaction; units already present with the same kind and code are left alone, so a
load that failed at the register step can simply be run again.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from scoring.db.models import CaseFile, Unit
from scoring.demo.generate import DATA_DIR, REGISTER_FILE, UNITS_FILE
from scoring.errors import CaseReviewError, ProblemReport

_IN_CHUNK = 500  # case numbers per IN (...) lookup


def demo_files(data_dir: Path | None = None) -> tuple[Path, Path]:
    """(units file, register file) of the committed demo data; a clear error when they are missing."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    units, register = data_dir / UNITS_FILE, data_dir / REGISTER_FILE
    missing = [p for p in (units, register) if not p.is_file()]
    if missing:
        raise CaseReviewError(
            f"demo data not found: missing {', '.join(str(p) for p in missing)} "
            "(the demo needs a checkout of the repository; regenerate it with `casereview demo generate`)"
        )
    return units, register


def _column(path: Path, header: str) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig")
    return [row[header] for row in csv.DictReader(io.StringIO(text, newline=""))]


def _count_present(engine: Engine, model: Any, column: Any, values: list[str]) -> int:
    found = 0
    with engine.connect() as conn:
        for i in range(0, len(values), _IN_CHUNK):
            chunk = values[i:i + _IN_CHUNK]
            found += conn.execute(select(func.count()).select_from(model).where(column.in_(chunk))).scalar_one()
    return found


def load_demo(engine: Engine, *, actor_id: int | None = None, data_dir: Path | None = None) -> dict[str, Any]:
    """Load the demo units and 2024 register; returns counts.

    Result keys: `loaded` (False when everything was already there), `units` and `case_files` (demo
    rows now in the database), `units_added`, `case_files_added`, `batch_id` (the register import).
    Raises `ProblemReport` if an importer refuses the data, `CaseReviewError` if the files are missing
    or the database already holds part of the demo register.
    """
    units_path, register_path = demo_files(data_dir)
    unit_names = _column(units_path, "单位名称")
    case_numbers = _column(register_path, "案号")

    cases_present = _count_present(engine, CaseFile, CaseFile.case_number, case_numbers)
    if cases_present == len(case_numbers):
        return {
            "loaded": False,
            "units": _count_present(engine, Unit, Unit.name, unit_names),
            "case_files": cases_present,
            "units_added": 0,
            "case_files_added": 0,
            "batch_id": None,
        }
    if cases_present:
        raise CaseReviewError(
            f"the database already holds {cases_present} of the {len(case_numbers)} demo case files: "
            "load the demo into a fresh database (e.g. --db sqlite:///demo.db)"
        )

    from scoring.register.importer import import_register
    from scoring.register.units import import_units

    units_report = import_units(engine, units_path, actor_id=actor_id)
    if not units_report.ok:
        raise ProblemReport(units_report.problems, title=f"{units_path.name}: demo units not loaded")
    register_report = import_register(engine, register_path, actor_id=actor_id)
    if not register_report.ok:
        raise ProblemReport(register_report.problems, title=f"{register_path.name}: demo register not loaded")
    return {
        "loaded": True,
        "units": _count_present(engine, Unit, Unit.name, unit_names),
        "case_files": register_report.rows_imported,
        "units_added": units_report.rows_imported,
        "case_files_added": register_report.rows_imported,
        "batch_id": register_report.batch_id,
    }
