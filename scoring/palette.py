"""The one palette of the charts, on screen (`scoring.ui.charts`) and in documents
(`scoring.documents.charts_png`), so a grade has the same colour everywhere."""

from __future__ import annotations

GRADE_COLOURS: tuple[str, ...] = ("#1a9850", "#66bd63", "#fdae61", "#d73027", "#8c510a", "#542788")  # best band first
UNRANKED_COLOUR = "#bdbdbd"
INK = "#333333"  # rules, error bars
WORSE = "#d6604d"  # harsher / lower than before
BETTER = "#4393c3"  # more lenient / higher than before


def grade_colours(n: int) -> list[str]:
    """Colours for `n` grade bands, best first."""
    return list(GRADE_COLOURS[:n])
