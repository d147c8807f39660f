"""Unit comparison: units ranked by their mean with 95% bootstrap intervals (units with too few files
flagged, not ranked), a unit x focus-area heatmap of score rates, filters by unit kind and case type,
and the full unit table (download as CSV). Every figure comes from `scoring.aggregate.comparison`
(the unit table and the selection's headline figures in one computation).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from scoring.aggregate import (
    DEFAULT_B,
    DEFAULT_MIN_FILES,
    DEFAULT_SEED,
    UnitRow,
    comparison,
)
from scoring.aggregate.uncertainty import league_order
from scoring.domain import ALL_FOCUS
from scoring.ui import charts
from scoring.ui.common import focus_label, reported, table
from scoring.ui.figures_cache import figures
from scoring.ui.i18n import t
from scoring.ui.widgets import (
    ChosenCampaign,
    chart_labels,
    choose_campaign,
    csv_bytes,
    filters,
    fmt2,
    focus_labels,
    num,
    show_chart,
    unit_kind_label,
)

MAX_MIN_FILES = 50


def unit_frame(rows: list[UnitRow], bands: tuple[str, ...], *, with_focus: bool = False) -> pd.DataFrame:
    """The unit table as shown (and downloaded): one row per unit, league order. Every label is looked
    up once, not once per unit (500 units x 20 columns)."""
    col = {k: t(f"cmp.col.{k}") for k in ("rank", "unit", "kind", "files", "mean", "ci", "rank_interval", "median",
                                          "min", "max", "pass_rate", "excellent_rate", "vetoes", "unit_grade")}
    band_cols = [(band, t("cmp.col.grade_n", grade=band)) for band in bands]
    focus_cols = [(focus, t("cmp.col.focus_rate", focus=focus_label(focus))) for focus in ALL_FOCUS]
    kinds: dict[str, str] = {}
    not_ranked, top_col = t("cmp.not_ranked"), t("cmp.col.top_deductions")
    out = []
    for r in league_order(rows):
        f, u = r.figures, r.uncertainty
        if f.kind not in kinds:
            kinds[f.kind] = unit_kind_label(f.kind)
        row: dict[str, object] = {
            col["rank"]: u.rank,
            col["unit"]: f.unit,
            col["kind"]: kinds[f.kind],
            col["files"]: f.files,
            col["mean"]: num(f.mean),
            col["ci"]: f"{u.ci_low:.2f}–{u.ci_high:.2f}" if u.ci_low is not None else not_ranked,
            col["rank_interval"]: f"{u.rank_low}–{u.rank_high}" if u.rank is not None else "",
            col["median"]: num(f.median),
            col["min"]: num(f.min),
            col["max"]: num(f.max),
        }
        for band, name in band_cols:
            row[name] = f.grade_counts.get(band, 0)
        row.update({
            col["pass_rate"]: num(f.pass_rate),
            col["excellent_rate"]: num(f.excellent_rate),
            col["vetoes"]: f.veto_count,
            col["unit_grade"]: f.grade,
        })
        if with_focus:
            rates = f.focus_rates
            for focus, name in focus_cols:
                row[name] = num(rates.get(focus))
            row[top_col] = "；".join(f"{d.label()}（{d.files}）" for d in f.top_deductions)
        out.append(row)
    return pd.DataFrame(out)


def _column_config(bands: tuple[str, ...]) -> dict[str, Any]:
    two = st.column_config.NumberColumn(format="%.2f")
    cfg: dict[str, Any] = {
        t("cmp.col.rank"): st.column_config.NumberColumn(format="%d", help=t("cmp.help.rank")),
        t("cmp.col.mean"): st.column_config.NumberColumn(format="%.2f", help=t("cmp.help.mean")),
        t("cmp.col.ci"): st.column_config.TextColumn(help=t("cmp.help.ci")),
        t("cmp.col.rank_interval"): st.column_config.TextColumn(help=t("cmp.help.rank_interval")),
        t("cmp.col.median"): two, t("cmp.col.min"): two, t("cmp.col.max"): two,
        t("cmp.col.pass_rate"): st.column_config.ProgressColumn(format="%.2f%%", min_value=0, max_value=100),
        t("cmp.col.excellent_rate"): st.column_config.ProgressColumn(format="%.2f%%", min_value=0, max_value=100),
        t("cmp.col.unit_grade"): st.column_config.TextColumn(help=t("cmp.help.unit_grade")),
    }
    for band in bands:
        cfg[t("cmp.col.grade_n", grade=band)] = st.column_config.NumberColumn(format="%d")
    return cfg


def _ranked(campaign: ChosenCampaign, rows: list[UnitRow], mean: Decimal | None, min_files: int) -> None:
    st.subheader(t("cmp.ranked"))
    st.caption(t("cmp.ranked_help", b=DEFAULT_B, seed=DEFAULT_SEED, n=min_files))
    show_chart(charts.ranked_chart(rows, campaign.bands, chart_labels(), campaign_mean=mean), "cmp_ranked_chart")
    few = [r.figures for r in rows if r.uncertainty.too_few_files]
    if few:
        st.info(t("cmp.too_few", n=min_files, units="、".join(f"{f.unit}（{f.files}）" for f in few)))


def _heatmap(rows: list[UnitRow]) -> None:
    st.subheader(t("cmp.heatmap"))
    st.caption(t("cmp.heatmap_help"))
    ordered = [r.figures for r in league_order(rows)]
    show_chart(charts.focus_heatmap(ordered, list(ALL_FOCUS), chart_labels(), focus_labels(),
                                    unit_order=[f.unit for f in ordered]), "cmp_heatmap")
    with st.expander(t("cmp.heatmap_table")):
        frame = charts.heatmap_frame(ordered, focus_labels())
        wide = frame.pivot_table(index="unit", columns="focus_label", values="rate", sort=False)
        wide = wide.reindex(index=[f.unit for f in ordered if f.unit in wide.index],
                            columns=[c for c in (focus_label(x) for x in ALL_FOCUS) if c in wide.columns])
        wide.index.name = t("cmp.col.unit")
        table(wide, width="stretch", column_config={c: st.column_config.NumberColumn(format="%.2f")
                                                     for c in wide.columns})


def _table(campaign: ChosenCampaign, rows: list[UnitRow]) -> None:
    st.subheader(t("cmp.table"))
    table(unit_frame(rows, campaign.bands), hide_index=True, width="stretch",
          column_config=_column_config(campaign.bands), key="cmp_table")
    st.download_button(t("cmp.download"), csv_bytes(unit_frame(rows, campaign.bands, with_focus=True)),
                       file_name=f"units_{campaign.year}_{campaign.id}.csv", mime="text/csv", key="cmp_download",
                       icon=":material/download:")
    names = {r.figures.unit_id: r.figures.unit for r in league_order(rows)}
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    unit = c1.selectbox(t("cmp.open_unit"), list(names), format_func=names.__getitem__, key="cmp_open_unit")
    c2.page_link("scoring/ui/pages/unit_detail.py", label=t("cmp.open_unit_link"), icon=":material/apartment:",
                 query_params={"campaign": str(campaign.id), "unit": str(unit)})


def render() -> None:
    st.title(t("cmp.title"))
    with reported():
        campaign = choose_campaign("cmp_campaign")
        if campaign is None:
            return
        unit_kind, case_type, _ = filters("cmp")
        min_files = st.number_input(t("cmp.min_files"), min_value=1, max_value=MAX_MIN_FILES,
                                    value=DEFAULT_MIN_FILES, step=1, key="cmp_min_files",
                                    help=t("cmp.min_files_help"))
        found = figures(comparison, campaign.id, unit_kind=unit_kind, case_type=case_type, min_files=int(min_files))
        rows, overall = found.rows, found.overall
        if not rows:
            st.info(t("cmp.no_rows"))
            return
        st.caption(t("cmp.selection", units=len(rows), files=overall.files_reviewed, mean=fmt2(overall.mean)))
        _ranked(campaign, rows, overall.mean, int(min_files))
        _heatmap(rows)
        _table(campaign, rows)


if __name__ == "__main__":
    render()
