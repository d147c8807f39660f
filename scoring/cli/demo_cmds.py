"""`casereview demo`: load the synthetic demo district (or regenerate its files)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from scoring.cli.base import cli
from scoring.cli.options import db_option
from scoring.demo.generate import DATA_DIR, DEFAULT_SEED, generate
from scoring.demo.load import load_demo
from scoring.demo.people import DEMO_PASSWORD

_register_only = click.option(
    "--register-only", is_flag=True, default=False,
    help="Load only the units and the registers, not the demo panel and finished campaigns.")


@cli.group("demo", invoke_without_command=True)
@db_option
@_register_only
@click.pass_context
def demo_group(ctx: click.Context, engine, register_only: bool) -> None:  # noqa: ANN001
    """Synthetic demo data for one district: units, the 2024 (~3,000 files) and 2023 (~1,500) registers,
    a panel of demo reviewers and two finished campaigns (2023 and 2024) to compare.

    \b
    casereview demo [--db URL] [--register-only]  load the demo (same as `demo load`)
    casereview demo generate [--out DIR]          rewrite the demo files from the fixed seed

    Loading twice changes nothing: what is already there is left alone. The demo accounts sign in with
    the password demo-review-2024; on a database without accounts a demo lead `demo-lead` is created.
    """
    ctx.meta["casereview.db_url"] = engine.url  # so that `demo --db URL load` reaches the subcommand
    if ctx.invoked_subcommand is None:
        _load(engine, register_only)


@demo_group.command("load")
@db_option
@_register_only
def load_cmd(engine, register_only: bool) -> None:  # noqa: ANN001
    """Load the demo units, registers, panel and finished campaigns (a no-op if already loaded)."""
    _load(engine, register_only)


def _load(engine, register_only: bool) -> None:  # noqa: ANN001

    started = time.monotonic()
    result = load_demo(engine(), with_campaigns=not register_only)
    seconds = time.monotonic() - started
    if not result["loaded"]:
        click.echo(
            f"the demo is already loaded ({result['units']} units, {result['case_files']:,} case files"
            + ("" if register_only else f", {len(result['campaigns'])} campaigns") + "): nothing changed"
        )
        return
    click.echo(
        f"loaded the demo: {result['units']} units ({result['units_added']} new), "
        f"{result['case_files']:,} case files ({result['case_files_added']:,} new"
        + (f", import batches {', '.join(str(b) for b in result['batch_ids'].values())}" if result["batch_ids"] else "")
        + f") in {seconds:.1f} s"
    )
    if register_only:
        return
    if result["lead_created"]:
        click.echo(f"created the demo panel lead {result['lead']} (password {DEMO_PASSWORD}): "
                   "the database had no accounts")
    else:
        click.echo(f"acting as the panel lead {result['lead']}")
    reviewers = result["reviewers"]
    click.echo(f"demo accounts: reviewers {reviewers[0]} .. {reviewers[-1]} ({len(reviewers)}), "
               f"observer {result['observer']}, unit liaison {result['liaison']}; password {DEMO_PASSWORD}"
               + ("" if result["people_added"] else " (already there)"))
    for c in result["campaigns"]:
        click.echo(_campaign_line(c))


def _campaign_line(c: dict[str, Any]) -> str:
    grades = "，".join(f"{name}{n}" for name, n in c["grades"].items())
    state = "" if c["changed"] else " (already there)"
    return (f"campaign {c['name']} ({c['status']}){state}: {c['files']} files, {c['reviews']} reviews, "
            f"{c['rechecked']} re-checked, {c['vetoes']} with a veto; {grades}; average {c['average']}")


@demo_group.command("generate")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: data/ of the repository checkout).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the one the committed files use).")
def generate_cmd(out_dir: Path | None, seed: int | None) -> None:
    """Write the demo files (units, registers, messy import examples); same seed, same bytes."""

    paths = generate(out_dir or DATA_DIR, DEFAULT_SEED if seed is None else seed)
    for path in paths.values():
        click.echo(f"{path}  ({path.stat().st_size:,} bytes)")
