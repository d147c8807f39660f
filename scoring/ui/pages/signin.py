"""Sign-in: local accounts (user name and password), and single sign-on when `[auth]` is configured."""

from __future__ import annotations

import streamlit as st

from scoring.accounts import sign_in
from scoring.errors import CaseReviewError
from scoring.messages import localize
from scoring.ui import sso, state
from scoring.ui.i18n import lang, t


def render() -> None:
    st.title(t("signin.title"))
    sso_error = st.session_state.get(sso.ERROR_KEY)
    if sso_error:
        st.error(t("signin.sso_no_account", message=sso_error))
        if st.button(t("signin.sso_other"), key="sso_logout"):
            st.session_state.pop(sso.ERROR_KEY, None)
            st.logout()
    with st.form("signin_form"):
        username = st.text_input(t("field.username"), key="signin_username")
        password = st.text_input(t("field.password"), type="password", key="signin_password")
        submitted = st.form_submit_button(t("signin.submit"), type="primary")
    if submitted:
        try:
            user_id = sign_in(state.engine(), username, password)
        except CaseReviewError as exc:
            st.error(t("signin.failed", message=localize(exc, lang())))
        else:
            state.start_session(user_id)
            st.rerun()
    if sso.configured():
        st.divider()
        st.caption(t("signin.sso_hint"))
        if st.button(t("signin.sso"), key="sso_login"):
            st.session_state.pop(sso.ERROR_KEY, None)
            st.login()


if __name__ == "__main__":
    render()
