"""Setting up a calibration round and scoring its files (reviewers' marks and the lead's reference)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import (
    CalibrationFile,
    CalibrationRound,
    CalibrationScore,
    Campaign,
    CaseFile,
    User,
    utcnow,
)
from scoring.engine import score
from scoring.errors import NotFound, ValidationFailed
from scoring.file_attributes import attributes_of
from scoring.marks import Marks
from scoring.messages import Msg
from scoring.policy import Action, Situation, allowed, check
from scoring.standards import load_version
from scoring.workflow.assignments import sampled_files
from scoring.workflow.campaigns import file_grading, standard_hash_for

MIN_FILES, MAX_FILES = 2, 5


def round_of(session: Session, campaign_id: int) -> CalibrationRound | None:
    return session.scalar(select(CalibrationRound).where(CalibrationRound.campaign_id == campaign_id))


def calibration_files(session: Session, campaign_id: int) -> list[CaseFile]:
    return list(session.scalars(select(CaseFile).join(CalibrationFile, CalibrationFile.case_file_id == CaseFile.id)
                                .where(CalibrationFile.campaign_id == campaign_id)
                                .order_by(CalibrationFile.position)))


def set_calibration(session: Session, actor: User | None, campaign: Campaign, case_numbers: list[str], *,
                    required: bool = True, in_notice: bool = False) -> CalibrationRound:
    """Pick the calibration files (2-5 register files, none in the sample) and the round's settings. The
    files can change only while nobody has scored any of them."""
    actor = check(actor, Action.MANAGE_CALIBRATION)
    numbers = [n.strip() for n in case_numbers if n.strip()]
    if len(set(numbers)) != len(numbers):
        raise ValidationFailed(code="calibration.listed_twice")
    if not MIN_FILES <= len(numbers) <= MAX_FILES:
        raise ValidationFailed(code="calibration.file_count", min=MIN_FILES, max=MAX_FILES, n=len(numbers))
    files = {cf.case_number: cf for cf in session.scalars(select(CaseFile).where(CaseFile.case_number.in_(numbers)))}
    missing = [n for n in numbers if n not in files]
    if missing:
        raise NotFound(code="calibration.not_in_register", numbers=missing)
    sampled = {cf.id for cf in sampled_files(session, campaign.id)}
    in_sample = [n for n in numbers if files[n].id in sampled]
    if in_sample:
        raise ValidationFailed(code="calibration.in_sample", numbers=in_sample)
    for n in numbers:
        standard_hash_for(session, campaign, files[n])  # refuses a file the campaign has no standard for
    rnd = round_of(session, campaign.id)
    current = [cf.case_number for cf in calibration_files(session, campaign.id)]
    scored = session.scalar(select(func.count()).select_from(CalibrationScore)
                            .where(CalibrationScore.campaign_id == campaign.id)) or 0
    if scored and current != numbers:
        raise ValidationFailed(code="calibration.files_fixed")
    old = None
    if rnd is None:
        rnd = CalibrationRound(campaign_id=campaign.id, created_by_id=actor.id)
        session.add(rnd)
    else:
        old = {"files": current, "required": rnd.required, "in_notice": rnd.in_notice}
    rnd.required, rnd.in_notice = required, in_notice
    if current != numbers:
        session.execute(delete(CalibrationFile).where(CalibrationFile.campaign_id == campaign.id))
        for i, n in enumerate(numbers):
            session.add(CalibrationFile(campaign_id=campaign.id, case_file_id=files[n].id, position=i))
    session.flush()
    audit.record(session, actor_id=actor.id, action="set_calibration", entity="campaign", entity_id=campaign.id,
                 old=old, new={"files": numbers, "required": required, "in_notice": in_notice})
    return rnd


@dataclass(frozen=True)
class CalibrationTask:
    case_file_id: int
    case_number: str
    unit: str
    case_type: str
    standard_hash: str
    done: bool


def my_calibration(session: Session, actor: User | None, campaign: Campaign) -> list[CalibrationTask]:
    """The calibration files a reviewer (or, for reference marks, the lead) scores, and which are done."""
    actor = check(actor, Action.CALIBRATION_SCORE, Situation(own_unit=False), what=Msg("policy.what.score_calibration"))
    done = set(session.scalars(select(CalibrationScore.case_file_id).where(
        CalibrationScore.campaign_id == campaign.id, CalibrationScore.user_id == actor.id,
        CalibrationScore.is_reference.is_(allowed(actor, Action.MANAGE_CALIBRATION)))))
    return [CalibrationTask(cf.id, cf.case_number, cf.unit.name, cf.case_type,
                            standard_hash_for(session, campaign, cf), cf.id in done)
            for cf in calibration_files(session, campaign.id)
            if allowed(actor, Action.CALIBRATION_SCORE,
                       Situation(own_unit=actor.unit_id is not None and actor.unit_id == cf.unit_id))]


def submit_calibration(session: Session, actor: User | None, campaign: Campaign, case_file_id: int,
                       marks: Marks) -> CalibrationScore:
    """A reviewer's calibration marks, or the lead's reference marks, for one calibration file (again:
    replaces the earlier ones). Locations are not required: calibration is about reading the standard."""
    actor = check(actor, Action.CALIBRATION_SCORE, Situation(own_unit=False), what=Msg("policy.what.score_calibration"))
    cf = next((f for f in calibration_files(session, campaign.id) if f.id == case_file_id), None)
    if cf is None:
        raise NotFound(code="calibration.not_calibration_file", id=case_file_id, name=campaign.name)
    check(actor, Action.CALIBRATION_SCORE, Situation(own_unit=actor.unit_id is not None and actor.unit_id == cf.unit_id),
          what=Msg("policy.what.score_calibration_file", {"case_number": cf.case_number}))
    reference = allowed(actor, Action.MANAGE_CALIBRATION)  # the lead's marks are the reference
    std_hash = standard_hash_for(session, campaign, cf)
    bands, pass_line = file_grading(session, campaign, std_hash)  # the file's own standard's bands, as live
    result = score(load_version(session, std_hash), attributes_of(cf), marks, bands=bands, pass_line=pass_line)
    row = session.scalar(select(CalibrationScore).where(
        CalibrationScore.campaign_id == campaign.id, CalibrationScore.case_file_id == cf.id,
        CalibrationScore.user_id == actor.id, CalibrationScore.is_reference.is_(reference)))
    old = None
    if row is None:
        row = CalibrationScore(campaign_id=campaign.id, case_file_id=cf.id, user_id=actor.id, is_reference=reference)
        session.add(row)
    else:
        old = {"total": row.total, "marks": row.marks}
    row.standard_hash = std_hash
    row.marks = marks.model_dump(mode="json", exclude_defaults=True)
    row.result = result.to_dict()
    row.total = result.score
    row.submitted_at = utcnow()
    session.flush()
    audit.record(session, actor_id=actor.id, action="calibration_reference" if reference else "calibration_score",
                 entity="calibration_score", entity_id=row.id, old=old,
                 new={"case_file": cf.case_number, "total": row.total, "marks": row.marks})
    return row


def calibration_campaigns(session: Session, actor: User | None) -> list[Campaign]:
    """The campaigns a person may open on the calibration page: a lead every campaign (to set a round up),
    a reviewer those with a round."""
    actor = check(actor, Action.CALIBRATION_SCORE, Situation(own_unit=False), what=Msg("policy.what.score_calibration"))
    stmt = select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())
    if not allowed(actor, Action.MANAGE_CALIBRATION):
        stmt = stmt.join(CalibrationRound, CalibrationRound.campaign_id == Campaign.id)
    return list(session.scalars(stmt))
