"""The questions at the top of the scoring form: declared attributes the standard's conditions read that
the reviewer answers (`file_attributes.reviewer_questions`), one widget per declared type, saved through
the core (`reviews.answer_first_or_draft`); a refused answer is shown and the question goes back to the
stored answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import streamlit as st

from scoring.errors import CaseReviewError, Problem
from scoring.file_attributes import parse_answer
from scoring.messages import localize
from scoring.rubric.schema import FileAttributes
from scoring.rubric.vocabulary import AttributeDecl, active_vocabulary
from scoring.ui import live_panel, state
from scoring.ui.attribute_inputs import answer_of, attribute_input, label, widget_value
from scoring.ui.i18n import lang, t
from scoring.workflow.reviews import answer_first_or_draft

ANSWERS = "answers"  # in the kept store: the stored answers (JSON form)
REFUSED = "answer_refused"  # in the kept store: the message of the last refused answer


def widget_key(aid: int, key: str) -> str:
    return f"live_attr|{aid}|{key}"


def value_text(decl: AttributeDecl | None, value: Any) -> str:
    """A value as the person reads it: 是/否, a date, a number, a choice."""
    if isinstance(value, bool):
        return t("attrq.yes") if value else t("attrq.no")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _save(aid: int, store: dict[str, Any], changed: dict[str, Any]) -> bool:
    try:
        version = state.acting_retrying(lambda session, actor: answer_first_or_draft(
            session, actor, aid, changed, store["version"]).version)
    except CaseReviewError as exc:
        store[REFUSED] = t("attrq.refused", message=localize(exc, lang()))
        return False
    store["version"] = version
    store.pop(REFUSED, None)
    return True


def show(aid: int, questions: tuple[AttributeDecl, ...], store: dict[str, Any],
         marked: dict[str, list[Problem]]) -> None:
    """Draw the questions and save what changed; a refused answer reruns with the stored answer."""
    if not questions:
        return
    answers: dict[str, Any] = store.setdefault(ANSWERS, {})
    with st.container(border=True, key="live_questions"):
        st.markdown(f"**{t('attrq.title')}**")
        st.caption(t("attrq.hint"))
        if store.get(REFUSED):
            st.error(store[REFUSED])
        changed: dict[str, Any] = {}
        cols = st.columns(min(len(questions), 3))
        for i, decl in enumerate(questions):
            with cols[i % len(cols)]:
                live_panel.anchor(decl.key)
                k = widget_key(aid, decl.key)
                if k not in st.session_state:
                    st.session_state[k] = widget_value(decl, answers.get(decl.key))
                given = answer_of(decl, attribute_input(decl, widget_key(aid, decl.key), label(decl)))
                for problem in marked.get(decl.key, []):
                    st.markdown(f":orange[:material/error: {problem.message}]")
                try:
                    stored = parse_answer(decl.key, given)
                except CaseReviewError:
                    continue  # cannot happen from these widgets; the core says why when saving
                if stored != answers.get(decl.key):
                    changed[decl.key] = given
    if not changed:
        return
    if _save(aid, store, changed):
        for key, value in changed.items():
            stored = parse_answer(key, value)
            if stored is None:
                answers.pop(key, None)
            else:
                answers[key] = stored
        return
    for key in changed:  # refused: the question goes back to the stored answer
        st.session_state.pop(widget_key(aid, key), None)
    st.rerun()


def missing(questions: tuple[AttributeDecl, ...], attrs: FileAttributes) -> list[Problem]:
    """The questions still unanswered, as lines of the missing list (linked to the question)."""
    return [Problem(message=t("attrq.missing", label=label(d)), path=f"answers.{d.key}")
            for d in questions if attrs.value(d.key) is None]


def known_text(attrs: FileAttributes, keys: list[str]) -> str:
    """What the file's declared attributes say, with where each value came from."""
    vocab = active_vocabulary()
    parts = []
    for key in keys:
        value = attrs.value(key)
        decl = vocab.attribute(key)
        if value is None or decl is None:
            continue
        source = attrs.sources.get(key)
        parts.append(f"{label(decl)}：{value_text(decl, value)}"
                     + (f"（{t('attrq.source.' + source)}）" if source in ("register", "lead", "reviewer") else ""))
    return "；".join(parts)
