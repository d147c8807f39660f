"""Whether a reviewer's live queue is open: with a required calibration round, only once they have scored
every calibration file. Reads the tables only, so the review workflow can ask without an import cycle."""

from __future__ import annotations

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from scoring.db.models import (
    CalibrationFile,
    CalibrationRound,
    CalibrationScore,
    CaseFile,
    User,
)
from scoring.errors import PermissionDenied


def calibration_pending(session: Session, reviewer: User, campaign_id: int) -> int:
    """How many calibration files the reviewer still has to score before live scoring (0: none)."""
    rnd = session.scalar(select(CalibrationRound).where(CalibrationRound.campaign_id == campaign_id))
    if rnd is None or not rnd.required:
        return 0
    mine = CaseFile.unit_id != reviewer.unit_id if reviewer.unit_id is not None else true()  # 回避: not own unit
    total = session.scalar(select(func.count()).select_from(CalibrationFile)
                           .join(CaseFile, CaseFile.id == CalibrationFile.case_file_id)
                           .where(CalibrationFile.campaign_id == campaign_id, mine)) or 0
    done = session.scalar(select(func.count()).select_from(CalibrationScore).where(
        CalibrationScore.campaign_id == campaign_id, CalibrationScore.user_id == reviewer.id,
        CalibrationScore.is_reference.is_(False))) or 0
    return max(total - done, 0)


def require_calibrated(session: Session, reviewer: User, campaign_id: int) -> None:
    pending = calibration_pending(session, reviewer, campaign_id)
    if pending:
        raise PermissionDenied(code="calibration.pending", n=pending)
