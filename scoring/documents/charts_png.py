"""Chart images for the documents: Altair specs rendered to PNG by vl-convert with a CJK font.

The font is the one `scoring.documents.fonts.find_cjk_font` found on this machine; its folder is
registered with vl-convert and its family set as the charts' font. Without one no image is drawn
(a chart with unit names would show empty boxes): the caller gets a warning instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from threading import Lock
from typing import Any

import altair as alt
import pandas as pd

from scoring.documents.fonts import CjkFont
from scoring.palette import grade_colours

SCALE = 2  # pixels per CSS pixel: sharp enough for print at the width the documents use
_registered: set[str] = set()
_lock = Lock()

class ChartError(Exception):
    """The chart renderer is missing or failed."""


@dataclass(frozen=True)
class ChartImage:
    key: str  # grades / units
    caption: str
    png: bytes


def _register(font: CjkFont) -> None:
    import vl_convert as vlc

    directory = str(font.directory)
    with _lock:
        if directory not in _registered:
            vlc.register_font_directory(directory)
            _registered.add(directory)


def render_png(chart: alt.TopLevelMixin | dict[str, Any], font: CjkFont, *, scale: float = SCALE) -> bytes:
    """One chart as PNG bytes, its text set in `font`. Raises ChartError when it cannot be drawn."""
    try:
        import vl_convert as vlc
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise ChartError(f"vl-convert-python is not installed ({exc})") from None  # internal: DocWarning chart_failed
    # not checked against the Vega-Lite schema here (a notice draws a dozen charts; the check cost a
    # twentieth of the document): the tests check every document chart's spec (tests/test_charts.py)
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    config = {"font": font.family, "background": "white"}
    try:
        _register(font)
        return vlc.vegalite_to_png(spec, scale=scale, config=config)
    except Exception as exc:  # noqa: BLE001 - the renderer raises plain ValueError/RuntimeError
        raise ChartError(f"the chart could not be drawn: {exc}") from None  # internal: DocWarning chart_failed


def _colors(bands: Sequence[str]) -> alt.Scale:
    return alt.Scale(domain=list(bands), range=grade_colours(len(bands)))


def grade_chart(grade_counts: dict[str, int]) -> alt.Chart:
    """Files per grade, bands in the campaign's order, with the count on each bar."""
    bands = list(grade_counts)
    frame = pd.DataFrame({"等次": bands, "案卷数": [int(grade_counts[b]) for b in bands]})
    base = alt.Chart(frame).encode(
        x=alt.X("等次:N", sort=bands, title="等次", axis=alt.Axis(labelAngle=0, labelFontSize=13)),
        y=alt.Y("案卷数:Q", title="案卷数（本）", axis=alt.Axis(tickMinStep=1)),
    )
    bars = base.mark_bar(size=48).encode(color=alt.Color("等次:N", scale=_colors(bands), legend=None))
    labels = base.mark_text(dy=-8, fontSize=13).encode(text="案卷数:Q")
    return (bars + labels).properties(width=420, height=240)


def unit_chart(units: Sequence[tuple[str, Decimal, str]], bands: Sequence[str], pass_line: Decimal) -> alt.Chart:
    """Each unit's mean score (best first), coloured by its grade, with the pass line."""
    rows = sorted(units, key=lambda u: -u[1])
    frame = pd.DataFrame({"单位": [u[0] for u in rows], "平均分": [float(u[1]) for u in rows],
                          "等次": [u[2] for u in rows]})
    order = frame["单位"].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y("单位:N", sort=order, title=None, axis=alt.Axis(labelFontSize=13, labelLimit=260)),
        x=alt.X("平均分:Q", title="平均分", scale=alt.Scale(domain=[0, 105]), axis=alt.Axis(values=list(range(0, 101, 10)))),
    )
    bars = base.mark_bar(size=14).encode(color=alt.Color(
        "等次:N", scale=_colors(bands), title="单位等次",
        legend=alt.Legend(orient="bottom", labelFontSize=12, titleFontSize=12)))
    labels = base.mark_text(align="left", dx=3, fontSize=12).encode(text=alt.Text("平均分:Q", format=".2f"))
    rule = alt.Chart(pd.DataFrame({"合格线": [float(pass_line)]})).mark_rule(strokeDash=[4, 3], color="#c62828").encode(
        x="合格线:Q")
    return (bars + labels + rule).properties(width=420, height=max(90, 20 * len(rows)))
