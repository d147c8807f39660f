"""`casereview aggregate ...`: unit table with intervals and ranks, campaign figures, problems,
reviewer agreement and year-over-year comparison, as an aligned table, CSV or JSON."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import click

from scoring.aggregate import (
    DEFAULT_B,
    DEFAULT_MIN_FILES,
    DEFAULT_SEED,
    campaign_figures,
    top_problems,
    unit_table,
    year_over_year,
)
from scoring.aggregate.common import focus_label, plain
from scoring.aggregate.disclosure import readable_agreement
from scoring.aggregate.uncertainty import league_order
from scoring.cli.base import cli, echo_json
from scoring.cli.options import acting_id, lazy_engine
from scoring.csv_safe import write_dict_csv
from scoring.db.models import User
from scoring.db.session import session_factory, transaction
from scoring.domain import ALL_FOCUS, CASE_TYPES, UNIT_KIND_LABELS
from scoring.workflow.campaigns import get_campaign

FORMATS = ("table", "csv", "json")
UNIT_KINDS = [k.value for k in UNIT_KIND_LABELS] + list(UNIT_KIND_LABELS.values())


# -- output helpers ---------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "") -> None:
    """Columns aligned for CJK text (wide characters count twice); numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [all(isinstance(r[i], int | float | Decimal) or r[i] is None for r in rows) and bool(rows)
               for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        parts = []
        for v, w, num in zip(values, widths, numeric, strict=True):
            pad = " " * (w - _width(v))
            parts.append(pad + v if num else v + pad)
        return (indent + "  ".join(parts)).rstrip()

    click.echo(line(list(headers)))
    click.echo(indent + "  ".join("-" * w for w in widths))
    for r in cells:
        click.echo(line(r))


def echo_csv(rows: list[dict[str, Any]]) -> None:
    sys.stdout.write(write_dict_csv(plain(rows)))
    sys.stdout.flush()


def _interval(lo: float | None, hi: float | None) -> str | None:
    return None if lo is None or hi is None else f"{lo:.2f}–{hi:.2f}"


def _num(d: Decimal) -> str:
    """90.00 -> 90, 89.5 -> 89.5: band limits as people write them."""
    return str(int(d)) if d == int(d) else f"{d.normalize():f}"


def _alpha(value: float | None) -> str | None:
    return None if value is None else f"{round(value, 3) + 0.0:.3f}"  # + 0.0: never "-0.000"


def _alpha_interval(lo: float | None, hi: float | None) -> str | None:
    return None if lo is None or hi is None else f"{_alpha(lo)}–{_alpha(hi)}"


def _short_focus(focus: str) -> str:
    return ALL_FOCUS.get(focus, focus)


# -- shared options ---------------------------------------------------------------------------------

def _shared(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--db", "db_url", default=None, metavar="URL",
                        help="Database URL (default: $CASEREVIEW_DB_URL or sqlite:///casereview.db).")(func)
    func = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                        help="Output: aligned table (default), CSV rows, or JSON.")(func)
    func = click.option("--case-type", type=click.Choice(CASE_TYPES), default=None,
                        help="Only files of this case type.")(func)
    func = click.option("--unit-kind", type=click.Choice(UNIT_KINDS), default=None,
                        help="Only district departments (department / 区级部门) or towns (town / 乡镇).")(func)
    func = click.option("--campaign", "campaign_ref", default=None, metavar="ID|NAME",
                        help="The campaign (id or name).")(func)
    return _as_option(func)


def _as_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--as", "as_user", default=None, metavar="USERNAME",
                        help="Acting account (default: the only panel lead); the results it may read "
                             "(scoring/policy.py).")(func)


def _stats_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--boot", "n_boot", type=click.IntRange(1, 100_000), default=None,
                        help=f"Bootstrap replicates (default {DEFAULT_B}).")(func)
    func = click.option("--seed", type=int, default=None,
                        help=f"Seed of the bootstrap (default {DEFAULT_SEED}); same seed, same intervals.")(func)
    return func


class _Ctx:
    """Options given on `aggregate` itself serve as defaults for its subcommands."""

    def __init__(self, **given: Any) -> None:
        self.given = given

    def pick(self, name: str, value: Any, default: Any = None) -> Any:
        if value is not None:
            return value
        parent = self.given.get(name)
        return parent if parent is not None else default


def _resolve(ctx: click.Context, **values: Any) -> dict[str, Any]:
    parent: _Ctx = ctx.find_object(_Ctx) or _Ctx()
    defaults = {"fmt": "table", "seed": DEFAULT_SEED, "n_boot": DEFAULT_B, "min_files": DEFAULT_MIN_FILES,
                "sort": "unit"}
    out = {k: parent.pick(k, v, defaults.get(k)) for k, v in values.items()}
    url = out.pop("db_url", None) or ctx.meta.get("casereview.db_url")
    out["engine"] = lazy_engine(url)
    return out


def _actor(o: dict[str, Any]) -> int:
    """The acting account's id (--as, else the only panel lead): the aggregation checks what it may read."""
    return acting_id(o["engine"](), o.get("as_user"))


def _campaign_id(engine: lazy_engine, ref: str | None, option: str = "--campaign") -> int:
    if not ref:
        raise click.UsageError(f"say which campaign with {option} ID|NAME")
    with transaction(engine()) as session:
        return get_campaign(session, ref).id


# -- commands ---------------------------------------------------------------------------------------

AGGREGATE_HELP = """Compare units: figures over the final results of a campaign.

\b
Without a subcommand, prints the unit table (same as `aggregate units`):
  casereview aggregate --campaign 2024年度评查 [--unit-kind town] [--format csv]
\b
Subcommands:
  units      one row per unit: files, mean with 95% bootstrap interval, rank with rank interval,
             median, min, max, grade counts, pass and excellent rates, vetoes, unit grade,
             focus-area score rates, most frequent deduction reasons
  campaign   the published-notice figures: files, counts per grade, average, pass and excellent
             rates, vetoes, units grouped by their mean, focus-area rates, top problems
  problems   deduction reasons by focus area, most frequent first, with the units
  agreement  reviewers' agreement on double-scored files: Krippendorff's alpha on totals and per
             item with bootstrap intervals, least agreed items, each reviewer's severity
  yoy        two campaigns: change of each unit's mean and focus-area rates, and whether last
             year's most frequent problems recurred
\b
Options given before the subcommand (--campaign, --format, --unit-kind, --case-type, --seed,
--boot, --min-files, --sort, --db) are defaults for it.
"""


@cli.group("aggregate", invoke_without_command=True, help=AGGREGATE_HELP)
@_shared
@_stats_options
@click.option("--min-files", type=click.IntRange(1), default=None,
              help=f"Units with fewer files are flagged and not ranked (default {DEFAULT_MIN_FILES}).")
@click.option("--sort", type=click.Choice(["unit", "rank", "mean"]), default=None,
              help="Unit table rows: the units' listing order (default), rank (unranked last), or mean.")
@click.pass_context
def aggregate(ctx: click.Context, **options: Any) -> None:
    ctx.obj = _Ctx(**options)
    if options.get("db_url"):
        ctx.meta["casereview.db_url"] = options["db_url"]
    if ctx.invoked_subcommand is None:
        ctx.invoke(units_cmd)


@aggregate.command("units")
@_shared
@_stats_options
@click.option("--min-files", type=click.IntRange(1), default=None,
              help=f"Units with fewer files are flagged and not ranked (default {DEFAULT_MIN_FILES}).")
@click.option("--sort", type=click.Choice(["unit", "rank", "mean"]), default=None,
              help="Row order: the units' listing order (default), rank (unranked last), or mean.")
@click.pass_context
def units_cmd(  # noqa: ANN001
        ctx: click.Context, campaign_ref=None, unit_kind=None, case_type=None, fmt=None, db_url=None,
        as_user=None, seed=None, n_boot=None, min_files=None, sort=None) -> None:
    """One row per unit, with the 95% bootstrap interval of its mean and its rank interval."""
    o = _resolve(ctx, campaign_ref=campaign_ref, unit_kind=unit_kind, case_type=case_type, fmt=fmt, db_url=db_url,
                 as_user=as_user, seed=seed, n_boot=n_boot, min_files=min_files, sort=sort)
    cid = _campaign_id(o["engine"], o["campaign_ref"])
    sort = o["sort"]
    rows = unit_table(o["engine"](), _actor(o), cid, unit_kind=o["unit_kind"], case_type=o["case_type"],
                      min_files=o["min_files"], n_boot=o["n_boot"], seed=o["seed"])
    if sort == "rank":
        rows = league_order(rows)
    elif sort == "mean":
        rows.sort(key=lambda r: -r.figures.mean)
    if o["fmt"] == "json":
        echo_json({"campaign_id": cid, "seed": o["seed"], "n_boot": o["n_boot"], "min_files": o["min_files"],
                   "units": [r.to_dict() for r in rows]})
        return
    if o["fmt"] == "csv":
        echo_csv([r.to_record() for r in rows])
        return
    if not rows:
        click.echo("no unit has a final result yet")
        return
    bands = list(rows[0].figures.grade_counts)
    headers = ["单位", "files", "mean", "95% CI", "rank", "rank 95%", "median", "min", "max", *bands,
               "pass%", "excellent%", "vetoes", "grade"]
    table = []
    for r in rows:
        f, u = r.figures, r.uncertainty
        rank_iv = (f"{u.rank_low}–{u.rank_high}" if u.rank is not None
                   else "too few files" if u.too_few_files else None)
        table.append([f.unit, f.files, f.mean, _interval(u.ci_low, u.ci_high), u.rank, rank_iv, f.median, f.min,
                      f.max, *[f.grade_counts[b] for b in bands], f.pass_rate, f.excellent_rate, f.veto_count,
                      f.grade])
    echo_table(headers, table)
    click.echo(f"\nbootstrap: {o['n_boot']} replicates, seed {o['seed']}; units with fewer than {o['min_files']} "
               "files are not ranked")
    focus = list(dict.fromkeys(fr.focus for r in rows for fr in r.figures.focus))
    if focus:
        click.echo("\nfocus-area score rates (%):")
        echo_table(["单位", *[_short_focus(x) for x in focus]],
                   [[r.figures.unit, *[r.figures.focus_rates.get(x) for x in focus]] for r in rows])
    click.echo("\nmost frequent deduction reasons (files):")
    for r in rows:
        reasons = "；".join(f"{d.label()}（{d.files}）" for d in r.figures.top_deductions) or "-"
        click.echo(f"  {r.figures.unit}: {reasons}")


def _echo_problems(problems: list) -> None:  # noqa: ANN001
    echo_table(["focus", "item", "reason", "files", "share%", "units"],
               [[p.focus_label, f"{p.item_id} {p.item_title}", f"{p.reason_id} {p.reason}" + (" (veto)" if p.is_veto
                                                                                              else ""),
                 p.files, p.share, "、".join(f"{u.unit}（{u.files}）" for u in p.units)] for p in problems])


@aggregate.command("campaign")
@_shared
@click.option("--top", "top", type=click.IntRange(0), default=3, show_default=True,
              help="Problems listed per focus area.")
@click.pass_context
def campaign_cmd(  # noqa: ANN001
        ctx: click.Context, campaign_ref=None, unit_kind=None, case_type=None, fmt=None, db_url=None,
        as_user=None, top=3) -> None:
    """The published-notice figures; CSV gives them as one row (problems: `aggregate problems`)."""
    o = _resolve(ctx, campaign_ref=campaign_ref, unit_kind=unit_kind, case_type=case_type, fmt=fmt, db_url=db_url,
                 as_user=as_user)
    cid = _campaign_id(o["engine"], o["campaign_ref"])
    eng, actor = o["engine"](), _actor(o)
    fig = campaign_figures(eng, actor, cid, unit_kind=o["unit_kind"], case_type=o["case_type"])
    problems = top_problems(eng, actor, cid, per_focus=top, unit_kind=o["unit_kind"], case_type=o["case_type"])
    if o["fmt"] == "json":
        echo_json({**fig.to_dict(), "problems": [p.to_dict() for p in problems]})
        return
    if o["fmt"] == "csv":
        echo_csv([fig.to_record()])
        return
    click.echo(f"{fig.campaign} ({fig.year}): {fig.files_reviewed} files reviewed of {fig.files_sampled} sampled"
               + (f", {fig.files_pending} not final yet" if fig.files_pending else ""))
    click.echo("grades: " + " · ".join(f"{g} {n}" for g, n in fig.grade_counts.items()))
    click.echo(f"mean {_cell(fig.mean)}, median {_cell(fig.median)}, pass rate {_cell(fig.pass_rate)}%, "
               f"excellent rate {_cell(fig.excellent_rate)}%, vetoes {fig.veto_count}")
    click.echo("\nunits by mean:")
    for g in fig.unit_groups:
        span = (f"≥{_num(g.min)}" if g.upper is None
                else f"<{_num(g.upper)}" if g.min == 0 else f"{_num(g.min)}–<{_num(g.upper)}")
        names = "、".join(f"{u.unit} {_cell(u.mean)}" for u in g.units) or "-"
        click.echo(f"  {g.band} ({span}): {len(g.units)}  {names}")
    if fig.focus:
        click.echo("\nfocus-area score rates:")
        echo_table(["focus", "files", "rate%"], [[f.label, f.files, f.rate] for f in fig.focus], indent="  ")
    if problems:
        click.echo("\nmost frequent problems by focus area:")
        _echo_problems(problems)


@aggregate.command("problems")
@_shared
@click.option("--top", "top", type=click.IntRange(0), default=None,
              help="Reasons per focus area (default: all).")
@click.option("--focus", type=click.Choice(list(ALL_FOCUS)), default=None, help="Only this focus area.")
@click.option("--pareto", is_flag=True, help="One list over all focus areas, most frequent first.")
@click.pass_context
def problems_cmd(  # noqa: ANN001
        ctx: click.Context, campaign_ref=None, unit_kind=None, case_type=None, fmt=None, db_url=None,
        as_user=None, top=None, focus=None, pareto=False) -> None:
    """Deduction reasons (and vetoes) by the number of files carrying them, with the units."""
    o = _resolve(ctx, campaign_ref=campaign_ref, unit_kind=unit_kind, case_type=case_type, fmt=fmt, db_url=db_url,
                 as_user=as_user)
    cid = _campaign_id(o["engine"], o["campaign_ref"])
    problems = top_problems(o["engine"](), _actor(o), cid, per_focus=top, focus=focus, unit_kind=o["unit_kind"],
                            case_type=o["case_type"])
    if pareto:
        problems.sort(key=lambda p: (-p.files, p.item_id, p.reason_id))
    if o["fmt"] == "json":
        echo_json([p.to_dict() for p in problems])
    elif o["fmt"] == "csv":
        echo_csv([p.to_record() for p in problems])
    elif problems:
        _echo_problems(problems)
    else:
        click.echo("no deductions in the final results" + (f" for {focus_label(focus)}" if focus else ""))


@aggregate.command("agreement")
@_shared
@_stats_options
@click.option("--min-item-files", type=click.IntRange(1), default=5, show_default=True,
              help="Items need this many double-scored files to be listed among the least agreed.")
@click.option("--min-deducted-files", type=click.IntRange(1), default=3, show_default=True,
              help="...and to have been deducted on this many of them (alpha is 0 for a single lone deduction).")
@click.option("--lowest", type=click.IntRange(0), default=5, show_default=True, help="How many least agreed items.")
@click.pass_context
def agreement_cmd(  # noqa: ANN001
        ctx: click.Context, campaign_ref=None, unit_kind=None, case_type=None, fmt=None, db_url=None,
        as_user=None, seed=None, n_boot=None, min_item_files=5, min_deducted_files=3, lowest=5) -> None:
    """Krippendorff's alpha (interval) on double-scored files, per item, and reviewer severity."""
    o = _resolve(ctx, campaign_ref=campaign_ref, unit_kind=unit_kind, case_type=case_type, fmt=fmt, db_url=db_url,
                 as_user=as_user, seed=seed, n_boot=n_boot)
    cid = _campaign_id(o["engine"], o["campaign_ref"])
    with session_factory(o["engine"]())() as session:  # names for the lead, aliases for other readers
        ag = readable_agreement(session, session.get(User, _actor(o)), cid, unit_kind=o["unit_kind"],
                                case_type=o["case_type"], n_boot=o["n_boot"], seed=o["seed"],
                                min_item_files=min_item_files, min_deducted_files=min_deducted_files,
                                lowest_n=lowest)
    if o["fmt"] == "json":
        echo_json(ag.to_dict())
        return
    if o["fmt"] == "csv":
        echo_csv([i.to_record() for i in ag.items])
        return
    if not ag.files:
        click.echo("no double-scored files (two or more submitted reviews) yet")
        return
    click.echo(f"{ag.files} double-scored files, {ag.reviews} reviews by {ag.reviewers} reviewers")
    click.echo(f"alpha on totals: {_alpha(ag.alpha) or '-'}  95% CI {_alpha_interval(ag.ci_low, ag.ci_high) or '-'}  "
               f"(bootstrap over files: {ag.n_boot} replicates, seed {ag.seed})")
    if ag.lowest:
        click.echo(f"\nleast agreed items (at least {ag.min_item_files} files, deducted on {ag.min_deducted_files}):")
        echo_table(["item", "focus", "files", "deducted", "differ", "alpha", "95% CI"],
                   [[f"{i.item_id} {i.item_title}", i.focus_label, i.files, i.deducted_files, i.disagree_files,
                     _alpha(i.alpha),
                     _alpha_interval(i.ci_low, i.ci_high)] for i in ag.lowest], indent="  ")
    click.echo("\nreviewer severity (own total − co-reviewers' mean; negative = harsher):")
    echo_table(["reviewer", "files", "severity", "mean |gap|"],
               [[f"{s.display_name} ({s.username})", s.files, s.severity, s.mean_abs_diff] for s in ag.severity],
               indent="  ")


@aggregate.command("yoy")
@click.option("--previous", "previous_ref", required=True, metavar="ID|NAME", help="Last year's campaign.")
@click.option("--current", "current_ref", required=True, metavar="ID|NAME", help="This year's campaign.")
@click.option("--top", "top", type=click.IntRange(0), default=10, show_default=True,
              help="How many of last year's most frequent problems to follow up.")
@click.option("--unit-kind", type=click.Choice(UNIT_KINDS), default=None)
@click.option("--case-type", type=click.Choice(CASE_TYPES), default=None)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None)
@click.option("--db", "db_url", default=None, metavar="URL")
@_as_option
@click.pass_context
def yoy_cmd(  # noqa: ANN001
        ctx: click.Context, previous_ref, current_ref, top, unit_kind, case_type, fmt, db_url, as_user) -> None:
    """Units in both campaigns: change of mean and focus-area rates; last year's problems this year.

    CSV gives the unit rows (problems: JSON or table)."""
    o = _resolve(ctx, unit_kind=unit_kind, case_type=case_type, fmt=fmt, db_url=db_url,
                 as_user=as_user)
    prev = _campaign_id(o["engine"], previous_ref, "--previous")
    cur = _campaign_id(o["engine"], current_ref, "--current")
    y = year_over_year(o["engine"](), _actor(o), prev, cur, top_n=top, unit_kind=o["unit_kind"], case_type=o["case_type"])
    if o["fmt"] == "json":
        echo_json(y.to_dict())
        return
    if o["fmt"] == "csv":
        echo_csv([u.to_record() for u in y.units])
        return
    click.echo(f"{y.previous} → {y.current}: {len(y.units)} units reviewed in both")
    if y.units:
        focus = list(dict.fromkeys(f.focus for u in y.units for f in u.focus))
        echo_table(["单位", "files", "mean before", "mean now", "change", *[f"Δ{_short_focus(f)}" for f in focus]],
                   [[u.unit, f"{u.previous_files}→{u.current_files}", u.previous_mean, u.current_mean, u.change,
                     *[next((x.change for x in u.focus if x.focus == f), None) for f in focus]] for u in y.units])
    if y.problems:
        click.echo("\nlast year's most frequent problems this year:")
        echo_table(["item", "reason", "files before", "files now", "recurred", "units (before→now)"],
                   [[p.item_id + " " + p.item_title, f"{p.reason_id} {p.reason}", p.previous_files, p.current_files,
                     "yes" if p.recurred else "no",
                     "、".join(f"{u.unit}（{u.previous_files}→{u.current_files}）" for u in p.units)]
                    for p in y.problems])
