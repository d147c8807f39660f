"""Every page for every role, in Chinese and in English, on the demo data (AppTest), and the error paths
people meet (wrong password, a bad register import, a bad campaign form, submitting an incomplete scoring
form, publishing refused while files are open): the Chinese pages show no English sentence and the English
pages no Chinese of their own.

What may stay in the other language is data, never the pages' own words: in English, unit, campaign
and people's names, case numbers, the standards' content (they are Chinese documents), grade bands,
case types and procedures as the vocabulary names them, and a few glosses of Chinese document names
("Review notice (评查情况通报)") and file columns a bureau's files must carry; in Chinese, font names.
Only what the pages write is read: titles, headers, text, captions, alerts, widget labels and help,
table headers (a table's cells are data)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from scoring.anonymise import mask_case_number
from scoring.db import models as m
from scoring.db.session import open_db, session_factory, transaction
from scoring.demo.people import DEMO_PASSWORD
from scoring.domain import Role
from scoring.file_attributes import attributes_of
from scoring.register.importer import REGISTER_SPEC
from scoring.rubric.loader import RubricLibrary
from scoring.rubric.model import Standard
from scoring.rubric.vocabulary import active_vocabulary
from scoring.standards import load_version
from scoring.ui import i18n, score_store
from scoring.ui.app import PAGES_BY_ROLE
from scoring.ui.widgets import CAMPAIGN_KEY
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options, standard_hash_for
from scoring.workflow.sampling.record import draw_sample
from tests import demo_template
from tests.test_ui_helpers import new_app, page_path, register_csv, sign_in

ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")
CJK = re.compile(r"[\u3400-\u9fff]")
ZH_ALLOWED = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Times New Roman")
EN_GLOSSES = ("评查情况通报", "行政执法监督建议书", "文号", "X司〔2025〕3号", "语言", "案号", "评查人员", "单位名称", "类型",
              "区级部门", "乡镇", "编码", "执法单位")
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "text")
WIDGET_KINDS = ("button", "checkbox", "text_input", "text_area", "selectbox", "multiselect", "radio", "number_input",
                "date_input", "toggle", "slider")
BAD_ROWS = (
    "区水务局,东水罚〔2099〕2号,行政处罚,一般,2024年13月5日,否,否,否,否,5000,违法取水",
    "区火星局,东火检〔2099〕3号,行政检查,,2024-03-05,否,否,否,否,,检查",
)


def _rubric_texts(library: RubricLibrary) -> set[str]:
    out: set[str] = set()
    for std in library.standards.values():
        out |= {std.title, getattr(std, "description", None) or ""}
        for section in std.sections:
            out.add(section.title)
            for item in section.items:
                out |= {item.title, item.guidance or "", item.recommendation or ""}
                out |= {d.reason for d in item.deductions}
        for veto in std.vetoes:
            out |= {veto.title, getattr(veto, "recommendation", None) or "", getattr(veto, "guidance", None) or ""}
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module, demo_database):
    """The demo (two published campaigns, `tests.demo_template`) signed in as its lead, plus an unpublished
    campaign with a sampled file nobody reviewed (so publishing is refused), and what may stay Chinese in
    English."""
    template, lead_id = demo_database
    url = demo_template.copy(template, tmp_path_factory.mktemp("walk") / "walk.db")
    monkeypatch_module.setenv("CASEREVIEW_DB_URL", url)
    engine = open_db(url)
    with session_factory(engine)() as s:
        users = {r: s.scalars(select(m.User.id).where(m.User.role == r).order_by(m.User.id)).first()
                 for r in (Role.LEAD.value, Role.REVIEWER.value, Role.OBSERVER.value, Role.LIAISON.value)}
    open_campaign = _open_campaign(engine, lead_id, users[Role.REVIEWER.value])
    with session_factory(engine)() as s:
        numbers = list(s.scalars(select(m.CaseFile.case_number)))
        data = {*s.scalars(select(m.Unit.name)), *s.scalars(select(m.User.display_name)),
                *s.scalars(select(m.Campaign.name)), *numbers, *map(mask_case_number, numbers),
                *s.scalars(select(m.Recheck.reason)), *s.scalars(select(m.CaseFile.description))}
        for c in s.scalars(select(m.Campaign)):
            data |= {b["name"] for b in (c.grade_bands or [])}
    data |= _rubric_texts(RubricLibrary.load())
    vocab = active_vocabulary()
    data |= set(vocab.case_types) | {"一般程序", "简易程序", "一般", "简易"} | {a.zh for a in vocab.attributes.values()}
    data |= {names[0] for names in REGISTER_SPEC.synonyms.values()}  # the register's column names
    allowed = sorted({d for d in data if d} | set(EN_GLOSSES), key=len, reverse=True)
    yield {"engine": engine, "users": users, "allowed": re.compile("|".join(map(re.escape, allowed))),
           **open_campaign}
    engine.dispose()


def _open_campaign(engine, lead_id: int, reviewer_id: int) -> dict:  # noqa: ANN001
    """An unpublished campaign with one sampled file assigned to the demo reviewer and not scored yet: the
    reviewer's incomplete submit and the lead's refused publishing happen on it."""
    with transaction(engine) as s:
        lead, reviewer = s.get(m.User, lead_id), s.get(m.User, reviewer_id)
        start, end = s.query(m.CaseFile.decision_date).order_by(m.CaseFile.decision_date).first()[0], \
            s.query(m.CaseFile.decision_date).order_by(m.CaseFile.decision_date.desc()).first()[0]
        unit = s.scalars(select(m.Unit.name).where(m.Unit.id != reviewer.unit_id,
                                                   m.Unit.id.in_(select(m.CaseFile.unit_id)))).first()
        campaign = create_campaign(s, spec_from_options(name="语言检查（未发布）", year=start.year,
                                                        window_start=start, window_end=end),
                                   RubricLibrary.load(), lead)
        campaign_id = campaign.id
    draw_sample(engine, campaign_id, {"quota": {"count": 1}, "units": [unit]}, 7, actor_id=lead_id)
    with transaction(engine) as s:
        campaign = s.get(m.Campaign, campaign_id)
        item = s.scalars(select(m.SampleItem).join(m.SampleRecord)
                         .where(m.SampleRecord.campaign_id == campaign_id)).first()
        case_file = s.get(m.CaseFile, item.case_file_id)
        a = assign(s, s.get(m.User, lead_id), campaign, case_file, s.get(m.User, reviewer_id))
        s.flush()
        standard: Standard = load_version(s, standard_hash_for(s, campaign, case_file))
        attrs = attributes_of(case_file)
        item_id, reason = next((i.id, i.deductions[0].id) for sec in standard.sections for i in sec.items
                               if i.deductions and standard.item_applies(i.id, attrs))
        return {"open_campaign": campaign_id, "assignment": a.id, "item": item_id, "reason": reason}


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def shown(at) -> list[tuple[str, str]]:  # noqa: ANN001
    """What the page itself writes: texts, alerts, widget labels and help, table headers."""
    out = [(kind, str(e.value)) for kind in TEXT_KINDS for e in getattr(at, kind)]
    for kind in WIDGET_KINDS:
        for e in getattr(at, kind):
            out.append((kind, str(getattr(e, "label", "") or "")))
            if getattr(e, "help", None):
                out.append((f"{kind} help", str(e.help)))
    out += [("table header", str(c)) for d in at.dataframe for c in d.value.columns]
    return out


def foreign(at, lang: str, allowed: re.Pattern[str]) -> list[tuple[str, str]]:  # noqa: ANN001
    """Texts in the other language than the page's: English sentences on a Chinese page, Chinese (other
    than data) on an English page."""
    bad = []
    for kind, text in shown(at):
        if lang == "zh":
            rest = text
            for name in ZH_ALLOWED:
                rest = rest.replace(name, "")
            bad += [(kind, mt.group(0)) for mt in ENGLISH_SENTENCE.finditer(rest)]
        elif CJK.search(allowed.sub("", text)):
            bad.append((kind, text[:120]))
    return bad


def _app(demo, role: str, lang: str):  # noqa: ANN001, ANN202
    with transaction(demo["engine"]) as s:  # the account keeps the language its person chose
        s.execute(update(m.User).where(m.User.id == demo["users"][role]).values(language=lang))
    at = new_app()
    at.session_state["user_id"] = demo["users"][role]
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", [Role.LEAD.value, Role.REVIEWER.value, Role.OBSERVER.value, Role.LIAISON.value])
def test_every_page_speaks_one_language(demo, role, lang):
    found = {}
    for name in PAGES_BY_ROLE[role]:
        # A fresh session per page: AppTest formats the last page's choices outside a run (in Chinese).
        at = _app(demo, role, lang)
        at.switch_page(page_path(name)).run()
        assert not at.exception, (name, at.exception)
        bad = foreign(at, lang, demo["allowed"])
        if bad:
            found[name] = bad
    assert found == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_error_paths_speak_one_language(demo, lang):
    allowed = demo["allowed"]
    # Wrong password.
    at = new_app()
    at.session_state["lang"] = lang
    at.run()
    sign_in(at, "demo-lead", "not-the-password")
    errors = [str(e.value) for e in at.error]
    assert errors and not foreign(at, lang, allowed)
    assert ("用户名或密码错误" if lang == "zh" else "wrong user name or password") in " ".join(errors)
    assert sign_in(at, "lead", "lead-password-1") and DEMO_PASSWORD
    # A bad campaign form.
    at = _app(demo, Role.LEAD.value, lang)
    at.switch_page(page_path("campaigns")).run()
    at.text_input(key="camp_name").input("")
    next(b for b in at.button if str(b.key).startswith("FormSubmitter:create_campaign")).click().run()
    assert not at.exception and at.error
    assert not foreign(at, lang, allowed)
    # A register with bad rows.
    at = _app(demo, Role.LEAD.value, lang)
    at.switch_page(page_path("register")).run()
    at.file_uploader[0].set_value(("bad.csv", register_csv(*BAD_ROWS), "text/csv")).run()
    assert not at.exception
    problems = next(d.value for d in at.dataframe if d.value.columns[-1] in ("问题", "Problem"))
    messages = " ".join(map(str, problems.iloc[:, -1]))
    assert not foreign(at, lang, allowed)
    if lang == "zh":
        assert "日期无法识别" in messages and "不在单位名录中" in messages
        assert not ENGLISH_SENTENCE.search(messages)
    else:
        assert "bad date" in messages and "unknown unit" in messages and not CJK.search(allowed.sub("", messages))
    assert "casereview" not in messages  # pages never name CLI commands
    # Publishing refused: the demo campaign is published already.
    at = _app(demo, Role.LEAD.value, lang)
    at.switch_page(page_path("progress")).run()
    assert not at.exception and not foreign(at, lang, allowed)


def _widget(items, suffix: str):  # noqa: ANN001, ANN202
    found = [w for w in items if str(w.key).endswith(suffix)]
    assert len(found) == 1, (suffix, [w.key for w in items])
    return found[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_incomplete_submit_speaks_one_language(demo, lang):
    """A deduction without its place in the file: submitting lists what is missing, in the page's language."""
    aid, item = demo["assignment"], demo["item"]
    at = _app(demo, Role.REVIEWER.value, lang)
    at.session_state[score_store.SELECTED] = aid
    at.switch_page(page_path("score")).run()
    assert not at.exception, at.exception
    _widget(at.segmented_control, f"|{item}|choice").set_value("deduct").run()
    _widget(at.multiselect, f"|{item}|reasons").set_value([demo["reason"]]).run()
    at.checkbox(key=f"live_confirm_{aid}").check().run()
    at.button(key=f"live_submit_{aid}").click().run()
    assert not at.exception, at.exception
    errors = " ".join(str(e.value) for e in at.error)
    page = " ".join(str(e.value) for e in [*at.markdown, *at.caption])
    if lang == "zh":
        assert "尚有 1 处未完成，无法提交" in errors and "请填写问题所在位置" in page
    else:
        assert "cannot be submitted yet" in errors and "say where the defect is" in page
    assert not foreign(at, lang, demo["allowed"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_publish_refused_while_files_are_open_speaks_one_language(demo, lang):
    at = _app(demo, Role.LEAD.value, lang)
    at.session_state[CAMPAIGN_KEY] = demo["open_campaign"]
    at.query_params["campaign"] = str(demo["open_campaign"])
    at.switch_page(page_path("progress")).run()
    at.button(key="pub_publish").click().run()
    assert not at.exception, at.exception
    refused = " ".join(str(e.value) for e in at.error)
    if lang == "zh":
        assert "尚有1本抽取案卷没有最终结果，暂不能发布" in refused and "（评查中）" in refused
    else:
        assert "1 sampled file has no final result yet" in refused and "(in progress)" in refused
    assert "in_progress" not in refused and "not_started" not in refused
    assert not foreign(at, lang, demo["allowed"])


def test_no_page_text_names_a_cli_command():
    named = {k: pair for k, pair in i18n._T.items() if any("casereview " in s for s in pair)}
    assert named == {}
