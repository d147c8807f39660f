"""Findings (lead): draft the findings from the results, edit them, trace them, and keep each unit's
rectification (整改) requirements.

"Generate / regenerate" drafts the findings (`scoring.findings.generate_findings`); text the lead edited
is kept, and drafts that changed under an edit are listed with the kept and the new text side by side,
each replaced only when ticked. Findings are shown one scope at a time (the campaign, then each unit),
grouped by section; each is saved explicitly against the version it was loaded at (a save over a newer
version is refused and says so). Each finding's files and deductions are in its "traces" expander.

Widget state per finding: `find_base_<id>` holds the stored values the inputs were seeded from (the
`expected_version` of the next save); the inputs follow the stored finding when it changes (e.g. after
regenerating) unless they hold unsaved text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from scoring.db.models import User
from scoring.db.session import transaction
from scoring.errors import CaseReviewError, ConflictError
from scoring.findings import (
    SECTIONS,
    STATUSES,
    FindingView,
    RectificationView,
    RegenerationReport,
    add_finding,
    add_rectification,
    delete_finding,
    delete_rectification,
    finding_traces,
    generate_findings,
    list_findings,
    list_rectifications,
    move_finding,
    propose_rectifications,
    update_finding,
    update_rectification,
)
from scoring.ui import state
from scoring.ui.common import reported, show_error
from scoring.ui.i18n import t
from scoring.ui.pages.sampling import choose_campaign

REPORT_KEY = "find_report"  # (campaign id, RegenerationReport) of the last generation
SCOPE_KEY = "find_scope"
CAMPAIGN_SCOPE = "campaign"
DEFAULT_DEADLINE_DAYS = 30


def _actor(session) -> User:  # noqa: ANN001
    return state.current_user(session)


# ------------------------------------------------------------------------------------------ pure helpers

def report_lines(report: RegenerationReport) -> str:
    c = report.counts()
    return t("find.report", added=c["added"], updated=c["updated"], unchanged=c["unchanged"], kept=c["kept"],
             replaced=c["replaced"], stale=c["stale"], removed=c["removed"])


def editor_changes(rows: list[RectificationView], edited: pd.DataFrame) -> tuple[list[dict], list[dict], list[int]]:
    """What the rectification table editor changed: (new rows, changed rows with their id and version,
    ids of deleted rows). Rows are matched by the "id" column; a row without one is new."""
    by_id = {r.id: r for r in rows}
    labels = {t(f"find.status_{s}"): s for s in STATUSES}
    seen: set[int] = set()
    added: list[dict] = []
    changed: list[dict] = []
    for rec in edited.to_dict("records"):
        rec = {k: _cell(v) for k, v in rec.items()}
        values = {"requirement": str(rec.get("requirement") or "").strip(), "owner": str(rec.get("owner") or "").strip(),
                  "deadline": _date(rec.get("deadline")), "status": labels.get(rec.get("status"), rec.get("status"))}
        rid = rec.get("id")
        if rid is None:
            if values["requirement"] or values["owner"]:
                added.append({**values, "status": values["status"] or "open"})
            continue
        rid = int(rid)
        seen.add(rid)
        old = by_id.get(rid)
        if old is None:
            continue
        diff = {k: v for k, v in values.items() if v is not None and v != getattr(old, k)}
        if diff:
            changed.append({"id": rid, "version": old.version, **diff})
    deleted = [r.id for r in rows if r.id not in seen]
    return added, changed, deleted


def _cell(value: Any) -> Any:
    """An editor cell: missing values (None, NaN, NaT) as None."""
    try:
        return None if value is None or pd.isna(value) else value
    except (TypeError, ValueError):  # list-like cells
        return value


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------ generation

def _generate(campaign_id: int) -> None:
    c1, c2 = st.columns([1, 3])
    if c1.button(t("find.generate"), key="find_generate", type="primary", icon=":material/auto_awesome:"):
        try:
            with transaction(state.engine()) as session:
                report = generate_findings(session, _actor(session), campaign_id)
        except CaseReviewError as exc:
            show_error(exc)
            return
        st.session_state[REPORT_KEY] = (campaign_id, report)
        st.rerun()
    c2.caption(t("find.generate_help"))
    kept = st.session_state.get(REPORT_KEY)
    if not kept or kept[0] != campaign_id:
        return
    report: RegenerationReport = kept[1]
    st.success(report_lines(report))
    if report.pending_files:
        st.warning(t("find.pending", n=report.pending_files))
    if not report.draft_changed:
        return
    st.warning(t("find.draft_changed", n=len(report.draft_changed)))
    for ch in report.draft_changed:
        with st.container(border=True):
            st.markdown(f"**#{ch.finding_id} · {ch.unit_name or t('find.scope_campaign')} · "
                        f"{t('find.section_' + ch.section)}**")
            left, right = st.columns(2)
            left.caption(t("find.your_text"))
            left.markdown(f"**{ch.title}**\n\n{ch.body}")
            right.caption(t("find.new_draft"))
            right.markdown(f"**{ch.new_title}**\n\n{ch.new_body}")
            st.checkbox(t("find.replace_this"), key=f"find_rep_{ch.finding_id}")
    chosen = [ch.finding_id for ch in report.draft_changed if st.session_state.get(f"find_rep_{ch.finding_id}")]
    b1, b2 = st.columns(2)
    if b1.button(t("find.replace", n=len(chosen)), key="find_replace", disabled=not chosen):
        try:
            with transaction(state.engine()) as session:
                again = generate_findings(session, _actor(session), campaign_id, replace_edited=chosen)
        except CaseReviewError as exc:
            show_error(exc)
            return
        for fid in chosen:
            _forget(fid)
        st.session_state[REPORT_KEY] = (campaign_id, again)
        st.rerun()
    if b2.button(t("find.keep_all"), key="find_keep_all"):
        st.session_state.pop(REPORT_KEY, None)
        st.rerun()


# ------------------------------------------------------------------------------------------ one finding

def _keys(fid: int) -> dict[str, str]:
    return {"base": f"find_base_{fid}", "title": f"find_t_{fid}", "body": f"find_b_{fid}", "included": f"find_i_{fid}",
            "conflict": f"find_conflict_{fid}"}


def _forget(fid: int) -> None:
    for key in _keys(fid).values():
        st.session_state.pop(key, None)


def _dirty(fid: int, base: dict[str, Any]) -> bool:
    k = _keys(fid)
    return any(k[name] in st.session_state and st.session_state[k[name]] != base[name]
               for name in ("title", "body", "included"))


def _seed(f: FindingView) -> dict[str, Any]:
    """The stored values the inputs start from; re-seeded when the finding changed and nothing is unsaved."""
    k = _keys(f.id)
    base = st.session_state.get(k["base"])
    if base is None or (base["version"] != f.version and not _dirty(f.id, base)):
        base = {"version": f.version, "title": f.title, "body": f.body, "included": f.included}
        st.session_state[k["base"]] = base
        st.session_state[k["title"]] = f.title
        st.session_state[k["body"]] = f.body
        st.session_state[k["included"]] = f.included
        st.session_state.pop(k["conflict"], None)
    else:
        for name in ("title", "body", "included"):  # widgets not drawn for a while lose their state
            st.session_state.setdefault(k[name], base[name])
    return base


def _save(f: FindingView, base: dict[str, Any], *, version: int | None = None) -> None:
    k = _keys(f.id)
    try:
        with transaction(state.engine()) as session:
            update_finding(session, _actor(session), f.id, title=st.session_state[k["title"]],
                           body=st.session_state[k["body"]], included=st.session_state[k["included"]],
                           expected_version=base["version"] if version is None else version)
    except ConflictError as exc:
        current: FindingView = exc.current  # type: ignore[assignment]
        st.session_state[k["conflict"]] = {"version": current.version, "title": current.title,
                                           "body": current.body, "included": current.included}
        st.rerun()
    except CaseReviewError as exc:
        show_error(exc)
        return
    _forget(f.id)
    state.flash(t("find.saved", id=f.id))
    st.rerun()


def _traces(f: FindingView) -> None:
    with st.expander(t("find.traces", n=f.links)):
        with state.db_session() as session:
            rows = finding_traces(session, _actor(session), f.id)
        if not rows:
            st.caption(t("find.no_traces"))
            return
        st.dataframe(pd.DataFrame(
            [{t("col.case_number"): r.case_number, t("col.unit"): r.unit_name,
              t("find.col_item"): f"{r.item_id} {r.item_title}", t("find.col_reason"): r.reason,
              t("find.col_comment"): r.comment, t("find.col_location"): r.location,
              t("find.col_score"): f"{r.score:.2f}" if r.score is not None else "",
              t("find.col_grade"): r.grade or "", t("find.col_standing"): "" if r.standing else t("find.gone")}
             for r in rows]), hide_index=True, width="stretch")


def _finding(f: FindingView, index: int, count: int) -> None:
    k = _keys(f.id)
    base = _seed(f)
    with st.container(border=True):
        badges = []
        if f.edited and not f.manual:
            badges.append(t("find.badge_edited"))
        if f.manual:
            badges.append(t("find.badge_manual"))
        if not f.included:
            badges.append(t("find.badge_excluded"))
        if f.stale:
            badges.append(t("find.badge_stale"))
        st.markdown(f"**{index + 1}. {f.title}**" + (f"  ·  {' · '.join(badges)}" if badges else ""))
        if f.stale:
            st.warning(t("find.stale_help"))
        st.text_input(t("find.field_title"), key=k["title"])
        st.text_area(t("find.field_body"), key=k["body"], height=110)
        conflict = st.session_state.get(k["conflict"])
        if conflict:
            st.error(t("find.conflict", version=base["version"], now=conflict["version"]))
            st.markdown(f"{t('find.current_text')}\n\n**{conflict['title']}**\n\n{conflict['body']}")
        c = st.columns([2, 1, 1, 1, 1])
        c[0].checkbox(t("find.include"), key=k["included"])
        if c[1].button(t("find.save"), key=f"find_save_{f.id}", type="primary"):
            _save(f, base)
        if c[2].button(t("find.up"), key=f"find_up_{f.id}", disabled=index == 0, icon=":material/arrow_upward:"):
            _move(f.id, index - 1)
        if c[3].button(t("find.down"), key=f"find_dn_{f.id}", disabled=index >= count - 1,
                       icon=":material/arrow_downward:"):
            _move(f.id, index + 1)
        if (f.manual or f.stale) and c[4].button(t("find.delete"), key=f"find_del_{f.id}"):
            with reported():
                with transaction(state.engine()) as session:
                    delete_finding(session, _actor(session), f.id, expected_version=base["version"])
                _forget(f.id)
                state.flash(t("find.deleted", id=f.id))
                st.rerun()
        if conflict:
            d1, d2 = st.columns(2)
            if d1.button(t("find.load_current"), key=f"find_reload_{f.id}"):
                _forget(f.id)
                st.rerun()
            if d2.button(t("find.save_over"), key=f"find_over_{f.id}"):
                _save(f, base, version=conflict["version"])
        if f.draft_differs:
            with st.expander(t("find.draft_title")):
                st.markdown(f"**{f.draft_title}**\n\n{f.draft_body}")
                if st.button(t("find.use_draft"), key=f"find_usedraft_{f.id}"):
                    with reported():
                        with transaction(state.engine()) as session:
                            update_finding(session, _actor(session), f.id, title=f.draft_title, body=f.draft_body,
                                           expected_version=base["version"])
                        _forget(f.id)
                        st.rerun()
        _traces(f)


def _move(fid: int, position: int) -> None:
    with reported():
        with transaction(state.engine()) as session:
            move_finding(session, _actor(session), fid, position)
        st.rerun()


def _add_form(campaign_id: int, unit_id: int | None) -> None:
    with st.expander(t("find.add")):
        with st.form(f"find_add_{unit_id or 0}", clear_on_submit=True):
            section = st.selectbox(t("find.field_section"), SECTIONS, key=f"find_add_sec_{unit_id or 0}",
                                   format_func=lambda s: t(f"find.section_{s}"))
            title = st.text_input(t("find.field_title"), key=f"find_add_title_{unit_id or 0}")
            body = st.text_area(t("find.field_body"), key=f"find_add_body_{unit_id or 0}")
            submitted = st.form_submit_button(t("find.add_submit"))
        if submitted:
            with reported():
                with transaction(state.engine()) as session:
                    add_finding(session, _actor(session), campaign_id, unit_id=unit_id, section=section, title=title,
                                body=body)
                state.flash(t("find.added"))
                st.rerun()


def _findings(campaign_id: int, unit_id: int | None, rows: list[FindingView]) -> None:
    for section in SECTIONS:
        group = [f for f in rows if f.section == section]
        st.subheader(t(f"find.section_{section}"))
        if not group:
            st.caption(t("find.section_empty"))
        for i, f in enumerate(group):
            _finding(f, i, len(group))
    _add_form(campaign_id, unit_id)


# ------------------------------------------------------------------------------------------ rectification

def _rect_frame(rows: list[RectificationView]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": r.id, "requirement": r.requirement, "owner": r.owner, "deadline": r.deadline,
          "status": t(f"find.status_{r.status}")} for r in rows],
        columns=["id", "requirement", "owner", "deadline", "status"])


def _apply_editor(campaign_id: int, unit_id: int, rows: list[RectificationView], edited: pd.DataFrame) -> None:
    added, changed, deleted = editor_changes(rows, edited)
    if not (added or changed or deleted):
        st.info(t("find.rect_nothing"))
        return
    try:
        with transaction(state.engine()) as session:
            actor = _actor(session)
            for values in added:
                add_rectification(session, actor, campaign_id, unit_id, **values)
            for ch in changed:
                rid, version = ch.pop("id"), ch.pop("version")
                update_rectification(session, actor, rid, expected_version=version, **ch)
            for rid in deleted:
                version = next(r.version for r in rows if r.id == rid)
                delete_rectification(session, actor, rid, expected_version=version)
    except CaseReviewError as exc:
        show_error(exc)
        return
    st.session_state.pop(f"rect_editor_{unit_id}", None)
    state.flash(t("find.rect_saved", added=len(added), changed=len(changed), deleted=len(deleted)))
    st.rerun()


def _proposals(campaign_id: int, unit_id: int, unit_name: str) -> None:
    pkey = f"rect_proposals_{unit_id}"
    if st.button(t("find.rect_propose"), key=f"rect_propose_{unit_id}", icon=":material/lightbulb:"):
        with reported():
            with state.db_session() as session:
                proposals = propose_rectifications(session, _actor(session), campaign_id, unit_id)
            st.session_state[pkey] = proposals
            for i, text in enumerate(proposals):
                st.session_state[f"rect_prop_{unit_id}_{i}"] = text
                st.session_state[f"rect_prop_on_{unit_id}_{i}"] = True
            if not proposals:
                st.info(t("find.rect_no_proposals"))
    proposals = st.session_state.get(pkey)
    if not proposals:
        return
    st.caption(t("find.rect_proposals_help"))
    for i in range(len(proposals)):
        a, b = st.columns([1, 12])
        a.checkbox(t("find.rect_take"), key=f"rect_prop_on_{unit_id}_{i}", label_visibility="collapsed")
        b.text_area(t("find.rect_requirement"), key=f"rect_prop_{unit_id}_{i}", label_visibility="collapsed",
                    height=80)
    c1, c2 = st.columns(2)
    owner = c1.text_input(t("find.rect_owner"), value=unit_name, key=f"rect_prop_owner_{unit_id}")
    deadline = c2.date_input(t("find.rect_deadline"), key=f"rect_prop_deadline_{unit_id}",
                             value=dt.date.today() + dt.timedelta(days=DEFAULT_DEADLINE_DAYS))
    d1, d2 = st.columns(2)
    if d1.button(t("find.rect_add_proposals"), key=f"rect_prop_add_{unit_id}", type="primary"):
        chosen = [st.session_state[f"rect_prop_{unit_id}_{i}"] for i in range(len(proposals))
                  if st.session_state.get(f"rect_prop_on_{unit_id}_{i}")]
        try:
            with transaction(state.engine()) as session:
                actor = _actor(session)
                for text in chosen:
                    add_rectification(session, actor, campaign_id, unit_id, requirement=text, owner=owner,
                                      deadline=deadline)
        except CaseReviewError as exc:
            show_error(exc)
            return
        st.session_state.pop(pkey, None)
        state.flash(t("find.rect_saved", added=len(chosen), changed=0, deleted=0))
        st.rerun()
    if d2.button(t("find.rect_discard"), key=f"rect_prop_discard_{unit_id}"):
        st.session_state.pop(pkey, None)
        st.rerun()


def _rectifications(campaign_id: int, unit_id: int, unit_name: str) -> None:
    st.header(t("find.rect_title", unit=unit_name))
    with state.db_session() as session:
        rows = list_rectifications(session, _actor(session), campaign_id, unit_id)
    if rows:
        edited = st.data_editor(
            _rect_frame(rows), num_rows="dynamic", hide_index=True, key=f"rect_editor_{unit_id}", width="stretch",
            column_config={
                "id": st.column_config.NumberColumn(t("find.rect_id"), disabled=True),
                "requirement": st.column_config.TextColumn(t("find.rect_requirement"), width="large", required=True),
                "owner": st.column_config.TextColumn(t("find.rect_owner"), required=True),
                "deadline": st.column_config.DateColumn(t("find.rect_deadline"), required=True, format="YYYY-MM-DD"),
                "status": st.column_config.SelectboxColumn(
                    t("find.rect_status"), options=[t(f"find.status_{s}") for s in STATUSES], required=True),
            })
        if st.button(t("find.rect_save"), key=f"rect_save_{unit_id}"):
            _apply_editor(campaign_id, unit_id, rows, edited)
    else:
        st.caption(t("find.rect_none"))
    with st.expander(t("find.rect_add"), expanded=not rows):
        with st.form(f"rect_add_form_{unit_id}", clear_on_submit=True):
            requirement = st.text_area(t("find.rect_requirement"), key=f"rect_new_req_{unit_id}")
            c1, c2 = st.columns(2)
            owner = c1.text_input(t("find.rect_owner"), key=f"rect_new_owner_{unit_id}")
            deadline = c2.date_input(t("find.rect_deadline"), key=f"rect_new_deadline_{unit_id}",
                                     value=dt.date.today() + dt.timedelta(days=DEFAULT_DEADLINE_DAYS))
            submitted = st.form_submit_button(t("find.rect_add_submit"))
        if submitted:
            with reported():
                with transaction(state.engine()) as session:
                    add_rectification(session, _actor(session), campaign_id, unit_id, requirement=requirement,
                                      owner=owner, deadline=deadline)
                state.flash(t("find.rect_saved", added=1, changed=0, deleted=0))
                st.rerun()
    _proposals(campaign_id, unit_id, unit_name)


def _all_rectifications(campaign_id: int) -> None:
    with state.db_session() as session:
        rows = list_rectifications(session, _actor(session), campaign_id)
    st.header(t("find.rect_all"))
    if not rows:
        st.caption(t("find.rect_none_all"))
        return
    st.dataframe(pd.DataFrame(
        [{t("col.unit"): r.unit_name, t("find.rect_requirement"): r.requirement, t("find.rect_owner"): r.owner,
          t("find.rect_deadline"): r.deadline.isoformat(), t("find.rect_status"): t(f"find.status_{r.status}")}
         for r in rows]), hide_index=True, width="stretch")


# ------------------------------------------------------------------------------------------ page

def render() -> None:
    st.title(t("find.title"))
    with reported():
        campaign = choose_campaign("find_campaign")
        if campaign is None:
            return
        _generate(campaign.id)
        with state.db_session() as session:
            rows = list_findings(session, _actor(session), campaign.id)
        if not rows:
            st.info(t("find.none_yet"))
            return
        units: dict[int, str] = {}
        for f in rows:
            if f.unit_id is not None:
                units.setdefault(f.unit_id, f.unit_name or "")
        options = [CAMPAIGN_SCOPE, *units]
        if st.session_state.get(SCOPE_KEY) not in options:
            st.session_state[SCOPE_KEY] = CAMPAIGN_SCOPE
        scope = st.selectbox(t("find.scope"), options, key=SCOPE_KEY,
                             format_func=lambda o: t("find.scope_campaign") if o == CAMPAIGN_SCOPE else units[o])
        unit_id = None if scope == CAMPAIGN_SCOPE else int(scope)
        mine = [f for f in rows if f.unit_id == unit_id]
        n_in = sum(f.included for f in mine)
        st.caption(t("find.scope_counts", n=len(mine), included=n_in))
        _findings(campaign.id, unit_id, mine)
        if unit_id is None:
            _all_rectifications(campaign.id)
        else:
            _rectifications(campaign.id, unit_id, units[unit_id])


if __name__ == "__main__":
    render()
