"""`casereview campaign ...` and `casereview user ...`: set up a campaign and its people."""

from __future__ import annotations

import datetime as dt
import json

import click
from sqlalchemy import select

from scoring.accounts import count_users, create_user
from scoring.cli.base import cli, echo_json
from scoring.cli.options import acting_user, db_option
from scoring.db.models import Campaign, User
from scoring.db.session import transaction
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary
from scoring.workflow.campaigns import TIE_BREAKS, create_campaign, get_campaign, spec_from_options


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-01-31", param_hint=name) from None


def _json(text: str, option: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc.msg}", param_hint=option) from None


@cli.group("campaign")
def campaign() -> None:
    """Review campaigns (评查活动)."""


@campaign.command("create")
@click.option("--name", required=True, help="Campaign name, e.g. 2024年度行政执法案卷评查.")
@click.option("--year", type=int, required=True)
@click.option("--from", "start", required=True, help="Review window start (decision dates), YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Review window end, YYYY-MM-DD.")
@click.option("--standard", "standards", multiple=True, metavar="CASETYPE[/PROC]=ID",
              help="Which standard scores which files, e.g. 行政处罚/一般=penalty-general (default: all shipped).")
@click.option("--bands", help='The campaign\'s own grade bands (headline and, unless --unit-bands, unit grades) as '
                              'JSON, e.g. \'[{"name":"优秀","min":90},{"name":"合格","min":60},'
                              '{"name":"不合格","min":0}]\' (default 90/80/60). Files are graded with their '
                              'own standard\'s bands unless --standard-bands overrides them.')
@click.option("--standard-bands", "standard_bands", multiple=True, metavar="ID=JSON",
              help='Override one standard\'s bands: ID={"grade_bands":[...],"pass_line":60}; repeatable.')
@click.option("--unit-bands", help="Bands for unit grades (JSON list); default: the campaign's bands.")
@click.option("--tie-break", type=click.Choice(TIE_BREAKS), default="none", show_default=True,
              help="How units with equal means are ordered: sum of file totals, number of files, number of "
                   "files in the top band, or none (tied units share a rank).")
@click.option("--pass-line", type=float, default=60, show_default=True)
@click.option("--reviewers", type=int, default=2, show_default=True, help="Reviewers per file.")
@click.option("--gap", type=float, default=10, show_default=True, help="Re-check when scores differ by this much.")
@click.option("--rubrics", "rubric_dir", default=str(DEFAULT_RUBRIC_DIR), show_default=True)
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def create_cmd(engine, name, year, start, end, standards, bands, standard_bands, unit_bands, tie_break, pass_line,  # noqa: ANN001
               reviewers, gap, rubric_dir, as_user):
    """Create a campaign; the standard versions it scores with are fixed now."""
    mapping = {}
    for s in standards:
        key, sep, value = s.partition("=")
        if not sep:
            raise click.BadParameter(f"{s!r} should look like 行政处罚/一般=penalty-general", param_hint="--standard")
        mapping[key.strip()] = value.strip()
    options = dict(name=name, year=year, window_start=_date(start, "--from"), window_end=_date(end, "--to"),
                   standards=mapping, pass_line=pass_line, reviewers_per_file=reviewers,
                   recheck={"gap": gap})
    if bands:
        options["grade_bands"] = _json(bands, "--bands")
    if unit_bands:
        options["unit_bands"] = _json(unit_bands, "--unit-bands")
    overrides = {}
    for item in standard_bands:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} should look like penalty-simple={{...}}", param_hint="--standard-bands")
        overrides[key.strip()] = _json(value, "--standard-bands")
    options["standard_bands"] = overrides
    options["tie_break"] = tie_break
    spec = spec_from_options(**options)
    library = RubricLibrary.load([rubric_dir])
    with transaction(engine()) as session:
        c = create_campaign(session, spec, library, acting_user(session, as_user))
        click.echo(f"created campaign {c.id}: {c.name} ({c.window_start} to {c.window_end})")
        for cs in c.standards:
            scope = cs.case_type + (f"/{cs.procedure}" if cs.procedure else "")
            click.echo(f"  {scope}: {cs.standard.standard_id} version {cs.standard_hash[:12]}")


@campaign.command("list")
@db_option
def list_cmd(engine) -> None:  # noqa: ANN001
    with transaction(engine()) as session:
        for c in session.scalars(select(Campaign).order_by(Campaign.id)):
            click.echo(f"{c.id}\t{c.name}\t{c.year}\t{c.window_start}..{c.window_end}\t{c.status}")


@campaign.command("show")
@click.argument("ref")
@db_option
def show_cmd(engine, ref: str) -> None:  # noqa: ANN001
    with transaction(engine()) as session:
        c = get_campaign(session, ref)
        echo_json({
            "id": c.id, "name": c.name, "year": c.year, "window": [c.window_start, c.window_end],
            "grade_bands": c.grade_bands, "pass_line": c.pass_line, "reviewers_per_file": c.reviewers_per_file,
            "recheck_rules": c.recheck_rules,
            "standards": {cs.case_type + (f"/{cs.procedure}" if cs.procedure else ""): cs.standard_hash
                          for cs in c.standards},
        })


@cli.group("user")
def user() -> None:
    """Accounts: panel lead, reviewers, observers."""


@user.command("add")
@click.argument("username")
@click.option("--name", "display_name", help="Display name (default: the user name).")
@click.option("--role", type=click.Choice(["lead", "reviewer", "observer", "liaison"]), required=True)
@click.option("--unit", help="Home unit (required for reviewers: recusal).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="CASEREVIEW_NEW_PASSWORD", help="Asked for when not given ($CASEREVIEW_NEW_PASSWORD).")
@click.option("--as", "as_user", help="Acting lead (not needed for the first account).")
@db_option
def user_add(engine, username, display_name, role, unit, password, as_user) -> None:  # noqa: ANN001
    """Create an account (the first one must be a panel lead)."""

    with transaction(engine()) as session:
        first = count_users(session) == 0
        actor = None if first else acting_user(session, as_user)
        u = create_user(session, username=username, display_name=display_name or username, role=role,
                        unit_name=unit, password=password, actor=actor, bootstrap=first)
        click.echo(f"created {u.role} {u.username}")


@user.command("list")
@db_option
def user_list(engine) -> None:  # noqa: ANN001
    with transaction(engine()) as session:
        for u in session.scalars(select(User).order_by(User.id)):
            click.echo(f"{u.id}\t{u.username}\t{u.display_name}\t{u.role}\t{u.unit.name if u.unit else ''}")
