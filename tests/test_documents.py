"""The documents (scoring.documents) on the aggregation tests' world with findings drafted through
scoring.findings: the notice and supervision recommendations opened with python-docx, the Excel
exports with openpyxl, and their content checked against the world's figures."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from sqlalchemy import select, update

from scoring import findings
from scoring.accounts import create_user
from scoring.db.models import Assignment, FileDeduction, Review, ReviewMark
from scoring.documents import (
    DocFonts,
    build_notice,
    build_supervision,
    build_supervisions,
    export,
    find_cjk_font,
    supervision_targets,
    supervision_zip,
)
from scoring.documents.text_safety import clean_text, looks_like_formula, sheet_name
from scoring.errors import NotFound, PermissionDenied
from scoring.workflow.publish import publish_campaign
from tests.test_aggregate_world import FINAL, U1, U2, U3, U4, shared_world, world  # noqa: F401

FORMULAS = ["=HYPERLINK(\"http://example.org\",\"x\")", "+1+1", "-2 分", "@SUM(A1:A2)"]
CONTROL = "扣分\x01说明\x0b第\x1f二\x08行"  # no NUL: PostgreSQL text refuses it
CONTROL_CLEAN = "扣分说明第二行"
RECOMMENDATION = "建立案卷评查问题整改台账"


def _current_marks(campaign_id: int, statuses: list[str]):  # noqa: ANN202
    return (select(ReviewMark).join(Review, Review.id == ReviewMark.review_id)
            .join(Assignment, Assignment.id == Review.assignment_id)
            .where(Assignment.campaign_id == campaign_id, ReviewMark.status.in_(statuses)))


@pytest.fixture(scope="module")
def docs(shared_world):  # noqa: F811
    """The shared world plus drafted findings, a recommendation, a rectification, and comments that look
    like formulas or carry control characters (as imported data can). The campaign does not anonymise
    here (the documents name every case); tests/test_documents_anonymised.py covers the other case."""
    w = shared_world
    s = w.session
    w.current.anonymise = False
    findings.generate_findings(s, w.lead, w.current.id)
    findings.add_finding(s, w.lead, w.current.id, unit_id=None, section="recommendation",
                         title=RECOMMENDATION, body="各单位要建立问题清单，逐项销号。")
    findings.add_rectification(s, w.lead, w.current.id, w.units[U2].id, requirement="补正执法证号记载",
                               owner="法制科", deadline=dt.date(2025, 6, 30))
    marks = s.scalars(_current_marks(w.current.id, ["deduct"]).order_by(ReviewMark.id)).all()
    for mark, text in zip(marks, [*FORMULAS, CONTROL], strict=False):
        mark.comment = text
    s.execute(update(FileDeduction).where(FileDeduction.unit_id == w.units[U2].id).values(comment=CONTROL))
    s.commit()
    return w


def _doc(content: bytes):
    return open_docx(io.BytesIO(content))


def _text(doc) -> str:  # noqa: ANN001
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(c.text for row in table.rows for c in row.cells)
    return "\n".join(parts)


def _rows(table) -> list[list[str]]:  # noqa: ANN001
    return [[c.text for c in row.cells] for row in table.rows]


def _east_asia(el) -> str | None:  # noqa: ANN001
    rpr = el.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


# ------------------------------------------------------------------------------------------ notice

@pytest.fixture(scope="module")
def notice(docs):
    return build_notice(docs.session, docs.lead, docs.current.id, number="X司〔2025〕3号", issuer="区司法局",
                        date=dt.date(2025, 3, 1))


def test_notice_header_and_overview_figures(docs, notice):
    doc = _doc(notice.content)
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "X司〔2025〕3号"
    assert "关于2024年度行政执法案卷评查情况的通报" in paras
    assert "本次共抽查案卷12本，其中优秀4本、良好5本、合格2本、不合格1本，平均分78.13分，合格率91.67%；1本案卷存在否决项。" in paras
    assert any(p.startswith("从单位平均分看，优秀（90分以上）的单位1个：区生态环境局；") for p in paras)
    assert "区司法局" in paras and "2025年3月1日" in paras
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、评查基本情况", "二、主要问题", "三、典型问题", "四、工作建议", "五、整改要求"]
    assert notice.filename == "2024年度评查-评查情况通报.docx"
    assert not [w for w in notice.warnings if w.code != "blank_fields"]


def test_notice_unit_table_sorted_by_mean(notice):
    table = _doc(notice.content).tables[0]
    rows = _rows(table)
    assert rows[0] == ["序号", "单位", "案卷数", "平均分", "优秀", "良好", "合格", "不合格", "合格率（%）", "单位等次"]
    assert rows[1:] == [
        ["1", U3, "2", "96.88", "2", "0", "0", "0", "100.00", "优秀"],
        ["2", U1, "4", "89.38", "2", "2", "0", "0", "100.00", "良好"],
        ["3", U4, "3", "76.67", "0", "2", "1", "0", "100.00", "合格"],
        ["4", U2, "3", "52.08", "0", "1", "1", "1", "66.67", "不合格"],
    ]


def test_notice_findings_by_focus_and_rectification(docs, notice):
    doc = _doc(notice.content)
    text = _text(doc)
    views = findings.list_findings(docs.session, docs.lead, docs.current.id, unit_id=None, included_only=True)
    for f in views:
        assert f.title in text and f.body in text
    sub = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "（一）裁量权基准适用方面" in sub and "（二）执法主体方面" in sub
    assert any(p.text.startswith(f"1.{RECOMMENDATION}") for p in doc.paragraphs)
    rect = next(t for t in doc.tables if _rows(t)[0][:3] == ["序号", "单位", "整改要求"])
    assert _rows(rect)[1] == ["1", U2, "补正执法证号记载", "法制科", "2025年6月30日"]
    # Unit-level findings belong to the supervision recommendations, not the notice.
    unit_only = findings.list_findings(docs.session, docs.lead, docs.current.id, unit_id=docs.units[U1].id)
    assert all(f.body not in text for f in unit_only)


def _appendix_rows(doc) -> tuple[list[str], list[list[str]]]:  # noqa: ANN001
    table = next(t for t in doc.tables if _rows(t)[0][0] == "序号" and "评查意见" in _rows(t)[0])
    rows = _rows(table)
    return rows[0], rows[1:]


def test_notice_appendix_traces_every_finding(docs, notice):
    doc = _doc(notice.content)
    paras = [p.text for p in doc.paragraphs]
    assert "评查发现问题溯源表" in paras
    headers, rows = _appendix_rows(doc)
    assert headers == ["序号", "案号", "单位", "评查意见", "位置", "得分（等次）"]
    views = findings.list_findings(docs.session, docs.lead, docs.current.id, unit_id=None, included_only=True)
    with_traces = [f for f in views if findings.finding_traces(docs.session, docs.lead, f.id)]
    listed = [f for f in with_traces if f.section != "recommendation"]
    # One shaded row per finding (a merged cell repeats its text over the row), then its files.
    group_rows = [i for i, r in enumerate(rows) if len(set(r)) == 1]
    assert len(group_rows) >= len(listed)
    for f in listed:
        at = next(i for i in group_rows if f.title in rows[i][0])
        traces = findings.finding_traces(docs.session, docs.lead, f.id)
        assert f"（{len(traces)}本）" in rows[at][0]
        body = rows[at + 1: at + 1 + len(traces)]
        assert [r[1] for r in body] == [t.case_number for t in traces]
        assert [r[2] for r in body] == [t.unit_name for t in traces]
        assert [r[4] for r in body] == [t.location for t in traces]
    # The typo finding is traced to the 11 files carrying it.
    typo = next(f for f in with_traces if "文书错别字" in f.title and f.section == "problem")
    assert len(findings.finding_traces(docs.session, docs.lead, typo.id)) == 11
    # A landscape section holds the wide appendix table; the body stays portrait.
    assert [s.orientation for s in doc.sections] == [0, 1]


def test_notice_appendix_anonymised_on_request(docs):
    result = build_notice(docs.session, docs.lead, docs.current.id, font_search=[], anonymise_traces=True)
    doc = _doc(result.content)
    headers, rows = _appendix_rows(doc)
    assert headers == ["序号", "评查意见", "位置", "得分（等次）"] and rows
    appendix_text = "\n".join(c for r in rows for c in r)
    assert all(cf.case_number not in appendix_text for cf in docs.files)
    assert all(u not in appendix_text for u in (U1, U2, U3, U4))


def test_notice_fonts_typography_and_page_numbers(notice):
    doc = _doc(notice.content)
    fonts = DocFonts()
    styles = doc.styles
    assert _east_asia(styles["Normal"].element) == fonts.body == "仿宋_GB2312"
    assert _east_asia(styles["Title"].element) == "方正小标宋简体"
    assert _east_asia(styles["Heading 1"].element) == "黑体"
    assert _east_asia(styles["Heading 2"].element) == "楷体_GB2312"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert _east_asia(defaults) == "仿宋_GB2312"
    body = doc.element.body
    runs = [r for r in body.iter(qn("w:r")) if r.find(qn("w:t")) is not None and (r.find(qn("w:t")).text or "")]
    assert runs and all(_east_asia(r) for r in runs)
    for r in runs:  # theme fonts would override the names
        assert r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    footer = section.footer._element
    assert any(" PAGE " in (i.text or "") for i in footer.iter(qn("w:instrText")))
    with zipfile.ZipFile(io.BytesIO(notice.content)) as z:
        table = z.read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"' in table and 'w:altName w:val="仿宋"' in table


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font on this machine (Debian: fonts-noto-cjk)")
def test_notice_charts_as_images_when_a_cjk_font_exists(notice):
    doc = _doc(notice.content)
    assert len(doc.inline_shapes) == 2
    assert "图1　案卷等次分布" in [p.text for p in doc.paragraphs]
    assert not [w for w in notice.warnings if w.code == "no_cjk_font"]


def test_notice_without_a_cjk_font_warns_and_leaves_charts_out(docs, tmp_path):
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    assert find_cjk_font([empty]) is None
    result = build_notice(docs.session, docs.lead, docs.current.id, font_search=[empty])
    codes = [w.code for w in result.warnings]
    assert "no_cjk_font" in codes
    warning = next(w for w in result.warnings if w.code == "no_cjk_font")
    assert str(empty) in warning.message and "fonts-noto-cjk" in warning.message
    doc = _doc(result.content)
    assert len(doc.inline_shapes) == 0
    assert "本次共抽查案卷12本" in _text(doc)
    assert "blank_fields" in codes  # no number, issuer or date given: blank form fields
    blank = next(w for w in result.warnings if w.code == "blank_fields")
    assert blank.detail["fields"] == "文号、发文机关、成文日期"  # named as the document names them
    assert [p.text for p in doc.paragraphs][0] == "〔　　〕　号"


def test_font_override_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEREVIEW_CJK_FONT", str(tmp_path))
    assert find_cjk_font() is None
    found = find_cjk_font(["/usr/share/fonts"])
    if found is not None:
        monkeypatch.setenv("CASEREVIEW_CJK_FONT", str(found.path))
        assert find_cjk_font() == found


# ------------------------------------------------------------------------------------------ access

def test_access_leads_everything_observers_published_notice_only(world):  # noqa: F811
    s = world.session
    observer = create_user(s, username="obs", display_name="观察员", role="observer", actor=world.lead)
    reviewer = world.reviewers[0]
    with pytest.raises(PermissionDenied):
        build_notice(s, observer, world.current.id)  # not published
    with pytest.raises(PermissionDenied):
        build_notice(s, reviewer, world.current.id)
    publish_campaign(s, world.lead, world.current)
    findings.generate_findings(s, world.lead, world.current.id)
    result = build_notice(s, observer, world.current.id, font_search=[])
    text = _text(_doc(result.content))
    assert "本次共抽查案卷12本" in text
    assert all(r.display_name not in text for r in world.reviewers)
    assert "某单位" in text  # campaign-level traces are anonymised for observers
    for what in ("scores", "units", "deductions", "sample"):
        with pytest.raises(PermissionDenied):
            export(s, observer, world.current.id, what)
    with pytest.raises(PermissionDenied):
        supervision_targets(s, observer, world.current.id)


# ------------------------------------------------------------------------------------------ supervision

def test_supervision_only_for_units_matching_the_rule(docs):
    s, lead, cid = docs.session, docs.lead, docs.current.id
    assert [t.unit for t in supervision_targets(s, lead, cid)] == [U2]  # a failing file; mean below 60
    assert [t.unit for t in supervision_targets(s, lead, cid, threshold=80)] == [U2, U4]
    assert [t.unit for t in supervision_targets(s, lead, cid, threshold=90)] == [U1, U2, U4]
    only = supervision_targets(s, lead, cid, threshold=0)
    assert [(t.unit, t.failing, t.below_threshold) for t in only] == [(U2, 1, False)]
    docs_80 = build_supervisions(s, lead, cid, threshold=80, issuer="区司法局")
    assert [d.unit_id for d in docs_80] == [docs.units[U2].id, docs.units[U4].id]
    bundle = supervision_zip(s, lead, cid, threshold=80)
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        assert sorted(z.namelist()) == sorted(d.filename for d in docs_80)
        for name in z.namelist():
            _doc(z.read(name))


def test_supervision_content(docs):
    s, lead, cid = docs.session, docs.lead, docs.current.id
    result = build_supervision(s, lead, cid, docs.units[U2].id, number="X司监〔2025〕1号", issuer="区司法局",
                               date=dt.date(2025, 3, 2))
    doc = _doc(result.content)
    paras = [p.text for p in doc.paragraphs]
    assert paras[:3] == ["行政执法监督建议书", "X司监〔2025〕1号", f"{U2}："]
    assert "共抽查你单位案卷3本，其中良好1本、合格1本、不合格1本，平均分52.08分" in paras[3]
    assert f"不合格案卷1本：{docs.files[5].case_number}（0.00分）" in paras[3]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、存在的问题", "二、监督建议", "三、整改要求"]
    own = findings.list_findings(s, lead, cid, unit_id=docs.units[U2].id, included_only=True)
    text = _text(doc)
    for f in own:
        if f.section in ("problem", "typical"):
            assert f.title in text
    assert RECOMMENDATION in text  # the unit has none of its own: the campaign's
    defects = next(t for t in doc.tables if _rows(t)[0] == ["序号", "评查项目", "问题", "评查意见", "位置"])
    files = [r[0] for r in _rows(defects)[1:] if len(set(r)) == 1]  # a shaded row per file: number and score
    assert {f.split("　")[0] for f in files} == {cf.case_number for cf in docs.files[4:7]}
    assert any(f.endswith("0.00分（不合格）") for f in files)
    rows = [r for r in _rows(defects)[1:] if len(set(r)) > 1]
    assert any(r[2] == "否决项：执法主体不合法" for r in rows)
    assert all(r[3] == CONTROL_CLEAN for r in rows)  # control characters removed
    assert "请你单位于2025年6月30日前将整改情况书面报送区司法局" in text  # deadline from its rectification
    rect = next(t for t in doc.tables if _rows(t)[0][:2] == ["序号", "整改要求"])
    assert _rows(rect)[1] == ["1", "补正执法证号记载", "法制科", "2025年6月30日"]
    assert "区司法局" in paras and "2025年3月2日" in paras
    assert _east_asia(doc.styles["Normal"].element) == "仿宋_GB2312"
    with pytest.raises(NotFound):
        build_supervision(s, lead, cid, 999_999)


def _parts(content: bytes) -> dict[str, bytes]:
    """Every part of a .docx but its core properties (which carry the time of writing)."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_supervisions_in_one_batch_are_the_documents_made_one_unit_at_a_time(docs):
    # the batch reads the campaign's figures, failing files and defects once for every unit
    s, lead, cid = docs.session, docs.lead, docs.current.id
    fields = {"number": "X司监〔2025〕1号", "issuer": "区司法局", "date": dt.date(2025, 3, 2)}
    batch = build_supervisions(s, lead, cid, threshold=90, **fields)
    assert len(batch) == 3
    for d in batch:
        alone = build_supervision(s, lead, cid, d.unit_id, **fields)
        assert (d.filename, d.warnings) == (alone.filename, alone.warnings)
        assert _parts(d.content) == _parts(alone.content)


# ------------------------------------------------------------------------------------------ Excel

def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _sheet_rows(ws) -> list[tuple]:  # noqa: ANN001
    return list(ws.iter_rows(values_only=True))


def test_export_scores_per_file_reviewer_and_final(docs):
    wb = _book(export(docs.session, docs.lead, docs.current.id, "scores").content)
    assert wb.sheetnames == ["测试标准"]
    rows = _sheet_rows(wb.active)
    head = rows[0]
    assert head[:10] == ("抽取顺序", "案号", "单位", "案件类型", "评查人", "类型", "提交时间", "总分", "等次", "否决项")
    assert head[10:] == ("A1 执法人员资格（扣分）", "A2 听证（扣分）", "B1 文书制作（扣分）")
    finals = [r for r in rows[1:] if str(r[5]).startswith("最终结果")]
    assert [f"{Decimal(str(r[7])):.2f}" for r in finals] == FINAL
    assert len(rows) - 1 == 12 * 3  # two reviewers and the final result per file
    first = [r for r in rows[1:] if r[1] == docs.files[0].case_number]
    assert [r[4] for r in first] == ["评查员1", "评查员2", "2份评查的均值"]
    assert [r[12] for r in first] == [4, 4, 4] and all(r[11] == "不适用" for r in first)
    rechecked = [r for r in rows[1:] if r[1] == docs.files[5].case_number][-1]
    assert rechecked[4] == "复核：组长" and rechecked[5] == "最终结果（复核）" and rechecked[9] == "V1"


def test_export_columns_fit_their_longest_text(docs):
    """Column widths follow what the cells hold (CJK counts double), whatever the number of rows."""
    ws = _book(export(docs.session, docs.lead, docs.current.id, "scores").content).active
    rows = _sheet_rows(ws)
    longest_unit = max(len(str(r[2])) for r in rows[1:])
    unit_width = ws.column_dimensions["C"].width
    assert unit_width >= 2 * longest_unit + 2 - 1  # openpyxl reads back Excel's rounded width
    assert ws.column_dimensions["A"].width < unit_width  # draw order: a short number column


def test_export_units(docs):
    wb = _book(export(docs.session, docs.lead, docs.current.id, "units").content)
    rows = _sheet_rows(wb["单位汇总"])
    assert [r[0] for r in rows[1:]] == [U1, U2, U3, U4]
    by_unit = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_unit[U2]["平均分"] == 52.08 and by_unit[U2]["单位等次"] == "不合格" and by_unit[U2]["否决项案卷"] == 1
    assert by_unit[U4]["类别"] == "乡镇" and by_unit[U3]["排名区间"] == "案卷过少，不排名"
    overall = dict(_sheet_rows(wb["总体情况"])[1:])
    assert overall["已有最终结果"] == 12 and overall["平均分"] == 78.13 and overall["合格率（%）"] == 91.67


def test_export_deduction_ledger_text_stays_text(docs):
    result = export(docs.session, docs.lead, docs.current.id, "deductions")
    wb = _book(result.content)
    ws = wb["扣分台账"]
    rows = _sheet_rows(ws)
    assert rows[0] == ("评查活动", "单位", "案号", "评查人", "来源", "计入最终结果", "项目编号", "评查项目", "原因编号",
                       "扣分原因", "次数", "扣分", "评查意见", "位置")
    n_marks = len(docs.session.scalars(_current_marks(docs.current.id, ["deduct", "veto"])).all())
    review_rows = [r for r in rows[1:] if r[4] == "评查"]
    recheck_rows = [r for r in rows[1:] if r[4] == "复核"]
    assert len(review_rows) == n_marks and len(rows) - 1 == n_marks + len(recheck_rows)
    assert {r[0] for r in rows[1:]} == {"2024年度评查"}
    assert [(r[2], r[3], r[5], r[6], r[9], r[10], r[11]) for r in recheck_rows] == [
        (docs.files[5].case_number, "复核：组长", "是", "B1", "文书错别字", 4, 4),
        (docs.files[5].case_number, "复核：组长", "是", "V1", "否决项", None, None)]
    # The re-checked file's reviews do not stand in its final result; the others' do.
    assert {r[5] for r in review_rows if r[2] == docs.files[5].case_number} == {"否"}
    assert {r[5] for r in review_rows if r[2] != docs.files[5].case_number} == {"是"}
    comments = {}
    for row in ws.iter_rows(min_row=2):
        cell = row[12]
        if cell.value:
            comments[cell.value] = cell.data_type
    for text in FORMULAS:
        assert comments.get(text) == "s", text  # stored as text, unchanged
    assert CONTROL_CLEAN in comments and CONTROL not in comments
    with zipfile.ZipFile(io.BytesIO(result.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere


def test_export_sample_record(docs):
    wb = _book(export(docs.session, docs.lead, docs.current.id, "sample").content)
    fields = dict(_sheet_rows(wb["抽样记录"])[1:])
    assert fields["评查活动"] == "2024年度评查" and fields["随机种子"] == "1"
    assert fields["记录哈希（SHA-256）"] == "0" * 64 and fields["抽取案卷数"] == 12
    drawn = _sheet_rows(wb["抽取案卷"])
    assert [r[1] for r in drawn[1:]] == [cf.case_number for cf in docs.files]
    assert drawn[1][6] == "随机抽取" and drawn[1][7] == "random"
    summary = _sheet_rows(wb["抽样汇总"])
    assert sum(r[3] for r in summary[1:]) == 12


def test_exports_need_a_known_campaign(docs):
    with pytest.raises(NotFound):
        export(docs.session, docs.lead, "no such campaign", "units")


# ------------------------------------------------------------------------------------------ text safety

def test_clean_text_and_formula_detection():
    assert clean_text("a\x00b\x08c\x0bd\x0ce\x0ef\x1fg\ufffe") == "abcdefg"
    assert clean_text("tab\tnew\nline\r") == "tab\tnew\nline\r"
    assert clean_text(None) == "" and clean_text(12) == "12"
    assert all(looks_like_formula(t) for t in FORMULAS) and not looks_like_formula("正常文本=1")
    taken: set[str] = set()
    assert sheet_name("a/b:c*d?[e]", taken) == "a_b_c_d__e_"
    assert sheet_name("x" * 40, taken) == "x" * 31 and sheet_name("x" * 40, taken) == "x" * 28 + "(2)"


def test_word_writer_removes_control_characters():
    from scoring.documents import docx_kit as kit

    fonts = DocFonts()
    doc = kit.new_document(fonts, title="标题\x00")
    kit.paragraph(doc, "正文\x00\x07内容", fonts=fonts, lead="题\x1b目")
    kit.table(doc, ["列\x0c"], [["格\x01子"]], fonts)
    reopened = _doc(kit.to_bytes(doc))
    assert [p.text for p in reopened.paragraphs] == ["题目正文内容"]
    assert _rows(reopened.tables[0]) == [["列"], ["格子"]]
    assert reopened.core_properties.title == "标题"



def test_notice_ends_with_the_audit_anchor_that_verify_reports(docs, notice):
    """The appendix carries the chain's latest seq:hash, so a copy of the notice proves later edits."""
    from scoring.audit_verify import verify

    text = _text(_doc(notice.content))
    report = verify(docs.session.connection())
    assert f"数据校验锚点：{report.anchor_seq}:{report.anchor}" in text
    assert report.anchor_seq > 0 and len(report.anchor) == 64


def test_an_empty_appendix_says_so(docs):
    """A notice made before any finding is included: the appendix says 暂无 instead of standing empty."""
    from scoring.documents.docx_kit import new_document
    from scoring.documents.findings_source import FindingSet
    from scoring.documents.fonts import DocFonts
    from scoring.documents.notice import appendix

    fonts = DocFonts()
    doc = new_document(fonts, title="t", author="")
    appendix(doc, FindingSet(), fonts, masked=True)
    assert "（暂无）" in _text(doc)
