"""The whole flow in a real browser (Chinese UI), against `streamlit run` on a fresh database:

set-up (lead account + demo data) -> two reviewer accounts (Accounts page) -> a new campaign -> the
English switch once -> sampling (count 1 in one unit, shown seed, preview, draw, verify) -> automatic
assignment (2 reviewers) -> reviewer A: My files, one deduction with a page number, draft saved,
submitted with confirmation -> reviewer B, same file: blind (no other marks shown), a deduction and a
veto, submitted, then sees A's score -> the lead: Re-check lists the file with the rules it triggers,
the reviews side by side, records final marks with a reason -> the final score shown equals the engine's
score for those marks -> Progress shows the file final.

Automatic assignment picks among every active reviewer, the demo's included, so "reviewer A/B" are the
two the file went to (demo reviewers sign in with the demo password). The seed is searched through the
core so the one drawn file is a 行政处罚 一般程序 file (the penalty-general standard).

One long test: each step needs the previous one; they share one server and one tab. Screenshots of the
key pages go to test-artifacts/screenshots/; a failure adds zz_failure.png and prints the server output.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect
from sqlalchemy import Engine

from scoring.db.session import open_db
from scoring.rubric.model import Standard
from tests.browser import core
from tests.browser.helpers import UI, en, zh, zh_re

pytestmark = pytest.mark.browser

LEAD = ("lead", "张组长", "lead-pass-2024")
REVIEWER_A = ("reviewer_a", "李评查", "review-a-pass", "区司法局")
REVIEWER_B = ("reviewer_b", "王评查", "review-b-pass", "区财政局")
CAMPAIGN = "浏览器测试评查"
CAMPAIGN_OPTION = f"{CAMPAIGN}（2024）"
SAMPLE_UNIT = "区城管执法局"  # neither reviewer's home unit
SAMPLE_RULES = {"quota": {"count": 1}, "stratify_by_case_type": True, "forced": [], "units": [SAMPLE_UNIT]}


@dataclass
class Flow:
    """What the steps learn and pass on."""

    ui: UI = field(repr=False)
    engine: Engine = field(repr=False)
    campaign_id: int = 0
    seed: int = 0
    case_number: str = ""
    reviewers: list[core.Reviewer] = field(default_factory=list)
    standard: Standard | None = field(default=None, repr=False)


def setup_lead_with_demo(ui: UI) -> None:
    ui.open()
    ui.expect_heading(zh("setup.title"))
    ui.shot("01_setup")
    form = ui.main.get_by_test_id("stForm")
    username, display_name, password = LEAD
    ui.fill(zh("field.username"), username, within=form, commit=False)
    ui.fill(zh("field.display_name"), display_name, within=form, commit=False)
    ui.fill(zh("field.password"), password, within=form, commit=False)
    ui.fill(zh("field.password_repeat"), password, within=form, commit=False)
    ui.check(zh("setup.load_demo"), within=form)
    ui.click(zh("setup.submit"), within=form)
    ui.expect_heading(zh("overview.title"))
    ui.expect_text(zh("setup.done", username=username))
    ui.expect_text(zh_re("setup.demo_loaded"))
    ui.expect_no_error()
    ui.shot("02_overview_after_setup")


def add_reviewer(ui: UI, username: str, display_name: str, password: str, unit: str) -> None:
    form = ui.main.get_by_test_id("stForm").first  # "add an account" comes before "edit an account"
    ui.fill(zh("field.username"), username, within=form, commit=False)
    ui.fill(zh("field.display_name"), display_name, within=form, commit=False)
    ui.select(zh("field.role"), zh("role.reviewer"), within=form)
    ui.select(zh("field.unit"), unit, within=form)
    ui.fill(zh("field.password"), password, within=form, commit=False)
    ui.click(zh("accounts.add_submit"), within=form)
    ui.expect_no_error()
    ui.expect_text(zh("accounts.added", username=username))


def create_reviewers(ui: UI) -> None:
    ui.nav(zh("page.accounts"))
    ui.expect_heading(zh("accounts.title"))
    add_reviewer(ui, *REVIEWER_A)
    add_reviewer(ui, *REVIEWER_B)
    table = ui.main.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    ui.shot("03_accounts")


def create_campaign(ui: UI) -> None:
    ui.nav(zh("page.campaigns"))
    ui.expect_heading(zh("campaigns.title"))
    form = ui.main.get_by_test_id("stForm")
    ui.fill(zh("field.campaign_name"), CAMPAIGN, within=form, commit=False)
    ui.fill(zh("field.year"), 2024, within=form, commit=False)
    ui.fill_date(zh("field.window_start"), dt.date(2024, 1, 1), within=form)
    ui.fill_date(zh("field.window_end"), dt.date(2024, 12, 31), within=form)
    ui.fill(zh("field.reviewers"), 2, within=form, commit=False)
    ui.shot("04_campaign_form")
    ui.click(zh("campaigns.submit"), within=form)
    ui.expect_no_error()
    ui.expect_text(CAMPAIGN, within=ui.main)
    ui.expect_text(zh_re("campaigns.created", name=CAMPAIGN))
    ui.shot("05_campaign_created")


def draw_sample(flow: Flow) -> None:
    """Count 1 per unit in one unit, stratified, with a seed (chosen so the file is a 行政处罚 一般程序 file,
    scored with the penalty-general standard)."""
    ui = flow.ui
    flow.campaign_id = core.campaign_id(flow.engine, CAMPAIGN)
    flow.seed, flow.case_number = core.pick_seed(
        flow.engine, flow.campaign_id, SAMPLE_RULES,
        lambda cf: cf.case_type == "行政处罚" and cf.procedure == "一般")
    ui.nav(zh("page.sampling"))
    ui.expect_heading(zh("sampling.title"))
    ui.select(zh("lw.campaign"), CAMPAIGN_OPTION)
    ui.expect_text(zh("sampling.none_yet"))
    ui.choose_radio(zh("sampling.quota_count"))
    ui.fill(zh("sampling.count"), 1)
    ui.multiselect(zh("sampling.units"), [SAMPLE_UNIT])
    ui.fill(zh("sampling.seed"), flow.seed)
    ui.click(zh("sampling.preview"))
    ui.expect_text(zh("sampling.preview_info", n=1, seed=flow.seed))
    ui.shot("07_sampling_preview")
    ui.click(zh("sampling.draw"))
    ui.expect_no_error()
    ui.expect_text(zh_re("sampling.drawn", seed=flow.seed))
    ui.expect_text(zh_re("sampling.has_sample", n=1))
    seed_metric = ui.main.get_by_test_id("stMetric").filter(has_text=zh("sampling.seed"))
    expect(seed_metric).to_contain_text(str(flow.seed))
    ui.page.get_by_role("tab", name=zh("sampling.file_list"), exact=True).click()
    ui.expect_table_text(flow.case_number)
    flow.standard = core.standard_of(flow.engine, flow.campaign_id, flow.case_number)
    ui.click(zh("sampling.verify"))
    ui.expect_text(zh_re("sampling.verify_ok", n=1))
    ui.shot("08_sample_drawn")


def assign_automatically(flow: Flow) -> None:
    ui = flow.ui
    ui.nav(zh("page.assignment"))
    ui.expect_heading(zh("assign.title"))
    ui.select(zh("lw.campaign"), CAMPAIGN_OPTION)
    ui.expect_text(zh("assign.summary", files=1, full=0, n=2))
    ui.page.get_by_role("tab", name=zh("assign.tab_auto"), exact=True).click()
    ui.click(zh("assign.auto_plan"))
    ui.expect_text(zh("assign.auto_preview", n=2))
    ui.shot("09_assignment_plan")
    ui.click(zh("assign.apply"))
    ui.expect_no_error()
    ui.expect_text(zh("assign.applied", n=2))
    ui.expect_text(zh("assign.summary", files=1, full=1, n=2))
    flow.reviewers = core.assigned_reviewers(flow.engine, flow.campaign_id, flow.case_number)
    assert len(flow.reviewers) == 2, flow.reviewers
    for r in flow.reviewers:
        ui.expect_table_text(r.display_name)
    ui.shot("10_assignment_done")


def password_for(username: str) -> str:
    mine = {u: pw for u, _, pw, _ in (REVIEWER_A, REVIEWER_B)}
    if username in mine:
        return mine[username]
    from scoring.demo.people import DEMO_PASSWORD  # demo reviewers (loaded with the demo) share it

    return DEMO_PASSWORD


def open_my_file(flow: Flow, reviewer: core.Reviewer) -> None:
    """Sign in as `reviewer`, find the file in My files and open it in the scoring page."""
    ui = flow.ui
    ui.sign_out()
    ui.sign_in(reviewer.username, password_for(reviewer.username))
    ui.nav(zh("page.my_files"))
    ui.expect_heading(zh("myfiles.title"))
    ui.select(zh("myfiles.campaign"), zh("myfiles.campaign_option", name=CAMPAIGN, n=1))
    row = ui.block(flow.case_number)
    expect(row).to_contain_text(zh("myfiles.status.not_started"))
    ui.shot(f"11_my_files_reviewer_{flow.reviewers.index(reviewer) + 1}")
    ui.click(zh("myfiles.open.not_started"), within=row)
    ui.expect_heading(zh("scorep.title"))
    expect(ui.main.get_by_role("heading", name=flow.case_number)).to_be_visible()
    ui.expect_text(zh("scorep.blind_hint"))


# What the two reviewers and the lead mark (scoring JSON, see the README). Reviewer A finds one defect;
# reviewer B finds another and a veto (score 0), so the re-check rules (veto on one side, grades differ,
# below the pass line, gap) trigger. The lead keeps A's marks and adds B's defect, once.
MARKS_A = {"items": {"G-S1": {"deductions": [{"reason": "b", "page": "3", "comment": "决定书加盖内设机构印章"}]}}}
MARKS_B = {
    "items": {"G-F2": {"deductions": [{"reason": "a", "occurrences": 2, "page": "8-9",
                                       "comment": "违法行为时间、后果未载明"}]}},
    "vetoes": {"V-G3": {"page": "12", "comment": "渣土抛洒的主要证据缺失"}},
}
MARKS_LEAD = {"items": {"G-S1": MARKS_A["items"]["G-S1"], "G-F2": {"deductions": [{"reason": "a", "occurrences": 1}]}}}


def mark_deduction(flow: Flow, item_id: str, reason_id: str, *, page: str, comment: str, occurrences: int = 1) -> None:
    """On the scoring form: choose 扣分 for the item, pick the listed reason, say where and why."""
    ui = flow.ui
    item = flow.standard.items_by_id[item_id][1]
    d = item.deduction(reason_id)
    ui.main.get_by_role("radiogroup", name=item.title, exact=True).get_by_role(
        "radio", name=zh("scorep.choice.deduct"), exact=True).click()
    ui.idle()
    box = ui.block(f"{item.id} · ")
    if d.points is not None:
        label = zh("scorep.ded_fixed", reason=d.reason, points=core.num(d.points))
    else:
        cap = zh("scorep.ded_cap", cap=core.num(d.cap)) if d.cap is not None else ""
        label = zh("scorep.ded_each", reason=d.reason, points=core.num(d.per_occurrence), cap=cap)
    if len(item.deductions) > 1:  # a single listed reason is chosen with 扣分 itself
        ui.multiselect(zh("scorep.reasons"), [label], within=box)
    if d.points is None:
        ui.fill(zh("scorep.occurrences"), occurrences, within=box)
    ui.fill(zh("scorep.page"), page, within=box)
    ui.fill(zh("scorep.comment"), comment, within=box)


def mark_veto(flow: Flow, veto_id: str, *, page: str, comment: str) -> None:
    ui = flow.ui
    veto = flow.standard.vetoes_by_id[veto_id]
    box = ui.block(veto.title)
    box.get_by_role("checkbox", name=veto.title).locator("xpath=ancestor::label[1]").click()
    ui.idle()
    # the veto's own box (the live panel beside the form names the veto too, once it is on)
    box = ui.main.locator("[data-testid='stLayoutWrapper'] > [data-testid='stVerticalBlock']").filter(
        has=ui.page.get_by_role("checkbox", name=veto.title)).last
    ui.fill(zh("scorep.page"), page, within=box)
    ui.fill(zh("scorep.comment"), comment, within=box)


def expect_running_score(flow: Flow, marks: dict) -> str:
    """The form's running total equals the engine's score for `marks`; returns it as shown."""
    result = core.engine_score(flow.engine, flow.campaign_id, flow.case_number, marks)
    shown = core.two_places(result.score)
    expect(flow.ui.metric(zh("live.score"))).to_have_text(shown)
    expect(flow.ui.metric(zh("live.grade"))).to_have_text(result.grade)
    return shown


def submit_review(flow: Flow, marks: dict, shot: str) -> None:
    ui = flow.ui
    result = core.engine_score(flow.engine, flow.campaign_id, flow.case_number, marks)
    ui.check(zh("scorep.confirm"))
    ui.click(zh("scorep.submit"))
    ui.expect_no_error(allow=(zh("scorep.veto_outcome", outcome=""),))
    ui.expect_text(zh("scorep.submitted", score=core.two_places(result.score), grade=result.grade))
    ui.expect_text(zh("scorep.locked"))
    ui.shot(shot)


def reviewer_a_scores(flow: Flow) -> None:
    """Reviewer A: one deduction with a page number (saved by itself as a draft), then submit with confirmation."""
    ui = flow.ui
    open_my_file(flow, flow.reviewers[0])
    ded = MARKS_A["items"]["G-S1"]["deductions"][0]
    mark_deduction(flow, "G-S1", ded["reason"], page=ded["page"], comment=ded["comment"])
    expect_running_score(flow, MARKS_A)
    ui.expect_no_error()
    ui.expect_text(zh_re("autosave.saved"))
    expect_running_score(flow, MARKS_A)
    ui.shot("12_scoring_form_draft_saved", full=False)
    submit_review(flow, MARKS_A, "13_review_a_submitted")
    ui.expect_text(zh("scorep.others_none"))


def reviewer_b_scores(flow: Flow) -> None:
    """Reviewer B, on the same file: sees nothing of A's marks before submitting; a deduction and a veto."""
    ui = flow.ui
    open_my_file(flow, flow.reviewers[1])
    expect(ui.main.get_by_text(zh("scorep.others"), exact=True)).to_have_count(0)  # blind review
    ded = MARKS_B["items"]["G-F2"]["deductions"][0]
    mark_deduction(flow, "G-F2", ded["reason"], page=ded["page"], comment=ded["comment"],
                   occurrences=ded["occurrences"])
    veto = MARKS_B["vetoes"]["V-G3"]
    mark_veto(flow, "V-G3", page=veto["page"], comment=veto["comment"])
    expect_running_score(flow, MARKS_B)
    ui.shot("14_scoring_form_deduction", full=False, at=ui.block("G-F2 · "))
    ui.shot("14_scoring_form_veto", full=False, at=ui.block(flow.standard.vetoes_by_id["V-G3"].title))
    submit_review(flow, MARKS_B, "15_review_b_submitted")
    # after submitting, the other (submitted) review is shown beside one's own
    score_a = core.two_places(core.engine_score(flow.engine, flow.campaign_id, flow.case_number, MARKS_A).score)
    ui.expect_text(zh("scorep.others"))
    expect(ui.metric(flow.reviewers[0].display_name)).to_have_text(score_a)


def lead_rechecks(flow: Flow) -> None:
    """The lead sees the file awaiting re-check, the reviews side by side, and records final marks (A's
    review plus one of B's defects) with a reason; the final score shown is the engine's for those marks."""
    ui = flow.ui
    ui.sign_out()
    ui.sign_in(LEAD[0], LEAD[2])
    ui.nav(zh("page.recheck"))
    ui.expect_heading(zh("recheckp.title"))
    ui.select(zh("lw.campaign"), CAMPAIGN_OPTION)
    ui.expect_text(zh("recheckp.awaiting", n=1))
    ui.expect_table_text(flow.case_number)
    ui.expect_text(zh("recheckp.file_title", number=flow.case_number, unit=SAMPLE_UNIT))
    ui.expect_text(re.compile(zh_re("recheckp.triggered").pattern + ".*" + zh("recheckp.trigger_veto_one_side")))
    for r in flow.reviewers:
        ui.expect_table_text(r.display_name)
    ui.shot("16_recheck_side_by_side")

    ui.choose_radio(zh("recheckp.mode_marks"))
    ui.select(zh("recheckp.start_from"), zh("recheckp.start_review", name=flow.reviewers[0].display_name))
    item = flow.standard.items_by_id["G-F2"][1]
    d = item.deduction("a")
    row = ui.main.get_by_test_id("stHorizontalBlock").filter(has_text=f"{item.id} {item.title}").last
    ui.multiselect(zh("recheckp.reasons"), [zh("recheckp.reason_each", reason=d.reason,
                                                 points=f"{d.per_occurrence:.2f}")], within=row)
    expected = core.engine_score(flow.engine, flow.campaign_id, flow.case_number, MARKS_LEAD)
    score, grade = f"{expected.score:.2f}", expected.grade
    ui.expect_text(zh("recheckp.marks_preview", score=score, grade=grade))
    ui.fill(zh("recheckp.reason"), "核对卷宗：第 3 页印章问题属实；第 8 页缺一项事实要素；否决项证据见第 12-14 页，不成立。",
            within=ui.main.get_by_test_id("stTextArea"))
    ui.shot("17_recheck_decision", full=False, at=ui.main.get_by_role("button", name=zh("recheckp.record")))
    ui.click(zh("recheckp.record"))
    ui.expect_no_error()
    ui.expect_text(zh("recheckp.recorded_ok", score=score, grade=grade))
    final = zh("recheckp.final", score=score, grade=grade, source=zh("recheckp.source_recheck"))
    ui.expect_text(final)
    ui.expect_text(zh("recheckp.done", n=1))
    ui.shot("18_final_result", full=False)
    ui.main.get_by_text(zh("recheckp.all_results"), exact=True).click()
    ui.idle()
    results = ui.expect_table_text(flow.case_number, score, zh("recheckp.source_recheck"))
    ui.shot("19_final_results_table", full=False, at=results)


def lead_sees_progress(flow: Flow) -> None:
    ui = flow.ui
    ui.nav(zh("page.progress"))
    ui.expect_heading(zh("progress.title"))
    ui.select(zh("lw.campaign"), CAMPAIGN_OPTION)
    ui.expect_text(zh("progress.overall", final=1, total=1, pct=100))
    expect(ui.metric(zh("progress.state_final"))).to_have_text("1")
    ui.expect_text(zh("progress.open_rechecks", n=0))
    ui.shot("20_progress")


def english_switch(ui: UI) -> None:
    """The sidebar language switch: English labels appear, then back to Chinese."""
    ui.choose_radio("English", within=ui.sidebar)
    expect(ui.sidebar.get_by_role("link", name=en("page.campaigns"), exact=True)).to_be_visible()
    ui.expect_heading(en("campaigns.title"))
    ui.shot("06_english")
    ui.choose_radio("中文", within=ui.sidebar)
    ui.expect_heading(zh("campaigns.title"))


def test_full_flow(page, app_server, screenshots):  # noqa: ANN001
    ui = UI(page, app_server.url, screenshots)
    engine = open_db(app_server.db_url)
    flow = Flow(ui, engine)
    steps = [
        ("set-up with demo data", lambda: setup_lead_with_demo(ui)),
        ("reviewer accounts", lambda: create_reviewers(ui)),
        ("campaign", lambda: create_campaign(ui)),
        ("English switch", lambda: english_switch(ui)),
        ("sampling", lambda: draw_sample(flow)),
        ("automatic assignment", lambda: assign_automatically(flow)),
        ("reviewer A scores", lambda: reviewer_a_scores(flow)),
        ("reviewer B scores", lambda: reviewer_b_scores(flow)),
        ("lead re-checks", lambda: lead_rechecks(flow)),
        ("progress", lambda: lead_sees_progress(flow)),
    ]
    timings = []
    try:
        for name, run in steps:
            started = time.monotonic()
            try:
                run()
            except Exception as exc:
                exc.add_note(f"browser flow step failed: {name}")
                raise
            timings.append(f"{name} {time.monotonic() - started:.1f}s")
    except Exception:
        try:
            ui.shot("zz_failure")
        finally:
            print("---- streamlit output ----\n" + app_server.log_tail())
        raise
    finally:
        print("step timings: " + ", ".join(timings))
        engine.dispose()
