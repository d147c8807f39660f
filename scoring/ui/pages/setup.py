"""One-time set-up (only offered while the database has no accounts): the panel lead's account."""

from __future__ import annotations

import streamlit as st

from scoring.demo.progress import reporting
from scoring.errors import CaseReviewError
from scoring.messages import localize
from scoring.setup import create_first_lead, load_demo_data
from scoring.ui import state
from scoring.ui.common import show_error
from scoring.ui.i18n import lang, t


def render() -> None:
    st.title(t("setup.title"))
    st.write(t("setup.intro"))
    with st.form("setup_form"):
        username = st.text_input(t("field.username"), key="setup_username")
        display_name = st.text_input(t("field.display_name"), key="setup_display_name")
        email = st.text_input(t("field.email_optional"), key="setup_email", help=t("field.email_help"))
        password = st.text_input(t("field.password"), type="password", key="setup_password",
                                 help=t("field.password_help"))
        password_repeat = st.text_input(t("field.password_repeat"), type="password", key="setup_password2")
        demo = st.checkbox(t("setup.load_demo"), key="setup_demo", help=t("setup.load_demo_help"))
        submitted = st.form_submit_button(t("setup.submit"), type="primary")
    if not submitted:
        return
    engine = state.engine()
    try:
        user_id = create_first_lead(engine, username=username, display_name=display_name, email=email,
                                    password=password, password_repeat=password_repeat)
    except CaseReviewError as exc:
        show_error(exc)
        return
    state.start_session(user_id)
    state.flash(t("setup.done", username=username.strip()))
    if demo:
        bar = st.progress(0.0, text=t("setup.loading_demo"))

        def show(step: str, done: int, total: int) -> None:
            name, _, year = step.partition(":")
            label = t(f"demoprog.{name}", year=year, done=done, total=total)
            bar.progress(min(1.0, done / total) if total else 0.0, text=label)

        try:
            with reporting(show):
                result = load_demo_data(engine, user_id)
        except CaseReviewError as exc:
            state.flash(t("setup.demo_failed", message=localize(exc, lang())), "error")
        else:
            state.flash(t("setup.demo_loaded", units=result["units"], case_files=result["case_files"]))
    st.rerun()


if __name__ == "__main__":
    render()
