"""The notice's sentences about what happened around the scoring: the units' objections (反馈与异议)
and the calibration round (试评), when the campaign had them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from scoring.calibration.figures import calibration_record
from scoring.objections.counts import has_window, objection_counts


def rounds_sentences(session: Session, campaign_id: int) -> list[str]:
    out: list[str] = []
    record = calibration_record(session, campaign_id)
    if record is not None and record.in_notice:
        out.append(record.sentence())
    if has_window(session, campaign_id):
        counts = objection_counts(session, campaign_id)
        out.append(f"评查结果初步确定后，已反馈各被评查单位并听取意见，{counts.sentence()}。")
    return out
