"""Unit liaisons and objections: the role matrix (nothing before release; only own unit; nothing filed after
the deadline; no reviewer names), a decision changing a final result, the notice counts, publishing
refused while objections are open, and supervision following the amended results."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from scoring.accounts import create_user
from scoring.cli import main
from scoring.db.models import AuditEntry, FileResult, Objection, utcnow
from scoring.db.session import open_db, session_factory
from scoring.documents.notice import build_notice
from scoring.documents.supervision import supervision_targets
from scoring.errors import NotFound, PermissionDenied, ValidationFailed
from scoring.objections.counts import objection_counts
from scoring.objections.deciding import (
    amended_marks,
    assign_objection,
    decide_objection,
    eligible_deciders,
    final_marks,
)
from scoring.objections.filing import attachment, file_objection
from scoring.objections.liaison import liaison_view
from scoring.objections.window import extend_deadline, release_results, window_of
from scoring.workflow.publish import publish_campaign
from tests.test_aggregate_world import HOME, U1, U2, build_world


@pytest.fixture
def w(engine, tmp_path):
    """The aggregation tests' finished 2024 campaign (reviewers r1, r2 from 区司法局), fresh per test."""
    session = session_factory(engine)()
    try:
        yield build_world(session, tmp_path)
    finally:
        session.close()


NOW = utcnow().replace(microsecond=0)  # publishing reads the clock, so the window is around today
DEADLINE = NOW + dt.timedelta(days=7)


def pdf_bytes() -> bytes:
    doc = pdfium.PdfDocument.new()
    doc.new_page(200, 200)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def people(w):
    s = w.session
    liaison1 = create_user(s, username="liaison1", display_name="联络员甲", role="liaison", unit_name=U1, actor=w.lead)
    liaison2 = create_user(s, username="liaison2", display_name="联络员乙", role="liaison", unit_name=U2, actor=w.lead)
    member = create_user(s, username="r3", display_name="评查员3", role="reviewer", unit_name=HOME, actor=w.lead)
    observer = create_user(s, username="obs", display_name="观察员", role="observer", actor=w.lead)
    return liaison1, liaison2, member, observer


def test_liaison_role_matrix(w):
    s, c = w.session, w.current
    liaison1, liaison2, member, observer = people(w)
    u1_file = w.files[2]  # U1, final 83.75 (B1/a standing)
    # nothing before the release
    with pytest.raises(PermissionDenied, match="not released"):
        liaison_view(s, liaison1, c, now=NOW)
    with pytest.raises(PermissionDenied, match="not released"):
        file_objection(s, liaison1, c, u1_file.id, "B1", "a", "理由", now=NOW)
    with pytest.raises(PermissionDenied):
        release_results(s, w.reviewers[0], c, DEADLINE, now=NOW)
    with pytest.raises(ValidationFailed, match="future"):
        release_results(s, w.lead, c, NOW - dt.timedelta(days=1), now=NOW)
    release_results(s, w.lead, c, DEADLINE, now=NOW)
    # only the own unit, with reasons, locations and comments, never a reviewer's name
    view = liaison_view(s, liaison1, c, now=NOW)
    assert view.unit == U1 and view.window_open
    own = {cf.case_number for cf in w.files[:4]}
    assert {f.case_number for f in view.files} == own
    f2 = next(f for f in view.files if f.case_number == u1_file.case_number)
    assert (str(f2.score), f2.grade) == ("83.75", "良好")
    b1 = next(d for d in f2.deductions if d.item_id == "B1")
    assert (b1.reason, b1.item_title, b1.points, b1.location) == ("文书错别字", "文书制作", Decimal("13.00"), "第5页")
    text = repr(view)
    for r in w.reviewers + [w.lead]:
        assert r.display_name not in text and r.username not in text
    other_view = liaison_view(s, liaison2, c, now=NOW)
    assert not own & {f.case_number for f in other_view.files}
    # another unit's file: refused as if it did not exist
    with pytest.raises(NotFound):
        file_objection(s, liaison2, c, u1_file.id, "B1", "a", "不是我们的案卷", now=NOW)
    # other roles never get the liaison view
    for who in (observer, w.reviewers[0], w.lead):
        with pytest.raises(PermissionDenied):
            liaison_view(s, who, c, now=NOW)
    # nothing can be filed after the deadline, until the lead extends it
    late = DEADLINE + dt.timedelta(minutes=1)
    with pytest.raises(PermissionDenied, match="closed"):
        file_objection(s, liaison1, c, u1_file.id, "B1", "a", "理由", now=late)
    assert not liaison_view(s, liaison1, c, now=late).window_open
    with pytest.raises(ValidationFailed, match="after the current deadline"):
        extend_deadline(s, w.lead, c, DEADLINE - dt.timedelta(days=1))
    extend_deadline(s, w.lead, c, DEADLINE + dt.timedelta(days=2), reason="单位申请延期")
    obj = file_objection(s, liaison1, c, u1_file.id, "B1", "a", "错别字系扫描造成", [("说明.pdf", pdf_bytes())],
                         now=late)
    assert obj.status == "open" and obj.attachments[0].filename == "说明.pdf"
    with pytest.raises(ValidationFailed, match="still being decided"):
        file_objection(s, liaison1, c, u1_file.id, "B1", "a", "再次提出", now=late)
    with pytest.raises(ValidationFailed, match="not a PDF|PDF"):
        file_objection(s, liaison1, c, w.files[0].id, "B1", "a", "附件", [("a.pdf", b"hello")], now=late)
    # attachments: the liaison of the unit and the lead, nobody else
    att = obj.attachments[0].id
    assert attachment(s, liaison1, att)[0] == "说明.pdf" and attachment(s, w.lead, att)[1].startswith(b"%PDF")
    for who in (liaison2, member, observer):
        with pytest.raises(NotFound):
            attachment(s, who, att)
    actions = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert {"release_results", "extend_objection_deadline", "file_objection"} <= set(actions)


def test_decisions_change_final_results_notice_and_supervision(w):
    s, c = w.session, w.current
    liaison1, liaison2, member, _ = people(w)
    release_results(s, w.lead, c, DEADLINE, now=NOW)
    accepted = file_objection(s, liaison1, c, w.files[2].id, "B1", "a", "错别字系扫描造成", now=NOW)
    partly = file_objection(s, liaison1, c, w.files[0].id, "B1", "a", "其中两处不是错别字", now=NOW)
    upheld = file_objection(s, liaison2, c, w.files[5].id, "V1", "V1", "执法主体合法", now=NOW)
    with pytest.raises(ValidationFailed, match="objection window is open"):
        publish_campaign(s, w.lead, c)

    before_targets = {t.unit: t for t in supervision_targets(s, w.lead, c.id, threshold=90)}
    # the lead assigns each to someone who did not score the file and is not from its unit
    assert member in eligible_deciders(s, w.lead, accepted.id)
    assert not {u.id for u in eligible_deciders(s, w.lead, accepted.id)} & {r.id for r in w.reviewers}
    assert w.lead not in eligible_deciders(s, w.lead, upheld.id)  # the lead re-checked that file
    with pytest.raises(ValidationFailed, match="scored this file"):
        assign_objection(s, w.lead, accepted.id, w.reviewers[0].id)
    with pytest.raises(ValidationFailed, match="panel member"):
        assign_objection(s, w.lead, accepted.id, liaison2.id)
    for o in (accepted, partly, upheld):
        assign_objection(s, w.lead, o.id, member.id)
    with pytest.raises(PermissionDenied, match="not assigned to you"):
        decide_objection(s, w.reviewers[0], accepted.id, "upheld", "维持")

    # accepted: B1/a removed from the marks; the re-check path makes the file 100.00 优秀
    base = final_marks(s, c.id, w.files[2].id, "B1", "a")
    with pytest.raises(ValidationFailed, match="still in the marks"):
        decide_objection(s, member, accepted.id, "accepted", "采纳", base)
    decide_objection(s, member, accepted.id, "accepted", "经核实系扫描问题", amended_marks(base, "B1", "a"))
    row = s.scalar(select(FileResult).where(FileResult.campaign_id == c.id,
                                            FileResult.case_file_id == w.files[2].id))
    assert (str(row.score), row.grade, row.source) == ("100.00", "优秀", "recheck")
    assert (accepted.score_before, accepted.score_after) == (Decimal("83.75"), Decimal("100.00"))

    # partly: 4 typos -> 2; 95.00 -> 97.50
    base = final_marks(s, c.id, w.files[0].id, "B1", "a")
    decide_objection(s, member, partly.id, "partly", "两处确系错别字", amended_marks(base, "B1", "a", occurrences=2))
    assert partly.score_after == Decimal("97.50")

    # upheld: nothing changes; the veto stands
    with pytest.raises(ValidationFailed, match="never partly"):
        amended_marks(final_marks(s, c.id, w.files[5].id, "V1", "V1"), "V1", "V1", occurrences=1)
    decide_objection(s, member, upheld.id, "upheld", "主体不合法事实清楚")
    assert (upheld.score_before, upheld.score_after) == (Decimal("0.00"), Decimal("0.00"))

    # the liaison sees the decisions (not who decided)
    view = liaison_view(s, liaison1, c, now=NOW)
    decided = {o.id: o for o in view.objections}
    assert decided[accepted.id].decision == "accepted" and decided[accepted.id].decision_reason == "经核实系扫描问题"
    assert member.display_name not in repr(view)
    assert next(f for f in view.files if f.case_file_id == w.files[2].id).deductions == []

    counts = objection_counts(s, c.id)
    assert (counts.received, counts.accepted, counts.partly, counts.upheld, counts.open) == (3, 1, 1, 1, 0)
    assert counts.sentence() == "共收到异议3条，采纳1条，部分采纳1条"
    notice = docx.Document(io.BytesIO(build_notice(s, w.lead, c.id).content))
    assert any("共收到异议3条，采纳1条，部分采纳1条" in p.text for p in notice.paragraphs)
    assert any("平均分" in p.text and "83.75" not in p.text for p in notice.paragraphs)

    # supervision follows the amended results: U1's mean rose from 89.38 to 94.06, above the threshold of 90;
    # U2 (veto upheld) still gets one
    targets = {t.unit: t for t in supervision_targets(s, w.lead, c.id, threshold=90)}
    assert targets[U2].failing == 1
    assert before_targets[U1].mean == Decimal("89.38") and U1 not in targets

    audit = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert audit.count("decide_objection") == 3 and audit.count("assign_objection") == 3
    assert audit.count("recheck") >= 2
    # once the window has closed and nothing is open, publishing goes ahead
    window_of(s, c.id).deadline = dt.datetime(2020, 1, 1)
    publish_campaign(s, w.lead, c)
    assert c.status == "published"
    with pytest.raises(ValidationFailed):
        decide_objection(s, member, upheld.id, "upheld", "x")
    assert s.get(Objection, upheld.id).decision == "upheld"


def test_publishing_refused_while_an_objection_is_open_after_the_deadline(w):
    s, c = w.session, w.current
    liaison1, _, _, _ = people(w)
    release_results(s, w.lead, c, DEADLINE, now=NOW)
    file_objection(s, liaison1, c, w.files[2].id, "B1", "a", "理由", now=NOW)
    window_of(s, c.id).deadline = dt.datetime(2020, 1, 1)
    with pytest.raises(ValidationFailed, match="1 objection not decided"):
        publish_campaign(s, w.lead, c)


def test_a_liaison_needs_a_unit(w):
    with pytest.raises(ValidationFailed, match="unit they speak for"):
        create_user(w.session, username="l", display_name="l", role="liaison", actor=w.lead)


def test_cli_release_file_assign_decide(sqlite_url, tmp_path, capsys):
    engine = open_db(sqlite_url)
    session = session_factory(engine)()
    w = build_world(session, tmp_path)
    people(w)
    case = w.files[2].case_number
    session.commit()
    session.close()
    engine.dispose()
    deadline = (utcnow() + dt.timedelta(days=5)).date().isoformat()

    def run(*args):
        code = main([*args, "--db", sqlite_url])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    assert "objections until" in run("objections", "release", "--campaign", "2024年度评查", "--deadline", deadline)
    pdf = tmp_path / "说明.pdf"
    pdf.write_bytes(pdf_bytes())
    assert "objection #1 filed" in run("objections", "file", "--campaign", "2024年度评查", "--case", case, "--item", "B1",
                                       "--reason", "a", "--grounds", "扫描造成", "--attach", str(pdf), "--as", "liaison1")
    assert "assigned to r3" in run("objections", "assign", "1", "--to", "r3")
    assert "83.75 -> 100.00" in run("objections", "decide", "1", "--decision", "accepted", "--reason", "采纳",
                                    "--as", "r3")
    out = run("--lang", "zh", "objections", "list", "--campaign", "2024年度评查", "--as", "liaison1")
    assert "accepted" in out and "共收到异议1条，采纳1条，部分采纳0条" in out and "评查员3" not in out
    out = run("--lang", "en", "objections", "list", "--campaign", "2024年度评查", "--as", "liaison1")
    assert "1 objection received, 1 accepted, 0 partly accepted" in out and "异议" not in out
    code = main(["objections", "file", "--campaign", "2024年度评查", "--case", w.files[5].case_number, "--item", "V1",
                 "--grounds", "x", "--as", "liaison1", "--db", sqlite_url])
    assert code == 1 and "no file" in capsys.readouterr().err
