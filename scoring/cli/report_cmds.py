"""`casereview report ...` (the notice and supervision recommendations as Word files) and
`casereview export ...` (the Excel exports). Warnings (a missing CJK font, blank form fields) go to
standard error as `WARNING: ...`; the files are written where -o says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scoring.cli.base import cli
from scoring.cli.options import acting_user, db_option
from scoring.db.session import transaction
from scoring.documents import (
    EXPORTS,
    Document,
    build_notice,
    export,
    supervision_targets,
)
from scoring.documents.supervision import build_supervisions, zip_documents
from scoring.workflow.campaigns import get_campaign


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-03-31", param_hint=name) from None


def _write(doc: Document, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(doc.content)
    for w in doc.warnings:
        click.echo(f"WARNING: {w.message}", err=True)
    click.echo(f"wrote {target} ({len(doc.content):,} bytes)")


def _campaign_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--as", "as_user", help="Acting user: a panel lead (observers: the notice of a published "
                                                 "campaign). Default: the only panel lead.")(func)
    return click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME", help="The campaign.")(func)


@cli.group("report")
def report() -> None:
    """Word documents: the review notice (评查情况通报) and supervision recommendations (监督建议书)."""


@report.command("notice")
@_campaign_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The .docx to write (default: <campaign>-评查情况通报.docx in the current folder).")
@click.option("--number", default=None, help="Reference number (文号), e.g. X司〔2025〕3号; blank field when left out.")
@click.option("--title", default=None, help="Title (default: 关于<year>年度行政执法案卷评查情况的通报).")
@click.option("--issuer", default=None, help="Issuing authority (发文机关); blank field when left out.")
@click.option("--date", "date_", default=None, metavar="YYYY-MM-DD", help="Date of issue; blank field when left out.")
@click.option("--addressee", default=None, help="Addressee line (主送), default 各行政执法单位.")
@click.option("--anonymise-traces", is_flag=True,
              help="Mask case numbers and units in the appendix (as observers see it when the campaign anonymises).")
@db_option
def notice_cmd(engine, campaign_ref, as_user, output, number, title, issuer, date_, addressee,  # noqa: ANN001
               anonymise_traces) -> None:
    """The review notice: figures, unit table, charts, findings, rectification, appendix of traces."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        doc = build_notice(session, actor, campaign_ref, title=title, number=number, issuer=issuer,
                           addressee=addressee, date=_date(date_, "--date"), anonymise_traces=anonymise_traces)
    _write(doc, output or Path(doc.filename))


@report.command("supervision")
@_campaign_option
@click.option("--threshold", type=click.FloatRange(0, 100), default=None,
              help="Units whose mean is below this get one too (default: the campaign's pass line); units with "
                   "a failing file always do.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the .docx files (one per unit).")
@click.option("--zip", "as_zip", is_flag=True, help="Write one .zip of them instead.")
@click.option("--number", default=None, help="Reference number (文号) printed on every draft.")
@click.option("--issuer", default=None, help="Issuing authority (发文机关).")
@click.option("--date", "date_", default=None, metavar="YYYY-MM-DD", help="Date of issue.")
@click.option("--deadline", default=None, metavar="YYYY-MM-DD",
              help="Report back by (default: the unit's latest rectification deadline).")
@db_option
def supervision_cmd(engine, campaign_ref, as_user, threshold, out_dir, as_zip, number, issuer, date_,  # noqa: ANN001
                    deadline) -> None:
    """One supervision recommendation per unit with failing files or a mean below the threshold."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        campaign_name = get_campaign(session, campaign_ref).name
        targets = supervision_targets(session, actor, campaign_ref, threshold=threshold)
        docs = build_supervisions(session, actor, campaign_ref, threshold=threshold, number=number, issuer=issuer,
                                  date=_date(date_, "--date"), deadline=_date(deadline, "--deadline"))
    if not targets:
        click.echo("no unit has a failing file or a mean below the threshold: no recommendation written")
        return
    for t in targets:
        click.echo(f"{t.unit}: {'; '.join(t.reasons)}")
    if as_zip:
        bundle = zip_documents(docs, f"{campaign_name}-行政执法监督建议书.zip")
        _write(bundle, out_dir / bundle.filename)
        return
    for doc in docs:
        _write(doc, out_dir / doc.filename)


@cli.command("export")
@click.argument("what", type=click.Choice(EXPORTS))
@_campaign_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The .xlsx to write (default: <campaign>-<export>.xlsx in the current folder).")
@db_option
def export_cmd(engine, what, campaign_ref, as_user, output) -> None:  # noqa: ANN001
    """Excel exports (panel lead): scores (per file and reviewer, per-item marks), units (unit summary),
    deductions (the deduction ledger), sample (the sampling record and drawn files)."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        doc = export(session, actor, campaign_ref, what)
    _write(doc, output or Path(doc.filename))
