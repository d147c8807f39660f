"""`casereview attribute ...`: the declared file attributes (rubrics/vocabulary.yaml), and the lead setting
one on a case file."""

from __future__ import annotations

import click
from sqlalchemy import select

from scoring.cli.base import cli, echo_json
from scoring.cli.options import acting_user, as_option, db_option
from scoring.db.models import CaseFile
from scoring.db.session import transaction
from scoring.errors import NotFound
from scoring.file_attributes import attributes_of, set_file_attribute
from scoring.rubric.vocabulary import active_vocabulary


@cli.group("attribute")
def attribute() -> None:
    """File attributes standards condition on (declared in rubrics/vocabulary.yaml)."""


@attribute.command("list")
def list_cmd() -> None:
    """Every declared attribute: key, labels, type, register column synonyms, who may set it."""
    for a in active_vocabulary().attributes.values():
        choices = f" ({'/'.join(a.choices)})" if a.choices else ""
        builtin = " built-in" if a.builtin else ""
        click.echo(f"{a.key:<28} {a.zh} / {a.en}  {a.type}{choices}{builtin}  set by: {', '.join(a.set_by)}"
                   + (f"  columns: {'、'.join(a.synonyms)}" if a.synonyms else ""))


@attribute.command("set")
@click.argument("case_number")
@click.argument("key")
@click.argument("value")
@as_option
@db_option
def set_cmd(engine, case_number: str, key: str, value: str, as_user: str | None) -> None:  # noqa: ANN001
    """Set (or with VALUE "-" clear) a declared attribute of one case file; yes/no as true/false."""
    parsed: object = {"true": True, "false": False, "是": True, "否": False, "-": None}.get(value, value)
    with transaction(engine()) as session:
        cf = session.scalar(select(CaseFile).where(CaseFile.case_number == case_number))
        if cf is None:
            raise NotFound(code="cli.no_case_file", number=case_number)
        set_file_attribute(session, acting_user(session, as_user), cf.id, key, parsed)
        fa = attributes_of(cf)
        echo_json({"case_number": cf.case_number, "attributes": {k: str(v) for k, v in fa.attrs.items()},
                   "sources": fa.sources})
