"""Impact before change: a changed deduction moves exactly the files that used it; the switch is
explicit, refused while marks do not fit, audited, and re-scores under the new version."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from scoring import audit
from scoring.accounts import create_user
from scoring.cli import main
from scoring.db.models import Review
from scoring.db.session import session_factory
from scoring.errors import PermissionDenied, ProblemReport, ValidationFailed
from scoring.marks import Marks
from scoring.rubric.loader import LoadedFile, RubricLibrary, compose
from scoring.rubric.schema import StandardFile
from scoring.standard_impact import simulate, switch
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options, standard_hash_for
from scoring.workflow.reviews import open_review, save_draft
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml


def edited(change) -> object:
    data = standard_dict()
    change(data)
    return compose(LoadedFile(path=Path("<edited>"), model=StandardFile.model_validate(data), lines={}), {})


@pytest.fixture
def world(engine, tmp_path):
    write_yaml(tmp_path / "r" / "mini.yaml", standard_dict())
    lib = RubricLibrary.load([tmp_path / "r"])
    session = session_factory(engine)()
    f = Factory(session)
    u1, u2 = f.unit("区城管执法局"), f.unit("城桥镇", kind="town")
    f.unit("区市场监管局")
    lead = create_user(session, username="lead", display_name="组长", role="lead", password="correct horse",
                       bootstrap=True)
    r1 = create_user(session, username="r1", display_name="评查员甲", role="reviewer", unit_name="区市场监管局",
                     actor=lead)
    spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                             window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
    campaign = create_campaign(session, spec, lib, lead)
    marks = {  # A1 reason a: 未记载执法证号 (5); A1 b: 每缺一处签名 (2 each); B1 a: 文书错别字 (1 each)
        "F1": {"A1": {"deductions": [{"reason": "a", "page": "2"}]}},
        "F2": {"A1": {"deductions": [{"reason": "b", "occurrences": 2, "page": "3"}]}},
        "F3": {"B1": {"deductions": [{"reason": "a", "occurrences": 4, "page": "5"}]}},
    }
    files = {}
    for (name, items), unit in zip(marks.items(), [u1, u1, u2], strict=True):
        cf = f.case_file(unit, case_number=f"罚〔2024〕{name}", hearing_held=False)
        a = assign(session, lead, campaign, cf, r1)
        review = open_review(session, r1, a.id)
        session.flush()
        save_draft(session, r1, review.id, Marks.model_validate({"items": items}), review.version)
        files[name] = cf
    session.commit()
    yield dict(session=session, lead=lead, r1=r1, campaign=campaign, files=files)
    session.close()


def raise_a(data):
    data["sections"][0]["items"][0]["deductions"][0]["points"] = 10  # 未记载执法证号: 5 -> 10


def test_a_changed_deduction_moves_exactly_the_files_that_used_it(world):
    s, lead, campaign = world["session"], world["lead"], world["campaign"]
    impact = simulate(s, lead, campaign, edited(raise_a))
    assert impact.files_checked == 3 and impact.problems == []
    assert [f.case_number for f in impact.files] == ["罚〔2024〕F1"]
    f1 = impact.files[0]
    # F1: 80 applicable (A2 needs a hearing), -5 -> 93.75 优秀; -10 -> 87.50 良好.
    assert (f1.old_score, f1.new_score, f1.old_grade, f1.new_grade) == (
        Decimal("93.75"), Decimal("87.50"), "优秀", "良好")
    assert [f.case_number for f in impact.grade_changes] == ["罚〔2024〕F1"]
    # 区城管执法局 (F1, F2: 95.00): mean 94.38 -> 91.25; 城桥镇 (F3) unchanged and not listed.
    assert [(u.unit, u.old_mean, u.new_mean) for u in impact.units] == [
        ("区城管执法局", Decimal("94.38"), Decimal("91.25"))]


def test_the_switch_is_explicit_audited_and_rescores(world):
    s, lead, campaign, files = world["session"], world["lead"], world["campaign"], world["files"]
    new = edited(raise_a)
    with pytest.raises(PermissionDenied):
        switch(s, world["r1"], campaign, new, reason="x", expected_new_hash=new.hash)
    with pytest.raises(ValidationFailed, match="needs a reason"):
        switch(s, lead, campaign, new, reason=" ", expected_new_hash=new.hash)
    with pytest.raises(ValidationFailed, match="changed since its impact was shown"):
        switch(s, lead, campaign, new, reason="2025版标准", expected_new_hash="0" * 64)
    old_hash = standard_hash_for(s, campaign, files["F1"])
    switch(s, lead, campaign, new, reason="2025版标准提高扣分", expected_new_hash=new.hash)
    s.commit()
    assert standard_hash_for(s, campaign, files["F1"]) == new.hash != old_hash
    reviews = {r.assignment.case_file.case_number: r for r in s.query(Review)}
    assert reviews["罚〔2024〕F1"].total == Decimal("87.50") and reviews["罚〔2024〕F1"].standard_hash == new.hash
    assert reviews["罚〔2024〕F2"].total == Decimal("95.00")
    entry = audit.history(s, "campaign", campaign.id)[-1]
    assert entry.action == "switch_standard" and entry.new_value["grades_changed"] == 1
    assert entry.old_value["hash"] == old_hash


def test_marks_the_new_version_cannot_take_block_the_switch(world):
    s, lead, campaign = world["session"], world["lead"], world["campaign"]

    def drop_b(data):
        data["sections"][0]["items"][0]["deductions"].pop(1)  # 每缺一处签名 removed

    new = edited(drop_b)
    impact = simulate(s, lead, campaign, new)
    assert len(impact.problems) == 1 and "罚〔2024〕F2" in impact.problems[0].message
    assert "'b' is not a listed deduction reason" in impact.problems[0].message
    with pytest.raises(ProblemReport, match="cannot take some existing marks"):
        switch(s, lead, campaign, new, reason="删除事由", expected_new_hash=new.hash)


def test_impact_and_switch_from_the_cli(world, engine, tmp_path, capsys):
    data = standard_dict()
    raise_a(data)
    path = write_yaml(tmp_path / "edited" / "mini.yaml", data)
    url = engine.url.render_as_string(hide_password=False)
    assert main(["rubric", "impact", "--db", url, "--campaign", "2024年度评查", str(path), "--as", "lead"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [f["case_number"] for f in shown["files"]] == ["罚〔2024〕F1"] and shown["files"][0]["grade_changes"]
    assert main(["rubric", "switch", "--db", url, "--campaign", "2024年度评查", str(path), "--as", "lead",
                 "--version", shown["new_version"][:12], "--reason", "2025版"]) == 0
    assert "1 grades changed" in capsys.readouterr().out
