"""The sampling rules: a strict, JSON-serialisable model stored with every draw.

Extra keys are refused so that a typo in a stored or hand-written rule set can never be silently
ignored when a draw is re-derived.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from scoring.domain import FILE_FLAGS
from scoring.errors import InvalidValue, ValidationFailed, problems_from_validation
from scoring.messages import Msg

_STRICT = ConfigDict(extra="forbid", frozen=True)


class CountQuota(BaseModel):
    """A fixed number of files per unit (0 means: only the forced files)."""

    model_config = _STRICT
    count: Annotated[int, Field(ge=0)]


class PercentQuota(BaseModel):
    """A share of each unit's candidates, rounded up, optionally clamped to [min, max]."""

    model_config = _STRICT
    percent: Annotated[float, Field(gt=0, le=100)]
    min: Annotated[int | None, Field(ge=0)] = None
    max: Annotated[int | None, Field(ge=0)] = None

    @model_validator(mode="after")
    def _min_le_max(self) -> PercentQuota:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise InvalidValue("sample.quota_min_max", min=self.min, max=self.max)
        return self


class ForcedRule(BaseModel):
    """At least `min` files with `flag` per unit, when the unit has them."""

    model_config = _STRICT
    flag: str
    min: Annotated[int, Field(ge=1)] = 1

    @field_validator("flag")
    @classmethod
    def _known_flag(cls, value: str) -> str:
        if value not in FILE_FLAGS:
            raise InvalidValue("sample.unknown_flag", flag=value, known=list(FILE_FLAGS))
        return value


def _quota_kind(value: object) -> str | None:
    """Pick the quota model by its key, so errors speak of that model and not of both."""
    if isinstance(value, dict):
        kinds = [k for k in ("count", "percent") if k in value]
        return kinds[0] if len(kinds) == 1 else None
    models: dict[type, str] = {CountQuota: "count", PercentQuota: "percent"}
    return models.get(type(value))


Quota = Annotated[
    Annotated[CountQuota, Tag("count")] | Annotated[PercentQuota, Tag("percent")],
    Discriminator(_quota_kind, custom_error_type="quota",
                  custom_error_message='quota must be {"count": n} or {"percent": p, "min": a, "max": b}'),
]


class SampleRules(BaseModel):
    model_config = _STRICT
    quota: Quota
    stratify_by_case_type: bool = True
    forced: list[ForcedRule] = Field(default_factory=list)
    units: list[str] | None = None
    # Files forced in by case number (e.g. the files the machine pre-check flagged), drawn before the
    # flag rules and the quota; stored with the draw, so it re-derives exactly.
    forced_files: list[str] = Field(default_factory=list)

    @field_validator("forced")
    @classmethod
    def _one_rule_per_flag(cls, value: list[ForcedRule]) -> list[ForcedRule]:
        flags = [rule.flag for rule in value]
        dupes = sorted({f for f in flags if flags.count(f) > 1})
        if dupes:
            raise InvalidValue("sample.flag_twice", flags=dupes)
        return value

    @field_validator("units")
    @classmethod
    def _units_unique(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise InvalidValue("sample.units_empty")
            if len(set(value)) != len(value):
                raise InvalidValue("sample.unit_twice")
        return value

    @field_validator("forced_files")
    @classmethod
    def _files_unique(cls, value: list[str]) -> list[str]:
        dupes = sorted({v for v in value if value.count(v) > 1})
        if dupes:
            raise InvalidValue("sample.file_twice", files=dupes[:5])
        return sorted(value)

    def to_json(self) -> dict:
        """The stored form: every key present, so equal rules compare and hash equal (`forced_files` only
        when used, so records drawn before it existed keep their hash)."""
        data = self.model_dump(mode="json")
        if not data["forced_files"]:
            del data["forced_files"]
        return data

    @classmethod
    def parse(cls, data: object) -> SampleRules:
        """Validate rules from JSON or a dict; a bad rule set is one ValidationFailed line."""
        try:
            if isinstance(data, (str, bytes)):
                return cls.model_validate_json(data)
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = list(first["loc"])
            if loc[:1] == ["quota"] and len(loc) > 2:
                del loc[1]  # the union's tag repeats the key
            where = ".".join(str(p) for p in loc) or "rules"
            msg = first["msg"].removeprefix("Value error, ")
            coded = problems_from_validation([first])[0]
            why = Msg(coded.code, coded.params) if coded.code else msg
            more = Msg("sample.rules_more", {"n": exc.error_count() - 1}) if exc.error_count() > 1 else ""
            raise ValidationFailed(code="sample.bad_rules", where=where, why=why, more=more) from None


def unit_quota(quota: CountQuota | PercentQuota, n_candidates: int) -> int:
    """n_unit for a unit with `n_candidates` files (before forced picks)."""
    if isinstance(quota, CountQuota):
        n = quota.count
    else:
        # Decimal on the percent as written: 100 * 0.07 must give 7, not 7.000000000000001.
        n = math.ceil(Decimal(n_candidates) * Decimal(str(quota.percent)) / 100)
        if quota.min is not None:
            n = max(n, quota.min)
        if quota.max is not None:
            n = min(n, quota.max)
    return min(n, n_candidates)
