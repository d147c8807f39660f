"""`casereview pdf ...`: attach electronic case files (scanned PDFs) to registered case files."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from scoring import case_pdfs
from scoring.cli.base import cli
from scoring.cli.options import acting_user, db_option
from scoring.db.models import CaseFile
from scoring.db.session import transaction
from scoring.errors import NotFound, ValidationFailed


@cli.group("pdf")
def pdf() -> None:
    """Electronic case files (电子案卷): PDFs beside the scoring form."""


@pdf.command("attach")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--case", "case_number", required=True, help="The case number (案号) in the register.")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def attach_cmd(engine, file: Path, case_number: str, as_user: str | None) -> None:
    """Attach one PDF to a case file (replaces its previous PDF)."""
    with transaction(engine()) as session:
        outcome = case_pdfs.attach(session, acting_user(session, as_user), case_number, file.name, file.read_bytes())
    click.echo(f"{case_number}: {outcome} {file.name}")


@pdf.command("bulk")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only show what matches; store nothing.")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def bulk_cmd(engine, source: Path, dry_run: bool, as_user: str | None) -> None:
    """Attach the PDFs of a ZIP or a folder, matched to case files by the case number in their names.

    Prints what matches, what does not, what is ambiguous and what is refused; stores the matched files
    (all or nothing) unless --dry-run."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        plan = case_pdfs.plan_bulk(session, actor, case_pdfs.read_bundle(source))
        for name, number, checked in plan.matched:
            click.echo(f"match      {name} -> {number} ({checked.pages} pages)")
        for name in plan.unmatched:
            click.echo(f"no match   {name}: no case number of the register in the name")
        for name, numbers in plan.ambiguous:
            click.echo(f"ambiguous  {name}: {' / '.join(numbers)}")
        for name, why in plan.rejected:
            click.echo(f"refused    {why}")
        if not plan.matched:
            raise ValidationFailed(code="cli.no_pdf_matched")
        if dry_run:
            click.echo(f"dry run: {len(plan.matched)} would be attached; nothing stored")
            return
        counts = case_pdfs.apply_bulk(session, actor, plan)
    click.echo(", ".join(f"{k} {v}" for k, v in counts.items()))


@pdf.command("show")
@click.option("--case", "case_number", required=True, help="The case number (案号).")
@click.option("-o", "output", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF here.")
@click.option("--as", "as_user", help="Acting user (the lead, or a reviewer the file is assigned to).")
@db_option
def show_cmd(engine, case_number: str, output: Path | None, as_user: str | None) -> None:
    """What is attached to a case file; with -o, save the PDF (the same reading rules as the app)."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        file_id = session.scalar(select(CaseFile.id).where(CaseFile.case_number == case_number.strip()))
        if file_id is None:
            raise NotFound(code="pdf.no_case", number=case_number)
        if output is None:
            found = case_pdfs.info(session, actor, file_id)
            if found is None:
                click.echo(f"{case_number}: no PDF attached")
                return
        else:
            found, data = case_pdfs.fetch(session, actor, file_id)
            output.write_bytes(data)
    click.echo(f"{case_number}: {found.filename}, {found.pages} pages, {found.size} bytes, sha256 {found.sha256}")
