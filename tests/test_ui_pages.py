"""The lead's pages: accounts, register import and browsing, campaigns, standards."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from scoring.db.models import Campaign, CaseFile, ImportBatch, Unit, User
from scoring.db.session import open_db, session_factory
from scoring.rubric.loader import RubricLibrary
from tests.rubric_builders import standard_dict, write_yaml
from tests.test_ui_helpers import register_csv, seed, signed_in_app, texts

GOOD_ROWS = (
    "区水务局,东水罚〔2024〕1号,行政处罚,一般,2024-03-05,否,否,否,否,5000,违法取水",
    "区水务局,东水检〔2024〕2号,行政检查,,2024-04-01,否,否,否,否,,日常检查",
    "城桥镇,东城桥罚〔2024〕3号,行政处罚,简易,2024年5月6日,否,否,否,否,200元,占道经营",
)
BAD_ROWS = (
    "区水务局,东水罚〔2024〕1号,行政处罚,一般,2024-03-05,否,否,否,否,5000,违法取水",
    "区水务局,东水罚〔2024〕2号,行政处罚,一般,2024年13月5日,否,否,否,否,5000,违法取水",
    "区火星局,东火检〔2024〕3号,行政检查,,2024-03-05,否,否,否,否,,检查",
)


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("CASEREVIEW_DB_URL", url)
    write_yaml(tmp_path / "rubrics" / "mini.yaml", standard_dict())
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "rubrics"))
    engine = open_db(url)
    yield engine
    engine.dispose()


@pytest.fixture
def ids(db):
    return seed(db)


def _count(engine, model) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _frames(at):
    return [d.value for d in at.dataframe]


# ------------------------------------------------------------------------------------------ accounts

def test_accounts_page_lists_and_adds_a_reviewer(db, ids):
    at = signed_in_app(ids["lead"], "accounts")
    assert not at.exception
    table = _frames(at)[0]
    assert list(table["用户名"]) == ["lead", "rv", "obs"]
    at.text_input(key="acc_username").input("rv2")
    at.text_input(key="acc_display_name").input("评查员乙")
    at.selectbox(key="acc_role").set_value("reviewer")
    at.selectbox(key="acc_unit").set_value("城桥镇")
    at.text_input(key="acc_password").input("another-pass")
    at.button(key="FormSubmitter:add_user-新增").click().run()
    assert not at.exception
    assert any("rv2" in s for s in texts(at, "success"))
    with session_factory(db)() as s:
        rv2 = s.scalar(select(User).where(User.username == "rv2"))
        assert (rv2.role, rv2.unit.name, rv2.display_name) == ("reviewer", "城桥镇", "评查员乙")
    assert "rv2" in list(_frames(at)[0]["用户名"])


def test_accounts_page_shows_core_errors(db, ids):
    at = signed_in_app(ids["lead"], "accounts")
    at.text_input(key="acc_username").input("rv3")
    at.selectbox(key="acc_role").set_value("reviewer")
    at.button(key="FormSubmitter:add_user-新增").click().run()
    assert "评查人员需要填写所在单位" in " ".join(texts(at, "error"))
    assert _count(db, User) == 3


def test_accounts_page_deactivates_and_reactivates(db, ids):
    at = signed_in_app(ids["lead"], "accounts")
    at.selectbox(key="acc_choose").set_value(ids["rv"])
    at.button(key="acc_deactivate").click().run()
    assert any("rv" in s for s in texts(at, "success"))
    with session_factory(db)() as s:
        assert s.get(User, ids["rv"]).active is False
    at.selectbox(key="acc_choose").set_value(ids["lead"])
    at.button(key="acc_deactivate").click().run()
    assert "不能停用自己的账户" in " ".join(texts(at, "error"))
    at.selectbox(key="acc_choose").set_value(ids["rv"])
    at.button(key="acc_reactivate").click().run()
    with session_factory(db)() as s:
        assert s.get(User, ids["rv"]).active is True


def test_accounts_page_edits_an_account(db, ids):
    at = signed_in_app(ids["lead"], "accounts")
    at.selectbox(key="accedit_user").set_value(ids["rv"]).run()
    rv = ids["rv"]
    at.text_input(key=f"accedit_name_{rv}").input("评查员甲（公职律师）")
    at.selectbox(key=f"accedit_role_{rv}").set_value("observer")
    at.selectbox(key=f"accedit_unit_{rv}").set_value("")
    at.button(key=f"FormSubmitter:edit_user_{rv}-保存修改").click().run()
    assert not at.exception
    assert any("rv" in s for s in texts(at, "success"))
    with session_factory(db)() as s:
        user = s.get(User, rv)
        assert (user.display_name, user.role, user.unit_id) == ("评查员甲（公职律师）", "observer", None)
    # The core's rule shows as an error: the lead cannot demote themselves.
    lead = ids["lead"]
    at.selectbox(key="accedit_user").set_value(lead).run()
    at.selectbox(key=f"accedit_role_{lead}").set_value("reviewer")
    at.button(key=f"FormSubmitter:edit_user_{lead}-保存修改").click().run()
    assert "不能取消自己的评查组长角色" in " ".join(texts(at, "error"))


# ------------------------------------------------------------------------------------------ register

def test_register_upload_with_errors_reports_rows_and_columns_and_writes_nothing(db, ids):
    at = signed_in_app(ids["lead"], "register")
    assert not at.exception
    at.file_uploader[0].set_value(("bad.csv", register_csv(*BAD_ROWS), "text/csv")).run()
    assert not at.exception
    assert any("bad.csv" in e and "2" in e for e in texts(at, "error"))
    problems = next(f for f in _frames(at) if "问题" in f.columns)
    rows = {(int(r["行"]), r["列"], r["值"]) for _, r in problems.iterrows()}
    assert rows == {(3, "决定日期", "2024年13月5日"), (4, "执法单位", "区火星局")}
    assert at.button(key="reg_commit").disabled
    assert _count(db, CaseFile) == 0 and _count(db, ImportBatch) == 0


def test_register_preview_then_commit_writes_the_rows(db, ids):
    at = signed_in_app(ids["lead"], "register")
    at.file_uploader[0].set_value(("good.csv", register_csv(*GOOD_ROWS), "text/csv")).run()
    assert not at.exception
    assert any("3" in s for s in texts(at, "success"))
    by_unit = next(f for f in _frames(at) if "单位" in f.columns and "案卷数" in f.columns)
    assert dict(zip(by_unit["单位"], by_unit["案卷数"], strict=True)) == {"区水务局": 2, "城桥镇": 1}
    assert _count(db, CaseFile) == 0  # a preview writes nothing
    at.run()  # reruns keep the preview without importing
    assert _count(db, CaseFile) == 0
    at.button(key="reg_commit").click().run()
    assert not at.exception
    assert any("已从 good.csv 导入 3 本案卷" in s for s in texts(at, "success"))
    assert _count(db, CaseFile) == 3 and _count(db, ImportBatch) == 1
    # The browse tab shows them, newest first, and filters in SQL.
    browse = next(f for f in _frames(at) if "案号" in f.columns)
    assert list(browse["案号"]) == ["东城桥罚〔2024〕3号", "东水检〔2024〕2号", "东水罚〔2024〕1号"]
    at.text_input(key="reg_search").input("取水").run()
    browse = next(f for f in _frames(at) if "案号" in f.columns)
    assert list(browse["案号"]) == ["东水罚〔2024〕1号"]


def test_register_cancel_clears_the_preview(db, ids):
    at = signed_in_app(ids["lead"], "register")
    at.file_uploader[0].set_value(("good.csv", register_csv(*GOOD_ROWS), "text/csv")).run()
    at.button(key="reg_cancel").click().run()
    assert not at.exception
    assert "reg_preview" not in at.session_state
    assert at.file_uploader[0].value is None
    assert _count(db, CaseFile) == 0


def test_units_tab_imports_a_unit_list(db, ids):
    at = signed_in_app(ids["lead"], "register")
    units_csv = "单位名称,类型,编码\n区水务局,区级部门,\n堡镇,乡镇,T02\n".encode("utf-8-sig")
    at.file_uploader[1].set_value(("units.csv", units_csv, "text/csv")).run()
    assert not at.exception
    at.button(key="units_commit").click().run()
    assert any("1" in s for s in texts(at, "success"))
    with session_factory(db)() as s:
        assert "堡镇" in set(s.scalars(select(Unit.name)))


# ------------------------------------------------------------------------------------------ campaigns

def _campaign_form(at, name: str) -> None:
    at.text_input(key="camp_name").input(name)
    at.number_input(key="camp_year").set_value(2024)
    at.date_input(key="camp_start").set_value(dt.date(2024, 1, 1))
    at.date_input(key="camp_end").set_value(dt.date(2024, 12, 31))


def test_campaign_form_creates_a_campaign(db, ids):
    at = signed_in_app(ids["lead"], "campaigns")
    assert not at.exception
    assert any("还没有评查活动" in s for s in texts(at, "info"))
    _campaign_form(at, "2024年度行政执法案卷评查")
    at.button(key="FormSubmitter:create_campaign-创建").click().run()
    assert not at.exception
    assert any("2024年度行政执法案卷评查" in s for s in texts(at, "success"))
    with session_factory(db)() as s:
        c = s.scalar(select(Campaign))
        assert (c.name, c.year, c.window_start, c.window_end) == ("2024年度行政执法案卷评查", 2024,
                                                                   dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        assert [b["name"] for b in c.grade_bands] == ["优秀", "良好", "合格", "不合格"]
        assert c.recheck_rules["gap"] in (10, "10", "10.0", 10.0)
        # The test standard covers every 行政处罚 file: both procedures are mapped to it by default.
        assert {(cs.case_type, cs.procedure) for cs in c.standards} == {("行政处罚", "一般"), ("行政处罚", "简易")}
    listing = _frames(at)[0]
    assert list(listing["名称"]) == ["2024年度行政执法案卷评查"]


def test_campaign_form_chooses_the_standards(db, ids):
    at = signed_in_app(ids["lead"], "campaigns")
    _campaign_form(at, "只评一般程序")
    at.selectbox(key="camp_std_行政处罚/简易").set_value("")  # (本次不评查)
    at.button(key="FormSubmitter:create_campaign-创建").click().run()
    assert not at.exception
    with session_factory(db)() as s:
        c = s.scalar(select(Campaign))
        assert [(cs.case_type, cs.procedure) for cs in c.standards] == [("行政处罚", "一般")]


def test_campaign_form_shows_a_bad_window(db, ids):
    at = signed_in_app(ids["lead"], "campaigns")
    _campaign_form(at, "2024年度")
    at.date_input(key="camp_end").set_value(dt.date(2023, 6, 30))
    at.button(key="FormSubmitter:create_campaign-创建").click().run()
    assert not at.exception
    errors = " ".join(texts(at, "error"))
    assert "评查活动设置有误：共1个问题" in errors  # in the page's language, not the core's English
    problems = _frames(at)[-1]
    assert any("评查范围的截止日期（2023-06-30）早于起始日期" in m for m in problems["问题"])
    assert _count(db, Campaign) == 0


def test_campaign_form_refuses_a_duplicate_name(db, ids):
    at = signed_in_app(ids["lead"], "campaigns")
    _campaign_form(at, "2024年度")
    at.button(key="FormSubmitter:create_campaign-创建").click().run()
    _campaign_form(at, "2024年度")
    at.button(key="FormSubmitter:create_campaign-创建").click().run()
    assert "已有名为“2024年度”的评查活动" in " ".join(texts(at, "error"))
    assert _count(db, Campaign) == 1


# ------------------------------------------------------------------------------------------ standards

def test_standards_page_shows_sections_items_and_hash(db, ids):
    at = signed_in_app(ids["rv"], "standards")
    assert not at.exception
    assert texts(at, "subheader") == ["测试标准"]
    frames = _frames(at)
    items = frames[0]
    assert list(items["评查项目"]) == ["执法人员资格", "听证"]
    assert list(items["重点领域"]) == ["执法主体", "执法程序"]
    assert "未记载执法证号：扣 5 分" in items["扣分情形"][0]
    assert "每缺一处签名：每处扣 2 分，最多扣 10 分" in items["扣分情形"][0]
    vetoes = frames[-1]
    assert list(vetoes["否决项"]) == ["执法主体不合法"]
    assert len(at.code[0].value) == 64
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert list(_frames(at)[0]["Focus area"]) == ["Enforcement subject", "Procedure"]


def test_standards_page_shows_rubric_problems(db, ids, tmp_path, monkeypatch):
    broken = standard_dict(id="broken", total=90)
    write_yaml(tmp_path / "broken" / "broken.yaml", broken)
    monkeypatch.setenv("CASEREVIEW_RUBRICS", str(tmp_path / "broken"))
    at = signed_in_app(ids["lead"], "standards")
    assert not at.exception
    assert "评分标准检查未通过" in " ".join(texts(at, "error"))
    problems = _frames(at)[0]
    assert any("各部分满分相加为" in m for m in problems["问题"])


def test_shipped_standards_render(db, ids, monkeypatch):
    monkeypatch.delenv("CASEREVIEW_RUBRICS")
    at = signed_in_app(ids["lead"], "standards")
    assert not at.exception
    assert not texts(at, "error"), texts(at, "error")
    shipped = RubricLibrary.load().standards
    assert shipped
    for std_id, std in shipped.items():
        at.selectbox(key="std_choose").set_value(std_id).run()
        assert not at.exception and not texts(at, "error")
        assert texts(at, "subheader") == [std.title]
        assert at.code[0].value == std.hash
