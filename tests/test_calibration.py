"""The calibration round (试评) on a hand-worked fixture: per-item spread, distance from the reference,
Krippendorff's alpha, the live queue closed until calibration is done, guidance notes, the notice sentence.

Mini standard (tests/rubric_builders): a file without a hearing is scored out of 80 (A1 40 + B1 40), so a
total is (80 - points deducted) / 80 x 100. A1-a deducts 5 points, B1-a 1 point per occurrence.

    file X: r1 B1x8 -> 90.00 | r2 B1x12 -> 85.00 | r3 A1-a + B1x3 -> 90.00 | reference B1x8 -> 90.00
    file Y: r1 B1x16 -> 80.00 | r2 B1x16 -> 80.00 | r3 A1-a + B1x19 -> 70.00 | reference A1-a + B1x11 -> 80.00

Alpha (interval) on the totals, by hand: all six values have mean 82.5 and SS = 287.5; X has within-file
SS 16.667, Y 66.667, so alpha = 1 - (6-1) x (3x16.667/2 + 3x66.667/2) / (6 x 287.5) = 1 - 625/1725 = 0.6377.
Distance from the reference (mean over X and Y): totals r1 (0+0)/2 = 0, r2 (5+0)/2 = 2.5, r3 (0+10)/2 = 5;
items r1 (0 + |0-5|+|16-11|)/2 = 5, r2 (4 + 10)/2 = 7, r3 (5+5 + 0+8)/2 = 9.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import docx
import pytest

from scoring.accounts import create_user
from scoring.calibration.figures import calibration_figures, calibration_record
from scoring.calibration.gate import calibration_pending
from scoring.calibration.guidance import guidance_for, set_guidance
from scoring.calibration.round import (
    my_calibration,
    set_calibration,
    submit_calibration,
)
from scoring.cli import main
from scoring.db.models import Assignment
from scoring.db.session import open_db, session_factory
from scoring.documents.notice import build_notice
from scoring.errors import PermissionDenied, ValidationFailed
from scoring.marks import Marks
from scoring.workflow.reviews import open_review
from tests.factories import Factory
from tests.test_aggregate_world import HOME, U1, U2, build_world


def mk(a: bool = False, b1: int = 0) -> Marks:
    items: dict = {}
    if a:
        items["A1"] = {"deductions": [{"reason": "a"}]}
    if b1:
        items["B1"] = {"deductions": [{"reason": "a", "occurrences": b1}]}
    return Marks.model_validate({"items": items})


@pytest.fixture
def w(engine, tmp_path):
    session = session_factory(engine)()
    try:
        world = build_world(session, tmp_path)
        f = Factory(session)
        world.x = f.case_file(world.units[U1], case_number="试评〔2024〕X号")
        world.y = f.case_file(world.units[U2], case_number="试评〔2024〕Y号")
        world.r3 = create_user(session, username="r3", display_name="评查员3", role="reviewer", unit_name=HOME,
                               actor=world.lead)
        yield world
    finally:
        session.close()


def score_fixture(w):
    s, c = w.session, w.current
    r1, r2, r3 = w.reviewers[0], w.reviewers[1], w.r3
    for who, (x, y) in ((r1, (mk(b1=8), mk(b1=16))), (r2, (mk(b1=12), mk(b1=16))),
                        (r3, (mk(a=True, b1=3), mk(a=True, b1=19))), (w.lead, (mk(b1=8), mk(a=True, b1=11)))):
        submit_calibration(s, who, c, w.x.id, x)
        submit_calibration(s, who, c, w.y.id, y)


def test_figures_on_the_hand_worked_fixture(w):
    s, c = w.session, w.current
    set_calibration(s, w.lead, c, [w.x.case_number, w.y.case_number], in_notice=True)
    score_fixture(w)
    fig = calibration_figures(s, w.lead, c)
    assert fig.reviewers == ["评查员1", "评查员2", "评查员3"]
    assert {r: str(v) for r, v in fig.totals["试评〔2024〕X号"].items()} == {
        "评查员1": "90.00", "评查员2": "85.00", "评查员3": "90.00"}
    assert str(fig.reference_totals["试评〔2024〕Y号"]) == "80.00"
    assert fig.alpha == pytest.approx(1 - 625 / 1725, abs=1e-9)
    gaps = {d.reviewer: (d.total_gap, d.item_gap, d.compared) for d in fig.distances}
    assert gaps == {"评查员1": (Decimal("0.00"), Decimal("5.00"), 2), "评查员2": (Decimal("2.50"), Decimal("7.00"), 2),
                    "评查员3": (Decimal("5.00"), Decimal("9.00"), 2)}
    spread = {(i.case_number, i.item_id): i for i in fig.items}
    xb1 = spread[("试评〔2024〕X号", "B1")]
    assert xb1.by_reviewer == {"评查员1": 8, "评查员2": 12, "评查员3": 3} and xb1.reference == 8
    assert xb1.reasons["评查员2"] == ["a"] and xb1.differs
    assert spread[("试评〔2024〕Y号", "A1")].by_reviewer["评查员3"] == 5
    assert {(i.case_number, i.item_id) for i in fig.differing_items} == set(spread)
    record = calibration_record(s, c.id)
    assert (record.files, record.reviewers) == (2, 3)
    assert record.sentence() == "正式评查前，组织3名评查人员对2本案卷进行了试评，统一评查尺度，评分一致性系数（Krippendorff α）为0.64。"
    notice = docx.Document(io.BytesIO(build_notice(s, w.lead, c.id).content))
    assert any("试评" in p.text and "0.64" in p.text for p in notice.paragraphs)
    with pytest.raises(PermissionDenied):
        calibration_figures(s, w.reviewers[0], c)


def test_live_queue_opens_only_after_calibration(w):
    s, c = w.session, w.current
    r1 = w.reviewers[0]
    assignment = s.query(Assignment).filter_by(reviewer_id=r1.id, campaign_id=c.id).first()
    set_calibration(s, w.lead, c, [w.x.case_number, w.y.case_number], required=True)
    assert calibration_pending(s, r1, c.id) == 2
    with pytest.raises(PermissionDenied, match="calibration"):
        open_review(s, r1, assignment.id)
    assert [t.done for t in my_calibration(s, r1, c)] == [False, False]
    submit_calibration(s, r1, c, w.x.id, mk(b1=8))
    with pytest.raises(PermissionDenied, match="1 remaining"):
        open_review(s, r1, assignment.id)
    submit_calibration(s, r1, c, w.y.id, mk(b1=16))
    assert open_review(s, r1, assignment.id).id is not None
    # not required: the queue is open from the start
    set_calibration(s, w.lead, c, [w.x.case_number, w.y.case_number], required=False)
    assert calibration_pending(s, w.reviewers[1], c.id) == 0


def test_round_rules_and_recusal(w):
    s, c = w.session, w.current
    with pytest.raises(ValidationFailed, match="2 to 5 files"):
        set_calibration(s, w.lead, c, [w.x.case_number])
    with pytest.raises(ValidationFailed, match="never sample files"):
        set_calibration(s, w.lead, c, [w.x.case_number, w.files[0].case_number])
    with pytest.raises(PermissionDenied):
        set_calibration(s, w.reviewers[0], c, [w.x.case_number, w.y.case_number])
    set_calibration(s, w.lead, c, [w.x.case_number, w.y.case_number])
    own = create_user(s, username="u1rev", display_name="本单位评查员", role="reviewer", unit_name=U1, actor=w.lead)
    with pytest.raises(PermissionDenied, match="回避"):
        submit_calibration(s, own, c, w.x.id, mk())
    assert [t.case_number for t in my_calibration(s, own, c)] == [w.y.case_number]
    assert calibration_pending(s, own, c.id) == 1  # own unit's file is not theirs to score
    submit_calibration(s, w.reviewers[0], c, w.x.id, mk(b1=1))
    with pytest.raises(ValidationFailed, match="no longer change"):
        set_calibration(s, w.lead, c, [w.y.case_number, w.x.case_number])


def test_guidance_notes(w):
    s, c = w.session, w.current
    set_guidance(s, w.lead, c, "B1", "错别字以每份文书计一处，同一错误重复出现不重复扣分")
    assert guidance_for(s, c.id) == {"B1": "错别字以每份文书计一处，同一错误重复出现不重复扣分"}
    set_guidance(s, w.lead, c, "B1", "")
    assert guidance_for(s, c.id) == {}
    with pytest.raises(PermissionDenied):
        set_guidance(s, w.reviewers[0], c, "B1", "x")


def test_cli_round(sqlite_url, tmp_path, capsys):
    engine = open_db(sqlite_url)
    session = session_factory(engine)()
    world = build_world(session, tmp_path)
    f = Factory(session)
    x = f.case_file(world.units[U1], case_number="试评〔2024〕X号")
    y = f.case_file(world.units[U2], case_number="试评〔2024〕Y号")
    assert x.id and y.id
    session.commit()
    session.close()
    engine.dispose()

    def run(*args):
        code = main([*args, "--db", sqlite_url])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    run("calibration", "set", "--campaign", "2024年度评查", "--file", "试评〔2024〕X号", "--file", "试评〔2024〕Y号",
        "--in-notice")
    for who, n in (("r1", 8), ("r2", 12), ("lead", 8)):
        path = tmp_path / f"{who}.json"
        path.write_text(json.dumps({"items": {"B1": {"deductions": [{"reason": "a", "occurrences": n}]}}}))
        run("calibration", "score", "--campaign", "2024年度评查", "--file", "试评〔2024〕X号", str(path), "--as", who)
    out = run("--lang", "en", "calibration", "show", "--campaign", "2024年度评查")
    assert "Before live scoring, 2 reviewers scored 2 calibration files to align their judgement" in out
    assert "试评" not in out.split("reference 8.00")[-1]  # the record's sentence is English too
    assert "评查员2" in out and "试评〔2024〕X号 B1 文书制作: 评查员1 8.00, 评查员2 12.00; reference 8.00" in out
    assert "total gap" in out
    assert "guidance for B1 saved" in run("calibration", "guidance", "--campaign", "2024年度评查", "--item", "B1",
                                          "--note", "同一错误不重复扣分")
