"""Notes shown beside the items of a file's scoring form: the machine pre-check's flags on the items they
hint at, and the campaign's guidance agreed at calibration. Notes, never marks: the reviewer decides."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from scoring.calibration.guidance import guidance_for
from scoring.db.models import CaseFile, User
from scoring.errors import NotFound
from scoring.precheck.run import file_flags
from scoring.workflow.campaigns import get_campaign


@dataclass(frozen=True)
class ItemNote:
    item_id: str
    kind: str  # precheck / guidance
    text: str


def form_notes(session: Session, actor: User | None, campaign_id: int, case_file_id: int) -> tuple[ItemNote, ...]:
    campaign = get_campaign(session, campaign_id)
    case_file = session.get(CaseFile, case_file_id)
    if case_file is None:
        raise NotFound(code="notes.no_file", id=case_file_id)
    notes = [ItemNote(item, "guidance", note) for item, note in sorted(guidance_for(session, campaign.id).items())]
    for rule in file_flags(session, actor, campaign, case_file):
        notes.extend(ItemNote(item, "precheck", f"{rule.id} {rule.title}") for item in rule.hints)
    return tuple(notes)
