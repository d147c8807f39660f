"""The editable scoring form as a reviewer uses it all day: it saves itself, keeps the running result and
the case file in view, and never calls an input an error while it is being filled in.

- Autosave: every run of the form (each widget change reaches the server at once) stores the marks so
  far as a draft when they differ from the stored ones (`reviews.save_first_or_draft`, with the optimistic
  lock: a change made elsewhere shows the conflict panel, never a silent overwrite). Opening a file
  creates nothing; the first mark does.
- Inputs still being filled in (扣分 chosen but no reason yet, a malformed time) are left out of the total
  and listed (`mark_entry.marks_so_far`); what is missing for submitting is listed with links to the
  items when the reviewer asks to submit, and marked at the item itself.
- Side column (pinned on a wide screen): the live panel and the electronic case file; a deduction's page
  turns the viewer, and the viewer's page fills the page field with one click.

The input is kept in `score_store` under the assignment id (a review may not exist yet).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from scoring import timefmt
from scoring.db.models import utcnow
from scoring.desk.reviewer import OpenedReview, open_for_scoring
from scoring.engine import ScoreResult, suspicious_messages
from scoring.errors import CaseReviewError, ConflictError, Problem
from scoring.file_attributes import with_answers
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
    marks_so_far,
)
from scoring.marks import Marks
from scoring.messages import localize
from scoring.rubric.model import CItem, CSection, Standard
from scoring.rubric.schema import OTHER_REASON, Deduction, FileAttributes, GradeBand
from scoring.rubric.vocabulary import AttributeDecl
from scoring.ui import form_hints, live_panel, pdf_viewer, score_store, state
from scoring.ui.common import focus_label, show_error, table
from scoring.ui.i18n import lang, t
from scoring.ui.rule_labels import reason_label, reason_options
from scoring.ui.score_form import questions
from scoring.ui.score_form.labels import (
    FormContext,
    conditions_text,
    describe_item_mark,
    describe_veto_mark,
    effect_label,
    num,
    run_engine,
    score_text,
    standard_version,
    where_label,
)
from scoring.workflow.reviews import missing_locations, save_first_or_draft, submit_review

SAVED_AT = "saved_at"  # in the kept store: when the last autosave happened (UTC)
TRIED = "submit_tried"  # in the kept store: the reviewer asked to submit (missing inputs are now marked)


@dataclass(frozen=True)
class LiveContext:
    """What the fragment needs (plain values: a fragment keeps its arguments between its reruns)."""

    assignment_id: int
    case_file_id: int
    standard_hash: str
    attributes: FileAttributes
    bands: tuple[GradeBand, ...]
    pass_line: Decimal
    questions: tuple[AttributeDecl, ...] = ()  # attributes the reviewer answers at the top of the form

    @classmethod
    def of(cls, opened: OpenedReview) -> LiveContext:
        base = opened.base_attributes if opened.base_attributes is not None else opened.attributes
        return cls(opened.file.assignment_id, opened.file.case_file_id, opened.standard_hash, base,
                   tuple(opened.bands), opened.pass_line, opened.questions)

    def attributes_now(self, store: dict[str, Any]) -> FileAttributes:
        """The file's attributes with the answers given so far (`attributes` holds the file's own)."""
        return with_answers(self.attributes, store.get(questions.ANSWERS))

    def engine_ctx(self, attrs: FileAttributes | None = None) -> FormContext:
        return FormContext(0, self.assignment_id, self.standard_hash, attrs or self.attributes, self.bands,
                           self.pass_line)


# ------------------------------------------------------------------------------------------ kept input


def _key(aid: int, gen: int, *parts: str) -> str:
    return score_store.widget_key(aid, gen, *parts)


def sync_from_widgets(aid: int, gen: int, entry: dict[str, Any]) -> None:
    """Bring the kept entry up to date with the widgets' values before anything is drawn, so the section
    subtotals in the (collapsible) section headers count the change just made."""
    prefix = _key(aid, gen) + "|"
    for key, value in list(st.session_state.items()):
        if not isinstance(key, str) or not key.startswith(prefix):
            continue
        parts = key[len(prefix):].split("|")
        if parts[0] == "veto" and len(parts) == 3:
            veto = entry["vetoes"].setdefault(parts[1], empty_veto())
            if parts[2] == "on":
                veto["on"] = bool(value)
            elif parts[2] in ("page", "media", "time", "comment"):
                veto[_FIELD[parts[2]]] = value
        elif len(parts) == 2:
            item = entry["items"].setdefault(parts[0], empty_item())
            if parts[1] == "choice" and value in CHOICES:
                item["choice"] = value
            elif parts[1] == "reasons" and isinstance(value, list):
                item["reasons"] = list(value)
            elif parts[1] == "awards" and isinstance(value, list):  # a bonus item: awards chosen or none
                item["reasons"] = list(value)
                item["choice"] = DEDUCT if value else OK
            elif parts[1] == "na_comment":
                item["comment"] = value
        elif len(parts) == 3 and parts[2] in _FIELD:
            item = entry["items"].setdefault(parts[0], empty_item())
            detail = item.setdefault("details", {}).setdefault(parts[1], empty_detail())
            detail[_FIELD[parts[2]]] = value


_FIELD = {"occ": "occurrences", "page": "page", "media": "media_file", "time": "media_time", "comment": "comment",
          "pts": "points"}


def _bind(key: str, value: Any) -> None:
    score_store.bind(key, value)


# ------------------------------------------------------------------------------------------ inputs


def _use_page(case_file_id: int, key: str) -> None:
    st.session_state[key] = str(pdf_viewer.current_page(case_file_id))


def _show_page(case_file_id: int, key: str) -> None:
    pdf_viewer.jump(case_file_id, pdf_viewer.first_page_of(str(st.session_state.get(key, ""))))


def _location(ctx: LiveContext, gen: int, values: dict[str, Any], parts: tuple[str, ...], *,
              occurrences: bool = False, points: tuple[Decimal, Decimal] | None = None, has_pdf: bool) -> None:
    aid, cf = ctx.assignment_id, ctx.case_file_id
    widths = ([0.8] if occurrences else []) + ([0.8] if points else []) + [1, 1.1, 0.9]
    cols = list(st.columns(widths, vertical_alignment="bottom"))
    if occurrences:
        k = _key(aid, gen, *parts, "occ")
        n = values.get("occurrences", 1)
        _bind(k, int(n) if isinstance(n, int | float) else 1)
        values["occurrences"] = cols.pop(0).number_input(t("scorep.occurrences"), min_value=1,
                                                         max_value=MAX_OCCURRENCES, step=1, key=k)
    if points:
        k = _key(aid, gen, *parts, "pts")
        lo, hi = points
        current = values.get("points")
        _bind(k, float(current) if current not in (None, "") else float(lo))
        values["points"] = cols.pop(0).number_input(t("live.points", lo=num(lo), hi=num(hi)), min_value=float(lo),
                                                    max_value=float(hi), step=0.5, key=k)
    c_page, c_use, c_show = cols
    page_key = _key(aid, gen, *parts, "page")
    _bind(page_key, values.get("page", ""))
    values["page"] = c_page.text_input(t("scorep.page"), key=page_key, placeholder="12 / 3-5")
    if has_pdf:
        here = pdf_viewer.current_page(cf)
        c_use.button(t("live.use_page", page=here), key=f"{page_key}|use", icon=":material/input:",
                     on_click=_use_page, args=(cf, page_key), help=t("pdfv.use_current", page=here), width="stretch")
        target = pdf_viewer.first_page_of(values["page"])
        c_show.button(t("live.show_page", page=target or "—"), key=f"{page_key}|show", icon=":material/find_in_page:",
                      on_click=_show_page, args=(cf, page_key), disabled=target is None,
                      help=t("pdfv.goto", page=target or "—"), width="stretch")
    c_comment, m_file, m_time = st.columns([2.4, 1.4, 1])
    k = _key(aid, gen, *parts, "comment")
    _bind(k, values.get("comment", ""))
    values["comment"] = c_comment.text_input(t("scorep.comment"), key=k, max_chars=2000)
    k = _key(aid, gen, *parts, "media")
    _bind(k, values.get("media_file", ""))
    values["media_file"] = m_file.text_input(t("scorep.media_file"), key=k, placeholder=t("scorep.media_file_hint"))
    k = _key(aid, gen, *parts, "time")
    _bind(k, values.get("media_time", ""))
    values["media_time"] = m_time.text_input(t("scorep.media_time"), key=k, placeholder="00:12:30")


def _inputs_of(d: Deduction) -> tuple[bool, tuple[Decimal, Decimal] | None]:
    """Whether a reason (or award) is counted in occurrences, and the range its points are chosen from."""
    rng = d.range
    counted = d.points is None and (d.per_occurrence is not None or (rng is not None and rng.per == "occurrence"))
    return counted, (rng.min, rng.max) if rng is not None else None


def _item(ctx: LiveContext, gen: int, item: CItem, entry: dict[str, Any], marked: dict[str, list[Problem]],
          has_pdf: bool, result: ScoreResult | None) -> None:
    aid = ctx.assignment_id
    items = entry["items"]
    current = items.get(item.id) or empty_item()
    with st.container(border=True):
        if item.id in marked:  # the missing list links here (drawn only where needed: a long form is slow)
            live_panel.anchor(item.id)
        head, choice_col = st.columns([3, 2], vertical_alignment="center")
        head.markdown(f"**{item.title}**  \n:gray[{item.id} · {t('scorep.points', max=num(item.max))} · "
                      f"{focus_label(item.focus)}]")
        form_hints.show_notes(item.id)
        options = [OK, DEDUCT] + ([NA] if item.allow_na or current["choice"] == NA else [])
        k = _key(aid, gen, item.id, "choice")
        _bind(k, current["choice"] if current["choice"] in options else OK)
        choice = choice_col.segmented_control(
            item.title, options, key=k, required=True, label_visibility="collapsed",
            format_func={c: t(f"scorep.choice.{c}") for c in options}.__getitem__, help=item.guidance or item.recommendation) or OK
        for problem in marked.get(item.id, []):
            st.markdown(f":orange[:material/error: {t('autosave.item_missing', what=problem.message)}]")
        if choice == OK and item.id not in items:
            return
        it = items.setdefault(item.id, empty_item())
        it["choice"] = choice
        if choice == DEDUCT:
            by_id = {d.id: d for d in item.deductions}
            options = reason_options(item)
            k = _key(aid, gen, item.id, "reasons")
            seed = [r for r in it.get("reasons", []) if r in options]
            if not seed and len(options) == 1:  # one reason: chosen with 扣分 itself
                seed = list(options)
            _bind(k, seed)
            chosen = st.multiselect(t("scorep.reasons"), options, key=k,
                                    format_func={r: reason_label(r, item) for r in options}.__getitem__,
                                    placeholder=t("live.reasons_search"))
            unknown = [r for r in it.get("reasons", []) if r not in options]
            it["reasons"] = list(chosen) + unknown
            details = it.setdefault("details", {})
            for reason in chosen:
                values = details.setdefault(reason, empty_detail())
                if reason == OTHER_REASON:  # 其他问题: points up to the stated maximum, with a comment
                    cap = item.allow_other
                    assert cap is not None  # offered only on items that allow it (reason_options)
                    st.caption(f"**{reason_label(reason, item)}**")
                    _location(ctx, gen, values, (item.id, reason), points=(min(Decimal("0.5"), cap), cap),
                              has_pdf=has_pdf)
                    continue
                d = by_id[reason]
                st.caption(f"**{d.reason}**")
                counted, points = _inputs_of(d)
                _location(ctx, gen, values, (item.id, reason), occurrences=counted, points=points, has_pdf=has_pdf)
            scored = next((i for i in result.items if i.item_id == item.id), None) if result else None
            if scored is not None and scored.status == DEDUCT:
                text = t("scorep.item_deducted", points=num(scored.deducted), max=num(scored.max))
                if scored.requested > scored.deducted:
                    text += t("scorep.item_floor", requested=num(scored.requested), max=num(scored.max))
                st.caption(text)
        elif choice == NA:
            k = _key(aid, gen, item.id, "na_comment")
            _bind(k, it.get("comment", ""))
            it["comment"] = st.text_input(t("scorep.na_comment"), key=k, max_chars=2000)


def section_key(aid: int, section_id: str) -> str:
    return f"live_section|{aid}|{section_id}"


def _fold_all(aid: int, section_ids: list[str], expanded: bool) -> None:
    for sid in section_ids:
        st.session_state[section_key(aid, sid)] = expanded


def _subtotal(result: ScoreResult | None, section: CSection) -> str:
    if result is None:
        return ""
    part = next((p for p in result.sections if p.id == section.id), None)
    return "" if part is None else t("live.subtotal", earned=num(part.earned), max=num(part.applicable_max))


def _section(ctx: LiveContext, gen: int, standard: Standard, section: CSection, entry: dict[str, Any],
             result: ScoreResult | None, marked: dict[str, list[Problem]], has_pdf: bool,
             attrs: FileAttributes) -> None:
    applicable = [i for i in section.items if standard.item_applies(i.id, attrs)]
    skipped = [i for i in section.items if not standard.item_applies(i.id, attrs)]
    label = t("scorep.section", title=section.title, max=num(section.max))
    if applicable:
        label += " · " + _subtotal(result, section)
    else:
        label += t("scorep.section_na")
    flagged = any(i.id in marked for i in applicable)
    key = section_key(ctx.assignment_id, section.id)
    if flagged:
        st.session_state[key] = True
    with st.expander(label, expanded=bool(applicable), key=key, icon=":material/error:" if flagged else None):
        for item in applicable:
            _item(ctx, gen, item, entry, marked, has_pdf, result)
        for item in skipped:
            cond = conditions_text(section.conditions + item.conditions)
            st.markdown(f":gray[~~{item.id} {item.title}~~ · {t('scorep.not_applicable', cond=cond)}]")


def _bonus(ctx: LiveContext, gen: int, standard: Standard, entry: dict[str, Any], result: ScoreResult | None,
           marked: dict[str, list[Problem]], has_pdf: bool) -> None:
    """加分项: the merits found, entered as awards on the bonus item (the engine adds them, each item up to
    its maximum, the score never above 100)."""
    if not standard.bonus:
        return
    aid = ctx.assignment_id
    items = entry["items"]
    st.subheader(t("bonus.title"))
    st.caption(t("bonus.hint"))
    for item in standard.bonus:
        with st.container(border=True):
            if item.id in marked:
                live_panel.anchor(item.id)
            st.markdown(f"**{item.title}**  \n:gray[{item.id} · {t('bonus.max', max=num(item.max))}]")
            current = items.get(item.id) or empty_item()
            options = [d.id for d in item.deductions]
            k = _key(aid, gen, item.id, "awards")
            _bind(k, [r for r in current.get("reasons", []) if r in options] if current["choice"] == DEDUCT else [])
            chosen = st.multiselect(t("bonus.awards"), options, key=k, format_func={r: reason_label(r, item, "bonus") for r in options}.__getitem__,
                                    placeholder=t("bonus.none_chosen"), help=item.guidance)
            for problem in marked.get(item.id, []):
                st.markdown(f":orange[:material/error: {t('autosave.item_missing', what=problem.message)}]")
            if not chosen and item.id not in items:
                continue
            it = items.setdefault(item.id, empty_item())
            it["reasons"], it["choice"] = list(chosen), DEDUCT if chosen else OK
            details = it.setdefault("details", {})
            for reason in chosen:
                d = item.deduction(reason)
                assert d is not None  # the options are the listed awards
                st.caption(f"**{d.reason}**")
                counted, points = _inputs_of(d)
                _location(ctx, gen, details.setdefault(reason, empty_detail()), (item.id, reason),
                          occurrences=counted, points=points, has_pdf=has_pdf)
            scored = next((b for b in result.bonus_items if b.item_id == item.id), None) if result else None
            if scored is not None and scored.requested:
                text = t("bonus.item_awarded", points=num(scored.deducted), max=num(scored.max))
                if scored.requested > scored.deducted:
                    text += t("bonus.item_capped", asked=num(scored.requested))
                st.caption(text)


def _vetoes(ctx: LiveContext, gen: int, standard: Standard, entry: dict[str, Any],
            marked: dict[str, list[Problem]], has_pdf: bool, attrs: FileAttributes) -> None:
    aid = ctx.assignment_id
    vetoes = entry["vetoes"]
    shown = [v for v in standard.vetoes
             if standard.veto_applies(v.id, attrs) or (vetoes.get(v.id) or {}).get("on")]
    st.subheader(t("scorep.vetoes"))
    st.caption(t("scorep.vetoes_hint") if shown else t("scorep.no_vetoes"))
    for veto in shown:
        with st.container(border=True):
            if veto.id in marked:
                live_panel.anchor(veto.id)
            form_hints.show_notes(veto.id)
            current = vetoes.get(veto.id) or empty_veto()
            k = _key(aid, gen, "veto", veto.id, "on")
            _bind(k, bool(current.get("on")))
            on = st.checkbox(f"{veto.title} · {effect_label(veto)}", key=k, help=veto.guidance or veto.recommendation)
            for problem in marked.get(veto.id, []):
                st.markdown(f":orange[:material/error: {t('autosave.item_missing', what=problem.message)}]")
            if not on and veto.id not in vetoes:
                continue
            v = vetoes.setdefault(veto.id, empty_veto())
            v["on"] = bool(on)
            if on:
                _location(ctx, gen, v, ("veto", veto.id), has_pdf=has_pdf)


# ------------------------------------------------------------------------------------------ saving


def _remember_conflict(ctx: LiveContext, exc: ConflictError) -> None:
    aid = ctx.assignment_id
    try:
        with state.acting(write=True) as (session, actor):
            current = open_for_scoring(session, actor, aid, create=False)
        score_store.set_conflict(aid, version=current.version, marks=current.marks, status=current.status,
                                 message=localize(exc, lang()))
    except CaseReviewError as again:
        marks = exc.current if isinstance(exc.current, Marks) else Marks()
        score_store.set_conflict(aid, version=-1, marks=marks, status="unknown", message=f"{exc}; {again}")


def autosave(ctx: LiveContext, store: dict[str, Any], marks: Marks, expected_version: int | None = None) -> bool:
    """Store `marks` as the draft when they differ from what is stored; False on a conflict (kept for the
    conflict panel) or a refusal (shown)."""
    if marks == store["saved"] and expected_version is None:
        return True
    expected = store["version"] if expected_version is None else expected_version
    try:
        version = state.acting_retrying(
            lambda session, actor: save_first_or_draft(session, actor, ctx.assignment_id, marks, expected).version)
    except ConflictError as exc:
        _remember_conflict(ctx, exc)
        return False
    except CaseReviewError as exc:
        show_error(exc)
        return False
    store["version"], store["saved"], store[SAVED_AT] = version, marks, utcnow()
    score_store.clear_conflict(ctx.assignment_id)
    return True


def _submit(ctx: LiveContext, store: dict[str, Any], marks: Marks, *, confirm_warnings: bool = False) -> None:
    if not autosave(ctx, store, marks):
        st.rerun()
    try:
        with state.acting(write=True) as (session, actor):
            opened = open_for_scoring(session, actor, ctx.assignment_id, create=False)
            if opened.review_id is None:
                raise CaseReviewError("nothing to submit yet")
            review = submit_review(session, actor, opened.review_id, expected_version=store["version"],
                                   confirm_warnings=confirm_warnings)
            total, grade = review.total, review.grade
    except ConflictError as exc:
        _remember_conflict(ctx, exc)
        st.rerun()
    except CaseReviewError as exc:
        show_error(exc)
        return
    score_store.forget(ctx.assignment_id)
    state.flash(t("scorep.submitted", score=score_text(total), grade=grade))
    st.rerun()


def _conflict_panel(ctx: LiveContext, standard: Standard, store: dict[str, Any], conflict: dict[str, Any],
                    mine: Marks) -> None:
    aid = ctx.assignment_id
    current: Marks = conflict["marks"]
    with st.container(border=True, key="live_conflict"):
        st.warning(t("scorep.conflict", version=conflict["version"]), icon=":material/sync_problem:")
        st.caption(conflict["message"])
        rows = []
        for key in differing_keys(current, mine):
            if key.startswith("veto:"):
                vid = key.removeprefix("veto:")
                veto = standard.vetoes_by_id.get(vid)
                rows.append({t("scorep.col.item"): t("scorep.where_veto", title=veto.title if veto else vid),
                             t("scorep.col.current"): describe_veto_mark(current.vetoes.get(vid)),
                             t("scorep.col.mine"): describe_veto_mark(mine.vetoes.get(vid))})
            else:
                found = standard.items_by_id.get(key)
                item = found[1] if found else None
                rows.append({t("scorep.col.item"): f"{key} {item.title}" if item else key,
                             t("scorep.col.current"): describe_item_mark(item, current.items.get(key)),
                             t("scorep.col.mine"): describe_item_mark(item, mine.items.get(key))})
        if rows:
            st.markdown(t("scorep.conflict_diff", n=len(rows)))
            table(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.info(t("scorep.conflict_same"))
        locked = conflict["status"] != "draft"
        if locked:
            st.error(t("scorep.conflict_locked"))
        c1, c2 = st.columns(2)
        if c1.button(t("scorep.conflict_load"), key=f"live_conflict_load_{aid}", icon=":material/download:",
                     disabled=conflict["version"] < 0):
            score_store.clear_conflict(aid)
            score_store.reset(aid, conflict["version"], current)
            state.flash(t("scorep.loaded", version=conflict["version"]), "info")
            st.rerun()
        keep = c2.button(t("scorep.conflict_keep"), key=f"live_conflict_keep_{aid}", type="primary",
                         icon=":material/save:", disabled=locked or conflict["version"] < 0)
        if keep and autosave(ctx, store, mine, expected_version=conflict["version"]):
            st.rerun()


def _leave_guard(unsaved: bool, stamp: str) -> None:
    """Warn before leaving the page while something is not stored: inputs still being filled in, a
    conflict, or text typed into a field that has not reached the server yet."""
    st.html(
        "<script>(function(){"
        f"window.__crUnsaved={json.dumps(unsaved)};window.__crTyping=false;window.__crStamp={json.dumps(stamp)};"
        "if(!window.__crGuard){window.__crGuard=true;"
        "document.addEventListener('input',function(){window.__crTyping=true;},true);"
        "window.addEventListener('beforeunload',function(e){"
        "if(window.__crUnsaved||window.__crTyping){e.preventDefault();e.returnValue='';}});}"
        "})();</script>",
        unsafe_allow_javascript=True,
    )


# ------------------------------------------------------------------------------------------ the form


def _explained(standard: Standard, entry: dict[str, Any], pending: list[Problem],
               locations: list[Problem]) -> list[Problem]:
    """What is missing, in the reviewer's language and terms (item title, reason), one line per place."""
    out: list[Problem] = []
    for p in pending:
        path = p.path or ""
        key = "live.why.reason" if path.startswith("items.") and "[" not in path else "live.why.input"
        out.append(Problem(message=t(key, where=where_label(standard, entry, path)), path=p.path))
    for p in locations:
        out.append(Problem(message=t("live.why.location", where=where_label(standard, entry, p.path)), path=p.path))
    unique: dict[tuple[str | None, str], Problem] = {}
    for p in out:  # one line per place and reason
        unique.setdefault((p.path, p.message), p)
    return list(unique.values())


@st.fragment
def scoring_form(ctx: LiveContext) -> None:
    """The editable form beside the live panel and the case file (a fragment: a change reruns only this)."""
    aid = ctx.assignment_id
    store = score_store.get(aid)
    if store is None:  # a stale fragment run after the page reset the input
        st.rerun()
        return
    standard = standard_version(ctx.standard_hash)
    entry, gen = store["entry"], store["gen"]
    sync_from_widgets(aid, gen, entry)
    tried = bool(store.get(TRIED))
    unanswered = questions.missing(ctx.questions, ctx.attributes_now(store))
    marked: dict[str, list[Problem]] = {}
    if tried:
        for p in unanswered:
            marked.setdefault((p.path or "").split(".")[-1], []).append(p)
    pdf = pdf_viewer.readable(ctx.case_file_id)
    has_pdf = pdf is not None
    live_panel.pin()
    form_col, side_col = st.columns([3, 2]) if has_pdf else st.columns([5, 2])
    with form_col:
        questions.show(aid, ctx.questions, store, marked)
    attrs = ctx.attributes_now(store)
    unanswered = questions.missing(ctx.questions, attrs)
    before = marks_so_far(entry)
    try:
        preview: ScoreResult | None = run_engine(ctx.engine_ctx(attrs), standard, before.marks)
    except CaseReviewError:
        preview = None
    missing_now = _explained(standard, entry, before.pending, missing_locations(before.marks) if tried else [])
    if tried:
        for p in missing_now:
            target = (p.path or "").split(".")
            if len(target) > 1:
                marked.setdefault(target[1].split("[")[0], []).append(p)
    with form_col:
        conflict = score_store.conflict(aid)
        if conflict is not None:
            _conflict_panel(ctx, standard, store, conflict, before.marks)
        ids = [sec.id for sec in standard.sections]
        f1, f2, _ = st.columns([1, 1, 2])
        f1.button(t("live.fold"), key=f"live_fold_{aid}", icon=":material/unfold_less:", on_click=_fold_all,
                  args=(aid, ids, False), width="stretch")
        f2.button(t("live.unfold"), key=f"live_unfold_{aid}", icon=":material/unfold_more:", on_click=_fold_all,
                  args=(aid, ids, True), width="stretch")
        for section in standard.sections:
            _section(ctx, gen, standard, section, entry, preview, marked, has_pdf, attrs)
        _bonus(ctx, gen, standard, entry, preview, marked, has_pdf)
        _vetoes(ctx, gen, standard, entry, marked, has_pdf, attrs)
    so_far = marks_so_far(entry)
    saved_ok = True
    if score_store.conflict(aid) is None and so_far.marks != store["saved"]:
        saved_ok = autosave(ctx, store, so_far.marks)
        if not saved_ok and score_store.conflict(aid) is not None:
            st.rerun()
    try:
        result: ScoreResult | None = run_engine(ctx.engine_ctx(attrs), standard, so_far.marks)
    except CaseReviewError:
        result = None
    pending = unanswered + _explained(standard, entry, so_far.pending, [])
    to_submit = unanswered + _explained(standard, entry, so_far.pending, missing_locations(so_far.marks))
    unsaved = bool(so_far.pending) or not saved_ok or score_store.conflict(aid) is not None
    if unsaved:
        note = t("autosave.unsaved")
    elif store.get(SAVED_AT):
        note = t("autosave.saved", time=timefmt.show(store[SAVED_AT], "%H:%M:%S"))
    else:
        note = t("autosave.nothing")
    with side_col, st.container(key="score_side"):
        live_panel.show(result, standard, to_submit if tried else pending, saved_note=note, dirty=unsaved)
        if has_pdf:
            pdf_viewer.viewer(ctx.case_file_id, pdf)
        with st.container(border=True, key="live_submit"):
            warnings_ok = True
            if result is not None and result.warnings:  # counts far beyond the item: confirmed, not refused
                st.warning(t("rules.warnings") + "\n\n" + "\n\n".join(
                    localize(w, lang()) for w in suspicious_messages(standard, so_far.marks)))
                warnings_ok = st.checkbox(t("rules.confirm_warnings"), key=f"live_warn_ok_{aid}")
            confirmed = st.checkbox(t("scorep.confirm"), key=f"live_confirm_{aid}")
            if st.button(t("scorep.submit"), key=f"live_submit_{aid}", icon=":material/lock:", type="primary",
                         disabled=not (confirmed and warnings_ok) or score_store.conflict(aid) is not None,
                         width="stretch"):
                store[TRIED] = True
                if to_submit:
                    st.rerun()
                else:
                    _submit(ctx, store, so_far.marks, confirm_warnings=warnings_ok)
            if tried and to_submit:
                st.error(t("autosave.incomplete_submit", n=len(to_submit)))
    _leave_guard(unsaved, f"{store['version']}:{dt.datetime.now(dt.UTC).timestamp()}")
