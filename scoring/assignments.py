"""Who scores which sampled file. The recusal rule (回避) lives here: nobody reviews their own unit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import audit
from scoring.db.models import Assignment, Campaign, CaseFile, User
from scoring.domain import Role
from scoring.errors import ValidationFailed
from scoring.users import require_role


def check_recusal(reviewer: User, case_file: CaseFile) -> None:
    if reviewer.role != Role.REVIEWER:
        raise ValidationFailed(f"{reviewer.username} is not a reviewer")
    if reviewer.unit_id is not None and reviewer.unit_id == case_file.unit_id:
        raise ValidationFailed(
            f"{reviewer.display_name} belongs to {case_file.unit.name} and may not review its file "
            f"{case_file.case_number} (回避: nobody reviews their own unit)"
        )


def assign(session: Session, actor: User, campaign: Campaign, case_file: CaseFile, reviewer: User) -> Assignment:
    require_role(actor, Role.LEAD)
    check_recusal(reviewer, case_file)
    exists = session.scalar(select(Assignment).where(
        Assignment.campaign_id == campaign.id, Assignment.case_file_id == case_file.id,
        Assignment.reviewer_id == reviewer.id))
    if exists:
        raise ValidationFailed(f"{reviewer.display_name} is already assigned file {case_file.case_number}")
    a = Assignment(campaign_id=campaign.id, case_file_id=case_file.id, reviewer_id=reviewer.id)
    session.add(a)
    session.flush()
    audit.record(session, actor_id=actor.id, action="assign", entity="assignment", entity_id=a.id,
                 new={"campaign": campaign.id, "case_file": case_file.case_number, "reviewer": reviewer.username})
    return a
