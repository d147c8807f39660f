"""Errors a user can act on.

Every error the core raises for bad input or a forbidden action derives from `CaseReviewError`, carries
a one-line message that says what and where, and is shown as-is by the CLI and the pages (never a
traceback).
"""

from __future__ import annotations

from dataclasses import dataclass, field


class CaseReviewError(Exception):
    """Base class: the message is meant for the person at the keyboard."""


class NotFound(CaseReviewError):
    """A named thing (campaign, user, review, case file) does not exist."""


class PermissionDenied(CaseReviewError):
    """The acting user's role or assignment does not allow this action."""


class ConflictError(CaseReviewError):
    """A save was made against a version that changed meanwhile (optimistic locking)."""

    def __init__(self, message: str, current: object | None = None):
        super().__init__(message)
        self.current = current


class ValidationFailed(CaseReviewError):
    """A domain rule refused the input (a deduction beyond the item maximum, an unknown reason...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is and why it is wrong."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None
    line: int | None = None
    value: str | None = None

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        value = f" (value: {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}: {self.message}{value}" if where else f"{self.message}{value}"


@dataclass
class ProblemReport(CaseReviewError):
    """Raised when an input has one or more problems; lists them all, not just the first."""

    problems: list[Problem] = field(default_factory=list)
    title: str = "input has problems"
    omitted: int = 0  # problems found but not kept (a flood keeps the first ones and counts the rest)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @property
    def count(self) -> int:
        return len(self.problems) + self.omitted

    def shown(self, limit: int = 50) -> tuple[list[Problem], int]:
        """The first `limit` problems and how many more there are."""
        return self.problems[:limit], self.count - min(limit, len(self.problems))

    def __str__(self) -> str:
        n = self.count
        first = f"; first: {self.problems[0]}" if self.problems else ""
        return f"{self.title}: {n} problem{'s' if n != 1 else ''}{first}"
