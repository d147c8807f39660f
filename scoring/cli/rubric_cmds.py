"""`casereview rubric ...`: check standards and score a file from JSON, without a database."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from scoring import limits
from scoring.cli.base import cli, echo_json
from scoring.engine import score
from scoring.errors import Problem, ProblemReport
from scoring.marks import ScoreInput
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary, load_standard
from scoring.rubric.yaml_input import MAX_PROBLEMS_SHOWN, load_json_file


@cli.group("rubric")
def rubric() -> None:
    """Scoring standards (rubrics/*.yaml)."""


@rubric.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_cmd(paths: tuple[Path, ...]) -> None:
    """Validate rubric files or folders (default: the shipped rubrics/); list every problem."""
    lib = RubricLibrary.load(list(paths) or [DEFAULT_RUBRIC_DIR])
    for sid, std in sorted(lib.standards.items()):
        items = sum(len(s.items) for s in std.sections)
        click.echo(f"ok  {sid}  {std.title}  ({len(std.sections)} sections, {items} items, "
                   f"{len(std.vetoes)} vetoes)  version {std.hash[:12]}")
    click.echo(f"{len(lib.standards)} standards, {len(lib.modules)} modules: all valid")


@rubric.command("score")
@click.argument("rubric_path", metavar="RUBRIC", type=click.Path(path_type=Path))
@click.argument("marks_path", metavar="MARKS.json", type=click.Path(path_type=Path))
def score_cmd(rubric_path: Path, marks_path: Path) -> None:
    """Score one file: RUBRIC is a standard file (or a shipped standard id), MARKS.json holds the file's
    attributes and the marks (format in the README). Prints the result as JSON."""
    if rubric_path.is_dir():
        raise ProblemReport([Problem("this is a folder; give a standard file or a shipped standard id",
                                     file=str(rubric_path))], title="cannot read the standard")
    if rubric_path.exists():
        standard = load_standard(rubric_path)
    else:
        standard = RubricLibrary.load().get(str(rubric_path))
    raw = load_json_file(marks_path, limits.MARKS_FILE)
    try:
        data = ScoreInput.model_validate(raw)
    except ValidationError as exc:
        problems = [Problem(e["msg"].removeprefix("Value error, "), file=str(marks_path),
                            path=".".join(map(str, e["loc"]))) for e in exc.errors()[:MAX_PROBLEMS_SHOWN]]
        raise ProblemReport(problems, title=f"{marks_path} is not a valid marks file",
                            omitted=exc.error_count() - len(problems)) from None
    if not standard.covers(data.file):
        raise ProblemReport([Problem(f"standard {standard.id} is for {'/'.join(standard.applies_to.case_types)} "
                                     f"files, not {data.file.case_type}", file=str(marks_path), path="file")],
                            title="wrong standard for this file")
    result = score(standard, data.file, data.marks())
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    echo_json(result.to_dict())
