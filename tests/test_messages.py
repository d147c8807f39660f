"""Message codes (scoring.messages): every code has both languages with the same parameters, the
parameters fill in, English plurals agree with their number, and errors, problems and the CLI speak
the chosen language."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import scoring
from scoring.accounts import create_user
from scoring.calibration.round import set_calibration
from scoring.cli import main
from scoring.db.models import Assignment, User, utcnow
from scoring.db.session import session_factory
from scoring.errors import NotFound, PermissionDenied, Problem, ProblemReport, ValidationFailed
from scoring.messages import MESSAGES, Msg, cli_language, placeholders, plurals, text
from scoring.objections.filing import file_objection
from scoring.objections.window import release_results
from scoring.precheck.rules import parse_rule_file
from scoring.ui import i18n
from scoring.workflow.campaigns import spec_from_options
from scoring.workflow.reviews import open_review
from tests.factories import Factory
from tests.test_aggregate_world import U1, U2, build_world

CJK = re.compile(r"[\u3400-\u9fff]")
# Chinese an English text may hold: a date as Chinese registers write it, the procedures' own names (一般程序),
# and the terms the English texts quote: recusal (回避), the "other problem" deduction (其他问题), and the column
# names a file must have (案号, 评查人员) and the unit kinds a unit list names (区级部门, 乡镇)
EN_EXAMPLES = ("2024年3月5日", "一般", "简易", "程序", "回避", "其他问题", "案号", "评查人员", "区级部门", "乡镇")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_both_languages_with_the_same_parameters(code):
    zh, en = MESSAGES[code]
    assert zh.strip() and en.strip()
    assert placeholders(zh) <= placeholders(en), code  # Chinese may leave out a count English needs
    params = {name: 2 for name in placeholders(zh) | placeholders(en)}
    zh_text, en_text = text(code, "zh", **params), text(code, "en", **params)
    assert "{" not in zh_text and "{" not in en_text  # every parameter filled in
    en_plain = en_text
    for example in EN_EXAMPLES:
        en_plain = en_plain.replace(example, "")
    assert not CJK.search(en_plain), f"Chinese in the English text of {code}"
    en_words = re.sub(r"\{[^{}]*\}", "", en)
    if re.search(r"[A-Za-z]{2,}", en_words):  # English words of its own: the Chinese must have its own too
        assert CJK.search(zh_text), f"no Chinese in the Chinese text of {code}"


@given(n=st.integers(0, 10_000))
def test_english_plurals_follow_the_number(n):
    out = text("problems.title", "en", title="the register has problems", n=n)
    assert out.endswith(f"{n} problem" if n == 1 else f"{n} problems")
    assert text("problems.title", "zh", title="导入失败", n=n) == f"导入失败：共{n}个问题"


def test_errors_and_problems_speak_either_language():
    exc = ValidationFailed(code="campaign.exists", name="2024年度评查")
    assert str(exc) == "a campaign named '2024年度评查' exists already"  # English kept for logs
    assert exc.localized("zh") == "已有名为“2024年度评查”的评查活动"
    assert ValidationFailed("written by hand").localized("zh") == "written by hand"  # fallback: as written
    problem = Problem(code="register.unknown_unit", row=3, column="执法单位", value="区某局")
    assert problem.localized("zh") == "第3行，“执法单位”列：执法单位不在单位名录中：请先在单位名录中添加该单位（值：区某局）"
    assert "casereview" not in problem.localized("zh") and "casereview" not in problem.localized("en")
    report = ProblemReport([problem], title_code="register.import_failed")
    assert report.localized("zh") == "登记表导入失败：共1个问题"
    assert report.localized("en") == "the register has problems: 1 problem"
    nested = Msg("publish.open_file", {"case_number": "东罚〔2024〕1号", "state": Msg("file_state.not_started")})
    assert nested.render("zh") == "东罚〔2024〕1号（未开始）" and "not_started" not in nested.render("en")


def test_campaign_form_problems_are_coded():
    with pytest.raises(ProblemReport) as caught:
        spec_from_options(name="", year=1999, window_start="2024-12-31", window_end="2024-01-01")
    zh = [p.localized("zh") for p in caught.value.problems]
    assert "“名称”列：不能为空" in zh and "“年度”列：不能小于2000" in zh
    assert not any(re.search(r"[A-Za-z]{3,}", z) for z in zh)  # no English left in the Chinese
    assert caught.value.localized("zh") == "评查活动设置有误：共2个问题"
    with pytest.raises(ProblemReport) as caught:
        spec_from_options(name="x", year=2024, window_start="2024-12-31", window_end="2024-01-01")
    assert [p.localized("zh") for p in caught.value.problems] == [
        "评查范围的截止日期（2024-01-01）早于起始日期（2024-12-31）"]


def test_cli_language_from_option_environment_and_locale(monkeypatch):
    for var in ("CASEREVIEW_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert cli_language() == "zh"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert cli_language() == "en"
    monkeypatch.setenv("CASEREVIEW_LANG", "zh")
    assert cli_language() == "zh" and cli_language("en") == "en"


def test_cli_prints_errors_in_the_chosen_language(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CASEREVIEW_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    args = ["campaign", "create", "--name", "", "--year", "2024", "--from", "2024-01-01", "--to", "2024-12-31",
            "--db", db]
    assert main(["--lang", "zh", *args]) == 1
    err = capsys.readouterr().err
    assert "错误：评查活动设置有误：共1个问题" in err and "“名称”列：不能为空" in err
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "error: campaign settings are not valid: 1 problem" in err and "column name: must not be empty" in err
    monkeypatch.setenv("CASEREVIEW_LANG", "zh")
    assert main(args) == 1 and "错误：" in capsys.readouterr().err


def test_english_page_texts_agree_with_their_numbers():
    marked = {k: en for k, (_, en) in i18n._T.items() if re.search(r"\{\w+\|", en)}
    assert len(marked) >= 30  # the counts on the pages ("1 file", "2 files")
    for key, en in marked.items():
        names = set(re.findall(r"\{(\w+)", en))
        one = plurals(en, dict.fromkeys(names, 1)).format(**dict.fromkeys(names, 1))
        many = plurals(en, dict.fromkeys(names, 2)).format(**dict.fromkeys(names, 2))
        assert one != many and "|" not in one + many, key
    en = i18n._T["cmp.ov.notice"][1]
    assert plurals(en, {"n": 1}).format(n=1, grades="优秀1本") == "1 file reviewed: 优秀1本."
    assert plurals(i18n._T["cmp.ov.n_units"][1], {"n": 1}).format(n=1) == "1 unit"


# --- every error the core raises for a person names a message code (issues 10 and 13) ---------------------

CODED_ERRORS = {"NotFound", "PermissionDenied", "ValidationFailed", "ConflictError", "CaseReviewError"}
PLAIN_ERRORS = {"ValueError", "RuntimeError", "TypeError", "KeyError", "LookupError", "ChartError"}
# Plain raises a person never reads as they are: the marker on the line says why ("# internal: ...").
INTERNAL = "# internal"
# Modules whose plain ValueErrors are the English "why" inside a coded message (none left).
WRAPPED: set[str] = set()


def _core_files() -> list[Path]:
    root = Path(scoring.__file__).parent
    return [p for p in sorted(root.rglob("*.py"))
            if p.relative_to(root).parts[0] != "ui" and "migrations" not in p.parts]


def _literal_codes(node: ast.Call) -> list[str]:
    """The message codes a call names as constants: code= / title_code= keywords, Msg("..."), InvalidValue("...")."""
    out = [k.value.value for k in node.keywords if k.arg in ("code", "title_code")
           and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)]
    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
    if name in ("Msg", "InvalidValue") and node.args and isinstance(node.args[0], ast.Constant):
        out.append(node.args[0].value)
    return out


def test_every_core_error_carries_a_code():
    """Every error the core (all of scoring/ but the pages) raises for a person, every problem it reports and
    every problem report's title names a message code, and every code named exists: a new raise written in
    English only, or a misspelt code, fails here. Plain raises are allowed where the line says `# internal`."""
    root = Path(scoring.__file__).parent
    plain, unknown = [], []
    coded = set(CODED_ERRORS)
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _core_files()}
    for _ in range(3):  # the core's own error classes (VerificationFailed, DatabaseBusy, ...) too
        coded |= {n.name for tree in trees.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
                  and {getattr(b, "id", "") for b in n.bases} & coded}
    coded.discard("ProblemReport")  # titled by title_code, below
    assert {"VerificationFailed", "DatabaseBusy"} <= coded
    for path in _core_files():
        rel = path.relative_to(root).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                name = getattr(call.func, "id", getattr(call.func, "attr", ""))
                worded = call.args and isinstance(call.args[0], ast.Constant | ast.JoinedStr)
                marked = INTERNAL in lines[node.lineno - 1] or INTERNAL in lines[node.end_lineno - 1]
                if name in PLAIN_ERRORS and worded and not marked and rel not in WRAPPED:
                    plain.append(f"{rel}:{node.lineno} {name}")
            if not isinstance(node, ast.Call):
                continue
            unknown += [f"{rel}:{node.lineno} {c}" for c in _literal_codes(node) if c not in MESSAGES]
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            keywords = {k.arg for k in node.keywords}
            if name in coded | {"Problem"} and "code" not in keywords and (node.args or node.keywords):
                plain.append(f"{rel}:{node.lineno} {name}")
            if name == "ProblemReport" and "title_code" not in keywords:
                plain.append(f"{rel}:{node.lineno} {name}")
            if (name == "report" and isinstance(node.func, ast.Attribute) and "title_code" not in keywords
                    and (node.args or "title" in keywords)):
                plain.append(f"{rel}:{node.lineno} report")
            if (rel.startswith("precheck/") and isinstance(node.func, ast.Name) and name == "add" and node.args
                    and not (isinstance(node.args[0], ast.Constant) and node.args[0].value in MESSAGES)):
                plain.append(f"{rel}:{node.lineno} add")
    assert not plain, plain
    assert not unknown, unknown


def test_the_scan_finds_a_plain_raise(tmp_path):
    """The scan above would catch the plain raises this issue removed."""
    tree = ast.parse('raise ValidationFailed(f"user name {u!r} is taken")\nraise ValueError("bad")\n'
                     'Problem("x", row=1)\nraise NotFound(code="no.such.code")\n')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert [getattr(c.func, "id", "") for c in calls if not any(k.arg == "code" for k in c.keywords)] == [
        "ValidationFailed", "ValueError", "Problem"]
    assert [c for n in calls for c in _literal_codes(n) if c not in MESSAGES] == ["no.such.code"]


@pytest.fixture
def world(engine, tmp_path):
    session = session_factory(engine)()
    try:
        yield build_world(session, tmp_path)
    finally:
        session.close()


def test_objection_and_calibration_refusals_in_chinese(world):
    s, c = world.session, world.current
    now = utcnow().replace(microsecond=0)
    deadline = now + dt.timedelta(days=7)
    liaison1 = create_user(s, username="liaison1", display_name="联络员甲", role="liaison", unit_name=U1,
                           actor=world.lead)
    liaison2 = create_user(s, username="liaison2", display_name="联络员乙", role="liaison", unit_name=U2,
                           actor=world.lead)
    u1_file = world.files[2]  # U1's file with the standing deduction B1/a
    with pytest.raises(PermissionDenied) as caught:
        file_objection(s, liaison1, c, u1_file.id, "B1", "a", "理由", now=now)
    assert caught.value.localized("zh") == f"评查活动“{c.name}”的评查结果尚未向被评查单位反馈"
    with pytest.raises(ValidationFailed) as caught:
        release_results(s, world.lead, c, now - dt.timedelta(days=1), now=now)
    assert caught.value.localized("zh") == "异议截止时间必须晚于当前时间"
    release_results(s, world.lead, c, deadline, now=now)
    # the liaison of another unit
    with pytest.raises(NotFound) as caught:
        file_objection(s, liaison2, c, u1_file.id, "B1", "a", "不是我们的案卷", now=now)
    assert caught.value.localized("zh") == f"本次评查中没有本单位的案卷{u1_file.id}，只能对本单位的案卷提出异议"
    # after the deadline
    with pytest.raises(PermissionDenied) as caught:
        file_objection(s, liaison1, c, u1_file.id, "B1", "a", "理由", now=deadline + dt.timedelta(minutes=1))
    assert caught.value.localized("zh") == f"异议期限已于{deadline:%Y-%m-%d %H:%M}（UTC）届满，不能再提出异议"
    with pytest.raises(ValidationFailed) as caught:
        file_objection(s, liaison1, c, u1_file.id, "B1", "a", "   ", now=now)
    assert caught.value.localized("zh") == "请填写异议理由"
    # the calibration gate before live scoring
    f = Factory(s)
    x = f.case_file(world.units[U1], case_number="试评〔2024〕X号")
    y = f.case_file(world.units[U2], case_number="试评〔2024〕Y号")
    r1 = world.reviewers[0]
    assignment = s.query(Assignment).filter_by(reviewer_id=r1.id, campaign_id=c.id).first()
    with pytest.raises(ValidationFailed) as caught:
        set_calibration(s, world.lead, c, [x.case_number])
    assert caught.value.localized("zh") == "试评案卷应为2至5本，现为1本"
    set_calibration(s, world.lead, c, [x.case_number, y.case_number], required=True)
    with pytest.raises(PermissionDenied) as caught:
        open_review(s, r1, assignment.id)
    assert caught.value.localized("zh") == "请先完成剩余2本试评案卷的评分，之后才能开始正式评查"
    assert caught.value.localized("en") == ("score the 2 remaining calibration files first; your live queue opens "
                                            "once you have")


def test_precheck_rule_file_problems_in_chinese():
    text = """kind: precheck
rules:
  - {id: R, title: t, focus: procedure, hints: [G-P1], flag_when: {days: [filing_date, decision_date, ">", x]}}
  - {id: S, title: t, focus: procedure, hints: [G-P1], flag_when: {value: [discretion_tier, ">", 不予]}}
"""
    with pytest.raises(ProblemReport) as caught:
        parse_rule_file(text, "mine.yaml")
    assert caught.value.localized("zh") == "mine.yaml：预检规则有误：共2个问题"
    zh = [p.localized_message("zh") for p in caught.value.problems]
    assert zh == ["天数应为整数，不能是“x”", "文本属性只能用 == 或 != 比较"]
    assert "whole number" in str(caught.value.problems[0])  # English kept for the log


# --- the rest of the core speaks Chinese too (issue 10) ------------------------------------------------------

def _user(role: str, name: str = "u") -> User:
    return User(id=1, username=name, display_name=name, role=role, active=True)


def test_permission_refusals_in_either_language():
    from scoring.domain import Role
    from scoring.policy import RULES, Action, Condition, Situation, check

    assert all(f"action.{a.value}" in MESSAGES for a in Action)
    assert all(f"policy.only.{c.value}" in MESSAGES for c in Condition)
    assert all(f"policy.role.{r.value}" in MESSAGES for r in Role)
    assert {r.role for r in RULES} <= set(Role)
    with pytest.raises(PermissionDenied) as caught:
        check(_user("reviewer"), Action.SAMPLE)
    assert str(caught.value) == "u (reviewer) may not sample; it needs role lead"
    assert caught.value.localized("zh") == "u（评查人员）无权抽取案卷，需要评查组长权限"
    with pytest.raises(PermissionDenied) as caught:
        check(_user("observer"), Action.READ_RESULTS, Situation(published=False),
              what=Msg("policy.what.read_results_of", {"name": "2024年度评查"}))
    assert str(caught.value) == "u (observer) may read the results of '2024年度评查' only once the results are published"
    assert caught.value.localized("zh") == "u（观察员）不能查看评查活动“2024年度评查”的结果：须在评查结果发布之后"
    with pytest.raises(PermissionDenied) as caught:
        check(None, Action.OVERVIEW)
    assert caught.value.localized("zh") == "请先登录"
    with pytest.raises(PermissionDenied) as caught:
        check(_user("observer"), Action.VERIFY_AUDIT)
    assert caught.value.localized("zh") == "u（观察员）无权核验审计记录，需要评查组长权限"
    assert str(caught.value) == "u (observer) may not verify audit; it needs role lead"


def test_account_errors_in_chinese(session):
    lead = create_user(session, username="boss", display_name="组长", role="lead", password="correct-horse",
                       bootstrap=True)
    with pytest.raises(ValidationFailed) as caught:
        create_user(session, username="boss", display_name="x", role="lead", actor=lead)
    assert caught.value.localized("zh") == "用户名“boss”已被使用" and str(caught.value) == "user name 'boss' is taken"
    with pytest.raises(ValidationFailed) as caught:
        create_user(session, username="r", display_name="x", role="reviewer", actor=lead)
    assert caught.value.localized("zh") == "评查人员需要填写所在单位（用于回避：不评查本单位的案卷）"
    with pytest.raises(NotFound) as caught:
        create_user(session, username="r", display_name="x", role="reviewer", unit_name="某局", actor=lead)
    assert caught.value.localized("zh") == "单位名录中没有名为“某局”的单位"


def test_workflow_errors_in_chinese():
    from scoring.db.models import CaseFile, Unit
    from scoring.workflow.assignments import check_recusal
    from scoring.workflow.sampling.rules import SampleRules

    with pytest.raises(ValidationFailed) as caught:
        SampleRules.parse({"quota": {"count": 1}, "units": []})
    assert caught.value.localized("zh") == "抽样规则有误：units：指定单位时至少要列出一个单位"
    assert str(caught.value) == "bad sampling rules: units: units, when given, must name at least one unit"
    with pytest.raises(ValidationFailed) as caught:
        SampleRules.parse({"quota": {"count": -1}})
    assert caught.value.localized("zh") == "抽样规则有误：quota.count：不能小于0"
    reviewer = User(username="r1", display_name="张三", role="reviewer", active=True, unit_id=7)
    cf = CaseFile(case_number="东罚〔2024〕1号", unit_id=7, unit=Unit(id=7, name="区市场监管局"))
    with pytest.raises(ValidationFailed) as caught:
        check_recusal(reviewer, cf)
    assert caught.value.localized("zh") == "张三属于区市场监管局，不能评查该单位的案卷东罚〔2024〕1号（回避：不评查本单位的案卷）"


def test_scoring_engine_problems_in_chinese():
    from scoring.engine import check_marks, suspicious, suspicious_messages
    from scoring.marks import Marks
    from scoring.rubric.schema import FileAttributes
    from tests.rubric_builders import build_standard

    standard = build_standard()
    marks = Marks.model_validate({"items": {"A1": {"deductions": [{"reason": "nope"}]}, "ZZ": {"na": True}}})
    problems = check_marks(standard, FileAttributes(case_type="行政处罚"), marks)
    zh = [p.localized_message("zh") for p in problems]
    assert zh[0] == "“nope”不是评查项目A1所列的扣分情形；可选：a (未记载执法证号)、b (每缺一处签名)"
    assert zh[1] == "评分标准mini中没有评查项目“ZZ”"
    assert str(problems[1]) == "items.ZZ: no item 'ZZ' in standard mini"
    many = Marks.model_validate({"items": {"B1": {"deductions": [{"reason": "a", "occurrences": 99}]}}})
    assert suspicious(standard, many)[0].startswith("item B1 reason a: 99 occurrences, but 40 already take")
    assert suspicious_messages(standard, many)[0].render("zh") == (
        "评查项目B1扣分情形a：填写了99处，但40处已扣完该项全部分值（40.00分），该项最低扣至0分——请核对处数")


def test_register_file_problems_in_chinese(session):
    from scoring.register.importer import REGISTER_SPEC
    from scoring.register.table import open_table
    from scoring.register.units import add_unit

    with pytest.raises(ProblemReport) as caught:
        open_table(b"\xd0\xcf\x11\xe0" + b"\0" * 100, REGISTER_SPEC, "old.xls")
    assert caught.value.localized("zh") == "old.xls：无法读取文件：共1个问题"
    assert caught.value.problems[0].localized("zh") == "old.xls：不支持旧版 Excel .xls 工作簿：请另存为 .xlsx 或 .csv"
    with pytest.raises(ProblemReport) as caught:
        open_table("案号,备注\n1,2\n".encode(), REGISTER_SPEC, "r.csv")
    zh = caught.value.problems[0].localized("zh")
    assert zh == "r.csv：前15行中找不到表头：需要“案号、执法单位、案件类型、决定日期”等列；文件中的内容：第1行：案号, 备注；第2行：1, 2"
    lead = create_user(session, username="boss", display_name="组长", role="lead", password="correct-horse",
                       bootstrap=True)
    add_unit(session, "区水务局", "区级部门", actor_id=lead.id)
    with pytest.raises(ValidationFailed) as caught:
        add_unit(session, "区水务局", "区级部门", actor_id=lead.id)
    assert caught.value.localized("zh") == "不能添加单位“区水务局”：已有名为“区水务局”的单位"
    assert str(caught.value) == "cannot add unit '区水务局': a unit named 区水务局 already exists"


def test_scoring_form_findings_and_attribute_problems_in_chinese():
    from scoring.findings.rectify import parse_deadline
    from scoring.mark_entry import marks_from_entry
    from scoring.rubric.vocabulary import AttributeDecl

    entry = {"items": {"A1": {"choice": "deduct", "reasons": [], "details": {}, "comment": ""},
                       "B1": {"choice": "deduct", "reasons": ["a"], "details": {"a": {"occurrences": 0,
                                                                                       "media_time": "半小时"}}}},
             "vetoes": {}}
    with pytest.raises(ProblemReport) as caught:
        marks_from_entry(entry)
    assert caught.value.localized("zh") == "评分表尚未填写完整：共4个问题"
    zh = [p.localized_message("zh") for p in caught.value.problems]
    assert zh[0] == "评查项目A1已选“扣分”，但没有选择扣分情形：请选择扣分情形，或改选“符合”"
    assert "评查项目B1的扣分情形a：时间点“半小时”格式不对，应为 12:34 或 1:02:03" in zh
    assert "评查项目B1的扣分情形a：处数应为1至" in " ".join(zh)
    with pytest.raises(ValidationFailed) as caught:
        parse_deadline("下月底")
    assert caught.value.localized("zh") == "整改期限“下月底”不是有效的日期（例如 2025-03-31）"
    decl = AttributeDecl(key="risk", zh="风险等级", en="risk", type="one_of", choices=["高", "低"])
    with pytest.raises(ValueError) as refused:
        decl.parse("中")
    assert text(refused.value.code, "zh", **refused.value.params) == "risk应为以下之一：高、低"


def test_limits_and_settings_in_chinese(monkeypatch):
    from scoring import limits

    found = [v for v in vars(limits).values() if isinstance(v, limits.Limit)]
    assert len(found) >= 7 and all(limit.what_code in MESSAGES for limit in found)
    with pytest.raises(ProblemReport) as caught:
        limits.check_size(6 * limits.MB, limits.UNIT_LIST_FILE, "units.xlsx")
    assert caught.value.localized("zh") == "units.xlsx：文件过大：共1个问题"
    assert caught.value.problems[0].localized("zh") == (
        "units.xlsx：文件大小为6 MB；单位名录最大为5 MB（设置项 CASEREVIEW_MAX_UNITS_MB）")
    monkeypatch.setenv("CASEREVIEW_MAX_UNITS_MB", "many")
    with pytest.raises(ValidationFailed) as caught:
        limits.UNIT_LIST_FILE.bytes  # noqa: B018
    assert caught.value.localized("zh") == "设置项 CASEREVIEW_MAX_UNITS_MB='many' 不是以 MB 计的数字"


def test_database_and_cli_errors_in_either_language(tmp_path, capsys):
    from scoring.db.backup import backup
    from scoring.errors import CaseReviewError

    out = tmp_path / "copy.db"
    out.write_bytes(b"x")
    with pytest.raises(CaseReviewError) as caught:
        backup(f"sqlite:///{tmp_path / 'x.db'}", out)
    assert caught.value.localized("zh") == f"{out}已存在：请换一个文件名（备份不会覆盖已有文件）"
    db = f"sqlite:///{tmp_path / 'y.db'}"
    assert main(["--lang", "zh", "init", "--db", db]) == 0
    capsys.readouterr()
    assert main(["--lang", "zh", "sessions", "end", "--user", "nobody", "--db", db]) == 1
    assert "错误：找不到用户“nobody”" in capsys.readouterr().err
    assert main(["--lang", "en", "sessions", "end", "--user", "nobody", "--db", db]) == 1
    assert "error: no user 'nobody'" in capsys.readouterr().err


def test_standard_file_problems_in_chinese(tmp_path):
    from scoring.rubric.loader import RubricLibrary
    from tests.rubric_builders import standard_dict, write_yaml

    data = standard_dict()
    data["sections"][0]["items"][0]["max"] = 0
    data["sections"][0]["items"][1]["deductions"][0]["range"] = {"min": 5, "max": 2}
    path = write_yaml(tmp_path / "s.yaml", data)
    with pytest.raises(ProblemReport) as caught:
        RubricLibrary.load([path])
    assert caught.value.localized("zh") == "评分标准检查未通过：共2个问题"
    zh = [p.localized_message("zh") for p in caught.value.problems]
    assert "评查项目的满分“max”应大于0" in zh
    assert "扣分区间的上限2.00小于下限5.00" in zh or any("“points”（固定扣分）" in z for z in zh)
    assert not any(re.search(r"[A-Za-z]{4,}", z.replace("points", "").replace("per_occurrence", "")
                             .replace("range", "").replace("max", "")) for z in zh), zh


def test_register_values_say_why_in_chinese(session, tmp_path):
    from scoring.register.importer import import_register
    from scoring.register.units import add_unit
    from tests.test_ui_helpers import register_csv

    lead = create_user(session, username="boss", display_name="组长", role="lead", password="correct-horse",
                       bootstrap=True)
    add_unit(session, "区水务局", "区级部门", actor_id=lead.id)
    session.commit()
    rows = ("区水务局,东水罚〔2024〕2号,行政处罚,一般,2024-02-30,否,否,否,否,5000,违法取水",
            "区水务局,东水罚〔2024〕3号,行政处罚,一般,2024-03-05,也许,否,否,否,-5,违法取水")
    path = tmp_path / "r.csv"
    path.write_bytes(register_csv(*rows))
    report = import_register(session.get_bind(), path, actor_id=lead.id)
    zh = {p.localized_message("zh") for p in report.problems}
    assert "日期无法识别：不存在的日期2024-02-30" in zh and "金额无法识别：金额不能为负数" in zh
    assert any(z.startswith("取值无法识别：不是“是/否”值（可写作 是/否") for z in zh)
    en = {p.localized_message("en") for p in report.problems}
    assert "bad date: no such date 2024-02-30" in en and "bad amount: negative amount" in en


def test_sample_verification_speaks_either_language():
    from scoring.workflow.sampling.record import VerifyResult

    result = VerifyResult(messages=[Msg("verify.fingerprint", {"was": 24, "now": 25}),
                                    Msg("verify.tampered", {"what": Msg("verify.what.exported"), "stored": "a",
                                                            "recomputed": "b"})])
    assert result.problems[0] == "register fingerprint changed: candidates 24→25"  # English kept for logs
    assert result.summary("zh") == ("登记表指纹已变化：候选案卷由24本变为25本；"
                                    "抽样记录被篡改：哈希值不符（导出的文件已被修改：保存的为 a，重新计算为 b）")
