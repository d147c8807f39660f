"""The scoring form, the stale-save conflict panel and the read-only result view of the scoring page.

Every number shown comes from the pure engine (`scoring.engine.score`) run on the form's current marks;
every rule (what may be deducted, locations on submit, versions, permissions) is enforced by the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from scoring.db.models import User
from scoring.db.session import transaction
from scoring.engine import ScoreResult, score
from scoring.errors import CaseReviewError, ConflictError, ProblemReport
from scoring.mark_entry import (
    CHOICES,
    DEDUCT,
    MAX_OCCURRENCES,
    NA,
    OK,
    differing_keys,
    empty_detail,
    empty_item,
    empty_veto,
    marks_from_entry,
)
from scoring.marks import ItemMark, Marks, VetoMark
from scoring.reviewer_desk import OpenedReview, open_for_scoring
from scoring.reviews import save_draft, submit_review
from scoring.rubric.model import CItem, CSection, CVeto, Standard
from scoring.rubric.schema import Deduction, FileAttributes, GradeBand
from scoring.standards import load_version
from scoring.ui import score_store, state
from scoring.ui.common import focus_label, show_error
from scoring.ui.i18n import t


# ------------------------------------------------------------------------------------------ values


@st.cache_resource(show_spinner=False, max_entries=64)
def standard_version(standard_hash: str) -> Standard:
    """A stored standard version (immutable: its content is checked against its hash), loaded once."""
    with state.db_session() as session:
        return load_version(session, standard_hash)


@dataclass(frozen=True)
class FormContext:
    """What the form fragment needs besides the kept input (plain values: fragments keep their arguments)."""

    review_id: int
    assignment_id: int
    standard_hash: str
    attributes: FileAttributes
    bands: tuple[GradeBand, ...]
    pass_line: Decimal

    @classmethod
    def of(cls, opened: OpenedReview) -> FormContext:
        return cls(opened.review_id, opened.file.assignment_id, opened.standard_hash, opened.attributes,
                   tuple(opened.bands), opened.pass_line)


def num(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{d.normalize():f}"
    return text


def score_text(value: Decimal | None) -> str:
    """A score as published: two decimal places (93.75, 100.00)."""
    return "—" if value is None else f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


def deduction_label(d: Deduction) -> str:
    if d.points is not None:
        return t("scorep.ded_fixed", reason=d.reason, points=num(d.points))
    cap = t("scorep.ded_cap", cap=num(d.cap)) if d.cap is not None else ""
    return t("scorep.ded_each", reason=d.reason, points=num(d.per_occurrence), cap=cap)


def effect_label(veto: CVeto) -> str:
    if veto.effect.kind == "cap":
        return t("scorep.effect_cap", band=veto.effect.band)
    return t(f"scorep.effect_{veto.effect.kind}")


def conditions_text(conditions: list) -> str:
    return "；".join(c.describe() for c in conditions if c.describe())


def run_engine(ctx: FormContext, standard: Standard, marks: Marks) -> ScoreResult:
    return score(standard, ctx.attributes, marks, bands=list(ctx.bands), pass_line=ctx.pass_line)


_PATH = re.compile(r"^(items|vetoes)\.([^.\[]+)(?:\.deductions\[(\d+)\])?")


def where_label(standard: Standard, entry: dict[str, Any], path: str | None) -> str:
    """A problem's path (items.A1.deductions[0], vetoes.V1) as the reviewer knows it: item title and reason."""
    m = _PATH.match(path or "")
    if not m:
        return path or ""
    kind, ident, index = m.groups()
    if kind == "vetoes":
        veto = standard.vetoes_by_id.get(ident)
        return t("scorep.where_veto", title=veto.title if veto else ident)
    found = standard.items_by_id.get(ident)
    if found is None:
        return ident
    item = found[1]
    label = f"{item.id} {item.title}"
    if index is not None:
        reasons = (entry.get("items", {}).get(ident) or {}).get("reasons") or []
        i = int(index)
        d = item.deduction(reasons[i]) if i < len(reasons) else None
        if d is not None:
            label += f" · {d.reason}"
    return label


def show_form_problems(exc: CaseReviewError, standard: Standard, entry: dict[str, Any]) -> None:
    """A core error; a problem report as a table of where (item, reason) and what."""
    if not isinstance(exc, ProblemReport):
        show_error(exc)
        return
    st.error(t("scorep.problems", n=len(exc.problems), title=exc.title))
    st.dataframe(
        pd.DataFrame([{t("scorep.col.where"): where_label(standard, entry, p.path),
                       t("col.message"): p.message} for p in exc.problems],
                     columns=[t("scorep.col.where"), t("col.message")]),
        hide_index=True, width="stretch",
    )


def describe_item_mark(item: CItem | None, im: ItemMark | None) -> str:
    if im is None or (not im.na and not im.deductions):
        text = t("scorep.choice.ok")
    elif im.na:
        text = t("scorep.choice.na")
    else:
        parts = []
        for dm in im.deductions:
            d = item.deduction(dm.reason) if item else None
            reason = d.reason if d else dm.reason
            times = f"×{dm.occurrences}" if dm.occurrences != 1 else ""
            where = dm.location.describe()
            parts.append(f"{reason}{times}" + (f"（{where}）" if where else "")
                         + (f"：{dm.comment}" if dm.comment else ""))
        text = t("scorep.choice.deduct") + "：" + "；".join(parts)
    if im is not None and im.comment:
        text += f" — {im.comment}"
    return text


def describe_veto_mark(vm: VetoMark | None) -> str:
    if vm is None:
        return t("scorep.veto_off")
    where = vm.location.describe()
    return t("scorep.veto_on") + (f"（{where}）" if where else "") + (f"：{vm.comment}" if vm.comment else "")


# ------------------------------------------------------------------------------------------ widgets


def _widget_value(key: str, seed: Any, draw) -> Any:  # noqa: ANN001
    score_store.bind(key, seed)
    return draw(key)


def _location_inputs(rid: int, gen: int, values: dict[str, Any], *parts: str, occurrences: bool = False) -> None:
    """Page / media file / time / comment inputs for one deduction or veto, written back into `values`."""
    cols = st.columns([1, 1.2, 2, 1.2, 3] if occurrences else [1.2, 2, 1.2, 3])
    if occurrences:
        cols = list(cols)
        occ_col = cols.pop(0)
        n = values.get("occurrences", 1)
        values["occurrences"] = _widget_value(
            score_store.widget_key(rid, gen, *parts, "occ"), int(n) if isinstance(n, int | float) else 1,
            lambda k: occ_col.number_input(t("scorep.occurrences"), min_value=1, max_value=MAX_OCCURRENCES,
                                           step=1, key=k))
    c_page, c_file, c_time, c_comment = cols
    values["page"] = _widget_value(score_store.widget_key(rid, gen, *parts, "page"), values.get("page", ""),
                                   lambda k: c_page.text_input(t("scorep.page"), key=k, placeholder="12 / 3-5"))
    values["media_file"] = _widget_value(
        score_store.widget_key(rid, gen, *parts, "media"), values.get("media_file", ""),
        lambda k: c_file.text_input(t("scorep.media_file"), key=k, placeholder=t("scorep.media_file_hint")))
    values["media_time"] = _widget_value(
        score_store.widget_key(rid, gen, *parts, "time"), values.get("media_time", ""),
        lambda k: c_time.text_input(t("scorep.media_time"), key=k, placeholder="00:12:30"))
    values["comment"] = _widget_value(
        score_store.widget_key(rid, gen, *parts, "comment"), values.get("comment", ""),
        lambda k: c_comment.text_input(t("scorep.comment"), key=k, max_chars=2000))


def _item(rid: int, gen: int, item: CItem, entry: dict[str, Any], slot_for: dict[str, Any]) -> None:
    items = entry["items"]
    current = items.get(item.id) or empty_item()
    with st.container(border=True):
        head, choice_col = st.columns([3, 2], vertical_alignment="center")
        head.markdown(f"**{item.title}**  \n:gray[{item.id} · {t('scorep.points', max=num(item.max))} · "
                      f"{focus_label(item.focus)}]")
        options = [OK, DEDUCT] + ([NA] if item.allow_na or current["choice"] == NA else [])
        seed = current["choice"] if current["choice"] in CHOICES else OK
        choice = _widget_value(
            score_store.widget_key(rid, gen, item.id, "choice"), seed,
            lambda k: choice_col.segmented_control(
                item.title, options, key=k, required=True, label_visibility="collapsed",
                format_func=lambda c: t(f"scorep.choice.{c}"),
                help=item.guidance or item.recommendation))
        choice = choice or OK
        if choice == OK and item.id not in items:
            slot_for[item.id] = st.empty()
            return
        it = items.setdefault(item.id, empty_item())
        it["choice"] = choice
        if choice == DEDUCT:
            reason_ids = [d.id for d in item.deductions]
            by_id = {d.id: d for d in item.deductions}
            chosen = _widget_value(
                score_store.widget_key(rid, gen, item.id, "reasons"),
                [r for r in it.get("reasons", []) if r in by_id],
                lambda k: st.multiselect(t("scorep.reasons"), reason_ids, key=k,
                                         format_func=lambda r: deduction_label(by_id[r]),
                                         placeholder=t("scorep.reasons_hint"), select_all=False))
            unknown = [r for r in it.get("reasons", []) if r not in by_id]  # not listed: kept for the engine to refuse
            it["reasons"] = list(chosen) + unknown
            details = it.setdefault("details", {})
            for reason in chosen:
                d = by_id[reason]
                values = details.setdefault(reason, empty_detail())
                st.caption(f"**{d.reason}**")
                _location_inputs(rid, gen, values, item.id, reason, occurrences=d.points is None)
        elif choice == NA:
            it["comment"] = _widget_value(
                score_store.widget_key(rid, gen, item.id, "na_comment"), it.get("comment", ""),
                lambda k: st.text_input(t("scorep.na_comment"), key=k, max_chars=2000))
        slot_for[item.id] = st.empty()


def _section(rid: int, gen: int, standard: Standard, section: CSection, attrs: FileAttributes,
             entry: dict[str, Any], slot_for: dict[str, Any]) -> None:
    applicable = [i for i in section.items if standard.item_applies(i.id, attrs)]
    skipped = [i for i in section.items if not standard.item_applies(i.id, attrs)]
    focus = list(dict.fromkeys(focus_label(i.focus) for i in section.items))
    label = t("scorep.section", title=section.title, max=num(section.max))
    if not applicable:
        label += t("scorep.section_na")
    with st.expander(label, expanded=bool(applicable), icon=None if applicable else ":material/block:"):
        st.caption(t("scorep.focus", areas="、".join(focus)))
        for item in applicable:
            _item(rid, gen, item, entry, slot_for)
        for item in skipped:
            cond = conditions_text(section.conditions + item.conditions)
            st.markdown(f":gray[~~{item.id} {item.title}~~ · {t('scorep.not_applicable', cond=cond)}]")


def _vetoes(rid: int, gen: int, standard: Standard, attrs: FileAttributes, entry: dict[str, Any]) -> None:
    vetoes = entry["vetoes"]
    shown = [v for v in standard.vetoes if standard.veto_applies(v.id, attrs) or (vetoes.get(v.id) or {}).get("on")]
    skipped = [v for v in standard.vetoes if v not in shown]
    st.subheader(t("scorep.vetoes"))
    if not shown:
        st.caption(t("scorep.no_vetoes"))
    else:
        st.caption(t("scorep.vetoes_hint"))
    for veto in shown:
        with st.container(border=True):
            current = vetoes.get(veto.id) or empty_veto()
            on = _widget_value(
                score_store.widget_key(rid, gen, "veto", veto.id, "on"), bool(current.get("on")),
                lambda k: st.checkbox(f"{veto.title} · {effect_label(veto)}", key=k,
                                      help=veto.guidance or veto.recommendation))
            if not on and veto.id not in vetoes:
                continue
            v = vetoes.setdefault(veto.id, empty_veto())
            v["on"] = bool(on)
            if on:
                _location_inputs(rid, gen, v, "veto", veto.id)
    for veto in skipped:
        st.markdown(f":gray[~~{veto.title}~~ · "
                    f"{t('scorep.not_applicable', cond=conditions_text(veto.conditions))}]")


def _veto_text(result: ScoreResult, standard: Standard) -> str:
    if not result.veto.triggered:
        return t("scorep.veto_none")
    titles = "、".join(standard.vetoes_by_id[v].title for v in result.veto.triggered if v in standard.vetoes_by_id)
    if result.veto.effect == "cap":
        effect = t("scorep.effect_cap", band=result.veto.cap_band)
    else:
        effect = t(f"scorep.effect_{result.veto.effect}")
    return f"{effect}（{titles}）"


def show_metrics(result: ScoreResult, standard: Standard) -> None:
    c1, c2, c3, c4 = st.columns(4)
    veto_note = t("scorep.score_help", rate=score_text(result.rate)) if result.score != result.rate else ""
    c1.metric(t("scorep.score"), score_text(result.score), border=True, help=t("scorep.rate_help") + veto_note)
    c2.metric(t("scorep.earned"), f"{num(result.earned)} / {num(result.applicable_max)}", border=True,
              help=t("scorep.earned_help"))
    c3.metric(t("scorep.grade"), result.grade, border=True,
              help=t("scorep.grade_help", grade=result.points_grade) if result.grade != result.points_grade else None)
    c4.metric(t("scorep.veto"), t("scorep.veto_count", n=len(result.veto.triggered)), border=True)
    if result.veto.triggered:
        st.error(t("scorep.veto_outcome", outcome=_veto_text(result, standard)))


# ------------------------------------------------------------------------------------------ actions


def _actor(session) -> User:  # noqa: ANN001
    user = state.current_user(session)
    if user is None:
        raise CaseReviewError("sign in first")
    return user


def _remember_conflict(ctx: FormContext, exc: ConflictError) -> None:
    """Keep the stored marks as they are now, with their version, beside the reviewer's own input."""
    try:
        with transaction(state.engine()) as session:
            current = open_for_scoring(session, _actor(session), ctx.assignment_id)
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
        with transaction(state.engine()) as session:
            review = save_draft(session, _actor(session), ctx.review_id, marks, expected_version=expected_version)
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
        with transaction(state.engine()) as session:
            actor = _actor(session)
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
    now = (t("scorep.now", score=score_text(result.score), grade=result.grade, veto=_veto_text(result, standard))
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
            with transaction(state.engine()) as session:
                current = open_for_scoring(session, _actor(session), ctx.assignment_id)
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
        _section(rid, gen, standard, section, ctx.attributes, entry, slot_for)
    _vetoes(rid, gen, standard, ctx.attributes, entry)
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


# ------------------------------------------------------------------------------------------ read-only


def deductions_frame(result: ScoreResult) -> pd.DataFrame:
    return pd.DataFrame(
        [{t("scorep.col.item"): f"{d.item_id} {d.item_title}", t("scorep.col.reason"): d.reason,
          t("scorep.occurrences"): d.occurrences, t("scorep.col.points"): num(d.points),
          t("scorep.col.location"): d.location, t("scorep.comment"): d.comment} for d in result.deductions],
        columns=[t("scorep.col.item"), t("scorep.col.reason"), t("scorep.occurrences"), t("scorep.col.points"),
                 t("scorep.col.location"), t("scorep.comment")],
    )


def show_result(result: ScoreResult, standard: Standard, marks: Marks) -> None:
    """A submitted review, read-only: the result, each deduction with its location, vetoes, sections."""
    show_metrics(result, standard)
    st.markdown(f"#### {t('scorep.deductions')}")
    if result.deductions:
        st.dataframe(deductions_frame(result), hide_index=True, width="stretch")
    else:
        st.caption(t("scorep.no_deductions"))
    if marks.vetoes:
        st.markdown(f"#### {t('scorep.vetoes')}")
        st.dataframe(pd.DataFrame([
            {t("scorep.col.item"): standard.vetoes_by_id[v].title if v in standard.vetoes_by_id else v,
             t("scorep.col.location"): vm.location.describe(), t("scorep.comment"): vm.comment}
            for v, vm in marks.vetoes.items()]), hide_index=True, width="stretch")
    na = [standard.items_by_id[i][1] for i, im in marks.items.items() if im.na and i in standard.items_by_id]
    if na:
        st.caption(t("scorep.marked_na", items="、".join(f"{i.id} {i.title}" for i in na)))
    with st.expander(t("scorep.by_section")):
        st.dataframe(pd.DataFrame([
            {t("scorep.col.section"): p.title, t("scorep.col.max"): num(p.applicable_max),
             t("scorep.col.earned"): num(p.earned), t("scorep.col.rate"): score_text(p.rate)}
            for p in result.sections]), hide_index=True, width="stretch")


def comparison_frame(standard: Standard, mine: ScoreResult, others: list[tuple[str, ScoreResult]]) -> pd.DataFrame:
    """Per item (and veto) where anyone deducted: my deduction beside each other reviewer's; differences flagged."""
    def per_item(result: ScoreResult) -> dict[str, Decimal]:
        return {i.item_id: i.deducted for i in result.items if i.deducted}

    mine_items = per_item(mine)
    theirs = [(name, per_item(r), set(r.veto.triggered)) for name, r in others]
    ids = [i for i in standard.items_by_id if i in mine_items or any(i in d for _, d, _ in theirs)]
    rows = []
    for item_id in ids:
        item = standard.items_by_id[item_id][1]
        row: dict[str, Any] = {t("scorep.col.item"): f"{item_id} {item.title}",
                               t("scorep.col.mine_points"): num(mine_items.get(item_id, Decimal(0)))}
        values = {mine_items.get(item_id, Decimal(0))}
        for name, d, _ in theirs:
            row[name] = num(d.get(item_id, Decimal(0)))
            values.add(d.get(item_id, Decimal(0)))
        row[t("scorep.col.differs")] = "≠" if len(values) > 1 else ""
        rows.append(row)
    mine_vetoes = set(mine.veto.triggered)
    for veto in standard.vetoes:
        flags = [veto.id in mine_vetoes] + [veto.id in v for _, _, v in theirs]
        if not any(flags):
            continue
        row = {t("scorep.col.item"): t("scorep.where_veto", title=veto.title),
               t("scorep.col.mine_points"): t("scorep.veto_on") if flags[0] else ""}
        for (name, _, _), flag in zip(theirs, flags[1:], strict=True):
            row[name] = t("scorep.veto_on") if flag else ""
        row[t("scorep.col.differs")] = "≠" if len(set(flags)) > 1 else ""
        rows.append(row)
    return pd.DataFrame(rows)


def show_others(standard: Standard, mine: ScoreResult, others: list) -> None:  # noqa: ANN001
    """Other reviewers' submitted reviews (only ever called with what `others_after_submission` returned)."""
    st.subheader(t("scorep.others"))
    if not others:
        st.caption(t("scorep.others_none"))
        return
    cols = st.columns(len(others) + 1)
    cols[0].metric(t("scorep.mine"), score_text(mine.score), border=True)
    cols[0].caption(f"{mine.grade} · {t('scorep.veto_count', n=len(mine.veto.triggered))}")
    for col, other in zip(cols[1:], others, strict=True):
        col.metric(other.reviewer, score_text(other.result.score), border=True)
        col.caption(f"{other.result.grade} · {t('scorep.veto_count', n=len(other.result.veto.triggered))}")
    frame = comparison_frame(standard, mine, [(o.reviewer, o.result) for o in others])
    if not frame.empty:
        st.dataframe(frame, hide_index=True, width="stretch")
    for other in others:
        with st.expander(t("scorep.others_detail", name=other.reviewer)):
            if other.result.deductions:
                st.dataframe(deductions_frame(other.result), hide_index=True, width="stretch")
            else:
                st.caption(t("scorep.no_deductions"))

