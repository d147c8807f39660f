"""Read-only look-ups in the app's database from the test process, through the core: which seed draws a
file the flow can score, who was assigned it, and what score the engine gives a set of marks.

The browser does all the writing; these only read (SQLite in WAL mode, so reading beside the running
server is safe).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine, select

from scoring.db.models import Assignment, Campaign, CaseFile, User
from scoring.db.session import session_factory
from scoring.engine import ScoreResult, score
from scoring.marks import Marks
from scoring.rubric.model import Standard
from scoring.workflow.campaigns import campaign_bands, standard_for
from scoring.workflow.reviews import attributes_of
from scoring.workflow.sampling.record import preview_sample
from tests.factories import lead_id


@dataclass(frozen=True)
class Reviewer:
    username: str
    display_name: str


def campaign_id(engine: Engine, name: str) -> int:
    with session_factory(engine)() as s:
        return s.scalars(select(Campaign.id).where(Campaign.name == name)).one()


def pick_seed(engine: Engine, cid: int, rules: dict, want: Callable[[CaseFile], bool], *, start: int = 20240601,
              tries: int = 500) -> tuple[int, str]:
    """The first seed from `start` whose draw under `rules` is exactly one file satisfying `want(case_file)`;
    returns (seed, case number)."""
    with session_factory(engine)() as s:
        for seed in range(start, start + tries):
            picks = preview_sample(engine, cid, rules, seed, actor_id=lead_id(engine))
            if len(picks) != 1:
                raise AssertionError(f"rules {rules} draw {len(picks)} files, not 1")
            cf = s.scalars(select(CaseFile).where(CaseFile.case_number == picks[0].case_number)).one()
            if want(cf):
                return seed, cf.case_number
    raise AssertionError(f"no seed in [{start}, {start + tries}) draws a suitable file")


def assigned_reviewers(engine: Engine, cid: int, case_number: str) -> list[Reviewer]:
    """The reviewers assigned the file, in assignment order."""
    with session_factory(engine)() as s:
        rows = s.execute(
            select(User.username, User.display_name)
            .join(Assignment, Assignment.reviewer_id == User.id)
            .join(CaseFile, CaseFile.id == Assignment.case_file_id)
            .where(Assignment.campaign_id == cid, CaseFile.case_number == case_number)
            .order_by(Assignment.id)
        ).all()
    return [Reviewer(u, d) for u, d in rows]


def engine_score(engine: Engine, cid: int, case_number: str, marks: dict) -> ScoreResult:
    """What the pure engine gives `marks` (scoring JSON) on this file under the campaign's standard."""
    with session_factory(engine)() as s:
        campaign = s.get(Campaign, cid)
        cf = s.scalars(select(CaseFile).where(CaseFile.case_number == case_number)).one()
        standard = standard_for(s, campaign, cf)
        return score(standard, attributes_of(cf), Marks.model_validate(marks), bands=campaign_bands(campaign),
                     pass_line=campaign.pass_line)


def standard_of(engine: Engine, cid: int, case_number: str) -> Standard:
    """The standard version the campaign scores this file with."""
    with session_factory(engine)() as s:
        campaign = s.get(Campaign, cid)
        cf = s.scalars(select(CaseFile).where(CaseFile.case_number == case_number)).one()
        return standard_for(s, campaign, cf)


def num(value: Decimal) -> str:
    """A number as the scoring form shows it (1.5, 3)."""
    return f"{value.normalize():f}"


def two_places(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"
