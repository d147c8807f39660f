"""Overview: what the database holds (units, case files in the register, campaigns, accounts)."""

from __future__ import annotations

import streamlit as st

from scoring.ui import state
from scoring.ui.common import reported, role_label
from scoring.ui.i18n import t
from scoring.views import overview_counts


def render() -> None:
    st.title(t("overview.title"))
    with reported(), state.db_session() as session:
        user = state.current_user(session)
        counts = overview_counts(session, user)
        assert user is not None
        st.caption(t("overview.welcome", name=user.display_name, role=role_label(user.role)))
        c1, c2, c3, c4 = st.columns(4)
        c1.metric(t("overview.units"), counts.units, border=True)
        c2.metric(t("overview.case_files"), counts.case_files, border=True)
        c3.metric(t("overview.campaigns"), counts.campaigns, border=True)
        c4.metric(t("overview.users"), counts.active_users, border=True)
        if counts.units == 0 and user.role == "lead":
            st.info(t("overview.no_units"))


if __name__ == "__main__":
    render()
