"""Saving, submitting and the stale-save conflict panel, and the scoring form that puts them together."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from scoring.desk.reviewer import open_for_scoring
from scoring.engine import ScoreResult
from scoring.errors import CaseReviewError, ConflictError, ProblemReport
from scoring.mark_entry import (
    differing_keys,
    marks_from_entry,
)
from scoring.marks import Marks
from scoring.rubric.model import Standard
from scoring.ui import score_store, state
from scoring.ui.common import show_error
from scoring.ui.i18n import t
from scoring.ui.score_form.labels import (
    FormContext,
    describe_item_mark,
    describe_veto_mark,
    num,
    run_engine,
    score_text,
    show_form_problems,
    standard_version,
)
from scoring.ui.score_form.widgets import (
    section_inputs,
    show_metrics,
    veto_inputs,
    veto_text,
)
from scoring.workflow.reviews import save_draft, submit_review


def _remember_conflict(ctx: FormContext, exc: ConflictError) -> None:
    """Keep the stored marks as they are now, with their version, beside the reviewer's own input."""
    try:
        with state.acting(write=True) as (session, actor):
            current = open_for_scoring(session, actor, ctx.assignment_id)
        score_store.set_conflict(ctx.review_id, version=current.version, marks=current.marks,
                                 status=current.status, message=str(exc))
    except CaseReviewError as again:
        current_marks = exc.current if isinstance(exc.current, Marks) else Marks()
        score_store.set_conflict(ctx.review_id, version=-1, marks=current_marks, status="unknown",
                                 message=f"{exc}; {again}")


def _save(ctx: FormContext, standard: Standard, store: dict[str, Any], expected_version: int) -> None:
    try:
        marks = marks_from_entry(store["entry"])
    except ProblemReport as exc:
        show_form_problems(exc, standard, store["entry"])
        return
    try:
        with state.acting(write=True) as (session, actor):
            review = save_draft(session, actor, ctx.review_id, marks, expected_version=expected_version)
            version = review.version
    except ConflictError as exc:
        _remember_conflict(ctx, exc)
        st.rerun()
    except CaseReviewError as exc:
        show_form_problems(exc, standard, store["entry"])
        return
    score_store.clear_conflict(ctx.review_id)
    score_store.reset(ctx.review_id, version, marks)
    state.flash(t("scorep.saved", version=version))
    st.rerun()


def _submit(ctx: FormContext, standard: Standard, store: dict[str, Any]) -> None:
    try:
        marks = marks_from_entry(store["entry"])
    except ProblemReport as exc:
        show_form_problems(exc, standard, store["entry"])
        return
    try:
        with state.acting(write=True) as (session, actor):
            version = store["version"]
            if marks != store["saved"]:  # unsaved input is saved and submitted as one change
                version = save_draft(session, actor, ctx.review_id, marks, expected_version=version).version
            review = submit_review(session, actor, ctx.review_id, expected_version=version)
            total, grade = review.total, review.grade
    except ConflictError as exc:
        _remember_conflict(ctx, exc)
        st.rerun()
    except CaseReviewError as exc:
        show_form_problems(exc, standard, store["entry"])
        return
    score_store.forget(ctx.review_id)
    state.flash(t("scorep.submitted", score=score_text(total), grade=grade))
    st.rerun()


def _conflict_panel(ctx: FormContext, standard: Standard, store: dict[str, Any], conflict: dict[str, Any]) -> None:
    rid = ctx.review_id
    current: Marks = conflict["marks"]
    with st.container(border=True):
        st.warning(t("scorep.conflict", version=conflict["version"]), icon=":material/sync_problem:")
        st.caption(conflict["message"])
        try:
            mine: Marks | None = marks_from_entry(store["entry"])
        except ProblemReport:
            mine = None
        keys = differing_keys(current, mine) if mine is not None else (
            [*current.items, *(f"veto:{v}" for v in current.vetoes)])
        rows = []
        for key in keys:
            if key.startswith("veto:"):
                vid = key.removeprefix("veto:")
                veto = standard.vetoes_by_id.get(vid)
                rows.append({t("scorep.col.item"): t("scorep.where_veto", title=veto.title if veto else vid),
                             t("scorep.col.current"): describe_veto_mark(current.vetoes.get(vid)),
                             t("scorep.col.mine"): describe_veto_mark(mine.vetoes.get(vid)) if mine else
                             t("scorep.incomplete_short")})
            else:
                found = standard.items_by_id.get(key)
                item = found[1] if found else None
                rows.append({t("scorep.col.item"): f"{key} {item.title}" if item else key,
                             t("scorep.col.current"): describe_item_mark(item, current.items.get(key)),
                             t("scorep.col.mine"): describe_item_mark(item, mine.items.get(key)) if mine else
                             t("scorep.incomplete_short")})
        if rows:
            st.markdown(t("scorep.conflict_diff", n=len(rows)))
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.info(t("scorep.conflict_same"))
        try:
            st.caption(t("scorep.conflict_score", score=score_text(run_engine(ctx, standard, current).score)))
        except CaseReviewError:
            pass
        locked = conflict["status"] not in ("draft",)
        if locked:
            st.error(t("scorep.conflict_locked"))
        c1, c2 = st.columns(2)
        if c1.button(t("scorep.conflict_load"), key=f"score_conflict_load_{rid}", icon=":material/download:",
                     disabled=conflict["version"] < 0):
            score_store.clear_conflict(rid)
            score_store.reset(rid, conflict["version"], current)
            state.flash(t("scorep.loaded", version=conflict["version"]), "info")
            st.rerun()
        if c2.button(t("scorep.conflict_keep"), key=f"score_conflict_keep_{rid}", type="primary",
                     icon=":material/save:", disabled=locked or conflict["version"] < 0):
            _save(ctx, standard, store, conflict["version"])


def _actions(ctx: FormContext, standard: Standard, store: dict[str, Any], conflict: dict[str, Any] | None,
             result: ScoreResult | None) -> None:
    rid = ctx.review_id
    has_conflict = conflict is not None
    if conflict is not None:  # beside the buttons, where the reviewer just clicked
        _conflict_panel(ctx, standard, store, conflict)
    dirty = score_store.is_dirty(store)
    now = (t("scorep.now", score=score_text(result.score), grade=result.grade, veto=veto_text(result, standard))
           if result is not None else t("scorep.incomplete_short"))
    saved = t("scorep.unsaved") if dirty else t("scorep.all_saved", version=store["version"])
    st.markdown(f"**{now}**  \n:{'orange' if dirty else 'gray'}[{saved}]")
    c1, c2 = st.columns(2)
    if c1.button(t("scorep.save"), key=f"score_save_{rid}", type="primary", icon=":material/save:",
                 disabled=has_conflict):
        _save(ctx, standard, store, store["version"])
    if c2.button(t("scorep.reload"), key=f"score_reload_{rid}", icon=":material/restart_alt:", disabled=not dirty,
                 help=t("scorep.reload_help")):
        try:
            with state.acting(write=True) as (session, actor):
                current = open_for_scoring(session, actor, ctx.assignment_id)
        except CaseReviewError as exc:
            show_error(exc)
            return
        score_store.clear_conflict(rid)
        score_store.reset(rid, current.version, current.marks)
        state.flash(t("scorep.loaded", version=current.version), "info")
        st.rerun()
    with st.container(border=True):
        st.markdown(f"**{t('scorep.submit_title')}**")
        st.caption(t("scorep.submit_hint"))
        confirmed = st.checkbox(t("scorep.confirm"), key=f"score_confirm_{rid}")
        if st.button(t("scorep.submit"), key=f"score_submit_{rid}", icon=":material/lock:",
                     disabled=not confirmed or has_conflict):
            _submit(ctx, standard, store)


@st.fragment
def scoring_form(ctx: FormContext) -> None:
    """The editable form (a fragment: marking an item reruns only the form and its running total)."""
    rid = ctx.review_id
    store = score_store.get(rid)
    if store is None:  # the page always creates it first; a stale fragment rerun after a reset
        st.rerun()
        return
    standard = standard_version(ctx.standard_hash)
    entry, gen = store["entry"], store["gen"]
    conflict = score_store.conflict(rid)
    if conflict is not None:
        st.warning(t("scorep.conflict_below", version=conflict["version"]), icon=":material/sync_problem:")
    summary = st.container()
    slot_for: dict[str, Any] = {}
    for section in standard.sections:
        section_inputs(rid, gen, standard, section, ctx.attributes, entry, slot_for)
    veto_inputs(rid, gen, standard, ctx.attributes, entry)
    result: ScoreResult | None = None
    with summary:
        try:
            result = run_engine(ctx, standard, marks_from_entry(entry))
        except CaseReviewError as exc:
            st.warning(t("scorep.incomplete"), icon=":material/edit_note:")
            show_form_problems(exc, standard, entry)
        else:
            show_metrics(result, standard)
            for item_score in result.items:
                slot = slot_for.get(item_score.item_id)
                if slot is None or item_score.status != "deduct":
                    continue
                text = t("scorep.item_deducted", points=num(item_score.deducted), max=num(item_score.max))
                if item_score.requested > item_score.deducted:
                    text += t("scorep.item_floor", requested=num(item_score.requested), max=num(item_score.max))
                slot.caption(text)
    _actions(ctx, standard, store, conflict, result)
