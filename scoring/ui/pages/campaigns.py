"""Campaigns (lead): the list of review campaigns and a form to create one."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from scoring.errors import CaseReviewError
from scoring.rubric.schema import GradeBand
from scoring.ui import state
from scoring.ui.common import editor, reported, show_error, table
from scoring.ui.i18n import has_text, t
from scoring.views import list_campaigns
from scoring.workflow.campaigns import (
    DEFAULT_BANDS,
    TIE_BREAKS,
    create_campaign,
    default_mapping,
    scopes,
    spec_from_options,
    standards_for_scope,
)


def bands_from_editor(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Grade-band rows as the core expects them; wholly empty rows are dropped, the rest left to the core."""
    bands = []
    for _, row in frame.iterrows():
        name = row.get("name")
        low = row.get("min")
        name = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name).strip()
        if low is not None and isinstance(low, float) and math.isnan(low):
            low = None
        if not name and low is None:
            continue
        bands.append({"name": name, "min": low})
    return bands


_BAND_SPLIT = re.compile(r"\s*[/／、;；,，]\s*")
_BAND_PART = re.compile(r"^(.*?)\s*(?:≥|>=|>|：|:)?\s*(\d+(?:\.\d+)?)\s*分?$")


def bands_from_text(text: str) -> list[dict[str, Any]]:
    """"优秀 90 / 合格 60 / 不合格 0" as band rows for the core; a part without a number is handed on with
    no minimum, for the core to say what is wrong."""
    bands: list[dict[str, Any]] = []
    for part in _BAND_SPLIT.split(text.strip()):
        if not part:
            continue
        m = _BAND_PART.match(part)
        bands.append({"name": m.group(1).strip(), "min": m.group(2)} if m else {"name": part, "min": None})
    return bands


def bands_text(bands: list[GradeBand]) -> str:
    return " / ".join(f"{b.name} {b.min.normalize():f}" for b in bands)


def _grading(library) -> dict[str, Any]:  # noqa: ANN001
    """Bands per standard (override), unit bands and the tie-break rule: the spec's values (checked by the core)."""
    st.markdown(f"**{t('campgrade.title')}**")
    st.caption(t("campgrade.help"))
    out: dict[str, Any] = {}
    standards = library.standards if library is not None else {}
    chosen = st.multiselect(t("campgrade.override"), sorted(standards), key="camp_override",
                            format_func=lambda sid: f"{standards[sid].title} ({sid})", placeholder=t("widget.choose"))
    overrides: dict[str, Any] = {}
    for sid in chosen:
        std = standards[sid]
        c1, c2 = st.columns([3, 1])
        text = c1.text_input(t("campgrade.bands_of", title=std.title), value=bands_text(std.grade_bands),
                             key=f"camp_ovr_bands_{sid}")
        pass_line = c2.number_input(t("campgrade.pass_of", title=std.title), value=float(std.pass_line), step=1.0,
                                    key=f"camp_ovr_pass_{sid}")
        overrides[sid] = {"grade_bands": bands_from_text(text), "pass_line": Decimal(str(pass_line))}
    out["standard_bands"] = overrides
    if not st.checkbox(t("campgrade.unit_same"), value=True, key="camp_unit_same"):
        text = st.text_input(t("campgrade.unit_bands"), value=bands_text(DEFAULT_BANDS), key="camp_unit_bands")
        out["unit_bands"] = bands_from_text(text)
    rules = {r: t(f"campgrade.tie.{r}") for r in TIE_BREAKS}  # labels of this run's language
    out["tie_break"] = st.selectbox(t("campgrade.tie_break"), list(rules), key="camp_tie_break",
                                    format_func=rules.__getitem__)
    return out


def _list() -> None:
    with state.acting() as (session, actor):
        rows = list_campaigns(session, actor)
    if not rows:
        st.info(t("campaigns.none"))
        return
    table(
        pd.DataFrame([
            {
                t("col.name"): r.name,
                t("col.year"): r.year,
                t("col.window"): f"{r.window_start} – {r.window_end}",
                t("col.status"): t(f"status.{r.status}") if has_text(f"status.{r.status}") else r.status,
                t("col.bands"): r.bands,
                t("col.pass_line"): f"{r.pass_line.normalize():f}",
                t("col.reviewers"): r.reviewers_per_file,
                t("col.standards"): r.standards,
            }
            for r in rows
        ]),
        hide_index=True,
        width="stretch",
    )


NONE = ""


def _standards_mapping(library) -> dict[str, str]:  # noqa: ANN001
    """Which standard scores which case type (and procedure); default: the one shipped for it."""
    st.markdown(f"**{t('campaigns.standards')}**")
    st.caption(t("campaigns.standards_help"))
    defaults = default_mapping(library)
    mapping: dict[str, str] = {}
    cols = st.columns(2)
    for i, scope in enumerate(scopes()):
        options = [NONE, *standards_for_scope(library, scope)]
        default = defaults.get(scope) or defaults.get(scope.split("/")[0]) or NONE
        chosen = cols[i % 2].selectbox(
            scope.replace("/", " · ") + ("程序" if "/" in scope else ""), options,
            index=options.index(default) if default in options else 0, key=f"camp_std_{scope}",
            format_func=lambda sid: t("campaigns.not_reviewed") if sid == NONE else library.standards[sid].title)
        if chosen != NONE:
            mapping[scope] = chosen
    return mapping


def _form() -> None:
    st.subheader(t("campaigns.create"))
    library = None
    try:
        library = state.rubric_library()
    except CaseReviewError as exc:
        show_error(exc)
    last_year = dt.date.today().year - 1
    grading = _grading(library)
    with st.form("create_campaign"):
        name = st.text_input(t("field.campaign_name"), key="camp_name", placeholder=t("campaigns.name_hint"))
        c1, c2, c3 = st.columns(3)
        year = c1.number_input(t("field.year"), value=last_year, step=1, key="camp_year")
        start = c2.date_input(t("field.window_start"), value=dt.date(last_year, 1, 1), key="camp_start",
                              min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
        end = c3.date_input(t("field.window_end"), value=dt.date(last_year, 12, 31), key="camp_end",
                            min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
        st.markdown(f"**{t('field.grade_bands')}**")
        bands = editor(
            pd.DataFrame([{"name": b.name, "min": float(b.min)} for b in DEFAULT_BANDS]),
            num_rows="dynamic", hide_index=True, key="camp_bands",
            column_config={
                "name": st.column_config.TextColumn(t("col.band_name"), required=True),
                "min": st.column_config.NumberColumn(t("col.band_min"), min_value=0, step=0.5),
            },
        )
        c4, c5 = st.columns(2)
        pass_line = c4.number_input(t("field.pass_line"), value=60.0, step=1.0, key="camp_pass")
        reviewers = c5.number_input(t("field.reviewers"), value=2, min_value=1, step=1, key="camp_reviewers")
        st.markdown(f"**{t('field.recheck')}**")
        r1, r2 = st.columns(2)
        grade_differs = r1.checkbox(t("recheck.grade_differs"), value=True, key="camp_rc_grade")
        veto_one_side = r2.checkbox(t("recheck.veto_one_side"), value=True, key="camp_rc_veto")
        below_pass = r1.checkbox(t("recheck.below_pass_line"), value=True, key="camp_rc_pass")
        use_gap = r2.checkbox(t("recheck.use_gap"), value=True, key="camp_rc_use_gap")
        gap = st.number_input(t("recheck.gap"), value=10.0, step=1.0, key="camp_rc_gap")
        anonymise = st.checkbox(t("field.anonymise"), value=True, key="camp_anonymise",
                                help=t("field.anonymise_help"))
        mapping = _standards_mapping(library) if library is not None else {}
        submitted = st.form_submit_button(t("campaigns.submit"), type="primary", disabled=library is None)
    if not submitted or library is None:
        return
    try:
        spec = spec_from_options(
            name=name, year=int(year), window_start=start, window_end=end,
            grade_bands=bands_from_editor(bands), pass_line=Decimal(str(pass_line)),
            reviewers_per_file=int(reviewers),
            recheck={"grade_differs": grade_differs, "veto_one_side": veto_one_side,
                     "below_pass_line": below_pass, "gap": Decimal(str(gap)) if use_gap else None},
            anonymise=anonymise, standards=mapping, **grading,
        )
        with state.acting(write=True) as (session, actor):
            campaign = create_campaign(session, spec, library, actor)
            created = (campaign.name, len(campaign.standards))
    except CaseReviewError as exc:
        show_error(exc)
        return
    state.flash(t("campaigns.created", name=created[0], n=created[1]))
    st.session_state.pop("camp_name", None)  # so a second click cannot submit the same campaign again
    st.rerun()


def render() -> None:
    st.title(t("campaigns.title"))
    with reported():
        _list()
    with reported():
        _form()


if __name__ == "__main__":
    render()
