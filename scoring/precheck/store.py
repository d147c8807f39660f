"""Where the optional process attributes of each file are read from: the declared-attribute values the
register import stores with every case file (`CaseFile.attributes`, issue 11's mechanism)."""

from __future__ import annotations

import json

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scoring.db.models import Campaign, CaseFile
from scoring.precheck.attributes import EXTRA_KEYS


def extra_attributes(session: Session, campaign: Campaign, case_file_ids: list[int] | None = None) -> pd.DataFrame:
    """case_file_id and one column per optional attribute the files carry (empty frame when none do)."""
    # The JSON as text, decoded here: the ORM's per-row JSON type handling is what made this slow.
    stmt = sa.select(CaseFile.id, sa.cast(CaseFile.attributes, sa.Text)).where(
        CaseFile.decision_date >= campaign.window_start, CaseFile.decision_date <= campaign.window_end)
    if case_file_ids is not None:
        stmt = stmt.where(CaseFile.id.in_(case_file_ids))
    ids: list[int] = []
    values: list[dict] = []
    loads = json.loads
    for fid, text in session.connection().execute(stmt):
        if text and text not in ("{}", "null"):
            ids.append(fid)
            values.append(loads(text))
    if not ids:
        return pd.DataFrame(columns=["case_file_id"])
    frame = pd.DataFrame.from_records(values, columns=list(EXTRA_KEYS))
    frame.insert(0, "case_file_id", ids)
    return frame
