"""`casereview rubric ...`: check standards and score a file from JSON, without a database."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
from pydantic import ValidationError

from scoring import limits
from scoring.cli.base import cli, echo_json
from scoring.cli.campaign_cmds import acting_user
from scoring.cli.options import db_option
from scoring.db.session import transaction
from scoring.documents.standard_docx import standard_docx
from scoring.engine import score
from scoring.errors import Problem, ProblemReport, problems_from_validation
from scoring.marks import ScoreInput
from scoring.messages import Join
from scoring.rubric.loader import (
    DEFAULT_RUBRIC_DIR,
    RubricLibrary,
    load_rubric_file,
    load_standard,
)
from scoring.rubric.schema import StandardFile
from scoring.rubric.workbook import export_workbook, read_workbook, to_yaml
from scoring.rubric.yaml_input import MAX_PROBLEMS_SHOWN, load_json_file
from scoring.standard_impact import Impact, simulate, switch
from scoring.workflow.campaigns import get_campaign


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
        raise ProblemReport([Problem(code="cli.rubric_folder", file=str(rubric_path))],
                            title_code="cli.cannot_read_standard")
    if rubric_path.exists():
        standard = load_standard(rubric_path)
    else:
        standard = RubricLibrary.load().get(str(rubric_path))
    raw = load_json_file(marks_path, limits.MARKS_FILE)
    try:
        data = ScoreInput.model_validate(raw)
    except ValidationError as exc:
        shown = exc.errors()[:MAX_PROBLEMS_SHOWN]
        problems = [dataclasses.replace(p, file=str(marks_path), path=".".join(map(str, e["loc"])), column=None)
                    for e, p in zip(shown, problems_from_validation(shown), strict=True)]
        raise ProblemReport(problems, title_code="cli.bad_marks_file", title_params={"path": str(marks_path)},
                            omitted=exc.error_count() - len(problems)) from None
    if not standard.covers(data.file):
        raise ProblemReport([Problem(code="cli.wrong_standard", params={
            "standard": standard.id, "types": Join(tuple(standard.applies_to.case_types), "/", "/"),
            "case_type": data.file.case_type}, file=str(marks_path), path="file")], title_code="cli.wrong_standard_title")
    result = score(standard, data.file, data.marks())
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    echo_json(result.to_dict())


def _standard_file(ref: Path) -> StandardFile:
    """A standard file's own content (not composed): from a .yaml/.xlsx path or a shipped standard id."""
    if ref.suffix == ".xlsx":
        return read_workbook(ref)
    if ref.exists():
        model = load_rubric_file(ref).model
    else:
        lib = RubricLibrary.load()
        lib.get(str(ref))
        model = load_rubric_file(lib.sources[str(ref)]).model
    if not isinstance(model, StandardFile):
        raise ProblemReport([Problem(code="cli.module_not_standard", file=str(ref))], title_code="cli.not_a_standard")
    return model


@rubric.command("export")
@click.argument("ref", metavar="STANDARD", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="FILE.xlsx (the Excel template) or FILE.docx (the standard as a Word table for the units).")
def export_cmd(ref: Path, output: Path) -> None:
    """Export a standard (file or shipped id) to the Excel template or to a Word table."""
    if output.suffix == ".xlsx":
        output.write_bytes(export_workbook(_standard_file(ref)))
    elif output.suffix == ".docx":
        standard = load_standard(ref) if ref.exists() else RubricLibrary.load().get(str(ref))
        output.write_bytes(standard_docx(standard))
    else:
        raise click.BadParameter("give a .xlsx or .docx file", param_hint="-o")
    click.echo(f"wrote {output}")


@rubric.command("import")
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The YAML file to write.")
def import_cmd(workbook: Path, output: Path) -> None:
    """Read a standard written in the Excel template, check it, and write it as YAML."""
    model = read_workbook(workbook)
    output.write_text(to_yaml(model), encoding="utf-8")
    click.echo(f"wrote {output} ({model.id}: {model.title})")


def _impact_record(impact: Impact) -> dict[str, object]:
    return {
        "standard": impact.standard_id, "old_version": impact.old_hash, "new_version": impact.new_hash,
        "files_checked": impact.files_checked,
        "files": [{"case_number": f.case_number, "unit": f.unit, "old_score": f.old_score, "new_score": f.new_score,
                   "old_grade": f.old_grade, "new_grade": f.new_grade, "grade_changes": f.grade_changes}
                  for f in impact.files],
        "units": [{"unit": u.unit, "files": u.files, "old_mean": u.old_mean, "new_mean": u.new_mean}
                  for u in impact.units],
        "problems": [str(p) for p in impact.problems],
    }


@rubric.command("impact")
@click.option("--campaign", "campaign_ref", required=True)
@click.argument("standard_path", metavar="STANDARD", type=click.Path(path_type=Path))
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def impact_cmd(engine, campaign_ref: str, standard_path: Path, as_user: str | None) -> None:  # noqa: ANN001
    """Before switching a campaign to an edited standard (file .yaml/.xlsx): re-score every existing review
    under both versions and list the files and units that move and the grades that change."""
    new = load_standard(standard_path)
    with transaction(engine()) as session:
        impact = simulate(session, acting_user(session, as_user), get_campaign(session, campaign_ref), new)
        echo_json(_impact_record(impact))


@rubric.command("switch")
@click.option("--campaign", "campaign_ref", required=True)
@click.argument("standard_path", metavar="STANDARD", type=click.Path(path_type=Path))
@click.option("--version", "expected", required=True, help="The new version's hash as `rubric impact` showed it.")
@click.option("--reason", required=True)
@click.option("--as", "as_user", help="Acting user (a panel lead).")
@db_option
def switch_cmd(engine, campaign_ref: str, standard_path: Path, expected: str, reason: str,  # noqa: ANN001
               as_user: str | None) -> None:
    """Switch the campaign to the edited standard (audited); refused while existing marks do not fit."""
    new = load_standard(standard_path)
    if len(expected) < 64 and new.hash.startswith(expected) and len(expected) >= 12:
        expected = new.hash
    with transaction(engine()) as session:
        impact = switch(session, acting_user(session, as_user), get_campaign(session, campaign_ref), new,
                        reason=reason, expected_new_hash=expected)
        click.echo(f"switched to {new.id} version {new.hash[:12]}: {len(impact.files)} files re-scored with a "
                   f"different result, {len(impact.grade_changes)} grades changed")
