"""A small world for the reviewer's-day browser tests, written through the core before the browser
starts: a lead, two reviewers of different units, one campaign under the shipped standards, two sampled
files of a third unit (one assigned to each reviewer), and a 5-page PDF attached to the first file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scoring import case_pdfs
from scoring.accounts import create_user
from scoring.db.session import open_db, transaction
from scoring.rubric.loader import DEFAULT_RUBRIC_DIR, RubricLibrary
from scoring.workflow.assignments import assign
from scoring.workflow.campaigns import create_campaign, spec_from_options
from tests.factories import Factory
from tests.pdf_builders import make_pdf

PASSWORD = "review-pass-2024"
CAMPAIGN = "2025年度评查"


@dataclass(frozen=True)
class World:
    campaign_id: int
    file_ids: tuple[int, int]
    assignment_ids: tuple[int, int]  # rv1's on file 1, rv2's on file 2
    case_numbers: tuple[str, str]


def seed(db_url: str) -> World:
    engine = open_db(db_url)
    library = RubricLibrary.load([DEFAULT_RUBRIC_DIR])
    with transaction(engine) as s:
        f = Factory(s)
        home = f.unit("区水务局")
        f.unit("区市场监管局")
        f.unit("城桥镇", kind="town")
        lead = create_user(s, username="lead", display_name="组长", role="lead", password=PASSWORD, bootstrap=True)
        rv1 = create_user(s, username="rv1", display_name="评查员甲", role="reviewer", unit_name="区市场监管局",
                          password=PASSWORD, actor=lead)
        rv2 = create_user(s, username="rv2", display_name="评查员乙", role="reviewer", unit_name="城桥镇",
                          password=PASSWORD, actor=lead)
        spec = spec_from_options(name=CAMPAIGN, year=2025, window_start=dt.date(2024, 1, 1),
                                 window_end=dt.date(2024, 12, 31), reviewers_per_file=1)
        campaign = create_campaign(s, spec, library, lead)
        files = [f.case_file(home, case_number=f"水罚〔2024〕{n}号", case_type="行政处罚", procedure="一般")
                 for n in (101, 102)]
        f.sample(campaign, files)
        a1 = assign(s, lead, campaign, files[0], rv1)
        a2 = assign(s, lead, campaign, files[1], rv2)
        case_pdfs.attach(s, lead, files[0].case_number, "水罚〔2024〕101号.pdf", make_pdf(5, "101"))
        case_pdfs.attach(s, lead, files[1].case_number, "水罚〔2024〕102号.pdf", make_pdf(2, "102"))
        world = World(campaign.id, (files[0].id, files[1].id), (a1.id, a2.id),
                      (files[0].case_number, files[1].case_number))
    engine.dispose()
    return world
