"""The Altair chart builders (scoring/ui/charts.py): the data each chart carries is the core's figures,
the encodings and tooltips are the intended ones, labels follow the language, and every chart uses a
CJK-capable font. No Streamlit involved: the builders are pure functions.
"""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd
import pytest

from scoring.aggregate import (
    agreement,
    campaign_figures,
    focus_rates,
    unit_summary,
    unit_table,
    year_over_year,
)
from scoring.aggregate.pareto import pareto
from scoring.db.session import open_db, session_factory
from scoring.documents import charts_png
from scoring.domain import ALL_FOCUS
from scoring.ui import charts as C
from scoring.ui.texts.compare import TEXTS
from tests.test_aggregate_world import U1, U2, U3, U4, build_world

BANDS = ["优秀", "良好", "合格", "不合格"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The aggregation tests' world on SQLite (the charts do not depend on the backend); read only."""
    tmp = tmp_path_factory.mktemp("charts")
    engine = open_db(f"sqlite:///{tmp / 'charts.db'}")
    session = session_factory(engine)()
    try:
        yield build_world(session, tmp)
    finally:
        session.close()
        engine.dispose()


def spec(chart) -> dict:
    return chart.to_dict()  # validates against the Vega-Lite schema


def layers(chart) -> list[dict]:
    d = spec(chart)
    return d.get("layer", [d])


def data_of(chart, layer: dict) -> list[dict]:
    """The rows a layer draws (its named dataset, else the top-level one)."""
    d = spec(chart)
    name = (layer.get("data") or d.get("data"))["name"]
    return d["datasets"][name]


def tooltip_fields(layer: dict) -> dict[str, str]:
    return {t["field"]: t.get("title", "") for t in layer["encoding"]["tooltip"]}


def mark(layer: dict) -> str:
    m = layer["mark"]
    return m if isinstance(m, str) else m["type"]


def assert_cjk_font(chart) -> None:
    config = spec(chart)["config"]
    assert config["font"] == C.FONT
    assert config["axis"]["labelFont"] == config["axis"]["titleFont"] == C.FONT
    assert config["legend"]["labelFont"] == C.FONT
    assert "Noto Sans CJK SC" in C.FONT


def test_grade_chart_counts_are_the_campaign_figures(world):
    f = campaign_figures(world.session, world.lead, world.current.id)
    chart = C.grade_chart(f)
    bars, text = layers(chart)
    assert mark(bars) == "bar" and mark(text) == "text"
    rows = data_of(chart, bars)
    assert [(r["grade"], r["files"]) for r in rows] == list(f.grade_counts.items()) == [
        ("优秀", 4), ("良好", 5), ("合格", 2), ("不合格", 1)]
    assert [r["share"] for r in rows] == pytest.approx([100 * n / 12 for n in (4, 5, 2, 1)], abs=0.005)
    assert bars["encoding"]["x"]["sort"] == BANDS
    assert tooltip_fields(bars) == {"grade": "等次", "files": "案卷数", "share": "占比（%）"}
    assert_cjk_font(chart)


def test_ranked_chart_bars_intervals_and_flags(world):
    rows = unit_table(world.session, world.lead, world.current.id)
    by_unit = {r.figures.unit: r for r in rows}
    f = campaign_figures(world.session, world.lead, world.current.id)
    chart = C.ranked_chart(rows, BANDS, campaign_mean=f.mean)
    bars, interval, mean_rule = layers(chart)
    data = data_of(chart, bars)
    # Ranked units by rank, then the unit with too few files (two) greyed out with a suffix, no interval.
    assert [r["unit"] for r in data] == [U1, U4, U2, U3]
    assert [r["rank"] for r in data[:3]] == [1, 2, 3] and data[3]["rank"] is None
    assert data[3]["label"] == f"{U3}（案卷不足，不排名）" and data[3]["ranked"] is False
    for r in data:
        u = by_unit[r["unit"]]
        assert r["mean"] == pytest.approx(float(u.figures.mean))
        assert r["ci_low"] == (pytest.approx(u.uncertainty.ci_low) if u.uncertainty.ci_low is not None else None)
        assert r["ci_high"] == (pytest.approx(u.uncertainty.ci_high) if u.uncertainty.ci_high is not None else None)
    assert bars["encoding"]["y"]["sort"] == [r["label"] for r in data]
    assert bars["encoding"]["x"]["field"] == "mean"
    assert bars["encoding"]["color"]["condition"]["field"] == "grade"
    assert bars["encoding"]["color"]["value"] == C.UNRANKED_COLOUR
    assert mark(interval) == "errorbar"
    assert (interval["encoding"]["x"]["field"], interval["encoding"]["x2"]["field"]) == ("ci_low", "ci_high")
    assert interval["transform"] == [{"filter": "datum.ranked"}]
    assert set(tooltip_fields(bars)) == {"unit", "files", "mean", "ci_low", "ci_high", "rank", "rank_interval",
                                         "grade"}
    assert data_of(chart, mean_rule) == [{"campaign_mean": float(f.mean)}]
    assert_cjk_font(chart)


def test_heatmap_rates_are_the_units_focus_rates(world):
    units = unit_summary(world.session, world.lead, world.current.id)
    chart = C.focus_heatmap(units, list(ALL_FOCUS))
    cells, text = layers(chart)
    rows = data_of(chart, cells)
    expected = {(u.unit, f.focus): float(f.rate) for u in units for f in u.focus}
    assert {(r["unit"], r["focus"]): r["rate"] for r in rows} == expected
    assert expected[(U1, "discretion_benchmark")] == 84.38 and expected[(U4, "subject")] == 87.5
    assert cells["encoding"]["color"]["field"] == "rate" and mark(cells) == "rect"
    assert cells["encoding"]["x"]["sort"] == ["裁量权基准适用", "执法主体"]  # focus areas before the general ones
    assert text["encoding"]["text"]["field"] == "rate"
    assert set(tooltip_fields(cells)) == {"unit", "focus_label", "rate", "files", "earned", "applicable_max"}


def test_profile_chart_unit_against_campaign(world):
    u = {x.unit: x for x in unit_summary(world.session, world.lead, world.current.id)}[U4]
    average = focus_rates(world.session, world.lead, world.current.id, by_unit=False)[None]
    chart = C.profile_chart(u.focus, average, U4)
    bars, _ = layers(chart)
    rows = {(r["series"], r["focus"]): r["rate"] for r in data_of(chart, bars)}
    for f in u.focus:
        assert rows[(U4, f.focus)] == float(f.rate)
    for f in average:
        assert rows[("本次评查平均", f.focus)] == float(f.rate)
    assert bars["encoding"]["yOffset"]["field"] == "series"
    assert bars["encoding"]["color"]["scale"]["domain"] == [U4, "本次评查平均"]


def test_pareto_chart_bars_and_cumulative_line(world):
    rows = pareto(world.session, world.lead, world.current.id)
    chart = C.pareto_chart(rows, focus_order=list(ALL_FOCUS))
    d = spec(chart)
    assert d["resolve"] == {"scale": {"y": "independent"}}
    bars, line = d["layer"]
    data = data_of(chart, bars)
    assert [r["files"] for r in data] == [r.problem.files for r in rows]
    assert data == sorted(data, key=lambda r: -r["files"])
    assert [r["cumulative_pct"] for r in data] == [float(r.cumulative_pct) for r in rows]
    assert data[-1]["cumulative_pct"] == 100.0
    assert bars["encoding"]["x"]["sort"] == [r["key"] for r in data]
    assert mark(line) == "line" and line["encoding"]["y"]["field"] == "cumulative_pct"
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert {"reason", "files", "share", "cumulative_pct", "units"} <= set(tooltip_fields(bars))


def test_severity_chart_diverges_around_zero(world):
    ag = agreement(world.session, world.current.id)
    chart = C.severity_chart(ag.severity, ["评查人员A", "评查人员B"])
    bars, text, zero = layers(chart)
    rows = data_of(chart, bars)
    assert [r["reviewer"] for r in rows] == ["评查人员A", "评查人员B"]  # the names given, not the accounts'
    assert [r["severity"] for r in rows] == pytest.approx([round(s.severity, 2) for s in ag.severity])
    assert [r["files"] for r in rows] == [s.files for s in ag.severity]
    assert [r["direction"] for r in rows] == ["偏严" if s.severity < 0 else "偏宽" for s in ag.severity]
    assert data_of(chart, zero) == [{"zero": 0}]
    assert text["encoding"]["text"]["field"] == "files"
    assert set(tooltip_fields(bars)) == {"reviewer", "files", "severity", "mean_abs_diff"}
    # Without names, the display names.
    default = C.severity_frame(ag.severity)
    assert list(default["reviewer"]) == [s.display_name for s in ag.severity]


def test_item_agreement_chart(world):
    ag = agreement(world.session, world.current.id, min_item_files=2, min_deducted_files=1)
    assert ag.lowest
    chart = C.item_agreement_chart(ag.lowest)
    rule, point = layers(chart)
    rows = data_of(chart, rule)
    assert [r["alpha"] for r in rows] == pytest.approx([i.alpha for i in ag.lowest])
    assert mark(rule) == "errorbar" and point["encoding"]["x"]["field"] == "alpha"


def test_year_over_year_charts(world):
    yoy = year_over_year(world.session, world.lead, world.previous.id, world.current.id)
    chart = C.change_chart(yoy.units)
    bars, _ = layers(chart)
    rows = data_of(chart, bars)
    assert {r["unit"]: r["change"] for r in rows} == {c.unit: float(c.change) for c in yoy.units}
    assert [r["change"] for r in rows] == sorted((r["change"] for r in rows), reverse=True)
    heat = C.focus_change_heatmap(yoy.units, list(ALL_FOCUS))
    cells, _ = layers(heat)
    got = {(r["unit"], r["focus"]): r["change"] for r in data_of(heat, cells)}
    assert got == {(c.unit, f.focus): float(f.change) for c in yoy.units for f in c.focus if f.change is not None}


def test_english_labels_replace_the_chinese_ones(world):
    f = campaign_figures(world.session, world.lead, world.current.id)
    en = {k[len("cmp.chart."):]: v[1] for k, v in TEXTS.items() if k.startswith("cmp.chart.")}
    chart = C.grade_chart(f, en)
    bars, _ = layers(chart)
    assert bars["encoding"]["y"]["title"] == "Files"
    assert tooltip_fields(bars) == {"grade": "Grade", "files": "Files", "share": "Share (%)"}


def test_chart_labels_have_both_languages():
    zh = {k[len("cmp.chart."):]: v[0] for k, v in TEXTS.items() if k.startswith("cmp.chart.")}
    assert zh == C.LABELS_ZH


def test_empty_inputs_give_empty_charts():
    for chart in (C.ranked_chart([], BANDS), C.focus_heatmap([], list(ALL_FOCUS)), C.pareto_chart([]),
                  C.severity_chart([]), C.change_chart([]), C.item_agreement_chart([]),
                  C.profile_chart([], [], "x"), C.focus_change_heatmap([], list(ALL_FOCUS))):
        assert spec(chart)["config"]["font"] == C.FONT


def test_document_charts_are_valid_vega_lite():
    """The notice's charts are drawn without Altair's schema check (scoring.documents.charts_png): it is
    here instead, on a grade chart and a unit chart with every band and the pass line."""
    bands = ["优秀", "良好", "合格", "不合格"]
    charts_png.grade_chart(dict.fromkeys(bands, 3)).to_dict()  # raises when the spec does not fit the schema
    units = [(f"单位{i}", Decimal(55 + i * 10), bands[3 - i]) for i in range(4)]
    spec = charts_png.unit_chart(units, bands, Decimal(60)).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text", "rule"]


def test_one_configure_call_gives_the_chained_calls_config():
    """`configure` sets font, axis, legend and title in one copy of the chart; the spec is what four chained
    calls gave."""
    chart = alt.layer(alt.Chart(pd.DataFrame({"unit": ["甲", "乙"], "mean": [80.5, 90.0]})).mark_bar().encode(
        x="mean:Q", y=alt.Y("unit:N", sort=["乙", "甲"])))
    chained = (chart.configure(font=C.FONT)
               .configure_axis(labelFont=C.FONT, titleFont=C.FONT, labelLimit=260)
               .configure_legend(labelFont=C.FONT, titleFont=C.FONT, labelLimit=260)
               .configure_title(font=C.FONT))
    assert spec(C.configure(chart)) == spec(chained)
