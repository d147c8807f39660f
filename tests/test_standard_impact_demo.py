"""Impact before change on the demo campaign: a changed deduction moves exactly the files that used it
(apart from the files where the reason's cap or a zeroing veto absorbs the change), and no other file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from scoring.db import models as m
from scoring.db.session import open_db, session_factory
from scoring.engine import score
from scoring.file_attributes import attributes_of
from scoring.rubric.model import Standard
from scoring.standard_impact import _scored, simulate
from scoring.standards import load_version
from scoring.workflow.campaigns import file_grading
from tests import demo_template

ITEM, REASON = "G-F2", "a"  # 每一项违法事实要素未查明或未载明: 1 point each, at most 4 (item max 4)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_database):
    template, lead_id = demo_database
    engine = open_db(demo_template.copy(template, tmp_path_factory.mktemp("impact") / "demo.db"))
    yield engine, lead_id
    engine.dispose()


def _edited(old: Standard) -> Standard:
    """The same standard with the reason costing 2 points per element instead of 1 (cap 4 kept)."""
    data = old.model_dump()
    for section in data["sections"]:
        for item in section["items"]:
            if item["id"] == ITEM:
                for d in item["deductions"]:
                    if d["id"] == REASON:
                        assert d["per_occurrence"] == Decimal(1) and d["cap"] == Decimal(4)
                        d["per_occurrence"] = Decimal(2)
    return Standard.model_validate(data)


@pytest.mark.parametrize("year", ["2023", "2024"])
def test_a_changed_deduction_moves_exactly_the_files_that_used_it(demo, year):
    engine, lead_id = demo
    with session_factory(engine)() as s:
        actor = s.get_one(m.User, lead_id)
        campaign = s.scalars(select(m.Campaign).where(m.Campaign.name.startswith(year))).one()
        row = next(r for r in s.scalars(select(m.CampaignStandard).where(m.CampaignStandard.campaign_id == campaign.id))
                   if load_version(s, r.standard_hash).id == "penalty-general")
        old = load_version(s, row.standard_hash)
        bands, pass_line = file_grading(s, campaign, row.standard_hash)
        used, moving = set(), set()
        for cf, scorings in _scored(s, campaign, row.standard_hash):
            for _, marks, answers in scorings:
                im = marks.items.get(ITEM)
                counts = [dm.occurrences for dm in (im.deductions if im else []) if dm.reason == REASON]
                if not counts:
                    continue
                used.add(cf.case_number)
                zeroed = score(old, attributes_of(cf, answers), marks, bands=bands,
                               pass_line=pass_line).veto.effect == "zero"
                if counts[0] < 4 and not zeroed:  # at 4 or more both versions stop at the cap of 4
                    moving.add(cf.case_number)
        assert len(moving) >= 5  # the demo uses this reason often enough for the test to mean something

        impact = simulate(s, actor, campaign, _edited(old))
        changed = {f.case_number for f in impact.files}
        assert changed == moving and changed <= used
        assert not impact.problems
        assert all(f.new_score < f.old_score for f in impact.files)
        assert {u.unit for u in impact.units} <= {f.unit for f in impact.files}
        s.rollback()
