"""`casereview findings ...` and `casereview rectify ...`: draft and read the findings, trace them to
their files, and keep each unit's rectification (整改) requirements."""

from __future__ import annotations

from typing import Literal

import click
from sqlalchemy import select

from scoring.aggregate.common import focus_label, plain
from scoring.cli.aggregate_cmds import echo_table
from scoring.cli.base import cli, echo_json
from scoring.cli.options import acting_user, db_option
from scoring.db.models import Unit
from scoring.db.session import transaction
from scoring.errors import NotFound
from scoring.findings import (
    STATUSES,
    add_rectification,
    finding_traces,
    generate_findings,
    list_findings,
    list_rectifications,
)
from scoring.workflow.campaigns import get_campaign

SECTION_LABELS = {"problem": "主要问题", "typical": "典型问题", "recommendation": "意见建议"}


def _unit_id(session, ref: str) -> int:  # noqa: ANN001
    """A unit by id or by name."""
    unit = session.get(Unit, int(ref)) if ref.isdigit() else None
    if unit is None:
        unit = session.scalar(select(Unit).where(Unit.name == ref.strip()))
    if unit is None:
        raise NotFound(code="cli.no_unit", ref=ref)
    return unit.id


@cli.group("findings")
def findings() -> None:
    """Findings of a campaign: main problems, typical examples, recommendations (campaign and units)."""


@findings.command("generate")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--replace-edited", "replace", type=int, multiple=True, metavar="ID",
              help="Replace this edited finding's text with the new draft (repeat for several).")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def generate_cmd(engine, campaign_ref, replace, as_user):  # noqa: ANN001
    """Draft the findings from the final results, or regenerate them: text a person edited is kept
    (changed drafts are reported) unless its id is given with --replace-edited."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        campaign = get_campaign(session, campaign_ref)
        report = generate_findings(session, actor, campaign.id, replace_edited=replace)
        for line in report.lines():
            click.echo(line)
        for ch in report.draft_changed:
            click.echo(f"\n#{ch.finding_id} kept:  {ch.body}\n#{ch.finding_id} draft: {ch.new_body}")


@findings.command("list")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--unit", "unit_ref", default=None, metavar="ID|NAME|campaign",
              help="Only this unit's findings ('campaign': the campaign-level ones).")
@click.option("--included-only", is_flag=True, help="Leave out excluded findings.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as", "as_user", help="Acting user (a panel lead, or an observer of a published campaign).")
@db_option
def list_cmd(engine, campaign_ref, unit_ref, included_only, fmt, as_user):  # noqa: ANN001
    """The findings, grouped by scope and section, in their order."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        campaign = get_campaign(session, campaign_ref)
        unit: int | Literal["all"] | None = ("all" if unit_ref is None else None if unit_ref == "campaign"
                                             else _unit_id(session, unit_ref))
        rows = list_findings(session, actor, campaign.id, unit_id=unit, included_only=included_only)
    if fmt == "json":
        echo_json([plain(r) for r in rows])
        return
    heading = None
    for r in rows:
        scope = (r.unit_name or "全区（本次评查）", SECTION_LABELS.get(r.section, r.section))
        if scope != heading:
            heading = scope
            click.echo(f"\n== {scope[0]} · {scope[1]}")
        flags = [w for w, on in (("excluded", not r.included), ("edited", r.edited), ("stale", r.stale)) if on]
        area = f"{focus_label(r.focus)}｜" if r.focus and r.section == "problem" else ""
        click.echo(f"#{r.id} {area}{r.title}" + (f"  [{', '.join(flags)}]" if flags else ""))
        click.echo(f"    {r.body}")


@findings.command("traces")
@click.argument("finding_id", type=int)
@click.option("--as", "as_user", help="Acting user.")
@db_option
def traces_cmd(engine, finding_id, as_user):  # noqa: ANN001
    """The files and deductions behind one finding."""
    with transaction(engine()) as session:
        rows = finding_traces(session, acting_user(session, as_user), finding_id)
    echo_table(["案号", "单位", "项目", "扣分情形", "评查意见", "位置", "得分", "等次"],
               [[t.case_number, t.unit_name, f"{t.item_id} {t.item_title}", t.reason, t.comment, t.location,
                 t.score, t.grade] for t in rows])


@cli.group("rectify")
def rectify() -> None:
    """Rectification (整改) requirements per unit: what, owner, deadline."""


@rectify.command("add")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--unit", "unit_ref", required=True, metavar="ID|NAME")
@click.option("--requirement", required=True, help="What is to be put right.")
@click.option("--owner", required=True, help="Responsible person or office.")
@click.option("--deadline", required=True, metavar="YYYY-MM-DD")
@click.option("--status", type=click.Choice(STATUSES), default="open", show_default=True)
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def rectify_add_cmd(engine, campaign_ref, unit_ref, requirement, owner, deadline, status, as_user):  # noqa: ANN001
    """Add a requirement for a unit."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        campaign = get_campaign(session, campaign_ref)
        r = add_rectification(session, actor, campaign.id, _unit_id(session, unit_ref), requirement=requirement,
                              owner=owner, deadline=deadline, status=status)
        click.echo(f"added rectification {r.id} for {r.unit_name}: due {r.deadline}, owner {r.owner}")


@rectify.command("list")
@click.option("--campaign", "campaign_ref", required=True, metavar="ID|NAME")
@click.option("--unit", "unit_ref", default=None, metavar="ID|NAME")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--as", "as_user", help="Acting user (a panel lead, or an observer of a published campaign).")
@db_option
def rectify_list_cmd(engine, campaign_ref, unit_ref, fmt, as_user):  # noqa: ANN001
    """The requirements, unit by unit."""
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        campaign = get_campaign(session, campaign_ref)
        unit = _unit_id(session, unit_ref) if unit_ref else None
        rows = list_rectifications(session, actor, campaign.id, unit)
    if fmt == "json":
        echo_json([plain(r) for r in rows])
        return
    echo_table(["编号", "单位", "整改要求", "责任人（部门）", "整改期限", "状态"],
               [[r.id, r.unit_name, r.requirement, r.owner, str(r.deadline), r.status_label] for r in rows])
