"""The running result beside the form (pinned on a wide screen): score, grade, points deducted, vetoes,
and what is still missing before the review can be submitted, with a link to each place."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from scoring.engine import ScoreResult
from scoring.errors import Problem
from scoring.rubric.model import Standard
from scoring.ui.i18n import t

PIN_CSS = """<style>
@media (min-width: 1000px) {
  div[data-testid="stColumn"]:has(.st-key-score_side) {
    position: sticky; top: 3.5rem; align-self: flex-start; max-height: calc(100vh - 4rem); overflow-y: auto;
  }
}
</style>"""


def anchor_id(item_or_veto_id: str) -> str:
    return "mark-" + "".join(c if c.isalnum() else "-" for c in item_or_veto_id)


def anchor(item_or_veto_id: str) -> None:
    """An invisible target the missing-list links jump to."""
    st.markdown(f'<span id="{anchor_id(item_or_veto_id)}"></span>', unsafe_allow_html=True)


def pin() -> None:
    """Keep the side column (live panel and PDF viewer) in view while the form scrolls."""
    st.html(PIN_CSS)


def _target(problem: Problem) -> str | None:
    path = problem.path or ""
    parts = path.split(".")
    return parts[1].split("[")[0] if len(parts) > 1 else None


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def show(result: ScoreResult | None, standard: Standard, missing: list[Problem], *, saved_note: str,
         dirty: bool) -> None:
    """The panel: figures from the engine on the marks so far, then the missing list and the save state."""
    with st.container(border=True, key="live_panel"):
        if result is None:
            st.markdown(f"**{t('live.no_result')}**")
        else:
            deducted = result.applicable_max - result.earned
            c1, c2 = st.columns(2)
            c1.metric(t("live.score"), _fmt(result.score))
            c2.metric(t("live.grade"), result.grade)
            vetoes = [standard.vetoes_by_id[v].title for v in result.veto.triggered if v in standard.vetoes_by_id]
            st.markdown(t("live.figures", deducted=f"{deducted.normalize():f}", earned=f"{result.earned.normalize():f}",
                          max=f"{result.applicable_max.normalize():f}", vetoes=len(vetoes)))
            if result.bonus:
                st.markdown(f":green[{t('bonus.panel', points=f'{result.bonus.normalize():f}')}]")
            if vetoes:
                st.markdown(f":red[{t('live.vetoes', titles='、'.join(vetoes))}]")
        if missing:
            with st.expander(t("live.missing", n=len(missing)), expanded=len(missing) <= 5, icon=":material/pending:"):
                lines = []
                for p in missing[:30]:
                    target = _target(p)
                    where = f"[{target}](#{anchor_id(target)})" if target else ""
                    lines.append(f"- {where} {p.message}")
                st.markdown("\n".join(lines))
        else:
            st.caption(t("live.complete"))
        st.markdown(f":{'orange' if dirty else 'green'}[{saved_note}]")
