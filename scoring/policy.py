"""Who may do what: the one table of permissions, checked by every core operation.

A rule is (role, action, condition). An actor may do an action when some rule for their role and that
action has a condition that holds in the situation (`Situation`). Nothing else grants a permission:
pages and commands only pass the acting account along, and the core operation calls `check` (or
`allowed` where a refusal means "show less", as in blind review).

Conditions
    ``always``: no further condition;
    ``own_assignment``: the file is assigned to the actor, and it is not a file of their own unit (回避);
    ``own_submitted``: blind review: the actor's own review of the file is submitted;
    ``published``: the campaign's results are published;
    ``own_unit_released``: the file (or the view) is of the actor's own unit, and the lead released the
    campaign's preliminary results to the units (反馈);
    ``own_unit_window_open``: as ``own_unit_released``, and the objection window is still open;
    ``assigned_not_scorer``: the objection is assigned to the actor, who did not score its file and is not
    from its unit (回避);
    ``not_own_unit``: the file is not of the actor's own unit (回避);
    ``own_unit``: the thing (an objection, a view) is of the actor's own unit;
    ``assigned``: the thing (an objection) is assigned to the actor;
    ``own_account``: the account acted on is the actor's own.

Adding a role (issue 13 adds a unit liaison) is adding its value to `scoring.domain.Role` and its rows
here, with new conditions where needed (e.g. ``own_unit_published``), evaluated in `_holds`; the
enumerating tests (tests/test_policy.py) pick the new rows up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scoring.db.models import User
from scoring.domain import Role
from scoring.errors import PermissionDenied
from scoring.messages import Join, Msg


class Action(StrEnum):
    # set-up
    MANAGE_ACCOUNTS = "manage_accounts"
    IMPORT_REGISTER = "import_register"  # registers and unit lists
    READ_REGISTER = "read_register"
    MANAGE_CAMPAIGNS = "manage_campaigns"  # create, list with settings
    # the workflow
    SAMPLE = "sample"  # preview, draw, enlarge
    READ_SAMPLE = "read_sample"  # show, verify, export
    ASSIGN = "assign"  # assign, unassign, plans
    READ_ASSIGNMENTS = "read_assignments"  # who reviews which file, loads, progress
    OWN_QUEUE = "own_queue"  # a reviewer's own assigned files
    SCORE = "score"  # open, save, submit one's own review
    READ_REVIEWS = "read_reviews"  # the reviews of a file (others' marks: blind review)
    REOPEN_REVIEW = "reopen_review"
    RECHECK = "recheck"  # re-check: compare, decide, final marks
    PUBLISH = "publish"  # publish and withdraw results
    # results
    OVERVIEW = "overview"  # headline counts
    READ_RESULTS = "read_results"  # figures, unit table, problems, files of a campaign
    READ_REVIEWER_NAMES = "read_reviewer_names"  # names behind agreement and severity figures
    READ_UNMASKED = "read_unmasked"  # case numbers and comments of a campaign that anonymises them
    READ_FINDINGS = "read_findings"
    EDIT_FINDINGS = "edit_findings"  # findings and rectification requirements
    MAKE_NOTICE = "make_notice"  # the review notice (评查情况通报)
    MAKE_DOCUMENTS = "make_documents"  # supervision recommendations, Excel exports
    PRECHECK = "precheck"  # machine pre-check of the register
    PRECHECK_HINTS = "precheck_hints"  # the pre-check's hints on one file
    CASE_PDFS = "case_pdfs"  # attach / remove scanned case files
    # around the scoring (issue 13)
    MANAGE_OBJECTIONS = "manage_objections"  # release results, extend the deadline, list and assign objections
    READ_RELEASED = "read_released"  # a unit's released preliminary results and its objections
    FILE_OBJECTION = "file_objection"  # object to a standing deduction or veto
    DECIDE_OBJECTION = "decide_objection"  # uphold / accept / partly accept an assigned objection
    MANAGE_CALIBRATION = "manage_calibration"  # calibration files, figures, guidance notes
    CALIBRATION_SCORE = "calibration_score"  # score a calibration file (the lead: reference marks)
    FILE_ATTRIBUTES = "file_attributes"  # set a declared attribute of a case file (rubrics/vocabulary.yaml)
    SWITCH_STANDARD = "switch_standard"  # impact of an edited standard version on a campaign, and the switch
    # reading and housekeeping
    READ_CASE_PDF = "read_case_pdf"  # the scanned case file of a file (its reviewers, the lead)
    READ_OBJECTION_ATTACHMENT = "read_objection_attachment"  # an objection's attached evidence
    VERIFY_AUDIT = "verify_audit"  # verify a campaign's audit chain and rows (the Progress page's check)
    END_SESSIONS = "end_sessions"  # sign an account out everywhere


class Condition(StrEnum):
    ALWAYS = "always"
    OWN_ASSIGNMENT = "own_assignment"
    OWN_SUBMITTED = "own_submitted"
    PUBLISHED = "published"
    OWN_UNIT_RELEASED = "own_unit_released"
    OWN_UNIT_WINDOW_OPEN = "own_unit_window_open"
    ASSIGNED_NOT_SCORER = "assigned_not_scorer"
    NOT_OWN_UNIT = "not_own_unit"
    OWN_UNIT = "own_unit"
    ASSIGNED = "assigned"
    OWN_ACCOUNT = "own_account"


@dataclass(frozen=True)
class Rule:
    role: Role
    action: Action
    condition: Condition = Condition.ALWAYS


LEAD, REVIEWER, OBSERVER, LIAISON = Role.LEAD, Role.REVIEWER, Role.OBSERVER, Role.LIAISON
A, C = Action, Condition

RULES: tuple[Rule, ...] = (
    *(Rule(LEAD, a) for a in (A.MANAGE_ACCOUNTS, A.IMPORT_REGISTER, A.READ_REGISTER, A.MANAGE_CAMPAIGNS, A.SAMPLE,
                           A.READ_SAMPLE, A.ASSIGN, A.READ_ASSIGNMENTS, A.READ_REVIEWS, A.REOPEN_REVIEW, A.RECHECK,
                           A.PUBLISH, A.OVERVIEW, A.READ_RESULTS, A.READ_REVIEWER_NAMES, A.READ_UNMASKED, A.READ_FINDINGS,
                           A.EDIT_FINDINGS, A.MAKE_NOTICE, A.MAKE_DOCUMENTS, A.PRECHECK, A.PRECHECK_HINTS,
                           A.CASE_PDFS, A.MANAGE_OBJECTIONS, A.MANAGE_CALIBRATION, A.CALIBRATION_SCORE,
                           A.FILE_ATTRIBUTES, A.SWITCH_STANDARD, A.READ_CASE_PDF, A.READ_OBJECTION_ATTACHMENT,
                           A.VERIFY_AUDIT, A.END_SESSIONS)),
    Rule(REVIEWER, A.OWN_QUEUE),
    Rule(REVIEWER, A.SCORE, C.OWN_ASSIGNMENT),
    Rule(REVIEWER, A.READ_REVIEWS, C.OWN_SUBMITTED),
    Rule(REVIEWER, A.OVERVIEW),
    Rule(REVIEWER, A.READ_RESULTS, C.PUBLISHED),
    Rule(REVIEWER, A.PRECHECK_HINTS),
    Rule(OBSERVER, A.OVERVIEW),
    Rule(OBSERVER, A.READ_RESULTS, C.PUBLISHED),
    Rule(OBSERVER, A.READ_FINDINGS, C.PUBLISHED),
    Rule(OBSERVER, A.MAKE_NOTICE, C.PUBLISHED),
    Rule(REVIEWER, A.CALIBRATION_SCORE, C.NOT_OWN_UNIT),
    Rule(REVIEWER, A.DECIDE_OBJECTION, C.ASSIGNED_NOT_SCORER),
    Rule(LEAD, A.DECIDE_OBJECTION, C.ASSIGNED_NOT_SCORER),
    Rule(LIAISON, A.READ_RELEASED, C.OWN_UNIT_RELEASED),
    Rule(LIAISON, A.FILE_OBJECTION, C.OWN_UNIT_WINDOW_OPEN),
    Rule(LIAISON, A.OVERVIEW),
    Rule(LIAISON, A.READ_RESULTS, C.PUBLISHED),
    Rule(REVIEWER, A.READ_CASE_PDF, C.OWN_ASSIGNMENT),
    Rule(REVIEWER, A.READ_OBJECTION_ATTACHMENT, C.ASSIGNED),
    Rule(LIAISON, A.READ_OBJECTION_ATTACHMENT, C.OWN_UNIT),
    *(Rule(role, A.END_SESSIONS, C.OWN_ACCOUNT) for role in (REVIEWER, OBSERVER, LIAISON)),
)


@dataclass(frozen=True)
class Situation:
    """What the conditions look at; None means "not known here" and fails any condition that needs it."""

    assigned_to_actor: bool | None = None  # the file is assigned to the actor
    own_unit: bool | None = None  # the file belongs to the actor's home unit
    own_submitted: bool | None = None  # the actor's own review of the file is submitted
    published: bool | None = None  # the campaign's results are published
    released: bool | None = None  # the lead released the preliminary results to the units
    window_open: bool | None = None  # the objection window is open
    scored_file: bool | None = None  # the actor scored the file (a review or its re-check)
    own_account: bool | None = None  # the account acted on is the actor's own


def _holds(condition: Condition, s: Situation) -> bool:
    if condition == C.ALWAYS:
        return True
    if condition == C.OWN_ASSIGNMENT:
        return bool(s.assigned_to_actor) and s.own_unit is False
    if condition == C.OWN_SUBMITTED:
        return bool(s.own_submitted)
    if condition == C.PUBLISHED:
        return bool(s.published)
    if condition == C.OWN_UNIT_RELEASED:
        return bool(s.own_unit) and bool(s.released)
    if condition == C.OWN_UNIT_WINDOW_OPEN:
        return bool(s.own_unit) and bool(s.released) and bool(s.window_open)
    if condition == C.ASSIGNED_NOT_SCORER:
        return bool(s.assigned_to_actor) and s.own_unit is False and s.scored_file is False
    if condition == C.NOT_OWN_UNIT:
        return s.own_unit is False
    if condition == C.OWN_UNIT:
        return bool(s.own_unit)
    if condition == C.ASSIGNED:
        return bool(s.assigned_to_actor)
    if condition == C.OWN_ACCOUNT:
        return bool(s.own_account)
    raise ValueError(f"unknown condition {condition!r}")  # internal; pragma: no cover - the enum is closed


def rules_for(role: str, action: Action) -> list[Rule]:
    return [r for r in RULES if r.role == role and r.action == action]


def roles_with(action: Action) -> list[Role]:
    """The roles with some rule for the action (who may be assigned files to score, objections to decide)."""
    return [role for role in Role if rules_for(role, action)]


def allowed(actor: User | None, action: Action, situation: Situation = Situation()) -> bool:
    """Whether the actor (signed in and active) may do the action in this situation."""
    if actor is None or not actor.active:
        return False
    return any(_holds(r.condition, situation) for r in rules_for(actor.role, action))


def check(actor: User | None, action: Action, situation: Situation = Situation(), *, what: str | Msg = "") -> User:
    """The actor, if `allowed`; otherwise PermissionDenied saying who may not do what, and why (`what`: a
    `Msg` naming the thing in either language, e.g. Msg("policy.what.score_file", {"case_number": ...}))."""
    if actor is None or not actor.active:
        raise PermissionDenied(code="auth.sign_in_first")
    if allowed(actor, action, situation):
        return actor
    rules = rules_for(actor.role, action)
    thing = what or Msg(f"action.{action.value}")
    role = Msg(f"policy.role.{actor.role}")
    if not rules:
        roles = [Msg(f"policy.role.{v}") for v in sorted({r.role.value for r in RULES if r.action == action})]
        raise PermissionDenied(code="policy.needs_role", user=actor.username, role=role, thing=thing,
                               roles=Join(tuple(roles), "或", " or "))
    reasons = [Msg(f"policy.only.{r.condition.value}") for r in rules]
    raise PermissionDenied(code="policy.only", user=actor.username, role=role, thing=thing,
                           reasons=Join(tuple(reasons), "；", "; "))
