"""Loading the demo: units, the 2024 and 2023 registers, and (by default) the demo panel and two finished
campaigns, all through the project's own importers and workflow.

Steps, each skipped when already done, so loading twice changes nothing (`loaded` is False):

1. Units, then each register (`register_2024.csv`, `register_2023.csv`) through the importers. A
   register already fully present is skipped; a database holding only part of one (a different demo
   seed, or files deleted by hand) is refused with a clear error rather than half-loaded again. Units
   already present with the same kind and code are left alone.
2. With `with_campaigns` (the default): the panel lead the demo acts as is `actor_id`, else the first
   active lead; on a database with no accounts at all a demo lead `demo-lead` is created (password
   `DEMO_PASSWORD`). The demo reviewers, observer and unit liaison are created (`scoring.demo.people`), then the
   finished 2023 and 2024 campaigns (`scoring.demo.campaign`), each found by name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from scoring.db.models import CaseFile, Unit, User
from scoring.db.session import transaction
from scoring.demo.campaign import load_campaigns
from scoring.demo.generate import DATA_DIR, REGISTER_2023_FILE, REGISTER_FILE, UNITS_FILE
from scoring.demo.people import LIAISON, create_demo_lead, ensure_people, find_lead
from scoring.demo.progress import report
from scoring.errors import CaseReviewError, ProblemReport
from scoring.register.importer import import_register
from scoring.register.units import import_units

_IN_CHUNK = 500  # case numbers per IN (...) lookup
REGISTER_FILES = (REGISTER_FILE, REGISTER_2023_FILE)


@dataclass(frozen=True)
class DemoFiles:
    units: Path
    registers: tuple[Path, ...]  # 2024 first, then 2023


def demo_paths(data_dir: Path | None = None) -> DemoFiles:
    """The committed demo data files; a clear error when any is missing."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    files = DemoFiles(data_dir / UNITS_FILE, tuple(data_dir / name for name in REGISTER_FILES))
    missing = [p for p in (files.units, *files.registers) if not p.is_file()]
    if missing:
        raise CaseReviewError(code="demo.no_data", missing=[str(p) for p in missing])
    return files


def demo_files(data_dir: Path | None = None) -> tuple[Path, Path]:
    """(units file, 2024 register file) of the committed demo data; a clear error when files are missing."""
    files = demo_paths(data_dir)
    return files.units, files.registers[0]


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


def load_demo(
    engine: Engine, *, actor_id: int | None = None, data_dir: Path | None = None, with_campaigns: bool = True,
) -> dict[str, Any]:
    """Load the demo; returns what is there and what was added.

    Result keys: `loaded` (False when nothing was added), `units` and `case_files` (demo rows now in the
    database, both registers), `units_added`, `case_files_added`, `batch_id` (the 2024 register import,
    None when not imported now), `batch_ids` (register file -> import batch, for those imported now);
    with campaigns also `lead` (user name), `lead_created`, `people_added`, `reviewers` (user names) and
    `campaigns` (one summary per campaign: files, reviews, results, rechecked, vetoes, grades ...).
    Raises `ProblemReport` if an importer refuses the data, `CaseReviewError` if files are missing, the
    database holds part of a demo register, or `actor_id` is not an active panel lead.
    """
    files = demo_paths(data_dir)
    numbers = {path: _column(path, "案号") for path in files.registers}
    todo = _registers_to_load(engine, numbers)  # refuses a half-loaded register before anything is written
    result: dict[str, Any] = {"loaded": False}
    with transaction(engine) as session:  # the demo acts as a panel lead, whose imports are audited
        lead = find_lead(session, actor_id)
        created = lead is None
        if lead is None:
            lead = create_demo_lead(session)
        lead_id = lead.id
        result.update(lead=lead.username, lead_created=created)
    result["loaded"] |= created

    report("registers", 0, len(todo))
    result.update(_load_registers(engine, files, numbers, todo, lead_id))
    report("registers", len(todo), len(todo))
    result["loaded"] |= bool(result["units_added"] or result["case_files_added"])

    if with_campaigns:
        report("people", 0, 1)
        with transaction(engine) as session:
            reviewers, observer, added = ensure_people(session, session.get_one(User, lead_id))
            reviewer_ids = [u.id for u in reviewers]
            result.update(people_added=added, reviewers=[u.username for u in reviewers], observer=observer.username,
                          liaison=LIAISON.username)
        campaigns = load_campaigns(engine, lead_id, reviewer_ids)
        result["campaigns"] = campaigns
        result["loaded"] |= bool(added) or any(c["changed"] for c in campaigns)
    return result


def _registers_to_load(engine: Engine, numbers: dict[Path, list[str]]) -> list[Path]:
    """The registers not in the database yet; an error for one that is there only in part."""
    todo = []
    for path, case_numbers in numbers.items():
        present = _count_present(engine, CaseFile, CaseFile.case_number, case_numbers)
        if present and present != len(case_numbers):
            raise CaseReviewError(code="demo.partly_present", present=present, n=len(case_numbers), path=path.name)
        if not present:
            todo.append(path)
    return todo


def _load_registers(engine: Engine, files: DemoFiles, numbers: dict[Path, list[str]], todo: list[Path],
                    actor_id: int | None) -> dict[str, Any]:
    unit_names = _column(files.units, "单位名称")


    units_added = 0
    batch_ids: dict[str, int | None] = {}
    case_files_added = 0
    if todo:
        units_report = import_units(engine, files.units, actor_id=actor_id)
        if not units_report.ok:
            raise ProblemReport(units_report.problems, title_code="demo.units_not_loaded",
                                title_params={"file": files.units.name})
        units_added = units_report.rows_imported
    for path in todo:
        report = import_register(engine, path, actor_id=actor_id)
        if not report.ok:
            raise ProblemReport(report.problems, title_code="demo.register_not_loaded", title_params={"file": path.name})
        batch_ids[path.name] = report.batch_id
        case_files_added += report.rows_imported
    all_numbers = [n for case_numbers in numbers.values() for n in case_numbers]
    return {
        "units": _count_present(engine, Unit, Unit.name, unit_names),
        "case_files": _count_present(engine, CaseFile, CaseFile.case_number, all_numbers),
        "units_added": units_added,
        "case_files_added": case_files_added,
        "batch_id": batch_ids.get(REGISTER_FILE),
        "batch_ids": batch_ids,
    }
