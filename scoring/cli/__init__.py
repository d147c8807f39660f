"""The `casereview` command line: every rule of the core is reachable from here.

Each command group lives in its own module and registers itself on `cli` when `scoring.cli.base` loads it
(only when it runs: `casereview --help` starts fast); `main` turns domain errors into a one-line message
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import click

from scoring.cli import base
from scoring.cli.base import cli
from scoring.errors import CaseReviewError, ProblemReport
from scoring.messages import text

ERROR_LABEL = {"zh": "错误：", "en": "error: "}



def main(argv: list[str] | None = None) -> int:
    base._chosen_lang[0] = None
    try:
        cli.main(args=argv, prog_name="casereview", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ProblemReport as exc:
        lang = base.language()
        shown, more = exc.shown()
        for problem in shown:
            click.echo(f"  {problem.localized(lang)}", err=True)
        if more:
            click.echo(f"  {text('problems.more', lang, n=more)}", err=True)
        click.echo(f"{ERROR_LABEL[lang]}{exc.localized(lang)}", err=True)
        return 1
    except CaseReviewError as exc:
        click.echo(f"{ERROR_LABEL[base.language()]}{exc.localized(base.language())}", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
