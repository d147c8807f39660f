"""Findings (lead): draft the findings from the results, edit them, trace them, and keep each unit's
rectification (整改) requirements.

"Generate / regenerate" drafts the findings (`scoring.findings.generate_findings`); text the lead edited
is kept, and drafts that changed under an edit are listed with the kept and the new text side by side,
each replaced only when ticked. Findings are shown one scope at a time (the campaign, then each unit),
filtered by focus area, in one editable table (title, text, included, order) saved with one button:
every changed row against the version it was loaded at, all or nothing (a save over a newer version is
refused, lists the rows and their current text, and offers to load them or save over them). One finding
at a time below the table: its history (every recorded change), its files and deductions, the draft
beside an edit, deleting a hand-written or stale one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from scoring.errors import CaseReviewError, ConflictError
from scoring.findings import (
    SECTIONS,
    STATUSES,
    FindingEdit,
    FindingView,
    RectificationView,
    RegenerationReport,
    add_finding,
    add_rectification,
    delete_finding,
    delete_rectification,
    finding_history,
    finding_traces,
    generate_findings,
    list_findings,
    list_rectifications,
    propose_rectifications,
    save_findings,
    update_finding,
    update_rectification,
)
from scoring.ui import state
from scoring.ui.common import editor, focus_label, reported, show_error, table
from scoring.ui.i18n import has_text, lang, t
from scoring.ui.widgets import choose_campaign

REPORT_KEY = "find_report"  # (campaign id, RegenerationReport) of the last generation
SCOPE_KEY = "find_scope"
FOCUS_KEY = "find_focus"
CONFLICT_KEY = "find_conflict"  # the last refused save: editor key, message, current findings
CAMPAIGN_SCOPE = "campaign"
DEFAULT_DEADLINE_DAYS = 30


# ------------------------------------------------------------------------------------------ pure helpers

def report_lines(report: RegenerationReport) -> str:
    c = report.counts()
    return t("find.report", added=c["added"], updated=c["updated"], unchanged=c["unchanged"], kept=c["kept"],
             replaced=c["replaced"], stale=c["stale"], removed=c["removed"])


def editor_changes(rows: list[RectificationView], edited: pd.DataFrame) -> tuple[list[dict], list[dict], list[int]]:
    """What the rectification table editor changed: (new rows, changed rows with their id and version,
    ids of deleted rows). Rows are matched by the "id" column; a row without one is new."""
    by_id = {r.id: r for r in rows}
    labels: dict[str | None, str] = {t(f"find.status_{s}"): s for s in STATUSES}
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
            with state.acting(write=True) as (session, actor):
                made = generate_findings(session, actor, campaign_id)
        except CaseReviewError as exc:
            show_error(exc)
            return
        st.session_state[REPORT_KEY] = (campaign_id, made)
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
            with state.acting(write=True) as (session, actor):
                again = generate_findings(session, actor, campaign_id, replace_edited=chosen)
        except CaseReviewError as exc:
            show_error(exc)
            return
        _forget_tables()
        st.session_state[REPORT_KEY] = (campaign_id, again)
        st.rerun()
    if b2.button(t("find.keep_all"), key="find_keep_all"):
        st.session_state.pop(REPORT_KEY, None)
        st.rerun()


# ------------------------------------------------------------------------------------------ the table

EDITOR_COLUMNS = ["id", "version", "section", "focus", "order", "included", "title", "body", "flags"]


def _editor_key(unit_id: int | None, focus: str) -> str:
    return f"find_editor_{unit_id or 0}_{focus}"


def _flags(f: FindingView) -> str:
    names = [name for name, on in (("edited", f.edited and not f.manual), ("manual", f.manual), ("stale", f.stale))
             if on]
    return " · ".join(t(f"find.badge_{n}") for n in names)


def finding_frame(rows: list[FindingView]) -> pd.DataFrame:
    """The findings as the table shows them: one row each, in the documents' order."""
    return pd.DataFrame(
        [{"id": f.id, "version": f.version, "section": t(f"find.section_{f.section}"),
          "focus": f.focus_label if f.focus else "", "order": f.position + 1, "included": f.included,
          "title": f.title, "body": f.body, "flags": _flags(f)} for f in rows],
        columns=EDITOR_COLUMNS)


def finding_edits(base: pd.DataFrame, edited: pd.DataFrame) -> list[FindingEdit]:
    """What the table's edits change, row by row (matched by id), each against the version it was loaded at."""
    before = {int(r["id"]): r for r in base.to_dict("records")}
    out = []
    for rec in edited.to_dict("records"):
        old = before.get(int(rec["id"]))
        if old is None:
            continue
        title = str(rec.get("title") or "")
        body = str(rec.get("body") or "")
        included = bool(rec.get("included"))
        order = _cell(rec.get("order"))
        changes: dict[str, Any] = {
            "title": title if title != old["title"] else None,
            "body": body if body != old["body"] else None,
            "included": included if included != bool(old["included"]) else None,
            "position": int(order) - 1 if order is not None and int(order) != int(old["order"]) else None,
        }
        if any(v is not None for v in changes.values()):
            out.append(FindingEdit(int(old["id"]), int(old["version"]), **changes))
    return out


def _save_table(key: str, base: pd.DataFrame, edited: pd.DataFrame, *, over: dict[int, int] | None = None) -> None:
    edits = finding_edits(base, edited)
    if over:  # save over the current versions the conflict showed
        edits = [FindingEdit(e.finding_id, over.get(e.finding_id, e.expected_version), e.title, e.body, e.included,
                             e.position) for e in edits]
    if not edits:
        st.info(t("find.nothing_changed"))
        return
    try:
        with state.acting(write=True) as (session, actor):
            save_findings(session, actor, edits)
    except ConflictError as exc:
        st.session_state[CONFLICT_KEY] = {"key": key, "message": exc.localized(lang()),
                                          "current": dict(exc.current) if isinstance(exc.current, dict) else {}}
        st.rerun()
    except CaseReviewError as exc:
        show_error(exc)
        return
    for k in (key, f"{key}_base", CONFLICT_KEY):
        st.session_state.pop(k, None)
    state.flash(t("find.saved_n", n=len(edits)))
    st.rerun()


def _conflict(key: str, base: pd.DataFrame, edited: pd.DataFrame) -> None:
    conflict = st.session_state.get(CONFLICT_KEY)
    if not conflict or conflict["key"] != key:
        return
    st.error(conflict["message"])
    for fid, current in conflict["current"].items():
        st.markdown(f"**#{fid} · {t('find.current_text')}**\n\n**{current.title}**\n\n{current.body}")
    c1, c2 = st.columns(2)
    if c1.button(t("find.load_current"), key="find_reload"):
        for k in (key, f"{key}_base", CONFLICT_KEY):
            st.session_state.pop(k, None)
        st.rerun()
    if c2.button(t("find.save_over"), key="find_over"):
        _save_table(key, base, edited, over={fid: c.version for fid, c in conflict["current"].items()})


def _table(rows: list[FindingView], key: str) -> None:
    """All the findings shown in one editable table, saved together with one button. While edits are
    pending the table keeps the text as it was loaded (so edits stay on their rows)."""
    fresh = finding_frame(rows)
    pending = st.session_state.get(key) or {}
    if not any(pending.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")) or \
            f"{key}_base" not in st.session_state:
        st.session_state[f"{key}_base"] = fresh
    base: pd.DataFrame = st.session_state[f"{key}_base"]
    edited = editor(
        base, key=key, hide_index=True, num_rows="fixed", width="stretch",
        disabled=["id", "version", "section", "focus", "flags"], column_order=EDITOR_COLUMNS[2:],
        column_config={
            "section": st.column_config.TextColumn(t("find.field_section"), width="small"),
            "focus": st.column_config.TextColumn(t("find.col_focus"), width="small"),
            "order": st.column_config.NumberColumn(t("find.col_order"), min_value=1, step=1, width="small",
                                                   help=t("find.col_order_help")),
            "included": st.column_config.CheckboxColumn(t("find.include"), width="small"),
            "title": st.column_config.TextColumn(t("find.field_title"), width="medium", required=True),
            "body": st.column_config.TextColumn(t("find.field_body"), width="large", required=True),
            "flags": st.column_config.TextColumn(t("find.col_flags"), width="small"),
        })
    if st.button(t("find.save_all"), key="find_save_all", type="primary", icon=":material/save:"):
        _save_table(key, base, edited)
    _conflict(key, base, edited)


def _history(fid: int) -> None:
    with state.acting() as (session, actor):
        entries = finding_history(session, actor, fid)
    if not entries:
        st.caption(t("find.history_none"))
        return
    fields = ("title", "body", "included", "position")

    def describe(values: dict[str, Any]) -> str:
        return "；".join(f"{t('find.hist_' + k)}：{values[k]}" for k in fields if k in values)

    table(pd.DataFrame(
        [{t("find.hist_when"): e.at.strftime("%Y-%m-%d %H:%M"), t("find.hist_who"): e.who,
          t("find.hist_action"): t(f"find.action_{e.action}") if has_text(f"find.action_{e.action}") else t("find.action_other"),
          t("find.hist_old"): describe(e.old), t("find.hist_new"): describe(e.new)} for e in entries]),
        hide_index=True, width="stretch")


def _detail(rows: list[FindingView]) -> None:
    """One finding at a time: its history, its files, the draft beside an edit, deleting it."""
    if not rows:
        return
    by_id = {f.id: f for f in rows}
    fid = st.selectbox(t("find.detail"), list(by_id), key="find_detail", index=None,
                       placeholder=t("find.detail_placeholder"),
                       format_func=lambda i: f"{t('find.section_' + by_id[i].section)} {by_id[i].position + 1}："
                                             f"{by_id[i].title[:40]}")
    if fid is None:
        return
    f = by_id[fid]
    if f.stale:
        st.warning(t("find.stale_help"))
    tab_hist, tab_files = st.tabs([t("find.history"), t("find.traces", n=f.links)])
    with tab_hist:
        _history(f.id)
    with tab_files:
        _traces(f)
    if f.draft_differs:
        with st.expander(t("find.draft_title")):
            st.markdown(f"**{f.draft_title}**\n\n{f.draft_body}")
            if st.button(t("find.use_draft"), key=f"find_usedraft_{f.id}"):
                with reported():
                    with state.acting(write=True) as (session, actor):
                        update_finding(session, actor, f.id, title=f.draft_title, body=f.draft_body,
                                       expected_version=f.version)
                    _forget_tables()
                    st.rerun()
    if (f.manual or f.stale) and st.button(t("find.delete"), key=f"find_del_{f.id}"):
        with reported():
            with state.acting(write=True) as (session, actor):
                delete_finding(session, actor, f.id, expected_version=f.version)
            _forget_tables()
            state.flash(t("find.deleted", id=f.id))
            st.rerun()


def _forget_tables() -> None:
    for k in [k for k in st.session_state if str(k).startswith("find_editor_")]:
        st.session_state.pop(k, None)


def _traces(f: FindingView) -> None:
    with state.acting() as (session, actor):
        rows = finding_traces(session, actor, f.id)
    if not rows:
        st.caption(t("find.no_traces"))
        return
    table(pd.DataFrame(
        [{t("col.case_number"): r.case_number, t("col.unit"): r.unit_name,
          t("find.col_item"): f"{r.item_id} {r.item_title}", t("find.col_reason"): r.reason,
          t("find.col_comment"): r.comment, t("find.col_location"): r.location,
          t("find.col_score"): f"{r.score:.2f}" if r.score is not None else "",
          t("find.col_grade"): r.grade or "", t("find.col_standing"): "" if r.standing else t("find.gone")}
         for r in rows]), hide_index=True, width="stretch")


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
                with state.acting(write=True) as (session, actor):
                    add_finding(session, actor, campaign_id, unit_id=unit_id, section=section, title=title,
                                body=body)
                state.flash(t("find.added"))
                st.rerun()


def _findings(campaign_id: int, unit_id: int | None, rows: list[FindingView]) -> None:
    focuses = [f for f in dict.fromkeys(r.focus for r in rows) if f]
    options = ["all", *focuses]
    if st.session_state.get(FOCUS_KEY) not in options:
        st.session_state[FOCUS_KEY] = "all"
    focus = st.selectbox(t("find.col_focus"), options, key=FOCUS_KEY,
                         format_func=lambda o: t("all") if o == "all" else focus_label(o))
    shown = [r for r in rows if focus == "all" or r.focus == focus]
    _table(shown, _editor_key(unit_id, focus))
    _detail(shown)
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
        with state.acting(write=True) as (session, actor):
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
            with state.acting() as (session, actor):
                made = propose_rectifications(session, actor, campaign_id, unit_id)
            st.session_state[pkey] = made
            for i, text in enumerate(made):
                st.session_state[f"rect_prop_{unit_id}_{i}"] = text
                st.session_state[f"rect_prop_on_{unit_id}_{i}"] = True
            if not made:
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
            with state.acting(write=True) as (session, actor):
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
    with state.acting() as (session, actor):
        rows = list_rectifications(session, actor, campaign_id, unit_id)
    if rows:
        edited = editor(
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
                with state.acting(write=True) as (session, actor):
                    add_rectification(session, actor, campaign_id, unit_id, requirement=requirement,
                                      owner=owner, deadline=deadline)
                state.flash(t("find.rect_saved", added=1, changed=0, deleted=0))
                st.rerun()
    _proposals(campaign_id, unit_id, unit_name)


def _all_rectifications(campaign_id: int) -> None:
    with state.acting() as (session, actor):
        rows = list_rectifications(session, actor, campaign_id)
    st.header(t("find.rect_all"))
    if not rows:
        st.caption(t("find.rect_none_all"))
        return
    table(pd.DataFrame(
        [{t("col.unit"): r.unit_name, t("find.rect_requirement"): r.requirement, t("find.rect_owner"): r.owner,
          t("find.rect_deadline"): r.deadline.isoformat(), t("find.rect_status"): t(f"find.status_{r.status}")}
         for r in rows]), hide_index=True, width="stretch")


# ------------------------------------------------------------------------------------------ page

def render() -> None:
    st.title(t("find.title"))
    with reported():
        campaign = choose_campaign("find_campaign", workflow=True)
        if campaign is None:
            return
        _generate(campaign.id)
        with state.acting() as (session, actor):
            rows = list_findings(session, actor, campaign.id)
        if not rows:
            st.info(t("find.none_yet"))
            return
        units: dict[int, str] = {}
        for f in rows:
            if f.unit_id is not None:
                units.setdefault(f.unit_id, f.unit_name or "")
        options: list[str | int] = [CAMPAIGN_SCOPE, *units]
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
