"""What a reviewer records on a file: per-item deductions or N/A, and triggered vetoes.

This is also the JSON format of `casereview rubric score` (see README "Scoring JSON").
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, field_validator, model_validator

from scoring.errors import InvalidValue
from scoring.rubric.schema import FileAttributes, Strict, points_value

MEDIA_TIME = r"^\d{1,2}:\d{2}(:\d{2})?$"


class Location(Strict):
    """Where in the file the defect is: a page (or range), or a media file and a timestamp."""

    page: str | None = Field(default=None, max_length=60)
    media_file: str | None = Field(default=None, max_length=300)
    media_time: str | None = Field(default=None, pattern=MEDIA_TIME)

    @field_validator("page", "media_file", "media_time", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        if isinstance(v, int) and not isinstance(v, bool):
            return str(v)
        return None if isinstance(v, str) and not v.strip() else (v.strip() if isinstance(v, str) else v)

    @model_validator(mode="after")
    def _time_needs_file(self) -> Location:
        if self.media_time and not self.media_file:
            raise InvalidValue("marks.media_needs_file")
        return self

    @property
    def given(self) -> bool:
        return bool(self.page or self.media_file)

    def describe(self) -> str:
        parts = []
        if self.page:
            parts.append(f"第{self.page}页")
        if self.media_file:
            parts.append(self.media_file + (f" {self.media_time}" if self.media_time else ""))
        return "；".join(parts)


# Occurrences are bounded only by what the database column holds; the item floor (扣完为止) takes care of
# large counts, and counts far beyond what an item can take are a warning the reviewer confirms.
MAX_OCCURRENCES = 2_147_483_647


class DeductionMark(Location):
    """One listed defect found in the file (or `other`, or an award on a bonus item). `points` is what
    the reviewer chose for a range reason (per occurrence when the range is per occurrence) or for an
    `other` deduction; fixed and per-occurrence reasons leave it out."""

    reason: str = Field(min_length=1, max_length=60)
    occurrences: int = Field(default=1, ge=1, le=MAX_OCCURRENCES)
    points: Decimal | None = None
    comment: str = Field(default="", max_length=2000)

    @field_validator("points", mode="before")
    @classmethod
    def _points(cls, v: object) -> object:
        return None if v is None or v == "" else points_value(v)

    @property
    def location(self) -> Location:
        return Location(page=self.page, media_file=self.media_file, media_time=self.media_time)


class ItemMark(Strict):
    """An item is OK (no entry, or no deductions), not applicable (`na: true`), or has deductions."""

    na: bool = False
    deductions: list[DeductionMark] = Field(default_factory=list)
    comment: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _na_has_no_deductions(self) -> ItemMark:
        if self.na and self.deductions:
            raise InvalidValue("marks.na_with_deductions")
        return self


class VetoMark(Location):
    """A veto found to apply: listing it means it was triggered."""

    comment: str = Field(default="", max_length=2000)

    @property
    def location(self) -> Location:
        return Location(page=self.page, media_file=self.media_file, media_time=self.media_time)


class Marks(Strict):
    items: dict[str, ItemMark] = Field(default_factory=dict)
    vetoes: dict[str, VetoMark] = Field(default_factory=dict)


class ScoreInput(Marks):
    """The `rubric score` JSON: the file's attributes plus the marks."""

    file: FileAttributes

    def marks(self) -> Marks:
        return Marks(items=self.items, vetoes=self.vetoes)
