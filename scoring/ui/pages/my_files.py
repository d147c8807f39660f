"""My files (reviewer): the queue of one's own assigned files in a campaign, with status, score so far and
progress; each file opens in the scoring page."""

from __future__ import annotations

import streamlit as st

from scoring.desk.reviewer import (
    QUEUE_STATUSES,
    QueueEntry,
    my_queue,
    queue_progress,
    reviewer_campaigns,
)
from scoring.errors import CaseReviewError
from scoring.ui import score_store, state
from scoring.ui.common import flag_label, show_error
from scoring.ui.i18n import t
from scoring.ui.score_form.labels import score_text
from scoring.ui.widgets import paged

CAMPAIGN = "myfiles_campaign"
FILTER = "myfiles_filter"
PAGE_KEY = "myfiles_page"
SCORE_PAGE = "scoring/ui/pages/score.py"
BADGE = {"not_started": "gray", "draft": "orange", "submitted": "green"}
OPEN_ICON = {"not_started": ":material/play_arrow:", "draft": ":material/edit:", "submitted": ":material/visibility:"}
WIDTHS = [2.2, 1.5, 2.4, 0.9, 1.3, 1.6]


def _open(assignment_id: int) -> None:
    st.session_state[score_store.SELECTED] = assignment_id
    st.switch_page(SCORE_PAGE, query_params={"assignment": str(assignment_id)})


def _score_text(e: QueueEntry) -> str:
    if e.total is None:
        return "—"
    text = f"{score_text(e.total)} · {e.grade}"
    return text + (f" :red-badge[{t('myfiles.veto')}]" if e.veto else "")


def _row(e: QueueEntry) -> None:
    with st.container(border=True):
        c = st.columns(WIDTHS, vertical_alignment="center")
        unit = e.unit if e.unit is not None else t("myfiles.unit_hidden")
        c[0].markdown(f"**{e.case_number}**  \n:gray[{unit}]")
        kind = e.case_type + (f" · {e.procedure}" if e.procedure else "")
        c[1].markdown(f"{kind}  \n:gray[{e.decision_date.isoformat()}]")
        c[2].markdown(" ".join(f":violet-badge[{flag_label(f)}]" for f in e.flags) or ":gray[—]")
        c[3].markdown(f":{BADGE[e.status]}-badge[{t(f'myfiles.status.{e.status}')}]")
        c[4].markdown(_score_text(e))
        if c[5].button(t(f"myfiles.open.{e.status}"), key=f"myfiles_open_{e.assignment_id}",
                       icon=OPEN_ICON[e.status], width="stretch",
                       type="primary" if e.status != "submitted" else "secondary"):
            _open(e.assignment_id)


def render() -> None:
    st.title(t("myfiles.title"))
    try:
        with state.acting() as (session, user):
            campaigns = reviewer_campaigns(session, user)
            if not campaigns:
                st.info(t("myfiles.none"))
                return
            by_id = {c.id: c for c in campaigns}
            if st.session_state.get(CAMPAIGN) not in by_id:
                st.session_state[CAMPAIGN] = campaigns[0].id
            labels = {i: t("myfiles.campaign_option", name=c.name, n=c.assigned) for i, c in by_id.items()}
            campaign_id = st.selectbox(t("myfiles.campaign"), list(by_id), key=CAMPAIGN, format_func=labels.__getitem__)
            entries = my_queue(session, user, campaign_id)
    except CaseReviewError as exc:
        show_error(exc)
        return
    progress = queue_progress(entries)
    st.progress(progress.fraction, text=t("myfiles.progress", done=progress.submitted, total=progress.assigned))
    m1, m2, m3 = st.columns(3)
    m1.metric(t("myfiles.status.not_started"), progress.not_started, border=True)
    m2.metric(t("myfiles.status.draft"), progress.draft, border=True)
    m3.metric(t("myfiles.status.submitted"), progress.submitted, border=True)
    if st.session_state.get(FILTER) is None:
        st.session_state[FILTER] = "all"
    shown = st.segmented_control(
        t("myfiles.filter"), ["all", *QUEUE_STATUSES], key=FILTER, required=True,
        format_func=lambda s: t("myfiles.filter_all") if s == "all" else t(f"myfiles.status.{s}"))
    rows = [e for e in entries if shown in (None, "all") or e.status == shown]
    if not rows:
        st.caption(t("myfiles.none_in_filter"))
        return
    page = paged(rows, PAGE_KEY)
    head = st.columns(WIDTHS)
    for col, key in zip(head, ("myfiles.col.file", "myfiles.col.type", "myfiles.col.flags", "myfiles.col.status",
                               "myfiles.col.score", "myfiles.col.action"), strict=True):
        col.caption(t(key))
    for e in page:
        _row(e)


if __name__ == "__main__":
    render()
