"""Errors a user can act on.

Every error the core raises for bad input or a forbidden action derives from `CaseReviewError` and says
what and where. Raise it with a stable code from `scoring.messages.MESSAGES` and its parameters:

    raise ValidationFailed(code="campaign.window_order", start=spec.window_start, end=spec.window_end)

The English text becomes the exception's message (logs, tracebacks in tests); the pages and the CLI
show `exc.localized(lang)` in the person's language. A plain message (`ValidationFailed("...")`)
still works and is shown as written in both languages, so convert such raise sites to codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scoring.messages import text


class CaseReviewError(Exception):
    """Base class: the message is meant for the person at the keyboard."""

    def __init__(self, message: str | None = None, *, code: str | None = None, **params: Any) -> None:
        if message is None:
            message = text(code, "en", **params) if code else type(self).__name__
        super().__init__(message)
        self.code = code
        self.params: dict[str, Any] = params

    def localized(self, lang: str) -> str:
        """The message in `lang` ("zh" / "en"): from its code when it has one, else as written."""
        return text(self.code, lang, **self.params) if self.code else str(self)


class NotFound(CaseReviewError):
    """A named thing (campaign, user, review, case file) does not exist."""


class PermissionDenied(CaseReviewError):
    """The acting user's role or assignment does not allow this action."""


class ConflictError(CaseReviewError):
    """A save was made against a version that changed meanwhile (optimistic locking)."""

    def __init__(self, message: str | None = None, current: object | None = None, *, code: str | None = None,
                 **params: Any) -> None:
        super().__init__(message, code=code, **params)
        self.current = current


class ValidationFailed(CaseReviewError):
    """A domain rule refused the input (a deduction beyond the item maximum, an unknown reason...)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is and why it is wrong."""

    message: str = ""
    file: str | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None
    line: int | None = None
    value: str | None = None
    code: str | None = None  # a scoring.messages code; `message` is then its English text unless given
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code and not self.message:
            object.__setattr__(self, "message", text(self.code, "en", **self.params))

    def localized_message(self, lang: str) -> str:
        """Why, in `lang` (the message as written when the problem has no code)."""
        return text(self.code, lang, **self.params) if self.code else self.message

    def localized(self, lang: str) -> str:
        """Where and why in `lang`: "第3行，“执法单位”列：…"."""
        parts = [self.file] if self.file else []
        if self.line is not None:
            parts.append(text("where.line", lang, line=self.line))
        if self.row is not None:
            parts.append(text("where.row", lang, row=self.row))
        if self.column:
            parts.append(text("where.column", lang, column=self.column))
        if self.path:
            parts.append(self.path)
        value = text("where.value", lang, value=self.value) if self.value not in (None, "") else ""
        why = self.localized_message(lang) + value
        sep = ("，", "：") if lang == "zh" else (", ", ": ")
        return f"{sep[0].join(parts)}{sep[1]}{why}" if parts else why

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
    title_code: str | None = None  # a scoring.messages code for the title (then `title` is its English)
    title_params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.title_code:
            self.title = text(self.title_code, "en", **self.title_params)
        Exception.__init__(self, str(self))
        self.code = None
        self.params = {}

    def localized_title(self, lang: str) -> str:
        return text(self.title_code, lang, **self.title_params) if self.title_code else self.title

    def localized(self, lang: str) -> str:
        """"Title: N problems" in `lang` (the problems themselves go in a table or a list)."""
        return text("problems.title", lang, title=self.localized_title(lang), n=self.count)

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


class InvalidValue(ValueError):
    """A ValueError with a message code, for validators inside pydantic models: `problems_from_validation`
    turns it into a Problem with that code (pydantic otherwise hands on only the English text)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(text(code, "en", **params))
        self.code = code
        self.params = params


# pydantic error type -> message code, and the context key that fills its parameter
_PYDANTIC_CODES: dict[str, tuple[str, str | None, str | None]] = {
    "missing": ("field.required", None, None),
    "string_too_short": ("field.empty", None, None),
    "string_too_long": ("field.too_long", "max_length", "max"),
    "int_parsing": ("field.not_integer", None, None),
    "int_type": ("field.not_integer", None, None),
    "int_from_float": ("field.not_integer", None, None),
    "decimal_parsing": ("field.not_number", None, None),
    "decimal_type": ("field.not_number", None, None),
    "float_parsing": ("field.not_number", None, None),
    "date_parsing": ("field.not_date", None, None),
    "date_from_datetime_parsing": ("field.not_date", None, None),
    "date_type": ("field.not_date", None, None),
    "greater_than_equal": ("field.too_small", "ge", "min"),
    "greater_than": ("field.too_small", "gt", "min"),
    "less_than_equal": ("field.too_large", "le", "max"),
    "less_than": ("field.too_large", "lt", "max"),
    "literal_error": ("field.one_of", "expected", "expected"),
    "enum": ("field.one_of", "expected", "expected"),
    "extra_forbidden": ("field.unknown", None, None),
}


def problems_from_validation(errors: Sequence[Mapping[str, Any]], labels: Mapping[str, Any] | None = None) -> list[Problem]:
    """pydantic's `exc.errors()` as coded Problems: the column is the field's label (a `Msg` from
    `labels` by the dotted location, so it translates too) and the message says why in either language."""
    labels = labels or {}
    out = []
    for e in errors:
        where = ".".join(map(str, e.get("loc", ()))) or None
        column = labels.get(where or "", where)
        original = (e.get("ctx") or {}).get("error")
        if isinstance(original, InvalidValue):
            out.append(Problem(code=original.code, params=original.params, column=column))
            continue
        code, ctx_key, param = _PYDANTIC_CODES.get(e.get("type", ""), ("field.invalid", None, None))
        params = {param: (e.get("ctx") or {}).get(ctx_key)} if param and ctx_key else {}
        if code == "field.invalid":  # a validator's own words (English) are kept for the log
            out.append(Problem(message=str(e.get("msg", "")).removeprefix("Value error, "), code=None, column=column))
            continue
        out.append(Problem(code=code, params=params, column=column))
    return out


class ProblemCollector:
    """Collects problems, keeping the first `keep` and counting the rest, so that a flood (900,000 unknown
    items) costs bounded memory and still reports how many there were."""

    def __init__(self, keep: int = 1000) -> None:
        self.keep = keep
        self.problems: list[Problem] = []
        self.omitted = 0

    def append(self, problem: Problem) -> None:
        if len(self.problems) < self.keep:
            self.problems.append(problem)
        else:
            self.omitted += 1

    def __bool__(self) -> bool:
        return bool(self.problems)

    def report(self, title: str = "input has problems", *, title_code: str | None = None,
               title_params: Mapping[str, Any] | None = None) -> ProblemReport:
        return ProblemReport(self.problems, title=title, omitted=self.omitted, title_code=title_code,
                             title_params=title_params or {})
