"""The `casereview` command line: every rule of the core is reachable from here.

Each command group lives in its own module and registers itself on `cli`; `main` turns domain errors
into a one-line message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import click

from scoring.cli.base import cli
from scoring.errors import CaseReviewError, ProblemReport

# Command modules register themselves on `cli` when imported.
from scoring.cli import (  # noqa: E402,F401  (import for side effect)
    aggregate_cmds,
    campaign_cmds,
    db_cmds,
    demo_cmds,
    findings_cmds,
    objection_cmds,
    pdf_cmds,
    precheck_cmds,
    register_cmds,
    report_cmds,
    rubric_cmds,
    sample_cmds,
    session_cmds,
)


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="casereview", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ProblemReport as exc:
        shown, more = exc.shown()
        for problem in shown:
            click.echo(f"  {problem}", err=True)
        if more:
            click.echo(f"  ... and {more} more problem{'s' if more != 1 else ''}", err=True)
        click.echo(f"error: {exc}", err=True)
        return 1
    except CaseReviewError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
