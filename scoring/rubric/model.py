"""The composed standard: a standard file with its modules pulled in, as the engine uses it.

Composition is explicit: the standard's own sections come first, then each included module's sections
in `include` order. A module's `applies_when` is carried onto each of its sections and vetoes, so a
legal-review module applies only to major decisions without repeating the condition on every item.
The composed standard is what gets hashed and stored: its hash is the version a score was made under.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import cached_property
from typing import Any

from pydantic import Field

from scoring.rubric.schema import (
    AppliesTo,
    Condition,
    Deduction,
    FileAttributes,
    GradeBand,
    Strict,
    VetoEffect,
)

# Keys added to the format after standards were first stored: left out of the canonical form while at
# their default, so a standard that does not use them keeps the version hash it always had.
LATER_KEYS = frozenset({"range", "allow_other", "bonus", "any", "all", "not_", "attrs", "finding"})


def _drop_later_defaults(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_later_defaults(v) for k, v in obj.items()
                if not (k in LATER_KEYS and v in (None, False, [], {}))}
    if isinstance(obj, list):
        return [_drop_later_defaults(v) for v in obj]
    return obj


def all_match(conditions: list[Condition], attrs: FileAttributes) -> bool:
    return all(c.matches(attrs) for c in conditions)


class CItem(Strict):
    id: str
    title: str
    focus: str
    max: Decimal
    allow_na: bool = False
    allow_other: Decimal | None = None  # "其他问题酌情扣分" up to this many points (reason id `other`)
    bonus: bool = False  # a 加分项: its "deductions" are awards that add points
    conditions: list[Condition] = Field(default_factory=list)
    recommendation: str | None = None
    guidance: str | None = None
    deductions: list[Deduction]

    def deduction(self, reason_id: str) -> Deduction | None:
        return next((d for d in self.deductions if d.id == reason_id), None)


class CSection(Strict):
    id: str
    title: str
    max: Decimal
    module: str | None = None
    conditions: list[Condition] = Field(default_factory=list)
    items: list[CItem]


class CVeto(Strict):
    id: str
    title: str
    focus: str
    effect: VetoEffect
    module: str | None = None
    conditions: list[Condition] = Field(default_factory=list)
    recommendation: str | None = None
    guidance: str | None = None


class Standard(Strict):
    """A complete scoring form. Immutable; `hash` identifies this exact content."""

    id: str
    title: str
    version_label: str | None = None
    description: str | None = None
    applies_to: AppliesTo
    total: Decimal
    pass_line: Decimal
    grade_bands: list[GradeBand]
    modules: list[str] = Field(default_factory=list)
    sections: list[CSection]
    vetoes: list[CVeto] = Field(default_factory=list)
    bonus: list[CItem] = Field(default_factory=list)  # 加分项, outside the sections and their total

    @cached_property
    def hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def canonical_json(self) -> str:
        return json.dumps(_drop_later_defaults(self.model_dump(mode="json")), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))

    @cached_property
    def items_by_id(self) -> dict[str, tuple[CSection, CItem]]:
        return {item.id: (section, item) for section in self.sections for item in section.items}

    @cached_property
    def bonus_by_id(self) -> dict[str, CItem]:
        return {item.id: item for item in self.bonus}

    @cached_property
    def vetoes_by_id(self) -> dict[str, CVeto]:
        return {v.id: v for v in self.vetoes}

    def item_applies(self, item_id: str, attrs: FileAttributes) -> bool:
        section, item = self.items_by_id[item_id]
        return all_match(section.conditions, attrs) and all_match(item.conditions, attrs)

    @cached_property
    def attribute_keys(self) -> list[str]:
        """Declared attributes (beyond the built-in six) any condition of this standard reads."""
        keys: set[str] = set()
        for section in self.sections:
            for c in section.conditions + [c for item in section.items for c in item.conditions]:
                keys |= c.keys_used()
        for v in self.vetoes:
            for c in v.conditions:
                keys |= c.keys_used()
        return sorted(keys)

    def missing_attributes(self, attrs: FileAttributes) -> list[str]:
        """Attributes this standard's conditions read that are not known for the file: until they are
        answered, the items that depend on them cannot be decided (and are treated as not matching)."""
        return [k for k in self.attribute_keys if attrs.value(k) is None]

    def veto_applies(self, veto_id: str, attrs: FileAttributes) -> bool:
        return all_match(self.vetoes_by_id[veto_id].conditions, attrs)

    def covers(self, attrs: FileAttributes) -> bool:
        """Whether this standard is meant for a file of this case type and procedure."""
        if attrs.case_type not in self.applies_to.case_types:
            return False
        procs = self.applies_to.procedures
        return procs is None or attrs.procedure in procs
