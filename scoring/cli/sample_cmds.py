"""`casereview sample ...`: draw, verify, export and show a campaign's sample (随机抽取)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from scoring.cli.base import cli, language
from scoring.cli.options import acting_id, acting_user, as_option, db_option
from scoring.db.session import session_factory, transaction
from scoring.domain import FILE_FLAGS
from scoring.errors import NotFound
from scoring.messages import Msg, localize
from scoring.precheck.run import flagged_for_sample
from scoring.workflow.campaigns import get_campaign
from scoring.workflow.sampling import (
    SampleRules,
    current_sample,
    draw_sample,
    export_record,
    export_record_csv,
    find_campaign,
    preview_sample,
    verify_record,
)
from scoring.workflow.sampling.draw import SEED_MAX
from scoring.workflow.sampling.record import VerificationFailed, record_summary


def _campaign(engine, ref: str):  # noqa: ANN001, ANN202
    with session_factory(engine)() as session:
        return find_campaign(session, ref)


def _record_id(engine, campaign: str | None, record_id: int | None, actor_id: int) -> int:  # noqa: ANN001
    if record_id is not None:
        return record_id
    assert campaign is not None  # every command asks for exactly one of --campaign and --id
    camp = _campaign(engine, campaign)
    record = current_sample(engine, camp.id, actor_id=actor_id)
    if record is None:
        raise NotFound(code="cli.no_sample", name=camp.name)
    return record.id


def _parse_force(values: tuple[str, ...]) -> list[dict]:
    forced = []
    for value in values:
        flag, _, k = value.partition("=")
        if flag not in FILE_FLAGS:
            raise click.BadParameter(f"unknown flag {flag!r} (known: {', '.join(FILE_FLAGS)})", param_hint="--force")
        if k and not k.isdigit():
            raise click.BadParameter(f"{value!r}: the minimum after '=' must be a whole number", param_hint="--force")
        forced.append({"flag": flag, "min": int(k) if k else 1})
    return forced


@cli.group("sample")
def sample_group() -> None:
    """Draw, verify, export and show a campaign's sample (随机抽取)."""


@sample_group.command("draw")
@click.option("--campaign", required=True, metavar="NAME_OR_ID")
@click.option("--seed", required=True, type=click.IntRange(0, SEED_MAX), help="Published seed of the draw.")
@click.option("--count", type=click.IntRange(min=0), help="Files per unit.")
@click.option("--percent", type=click.FloatRange(0, 100, min_open=True), help="Share of each unit's files.")
@click.option("--min", "min_", type=click.IntRange(min=0), help="With --percent: at least this many per unit.")
@click.option("--max", "max_", type=click.IntRange(min=0), help="With --percent: at most this many per unit.")
@click.option("--no-stratify", is_flag=True, help="Do not spread picks over case types.")
@click.option("--force", multiple=True, metavar="FLAG=MIN",
              help=f"Force files with a flag in, per unit ({', '.join(FILE_FLAGS)}); repeatable, in order.")
@click.option("--unit", "units", multiple=True, metavar="NAME", help="Only these units (repeatable).")
@click.option("--force-precheck", "force_precheck", is_flag=True,
              help="Force in every file the machine pre-check flags (see `casereview precheck`).")
@click.option("--precheck-rule", "precheck_rules", multiple=True, metavar="ID",
              help="With --force-precheck: only files flagged by these rules (repeatable).")
@as_option
@click.option("--dry-run", is_flag=True, help="Show the draw without storing it.")
@db_option
def draw_cmd(  # noqa: ANN001
    engine, campaign, seed, count, percent, min_, max_, no_stratify, force, units, force_precheck, precheck_rules,
    as_user, dry_run
) -> None:
    """Draw the sample (or enlarge the current one: same seed and rules, larger quota)."""
    if (count is None) == (percent is None):
        raise click.UsageError("give exactly one of --count or --percent")
    if count is not None and (min_ is not None or max_ is not None):
        raise click.UsageError("--min and --max go with --percent")
    quota = {"count": count} if count is not None else {"percent": percent, "min": min_, "max": max_}
    eng = engine()
    camp = _campaign(eng, campaign)
    actor_id = acting_id(eng, as_user)
    forced_files: list[str] = []
    if force_precheck:
        with transaction(eng) as session:
            forced_files = flagged_for_sample(session, acting_user(session, as_user), get_campaign(session, camp.id),
                                              list(precheck_rules) or None, units=list(units) or None)
        click.echo(f"pre-check: {len(forced_files)} flagged files forced in")
    elif precheck_rules:
        raise click.UsageError("--precheck-rule goes with --force-precheck")
    rules = SampleRules.parse({"quota": quota, "stratify_by_case_type": not no_stratify,
                               "forced": _parse_force(force), "units": list(units) or None,
                               "forced_files": forced_files})
    if dry_run:
        picks = preview_sample(eng, camp.id, rules, seed, actor_id=actor_id)
        for p in picks:
            click.echo(f"{p.draw_order}\t{p.case_number}\t{p.unit}\t{p.case_type}\t{p.reason}")
        click.echo(f"dry run: {len(picks)} files would be drawn for {camp.name!r} (nothing stored)")
        return
    record = draw_sample(eng, camp.id, rules, seed, actor_id=actor_id)
    enlarged = f", enlarging record #{record.parent_id}" if record.parent_id else ""
    click.echo(f"sample record #{record.id} for {camp.name!r}: {len(record.items)} files from "
               f"{record.candidate_count} candidates (seed {seed}{enlarged})")
    click.echo(f"register fingerprint {record.register_fingerprint}")
    click.echo(f"record hash {record.record_hash}")


@sample_group.command("verify")
@click.option("--campaign", metavar="NAME_OR_ID", help="Verify the campaign's current record.")
@click.option("--id", "record_id", type=int, help="Verify the stored record with this id.")
@click.option("--record", "record_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verify an exported record (JSON).")
@as_option
@db_option
def verify_cmd(engine, campaign, record_id, record_file, as_user) -> None:  # noqa: ANN001
    """Re-derive the draw and re-check the register and the record hash; exit 1 if anything differs."""
    if sum(x is not None for x in (campaign, record_id, record_file)) != 1:
        raise click.UsageError("give exactly one of --campaign, --id or --record")
    eng = engine()
    actor_id = acting_id(eng, as_user)
    if record_file is not None:
        try:
            target = json.loads(record_file.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise VerificationFailed(code="verify.not_json", file=str(record_file), why=str(exc)) from None
        label: str | Msg = str(record_file)
    else:
        target = _record_id(eng, campaign, record_id, actor_id)
        label = Msg("verify.record_label", {"id": target})
    result = verify_record(eng, target, actor_id=actor_id)
    lang = language()
    if result.ok:
        click.echo(f"{localize(label, lang)}: {result.summary(lang)}")
        return
    for problem in result.messages:
        click.echo(f"  {problem.render(lang)}", err=True)
    more = Msg("sample.rules_more", {"n": len(result.messages) - 1}) if len(result.messages) > 1 else ""
    raise VerificationFailed(code="verify.failed", label=label, first=result.messages[0], more=more)


@sample_group.command("export")
@click.option("--campaign", metavar="NAME_OR_ID", help="Export the campaign's current record.")
@click.option("--id", "record_id", type=int, help="Export the stored record with this id.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@as_option
@db_option
def export_cmd(engine, campaign, record_id, fmt, output, as_user) -> None:  # noqa: ANN001
    """Export the record (JSON, verifiable with `sample verify --record`) or its files (CSV for Excel)."""
    if (campaign is None) == (record_id is None):
        raise click.UsageError("give exactly one of --campaign or --id")
    eng = engine()
    actor_id = acting_id(eng, as_user)
    rid = _record_id(eng, campaign, record_id, actor_id)
    if fmt == "json":
        data = (json.dumps(export_record(eng, rid, actor_id=actor_id), ensure_ascii=False, indent=2) + "\n").encode()
    else:
        data = export_record_csv(eng, rid, actor_id=actor_id)
    if output is None:
        stream = sys.stdout.buffer  # bytes as they are (the CSV carries a BOM)
        stream.write(data)
        stream.flush()
    else:
        output.write_bytes(data)
        click.echo(f"wrote sample record #{rid} to {output}", err=True)


@sample_group.command("show")
@click.option("--campaign", metavar="NAME_OR_ID", help="Show the campaign's current record.")
@click.option("--id", "record_id", type=int, help="Show the stored record with this id.")
@click.option("--files", is_flag=True, help="Also list the drawn files in draw order.")
@as_option
@db_option
def show_cmd(engine, campaign, record_id, files, as_user) -> None:  # noqa: ANN001
    """The sample by unit and case type: candidates in the window, drawn, of which forced."""
    if (campaign is None) == (record_id is None):
        raise click.UsageError("give exactly one of --campaign or --id")
    eng = engine()
    actor_id = acting_id(eng, as_user)
    rid = _record_id(eng, campaign, record_id, actor_id)
    data = export_record(eng, rid, actor_id=actor_id)
    info = data["campaign"]
    parent = f", enlarges {data['parent_record_hash'][:12]}" if data["parent_record_hash"] else ""
    click.echo(f"{info['name']} ({info['year']}, {info['window_start']}..{info['window_end']}): "
               f"sample record #{rid}, seed {data['seed']}, drawn {data['created_at']} UTC{parent}")
    click.echo(f"rules: {json.dumps(data['rules'], ensure_ascii=False, sort_keys=True)}")
    click.echo(f"{data['candidate_count']} candidates, fingerprint {data['register_fingerprint'][:12]}, "
               f"record hash {data['record_hash'][:12]}")
    rows = record_summary(eng, rid, actor_id=actor_id)
    unit = None
    for row in rows:
        if row["unit"] != unit:
            unit = row["unit"]
            unit_rows = [r for r in rows if r["unit"] == unit]
            click.echo(f"{unit}: {sum(r['drawn'] for r in unit_rows)} of {sum(r['candidates'] for r in unit_rows)}")
        forced = f" ({row['forced']} forced)" if row["forced"] else ""
        click.echo(f"  {row['case_type']}: {row['drawn']} of {row['candidates']}{forced}")
    click.echo(f"total: {len(data['items'])} files")
    if files:
        for item in data["items"]:
            click.echo("\t".join(str(item[k]) for k in ("draw_order", "case_number", "unit", "case_type", "reason")))
