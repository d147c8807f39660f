"""Register and unit-list uploads from the pages: a permission-checked preview (dry run) and commit.

The importers themselves (`scoring.register`) take an engine and an optional actor id and check no
role, since the CLI runs them on the operator's own machine. Uploads through the web pages go through
here, so only an active panel lead can preview or write a register.
"""

from __future__ import annotations

from sqlalchemy import Engine

from scoring.accounts import acting_id
from scoring.policy import Action
from scoring.register.importer import ImportReport, import_register
from scoring.register.units import UnitImportReport, import_units


def preview_register(engine: Engine, actor_id: int | None, data: bytes, filename: str) -> ImportReport:
    """Validate an uploaded register against the database and count it; writes nothing."""
    lead = acting_id(engine, actor_id, Action.IMPORT_REGISTER)
    return import_register(engine, data, filename=filename, dry_run=True, actor_id=lead)


def commit_register(engine: Engine, actor_id: int | None, data: bytes, filename: str) -> ImportReport:
    """Import an uploaded register, all rows or none (validated again: the database may have changed)."""
    lead = acting_id(engine, actor_id, Action.IMPORT_REGISTER)
    return import_register(engine, data, filename=filename, dry_run=False, actor_id=lead)


def preview_units(engine: Engine, actor_id: int | None, data: bytes, filename: str) -> UnitImportReport:
    lead = acting_id(engine, actor_id, Action.IMPORT_REGISTER)
    return import_units(engine, data, filename=filename, dry_run=True, actor_id=lead)


def commit_units(engine: Engine, actor_id: int | None, data: bytes, filename: str) -> UnitImportReport:
    lead = acting_id(engine, actor_id, Action.IMPORT_REGISTER)
    return import_units(engine, data, filename=filename, dry_run=False, actor_id=lead)
