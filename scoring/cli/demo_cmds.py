"""`casereview demo`: load the synthetic demo district (or regenerate its files)."""

from __future__ import annotations

from pathlib import Path

import click

from scoring.cli.base import cli, db_option


@cli.group("demo", invoke_without_command=True)
@db_option
@click.pass_context
def demo_group(ctx: click.Context, engine) -> None:  # noqa: ANN001
    """Synthetic demo data for one district (units and a 2024 register of ~3,000 case files).

    \b
    casereview demo [--db URL]           load the demo into the database (same as `demo load`)
    casereview demo generate [--out DIR] rewrite the demo files from the fixed seed

    Loading twice changes nothing: when the demo register is already there, it says so and stops.
    """
    ctx.meta["casereview.db_url"] = engine.url  # so that `demo --db URL load` reaches the subcommand
    if ctx.invoked_subcommand is None:
        _load(engine)


@demo_group.command("load")
@db_option
def load_cmd(engine) -> None:  # noqa: ANN001
    """Load the demo units and 2024 register (a no-op if already loaded)."""
    _load(engine)


def _load(engine) -> None:  # noqa: ANN001
    from scoring.demo.load import load_demo

    result = load_demo(engine())
    if result["loaded"]:
        click.echo(
            f"loaded the demo: {result['units']} units ({result['units_added']} new), "
            f"{result['case_files_added']} case files (import batch {result['batch_id']})"
        )
    else:
        click.echo(
            f"the demo is already loaded ({result['units']} units, {result['case_files']} case files): "
            "nothing changed"
        )


@demo_group.command("generate")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: data/ of the repository checkout).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the one the committed files use).")
def generate_cmd(out_dir: Path | None, seed: int | None) -> None:
    """Write the demo files (units, register, messy import examples); same seed, same bytes."""
    from scoring.demo.generate import DATA_DIR, DEFAULT_SEED, generate

    paths = generate(out_dir or DATA_DIR, DEFAULT_SEED if seed is None else seed)
    for path in paths.values():
        click.echo(f"{path}  ({path.stat().st_size:,} bytes)")
