"""The sampling page's entry points for the panel lead: preview, draw, show, verify, export, enlarge."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine

from scoring.accounts import load_actor
from scoring.db.session import session_factory
from scoring.policy import Action, check
from scoring.workflow.sampling import (
    DrawnFile,
    SampleRules,
    VerifyResult,
    draw_sample,
    export_record,
    export_record_csv,
    preview_sample,
    verify_record,
)
from scoring.workflow.sampling.record import current_record_id, record_summary

# ------------------------------------------------------------------------------------------ sampling

def sample_preview(engine: Engine, actor_id: int | None, campaign_id: int, rules: SampleRules | dict,
                   seed: int) -> list[DrawnFile]:
    """What a draw would pick now; nothing is stored."""
    return preview_sample(engine, campaign_id, rules, seed, actor_id=actor_id)


def sample_draw(engine: Engine, actor_id: int | None, campaign_id: int, rules: SampleRules | dict,
                seed: int) -> int:
    """Draw and store the sample (or enlarge the current one); returns the new record's id."""
    return draw_sample(engine, campaign_id, rules, seed, actor_id=actor_id).id


def enlarged_rules(current: dict, quota: dict) -> SampleRules:
    """The current record's rules with a new quota (same forced rules, stratification and units)."""
    rules = SampleRules.parse(current).to_json()
    rules["quota"] = quota
    return SampleRules.parse(rules)


@dataclass(frozen=True)
class SampleView:
    """A campaign's current sample as the sampling page shows it."""

    record_id: int
    seed: int
    rules: dict
    created_at: str
    candidate_count: int
    register_fingerprint: str
    record_hash: str
    parent_record_hash: str | None
    items: list[dict]  # draw_order, case_number, unit, case_type, reason
    summary: list[dict]  # unit, case_type, candidates, drawn, forced


def sample_view(engine: Engine, actor_id: int | None, campaign_id: int) -> SampleView | None:
    """The current sample (record data, drawn files, summary by unit and case type), or None."""
    with session_factory(engine)() as session:
        check(load_actor(session, actor_id), Action.READ_SAMPLE)
        record_id = current_record_id(session, campaign_id)
    if record_id is None:
        return None
    data = export_record(engine, record_id, actor_id=actor_id)
    return SampleView(
        record_id=record_id, seed=data["seed"], rules=data["rules"], created_at=data["created_at"],
        candidate_count=data["candidate_count"], register_fingerprint=data["register_fingerprint"],
        record_hash=data["record_hash"], parent_record_hash=data["parent_record_hash"], items=data["items"],
        summary=record_summary(engine, record_id, actor_id=actor_id),
    )


def sample_verify(engine: Engine, actor_id: int | None, record_id: int) -> VerifyResult:
    return verify_record(engine, record_id, actor_id=actor_id)


def sample_exports(engine: Engine, actor_id: int | None, record_id: int) -> tuple[bytes, bytes]:
    """The record as JSON (verifiable later) and its files as CSV (UTF-8 with BOM, for Excel)."""
    data = (json.dumps(export_record(engine, record_id, actor_id=actor_id), ensure_ascii=False, indent=2) + "\n").encode()
    return data, export_record_csv(engine, record_id, actor_id=actor_id)
