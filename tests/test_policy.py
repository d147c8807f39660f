"""The permission table (`scoring.policy`) is the one place a permission lives, and the core obeys it.

`test_core_obeys_the_policy_table` enumerates roles x actions x own/other unit x before/after submitting
x before/after publishing: each core operation is run as each account in each situation, and whether it
was refused must be exactly what the table says. The spot checks below state the key rules literally,
so a wrong table fails too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from scoring import aggregate as agg
from scoring import case_pdfs, policy, sign_in_sessions
from scoring.accounts import create_user, list_accounts
from scoring.aggregate.disclosure import anonymised_for, is_lead, results_campaign
from scoring.aggregate.pareto import pareto
from scoring.audit_verify import verify_campaign
from scoring.db.models import Assignment, Campaign, CaseFile, User
from scoring.db.session import session_factory
from scoring.desk.lead_assignment import preview_auto
from scoring.desk.lead_recheck import compare_reviews
from scoring.documents.common import documents_campaign
from scoring.domain import CampaignStatus, Role
from scoring.errors import CaseReviewError, NotFound, PermissionDenied
from scoring.findings.batch import finding_history
from scoring.findings.rectify import add_rectification
from scoring.findings.store import list_findings
from scoring.policy import RULES, Action, Condition, Situation, allowed, check
from scoring.register.importer import import_register
from scoring.rubric.loader import RubricLibrary
from scoring.views import list_campaigns, overview_counts, search_register
from scoring.workflow.assignments import assign, my_assignments
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.progress import state_counts
from scoring.workflow.publish import publish_campaign
from scoring.workflow.reviews import open_review, reopen_review, submit_review, visible_reviews
from scoring.workflow.sampling import draw_sample, export_record, preview_sample
from tests.factories import Factory
from tests.rubric_builders import standard_dict, write_yaml

RULES_OF_DRAW = {"quota": {"count": 2}}
REGISTER_CSV = "案号,执法单位,案件类型,决定日期\r\n".encode()  # header only: a dry run reaches the check


@dataclass
class World:
    engine: Any
    campaign_id: int
    record_id: int
    lead: int
    observer: int
    reviewer: int  # from another unit, assigned the file
    other_reviewer: int  # from another unit, assigned the same file
    own_unit_reviewer: int  # from the file's unit (an assignment row forced in past recusal)
    unassigned_reviewer: int
    liaison: int  # of the file's unit
    assignment: dict[int, int]  # reviewer id -> their assignment of the file
    case_file_id: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    from scoring.db.session import open_db

    tmp = tmp_path_factory.mktemp("policy")
    engine = open_db(f"sqlite:///{tmp / 'policy.db'}")
    write_yaml(tmp / "r" / "mini.yaml", standard_dict())
    library = RubricLibrary.load([tmp / "r"])
    with session_factory(engine)() as s, s.begin():
        f = Factory(s)
        home, away = f.unit("区城管执法局"), f.unit("区市场监管局")
        lead = create_user(s, username="lead", display_name="组长", role="lead", bootstrap=True)
        people = {name: create_user(s, username=name, display_name=name, role="reviewer", unit_name=unit, actor=lead)
                  for name, unit in (("ra", away.name), ("rb", away.name), ("rown", home.name), ("rx", away.name))}
        observer = create_user(s, username="obs", display_name="观察员", role="observer", actor=lead)
        liaison = create_user(s, username="liaison", display_name="联络员", role="liaison", unit_name=home.name,
                              actor=lead)
        spec = spec_from_options(name="评查", year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
        campaign = create_campaign(s, spec, library, lead)
        files = [f.case_file(home, case_number=f"罚〔2024〕{n}号", decision_date=dt.date(2024, n, 1)) for n in (1, 2)]
        ids = dict(lead=lead.id, observer=observer.id, liaison=liaison.id, campaign=campaign.id, **{k: u.id for k, u in people.items()})
    record = draw_sample(engine, ids["campaign"], RULES_OF_DRAW, 1, actor_id=ids["lead"])
    with session_factory(engine)() as s, s.begin():
        lead, campaign, cf = s.get(User, ids["lead"]), s.get(Campaign, ids["campaign"]), files[0]
        cf = s.merge(cf)
        assignment = {}
        for name in ("ra", "rb"):
            assignment[ids[name]] = assign(s, lead, campaign, cf, s.get(User, ids[name])).id
        forced = Assignment(campaign_id=campaign.id, case_file_id=cf.id, reviewer_id=ids["rown"])  # past recusal
        s.add(forced)
        s.flush()
        assignment[ids["rown"]] = forced.id
        case_file_id = cf.id
        for name in ("ra", "rb"):  # both reviewers have started: drafts exist before anything is submitted
            open_review(s, s.get(User, ids[name]), assignment[ids[name]])
    return World(engine, ids["campaign"], record.id, ids["lead"], ids["observer"], ids["ra"], ids["rb"], ids["rown"],
                 ids["rx"], ids["liaison"], assignment, case_file_id)


def _submit(world: World, reviewer_id: int) -> None:
    with session_factory(world.engine)() as s, s.begin():
        actor = s.get(User, reviewer_id)
        review = open_review(s, actor, world.assignment[reviewer_id])
        submit_review(s, actor, review.id, review.version)


def _set_status(world: World, status: str) -> None:
    """Situation set-up, not an operation under test: the campaign's status as the phase needs it."""
    with session_factory(world.engine)() as s, s.begin():
        s.get(Campaign, world.campaign_id).status = status


# ------------------------------------------------------------------------------------------ probes
# One core operation per action, run as `actor` (in a session rolled back afterwards). A probe returns
# whether the operation was permitted: a PermissionDenied means refused; any other outcome (a result,
# or a refusal for another reason such as "nothing to publish yet") means the permission check passed.

Probe = Callable[[World, Any, User], bool]


def _raises_permission(fn: Callable[[], object]) -> bool:
    try:
        fn()
    except PermissionDenied:
        return False
    except CaseReviewError:
        return True
    return True


def _own_assignment(w: World, actor: User) -> int:
    """The assignment a probe acts on: the actor's own where they have one, else another reviewer's."""
    return w.assignment.get(actor.id, w.assignment[w.reviewer])


def _reads_others(w: World, s: Any, actor: User) -> bool:
    """Blind review: permitted means the actor sees another reviewer's review of the file."""
    seen = visible_reviews(s, actor, w.campaign_id, w.case_file_id)
    return any(r.assignment.reviewer_id != actor.id for r in seen)


def _submitted_review_id(w: World, s: Any) -> int:
    """The first reviewer's review (before anything is submitted: no such review, so a permitted reopen
    ends in NotFound, which still shows the permission check passed)."""
    review = s.get(Assignment, w.assignment[w.reviewer]).review
    return review.id if review is not None else -1


def _refused_as_missing(fn: Callable[[], object]) -> bool:
    """For reads that answer a refusal with NotFound (a refused id looks like a missing one)."""
    try:
        fn()
    except (NotFound, PermissionDenied):
        return False
    return True


PROBES: dict[Action, Probe] = {
    Action.MANAGE_ACCOUNTS: lambda w, s, a: _raises_permission(lambda: list_accounts(s, a)),
    Action.IMPORT_REGISTER: lambda w, s, a: _raises_permission(
        lambda: import_register(w.engine, REGISTER_CSV, filename="r.csv", dry_run=True, actor_id=a.id)),
    Action.READ_REGISTER: lambda w, s, a: _raises_permission(lambda: search_register(s, a)),
    Action.MANAGE_CAMPAIGNS: lambda w, s, a: _raises_permission(lambda: list_campaigns(s, a)),
    Action.SAMPLE: lambda w, s, a: _raises_permission(
        lambda: preview_sample(w.engine, w.campaign_id, RULES_OF_DRAW, 1, actor_id=a.id)),
    Action.READ_SAMPLE: lambda w, s, a: _raises_permission(lambda: export_record(w.engine, w.record_id, actor_id=a.id)),
    Action.ASSIGN: lambda w, s, a: _raises_permission(lambda: preview_auto(s, a, s.get(Campaign, w.campaign_id))),
    Action.READ_ASSIGNMENTS: lambda w, s, a: _raises_permission(lambda: state_counts(s, a, w.campaign_id)),
    Action.OWN_QUEUE: lambda w, s, a: _raises_permission(lambda: my_assignments(s, a, w.campaign_id)),
    Action.SCORE: lambda w, s, a: _raises_permission(lambda: open_review(s, a, _own_assignment(w, a))),
    Action.READ_REVIEWS: _reads_others,
    Action.REOPEN_REVIEW: lambda w, s, a: _raises_permission(lambda: reopen_review(s, a, _submitted_review_id(w, s), "复核")),
    Action.RECHECK: lambda w, s, a: _raises_permission(lambda: compare_reviews(s, a, w.campaign_id, w.case_file_id)),
    Action.PUBLISH: lambda w, s, a: _raises_permission(lambda: publish_campaign(s, a, s.get(Campaign, w.campaign_id))),
    Action.OVERVIEW: lambda w, s, a: _raises_permission(lambda: overview_counts(s, a)),
    Action.READ_RESULTS: lambda w, s, a: _raises_permission(lambda: results_campaign(s, a, w.campaign_id)),
    Action.READ_REVIEWER_NAMES: lambda w, s, a: is_lead(a),
    Action.READ_UNMASKED: lambda w, s, a: not anonymised_for(a, s.get(Campaign, w.campaign_id)),
    Action.READ_FINDINGS: lambda w, s, a: _raises_permission(lambda: list_findings(s, a, w.campaign_id)),
    Action.EDIT_FINDINGS: lambda w, s, a: _raises_permission(lambda: add_rectification(
        s, a, w.campaign_id, s.get(CaseFile, w.case_file_id).unit_id, requirement="补充法制审核意见", owner="法制科",
        deadline="2025-06-30")),
    Action.MAKE_NOTICE: lambda w, s, a: _raises_permission(
        lambda: documents_campaign(s, a, w.campaign_id, observers=True)),
    Action.MAKE_DOCUMENTS: lambda w, s, a: _raises_permission(lambda: documents_campaign(s, a, w.campaign_id)),
    Action.READ_CASE_PDF: lambda w, s, a: _refused_as_missing(lambda: case_pdfs.info(s, a, w.case_file_id)),
    Action.VERIFY_AUDIT: lambda w, s, a: _raises_permission(lambda: verify_campaign(s, a, w.campaign_id)),
    Action.END_SESSIONS: lambda w, s, a: _raises_permission(lambda: sign_in_sessions.sign_out_everywhere(s, a, w.reviewer)),
}
# Operations that share an action with a probe above: each must refuse exactly when its action's probe does.
SHARED_ACTION_PROBES: dict[str, tuple[Action, Probe]] = {
    "finding_history": (Action.EDIT_FINDINGS, lambda w, s, a: _raises_permission(lambda: finding_history(s, a, 1))),
    # the aggregation the results pages, the CLI and the documents read (scoring.aggregate)
    **{fn.__name__: (Action.READ_RESULTS, (lambda fn: lambda w, s, a: _raises_permission(
        lambda: fn(s, a, w.campaign_id)))(fn))
       for fn in (agg.unit_table, agg.campaign_figures, agg.comparison, agg.top_problems, pareto, agg.bootstrap_units,
                  agg.unit_summary, agg.focus_rates, agg.reason_counts, agg.file_list)},
    "problem_files": (Action.READ_RESULTS, lambda w, s, a: _raises_permission(
        lambda: agg.problem_files(s, a, w.campaign_id, "A1", "a"))),
    "year_over_year": (Action.READ_RESULTS, lambda w, s, a: _raises_permission(
        lambda: agg.year_over_year(s, a, w.campaign_id, w.campaign_id))),
}
NOT_PROBED_HERE = {  # actions whose core operations have their own permission tests
    Action.PRECHECK: "tests/test_precheck_db.py",
    Action.PRECHECK_HINTS: "tests/test_precheck_db.py",
    Action.CASE_PDFS: "tests/test_case_pdfs.py",
    Action.MANAGE_OBJECTIONS: "tests/test_objections.py",
    Action.READ_RELEASED: "tests/test_objections.py (the liaison role matrix)",
    Action.FILE_OBJECTION: "tests/test_objections.py (the liaison role matrix)",
    Action.DECIDE_OBJECTION: "tests/test_objections.py",
    Action.MANAGE_CALIBRATION: "tests/test_calibration.py",
    Action.CALIBRATION_SCORE: "tests/test_calibration.py",
    Action.FILE_ATTRIBUTES: "tests/test_attributes.py",
    Action.SWITCH_STANDARD: "tests/test_standard_impact.py",
    Action.READ_OBJECTION_ATTACHMENT: "tests/test_objections.py (attachments: lead, own unit's liaison, assigned member)",
}


def test_every_action_has_rules_and_a_probe() -> None:
    for action in Action:
        assert any(r.action == action for r in RULES), action
        assert action in PROBES or action in NOT_PROBED_HERE, action


def _situation(w: World, actor: User, action: Action, submitted: bool, published: bool) -> Situation:
    """The facts of this world, as the table's conditions read them for this actor."""
    if action in (Action.SCORE, Action.READ_CASE_PDF):
        assignment_owner = actor.id if actor.id in w.assignment else w.reviewer
        return Situation(assigned_to_actor=assignment_owner == actor.id,
                         own_unit=actor.id == w.own_unit_reviewer, published=published)
    own_submitted = submitted and actor.id in (w.reviewer, w.other_reviewer)
    return Situation(own_submitted=own_submitted, published=published, own_account=actor.id == w.reviewer)


ACTORS = ("lead", "observer", "reviewer", "own_unit_reviewer", "unassigned_reviewer", "liaison")
PHASES = [(False, False), (True, False), (True, True)]  # (reviews submitted, results published)


def test_core_obeys_the_policy_table(world: World) -> None:
    """Every (account, action, phase) through the core agrees with `policy.allowed` on the same facts."""
    checked, disagreements = 0, []
    for submitted, published in PHASES:
        if submitted:
            for reviewer in (world.reviewer, world.other_reviewer):
                with session_factory(world.engine)() as s:
                    done = s.get(Assignment, world.assignment[reviewer]).review
                    if done is not None and done.status == "submitted":
                        continue
                _submit(world, reviewer)
        _set_status(world, CampaignStatus.PUBLISHED if published else CampaignStatus.REVIEWING)
        for who in ACTORS:
            probes = [(a.value, a, p) for a, p in PROBES.items()] + [(n, a, p) for n, (a, p) in SHARED_ACTION_PROBES.items()]
            for name, action, probe in probes:
                with session_factory(world.engine)() as s:
                    actor = s.get(User, getattr(world, who))
                    expected = allowed(actor, action, _situation(world, actor, action, submitted, published))
                    got = probe(world, s, actor)
                    s.rollback()
                checked += 1
                if got != expected:
                    disagreements.append((who, name, submitted, published, expected, got))
    assert disagreements == []
    assert checked == len(PHASES) * len(ACTORS) * (len(PROBES) + len(SHARED_ACTION_PROBES))


# ------------------------------------------------------------------------------------------ spot checks

def _user(role: str, unit_id: int | None = 1, active: bool = True) -> User:
    return User(id=7, username="u", display_name="u", role=role, unit_id=unit_id, active=active)


def test_key_rules_stated_literally() -> None:
    lead, reviewer, observer = _user(Role.LEAD), _user(Role.REVIEWER), _user(Role.OBSERVER)
    assert allowed(lead, Action.SAMPLE) and not allowed(reviewer, Action.SAMPLE) and not allowed(observer, Action.SAMPLE)
    # recusal: a reviewer scores only files assigned to them and not of their own unit
    assert allowed(reviewer, Action.SCORE, Situation(assigned_to_actor=True, own_unit=False))
    assert not allowed(reviewer, Action.SCORE, Situation(assigned_to_actor=True, own_unit=True))
    assert not allowed(reviewer, Action.SCORE, Situation(assigned_to_actor=False, own_unit=False))
    assert not allowed(lead, Action.SCORE, Situation(assigned_to_actor=True, own_unit=False))
    # blind review: others' marks only after one's own review is submitted
    assert not allowed(reviewer, Action.READ_REVIEWS, Situation(own_submitted=False))
    assert allowed(reviewer, Action.READ_REVIEWS, Situation(own_submitted=True))
    # publication: observers and reviewers read results only once published; the lead always
    for who in (reviewer, observer):
        assert not allowed(who, Action.READ_RESULTS, Situation(published=False))
        assert allowed(who, Action.READ_RESULTS, Situation(published=True))
    assert allowed(lead, Action.READ_RESULTS, Situation(published=False))
    # nobody signed out or deactivated may do anything
    assert not any(allowed(None, a) or allowed(_user(Role.LEAD, active=False), a) for a in Action)


def test_refusals_say_who_and_why() -> None:
    with pytest.raises(PermissionDenied, match=r"u \(reviewer\) may not sample; it needs role lead"):
        check(_user(Role.REVIEWER), Action.SAMPLE)
    with pytest.raises(PermissionDenied, match="only after submitting their own review"):
        check(_user(Role.REVIEWER), Action.READ_REVIEWS, Situation(own_submitted=False))
    with pytest.raises(PermissionDenied, match="sign in first"):
        check(None, Action.OVERVIEW)


def test_conditions_are_the_documented_ones() -> None:
    assert {r.condition for r in RULES} <= set(Condition)
    assert {r.role for r in RULES} == set(Role)  # every role, the unit liaison included, is in the one table
    assert [r.condition for r in policy.rules_for(Role.LIAISON, Action.FILE_OBJECTION)] == [
        Condition.OWN_UNIT_WINDOW_OPEN]
    assert policy.rules_for(Role.LEAD, Action.SCORE) == []  # the lead re-checks, never scores


def test_housekeeping_rules_stated_literally() -> None:
    lead, reviewer, liaison = _user(Role.LEAD), _user(Role.REVIEWER), _user(Role.LIAISON)
    observer = _user(Role.OBSERVER)
    # sessions: everyone their own account, the lead anyone's
    for who in (reviewer, liaison, observer):
        assert allowed(who, Action.END_SESSIONS, Situation(own_account=True))
        assert not allowed(who, Action.END_SESSIONS, Situation(own_account=False))
    assert allowed(lead, Action.END_SESSIONS, Situation(own_account=False))
    # scanned case files: the reviewers of the file (not of its unit) and the lead
    assert allowed(reviewer, Action.READ_CASE_PDF, Situation(assigned_to_actor=True, own_unit=False))
    assert not allowed(reviewer, Action.READ_CASE_PDF, Situation(assigned_to_actor=True, own_unit=True))
    assert not allowed(liaison, Action.READ_CASE_PDF, Situation(assigned_to_actor=True, own_unit=False))
    # objection attachments: the lead, the liaison of the unit, the member it is assigned to
    assert allowed(liaison, Action.READ_OBJECTION_ATTACHMENT, Situation(own_unit=True))
    assert not allowed(liaison, Action.READ_OBJECTION_ATTACHMENT, Situation(own_unit=False, assigned_to_actor=True))
    assert allowed(reviewer, Action.READ_OBJECTION_ATTACHMENT, Situation(assigned_to_actor=True))
    assert not allowed(observer, Action.READ_OBJECTION_ATTACHMENT, Situation(own_unit=True, assigned_to_actor=True))
    assert policy.roles_with(Action.VERIFY_AUDIT) == [Role.LEAD]
    # who can be given work: files to score (reviewers), objections to decide (reviewers and the lead)
    assert policy.roles_with(Action.SCORE) == [Role.REVIEWER]
    assert set(policy.roles_with(Action.DECIDE_OBJECTION)) == {Role.LEAD, Role.REVIEWER}


def test_no_permission_lives_outside_the_table() -> None:
    """No plain role checks in the core: a role compared outside scoring/policy.py is a second permission
    model. Allowed: validation of account data (accounts.py), the demo's set-up, and what pages display."""
    import re
    from pathlib import Path

    import scoring

    root = Path(scoring.__file__).parent
    pattern = re.compile(r"require_role|\.role\s*(==|!=|not in|in)\s|Role\.LEAD\b.*\b(is|==)|role == \"")
    exempt = {"policy.py", "accounts.py", "setup.py"}
    offenders = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.name in exempt or rel.parts[0] in ("ui", "demo") or rel.parts[:2] == ("cli", "options.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and "roles_with(" not in line:  # asking the table is fine
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
