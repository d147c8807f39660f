"""Scoring a file (reviewer): the form built from the review's own standard version, the running result,
explicit draft saves, the stale-save conflict, submit with confirmation, then a read-only view; other
reviewers' submitted reviews are shown beside one's own only after submitting (blind review)."""

from __future__ import annotations

import streamlit as st

from scoring.desk.reviewer import (
    OpenedReview,
    QueueEntry,
    QueueWindow,
    open_for_scoring,
    others_after_submission,
    queue_window,
)
from scoring.errors import CaseReviewError
from scoring.form_notes import form_notes
from scoring.rubric.model import Standard
from scoring.ui import form_hints, live_form, pdf_viewer, score_store, state
from scoring.ui.common import flag_label, show_error
from scoring.ui.i18n import t
from scoring.ui.score_form import questions
from scoring.ui.score_form.labels import FormContext, run_engine, standard_version
from scoring.ui.score_form.result_view import show_others, show_result

PICK = "score_pick"
FIND = "score_find"
QUERY = "assignment"
MY_FILES = "scoring/ui/pages/my_files.py"


def _from_query() -> int | None:
    raw = st.query_params.get(QUERY)
    return int(raw) if raw and str(raw).isdigit() else None


def _choose(assignment_id: int | None) -> None:
    st.session_state[score_store.SELECTED] = assignment_id
    if assignment_id is None:
        st.query_params.pop(QUERY, None)
    else:
        st.query_params[QUERY] = str(assignment_id)


def _picked() -> None:
    _choose(st.session_state.get(PICK))


def _status_label(status: str) -> str:
    return t(f"myfiles.status.{status}")


def _label(e: QueueEntry) -> str:
    return f"{e.case_number} · {_status_label(e.status)} · {e.campaign}"


def _picker(window: QueueWindow, chosen: int | None) -> int | None:
    """The files of the window (the stretch of the queue around the chosen one, or a search's matches),
    the chosen one always among them, with previous/next through the whole queue. Returns the chosen
    assignment even when it is not the actor's, so that opening it shows why it cannot be."""
    options = {e.assignment_id: e for e in window.entries}
    if window.chosen is not None and window.chosen.assignment_id not in options:
        options = {window.chosen.assignment_id: window.chosen, **options}
    st.session_state[PICK] = chosen if window.chosen is not None else None  # not one's own: the core refuses it
    labels = {a: _label(e) for a, e in options.items()}
    find, back, ahead = st.columns([4, 1, 1], vertical_alignment="bottom")
    find.text_input(t("scorep.find"), key=FIND, placeholder=t("scorep.find_hint"))
    back.button(t("scorep.previous"), key="score_prev", icon=":material/chevron_left:", width="stretch",
                disabled=window.previous is None, on_click=_choose, args=(window.previous,))
    ahead.button(t("scorep.next"), key="score_next", icon=":material/chevron_right:", width="stretch",
                 disabled=window.next is None, on_click=_choose, args=(window.next,))
    st.selectbox(  # labels fixed now, in the chosen language (a later format outside a run keeps them)
        t("scorep.pick"), list(options), key=PICK, on_change=_picked, placeholder=t("scorep.pick_hint"),
        format_func=labels.__getitem__,
    )
    st.caption(_window_caption(window))
    if chosen is not None:
        _choose(chosen)
    return chosen


def _window_caption(window: QueueWindow) -> str:
    if st.session_state.get(FIND, "").strip():
        return t("scorep.found", n=window.total, shown=len(window.entries))
    where = t("scorep.position", position=window.position, total=window.total) if window.position else ""
    listed = t("scorep.listed", first=window.first, last=window.first + len(window.entries) - 1,
               total=window.total) if window.entries else ""
    return " · ".join(part for part in (where, listed) if part)


def _header(entry: QueueEntry, standard_title: str, version_label: str | None, standard_hash: str) -> None:
    kind = entry.case_type + (f"（{entry.procedure}程序）" if entry.procedure else "")
    unit = entry.unit if entry.unit is not None else t("myfiles.unit_hidden")
    st.subheader(entry.case_number)
    flags = "".join(f" :violet-badge[{flag_label(f)}]" for f in entry.flags)
    st.markdown(f"{kind} · {unit} · {t('scorep.decided', date=entry.decision_date.isoformat())}{flags}")
    lines = [entry.description] if entry.description else []
    lines.append(t("scorep.standard", title=standard_title, label=version_label or "—", hash=standard_hash[:12]))
    st.caption("  \n".join(lines))


def render() -> None:
    st.title(t("scorep.title"))
    chosen = _from_query() or st.session_state.get(score_store.SELECTED)
    try:
        with state.acting() as (session, actor):
            window = queue_window(session, actor, chosen, search=st.session_state.get(FIND, ""))
    except CaseReviewError as exc:
        show_error(exc)
        return
    if not window.total and not st.session_state.get(FIND, "").strip():
        st.info(t("myfiles.none"))
        return
    assignment_id = _picker(window, chosen)
    if assignment_id is None:
        if window.total:
            st.info(t("scorep.choose"))
            st.page_link(MY_FILES, label=t("page.my_files"), icon=":material/assignment:")
        return
    try:
        with state.acting(write=True) as (session, actor):
            opened = open_for_scoring(session, actor, assignment_id, create=False)
        standard = standard_version(opened.standard_hash)
    except CaseReviewError as exc:
        show_error(exc)
        return
    _header(opened.file, standard.title, standard.version_label, opened.standard_hash)
    if opened.locked:
        score_store.forget(assignment_id)
        st.success(t("scorep.locked"), icon=":material/lock:")
        _read_only(opened, standard, assignment_id)
        return
    kept = score_store.get(assignment_id)
    if kept is not None:  # count a change the widgets hold but the kept input has not seen yet
        live_form.sync_from_widgets(assignment_id, kept["gen"], kept["entry"])
    store, refreshed = score_store.ensure(assignment_id, opened.version, opened.marks)
    store[questions.ANSWERS] = dict(opened.answers)  # saved the moment they are given: the stored ones hold
    if refreshed:
        st.info(t("scorep.refreshed", version=opened.version))
    st.caption(f":material/visibility_off: {t('scorep.blind_hint')}")
    with state.db_session() as session:
        form_hints.set_notes(form_notes(session, state.current_user(session), opened.file.campaign_id,
                                        opened.file.case_file_id))
    live_form.scoring_form(live_form.LiveContext.of(opened))


def _read_only(opened: OpenedReview, standard: Standard, assignment_id: int) -> None:
    """A submitted review: the result and, once submitted, the other reviewers' — the case file beside it."""
    has_pdf = pdf_viewer.has_pdf(opened.file.case_file_id)
    main, side = st.columns([3, 2]) if has_pdf else (st.container(), None)
    with main:
        try:
            result = run_engine(FormContext.of(opened), standard, opened.marks)
            known = questions.known_text(opened.attributes, standard.attribute_keys)
            if known:
                st.caption(t("attrq.known", values=known))
            show_result(result, standard, opened.marks)
            with state.acting() as (session, actor):
                others = others_after_submission(session, actor, assignment_id)
            show_others(standard, result, others)
        except CaseReviewError as exc:
            show_error(exc)
    if side is not None:
        with side:
            st.markdown(f"**{t('pdfv.title')}**")
            pdf_viewer.viewer(opened.file.case_file_id)


if __name__ == "__main__":
    render()
