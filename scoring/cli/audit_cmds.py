"""`casereview audit verify|anchor`: check the hash-chained audit log and the rows it vouches for."""

from __future__ import annotations

import click

from scoring.audit_verify import verify
from scoring.cli.base import cli, echo_json, language
from scoring.cli.options import db_option
from scoring.db.session import session_factory
from scoring.errors import CaseReviewError
from scoring.workflow.campaigns import get_campaign


@cli.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


def _campaign_id(engine, ref: str | None) -> int | None:
    if ref is None:
        return None
    with session_factory(engine)() as session:
        return get_campaign(session, ref).id


@audit_group.command("verify")
@click.option("--campaign", "campaign", default=None, help="Limit row checks to one campaign (name or id).")
@click.option("--json", "as_json", is_flag=True, help="The report as JSON.")
@db_option
def verify_cmd(engine, campaign: str | None, as_json: bool) -> None:
    """Walk the chain, re-check the current rows; name the first broken entry and every mismatching row."""
    eng = engine()
    report = verify(eng, _campaign_id(eng, campaign))
    if as_json:
        echo_json({"ok": report.ok, "entries": report.entries, "rows_checked": report.rows_checked,
                   "anchor": f"{report.anchor_seq}:{report.anchor}",
                   "first_broken": str(report.first_broken) if report.first_broken else None,
                   "chain_problems": [str(m) for m in report.chain_problems],
                   "row_problems": [str(p) for p in report.row_problems]})
    else:
        for line in report.lines(language()):
            click.echo(f"  {line}", err=True)
    if not report.ok:
        raise CaseReviewError(code="generic.error", detail=report.summary(language()))  # in the CLI's language
    if not as_json:
        click.echo(report.summary(language()))


@audit_group.command("anchor")
@db_option
def anchor_cmd(engine) -> None:
    """Print the latest chain hash (seq:hash); a copy kept elsewhere proves any later rewrite."""
    report = verify(engine())
    click.echo(f"{report.anchor_seq}:{report.anchor}")
    if not report.ok:
        raise CaseReviewError(code="generic.error", detail=report.summary(language()))  # in the CLI's language
