"""The longest defect names a standard may have (`DEFECT_TEXT_MAX` characters of Chinese: a deduction's
reason, a veto's title) are scored, stored in the problems index of the final results and counted, on
SQLite and on PostgreSQL, whose index entries are limited to about 2.7 KB."""

from __future__ import annotations

from scoring.aggregate import top_problems
from scoring.db.models import User
from scoring.db.session import session_factory
from scoring.rubric.schema import DEFECT_TEXT_MAX
from tests.reliability.world import build
from tests.rubric_builders import standard_dict


def _text(seed: int) -> str:
    """DEFECT_TEXT_MAX varied CJK characters (3 bytes each in UTF-8): a repeated one would be compressed
    inside PostgreSQL's index entry and prove nothing."""
    return "".join(chr(0x4E00 + (seed * 104729 + i * 7919) % 20000) for i in range(DEFECT_TEXT_MAX))


def test_the_longest_defect_names_are_stored_and_counted(engine, tmp_path):
    data = standard_dict()
    n = 0
    for section in data["sections"]:
        for item in section["items"]:
            for d in item["deductions"]:
                n += 1
                d["reason"] = _text(n)
    data["vetoes"][0]["title"] = _text(0)
    world = build(engine, tmp_path, files_per_unit=2, sample=2, reviewers=4, standard=data)
    with session_factory(engine)() as s:
        problems = top_problems(s, s.get(User, world.lead_id), world.campaign_id)
    reasons = [p.reason for group in problems.values() for p in group] if isinstance(problems, dict) else \
        [p.reason for p in problems]
    assert reasons and all(len(r) == DEFECT_TEXT_MAX for r in reasons)
