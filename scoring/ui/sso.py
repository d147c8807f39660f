"""Single sign-on through Streamlit's OIDC support (st.login), when secrets.toml has an [auth] section.

The identity provider proves who someone is; what they may do comes from the account the panel lead
created for them, matched by e-mail address (`scoring.accounts.user_for_email`).
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from scoring.accounts import user_for_email
from scoring.errors import CaseReviewError
from scoring.messages import localize
from scoring.ui import state
from scoring.ui.i18n import lang

ERROR_KEY = "sso_error"


def configured() -> bool:
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def adopt_identity() -> None:
    """If the provider signed someone in and no account is signed in yet, sign in the matching account."""
    if state.current_user_id() is not None or not configured():
        return
    if not st.user.get("is_logged_in"):
        return
    email = st.user.get("email")
    with state.db_session() as session:
        try:
            user = user_for_email(session, email if isinstance(email, str) else None)
        except CaseReviewError as exc:
            st.session_state[ERROR_KEY] = localize(exc, lang())
            return
        user_id = user.id
    st.session_state.pop(ERROR_KEY, None)
    state.start_session(user_id, via="sso")
