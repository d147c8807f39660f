"""`casereview calibration ...`: the calibration round (试评): files, marks, figures and guidance notes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scoring.calibration.figures import calibration_figures, calibration_record
from scoring.calibration.guidance import set_guidance
from scoring.calibration.round import set_calibration, submit_calibration
from scoring.cli.aggregate_cmds import echo_table
from scoring.cli.base import cli, language
from scoring.cli.campaign_cmds import acting_user
from scoring.cli.options import db_option
from scoring.db.models import CaseFile
from scoring.db.session import transaction
from scoring.errors import NotFound, ValidationFailed
from scoring.marks import Marks
from scoring.messages import localize
from scoring.workflow.campaigns import get_campaign


@cli.group("calibration")
def calibration() -> None:
    """The calibration round (试评) before live scoring."""


@calibration.command("set")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--file", "case_numbers", multiple=True, required=True, help="Case number (2 to 5 times).")
@click.option("--required/--optional", default=True, show_default=True,
              help="Reviewers must score them before their live queue opens.")
@click.option("--in-notice", is_flag=True, help="The notice states the round and its agreement figure.")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def set_cmd(engine, campaign_ref, case_numbers, required, in_notice, as_user):
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        set_calibration(session, acting_user(session, as_user), campaign, list(case_numbers), required=required,
                        in_notice=in_notice)
        click.echo(f"calibration files for {campaign.name!r}: {', '.join(case_numbers)}")


@calibration.command("score")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--file", "case_number", required=True)
@click.argument("marks_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_user", required=True, help="A reviewer (their marks) or the lead (reference marks).")
@db_option
def score_cmd(engine, campaign_ref, case_number, marks_path, as_user):
    """Record calibration marks from a JSON file (the `rubric score` marks format)."""
    try:
        marks = Marks.model_validate(json.loads(marks_path.read_text(encoding="utf-8-sig")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(code="calibration.bad_marks", path=str(marks_path),
                               why=str(exc).splitlines()[0]) from None
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        cf = session.query(CaseFile).filter(CaseFile.case_number == case_number).one_or_none()
        if cf is None:
            raise NotFound(code="case_file.not_found", number=case_number)
        row = submit_calibration(session, acting_user(session, as_user), campaign, cf.id, marks)
        click.echo(f"{case_number}: {row.total}{' (reference)' if row.is_reference else ''}")


@calibration.command("show")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def show_cmd(engine, campaign_ref, as_user):
    """Totals, each reviewer's distance from the reference, alpha, and the items scored differently."""
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        fig = calibration_figures(session, acting_user(session, as_user), campaign)
        record = calibration_record(session, campaign.id)
    echo_table(["file", *fig.reviewers, "reference"],
               [[n, *[fig.totals[n].get(r) for r in fig.reviewers], fig.reference_totals.get(n)] for n in fig.files])
    click.echo("")
    echo_table(["reviewer", "files", "vs reference", "total gap", "item gap"],
               [[d.reviewer, d.files, d.compared, d.total_gap, d.item_gap] for d in fig.distances])
    click.echo(f"\nKrippendorff alpha (totals): {'n/a' if fig.alpha is None else f'{fig.alpha:.3f}'}")
    for i in fig.differing_items:
        shown = ", ".join(f"{r} {v}" for r, v in i.by_reviewer.items())
        click.echo(f"  {i.case_number} {i.item_id} {i.title}: {shown}; reference {i.reference}")
    if record is not None:
        click.echo(localize(record.message(), language()))


@calibration.command("guidance")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--item", "item_id", required=True)
@click.option("--note", required=True, help="The guidance (empty: remove it).")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def guidance_cmd(engine, campaign_ref, item_id, note, as_user):
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        set_guidance(session, acting_user(session, as_user), campaign, item_id, note)
        click.echo(f"guidance for {item_id} {'removed' if not note.strip() else 'saved'}")
