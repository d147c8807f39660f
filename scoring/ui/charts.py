"""Altair charts for the results pages: pure functions from the core's figures to `alt.Chart`s.

No Streamlit here, so every builder is testable on its own: each has a `*_frame` function (the exact
rows the chart draws, built from the core's dataclasses without recomputing any figure) and a chart
builder on top of it. Axis, legend and tooltip titles come from `labels` (the pages pass the texts
of the chosen language; the defaults are the Chinese ones). Every chart uses a CJK-capable font
family, and every mark carries a tooltip with the exact figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import altair as alt
import pandas as pd

from scoring.aggregate import (
    CampaignFigures,
    FocusRate,
    ItemAgreement,
    ReviewerSeverity,
    UnitChange,
    UnitFigures,
    UnitRow,
)
from scoring.aggregate.pareto import ParetoRow
from scoring.aggregate.uncertainty import league_order
from scoring.palette import BETTER, INK, UNRANKED_COLOUR, WORSE, grade_colours

FONT = "Noto Sans CJK SC, Microsoft YaHei, SimHei, sans-serif"
ROW_STEP = 22  # pixels per unit in the horizontal bar charts and the heatmap
TOP_AXIS = alt.Axis(orient="top", labelAngle=-40, labelOverlap=False, labelLimit=180)  # heatmap columns

LABELS_ZH: dict[str, str] = {
    "unit": "单位",
    "files": "案卷数",
    "share": "占比（%）",
    "grade": "等次",
    "mean": "平均分",
    "ci_low": "95%区间下限",
    "ci_high": "95%区间上限",
    "rank": "排名",
    "rank_interval": "排名区间",
    "unranked": "（案卷不足，不排名）",
    "campaign_mean": "全部案卷平均分",
    "focus": "重点领域",
    "rate": "得分率（%）",
    "earned": "得分",
    "applicable_max": "适用满分",
    "series": "对比",
    "campaign_average": "本次评查平均",
    "problem": "问题",
    "item": "评查项目",
    "reason": "扣分情形",
    "cumulative": "累计占比（%）",
    "units": "涉及单位数",
    "reviewer": "评查人员",
    "severity": "宽严度（分）",
    "mean_abs_diff": "平均绝对差（分）",
    "harsher": "偏严",
    "lenient": "偏宽",
    "alpha": "一致性系数 α",
    "disagree_files": "分歧案卷数",
    "deducted_files": "有扣分案卷数",
    "change": "变化（分）",
    "previous": "上次",
    "current": "本次",
    "veto": "否决项",
}


def _labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    return {**LABELS_ZH, **(labels or {})}


def _f(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The CJK-capable font everywhere (axis, legend, title, marks). One `configure` call: each call copies
    the whole chart, and a 500-unit chart's copies were a third of building it."""
    return chart.configure(font=FONT, axis=alt.AxisConfig(labelFont=FONT, titleFont=FONT, labelLimit=260),
                           legend=alt.LegendConfig(labelFont=FONT, titleFont=FONT, labelLimit=260),
                           title=alt.TitleConfig(font=FONT))


def _ordered_labels(frame: pd.DataFrame, focus_order: Sequence[str]) -> list[str]:
    """The frame's focus-area labels in `focus_order` (by focus id), then any others as they come."""
    pairs = dict(zip(frame["focus"], frame["focus_label"], strict=True))
    ids = [f for f in focus_order if f in pairs] + [f for f in pairs if f not in set(focus_order)]
    return list(dict.fromkeys(pairs[f] for f in ids))


def _empty(frame: pd.DataFrame) -> alt.TopLevelMixin:
    return configure(alt.Chart(frame).mark_text().encode())


# ------------------------------------------------------------------------------------------ grades

def grade_frame(figures: CampaignFigures) -> pd.DataFrame:
    """One row per grade band in the campaign's order: files and their share of the reviewed files."""
    n = figures.files_reviewed
    rows = [{"order": i, "grade": g, "files": c, "share": round(100 * c / n, 2) if n else 0.0}
            for i, (g, c) in enumerate(figures.grade_counts.items())]
    return pd.DataFrame(rows, columns=["order", "grade", "files", "share"])


def grade_chart(figures: CampaignFigures, labels: Mapping[str, str] | None = None) -> alt.TopLevelMixin:
    """Bars of files per grade band, in band order, coloured best to worst, with the count on top."""
    lb = _labels(labels)
    frame = grade_frame(figures)
    grades = list(frame["grade"])
    colour = alt.Color("grade:N", scale=alt.Scale(domain=grades, range=grade_colours(len(grades))), legend=None)
    tooltip = [alt.Tooltip("grade:N", title=lb["grade"]), alt.Tooltip("files:Q", title=lb["files"]),
               alt.Tooltip("share:Q", title=lb["share"], format=".2f")]
    base = alt.Chart(frame).encode(x=alt.X("grade:N", sort=grades, title=lb["grade"], axis=alt.Axis(labelAngle=0)),
                                   y=alt.Y("files:Q", title=lb["files"]), tooltip=tooltip)
    return configure((base.mark_bar().encode(color=colour)
                      + base.mark_text(dy=-8).encode(text="files:Q")).properties(height=260, width="container"))


# ------------------------------------------------------------------------------------------ ranked units

def ranked_frame(rows: Sequence[UnitRow], unranked_suffix: str = LABELS_ZH["unranked"]) -> pd.DataFrame:
    """Units ranked best first (rank, then listing order), then the units with too few files by mean."""
    out = []
    for r in league_order(rows):
        f, u = r.figures, r.uncertainty
        out.append({
            "unit_id": f.unit_id, "unit": f.unit,
            "label": f.unit if u.rank is not None else f"{f.unit}{unranked_suffix}",
            "files": f.files, "mean": _f(f.mean), "ci_low": u.ci_low, "ci_high": u.ci_high, "rank": u.rank,
            "rank_interval": f"{u.rank_low}–{u.rank_high}" if u.rank is not None else "",
            "grade": f.grade, "ranked": u.rank is not None,
        })
    return pd.DataFrame(out, columns=["unit_id", "unit", "label", "files", "mean", "ci_low", "ci_high", "rank",
                                      "rank_interval", "grade", "ranked"])


def ranked_chart(rows: Sequence[UnitRow], grades: Sequence[str], labels: Mapping[str, str] | None = None,
                 campaign_mean: Decimal | float | None = None) -> alt.TopLevelMixin:
    """Horizontal bars of unit means, best first, with the 95% bootstrap interval as a rule with end
    ticks; units with too few files greyed out at the bottom (no interval, no rank); a dashed line at
    the campaign's mean of files."""
    lb = _labels(labels)
    frame = ranked_frame(rows, lb["unranked"])
    if frame.empty:
        return _empty(frame)
    order = list(frame["label"])
    y = alt.Y("label:N", sort=order, title=None)
    tooltip = [alt.Tooltip("unit:N", title=lb["unit"]), alt.Tooltip("files:Q", title=lb["files"]),
               alt.Tooltip("mean:Q", title=lb["mean"], format=".2f"),
               alt.Tooltip("ci_low:Q", title=lb["ci_low"], format=".2f"),
               alt.Tooltip("ci_high:Q", title=lb["ci_high"], format=".2f"),
               alt.Tooltip("rank:Q", title=lb["rank"]), alt.Tooltip("rank_interval:N", title=lb["rank_interval"]),
               alt.Tooltip("grade:N", title=lb["grade"])]
    colour = alt.condition(alt.datum.ranked, alt.Color("grade:N", title=lb["grade"], sort=list(grades),
                                                       scale=alt.Scale(domain=list(grades),
                                                                       range=grade_colours(len(grades)))),
                           alt.value(UNRANKED_COLOUR))
    base = alt.Chart(frame).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(opacity=0.85).encode(
        x=alt.X("mean:Q", title=lb["mean"], scale=alt.Scale(domain=[0, 100])), color=colour)
    interval = base.transform_filter(alt.datum.ranked).mark_errorbar(ticks=True, color=INK).encode(
        x=alt.X("ci_low:Q", title=lb["mean"]), x2="ci_high:Q")
    layers = [bars, interval]
    if campaign_mean is not None:
        mean = float(campaign_mean)
        layers.append(alt.Chart(pd.DataFrame([{"campaign_mean": mean}])).mark_rule(
            strokeDash=[4, 4], color="#555555").encode(
            x="campaign_mean:Q", tooltip=[alt.Tooltip("campaign_mean:Q", title=lb["campaign_mean"], format=".2f")]))
    return configure(alt.layer(*layers).properties(height=alt.Step(ROW_STEP), width="container"))


# ------------------------------------------------------------------------------------------ focus areas

def heatmap_frame(units: Sequence[UnitFigures], focus_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per unit and focus area it was scored on: the score rate and what it is made of."""
    out = []
    for u in units:
        for f in u.focus:
            out.append({"unit_id": u.unit_id, "unit": u.unit, "focus": f.focus,
                        "focus_label": (focus_labels or {}).get(f.focus, f.label), "rate": _f(f.rate),
                        "files": f.files, "earned": _f(f.earned), "applicable_max": _f(f.applicable_max)})
    return pd.DataFrame(out, columns=["unit_id", "unit", "focus", "focus_label", "rate", "files", "earned",
                                      "applicable_max"])


def focus_heatmap(units: Sequence[UnitFigures], focus_order: Sequence[str], labels: Mapping[str, str] | None = None,
                  focus_labels: Mapping[str, str] | None = None, unit_order: Sequence[str] | None = None,
                  ) -> alt.TopLevelMixin:
    """Units (rows) x focus areas (columns), coloured by score rate (red low, green high), rate in the cell."""
    lb = _labels(labels)
    frame = heatmap_frame(units, focus_labels)
    if frame.empty:
        return _empty(frame)
    columns = _ordered_labels(frame, focus_order)
    rows = list(unit_order) if unit_order is not None else list(dict.fromkeys(frame["unit"]))
    low = min(60.0, float(frame["rate"].min()))
    tooltip = [alt.Tooltip("unit:N", title=lb["unit"]), alt.Tooltip("focus_label:N", title=lb["focus"]),
               alt.Tooltip("rate:Q", title=lb["rate"], format=".2f"), alt.Tooltip("files:Q", title=lb["files"]),
               alt.Tooltip("earned:Q", title=lb["earned"], format=".2f"),
               alt.Tooltip("applicable_max:Q", title=lb["applicable_max"], format=".2f")]
    base = alt.Chart(frame).encode(
        x=alt.X("focus_label:N", sort=columns, title=None, axis=TOP_AXIS),
        y=alt.Y("unit:N", sort=rows, title=None), tooltip=tooltip)
    cells = base.mark_rect().encode(color=alt.Color("rate:Q", title=lb["rate"],
                                                    scale=alt.Scale(scheme="redyellowgreen", domain=[low, 100])))
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("rate:Q", format=".0f"),
        color=alt.condition(alt.datum.rate < low + (100 - low) * 0.2, alt.value("white"), alt.value("black")))
    return configure((cells + text).properties(height=alt.Step(ROW_STEP), width=alt.Step(72)))


def profile_frame(unit: Sequence[FocusRate], campaign: Sequence[FocusRate], unit_name: str,
                  campaign_name: str = LABELS_ZH["campaign_average"],
                  focus_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The unit's focus-area rates beside the campaign's (same focus areas, the unit's order)."""
    mine = {f.focus: f for f in unit}
    theirs = {f.focus: f for f in campaign}
    out = []
    for order, focus in enumerate(mine):
        label = (focus_labels or {}).get(focus, mine[focus].label)
        for series, src in ((unit_name, mine.get(focus)), (campaign_name, theirs.get(focus))):
            if src is None:
                continue
            out.append({"order": order, "focus": focus, "focus_label": label, "series": series, "rate": _f(src.rate),
                        "files": src.files, "earned": _f(src.earned), "applicable_max": _f(src.applicable_max)})
    return pd.DataFrame(out, columns=["order", "focus", "focus_label", "series", "rate", "files", "earned",
                                      "applicable_max"])


def profile_chart(unit: Sequence[FocusRate], campaign: Sequence[FocusRate], unit_name: str,
                  labels: Mapping[str, str] | None = None,
                  focus_labels: Mapping[str, str] | None = None) -> alt.TopLevelMixin:
    """Grouped horizontal bars: per focus area, the unit's score rate and the campaign average."""
    lb = _labels(labels)
    frame = profile_frame(unit, campaign, unit_name, lb["campaign_average"], focus_labels)
    if frame.empty:
        return _empty(frame)
    series = [unit_name, lb["campaign_average"]]
    order = list(dict.fromkeys(frame["focus_label"]))
    tooltip = [alt.Tooltip("focus_label:N", title=lb["focus"]), alt.Tooltip("series:N", title=lb["series"]),
               alt.Tooltip("rate:Q", title=lb["rate"], format=".2f"), alt.Tooltip("files:Q", title=lb["files"]),
               alt.Tooltip("earned:Q", title=lb["earned"], format=".2f"),
               alt.Tooltip("applicable_max:Q", title=lb["applicable_max"], format=".2f")]
    base = alt.Chart(frame).encode(
        y=alt.Y("focus_label:N", sort=order, title=None), yOffset=alt.YOffset("series:N", sort=series),
        tooltip=tooltip)
    bars = base.mark_bar().encode(
        x=alt.X("rate:Q", title=lb["rate"], scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=lb["series"], sort=series,
                        scale=alt.Scale(domain=series, range=["#2b8cbe", "#bdbdbd"]),
                        legend=alt.Legend(orient="top")))
    text = base.mark_text(align="left", dx=3, fontSize=10).encode(x="rate:Q", text=alt.Text("rate:Q", format=".1f"))
    return configure((bars + text).properties(height=alt.Step(14), width="container"))


# ------------------------------------------------------------------------------------------ problems

def pareto_frame(rows: Sequence[ParetoRow], focus_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    out = []
    for r in rows:
        p = r.problem
        out.append({"rank": r.rank, "key": f"{p.item_id}-{p.reason_id}", "item_id": p.item_id,
                    "item_title": p.item_title, "reason_id": p.reason_id, "reason": p.reason, "focus": p.focus,
                    "focus_label": (focus_labels or {}).get(p.focus, p.focus_label), "is_veto": p.is_veto,
                    "files": p.files, "share": _f(p.share), "cumulative_pct": _f(r.cumulative_pct),
                    "units": len(p.units)})
    return pd.DataFrame(out, columns=["rank", "key", "item_id", "item_title", "reason_id", "reason", "focus",
                                      "focus_label", "is_veto", "files", "share", "cumulative_pct", "units"])


def pareto_chart(rows: Sequence[ParetoRow], labels: Mapping[str, str] | None = None,
                 focus_labels: Mapping[str, str] | None = None, focus_order: Sequence[str] = ()
                 ) -> alt.TopLevelMixin:
    """Pareto chart: bars of files per reason (most first, coloured by focus area) and the cumulative
    share of all occurrences as a line on a second axis (0-100%)."""
    lb = _labels(labels)
    frame = pareto_frame(rows, focus_labels)
    if frame.empty:
        return _empty(frame)
    order = list(frame["key"])
    focus_domain = _ordered_labels(frame, focus_order)
    tooltip = [alt.Tooltip("rank:Q", title=lb["rank"]), alt.Tooltip("focus_label:N", title=lb["focus"]),
               alt.Tooltip("item_title:N", title=lb["item"]), alt.Tooltip("reason:N", title=lb["reason"]),
               alt.Tooltip("files:Q", title=lb["files"]), alt.Tooltip("share:Q", title=lb["share"], format=".2f"),
               alt.Tooltip("cumulative_pct:Q", title=lb["cumulative"], format=".2f"),
               alt.Tooltip("units:Q", title=lb["units"])]
    x = alt.X("key:N", sort=order, title=lb["problem"], axis=alt.Axis(labelAngle=-60))
    base = alt.Chart(frame).encode(x=x, tooltip=tooltip)
    bars = base.mark_bar().encode(
        y=alt.Y("files:Q", title=lb["files"]),
        color=alt.Color("focus_label:N", title=lb["focus"], sort=focus_domain,
                        scale=alt.Scale(domain=focus_domain, scheme="tableau10"), legend=alt.Legend(orient="top")))
    line = base.mark_line(point=alt.OverlayMarkDef(color="#d62728"), color="#d62728").encode(
        y=alt.Y("cumulative_pct:Q", title=lb["cumulative"], scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(orient="right")))
    return configure(alt.layer(bars, line).resolve_scale(y="independent").properties(height=320, width="container"))


# ------------------------------------------------------------------------------------------ agreement

def severity_frame(rows: Sequence[ReviewerSeverity], names: Sequence[str] | None = None,
                   harsher: str = LABELS_ZH["harsher"], lenient: str = LABELS_ZH["lenient"]) -> pd.DataFrame:
    """One row per reviewer (harshest first): `names` are the labels to show (default display names)."""
    names = list(names) if names is not None else [r.display_name for r in rows]
    out = [{"reviewer": name, "files": r.files, "severity": round(r.severity, 2),
            "mean_abs_diff": round(r.mean_abs_diff, 2), "direction": harsher if r.severity < 0 else lenient}
           for r, name in zip(rows, names, strict=True)]
    return pd.DataFrame(out, columns=["reviewer", "files", "severity", "mean_abs_diff", "direction"])


def severity_chart(rows: Sequence[ReviewerSeverity], names: Sequence[str] | None = None,
                   labels: Mapping[str, str] | None = None) -> alt.TopLevelMixin:
    """Bars diverging around 0 (left: harsher than co-reviewers, right: more lenient), n files at the end."""
    lb = _labels(labels)
    frame = severity_frame(rows, names, lb["harsher"], lb["lenient"])
    if frame.empty:
        return _empty(frame)
    order = list(frame["reviewer"])
    tooltip = [alt.Tooltip("reviewer:N", title=lb["reviewer"]), alt.Tooltip("files:Q", title=lb["files"]),
               alt.Tooltip("severity:Q", title=lb["severity"], format="+.2f"),
               alt.Tooltip("mean_abs_diff:Q", title=lb["mean_abs_diff"], format=".2f")]
    base = alt.Chart(frame).encode(y=alt.Y("reviewer:N", sort=order, title=None), tooltip=tooltip)
    bars = base.mark_bar().encode(
        x=alt.X("severity:Q", title=lb["severity"]),
        color=alt.Color("direction:N", title=None, sort=[lb["harsher"], lb["lenient"]],
                        scale=alt.Scale(domain=[lb["harsher"], lb["lenient"]], range=[WORSE, BETTER]),
                        legend=alt.Legend(orient="top")))
    text = base.mark_text(fontSize=10, dx=alt.expr("datum.severity < 0 ? -4 : 4"),
                          align=alt.expr("datum.severity < 0 ? 'right' : 'left'")).encode(
        x="severity:Q", text=alt.Text("files:Q", format="d"))
    zero = alt.Chart(pd.DataFrame([{"zero": 0}])).mark_rule(color=INK).encode(x="zero:Q")
    return configure(alt.layer(bars, text, zero).properties(height=alt.Step(ROW_STEP), width="container"))


def item_agreement_frame(items: Sequence[ItemAgreement], focus_labels: Mapping[str, str] | None = None
                         ) -> pd.DataFrame:
    out = [{"item": f"{i.item_id} {i.item_title}", "item_id": i.item_id, "focus_label":
            (focus_labels or {}).get(i.focus, i.focus_label), "alpha": i.alpha, "ci_low": i.ci_low,
            "ci_high": i.ci_high, "files": i.files, "deducted_files": i.deducted_files,
            "disagree_files": i.disagree_files} for i in items]
    return pd.DataFrame(out, columns=["item", "item_id", "focus_label", "alpha", "ci_low", "ci_high", "files",
                                      "deducted_files", "disagree_files"])


def item_agreement_chart(items: Sequence[ItemAgreement], labels: Mapping[str, str] | None = None,
                         focus_labels: Mapping[str, str] | None = None) -> alt.TopLevelMixin:
    """Points at each item's alpha with its bootstrap interval, lowest first (the ambiguous standards)."""
    lb = _labels(labels)
    frame = item_agreement_frame(items, focus_labels)
    if frame.empty:
        return _empty(frame)
    order = list(frame["item"])
    tooltip = [alt.Tooltip("item:N", title=lb["item"]), alt.Tooltip("focus_label:N", title=lb["focus"]),
               alt.Tooltip("alpha:Q", title=lb["alpha"], format=".3f"),
               alt.Tooltip("ci_low:Q", title=lb["ci_low"], format=".3f"),
               alt.Tooltip("ci_high:Q", title=lb["ci_high"], format=".3f"),
               alt.Tooltip("files:Q", title=lb["files"]), alt.Tooltip("deducted_files:Q", title=lb["deducted_files"]),
               alt.Tooltip("disagree_files:Q", title=lb["disagree_files"])]
    base = alt.Chart(frame).encode(y=alt.Y("item:N", sort=order, title=None), tooltip=tooltip)
    lows = [v for v in (*frame["ci_low"], *frame["alpha"]) if v is not None and v == v]
    scale = alt.Scale(domain=[min([-0.2, *lows]), 1], nice=False)
    rule = base.mark_errorbar(ticks=True, color=INK).encode(
        x=alt.X("ci_low:Q", title=lb["alpha"], scale=scale), x2="ci_high:Q")
    point = base.mark_point(filled=True, size=70, color=WORSE).encode(x=alt.X("alpha:Q", scale=scale))
    return configure(alt.layer(rule, point).properties(height=alt.Step(ROW_STEP), width="container"))


# ------------------------------------------------------------------------------------------ year over year

def change_frame(changes: Sequence[UnitChange]) -> pd.DataFrame:
    """Units in both campaigns, largest gain first."""
    rows = sorted(changes, key=lambda c: (-c.change, c.unit_id))
    out = [{"unit_id": c.unit_id, "unit": c.unit, "previous": _f(c.previous_mean), "current": _f(c.current_mean),
            "change": _f(c.change), "previous_grade": c.previous_grade, "current_grade": c.current_grade,
            "previous_files": c.previous_files, "current_files": c.current_files} for c in rows]
    return pd.DataFrame(out, columns=["unit_id", "unit", "previous", "current", "change", "previous_grade",
                                      "current_grade", "previous_files", "current_files"])


def change_chart(changes: Sequence[UnitChange], labels: Mapping[str, str] | None = None) -> alt.TopLevelMixin:
    """Bars diverging around 0: each unit's change in mean from the previous campaign."""
    lb = _labels(labels)
    frame = change_frame(changes)
    if frame.empty:
        return _empty(frame)
    order = list(frame["unit"])
    tooltip = [alt.Tooltip("unit:N", title=lb["unit"]),
               alt.Tooltip("previous:Q", title=f"{lb['previous']}{lb['mean']}", format=".2f"),
               alt.Tooltip("current:Q", title=f"{lb['current']}{lb['mean']}", format=".2f"),
               alt.Tooltip("change:Q", title=lb["change"], format="+.2f"),
               alt.Tooltip("previous_grade:N", title=f"{lb['previous']}{lb['grade']}"),
               alt.Tooltip("current_grade:N", title=f"{lb['current']}{lb['grade']}")]
    base = alt.Chart(frame).encode(y=alt.Y("unit:N", sort=order, title=None), tooltip=tooltip)
    bars = base.mark_bar().encode(
        x=alt.X("change:Q", title=lb["change"]),
        color=alt.condition(alt.datum.change < 0, alt.value(WORSE), alt.value(BETTER)))
    zero = alt.Chart(pd.DataFrame([{"zero": 0}])).mark_rule(color=INK).encode(x="zero:Q")
    return configure(alt.layer(bars, zero).properties(height=alt.Step(ROW_STEP), width="container"))


def focus_change_frame(changes: Sequence[UnitChange], focus_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    out = [{"unit": c.unit, "focus": f.focus, "focus_label": (focus_labels or {}).get(f.focus, f.label),
            "previous": _f(f.previous), "current": _f(f.current), "change": _f(f.change)}
           for c in changes for f in c.focus if f.change is not None]
    return pd.DataFrame(out, columns=["unit", "focus", "focus_label", "previous", "current", "change"])


def focus_change_heatmap(changes: Sequence[UnitChange], focus_order: Sequence[str],
                         labels: Mapping[str, str] | None = None, focus_labels: Mapping[str, str] | None = None,
                         ) -> alt.TopLevelMixin:
    """Units x focus areas coloured by the change in score rate (red worse, blue better)."""
    lb = _labels(labels)
    frame = focus_change_frame(changes, focus_labels)
    if frame.empty:
        return _empty(frame)
    columns = _ordered_labels(frame, focus_order)
    rows = list(change_frame(changes)["unit"])
    span = max(5.0, float(frame["change"].abs().max()))
    tooltip = [alt.Tooltip("unit:N", title=lb["unit"]), alt.Tooltip("focus_label:N", title=lb["focus"]),
               alt.Tooltip("previous:Q", title=f"{lb['previous']}{lb['rate']}", format=".2f"),
               alt.Tooltip("current:Q", title=f"{lb['current']}{lb['rate']}", format=".2f"),
               alt.Tooltip("change:Q", title=lb["change"], format="+.2f")]
    base = alt.Chart(frame).encode(
        x=alt.X("focus_label:N", sort=columns, title=None, axis=TOP_AXIS),
        y=alt.Y("unit:N", sort=rows, title=None), tooltip=tooltip)
    cells = base.mark_rect().encode(color=alt.Color("change:Q", title=lb["change"],
                                                    scale=alt.Scale(scheme="redblue", domain=[-span, span])))
    text = base.mark_text(fontSize=10).encode(text=alt.Text("change:Q", format="+.0f"))
    return configure((cells + text).properties(height=alt.Step(ROW_STEP), width=alt.Step(72)))

