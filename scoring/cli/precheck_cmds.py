"""`casereview precheck`: run the machine pre-check over every file of a campaign's window."""

from __future__ import annotations

from pathlib import Path

import click

from scoring.cli.aggregate_cmds import echo_table
from scoring.cli.base import cli
from scoring.cli.options import acting_user, db_option
from scoring.db.session import transaction
from scoring.precheck.export import precheck_workbook
from scoring.precheck.rules import load_rules
from scoring.precheck.run import run_precheck
from scoring.workflow.campaigns import get_campaign


@cli.command("precheck")
@click.option("--campaign", "campaign_ref", metavar="ID|NAME", help="The campaign whose register is checked.")
@click.option("--rules", "rules_path", type=click.Path(path_type=Path), default=None,
              help="A rule file or folder (default: $CASEREVIEW_PRECHECK or the shipped rubrics/precheck/).")
@click.option("--check", "check_only", is_flag=True, help="Only validate the rule files and list the rules.")
@click.option("--by", type=click.Choice(["unit", "rule", "unit-rule", "files"]), default="unit", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Also write an Excel file.")
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def precheck_cmd(engine, campaign_ref, rules_path, check_only, by, output, as_user):
    """Check every file in the campaign's period against the pre-check rules (flags are hints, not marks)."""
    rules = load_rules(rules_path)
    if check_only:
        echo_table(["rule", "focus", "hints", "title"], [[r.id, r.focus, ",".join(r.hints), r.title] for r in rules])
        return
    if not campaign_ref:
        raise click.UsageError("give --campaign (or --check to validate the rules only)")
    with transaction(engine()) as session:
        actor = acting_user(session, as_user)
        campaign = get_campaign(session, campaign_ref)
        result = run_precheck(session, actor, campaign, rules)
        name = campaign.name
    click.echo(f"{name}: {result.n_files} files checked against {len(rules)} rules; "
               f"{len(result.flagged_numbers())} flagged")
    if by == "unit":
        t = result.by_unit()
        echo_table(["unit", "files", "flagged", "per 100", "flags", "flags per 100"],
                   [list(r) for r in t.itertuples(index=False)])
    elif by == "rule":
        t = result.by_rule()
        echo_table(["rule", "flagged", "per 100", "title"],
                   [[r.rule, r.flagged, r.per_100, r.title] for r in t.itertuples(index=False)])
    elif by == "unit-rule":
        t = result.by_unit_rule()
        t = t[t["flagged"] > 0]
        echo_table(["unit", "rule", "files", "flagged", "per 100"],
                   [[r.unit, r.rule, r.files, r.flagged, r.per_100] for r in t.itertuples(index=False)])
    else:
        t = result.flagged_files()
        echo_table(["case number", "unit", "rules"], [[r.case_number, r.unit, r.rules] for r in t.itertuples(index=False)])
    if output is not None:
        output.write_bytes(precheck_workbook(result, name))
        click.echo(f"wrote {output}")
