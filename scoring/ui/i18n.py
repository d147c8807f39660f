"""Translations for the pages: Chinese (default) and English, chosen in the sidebar.

Every visible string goes through `t(key, **fmt)`; English plurals are written `{n} {n|file|files}`
(scoring.messages.plurals). Messages from the core (errors, problem reports)
are shown as the core wrote them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import streamlit as st

from scoring.domain import ALL_FOCUS, FILE_FLAGS
from scoring.messages import plurals
from scoring.ui import texts

LANG_KEY = "lang"
SWITCH_KEY = "lang_switch"  # the radio's own widget key
QUERY_KEY = "lang"  # the language in the address
LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANG = "zh"

# key -> (zh, en)
_T: dict[str, tuple[str, str]] = {
    # shell
    "app.title": ("案卷评查", "Case-file review"),
    "shell.sign_out": ("退出登录", "Sign out"),
    "shell.language": ("语言 / Language", "Language / 语言"),
    "shell.db_error": ("无法打开数据库：{message}", "Cannot open the database: {message}"),
    "nav.work": ("评查工作", "Review work"),
    "nav.results": ("评查结果", "Results"),
    "nav.settings": ("标准与账号", "Standards and accounts"),
    "page.setup": ("初始设置", "Set-up"),
    "page.signin": ("登录", "Sign in"),
    "page.overview": ("概览", "Overview"),
    "page.campaigns": ("评查活动", "Campaigns"),
    "page.register": ("案卷登记", "Register"),
    "page.standards": ("评分标准", "Standards"),
    "page.accounts": ("账号", "Accounts"),
    "role.lead": ("评查组长", "Panel lead"),
    "role.reviewer": ("评查人员", "Reviewer"),
    "role.observer": ("观察员", "Observer"),
    "status.setup": ("筹备中", "Setting up"),
    "status.sampling": ("抽取中", "Sampling"),
    "status.reviewing": ("评查中", "Reviewing"),
    "status.published": ("已发布", "Published"),
    "status.closed": ("已结束", "Closed"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "all": ("全部", "all"),
    "error.prefix": ("{message}", "{message}"),
    "problems.capped": ("共 {total} 个问题，下表列出前 {shown} 个。", "{total} {total|problem|problems} in all; the first {shown} are listed."),
    # common fields and columns
    "field.username": ("用户名", "User name"),
    "field.display_name": ("姓名", "Display name"),
    "field.email_optional": ("电子邮箱（可选）", "E-mail (optional)"),
    "field.email_help": ("单点登录时按此邮箱匹配账号。", "Single sign-on matches accounts by this address."),
    "field.password": ("密码", "Password"),
    "field.password_help": ("至少 8 个字符。", "At least 8 characters."),
    "field.password_repeat": ("再次输入密码", "Password again"),
    "field.role": ("角色", "Role"),
    "field.unit": ("所属单位", "Home unit"),
    "field.campaign_name": ("活动名称", "Campaign name"),
    "field.year": ("年度", "Year"),
    "field.window_start": ("评查范围起（决定日期）", "Window start (decision date)"),
    "field.window_end": ("评查范围止（决定日期）", "Window end (decision date)"),
    "field.grade_bands": ("等次划分", "Grade bands"),
    "field.pass_line": ("合格线", "Pass line"),
    "field.reviewers": ("每卷评查人数", "Reviewers per file"),
    "field.recheck": ("复核规则", "Re-check rules"),
    "field.anonymise": ("匿名处理（评查时隐去单位，通报中隐去案号）", "Anonymise (units hidden from reviewers, case numbers in reports)"),
    "field.anonymise_help": ("交叉评查时评查人员看不到案卷所属单位；通报和问题清单中的典型案例隐去案号和单位名称。",
                             "Reviewers do not see which unit a file is from; typical examples in findings and "
                             "reports hide case numbers and unit names."),
    "col.row": ("行", "Row"),
    "col.column": ("列", "Column"),
    "col.value": ("值", "Value"),
    "col.message": ("问题", "Problem"),
    "widget.choose": ("请选择", "Choose"),
    "widget.page": ("页码（共 {pages} 页）", "Page (of {pages})"),
    "widget.page_range": ("第 {first}–{last} 本，共 {total} 本", "Files {first}–{last} of {total}"),
    "col.count": ("案卷数", "Files"),
    "col.username": ("用户名", "User name"),
    "col.display_name": ("姓名", "Name"),
    "col.role": ("角色", "Role"),
    "col.unit": ("单位", "Unit"),
    "col.email": ("邮箱", "E-mail"),
    "col.active": ("启用", "Active"),
    "col.locked": ("已锁定", "Locked"),
    "col.password": ("有密码", "Password set"),
    "col.case_number": ("案号", "Case number"),
    "col.case_type": ("案件类型", "Case type"),
    "col.decision_date": ("决定日期", "Decision date"),
    "col.flags": ("标记", "Flags"),
    "col.amount": ("罚款金额（元）", "Fine (yuan)"),
    "col.description": ("案由", "Description"),
    "col.name": ("名称", "Name"),
    "col.year": ("年度", "Year"),
    "col.window": ("评查范围", "Window"),
    "col.status": ("状态", "Status"),
    "col.bands": ("等次", "Grade bands"),
    "col.pass_line": ("合格线", "Pass line"),
    "col.reviewers": ("每卷人数", "Reviewers"),
    "col.standards": ("标准数", "Standards"),
    "col.band_name": ("等次", "Band"),
    "col.band_min": ("最低分", "Minimum"),
    "col.id": ("编号", "ID"),
    "col.item": ("评查项目", "Item"),
    "col.focus": ("重点领域", "Focus area"),
    "col.max": ("分值", "Max"),
    "col.na": ("可不适用", "May be N/A"),
    "col.applies_when": ("适用条件", "Applies when"),
    "col.deductions": ("扣分情形", "Deductions"),
    "col.veto": ("否决项", "Veto"),
    "col.effect": ("后果", "Effect"),
    # set-up
    "setup.title": ("初始设置", "First-time set-up"),
    "setup.intro": (
        "数据库中还没有任何账号。请创建评查组长账号（之后由组长为其他人员开设账号）。此页面仅出现一次。",
        "The database has no accounts yet. Create the panel lead's account (the lead then creates everyone "
        "else's). This page is offered only once.",
    ),
    "setup.load_demo": ("同时载入演示数据（虚构的单位和 2024 年案卷登记）", "Also load the demo data (invented units and a 2024 register)"),
    "setup.load_demo_help": ("演示数据均为虚构，仅供试用。", "All demo data is synthetic, for trying the tool out."),
    "setup.submit": ("创建组长账号", "Create the lead account"),
    "setup.done": ("已创建评查组长账号 {username} 并登录。", "Lead account {username} created; you are signed in."),
    "setup.loading_demo": ("正在载入演示数据…", "Loading the demo data…"),
    "setup.demo_loaded": ("演示数据已载入：{units} 个单位，{case_files} 本案卷。", "Demo data loaded: {units} {units|unit|units}, {case_files} case {case_files|file|files}."),
    "setup.demo_failed": ("演示数据未载入：{message}", "The demo data was not loaded: {message}"),
    # sign-in
    "signin.title": ("登录", "Sign in"),
    "signin.submit": ("登录", "Sign in"),
    "signin.failed": ("登录失败：{message}", "Sign-in failed: {message}"),
    "signin.sso": ("单点登录", "Sign in with SSO"),
    "signin.sso_hint": ("也可以使用单位统一身份认证登录。", "Or sign in through your organisation's single sign-on."),
    "signin.sso_no_account": ("单点登录成功，但没有对应的账号：{message}", "Single sign-on worked, but there is no matching account: {message}"),
    "signin.sso_other": ("换一个身份登录", "Use another identity"),
    # overview
    "overview.title": ("概览", "Overview"),
    "overview.welcome": ("{name}（{role}），您好。", "Hello {name} ({role})."),
    "overview.units": ("执法单位", "Units"),
    "overview.case_files": ("登记案卷", "Case files in the register"),
    "overview.campaigns": ("评查活动", "Campaigns"),
    "overview.users": ("启用账号", "Active accounts"),
    "overview.no_units": ("还没有执法单位：请在“案卷登记”页导入单位名单。", "No units yet: import the unit list on the Register page."),
    # accounts
    "accounts.title": ("账号管理", "Accounts"),
    "accounts.add": ("新增账号", "Add an account"),
    "accounts.add_submit": ("新增", "Add"),
    "accounts.added": ("已新增账号 {username}。", "Account {username} added."),
    "accounts.no_unit": ("（无）", "(none)"),
    "accounts.unit_help": ("评查人员必须填写所属单位（回避本单位案卷）。", "Reviewers need a home unit (they never review their own unit)."),
    "accounts.password_help": ("至少 8 个字符；仅使用单点登录的账号可留空。", "At least 8 characters; leave empty for single-sign-on-only accounts."),
    "accounts.no_units": ("还没有执法单位，评查人员账号需要所属单位：请先在“案卷登记”页导入单位名单。", "There are no units yet and reviewers need a home unit: import the unit list on the Register page first."),
    "accounts.activation": ("停用 / 启用账号", "Deactivate / reactivate"),
    "accounts.choose": ("账号", "Account"),
    "accounts.inactive": ("已停用", "deactivated"),
    "accounts.deactivate": ("停用", "Deactivate"),
    "accounts.reactivate": ("启用", "Reactivate"),
    "accounts.deactivated": ("已停用账号 {username}。", "Account {username} deactivated."),
    "accounts.reactivated": ("已启用账号 {username}。", "Account {username} reactivated."),
    # register
    "register.title": ("案卷登记", "Case-file register"),
    "register.tab_import": ("导入登记表", "Import a register"),
    "register.tab_browse": ("案卷列表", "Browse"),
    "register.tab_units": ("单位名单", "Units"),
    "register.import_intro": (
        "上传各单位报送或从办案系统导出的案卷登记表（.xlsx 或 .csv）。先检查预览，确认无误后再提交导入；提交前不会写入任何数据。",
        "Upload a register as units sent it or as exported from the case system (.xlsx or .csv). Check the "
        "preview, then commit; nothing is written before you commit.",
    ),
    "register.upload": ("登记表文件", "Register file"),
    "register.checking": ("正在检查…", "Checking…"),
    "register.importing": ("正在导入…", "Importing…"),
    "register.header_at": ("表头位于第 {row} 行{where}", "Header found at row {row}{where}"),
    "register.sheet": ("（工作表 {sheet}）", " (sheet {sheet})"),
    "register.preview_ok": ("{name}：{rows} 本案卷可以导入。", "{name}: {rows} case {rows|file|files} can be imported."),
    "register.preview_bad": ("{name}：读取 {rows} 行，发现 {problems} 个问题，不能导入。请修改文件后重新上传。", "{name}: {rows} {rows|row|rows} read, {problems} {problems|problem|problems} found; it cannot be imported. Fix the file and upload it again."),
    "register.by_unit": ("按单位", "By unit"),
    "register.by_case_type": ("按案件类型", "By case type"),
    "register.problems": ("问题清单", "Problems"),
    "register.commit": ("提交导入", "Commit import"),
    "register.cancel": ("取消", "Cancel"),
    "register.commit_refused": ("未导入：数据库在预览之后有变化，发现 {problems} 个问题。", "Nothing imported: the database changed since the preview; {problems} {problems|problem|problems} found."),
    "register.committed": ("已从 {name} 导入 {rows} 本案卷（批次 {batch}）。", "Imported {rows} case {rows|file|files} from {name} (batch {batch})."),
    "register.search": ("搜索案号或案由", "Search case number or description"),
    "register.search_hint": ("例如 城管罚", "e.g. 城管罚"),
    "register.found": ("共 {total} 本，显示第 {first}–{last} 本", "{total} {total|file|files}; showing {first}–{last}"),
    "register.units_intro": ("单位名单（列：单位名称、类型〔区级部门/乡镇〕、编码〔可选〕）。已有的相同单位保持不变。", "The unit list (columns 单位名称, 类型 [区级部门/乡镇], 编码 [optional]). Units already present are left as they are."),
    "register.units_count": ("现有 {n} 个单位。", "{n} {n|unit|units} so far."),
    "register.units_upload": ("单位名单文件", "Unit list file"),
    "register.units_preview_ok": ("可新增 {new} 个单位，{existing} 个已存在。", "{new} new {new|unit|units} can be added; {existing} {existing|exists|exist} already."),
    "register.units_commit": ("提交单位名单", "Commit unit list"),
    "register.units_committed": ("已新增 {n} 个单位。", "{n} {n|unit|units} added."),
    # standards
    "standards.title": ("评分标准", "Scoring standards"),
    "standards.choose": ("选择标准", "Standard"),
    "standards.none": ("没有找到评分标准文件。", "No scoring standards found."),
    "standards.applies_to": ("适用：{types}（程序：{procs}）", "For: {types} (procedure: {procs})"),
    "standards.total": ("总分", "Total"),
    "standards.pass_line": ("合格线", "Pass line"),
    "standards.bands": ("等次", "Grade bands"),
    "standards.hash": ("版本哈希（评分记录据此标明所用标准版本）", "Version hash (every score records the version it was made under)"),
    "standards.section": ("{title}（{max} 分，{n} 项）", "{title} ({max} {max|point|points}, {n} {n|item|items})"),
    "standards.module": ("来自模块 {module}", "From module {module}"),
    "standards.only_when": ("仅适用于：{cond}", "Only when: {cond}"),
    "standards.ded_fixed": ("{reason}：扣 {points} 分", "{reason}: −{points}"),
    "standards.ded_each": ("{reason}：每处扣 {points} 分", "{reason}: −{points} each"),
    "standards.ded_cap": ("，最多扣 {cap} 分", ", at most −{cap}"),
    "standards.vetoes": ("否决项", "Vetoes"),
    "standards.no_vetoes": ("本标准没有否决项。", "This standard has no vetoes."),
    "standards.effect_zero": ("总分计为 0", "Total becomes 0"),
    "standards.effect_fail": ("定为不合格", "Graded as failed"),
    "standards.effect_cap": ("等次最高为 {band}", "Grade at most {band}"),
    # campaigns
    "campaigns.title": ("评查活动", "Review campaigns"),
    "campaigns.none": ("还没有评查活动。", "No campaigns yet."),
    "campaigns.create": ("新建评查活动", "Create a campaign"),
    "campaigns.name_hint": ("例如 2024年度行政执法案卷评查", "e.g. 2024年度行政执法案卷评查"),
    "campaigns.standards": ("各类案卷适用的评分标准", "Which standard scores which files"),
    "campaigns.standards_help": ("创建时锁定所选标准的当前版本；此后修改标准文件不影响本次评查。",
                                 "The chosen standards' current versions are fixed at creation; later edits "
                                 "to the rubric files do not affect this campaign."),
    "campaigns.not_reviewed": ("（本次不评查）", "(not reviewed this time)"),
    "campaigns.submit": ("创建", "Create"),
    "campaigns.created": ("已创建评查活动 {name}（{n} 个适用标准已锁定版本）。", "Campaign {name} created ({n} standard {n|version|versions} fixed)."),
    "recheck.grade_differs": ("两人评定等次不同", "The two grades differ"),
    "recheck.veto_one_side": ("仅一方认定否决项", "A veto on one side only"),
    "recheck.below_pass_line": ("任一评分低于合格线", "Any score below the pass line"),
    "recheck.use_gap": ("两人分差达到下列分值", "Scores differ by at least the gap below"),
    "recheck.gap": ("分差（分）", "Gap (points)"),
}

_FOCUS_EN = {
    "full_process_recording": "Full-process recording",
    "legal_review": "Legal review of major decisions",
    "discretion_benchmark": "Discretion benchmarks",
    "minor_violation_waiver": "No penalty for minor violations",
    "subject": "Enforcement subject",
    "facts_evidence": "Facts and evidence",
    "legal_basis": "Legal basis",
    "procedure": "Procedure",
    "documents": "Documents",
    "archiving": "Filing and archiving",
}
_FLAGS_EN = {
    "major_decision": "Major decision (legal review)",
    "waiver": "No-penalty waiver",
    "hearing_held": "Hearing held",
    "coercive_measure": "Coercive measure",
}
for _key, _zh in ALL_FOCUS.items():
    _T[f"focus.{_key}"] = (_zh, _FOCUS_EN.get(_key, _key))
for _key, _zh in FILE_FLAGS.items():
    _T[f"flag.{_key}"] = (_zh, _FLAGS_EN.get(_key, _key))


def _merge_text_modules() -> None:
    for info in sorted(pkgutil.iter_modules(texts.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{texts.__name__}.{info.name}")
        clash = set(module.TEXTS) & set(_T)
        if clash:
            raise RuntimeError(f"translation keys defined twice ({info.name}): {sorted(clash)[:5]}")
        _T.update(module.TEXTS)


_merge_text_modules()


def keys() -> set[str]:
    return set(_T)


def has_text(key: str) -> bool:
    return key in _T


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGUAGES else DEFAULT_LANG


def t(key: str, **fmt: object) -> str:
    """The text for `key` in the chosen language, formatted with `fmt`; an unknown key shows as itself."""
    pair = _T.get(key)
    if pair is None:
        return key
    text = pair[0] if lang() == "zh" else pair[1]
    return plurals(text, fmt).format(**fmt) if fmt else text


def init() -> None:
    """The language of this run: a `lang` in the address wins (a link shared in English opens in English),
    else what this tab chose, else the default."""
    asked = st.query_params.get(QUERY_KEY)
    if asked in LANGUAGES:
        st.session_state[LANG_KEY] = asked
    elif st.session_state.get(LANG_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = DEFAULT_LANG


def adopt_account_language(language: str | None) -> None:
    """At sign-in: the account's kept language, unless the address asks for one."""
    if language in LANGUAGES and st.query_params.get(QUERY_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = language


def keep_in_address() -> None:
    """Write the language into the address (English only; Chinese is the default), so a reload, a new tab
    or a copied link keeps it."""
    if lang() == DEFAULT_LANG:
        if QUERY_KEY in st.query_params:
            del st.query_params[QUERY_KEY]
    elif st.query_params.get(QUERY_KEY) != lang():
        st.query_params[QUERY_KEY] = lang()


def _chosen(on_choice: Callable[[str], None] | None) -> None:
    value = st.session_state.get(SWITCH_KEY)
    if value in LANGUAGES:
        st.session_state[LANG_KEY] = value
        keep_in_address()
        if on_choice is not None:
            on_choice(value)


def language_switch(on_choice: Callable[[str], None] | None = None) -> None:
    """The language choice in the sidebar. The language itself lives in st.session_state[LANG_KEY] (not the
    widget's own key, which Streamlit may drop between pages); `on_choice` keeps it with the account."""
    st.session_state[SWITCH_KEY] = lang()
    st.radio(t("shell.language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=SWITCH_KEY,
             horizontal=True, on_change=_chosen, args=(on_choice,))
