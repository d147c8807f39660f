"""`casereview objections ...`: release preliminary results to the units, file, assign and decide
objections (异议), and list them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from scoring.cli.aggregate_cmds import echo_table
from scoring.cli.base import cli, language
from scoring.cli.campaign_cmds import acting_user
from scoring.cli.options import db_option
from scoring.db.models import CaseFile, Objection
from scoring.db.session import transaction
from scoring.errors import NotFound
from scoring.messages import localize
from scoring.objections.counts import objection_counts
from scoring.objections.deciding import (
    amended_marks,
    assign_objection,
    decide_objection,
    final_marks,
    objections_for_lead,
)
from scoring.objections.filing import file_objection
from scoring.objections.liaison import liaison_view
from scoring.objections.window import end_of_day, extend_deadline, release_results
from scoring.policy import Action, allowed
from scoring.workflow.campaigns import get_campaign


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-03-08", param_hint="--deadline") from None


@cli.group("objections")
def objections() -> None:
    """Feedback to the reviewed units and their objections (反馈与异议)."""


@objections.command("release")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--deadline", required=True, help="Last day for objections (end of that day, panel time zone).")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def release_cmd(engine, campaign_ref, deadline, as_user):
    """Release the preliminary results to each unit's liaison; objections open until the deadline."""
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        window = release_results(session, acting_user(session, as_user), campaign, end_of_day(_day(deadline)))
        click.echo(f"released {campaign.name!r}; objections until {window.deadline:%Y-%m-%d %H:%M} UTC")


@objections.command("extend")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--deadline", required=True, help="The new last day for objections.")
@click.option("--reason", default="", help="Why the window is extended.")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def extend_cmd(engine, campaign_ref, deadline, reason, as_user):
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        window = extend_deadline(session, acting_user(session, as_user), campaign, end_of_day(_day(deadline)), reason)
        click.echo(f"objections for {campaign.name!r} now until {window.deadline:%Y-%m-%d %H:%M} UTC")


@objections.command("file")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--case", "case_number", required=True, help="Case number of the own unit's file.")
@click.option("--item", "item_id", required=True, help="Item id of the deduction (or the veto id).")
@click.option("--reason", "reason_id", default=None, help="Reason id of the deduction (omit for a veto).")
@click.option("--grounds", required=True, help="Why the deduction is wrong (异议理由).")
@click.option("--attach", "attachments", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A PDF supporting the objection (repeatable).")
@click.option("--as", "as_user", required=True, help="The unit liaison filing it.")
@db_option
def file_cmd(engine, campaign_ref, case_number, item_id, reason_id, grounds, attachments, as_user):
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        cf = session.query(CaseFile).filter(CaseFile.case_number == case_number).one_or_none()
        if cf is None:
            raise NotFound(code="case_file.not_found", number=case_number)
        obj = file_objection(session, acting_user(session, as_user), campaign, cf.id, item_id, reason_id or item_id,
                             grounds, [(p.name, p.read_bytes()) for p in attachments])
        click.echo(f"objection #{obj.id} filed")


@objections.command("list")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--as", "as_user", help="A panel lead (every objection) or a unit liaison (their unit's).")
@db_option
def list_cmd(engine, campaign_ref, as_user):
    with transaction(engine()) as session:
        campaign = get_campaign(session, campaign_ref)
        actor = acting_user(session, as_user)
        if not allowed(actor, Action.MANAGE_OBJECTIONS):  # a liaison: their unit's released view
            rows = [[o.id, o.case_number, f"{o.item_id}/{o.reason_id}", o.status, o.decision or "", o.decision_reason]
                    for o in liaison_view(session, actor, campaign).objections]
        else:
            rows = [[o.id, o.case_number, f"{o.item_id}/{o.reason_id}", o.status, o.decision or "", o.decision_reason]
                    for o in objections_for_lead(session, actor, campaign)]
        counts = objection_counts(session, campaign.id)
    echo_table(["#", "case", "deduction", "status", "decision", "reason"], rows)
    click.echo(localize(counts.message(), language()))


@objections.command("assign")
@click.argument("objection_id", type=int)
@click.option("--to", "member", required=True, help="User name of the panel member who decides it.")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def assign_cmd(engine, objection_id, member, as_user):
    with transaction(engine()) as session:
        target = acting_user(session, member)
        assign_objection(session, acting_user(session, as_user), objection_id, target.id)
        click.echo(f"objection #{objection_id} assigned to {target.username}")


@objections.command("decide")
@click.argument("objection_id", type=int)
@click.option("--decision", type=click.Choice(["upheld", "accepted", "partly"]), required=True)
@click.option("--reason", required=True, help="Why (shown to the unit).")
@click.option("--occurrences", type=click.IntRange(min=1), help="With partly: the occurrences that stand.")
@click.option("--as", "as_user", required=True, help="The panel member the objection is assigned to.")
@db_option
def decide_cmd(engine, objection_id, decision, reason, occurrences, as_user):
    """Uphold, or accept (the deduction goes) or partly accept (fewer occurrences stand); amendments are
    recorded as the file's re-check."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        obj = session.get(Objection, objection_id)
        if obj is None:
            raise NotFound(code="objection.not_found", id=objection_id)
        marks = None
        if decision != "upheld":
            base = final_marks(session, obj.campaign_id, obj.case_file_id, obj.item_id, obj.reason_id)
            if decision == "partly" and occurrences is None:
                raise click.UsageError("partly needs --occurrences")
            marks = amended_marks(base, obj.item_id, obj.reason_id,
                                  occurrences=occurrences if decision == "partly" else None)
        decided = decide_objection(session, actor, objection_id, decision, reason, marks)
        click.echo(f"objection #{objection_id}: {decision}; score {decided.score_before} -> {decided.score_after}")
