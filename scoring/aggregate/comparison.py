"""The comparison of units as one computation: the unit table and the selection's headline figures.

The comparison page shows both. Computed apart, the headline figures would read again what the unit
table has just read (the units' summary, every final score, the focus sums); here they are derived
from it, with the same definitions and exactly the same values (integer sums of hundredths; a test
holds them equal to `campaign_figures` computed on its own)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scoring.aggregate.campaign import CampaignFigures, campaign_figures
from scoring.aggregate.common import (
    Actor,
    Figures,
    as_session,
    check_case_type,
    check_unit_kind,
    readable_campaign,
)
from scoring.aggregate.uncertainty import DEFAULT_B, DEFAULT_MIN_FILES, DEFAULT_SEED, UnitRow, unit_table
from scoring.aggregate.units import overall_focus, unit_scores


@dataclass
class Comparison(Figures):
    rows: list[UnitRow]  # `unit_table`: listing order
    overall: CampaignFigures  # `campaign_figures` of the same selection


def comparison(db: Session | Engine, actor: Actor, campaign_id: int, *, unit_kind: str | None = None,
               case_type: str | None = None, min_files: int = DEFAULT_MIN_FILES, n_boot: int = DEFAULT_B,
               seed: int = DEFAULT_SEED, level: float = 0.95, top_n: int = 5) -> Comparison:
    """`unit_table` and `campaign_figures` of one selection, reading the final scores once."""
    unit_kind, case_type = check_unit_kind(unit_kind), check_case_type(case_type)
    with as_session(db) as session:
        readable_campaign(session, actor, campaign_id)  # before anything is read
        scores = unit_scores(session, campaign_id, unit_kind=unit_kind, case_type=case_type)
        rows = unit_table(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type, min_files=min_files,
                          n_boot=n_boot, seed=seed, level=level, top_n=top_n, scores=scores)
        units = [r.figures for r in rows]
        overall = campaign_figures(session, actor, campaign_id, unit_kind=unit_kind, case_type=case_type,
                                   units=units, scores=scores, focus=overall_focus(units))
    return Comparison(rows, overall)
