"""The command line starts light: `--help` lists every command from `COMMANDS` without loading them."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click

from scoring.cli import main
from scoring.cli.base import COMMANDS, cli

HEAVY = ("sqlalchemy", "pandas", "numpy", "altair", "docx", "openpyxl", "alembic", "streamlit")


def test_help_lines_are_the_commands_own() -> None:
    ctx = click.Context(cli)
    for name, (module, text) in COMMANDS.items():
        importlib.import_module(f"scoring.cli.{module}")
        command = cli.get_command(ctx, name)
        assert command is not None, name
        assert command.get_short_help_str(limit=1000) == text, name


def test_every_registered_command_is_in_the_table() -> None:
    for module in {m for m, _ in COMMANDS.values()}:
        importlib.import_module(f"scoring.cli.{module}")
    assert set(cli.commands) == set(COMMANDS)


def test_help_loads_no_heavy_stack() -> None:
    code = ("import sys; from scoring.cli import main; rc = main(['--help']); "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules)); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Commands:" in done.stdout and "import-register" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_unknown_command_is_a_usage_error(capsys) -> None:
    assert main(["no-such-command"]) == 2
    assert "No such command 'no-such-command'" in capsys.readouterr().err
