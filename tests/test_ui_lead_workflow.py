"""The panel lead's workflow pages: Sampling, Assignment, Re-check and Progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from scoring.accounts import create_user
from scoring.db.models import Assignment, Campaign, CaseFile, Recheck, SampleRecord, User
from scoring.db.session import open_db, session_factory, transaction
from scoring.desk.lead_sampling import sample_draw, sample_preview
from scoring.errors import PermissionDenied
from scoring.marks import Marks
from scoring.rubric.loader import RubricLibrary
from scoring.ui.app import PAGES_BY_ROLE
from scoring.workflow.assignments import apply_plan, assign, auto_assign, plan_auto_assignment, unassign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.recheck import outcome, record_recheck
from scoring.workflow.reviews import open_review, reopen_review, save_draft, submit_review
from scoring.workflow.sampling import preview_sample
from tests.factories import Factory, lead_id
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_ui_helpers import page_path, signed_in_app, texts

UNITS = ("区城管执法局", "区市场监管局", "城桥镇")
LEAD_PAGES = ("sampling", "assignment", "recheck", "progress")


@pytest.fixture
def world(tmp_path, monkeypatch):
    """Three units with four 行政处罚 files each (one a major decision), a lead, one reviewer per unit and a
    campaign on the mini standard with two reviewers per file."""
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    write_yaml(tmp_path / "rubrics" / "mini.yaml", standard_dict())
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "rubrics"))
    library = RubricLibrary.load([tmp_path / "rubrics"])
    engine = open_db(url)
    with transaction(engine) as s:
        f = Factory(s)
        units = [f.unit(name, kind="town" if name.endswith("镇") else "department", sort_order=i)
                 for i, name in enumerate(UNITS)]
        lead = create_user(s, username="lead", display_name="组长", role="lead", password="s3cret-pass", bootstrap=True)
        reviewers = [create_user(s, username=f"r{i}", display_name=f"评查员{'甲乙丙'[i]}", role="reviewer",
                                 unit_name=name, actor=lead) for i, name in enumerate(UNITS)]
        spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
        campaign = create_campaign(s, spec, library, lead)
        files = [f.case_file(u, case_number=f"{u.name[:3]}罚〔2024〕{n}号", major_decision=(n == 1),
                             decision_date=dt.date(2024, n, 10))
                 for u in units for n in (1, 2, 3, 4)]
        ids = dict(lead=lead.id, reviewers=[r.id for r in reviewers], campaign=campaign.id,
                   units=[u.id for u in units], files=[x.id for x in files])
    yield dict(engine=engine, **ids)
    engine.dispose()


def _session(world):
    return session_factory(world["engine"])()


def _count(world, model) -> int:
    with _session(world) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _frames(at):
    return [d.value for d in at.dataframe]


def _frame_with(at, column: str):
    return next(f for f in _frames(at) if column in f.columns)


def _sample(world, file_indexes=None) -> None:
    """A sample of the given files (default: all), bypassing the draw."""
    with transaction(world["engine"]) as s:
        ids = world["files"] if file_indexes is None else [world["files"][i] for i in file_indexes]
        Factory(s).sample(s.get(Campaign, world["campaign"]), [s.get(CaseFile, i) for i in ids])


def _auto_assign(world) -> None:
    with transaction(world["engine"]) as s:
        auto_assign(s, s.get(User, world["lead"]), s.get(Campaign, world["campaign"]))


def deduct(item: str, reason: str, n: int = 1, page: str = "3") -> dict:
    return {"items": {item: {"deductions": [{"reason": reason, "occurrences": n, "page": page}]}}}


def _score(world, assignment_id: int, marks: dict, *, submit: bool = True) -> int:
    with transaction(world["engine"]) as s:
        a = s.get(Assignment, assignment_id)
        reviewer = a.reviewer
        review = open_review(s, reviewer, a.id)
        s.flush()
        save_draft(s, reviewer, review.id, Marks.model_validate(marks), expected_version=review.version)
        if submit:
            submit_review(s, reviewer, review.id, expected_version=review.version)
        return review.id


def _assignments_of(world, case_file_id: int) -> list[int]:
    with _session(world) as s:
        return list(s.scalars(select(Assignment.id).where(Assignment.case_file_id == case_file_id)
                              .order_by(Assignment.id)))


def _disagreeing_file(world, index: int = 1) -> tuple[int, int, int]:
    """File `index` scored 95.00 (优秀) by one reviewer and 85.00 (良好) by the other."""
    cf = world["files"][index]
    a1, a2 = _assignments_of(world, cf)
    r1 = _score(world, a1, deduct("A1", "b", 2))  # 76/80
    r2 = _score(world, a2, deduct("B1", "a", 12))  # 68/80
    return cf, r1, r2


# ------------------------------------------------------------------------------------------ sampling

def _sampling_inputs(at, count: int = 2, seed: str = "20240601") -> None:
    at.number_input(key="smp_count").set_value(count)
    at.checkbox(key="smp_force_major_decision").check()
    at.text_input(key="smp_seed").input(seed)
    at.run()


def test_sampling_preview_writes_nothing_then_draw_stores_and_verifies(world):
    at = signed_in_app(world["lead"], "sampling")
    assert not at.exception
    assert texts(at, "title") == ["随机抽取案卷"]
    assert at.text_input(key="smp_seed").value.isdigit()  # a random seed is offered
    _sampling_inputs(at)
    at.button(key="smp_preview_btn").click().run()
    assert not at.exception
    assert _count(world, SampleRecord) == 0  # a preview writes nothing
    expected = preview_sample(world["engine"], world["campaign"],
                              {"quota": {"count": 2}, "forced": [{"flag": "major_decision", "min": 1}]}, 20240601, actor_id=lead_id(world["engine"]))
    assert len(expected) == 6
    files = _frame_with(at, "抽取方式")
    assert list(files["案号"]) == [p.case_number for p in expected]
    assert "强制抽取：重大执法决定（需法制审核）" in set(files["抽取方式"])
    pivot = _frame_with(at, "合计")
    assert list(pivot["单位"]) == [*UNITS, "合计"]
    assert list(pivot["合计"]) == [2, 2, 2, 6]
    assert any("6 本案卷" in s for s in texts(at, "info"))
    at.run()
    assert _count(world, SampleRecord) == 0  # reruns do not draw

    at.button(key="smp_draw").click().run()
    assert not at.exception
    assert any("已抽取并保存" in s for s in texts(at, "success"))
    with _session(world) as s:
        record = s.scalar(select(SampleRecord))
        assert (record.seed, len(record.items)) == (20240601, 6)
    files = _frame_with(at, "抽取方式")
    assert list(files["抽取顺序"]) == [1, 2, 3, 4, 5, 6]
    assert list(files["案号"]) == [p.case_number for p in expected]
    assert [b.label for b in at.get("download_button")] == ["下载抽取记录（JSON）", "下载抽取清单（CSV）"]
    assert "20240601" in [m.value for m in at.metric]

    at.button(key="smp_verify").click().run()
    assert not at.exception
    assert any("核验通过" in s and "6 本" in s for s in texts(at, "success"))


def test_sampling_enlarge_and_refusals_are_shown(world):
    at = signed_in_app(world["lead"], "sampling")
    _sampling_inputs(at)
    at.button(key="smp_draw").click().run()
    # A smaller quota is refused by the core, and nothing changes.
    at.number_input(key="enl_count").set_value(1)
    at.button(key="enl_submit").click().run()
    assert not at.exception
    assert "抽样只能扩大，不能减少" in " ".join(texts(at, "error"))
    assert _count(world, SampleRecord) == 1
    at.number_input(key="enl_count").set_value(3)
    at.button(key="enl_submit").click().run()
    assert not at.exception
    assert any("已扩大抽样" in s for s in texts(at, "success"))
    with _session(world) as s:
        current = s.scalar(select(SampleRecord).where(SampleRecord.is_current.is_(True)))
        assert len(current.items) == 9 and current.parent_id is not None
    assert len(_frame_with(at, "抽取方式")) == 9


def test_sampling_bad_rules_and_seed_show_errors(world):
    at = signed_in_app(world["lead"], "sampling")
    at.text_input(key="smp_seed").input("abc").run()
    assert any("abc" in e for e in texts(at, "error"))
    assert at.button(key="smp_draw").disabled
    at.text_input(key="smp_seed").input("-5").run()
    at.button(key="smp_draw").click().run()
    assert not at.exception
    assert "随机种子应为0至" in " ".join(texts(at, "error"))
    assert _count(world, SampleRecord) == 0


# ------------------------------------------------------------------------------------------ assignment

def test_auto_assignment_preview_then_apply(world):
    _sample(world)
    at = signed_in_app(world["lead"], "assignment")
    assert not at.exception
    assert list(_frame_with(at, "评查人数")["评查人数"]) == ["0/2"] * 12
    at.button(key="asg_plan").click().run()
    assert not at.exception
    assert _count(world, Assignment) == 0  # a plan writes nothing
    plan = _frame_with(at, "评查人员")
    assert len(plan) == 24
    load = _frame_with(at, "本次新增")
    assert sum(load["本次新增"]) == 24
    at.button(key="asg_apply").click().run()
    assert not at.exception
    assert any("24" in s for s in texts(at, "success"))
    with _session(world) as s:
        rows = list(s.scalars(select(Assignment)))
        per_file = {}
        for a in rows:
            assert a.reviewer.unit_id != a.case_file.unit_id  # recusal
            per_file.setdefault(a.case_file_id, set()).add(a.reviewer_id)
        assert set(per_file) == set(world["files"]) and {len(v) for v in per_file.values()} == {2}
    assert list(_frame_with(at, "评查人数")["评查人数"]) == ["2/2"] * 12


def test_auto_plan_gone_stale_is_refused(world):
    _sample(world)
    at = signed_in_app(world["lead"], "assignment")
    at.button(key="asg_plan").click().run()
    _auto_assign(world)  # another tab assigns meanwhile
    at.button(key="asg_apply").click().run()
    assert not at.exception
    assert "预览之后评查分配已有变化" in " ".join(texts(at, "error"))
    assert _count(world, Assignment) == 24


def test_manual_own_unit_assignment_shows_the_recusal_error(world):
    _sample(world)
    at = signed_in_app(world["lead"], "assignment")
    own = world["files"][0]  # 区城管执法局, like reviewer r0
    at.selectbox(key="asg_add_file").set_value(own)
    at.selectbox(key="asg_add_reviewer").set_value(world["reviewers"][0])
    at.button(key="asg_add").click().run()
    assert not at.exception
    assert "回避" in " ".join(texts(at, "error"))
    assert _count(world, Assignment) == 0
    at.selectbox(key="asg_add_reviewer").set_value(world["reviewers"][1])
    at.button(key="asg_add").click().run()
    assert any("评查员乙" in s for s in texts(at, "success"))
    assert _count(world, Assignment) == 1
    # Removing works before scoring; the core refuses it once the reviewer has scored.
    [aid] = _assignments_of(world, own)
    _score(world, aid, deduct("A1", "a"), submit=False)
    at.run()
    at.selectbox(key="asg_remove_choice").set_value(aid)
    at.button(key="asg_remove").click().run()
    assert "不能取消该分配" in " ".join(texts(at, "error"))
    assert _count(world, Assignment) == 1


def test_bulk_csv_with_a_bad_row_shows_it_and_writes_nothing(world):
    _sample(world)
    at = signed_in_app(world["lead"], "assignment")
    numbers = {}
    with _session(world) as s:
        for i in world["files"]:
            numbers[i] = s.get(CaseFile, i).case_number
    f0, f4 = numbers[world["files"][0]], numbers[world["files"][4]]
    bad = f"案号,评查人员\n{f0},r1\n{f0},r0\n{f4},评查员丙\n".encode("utf-8-sig")
    at.file_uploader[0].set_value(("assign.csv", bad, "text/csv")).run()
    assert not at.exception
    assert any("assign.csv" in e for e in texts(at, "error"))
    problems = _frame_with(at, "问题")
    assert [(int(r["行"]), r["列"], r["值"]) for _, r in problems.iterrows()] == [(3, "评查人员", "r0")]
    assert at.button(key="asg_csv_apply").disabled
    assert _count(world, Assignment) == 0
    good = f"案号,评查人员\n{f0},r1\n{f4},评查员丙\n".encode("utf-8-sig")
    at.file_uploader[0].set_value(("assign.csv", good, "text/csv")).run()
    assert not at.exception
    assert any("2 项分配可以应用" in s for s in texts(at, "success"))
    assert _count(world, Assignment) == 0
    at.button(key="asg_csv_apply").click().run()
    assert not at.exception
    assert _count(world, Assignment) == 2


# ------------------------------------------------------------------------------------------ re-check

def test_recheck_page_compares_and_records_a_final_result(world):
    _sample(world)
    _auto_assign(world)
    cf, r1, r2 = _disagreeing_file(world)
    at = signed_in_app(world["lead"], "recheck")
    assert not at.exception
    awaiting = _frame_with(at, "触发的复核规则")
    assert list(awaiting["案号"]) == ["区城管罚〔2024〕2号"]
    assert "评定等次不同" in awaiting["触发的复核规则"][0] and "分差达到 10.00 分" in awaiting["触发的复核规则"][0]
    assert any("尚无最终结果（待复核）" in w for w in texts(at, "warning"))
    totals = _frame_with(at, "提交时间")
    assert list(totals["得分"]) == ["95.00", "85.00"] and list(totals["等次"]) == ["优秀", "良好"]
    items = _frame_with(at, "差异")
    by_id = {r["编号"]: r for _, r in items.iterrows()}
    names = list(items.columns[3:])
    assert len(names) == 2 and len(items.columns) == 5  # one column per reviewer: no sideways scrolling
    assert by_id["A1"]["差异"] == "⚠" and by_id["B1"]["差异"] == "⚠" and by_id["A2"]["差异"] == ""
    assert by_id["A1"][names[0]] == "扣分 −4.00 · 每缺一处签名 ×2 · @第3页"
    assert by_id["B1"][names[1]].startswith("扣分 −12.00 · ")
    at.toggle(key="rcp_only_diff").set_value(True).run()
    assert set(_frame_with(at, "差异")["编号"]) == {"A1", "B1"}

    # A reason is required (the core says so); then adopting review 1 gives the final result.
    at.button(key="rcp_record").click().run()
    assert "复核需要说明理由" in " ".join(texts(at, "error"))
    assert _count(world, Recheck) == 0
    at.selectbox(key=f"rcp_adopt_{cf}").set_value(r1)
    at.text_area(key=f"rcp_reason_{cf}").input("核查卷宗第3页，采纳评查员意见")
    at.button(key="rcp_record").click().run()
    assert not at.exception
    assert any("已记录复核结果：95.00 分，优秀" in s for s in texts(at, "success"))
    assert any("最终结果：95.00 分，优秀（复核结果）" in s for s in texts(at, "success"))
    assert list(_frame_with(at, "得分")["案号"]) == ["区城管罚〔2024〕2号"]  # now in the re-checked list
    with _session(world) as s:
        out = outcome(s, s.get(Campaign, world["campaign"]), s.get(CaseFile, cf))
        assert (out.status, out.score, out.grade) == ("rechecked", Decimal("95.00"), "优秀")


def test_recheck_with_final_marks_and_reopen(world):
    _sample(world)
    _auto_assign(world)
    cf, r1, r2 = _disagreeing_file(world)
    at = signed_in_app(world["lead"], "recheck")
    at.radio(key="rcp_mode").set_value("marks").run()
    assert not at.exception
    at.selectbox(key=f"rcp_start_{cf}").set_value(f"r{r2}").run()
    prefix = f"rcp_m_{cf}_r{r2}_"
    assert at.multiselect(key=f"{prefix}B1_r").value == ["a"]
    at.number_input(key=f"{prefix}B1_a_n").set_value(4).run()  # 76/80
    assert any("95.00 分，优秀" in s for s in texts(at, "info"))
    at.text_area(key=f"rcp_reason_{cf}").input("错别字实为四处")
    at.button(key="rcp_record").click().run()
    assert not at.exception
    with _session(world) as s:
        rc = s.scalar(select(Recheck))
        assert (rc.total, rc.grade, rc.adopted_review_id) == (Decimal("95.00"), "优秀", None)
        assert rc.marks["items"]["B1"]["deductions"][0] == {"reason": "a", "occurrences": 4, "page": "3"}
    # Reopening review 2 with a reason.
    at.selectbox(key=f"rcp_reopen_{cf}").set_value(r2)
    at.text_input(key=f"rcp_reopen_reason_{cf}").input("页码有误")
    at.button(key="rcp_reopen_btn").click().run()
    assert not at.exception
    assert any("已退回" in s for s in texts(at, "success"))
    with _session(world) as s:
        from scoring.db.models import Review

        assert s.get(Review, r2).status == "draft"


def test_recheck_assigns_a_further_reviewer(world):
    _sample(world)
    _auto_assign(world)
    cf, _, _ = _disagreeing_file(world, index=4)  # 区市场监管局: only 评查员甲 and 评查员丙 may review it
    at = signed_in_app(world["lead"], "recheck")
    at.radio(key="rcp_mode").set_value("further").run()
    # Everyone else is assigned or from the file's unit; the core refuses the own-unit reviewer.
    at.selectbox(key=f"rcp_further_{cf}").set_value(world["reviewers"][1])
    at.button(key="rcp_further_btn").click().run()
    assert not at.exception
    assert "回避" in " ".join(texts(at, "error"))
    assert len(_assignments_of(world, cf)) == 2


# ------------------------------------------------------------------------------------------ progress

def test_progress_shows_counts(world):
    _sample(world)
    _auto_assign(world)
    # File 0: two agreeing reviews (final). File 1: disagreeing (awaiting re-check). File 2: one draft.
    a, b = _assignments_of(world, world["files"][0])
    _score(world, a, deduct("A1", "b", 2))
    _score(world, b, deduct("B1", "a", 3))
    _disagreeing_file(world, 1)
    _score(world, _assignments_of(world, world["files"][2])[0], deduct("A1", "a"), submit=False)
    # File 11: no reviewers at all.
    with transaction(world["engine"]) as s:
        lead = s.get(User, world["lead"])
        for aid in _assignments_of(world, world["files"][11]):
            unassign(s, lead, aid)
    at = signed_in_app(world["lead"], "progress")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"抽取案卷": "12", "未分配": "1", "未开始": "8", "评分中": "1", "待复核": "1", "已定分": "1"}
    units = _frame_with(at, "评分完毕")
    assert list(units["单位"]) == list(UNITS)
    assert list(units["抽取"]) == [4, 4, 4]
    assert list(units["已分配"]) == [4, 4, 3]
    assert list(units["评分完毕"]) == [2, 0, 0]
    assert list(units["待复核"]) == [1, 0, 0]
    assert list(units["已定分"]) == [1, 0, 0]
    reviewers = _frame_with(at, "完成度")
    assert sum(reviewers["已分配"]) == 22 and sum(reviewers["已提交"]) == 4 and sum(reviewers["草稿"]) == 1
    open_rechecks = _frame_with(at, "状态")
    assert list(open_rechecks["案号"])[0] == "区城管罚〔2024〕2号"
    left = [f for f in _frames(at) if "状态" in f.columns][-1]
    assert len(left) == 9 and set(left["状态"]) == {"未分配", "未开始"}
    assert at.get("progress")[0].value == 8  # percent: 1 of 12 files final


def test_pages_work_in_english(world):
    _sample(world)
    _auto_assign(world)
    _disagreeing_file(world)
    for name, title in zip(LEAD_PAGES, ("Sampling", "Assignment", "Re-check", "Progress"), strict=True):
        at = signed_in_app(world["lead"], name, lang="en")
        assert not at.exception, name
        assert texts(at, "title") == [title]
        assert not texts(at, "error"), name
    assert "Differs" in _frame_with(signed_in_app(world["lead"], "recheck", lang="en"), "Differs").columns


def test_pages_without_campaigns_say_so(world):
    with transaction(world["engine"]) as s:
        s.delete(s.get(Campaign, world["campaign"]))
    for name in LEAD_PAGES:
        at = signed_in_app(world["lead"], name)
        assert not at.exception, name
        assert any("还没有评查活动" in s for s in texts(at, "info")), name


# ------------------------------------------------------------------------------------------ permissions

def test_reviewer_cannot_open_the_lead_pages_and_the_core_refuses(world):
    _sample(world)
    reviewer = world["reviewers"][1]
    at = signed_in_app(reviewer)
    for name in LEAD_PAGES:
        assert name not in PAGES_BY_ROLE["reviewer"] and name in PAGES_BY_ROLE["lead"]
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page_path(name))
    rules = {"quota": {"count": 1}}
    with pytest.raises(PermissionDenied):
        sample_preview(world["engine"], reviewer, world["campaign"], rules, 1)
    with pytest.raises(PermissionDenied):
        sample_draw(world["engine"], reviewer, world["campaign"], rules, 1)
    with transaction(world["engine"]) as s:
        rv, campaign = s.get(User, reviewer), s.get(Campaign, world["campaign"])
        cf = s.get(CaseFile, world["files"][0])
        with pytest.raises(PermissionDenied):
            auto_assign(s, rv, campaign)
        with pytest.raises(PermissionDenied):
            apply_plan(s, rv, campaign, plan_auto_assignment(s, campaign), how="auto")
        with pytest.raises(PermissionDenied):
            assign(s, rv, campaign, cf, s.get(User, world["reviewers"][2]))
        with pytest.raises(PermissionDenied):
            record_recheck(s, rv, campaign, cf, reason="x", marks=Marks())
        with pytest.raises(PermissionDenied):
            reopen_review(s, rv, 1, "x")


def test_publish_from_progress_page(world):
    _sample(world, [0])
    _auto_assign(world)
    at = signed_in_app(world["lead"], "progress")
    at.button(key="pub_publish").click().run()
    refused = " ".join(texts(at, "error"))
    assert "尚有1本抽取案卷没有最终结果，暂不能发布" in refused and "（未开始）" in refused
    assert "not_started" not in refused  # no status codes shown to people
    with _session(world) as s:
        assert s.scalar(select(Campaign.status)) != "published"
    a, b = _assignments_of(world, world["files"][0])
    _score(world, a, deduct("A1", "b", 2))
    _score(world, b, deduct("A1", "b", 2))
    at = signed_in_app(world["lead"], "progress")
    at.button(key="pub_publish").click().run()
    assert "评查结果已发布。" in texts(at, "success")
    with _session(world) as s:
        assert s.scalar(select(Campaign.status)) == "published"
    at.text_input(key="pub_withdraw_reason").input("复核遗漏").run()
    at.button(key="pub_withdraw").click().run()
    with _session(world) as s:
        assert s.scalar(select(Campaign.status)) == "reviewing"


def test_progress_page_audit_check_then_a_tampered_total_is_named_and_publishing_refused(world):
    """The lead's audit chain check (issue 12): clean, then after a review total is edited in the database
    behind the application's back, the row is listed and publishing is refused."""
    import random

    from tests.reliability.tamper import tamper

    _sample(world, [0])
    _auto_assign(world)
    a, b = _assignments_of(world, world["files"][0])
    _score(world, a, deduct("A1", "b", 2))
    _score(world, b, deduct("A1", "b", 2))
    at = signed_in_app(world["lead"], "progress")
    at.button(key="audit_verify").click().run()
    ok = " ".join(texts(at, "success"))
    assert "审计链完整" in ok and "锚点" in ok and not at.error
    with world["engine"].begin() as conn:
        what = tamper(conn, "review_total", random.Random(3))
    at = signed_in_app(world["lead"], "progress")
    at.button(key="audit_verify").click().run()
    assert any("校验未通过" in e for e in texts(at, "error")), what
    listed = " ".join(" ".join(map(str, f["问题"])) for f in _frames(at) if "问题" in f.columns)
    assert "数据“评分”" in listed and "与审计链记载的状态不符" in listed, listed
    at.button(key="pub_publish").click().run()
    refused = " ".join(texts(at, "error"))
    assert "未通过审计链校验，不能发布" in refused and "与审计链记载的状态不符" in refused, refused
    with _session(world) as s:
        assert s.scalar(select(Campaign.status)) != "published"
