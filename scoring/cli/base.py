"""The root command group: command modules are imported only when their command runs (or its help is asked).

`COMMANDS` names each top-level command, the module that defines it, and its one-line help, so that
`casereview --help` lists everything without importing the documents, aggregation or database stacks
(`tests/test_cli_core.py` checks the help lines against the commands themselves).
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import click

from scoring.db.url import ENV_DB_URL
from scoring.messages import cli_language

_chosen_lang: list[str | None] = [None]


def language() -> str:
    """The language errors and problems are printed in: `--lang`, else $CASEREVIEW_LANG, else the
    locale's (Chinese when it is Chinese, else English)."""
    return cli_language(_chosen_lang[0])


COMMANDS: dict[str, tuple[str, str]] = {
    "aggregate": ("aggregate_cmds", "Compare units: figures over the final results of a campaign."),
    "attribute": ("attribute_cmds", "File attributes standards condition on (declared in rubrics/vocabulary.yaml)."),
    "audit": ("audit_cmds", "The tamper-evident audit log."),
    "backup": ("db_cmds", "Back up the live database (SQLite online backup API; PostgreSQL pg_dump), then check the "
                          "copy."),
    "calibration": ("calibration_cmds", "The calibration round (试评) before live scoring."),
    "campaign": ("campaign_cmds", "Review campaigns (评查活动)."),
    "demo": ("demo_cmds", "Synthetic demo data for one district: units, the 2024 (~3,000 files) and 2023 (~1,500) "
                          "registers, a panel of demo reviewers and two finished campaigns (2023 and 2024) to compare."),
    "export": ("report_cmds", "Excel exports (panel lead): scores (per file and reviewer, per-item marks), units (unit "
                              "summary), deductions (the deduction ledger), sample (the sampling record and drawn files)."),
    "findings": ("findings_cmds", "Findings of a campaign: main problems, typical examples, recommendations (campaign "
                                  "and units)."),
    "import-register": ("register_cmds", "Import a case-file register (案卷登记表, .xlsx or .csv): all rows or none."),
    "init": ("db_cmds", "Create the database (or upgrade it to the newest schema)."),
    "objections": ("objection_cmds", "Feedback to the reviewed units and their objections (反馈与异议)."),
    "pdf": ("pdf_cmds", "Electronic case files (电子案卷): PDFs beside the scoring form."),
    "precheck": ("precheck_cmds", "Check every file in the campaign's period against the pre-check rules (flags are "
                                  "hints, not marks)."),
    "rectify": ("findings_cmds", "Rectification (整改) requirements per unit: what, owner, deadline."),
    "restore": ("db_cmds", "Restore a backup into an EMPTY database (refuses one with tables), then verify its audit "
                           "chain."),
    "report": ("report_cmds", "Word documents: the review notice (评查情况通报) and supervision recommendations "
                              "(监督建议书)."),
    "rubric": ("rubric_cmds", "Scoring standards (rubrics/*.yaml)."),
    "sample": ("sample_cmds", "Draw, verify, export and show a campaign's sample (随机抽取)."),
    "sessions": ("session_cmds", "Signed-in browsers (server-side sessions)."),
    "units": ("register_cmds", "Enforcement units (区级部门 and 乡镇)."),
    "user": ("campaign_cmds", "Accounts: panel lead, reviewers, observers."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are loaded from `COMMANDS` on first use (each module registers itself)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"scoring.cli.{COMMANDS[cmd_name][0]}")
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx) if name in COMMANDS]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                # click's own shortening (its helper click.utils.make_default_short_help goes in Click 9)
                formatter.write_dl([(name, click.Command(name, help=text).get_short_help_str(limit))
                                    for name, text in rows])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar=ENV_DB_URL, default=None, metavar="URL",
              help="Database URL for every command (each command also takes --db).")
@click.option("--lang", "lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of error messages and problem lists (default: $CASEREVIEW_LANG, else Chinese "
                   "when the locale is Chinese, else English).")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, lang: str | None) -> None:
    """案卷评查 casereview: scoring standards, register, sampling and reviews."""
    ctx.meta["casereview.db_url"] = db_url
    _chosen_lang[0] = lang


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
