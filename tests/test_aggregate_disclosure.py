"""What a reader of the results may see (scoring.aggregate.disclosure) and the Pareto ranking of problems
(scoring.aggregate.pareto), on the aggregation tests' world, both backends.

The world's campaigns are unpublished (tests publish inside their transaction, rolled back after).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.accounts import create_user
from scoring.aggregate.disclosure import (
    anonymised_for,
    disclose_severity,
    final_result,
    mask_case_number,
    readable_agreement,
    readable_file_list,
    readable_problem_files,
    results_campaign,
)
from scoring.aggregate.pareto import pareto, pareto_rows
from scoring.domain import reviewer_alias
from scoring.errors import NotFound, PermissionDenied
from scoring.workflow.publish import publish_campaign
from tests.test_aggregate_world import U2, U4, shared_world  # noqa: F401 (fixture)

D = Decimal


@pytest.fixture
def world(shared_world):  # noqa: F811 (the fixture imported above)
    yield shared_world
    shared_world.session.rollback()


def _observer(world, name: str = "obs"):  # noqa: ANN001, ANN202
    return create_user(world.session, username=name, display_name="观察员", role="observer", actor=world.lead)


def test_mask_case_number_keeps_prefix_and_year():
    assert mask_case_number("东环罚〔2024〕12号") == "东环罚〔2024〕****号"
    assert mask_case_number("测罚〔2024〕11号") == "测罚〔2024〕****号"
    assert mask_case_number("A-7-2023-0015") == "A-****-2023-****"


def test_aliases():  # the one alias scheme (scoring.domain), used by disclosure and the demo
    assert [reviewer_alias(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_results_access(world):
    s, obs = world.session, _observer(world)
    assert results_campaign(s, world.lead, world.current.id) is world.current  # the lead reads everything
    with pytest.raises(PermissionDenied, match="not published"):
        results_campaign(s, obs, world.current.id)
    with pytest.raises(PermissionDenied):
        results_campaign(s, world.reviewers[0], world.current.id)
    with pytest.raises(NotFound):
        results_campaign(s, world.lead, 99999)
    for call in (lambda: readable_file_list(s, obs, world.current.id),
                 lambda: readable_problem_files(s, obs, world.current.id, "B1", "a"),
                 lambda: readable_agreement(s, obs, world.current.id),
                 lambda: final_result(s, obs, world.current.id, world.files[0].id)):
        with pytest.raises(PermissionDenied):
            call()
    publish_campaign(s, world.lead, world.current)
    assert results_campaign(s, obs, world.current.id) is world.current
    with pytest.raises(PermissionDenied):  # last year's stays unpublished
        results_campaign(s, obs, world.previous.id)


def test_file_lists_are_anonymised_for_non_leads(world):
    s, obs = world.session, _observer(world)
    publish_campaign(s, world.lead, world.current)
    unit = world.units[U2].id
    full = readable_file_list(s, world.lead, world.current.id, unit_id=unit)
    masked = readable_file_list(s, obs, world.current.id, unit_id=unit)
    assert [f.case_number for f in full] == [cf.case_number for cf in sorted(
        world.files[4:7], key=lambda cf: [f.case_file_id for f in full].index(cf.id))]
    assert [f.case_number for f in masked] == [mask_case_number(f.case_number) for f in full]
    assert [(f.score, f.grade) for f in masked] == [(f.score, f.grade) for f in full]  # figures unchanged
    assert anonymised_for(obs, world.current) and not anonymised_for(world.lead, world.current)
    problem = readable_problem_files(s, obs, world.current.id, "A1", "a", unit_id=world.units[U4].id)
    assert len(problem) == 3 and all("****" in f.case_number and f.comment == "" for f in problem)
    assert all(f.location == "第2页" for f in problem)  # where in the file stays
    world.current.anonymise = False
    assert readable_file_list(s, obs, world.current.id, unit_id=unit) == full


def test_reviewer_names_only_for_the_lead(world):
    s, obs = world.session, _observer(world)
    publish_campaign(s, world.lead, world.current)
    lead_view = readable_agreement(s, world.lead, world.current.id, n_boot=50)
    assert {r.display_name for r in lead_view.severity} == {"评查员1", "评查员2"}
    obs_view = readable_agreement(s, obs, world.current.id, n_boot=50)
    assert [(r.username, r.display_name, r.reviewer_id) for r in obs_view.severity] == [
        ("A", "评查人员A", 0), ("B", "评查人员B", 0)]
    assert [r.severity for r in obs_view.severity] == [r.severity for r in lead_view.severity]
    assert obs_view.alpha == lead_view.alpha
    assert disclose_severity(world.reviewers[0], lead_view.severity)[0].display_name == "评查人员A"


def test_final_result_of_one_file(world):
    s, obs = world.session, _observer(world)
    vetoed = world.files[5]  # 区市场监管局, re-checked: veto and B1-a x4
    fr = final_result(s, world.lead, world.current.id, vetoed.id)
    assert (fr.case_number, fr.unit, str(fr.score), fr.grade, fr.source, fr.veto, fr.passed) == (
        vetoed.case_number, U2, "0.00", "不合格", "recheck", True, False)
    assert [(d.item_id, d.reason_id, d.is_veto, d.points, d.reviews) for d in fr.defects] == [
        ("V1", "V1", True, D("0.00"), 1), ("B1", "a", False, D("4.00"), 1)]
    assert fr.defects[1].focus_label == "裁量权基准适用" and fr.defects[1].item_title == "文书制作"
    assert not fr.anonymised
    publish_campaign(s, world.lead, world.current)
    seen = final_result(s, obs, world.current.id, vetoed.id)
    assert seen.anonymised and seen.case_number == mask_case_number(vetoed.case_number)
    assert all(d.comment == "" for d in seen.defects) and seen.score == fr.score
    with pytest.raises(NotFound):  # a file of another campaign
        final_result(s, world.lead, world.current.id, 99999)


def test_pareto_by_hand(world):
    rows = pareto(world.session, world.lead, world.current.id)
    # B1-a 11 files, A1-a 5, A1-b 2, V1 1: 19 occurrences
    assert [(r.rank, r.problem.item_id, r.problem.reason_id, r.problem.files, r.cumulative_files) for r in rows] == [
        (1, "B1", "a", 11, 11), (2, "A1", "a", 5, 16), (3, "A1", "b", 2, 18), (4, "V1", "V1", 1, 19)]
    assert [r.cumulative_pct for r in rows] == [D("57.89"), D("84.21"), D("94.74"), D("100.00")]
    assert [r.occurrence_pct for r in rows] == [D("57.89"), D("26.32"), D("10.53"), D("5.26")]
    subject = pareto(world.session, world.lead, world.current.id, focus="subject")
    assert [r.problem.item_id for r in subject] == ["A1", "A1", "V1"] and subject[-1].cumulative_pct == D("100.00")
    assert pareto(world.session, world.lead, world.current.id, unit_kind="town")[0].problem.files == 3
    assert pareto_rows([]) == []
    record = rows[0].to_record()
    assert record["rank"] == 1 and record["cumulative_pct"] == 57.89 and record["item_id"] == "B1"
