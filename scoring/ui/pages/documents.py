"""Documents (lead): the review notice and supervision recommendations (Word), the Excel exports.

Word documents are made on request ("Make ...": charts and findings take a moment) and kept in the
session for the download buttons, with the warnings met (a missing CJK font, blank form fields, no
findings). Excel exports are made when their download button is clicked, from the current data.
Every rule (who may, which units get a recommendation) is in `scoring.documents`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from scoring.db.models import SampleRecord, User
from scoring.db.session import session_factory
from scoring.documents import (
    EXPORTS,
    Document,
    DocWarning,
    build_notice,
    export,
    find_cjk_font,
    supervision_targets,
)
from scoring.documents.common import XLSX, safe_filename
from scoring.documents.excel import EXPORT_NAMES
from scoring.documents.fonts import missing_font_message
from scoring.documents.notice import default_title
from scoring.documents.supervision import build_supervisions, zip_documents
from scoring.errors import CaseReviewError
from scoring.ui import state
from scoring.ui.common import reported, show_error, table
from scoring.ui.i18n import has_text, t
from scoring.ui.widgets import choose_campaign
from scoring.workflow.campaigns import get_campaign

NOTICE_KEY = "doc_notice_result"  # (campaign id, Document)
SUPERVISION_KEY = "doc_supervision_result"  # (campaign id, threshold, [Document], zip Document)


def warning_text(w: DocWarning) -> str:
    key = f"doc.warn.{w.code}"
    if not has_text(key):
        return w.message
    try:
        return t(key, **w.detail)
    except (KeyError, IndexError):
        return w.message


def show_warnings(warnings: list[DocWarning]) -> None:
    shown: set[str] = set()
    for w in warnings:
        text = warning_text(w)
        if text not in shown:
            shown.add(text)
            st.warning(text, icon=":material/warning:")


def _font_status() -> None:
    font = find_cjk_font()
    if font is None:
        show_warnings([DocWarning("no_cjk_font", missing_font_message())])
    else:
        st.caption(t("doc.font_ok", family=font.family, path=str(font.path)))


# ------------------------------------------------------------------------------------------ notice

def _notice(campaign_id: int, campaign_title: str) -> None:
    st.subheader(t("doc.notice"))
    c1, c2 = st.columns(2)
    title = c1.text_input(t("doc.field_title"), value=campaign_title, key=f"doc_title_{campaign_id}")
    number = c2.text_input(t("doc.field_number"), key="doc_number", help=t("doc.field_number_help"),
                           placeholder="X司〔2025〕X号")
    c3, c4, c5 = st.columns(3)
    issuer = c3.text_input(t("doc.field_issuer"), key="doc_issuer")
    addressee = c4.text_input(t("doc.field_addressee"), value="各行政执法单位", key="doc_addressee")
    date = c5.date_input(t("doc.field_date"), value=None, key="doc_date")
    if st.button(t("doc.make_notice"), key="doc_make_notice", type="primary", icon=":material/description:"):
        with st.spinner(t("doc.make_notice")), state.acting() as (session, actor):
            built = build_notice(session, actor, campaign_id, title=title, number=number,
                               issuer=issuer, addressee=addressee, date=date)
        st.session_state[NOTICE_KEY] = (campaign_id, built)
    made = st.session_state.get(NOTICE_KEY)
    if made and made[0] == campaign_id:
        doc: Document = made[1]
        st.caption(t("doc.made", name=doc.filename))
        show_warnings(doc.warnings)
        st.download_button(t("doc.download_notice"), data=doc.content, file_name=doc.filename, mime=doc.media_type,
                           key="doc_download_notice", icon=":material/download:", on_click="ignore")


# ------------------------------------------------------------------------------------------ supervision

def _supervision(campaign_id: int, pass_line: Decimal) -> None:
    st.subheader(t("doc.supervision"))
    threshold = st.number_input(t("doc.threshold"), min_value=0.0, max_value=100.0, value=float(pass_line), step=1.0,
                                key=f"doc_threshold_{campaign_id}", help=t("doc.threshold_help"))
    with state.acting() as (session, actor):
        targets = supervision_targets(session, actor, campaign_id, threshold=threshold)
    if not targets:
        st.info(t("doc.no_targets", threshold=f"{threshold:g}"))
        return
    st.caption(t("doc.targets", n=len(targets)))
    table(pd.DataFrame([{t("doc.col_unit"): x.unit, t("doc.col_files"): x.files,
                         t("doc.col_failing"): x.failing, t("doc.col_mean"): float(x.mean),
                         t("doc.col_grade"): x.grade, t("doc.col_below"): x.below_threshold}
                        for x in targets]), hide_index=True, width="stretch")
    c1, c2, c3 = st.columns(3)
    number = c1.text_input(t("doc.field_number"), key="doc_sup_number", placeholder="X司监〔2025〕X号")
    issuer = c2.text_input(t("doc.field_issuer"), key="doc_sup_issuer")
    date = c3.date_input(t("doc.field_date"), value=None, key="doc_sup_date")
    deadline = st.date_input(t("doc.field_deadline"), value=None, key="doc_sup_deadline",
                             help=t("doc.field_deadline_help"), min_value=dt.date(2000, 1, 1))
    if st.button(t("doc.make_supervision"), key="doc_make_supervision", type="primary", icon=":material/gavel:"):
        with st.spinner(t("doc.make_supervision")), state.acting() as (session, actor):
            campaign = get_campaign(session, campaign_id)
            docs = build_supervisions(session, actor, campaign_id, threshold=threshold,
                                      number=number, issuer=issuer, date=date, deadline=deadline)
            bundle = zip_documents(docs, f"{campaign.name}-行政执法监督建议书.zip")
        st.session_state[SUPERVISION_KEY] = (campaign_id, threshold, docs, bundle)
    made = st.session_state.get(SUPERVISION_KEY)
    if made and made[0] == campaign_id and made[1] == threshold:
        _, _, docs, bundle = made
        show_warnings(bundle.warnings)
        st.download_button(t("doc.download_zip"), data=bundle.content, file_name=bundle.filename,
                           mime=bundle.media_type, key="doc_download_zip", type="primary",
                           icon=":material/folder_zip:", on_click="ignore")
        cols = st.columns(3)
        for i, doc in enumerate(docs):
            unit = next((x.unit for x in targets if x.unit_id == doc.unit_id), str(doc.unit_id))
            cols[i % 3].download_button(t("doc.download_unit", unit=unit), data=doc.content, file_name=doc.filename,
                                        mime=doc.media_type, key=f"doc_download_unit_{doc.unit_id}",
                                        icon=":material/download:", on_click="ignore")


# ------------------------------------------------------------------------------------------ Excel

def _deferred(engine: Engine, user_id: int, campaign_id: int, what: str) -> Callable[[], bytes]:
    """The export made when its button is clicked (in Streamlit's download thread: its own session)."""

    def make() -> bytes:
        with session_factory(engine)() as session:
            return export(session, session.get(User, user_id), campaign_id, what).content

    return make


def _exports(campaign_id: int, campaign_name: str) -> None:
    st.subheader(t("doc.exports"))
    st.caption(t("doc.exports_help"))
    with state.acting() as (session, user):
        has_sample = session.query(SampleRecord.id).filter(SampleRecord.campaign_id == campaign_id,
                                                           SampleRecord.is_current.is_(True)).first() is not None
        user_id = user.id
    cols = st.columns(len(EXPORTS))
    for col, what in zip(cols, EXPORTS, strict=True):
        disabled = what == "sample" and not has_sample
        col.download_button(t(f"doc.export.{what}"), data=_deferred(state.engine(), user_id, campaign_id, what),
                            file_name=safe_filename(f"{campaign_name}-{EXPORT_NAMES[what]}.xlsx"), mime=XLSX,
                            key=f"doc_export_{what}", icon=":material/table_view:", disabled=disabled,
                            on_click="ignore")
    if not has_sample:
        st.caption(t("doc.no_sample"))


def render() -> None:
    st.title(t("doc.title"))
    st.caption(t("doc.intro"))
    with reported():
        campaign = choose_campaign("doc_campaign", workflow=True)
        if campaign is None:
            return
        with state.db_session() as session:
            row = get_campaign(session, campaign.id)
            title, pass_line, name = default_title(row), Decimal(row.pass_line), row.name
        _font_status()
        try:
            _notice(campaign.id, title)
        except CaseReviewError as exc:
            show_error(exc)
        st.divider()
        try:
            _supervision(campaign.id, pass_line)
        except CaseReviewError as exc:
            show_error(exc)
        st.divider()
        _exports(campaign.id, name)


if __name__ == "__main__":
    render()
