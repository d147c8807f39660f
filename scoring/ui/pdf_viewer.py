"""The electronic case file beside the form: one page at a time, as an image rendered on the server.

Why not `st.pdf` (the `streamlit-pdf` package): it works offline (it bundles pdf.js), but its Python
side takes only the data and a height — there is no way to open it at a page or to read which page the
reader is on, and both are the point here (a deduction's page jumps the viewer; "use current page"
fills the page field). Rendering pages with PDFium (`pypdfium2`, a wheel with the library inside) needs
no browser plug-in and nothing from the network, and reads scanned files well.

Reading goes through the core (`scoring.case_pdfs.info`/`fetch`) with the signed-in person on every
run, so blind review and recusal apply to the PDF as to everything else; the bytes are cached by their
SHA-256 only after that check.
"""

from __future__ import annotations

import re

import streamlit as st

from scoring import case_pdfs
from scoring.case_pdfs import PdfInfo
from scoring.errors import CaseReviewError
from scoring.messages import localize
from scoring.ui import state
from scoring.ui.i18n import lang, t

PAGE_PREFIX = "pdf_page:"
WIDTH_PX = 900
_FIRST_NUMBER = re.compile(r"\d+")


def page_key(case_file_id: int) -> str:
    return f"{PAGE_PREFIX}{case_file_id}"


def current_page(case_file_id: int) -> int:
    return int(st.session_state.get(page_key(case_file_id), 1))


def first_page_of(location: str | None) -> int | None:
    """The page a location points at: "12" -> 12, "12-14" -> 12; None when it names no page."""
    m = _FIRST_NUMBER.search(location or "")
    return int(m.group()) if m else None


def jump(case_file_id: int, page: int | None) -> None:
    """Turn the viewer to `page` (a callback for the deductions' "show page" buttons)."""
    if page is not None and page >= 1:
        st.session_state[page_key(case_file_id)] = page


@st.cache_data(show_spinner=False, max_entries=16)
def _bytes(sha256: str, case_file_id: int) -> bytes:
    # Called only after case_pdfs.info allowed the reader; keyed by content, so one copy per PDF.
    with state.acting() as (session, actor):
        _, data = case_pdfs.fetch(session, actor, case_file_id)
    return data


@st.cache_data(show_spinner=False, max_entries=256)
def _page_png(sha256: str, data_key: int, page: int, width: int) -> bytes:
    return case_pdfs.render_page(_bytes(sha256, data_key), page, width)


def allowed_info(case_file_id: int) -> PdfInfo | None:
    """What is attached, if the signed-in person may read it (the core decides); None when nothing is."""
    with state.acting() as (session, actor):
        return case_pdfs.info(session, actor, case_file_id)


def readable(case_file_id: int) -> PdfInfo | None:
    """The attached PDF if the signed-in person may read it, else None (decides the two-column layout)."""
    try:
        return allowed_info(case_file_id)
    except CaseReviewError:
        return None


def has_pdf(case_file_id: int) -> bool:
    return readable(case_file_id) is not None


def _turn(case_file_id: int, pages: int, delta: int) -> None:
    key = page_key(case_file_id)
    st.session_state[key] = min(pages, max(1, int(st.session_state.get(key, 1)) + delta))


def viewer(case_file_id: int, found: PdfInfo | None = None) -> PdfInfo | None:
    """Show the case file's PDF at the current page with page controls; returns what is shown (None when
    no PDF is attached or it may not be read — then a note says so). `found`: what `readable` returned
    this run (saves asking again)."""
    if found is None:
        try:
            found = allowed_info(case_file_id)
        except CaseReviewError as exc:
            st.warning(localize(exc, lang()), icon=":material/lock:")
            return None
    if found is None:
        st.caption(t("pdfv.none"))
        return None
    key = page_key(case_file_id)
    page = min(found.pages, max(1, int(st.session_state.get(key, 1))))
    st.session_state[key] = page
    c_prev, c_page, c_next = st.columns([1.2, 1.6, 1.2], vertical_alignment="bottom")
    c_prev.button(t("pdfv.prev"), key=f"pdfv_prev_{case_file_id}", icon=":material/chevron_left:",
                  on_click=_turn, args=(case_file_id, found.pages, -1), disabled=page <= 1, width="stretch")
    c_page.number_input(t("pdfv.page", pages=found.pages), min_value=1, max_value=found.pages, step=1, key=key)
    c_next.button(t("pdfv.next"), key=f"pdfv_next_{case_file_id}", icon=":material/chevron_right:",
                  on_click=_turn, args=(case_file_id, found.pages, 1), disabled=page >= found.pages,
                  width="stretch")
    try:
        png = _page_png(found.sha256, case_file_id, page, WIDTH_PX)
    except CaseReviewError as exc:
        st.warning(localize(exc, lang()))
        return found
    st.image(png, caption=t("pdfv.caption", name=found.filename, page=page, pages=found.pages), width="stretch")
    return found
