"""The scoring-standard file format, as a strict pydantic schema.

A rubric file is YAML. `kind: standard` files are the forms used to score a case type; `kind: module`
files hold one focus area's sections and vetoes and are pulled into standards with `include:`. The
README's "Rubric format" section documents every key; unknown keys are errors.

Points are Decimals with at most two places; they are normalised to two places so that the content
hash of a standard does not depend on how a number was written (`2`, `2.0`, `2.00`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from scoring.domain import FILE_FLAGS
from scoring.errors import InvalidValue
from scoring.messages import Join, Msg
from scoring.rubric.vocabulary import AttributeDecl, Vocabulary, active_vocabulary

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=60)]
TWO_PLACES = Decimal("0.01")


def points_value(v: object) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, int | float | str | Decimal):
        raise InvalidValue("schema.not_number")
    try:
        d = Decimal(str(v).strip())
    except ArithmeticError:
        raise InvalidValue("schema.not_number") from None
    if not d.is_finite() or d < 0:
        raise InvalidValue("schema.negative")
    try:
        two = d.quantize(TWO_PLACES)
    except ArithmeticError:  # more digits than a Decimal holds (1e26 points): no standard's number
        raise InvalidValue("schema.not_number") from None
    if d != two:
        raise InvalidValue("schema.decimals")
    return two


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


BUILTIN_FIELDS = ("case_type", "procedure", "major_decision", "waiver", "hearing_held", "coercive_measure")


def _vocab(info: ValidationInfo | None) -> Vocabulary | None:
    """The vocabulary to check names against: the loader passes the library's in the validation context;
    stored (already checked) content is validated without one."""
    ctx = info.context if info is not None else None
    return ctx.get("vocabulary") if isinstance(ctx, dict) else None


def check_focus(focus: str, info: ValidationInfo | None) -> None:
    known = (_vocab(info) or active_vocabulary()).all_focus
    if focus not in known:
        raise InvalidValue("schema.unknown_focus", focus=focus, known=list(known))


def _as_date(v: object) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        return None


def _same(want: object, have: object) -> bool:
    if isinstance(have, bool) or isinstance(want, bool):
        return want is have
    if isinstance(have, dt.date):
        return _as_date(want) == have
    if isinstance(have, Decimal | int | float):
        try:
            return Decimal(str(want)) == Decimal(str(have))
        except ArithmeticError:
            return False
    return want == have


def _bound(v: object, have: object) -> Decimal | dt.date | None:
    if isinstance(have, dt.date):
        return _as_date(v)
    try:
        return Decimal(str(v))
    except ArithmeticError:
        return None


def value_matches(want: object, have: object) -> bool:
    """One condition value against a file's value: equal, one of a list, or within {min, max}."""
    if have is None:
        return False  # not known for this file: see Standard.missing_attributes
    if isinstance(want, list):
        return any(_same(w, have) for w in want)
    if isinstance(want, dict):
        lo, hi = want.get("min"), want.get("max")
        if isinstance(have, bool):
            return False
        lo_b = _bound(lo, have) if lo is not None else None
        hi_b = _bound(hi, have) if hi is not None else None
        try:
            return (lo_b is None or have >= lo_b) and (hi_b is None or have <= hi_b)  # type: ignore[operator]
        except TypeError:
            return False
    return _same(want, have)


class Condition(Strict):
    """`applies_when`: every key given must match the file (AND); a list means "one of these"; a number
    or date attribute may give `{min: .., max: ..}` (inclusive). `any:` (one of the conditions), `all:`
    (every one) and `not:` nest. Keys other than the built-in six are declared attributes
    (rubrics/vocabulary.yaml), kept under `attrs`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    case_type: list[str] | None = None
    procedure: list[str] | None = None
    major_decision: bool | None = None
    waiver: bool | None = None
    hearing_held: bool | None = None
    coercive_measure: bool | None = None
    attrs: dict[str, Any] | None = None
    any: list[Condition] | None = None
    all: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="before")
    @classmethod
    def _gather_declared(cls, data: object) -> object:
        if isinstance(data, dict):
            known = {*cls.model_fields, "not"}
            extra = {k: v for k, v in data.items() if k not in known}
            if extra:
                data = {k: v for k, v in data.items() if k in known}
                data["attrs"] = {**(data.get("attrs") or {}), **{str(k): v for k, v in extra.items()}}
        return data

    @field_validator("case_type", "procedure", mode="before")
    @classmethod
    def _as_list(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _known(self, info: ValidationInfo) -> Condition:
        vocab = _vocab(info)
        if vocab is not None:
            wrong = self.problems(vocab)
            if wrong:
                raise InvalidValue("schema.condition", problems=Join(tuple(wrong), "；", "; "))
        return self

    def problems(self, vocab: Vocabulary) -> list[Msg]:
        """What this condition names that the vocabulary does not declare, or gives in the wrong shape."""
        out: list[Msg] = []
        for ct in self.case_type or []:
            if ct not in vocab.case_types:
                out.append(Msg("schema.unknown_case_type", {"value": ct, "known": list(vocab.case_types)}))
        for p in self.procedure or []:
            if p not in vocab.procedures:
                out.append(Msg("schema.unknown_procedure", {"value": p, "known": list(vocab.procedures)}))
        for key, want in (self.attrs or {}).items():
            decl = vocab.attribute(key)
            if decl is None or key in BUILTIN_FIELDS:
                out.append(Msg("schema.cond_attribute", {"key": key, "known": list(vocab.attributes)}))
                continue
            out.extend(Msg("schema.cond_value", {"key": key, "why": m}) for m in _shape_problems(decl, want))
        if self.any is not None and not self.any:
            out.append(Msg("schema.any_empty"))
        if self.all is not None and not self.all:
            out.append(Msg("schema.all_empty"))
        return out

    def matches(self, attrs: FileAttributes) -> bool:
        if self.case_type is not None and attrs.case_type not in self.case_type:
            return False
        if self.procedure is not None and attrs.procedure not in self.procedure:
            return False
        for flag in FILE_FLAGS:
            want = getattr(self, flag)
            if want is not None and getattr(attrs, flag) != want:
                return False
        for key, want in (self.attrs or {}).items():
            if not value_matches(want, attrs.value(key)):
                return False
        if self.any is not None and not any(c.matches(attrs) for c in self.any):
            return False
        if self.all is not None and not all(c.matches(attrs) for c in self.all):
            return False
        return not (self.not_ is not None and self.not_.matches(attrs))

    def keys_used(self) -> set[str]:
        """Declared attributes (beyond the built-in six) this condition reads."""
        keys = set(self.attrs or {})
        for c in [*(self.any or []), *(self.all or []), *([self.not_] if self.not_ else [])]:
            keys |= c.keys_used()
        return keys

    def describe(self, labels: dict[str, str] | None = None) -> str:
        """A short Chinese phrase for the UI: "举行听证", "（需现场核查 或 实施查封扣押）"."""
        if labels is None:
            labels = {a.key: a.zh for a in active_vocabulary().attributes.values()}
        parts: list[str] = []
        if self.case_type:
            parts.append("/".join(self.case_type))
        if self.procedure:
            parts.append("/".join(p + "程序" for p in self.procedure))
        for flag, label in FILE_FLAGS.items():
            want = getattr(self, flag)
            if want is True:
                parts.append(label)
            elif want is False:
                parts.append("非" + label)
        for key, want in (self.attrs or {}).items():
            label = labels.get(key, key)
            if want is True:
                parts.append(label)
            elif want is False:
                parts.append("非" + label)
            elif isinstance(want, dict):
                lo, hi = want.get("min"), want.get("max")
                parts.append(label + (f"≥{lo}" if lo is not None else "") + (f"≤{hi}" if hi is not None else ""))
            else:
                parts.append(f"{label}为{'/'.join(map(str, want)) if isinstance(want, list) else want}")
        if self.any:
            parts.append("（" + " 或 ".join(c.describe(labels) for c in self.any) + "）")
        if self.all:
            parts.append("、".join(c.describe(labels) for c in self.all))
        if self.not_ is not None:
            parts.append("非（" + self.not_.describe(labels) + "）")
        return "、".join(parts)


def _shape_problems(decl: AttributeDecl, want: object) -> list[Msg | str]:
    values = want if isinstance(want, list) else [want]
    if isinstance(want, dict):
        if decl.type not in ("number", "date"):
            return [Msg("schema.range_only", {"example": "{min, max}", "key": decl.key, "type": decl.type})]
        extra = set(want) - {"min", "max"}
        if extra or not want:
            return [Msg("schema.range_shape", {"example": "{min: .., max: ..}"})]
        values = [v for v in want.values() if v is not None]
    out: list[Msg | str] = []
    for v in values:
        try:
            decl.parse(v)
        except InvalidValue as exc:
            out.append(Msg(exc.code, exc.params))
        except ValueError as exc:  # a declaration's own words (AttributeDecl.parse raises InvalidValue)
            out.append(str(exc))
    return out


class FileAttributes(Strict):
    """What the engine needs to know about a case file to decide which items apply: the built-in six,
    and the declared attributes known for this file (`attrs`) with where each came from (`sources`:
    register / lead / reviewer)."""

    case_type: str
    procedure: str | None = None
    major_decision: bool = False
    waiver: bool = False
    hearing_held: bool = False
    coercive_measure: bool = False
    attrs: dict[str, Any] = Field(default_factory=dict)
    sources: dict[str, str] = Field(default_factory=dict)

    @field_validator("case_type")
    @classmethod
    def _known_case_type(cls, v: str) -> str:
        known = active_vocabulary().case_types
        if v not in known:
            raise InvalidValue("schema.unknown_case_type", value=v, known=list(known))
        return v

    @field_validator("procedure")
    @classmethod
    def _known_procedure(cls, v: str | None) -> str | None:
        known = active_vocabulary().procedures
        if v is not None and v not in known:
            raise InvalidValue("schema.unknown_procedure", value=v, known=list(known))
        return v

    def value(self, key: str) -> Any:
        return getattr(self, key) if key in BUILTIN_FIELDS else self.attrs.get(key)


OTHER_REASON = "other"  # the reason id of an `allow_other` deduction ("其他问题酌情扣分")


class PointRange(Strict):
    """A range the reviewer chooses from ("每处扣1-3分", "视情节扣2-5分"), per occurrence or once."""

    min: Decimal
    max: Decimal
    per: Literal["once", "occurrence"] = "once"

    _norm = field_validator("min", "max", mode="before")(lambda cls, v: points_value(v))

    @model_validator(mode="after")
    def _order(self) -> PointRange:
        if self.min <= 0:
            raise InvalidValue("schema.range_min")
        if self.max < self.min:
            raise InvalidValue("schema.range_order", max=self.max, min=self.min)
        return self


# A deduction's reason and a veto's title are a defect's name in every result and are held in the
# problems index of file_deductions (migration 0012), whose entries PostgreSQL limits to about 2.7 KB:
# 300 characters (900 bytes of Chinese) leaves room for the rest. Real ones are a sentence (at most ~60).
DEFECT_TEXT_MAX = 300


class Deduction(Strict):
    """A named defect and what it costs: fixed `points`, `per_occurrence` (optional `cap`), or a `range`
    the reviewer chooses from (with a comment), once or per occurrence (optional `cap`)."""

    id: Id
    reason: str = Field(min_length=1)
    points: Decimal | None = None
    per_occurrence: Decimal | None = None
    range: PointRange | None = None
    cap: Decimal | None = None
    # How a notice states this defect as a problem ("执法人员执法证号未记载"); drafted from `reason` if absent.
    finding: str | None = Field(default=None, min_length=1)

    _norm = field_validator("points", "per_occurrence", "cap", mode="before")(
        lambda cls, v: None if v is None else points_value(v)
    )

    @field_validator("range", mode="before")
    @classmethod
    def _range_list(cls, v: object) -> object:
        if isinstance(v, list | tuple) and len(v) == 2:
            return {"min": v[0], "max": v[1]}
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> Deduction:
        if self.id == OTHER_REASON:
            raise InvalidValue("schema.other_reserved", id=OTHER_REASON)
        kinds = [k for k in (self.points, self.per_occurrence, self.range) if k is not None]
        if len(kinds) != 1:
            raise InvalidValue("schema.one_kind")
        per_occ = self.per_occurrence is not None or (self.range is not None and self.range.per == "occurrence")
        if self.cap is not None and not per_occ:
            raise InvalidValue("schema.cap_kind")
        size = self.points if self.points is not None else self.per_occurrence
        if size is not None and size <= 0:
            raise InvalidValue("schema.deduction_positive")
        smallest = self.per_occurrence if self.per_occurrence is not None else (self.range.min if self.range else None)
        if self.cap is not None and smallest is not None and self.cap < smallest:
            raise InvalidValue("schema.cap_small")
        return self

    @property
    def kind(self) -> str:
        """fixed / per_occurrence / range_once / range_occurrence."""
        if self.points is not None:
            return "fixed"
        if self.per_occurrence is not None:
            return "per_occurrence"
        assert self.range is not None
        return f"range_{self.range.per}"

    @property
    def counts_occurrences(self) -> bool:
        return self.per_occurrence is not None or (self.range is not None and self.range.per == "occurrence")

    @property
    def chosen(self) -> bool:
        """Whether the reviewer chooses the points (a range): such a deduction needs a comment."""
        return self.range is not None

    @property
    def one(self) -> Decimal:
        """The most one occurrence (or the one deduction) can cost."""
        if self.points is not None:
            return self.points
        if self.per_occurrence is not None:
            return self.per_occurrence
        assert self.range is not None
        return self.range.max

    @property
    def most(self) -> Decimal | None:
        """The most this reason can take on its own (None: unbounded per occurrence)."""
        if self.points is not None:
            return self.points
        if self.range is not None and self.range.per == "once":
            return self.range.max
        return self.cap


class OtherAllowance(Strict):
    """`allow_other`: "其他问题酌情扣分" up to `max` points, with a mandatory comment."""

    max: Decimal

    _norm = field_validator("max", mode="before")(lambda cls, v: points_value(v))

    @model_validator(mode="after")
    def _positive(self) -> OtherAllowance:
        if self.max <= 0:
            raise InvalidValue("schema.other_max")
        return self


class Item(Strict):
    id: Id
    title: str = Field(min_length=1)
    focus: str | None = None  # inherited from the module when omitted there
    max: Decimal
    allow_na: bool = False
    allow_other: OtherAllowance | None = None
    applies_when: Condition | None = None
    recommendation: str | None = None
    guidance: str | None = None
    deductions: list[Deduction] = Field(default_factory=list)  # none: only `allow_other` (checked on compose)

    _norm = field_validator("max", mode="before")(lambda cls, v: points_value(v))

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Item:
        if self.max <= 0:
            raise InvalidValue("schema.item_max")
        seen: set[str] = set()
        for i, d in enumerate(self.deductions):
            if d.id in seen:
                raise InvalidValue("schema.duplicate_deduction", i=i, id=d.id)
            seen.add(d.id)
            if len(d.reason) > DEFECT_TEXT_MAX:  # read from a file only: versions stored before stay readable
                raise InvalidValue("schema.reason_long", i=i, id=d.id, n=len(d.reason), max=DEFECT_TEXT_MAX)
            if d.most is not None and d.most > self.max:
                raise InvalidValue("schema.deduction_over_item", i=i, id=d.id, most=d.most, max=self.max)
            if d.one > self.max:
                raise InvalidValue("schema.occurrence_over_item", i=i, id=d.id, one=d.one, max=self.max)
        if self.allow_other is not None and self.allow_other.max > self.max:
            raise InvalidValue("schema.other_over_item", other=self.allow_other.max, max=self.max)
        if self.focus is not None:
            check_focus(self.focus, info)
        return self


class BonusItem(Strict):
    """A 加分项: listed merits that add points (fixed, per occurrence or a range), at most `max`; the file's
    score with bonuses never goes above 100."""

    id: Id
    title: str = Field(min_length=1)
    max: Decimal
    focus: str | None = None
    guidance: str | None = None
    awards: list[Deduction] = Field(min_length=1)

    _norm = field_validator("max", mode="before")(lambda cls, v: points_value(v))

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> BonusItem:
        if self.max <= 0:
            raise InvalidValue("schema.bonus_max")
        seen: set[str] = set()
        for i, d in enumerate(self.awards):
            if d.id in seen:
                raise InvalidValue("schema.duplicate_award", i=i, id=d.id)
            seen.add(d.id)
            if d.one > self.max or (d.most is not None and d.most > self.max):
                raise InvalidValue("schema.award_over_item", i=i, id=d.id, max=self.max)
        if self.focus is not None:
            check_focus(self.focus, info)
        return self


class Section(Strict):
    """Items with their own maximum. Item maxima may add up to more than the section's (a section cap)."""

    id: Id
    title: str = Field(min_length=1)
    max: Decimal
    applies_when: Condition | None = None
    items: list[Item] = Field(min_length=1)

    _norm = field_validator("max", mode="before")(lambda cls, v: points_value(v))

    @model_validator(mode="after")
    def _check(self) -> Section:
        if self.max <= 0:
            raise InvalidValue("schema.section_max")
        item_sum = sum((i.max for i in self.items), Decimal(0))
        if item_sum < self.max:
            raise InvalidValue("schema.items_under_section", sum=item_sum, max=self.max)
        return self


class VetoEffect(Strict):
    """What a triggered veto does: `zero` (total 0), `fail` (lowest band whatever the points), or
    `cap` (grade no better than `band`)."""

    kind: Literal["zero", "fail", "cap"]
    band: str | None = None

    @model_validator(mode="after")
    def _band(self) -> VetoEffect:
        if self.kind == "cap" and not self.band:
            raise InvalidValue("schema.cap_needs_band")
        if self.kind != "cap" and self.band is not None:
            raise InvalidValue("schema.band_only_cap")
        return self


class Veto(Strict):
    id: Id
    title: str = Field(min_length=1, max_length=DEFECT_TEXT_MAX)
    focus: str | None = None
    effect: VetoEffect | None = None  # default: the standard's `veto_effect`
    applies_when: Condition | None = None
    recommendation: str | None = None
    guidance: str | None = None

    @field_validator("focus")
    @classmethod
    def _focus(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None:
            check_focus(v, info)
        return v


class GradeBand(Strict):
    name: str = Field(min_length=1)
    min: Decimal

    _norm = field_validator("min", mode="before")(lambda cls, v: points_value(v))


def check_bands(bands: list[GradeBand], pass_line: Decimal) -> None:
    """Bands go from best to worst with strictly falling minima; the worst starts at 0."""
    if not bands:
        raise InvalidValue("bands.empty")
    names = [b.name for b in bands]
    if len(set(names)) != len(names):
        raise InvalidValue("bands.unique")
    mins = [b.min for b in bands]
    if any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
        raise InvalidValue("bands.order")
    if mins[-1] != 0:
        raise InvalidValue("bands.last_zero")
    if mins[0] > 100:
        raise InvalidValue("bands.above_100")
    if pass_line not in mins or pass_line == 0:
        raise InvalidValue("bands.pass_line", pass_line=pass_line)


class ModuleFile(Strict):
    """`kind: module`: one focus area's sections and vetoes, included into standards."""

    kind: Literal["module"]
    id: Id
    title: str = Field(min_length=1)
    focus: str
    description: str | None = None
    applies_when: Condition | None = None
    allow_other: OtherAllowance | None = None  # default for its items
    sections: list[Section] = Field(min_length=1)
    vetoes: list[Veto] = Field(default_factory=list)

    @field_validator("focus")
    @classmethod
    def _focus(cls, v: str, info: ValidationInfo) -> str:
        check_focus(v, info)
        return v


class AppliesTo(Strict):
    case_types: list[str] = Field(min_length=1)
    procedures: list[str] | None = None

    @model_validator(mode="after")
    def _known(self, info: ValidationInfo) -> AppliesTo:
        vocab = _vocab(info)
        if vocab is not None:
            wrong = Condition(case_type=self.case_types, procedure=self.procedures).problems(vocab)
            if wrong:
                raise InvalidValue("schema.condition", problems=Join(tuple(wrong), "；", "; "))
        return self


class StandardFile(Strict):
    """`kind: standard`: a scoring form for one or more case types."""

    kind: Literal["standard"]
    id: Id
    title: str = Field(min_length=1)
    version_label: str | None = None
    description: str | None = None
    applies_to: AppliesTo
    total: Decimal = Decimal("100.00")
    pass_line: Decimal = Decimal("60.00")
    grade_bands: list[GradeBand] = Field(min_length=2)
    veto_effect: VetoEffect = VetoEffect(kind="zero")
    include: list[Id] = Field(default_factory=list)
    allow_other: OtherAllowance | None = None  # default for every item (its own `allow_other` wins)
    sections: list[Section] = Field(default_factory=list)
    vetoes: list[Veto] = Field(default_factory=list)
    bonus: list[BonusItem] = Field(default_factory=list)

    _norm = field_validator("total", "pass_line", mode="before")(lambda cls, v: points_value(v))

    @model_validator(mode="after")
    def _check(self) -> StandardFile:
        check_bands(self.grade_bands, self.pass_line)
        if len(set(self.include)) != len(self.include):
            raise InvalidValue("schema.include_twice")
        return self


RubricFile = StandardFile | ModuleFile
