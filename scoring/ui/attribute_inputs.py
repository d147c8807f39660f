"""One input per declared attribute type (yes/no, one of a list, number, date), labelled in the page's
language, and the conversions between stored values and widget values (used by the scoring form's
questions and the lead's attribute editor on the Register page)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import streamlit as st

from scoring.rubric.vocabulary import AttributeDecl
from scoring.ui.i18n import lang, t

YES, NO = "yes", "no"


def label(decl: AttributeDecl) -> str:
    return decl.zh if lang() == "zh" else decl.en


def widget_value(decl: AttributeDecl, stored: Any) -> Any:
    """The widget's value for a stored (or parsed) value (None: not known)."""
    if stored is None:
        return None
    if decl.type == "yes_no":
        return YES if stored is True else NO if stored is False else None
    if decl.type == "number":
        try:
            return float(Decimal(str(stored)))
        except ArithmeticError:
            return None
    if decl.type == "date":
        try:
            return dt.date.fromisoformat(str(stored))
        except ValueError:
            return None
    return stored


def answer_of(decl: AttributeDecl, value: Any) -> Any:
    """A widget's value as given to the core (None: not known)."""
    if value is None:
        return None
    if decl.type == "yes_no":
        return {YES: True, NO: False}.get(value)
    if decl.type == "number" and isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


def attribute_input(decl: AttributeDecl, key: str, text: str | None = None) -> Any:
    """The input for one attribute (its state under `key`, seeded by the caller); returns its value."""
    text = text or label(decl)
    if decl.type == "yes_no":
        answers = {YES: t("attrq.yes"), NO: t("attrq.no")}  # labels of this run's language
        return st.segmented_control(text, list(answers), key=key, format_func=answers.__getitem__)
    if decl.type == "one_of":
        return st.selectbox(text, decl.choices or [], key=key, index=None, placeholder=t("attrq.choose"))
    if decl.type == "number":
        return st.number_input(text, key=key, value=None, step=1.0)
    return st.date_input(text, key=key, value=None)
