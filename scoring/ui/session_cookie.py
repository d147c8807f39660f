"""The browser side of a server-side session (`scoring.sign_in_sessions`): the token lives in a cookie.

Why this mechanism: Streamlit gives every run the cookies of the browser's connection
(`st.context.cookies`, read-only) but has no server-side way to set one outside its own `st.login`.
So the cookie is written by a few lines of JavaScript that `st.html(..., unsafe_allow_javascript=True)`
runs in the page itself — Streamlit's own feature, no third-party component to keep maintained, and
nothing downloaded. The cookie is `SameSite=Lax`, `Path=/`, `Secure` when the app is served over
HTTPS, with a `Max-Age` of the absolute session limit. It cannot be `HttpOnly`: a cookie that script
writes is by definition readable by script. What protects the token instead: it is random (256 bits),
stored only hashed, ends on the idle and absolute limits and at once on sign-out, password change,
deactivation, lock-out or "sign out everywhere", and the app renders no user-supplied HTML.

A cookie arrives with the connection, so a tab reads it when it loads (a reload, a second tab, a
link); within a tab the token is also kept in `st.session_state`, and every run checks it against the
database, so a session ended elsewhere signs this tab out on its next interaction.
"""

from __future__ import annotations

import json

import streamlit as st

COOKIE = "casereview_session"
TOKEN_KEY = "session_token"
PENDING_KEY = "session_cookie_pending"  # (token or "", max_age seconds) to write on the next run


def from_browser() -> str | None:
    """The token the browser sent with this tab's connection, if any."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser connection (AppTest, bare mode)
        return None
    return value if isinstance(value, str) and value else None


def current() -> str | None:
    return st.session_state.get(TOKEN_KEY) or None


def keep(token: str, max_age_s: int) -> None:
    """Remember the token in this tab and have the browser store it (written on the next run)."""
    st.session_state[TOKEN_KEY] = token
    st.session_state[PENDING_KEY] = (token, max_age_s)


def drop() -> None:
    """Forget the token in this tab and have the browser delete its cookie."""
    st.session_state.pop(TOKEN_KEY, None)
    st.session_state[PENDING_KEY] = ("", 0)


def write_pending() -> None:
    """Write (or delete) the cookie in the browser, once, if a sign-in or sign-out asked for it."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending is None:
        return
    token, max_age = pending
    script = (
        "<script>(function(){"
        f"var v={json.dumps(token)},a={int(max_age)};"
        f"var c={json.dumps(COOKIE)}+'='+encodeURIComponent(v)+'; Path=/; SameSite=Lax; Max-Age='+a;"
        "if(location.protocol==='https:'){c+='; Secure';}"
        "document.cookie=c;"
        "})();</script>"
    )
    st.html(script, unsafe_allow_javascript=True)
