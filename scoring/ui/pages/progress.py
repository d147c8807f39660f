"""Progress (lead): how far the campaign is, per reviewer and per unit, open re-checks and what is left.

Every count comes from SQL in the core (`scoring.workflow.progress`, `scoring.workflow.assignments.reviewer_progress`);
the file lists are paged there too.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring.audit_verify import verify_campaign
from scoring.ui import state
from scoring.ui.common import reported, table
from scoring.ui.i18n import lang, t
from scoring.ui.widgets import choose_campaign
from scoring.workflow.campaigns import get_campaign
from scoring.workflow.progress import (
    FILE_STATES,
    FileState,
    UnitProgress,
    file_states,
    lead_reviewer_progress,
    progress_counts,
)
from scoring.workflow.publish import PUBLISHED, publish_campaign, unpublish_campaign

LIST_LIMIT = 200
LEFT_DEFAULT = ("unassigned", "not_started")


def state_label(s: str) -> str:
    return t(f"progress.state_{s}")


def states_frame(rows: list[FileState]) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("sampling.col_order"): r.draw_order, t("col.case_number"): r.case_number, t("col.unit"): r.unit,
          t("progress.col_assigned"): r.assigned, t("progress.col_started"): r.started,
          t("progress.col_submitted"): r.submitted, t("progress.col_state"): state_label(r.state)} for r in rows],
        columns=[t("sampling.col_order"), t("col.case_number"), t("col.unit"), t("progress.col_assigned"),
                 t("progress.col_started"), t("progress.col_submitted"), t("progress.col_state")],
    )


def _overall(counts: dict[str, int]) -> None:
    total = sum(counts.values())
    final = counts["final"]
    pct = f"{100 * final / total:.0f}" if total else "0"
    st.progress(final / total if total else 0.0, text=t("progress.overall", final=final, total=total, pct=pct))
    cols = st.columns(len(FILE_STATES) + 1)
    cols[0].metric(t("progress.sampled"), total, border=True)
    for col, s in zip(cols[1:], FILE_STATES, strict=True):
        col.metric(state_label(s), counts[s], border=True)


def _reviewers(campaign_id: int) -> None:
    st.subheader(t("progress.by_reviewer"))
    with state.acting() as (session, actor):
        rows = lead_reviewer_progress(session, actor, campaign_id)
    if not rows:
        st.caption(t("progress.no_assignments"))
        return
    done = t("progress.col_done")
    table(
        pd.DataFrame(
            [{t("assign.col_reviewer"): r.reviewer, t("col.unit"): r.unit, t("progress.col_assigned"): r.assigned,
              t("progress.col_not_started"): r.assigned - r.draft - r.submitted, t("progress.col_draft"): r.draft,
              t("progress.col_submitted"): r.submitted, done: r.submitted / r.assigned if r.assigned else 0.0}
             for r in rows]),
        hide_index=True, width="stretch",
        column_config={done: st.column_config.ProgressColumn(done, min_value=0.0, max_value=1.0, format="percent")},
    )


def _units(rows: list[UnitProgress]) -> None:
    st.subheader(t("progress.by_unit"))
    table(
        pd.DataFrame(
            [{t("col.unit"): r.unit, t("progress.col_sampled"): r.sampled, t("progress.col_has_reviewers"): r.assigned,
              t("progress.col_fully_scored"): r.fully_scored, t("progress.col_awaiting"): r.awaiting_recheck,
              t("progress.col_final"): r.final} for r in rows],
            columns=[t("col.unit"), t("progress.col_sampled"), t("progress.col_has_reviewers"),
                     t("progress.col_fully_scored"), t("progress.col_awaiting"), t("progress.col_final")]),
        hide_index=True, width="stretch",
    )


def _file_list(campaign_id: int, states: tuple[str, ...], empty: str) -> None:
    with state.acting() as (session, actor):
        rows, total = file_states(session, actor, campaign_id, states=states,
                                  limit=LIST_LIMIT)
    if not rows:
        st.caption(empty)
        return
    if total > len(rows):
        st.caption(t("progress.capped", shown=len(rows), total=total))
    table(states_frame(rows), hide_index=True, width="stretch")


def _audit(campaign_id: int) -> None:
    """The audit chain check of this campaign (publishing runs it too and refuses on failure)."""
    st.subheader(t("audit.title"))
    st.caption(t("audit.help"))
    if not st.button(t("audit.run"), key="audit_verify"):
        return
    with state.db_session() as session:
        report = verify_campaign(session, state.current_user(session), campaign_id)
    if report.ok:
        st.success(t("audit.ok", entries=report.entries, rows=report.rows_checked,
                     anchor=f"{report.anchor_seq}:{report.anchor}"))
        return
    lines = report.lines(lang())
    st.error(t("audit.failed", n=len(lines)))
    table(pd.DataFrame({t("col.message"): lines}), hide_index=True, width="stretch")


def _publishing(campaign_id: int) -> None:
    """Publish (or withdraw) the results; the core refuses while any sampled file lacks a final result."""
    st.subheader(t("publish.title"))
    with state.db_session() as session:
        published = get_campaign(session, campaign_id).status == PUBLISHED
    if published:
        st.success(t("publish.is_published"))
        reason = st.text_input(t("publish.withdraw_reason"), key="pub_withdraw_reason")
        if st.button(t("publish.withdraw"), key="pub_withdraw"):
            with state.acting(write=True) as (session, actor):
                unpublish_campaign(session, actor, get_campaign(session, campaign_id), reason)
            state.flash(t("publish.withdrawn"))
            st.rerun()
        return
    st.caption(t("publish.help"))
    if st.button(t("publish.button"), key="pub_publish", type="primary"):
        with state.acting(write=True) as (session, actor):
            publish_campaign(session, actor, get_campaign(session, campaign_id))
        state.flash(t("publish.done"))
        st.rerun()


def render() -> None:
    st.title(t("progress.title"))
    with reported():
        campaign = choose_campaign("prog_campaign", workflow=True)
        if campaign is None:
            return
        with state.acting() as (session, actor):
            counts, units = progress_counts(session, actor, campaign.id)
        if not sum(counts.values()):
            st.info(t("progress.no_sample"))
            return
        _overall(counts)
        _reviewers(campaign.id)
        _units(units)
        st.subheader(t("progress.open_rechecks", n=counts["awaiting_recheck"]))
        _file_list(campaign.id, ("awaiting_recheck",), t("progress.none_open"))
        st.subheader(t("progress.left"))
        chosen = st.multiselect(t("progress.left_states"), [s for s in FILE_STATES if s != "final"],
                                default=list(LEFT_DEFAULT), key="prog_left_states", format_func=state_label, placeholder=t("widget.choose"))
        _file_list(campaign.id, tuple(chosen), t("progress.none_left"))
        _audit(campaign.id)
        _publishing(campaign.id)


if __name__ == "__main__":
    render()
