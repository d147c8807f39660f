"""The app shell: which pages someone may open (set-up, sign-in, or by role) and the sidebar."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from scoring.domain import Role
from scoring.errors import CaseReviewError
from scoring.messages import localize
from scoring.setup import needs_setup
from scoring.ui import i18n, session_cookie, sso, state
from scoring.ui.common import role_label
from scoring.ui.i18n import lang, t
from scoring.ui.page_table import BY_NAME, pages_of

PAGES_DIR = Path(__file__).resolve().parent / "pages"
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {r.value: pages_of(r) for r in Role}


def page(name: str, *, default: bool = False) -> st.Page:
    return st.Page(PAGES_DIR / f"{name}.py", title=t(BY_NAME[name].title_key), icon=BY_NAME[name].icon, url_path=name,
                   default=default)


def signin_pages() -> list[st.Page]:
    """Signed out, every page's address shows the sign-in form, so a link (page and query) stays in the
    address bar and, once signed in, the next run opens exactly that page."""
    names = sorted({n for names in PAGES_BY_ROLE.values() for n in names})
    return [page("signin", default=True)] + [
        st.Page(PAGES_DIR / "signin.py", title=t(BY_NAME["signin"].title_key), icon=BY_NAME["signin"].icon,
                url_path=name)
        for name in names
    ]


def pages_for(role: str) -> dict[str, list[st.Page]]:
    """The role's pages grouped by section, in PAGES_BY_ROLE order; the first page is the landing page."""
    names = PAGES_BY_ROLE.get(role, ("overview",))
    grouped: dict[str, list[st.Page]] = {}
    for i, name in enumerate(names):
        grouped.setdefault(t(BY_NAME[name].section), []).append(page(name, default=(i == 0)))
    return grouped


def _sign_out() -> None:
    via_sso = state.signed_in_via_sso()
    state.end_session()
    for key in list(st.session_state):
        if str(key).endswith("_preview"):
            del st.session_state[key]
    if via_sso and sso.configured():
        st.logout()
    else:
        st.rerun()


def _sidebar(user: state.SignedIn | None) -> None:
    with st.sidebar:
        if user is not None:
            st.markdown(f"**{user.display_name}**  \n{user.username} · {role_label(user.role)}")
            if st.button(t("shell.sign_out"), key="sign_out", icon=":material/logout:"):
                _sign_out()
            st.divider()
        i18n.language_switch(on_choice=state.keep_language if user is not None else None)


def run() -> None:
    i18n.init()
    i18n.keep_in_address()
    try:
        engine = state.engine()
        first_run = needs_setup(engine)
    except CaseReviewError as exc:
        st.error(t("shell.db_error", message=localize(exc, lang())))
        st.stop()
    user = None
    pages: list[st.Page] | dict[str, list[st.Page]]
    if first_run:
        state.forget_user()
        pages = [page("setup", default=True)]
    else:
        state.restore_session()
        sso.adopt_identity()
        user = state.signed_in()
        pages = pages_for(user.role) if user else signin_pages()
    session_cookie.write_pending()
    _sidebar(user)
    many = isinstance(pages, dict) or len(pages) > 1
    nav = st.navigation(pages, position="sidebar" if many else "hidden", expanded=True)
    state.show_flashes()
    nav.run()
