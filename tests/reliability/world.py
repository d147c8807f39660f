"""A small, fully scored campaign built through the real workflow (shared by the reliability tests and
`benchmarks/reliability.py`): units, accounts, an imported register, a drawn sample, assignments,
submitted double reviews with deductions, final results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from scoring.accounts import create_user
from scoring.db.models import Assignment
from scoring.db.session import session_factory, transaction
from scoring.marks import Marks
from scoring.register import add_unit, import_register
from scoring.rubric.loader import RubricLibrary
from scoring.workflow.assignments import auto_assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from scoring.workflow.reviews import open_review, save_draft, submit_review
from scoring.workflow.sampling import SampleRules
from scoring.workflow.sampling.record import draw_sample
from tests.reliability.hostile import _csv, _row
from tests.rubric_builders import standard_dict, write_yaml

UNITS = ("区城管执法局", "区市场监管局", "城桥镇")
PASSWORD = "s3cret-pass-word"


@dataclass
class World:
    campaign_id: int
    campaign_name: str
    lead_id: int
    reviewer_ids: list[int]
    assignment_ids: list[int]


def library(tmp: Path, standard: dict | None = None) -> RubricLibrary:
    write_yaml(tmp / "rubrics" / "mini.yaml", standard or standard_dict())
    return RubricLibrary.load([tmp / "rubrics"])


FORMULAS = ("=1+1", "+SUM(A1:A9)", "-2+3*cmd", "@SUM(1)", "\t=1", "=HYPERLINK(\"http://x\",\"y\")")


def build(engine: Engine, tmp: Path, files_per_unit: int = 6, sample: int = 6, reviewers: int = 6,
          submit: bool = True, formulas: bool = False, standard: dict | None = None) -> World:
    """`formulas`: case numbers, descriptions and comments start with formula signs (for CSV export tests);
    `standard`: the "mini" standard's data instead of `standard_dict()`."""
    lib = library(tmp, standard)
    names = {u: (FORMULAS[i] + u if formulas else u) for i, u in enumerate(UNITS)}
    with transaction(engine) as s:
        lead = create_user(s, username="lead", display_name="组长", role="lead", password=PASSWORD, bootstrap=True)
        for name in UNITS:
            add_unit(s, names[name], "department" if name.startswith("区") else "town", actor_id=lead.id)
        revs = [create_user(s, username=f"r{i}", display_name=f"评查员{i}", role="reviewer", actor=lead,
                            unit_name=names[UNITS[i % len(UNITS)]],
                            password=PASSWORD) for i in range(reviewers)]
        spec = spec_from_options(name="2024年度评查", year=2024, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), standards={"行政处罚": "mini"})
        campaign = create_campaign(s, spec, lib, lead)
        ids = (campaign.id, campaign.name, lead.id, [r.id for r in revs])
    rows = [_row(i, "世界") for i in range(1, files_per_unit * len(UNITS) + 1)]
    for r in rows:
        r[-1] = f"案由{r[0]}号独特文本"
        r[1] = names[r[1]]
        if formulas:
            f = FORMULAS[int(r[0]) % len(FORMULAS)]
            r[2], r[-1] = f + r[2], f + r[-1]
    report = import_register(engine, _csv(rows).encode("utf-8"), filename="world.csv", actor_id=ids[2])
    assert report.ok, report.problems
    draw_sample(engine, ids[0], SampleRules.parse({"quota": {"count": sample}}), 20240301, actor_id=ids[2])
    with transaction(engine) as s:
        from scoring.db.models import Campaign, User

        auto_assign(s, s.get(User, ids[2]), s.get(Campaign, ids[0]))
    with session_factory(engine)() as s:
        assignment_ids = [a.id for a in s.query(Assignment).filter_by(campaign_id=ids[0]).order_by(Assignment.id)]
    if submit:
        for n, aid in enumerate(assignment_ids):
            with transaction(engine) as s:
                a = s.get(Assignment, aid)
                rv = open_review(s, a.reviewer, a.id)
                marks = {"items": {"A1": {"deductions": [{"reason": "b", "occurrences": 1 + n % 2, "page": "3",
                                                          "comment": (FORMULAS[n % len(FORMULAS)] if formulas
                                                                      else "") + f"扣分说明{aid}号"}]}}}
                save_draft(s, a.reviewer, rv.id, Marks.model_validate(marks), expected_version=rv.version)
                submit_review(s, a.reviewer, rv.id, expected_version=rv.version)
    return World(ids[0], ids[1], ids[2], ids[3], assignment_ids)
