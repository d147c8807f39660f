"""Collecting problems without letting a broken million-row file fill the memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from scoring.errors import Problem, ProblemReport
from scoring.messages import Msg

MAX_PROBLEMS = 1000


class HasProblems(Protocol):
    problems: list[Problem]
    problem_count: int


def add_problems(report: HasProblems, problems: Iterable[Problem], cap: int | None = None) -> None:
    """Keep the first `cap` (default `MAX_PROBLEMS`) problems, count them all."""
    cap = MAX_PROBLEMS if cap is None else cap
    for problem in problems:
        report.problem_count += 1
        if len(report.problems) < cap:
            report.problems.append(problem)


def summary_title(source: str, problem_count: int, kept: int, what: str = "nothing imported") -> str:
    """Title for a `ProblemReport`, which itself appends the number of problems it lists."""
    capped = f" ({problem_count} problems in all, the first {kept} listed)" if kept < problem_count else ""
    return f"{source}: {what}{capped}"


class ReportOutcome:
    """`ok` and `raise_for_problems` for the import reports (registers, unit lists)."""

    source_name: str
    problems: list[Problem]
    problem_count: int

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def raise_for_problems(self) -> None:
        """Raise `ProblemReport` listing the problems (for the CLI), if there are any."""
        if not self.ok:
            kept = len(self.problems)
            capped = Msg("register.capped", {"n": self.problem_count, "kept": kept}) if kept < self.problem_count else ""
            raise ProblemReport(self.problems, title_code="register.nothing_imported",
                                title_params={"source": self.source_name, "capped": capped})
