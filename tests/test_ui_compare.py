"""The results pages (Overview figures, Unit comparison, Unit detail, Problems, Reviewer agreement, Year
over year) on the aggregation tests' world (tests/test_aggregate_world.py): every page renders, shows
the core's figures, filters change the tables, and the permission and anonymisation rules hold:
observers and reviewers read published campaigns only (also by URL), agreement is the lead's, reviewer
names and case numbers are hidden from non-leads.

The world's 2024 campaign is published; its 2023 campaign is not.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy.orm import Session

from scoring.accounts import create_user
from scoring.aggregate import (
    agreement,
    campaign_figures,
    file_list,
    unit_summary,
    unit_table,
    year_over_year,
)
from scoring.aggregate.pareto import pareto
from scoring.anonymise import MASK
from scoring.db.models import Campaign, User
from scoring.db.session import open_db, session_factory, transaction
from scoring.ui.common import MISSING
from scoring.workflow.publish import publish_campaign, unpublish_campaign
from tests.test_aggregate_world import U1, U2, U3, U4, build_world
from tests.test_ui_helpers import new_app, page_path, texts

RESULTS_PAGES = ("overview", "compare", "unit_detail", "problems")
CAMPAIGN_SELECT = {"overview": "ov_campaign", "compare": "cmp_campaign", "unit_detail": "ud_campaign",
                   "problems": "pb_campaign"}


@pytest.fixture(scope="module")
def world_db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ui_compare")
    url = f"sqlite:///{tmp / 'ui.db'}"
    engine = open_db(url)
    session = session_factory(engine)()
    try:
        w = build_world(session, tmp)
        observer = create_user(session, username="obs", display_name="观察员", role="observer", actor=w.lead)
        publish_campaign(session, w.lead, w.current)
        session.commit()
        ids = dict(url=url, lead=w.lead.id, reviewer=w.reviewers[0].id, observer=observer.id, current=w.current.id,
                   previous=w.previous.id, units={name: u.id for name, u in w.units.items()},
                   files=[f.id for f in w.files], case_numbers=[f.case_number for f in w.files],
                   reviewer_names=[r.display_name for r in w.reviewers])
    finally:
        session.close()
    yield ids, engine
    engine.dispose()


@pytest.fixture
def world(world_db, monkeypatch):
    ids, engine = world_db
    monkeypatch.setenv("CASEREVIEW_DB_URL", ids["url"])
    return dict(ids, engine=engine)


def open_page(user_id: int, page: str, *, lang: str | None = None, **params: object):
    """An app signed in as `user_id` on `page`, opened with `params` in the URL."""
    at = new_app()
    at.session_state["user_id"] = user_id
    if lang:
        at.session_state["lang"] = lang
    at.run()
    at.switch_page(page_path(page))
    for k, v in params.items():
        at.query_params[k] = str(v)
    return at.run()


def frames(at):
    return [d.value for d in at.dataframe]


def frame_with(at, column: str):
    return next(f for f in frames(at) if column in f.columns)


def charts(at):
    return at.get("vega_lite_chart")


def chart_rows(chart) -> list[dict]:
    """Every data row a chart element carries (Streamlit ships the datasets as Arrow)."""
    rows: list[dict] = []
    for ds in chart.proto.datasets:
        table = pa.ipc.open_stream(ds.data.data).read_all()
        rows.extend(table.to_pylist())
    return rows


def chart_spec(chart) -> dict:
    return json.loads(chart.proto.spec)


def all_text(at) -> str:
    """Everything the page shows as text, tables included."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error"):
        parts.extend(texts(at, kind))
    parts.extend(m.value for m in at.metric)
    for f in frames(at):
        parts.append(f.to_csv())
    return "\n".join(parts)


def core(world):
    return Session(world["engine"])


# ------------------------------------------------------------------------------------------ overview

def test_overview_shows_the_notice_figures(world):
    at = open_page(world["lead"], "overview")
    assert not at.exception
    with core(world) as s:
        f = campaign_figures(s, world["lead"], world["current"])
    assert at.selectbox(key="ov_campaign").value == world["current"]  # newest first
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["抽查案卷"] == str(f.files_reviewed) == "12"
    assert metrics["平均分"] == f"{f.mean:.2f}"
    assert metrics["合格率"] == f"{f.pass_rate:.2f}%"
    assert metrics["优秀率"] == f"{f.excellent_rate:.2f}%"
    assert metrics["否决项案卷"] == str(f.veto_count) == "1"
    assert metrics["不合格（本）"] == str(f.grade_counts["不合格"])
    expected = "抽查12本案卷，" + "，".join(f"{g}{n}本" for g, n in f.grade_counts.items()) + "。"
    assert any(expected in m for m in texts(at, "markdown"))
    [grade] = charts(at)
    assert [(r["grade"], r["files"]) for r in chart_rows(grade)] == list(f.grade_counts.items())
    # Units grouped by their average: one small table per band.
    groups = [fr for fr in frames(at) if "平均分" in fr.columns and "单位" in fr.columns]
    by_band = [list(fr["单位"]) for fr in groups]
    assert by_band == [[u.unit for u in g.units] for g in f.unit_groups if g.units]


def test_overview_without_results_says_so(world):
    with transaction(world["engine"]) as s:
        unpublish_campaign(s, s.get(User, world["lead"]), s.get(Campaign, world["current"]), "测试撤回")
    try:
        at = open_page(world["observer"], "overview")
        assert not at.exception
        assert any("还没有已发布的评查结果" in i for i in texts(at, "info"))
        assert not charts(at)
    finally:
        with transaction(world["engine"]) as s:
            publish_campaign(s, s.get(User, world["lead"]), s.get(Campaign, world["current"]))


# ------------------------------------------------------------------------------------------ comparison

def test_compare_shows_the_core_figures(world):
    at = open_page(world["lead"], "compare", campaign=world["current"])
    assert not at.exception
    with core(world) as s:
        rows = {r.figures.unit: r for r in unit_table(s, world["lead"], world["current"])}
    table = frame_with(at, "95%区间")
    assert list(table["单位"]) == [U1, U4, U2, U3]  # ranked by mean, then the unit with too few files
    got = table.set_index("单位")
    for unit, r in rows.items():
        assert got.loc[unit, "平均分"] == pytest.approx(float(r.figures.mean))
        assert got.loc[unit, "案卷数"] == r.figures.files
        assert got.loc[unit, "合格率"] == pytest.approx(float(r.figures.pass_rate))
        assert got.loc[unit, "优秀（本）"] == r.figures.grade_counts["优秀"]
        assert got.loc[unit, "单位等次"] == r.figures.grade
    u1 = rows[U1].uncertainty
    assert got.loc[U1, "排名"] == u1.rank == 1
    assert got.loc[U1, "95%区间"] == f"{u1.ci_low:.2f}–{u1.ci_high:.2f}"
    assert got.loc[U1, "排名区间"] == f"{u1.rank_low}–{u1.rank_high}"
    assert got.loc[U3, "95%区间"] == "案卷不足，不排名"  # two files: flagged, not ranked
    assert pd.isna(got.loc[U3, "排名"])  # no rank: the table shows a dash there, not Streamlit's "None"
    element = next(d for d in at.dataframe if "95%区间" in d.value.columns)
    assert element.proto.placeholder == MISSING == "—"
    assert any("区生态环境局（2）" in i for i in texts(at, "info"))
    ranked, heat = charts(at)
    data = [r for r in chart_rows(ranked) if "unit" in r]
    assert [r["unit"] for r in data] == [U1, U4, U2, U3]
    assert data[0]["ci_low"] == pytest.approx(u1.ci_low) and data[0]["ci_high"] == pytest.approx(u1.ci_high)
    assert "errorbar" in json.dumps(chart_spec(ranked))
    cells = {(r["unit"], r["focus"]): r["rate"] for r in chart_rows(heat)}
    assert cells[(U1, "discretion_benchmark")] == pytest.approx(84.38)
    assert [b.label for b in at.get("download_button")] == ["下载 CSV"]


def test_compare_filters_change_the_table(world):
    at = open_page(world["lead"], "compare", campaign=world["current"])
    at.selectbox(key="cmp_kind").set_value("town").run()
    assert not at.exception
    assert list(frame_with(at, "95%区间")["单位"]) == [U4]
    at.selectbox(key="cmp_kind").set_value("__all__")
    at.selectbox(key="cmp_case_type").set_value("行政检查").run()
    table = frame_with(at, "95%区间")
    assert list(table["单位"]) == [U1] and list(table["案卷数"]) == [1]
    with core(world) as s:
        [u] = unit_summary(s, world["lead"], world["current"], case_type="行政检查")
    assert table["平均分"][0] == pytest.approx(float(u.mean))  # 86.25, the one 行政检查 file
    at.selectbox(key="cmp_case_type").set_value("__all__")
    at.number_input(key="cmp_min_files").set_value(2).run()
    assert frame_with(at, "95%区间").set_index("单位").loc[U3, "排名"] == 1  # 96.88, now ranked


def test_compare_in_english(world):
    at = open_page(world["lead"], "compare", lang="en", campaign=world["current"])
    assert not at.exception
    assert texts(at, "title") == ["Unit comparison"]
    table = frame_with(at, "95% interval")
    assert {"Unit", "Mean", "Rank interval", "Pass rate", "Unit grade"} <= set(table.columns)
    assert '"title": "Mean"' in json.dumps(chart_spec(charts(at)[0]), ensure_ascii=False)
    assert at.selectbox(key="cmp_campaign").options == [
        "2024年度评查（2024）", "2023年度评查（2023） [Setting up, not published]"]  # the lead sees both


# ------------------------------------------------------------------------------------------ permissions

@pytest.mark.parametrize("who", ["observer", "reviewer"])
def test_non_leads_see_only_published_campaigns(world, who):
    for page in RESULTS_PAGES:
        at = open_page(world[who], page)
        assert not at.exception, page
        assert at.selectbox(key=CAMPAIGN_SELECT[page]).options == ["2024年度评查（2024）"], page


@pytest.mark.parametrize("page", RESULTS_PAGES)
def test_an_unpublished_campaign_is_refused_by_url(world, page):
    at = open_page(world["observer"], page, campaign=world["previous"])
    assert not at.exception
    assert any("的结果尚未发布" in e for e in texts(at, "error"))
    assert not charts(at) and not at.dataframe
    # The lead reads it through the same link.
    at = open_page(world["lead"], page, campaign=world["previous"])
    assert not at.exception and not at.error
    assert at.selectbox(key=CAMPAIGN_SELECT[page]).value == world["previous"]


def test_unknown_campaign_and_unit_links_show_an_error(world):
    at = open_page(world["lead"], "compare", campaign=99999)
    assert not at.exception
    assert any("找不到编号为99999的评查活动" in e for e in texts(at, "error"))
    at = open_page(world["lead"], "compare", campaign="abc")
    assert any("campaign=abc" in e for e in texts(at, "error"))
    at = open_page(world["lead"], "unit_detail", campaign=world["current"], unit=99999)
    assert not at.exception
    assert any("99999" in e for e in texts(at, "error"))


def test_agreement_and_trends_are_the_leads(world):
    for who in ("observer", "reviewer"):
        at = open_page(world[who], "overview")
        for page in ("agreement", "trends"):
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(page_path(page))


# ------------------------------------------------------------------------------------------ unit detail

def test_unit_detail_for_the_lead_shows_files_deductions_and_reviews(world):
    unit_id = world["units"][U2]
    at = open_page(world["lead"], "unit_detail", campaign=world["current"], unit=unit_id)
    assert not at.exception
    assert at.selectbox(key="ud_unit").value == unit_id
    with core(world) as s:
        files = file_list(s, world["lead"], world["current"], unit_id=unit_id)
    table = frame_with(at, "结果来源")
    assert list(table["案号"]) == [f.case_number for f in files]  # the lead sees case numbers in full
    assert list(table["得分"]) == pytest.approx([float(f.score) for f in files])
    assert "复核结果" in set(table["结果来源"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["平均分"] == "52.08" and metrics["单位等次"] == "不合格"
    deductions = frame_with(at, "涉及案卷")
    assert any("〔否决〕" in r for r in deductions["扣分情形"])
    # Drill-down: the lead sees the reviews side by side, with names.
    vetoed = world["files"][5]
    at.selectbox(key="ud_file").set_value(vetoed).run()
    assert not at.exception
    assert any("0.00" in s and "复核结果" in s for s in texts(at, "success"))
    reviews = frame_with(at, "评查人员")
    assert set(reviews["评查人员"]) == set(world["reviewer_names"])
    [profile] = [c for c in charts(at)]
    series = {r["series"] for r in chart_rows(profile)}
    assert series == {U2, "本次评查平均"}


def test_unit_detail_for_an_observer_is_final_results_only_and_anonymised(world):
    unit_id = world["units"][U2]
    at = open_page(world["observer"], "unit_detail", campaign=world["current"], unit=unit_id)
    assert not at.exception
    table = frame_with(at, "结果来源")
    assert all(MASK in c for c in table["案号"])
    assert not set(table["案号"]) & set(world["case_numbers"])
    at.selectbox(key="ud_file").set_value(world["files"][5]).run()
    assert not at.exception
    shown = all_text(at)
    for name in world["reviewer_names"]:
        assert name not in shown
    for number in world["case_numbers"]:
        assert number not in shown
    assert any("仅评查组长可见" in c for c in texts(at, "caption"))
    defects = frame_with(at, "记录人数")
    assert set(defects["评查意见"]) <= {""}


# ------------------------------------------------------------------------------------------ problems

def test_problems_pareto_matches_the_core_and_filters(world):
    at = open_page(world["lead"], "problems", campaign=world["current"])
    assert not at.exception
    with core(world) as s:
        rows = pareto(s, world["lead"], world["current"])
    table = frame_with(at, "累计占比（%）")
    assert list(table["扣分情形"]) == [f"{r.problem.reason_id} {r.problem.reason}" for r in rows]
    assert list(table["案卷数"]) == [r.problem.files for r in rows]
    assert table["累计占比（%）"].iloc[-1] == pytest.approx(100.0)
    [chart] = charts(at)
    assert [r["files"] for r in chart_rows(chart)] == [r.problem.files for r in rows]
    spec = json.dumps(chart_spec(chart), ensure_ascii=False)
    assert "累计占比（%）" in spec and '"tooltip"' in spec
    assert any("只要有一位评查人员记录" in c for c in texts(at, "caption"))
    at.selectbox(key="pb_focus").set_value("subject").run()
    filtered = frame_with(at, "累计占比（%）")
    assert set(filtered["重点领域"]) == {"执法主体"}
    assert len(filtered) < len(table)
    # Where a problem occurs: its units and files.
    where = frame_with(at, "位置")
    assert len(where) == rows_for(rows, filtered["评查项目"][0], filtered["扣分情形"][0]).problem.files


def rows_for(rows, item: str, reason: str):
    return next(r for r in rows if f"{r.problem.item_id} {r.problem.item_title}" == item
                and f"{r.problem.reason_id} {r.problem.reason}" == reason)


def test_problem_examples_are_anonymised_for_observers(world):
    at = open_page(world["observer"], "problems", campaign=world["current"])
    assert not at.exception
    where = frame_with(at, "位置")
    assert all(MASK in c for c in where["案号"])
    assert set(where["评查意见"]) <= {""}
    assert any("匿名" in c for c in texts(at, "caption"))


# ------------------------------------------------------------------------------------------ agreement

def test_agreement_page_for_the_lead(world):
    at = open_page(world["lead"], "agreement", campaign=world["current"])
    assert not at.exception
    with core(world) as s:
        ag = agreement(s, world["current"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["总分一致性 α"] == f"{ag.alpha:.3f}"
    assert metrics["双评案卷"] == str(ag.files) == "12"
    severity = frame_with(at, "宽严度（分）")
    assert list(severity["评查人员"]) == [r.display_name for r in ag.severity]
    assert list(severity["宽严度（分）"]) == pytest.approx([round(r.severity, 2) for r in ag.severity])
    sev_chart = charts(at)[-1]
    assert [r["reviewer"] for r in chart_rows(sev_chart) if "reviewer" in r] == [r.display_name for r in ag.severity]


# ------------------------------------------------------------------------------------------ year over year

def test_trends_page_for_the_lead(world):
    at = open_page(world["lead"], "trends")
    assert not at.exception
    assert at.selectbox(key="yy_previous").value == world["previous"]
    assert at.selectbox(key="yy_current").value == world["current"]
    with core(world) as s:
        yoy = year_over_year(s, world["lead"], world["previous"], world["current"], top_n=10)
    table = frame_with(at, "本次平均分")
    got = dict(zip(table["单位"], table["变化"], strict=True))
    assert got == pytest.approx({c.unit: float(c.change) for c in yoy.units})
    recurring = frame_with(at, "再次出现")
    assert len(recurring) == len(yoy.problems)
