"""Accounts (lead): the list of accounts, adding one, deactivating and reactivating."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scoring import sign_in_sessions
from scoring.accounts import create_user, list_accounts, set_active, update_account
from scoring.domain import Role
from scoring.errors import CaseReviewError
from scoring.ui import state
from scoring.ui.common import reported, role_label, show_error, table, yes_no
from scoring.ui.i18n import t
from scoring.views import unit_names

NO_UNIT = ""


def _table() -> list:
    with state.acting() as (session, actor):
        rows = list_accounts(session, actor)
    frame = pd.DataFrame([
        {
            t("col.username"): r.username,
            t("col.display_name"): r.display_name,
            t("col.role"): role_label(r.role),
            t("col.unit"): r.unit or "",
            t("col.email"): r.email or "",
            t("col.active"): yes_no(r.active),
            t("col.locked"): yes_no(r.locked),
            t("col.password"): yes_no(r.has_password),
        }
        for r in rows
    ])
    table(frame, hide_index=True, width="stretch")
    return rows


def _add_form(units: list[str]) -> None:
    st.subheader(t("accounts.add"))
    with st.form("add_user", clear_on_submit=False):
        c1, c2 = st.columns(2)
        username = c1.text_input(t("field.username"), key="acc_username")
        display_name = c2.text_input(t("field.display_name"), key="acc_display_name")
        role = c1.selectbox(t("field.role"), [r.value for r in Role], index=1, format_func=role_label,
                            key="acc_role")
        unit = c2.selectbox(t("field.unit"), [NO_UNIT, *units],
                            format_func=lambda u: u or t("accounts.no_unit"), key="acc_unit",
                            help=t("accounts.unit_help"))
        email = c1.text_input(t("field.email_optional"), key="acc_email", help=t("field.email_help"))
        password = c2.text_input(t("field.password"), type="password", key="acc_password",
                                 help=t("accounts.password_help"))
        submitted = st.form_submit_button(t("accounts.add_submit"), type="primary")
    if not submitted:
        return
    try:
        with state.acting(write=True) as (session, actor):
            user = create_user(session, username=username, display_name=display_name, role=role,
                               unit_name=unit or None, password=password or None, email=email.strip() or None,
                               actor=actor)
            name = user.username
    except CaseReviewError as exc:
        show_error(exc)
        return
    state.flash(t("accounts.added", username=name))
    for key in ("acc_username", "acc_display_name", "acc_email", "acc_password"):  # a fresh, empty form
        st.session_state.pop(key, None)
    st.rerun()


def _activation(rows: list) -> None:
    st.subheader(t("accounts.activation"))
    if not rows:
        return
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(
        t("accounts.choose"), list(by_id), key="acc_choose",
        format_func=lambda i: f"{by_id[i].username} ({by_id[i].display_name}, {role_label(by_id[i].role)})"
        + ("" if by_id[i].active else f" - {t('accounts.inactive')}"),
    )
    c1, c2 = st.columns(2)
    deactivate = c1.button(t("accounts.deactivate"), key="acc_deactivate")
    reactivate = c2.button(t("accounts.reactivate"), key="acc_reactivate")
    if not (deactivate or reactivate):
        return
    try:
        with state.acting(write=True) as (session, actor):
            user = set_active(session, actor, chosen, active=reactivate)
            name = user.username
    except CaseReviewError as exc:
        show_error(exc)
        return
    state.flash(t("accounts.reactivated" if reactivate else "accounts.deactivated", username=name))
    st.rerun()


def _sign_out_everywhere(user_id: int, username: str) -> None:
    """End all of an account's sessions at once (a lost laptop, a departing reviewer); audited by the core."""
    with state.db_session() as session:
        n = sign_in_sessions.open_sessions(session, user_id)
    c1, c2 = st.columns([2, 3], vertical_alignment="center")
    c1.caption(t("sessions.open", n=n))
    if c2.button(t("sessions.everywhere"), key=f"acc_signout_all_{user_id}", icon=":material/logout:", disabled=not n):
        try:
            with state.acting(write=True) as (session, actor):
                ended = sign_in_sessions.sign_out_everywhere(session, actor, user_id)
        except CaseReviewError as exc:
            show_error(exc)
            return
        state.flash(t("sessions.everywhere_done", username=username, n=ended))
        st.rerun()


def _edit(rows: list, units: list[str]) -> None:
    """Change name, role, home unit, e-mail or password; the core keeps recusal and audits the change."""
    st.subheader(t("accedit.title"))
    if not rows:
        return
    by_id = {r.id: r for r in rows}
    chosen = st.selectbox(t("accounts.choose"), list(by_id), key="accedit_user",
                          format_func=lambda i: f"{by_id[i].username} ({by_id[i].display_name})")
    row = by_id[chosen]
    roles = [r.value for r in Role]
    unit_options = [NO_UNIT, *units]
    with st.form(f"edit_user_{chosen}"):  # keyed by account, so switching accounts shows its own values
        c1, c2 = st.columns(2)
        display_name = c1.text_input(t("field.display_name"), value=row.display_name, key=f"accedit_name_{chosen}")
        role = c2.selectbox(t("field.role"), roles, index=roles.index(row.role), format_func=role_label,
                            key=f"accedit_role_{chosen}")
        unit = c1.selectbox(t("field.unit"), unit_options,
                            index=unit_options.index(row.unit) if row.unit in unit_options else 0,
                            format_func=lambda u: u or t("accounts.no_unit"), key=f"accedit_unit_{chosen}")
        email = c2.text_input(t("field.email_optional"), value=row.email or "", key=f"accedit_email_{chosen}")
        password = c1.text_input(t("accedit.password"), type="password", key=f"accedit_pw_{chosen}")
        submitted = st.form_submit_button(t("accedit.submit"))
    _sign_out_everywhere(chosen, row.username)
    if not submitted:
        return
    try:
        with state.acting(write=True) as (session, actor):
            user = update_account(session, actor, chosen,
                                  display_name=display_name, role=role, unit_name=unit or None, email=email,
                                  password=password or None)
            name = user.username
    except CaseReviewError as exc:
        show_error(exc)
        return
    st.session_state.pop(f"accedit_pw_{chosen}", None)
    state.flash(t("accedit.saved", username=name))
    st.rerun()


def render() -> None:
    st.title(t("accounts.title"))
    with reported():
        rows = _table()
        with state.db_session() as session:
            units = unit_names(session)
        if not units:
            st.info(t("accounts.no_units"))
        _add_form(units)
        _edit(rows, units)
        _activation(rows)


if __name__ == "__main__":
    render()
