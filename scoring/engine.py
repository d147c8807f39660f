"""The scoring engine: a pure function from (standard, file attributes, marks) to a result.

Rules, in the order they are applied:

1. An item applies to a file when its module's, section's and own `applies_when` all match. Items
   that do not apply, and items the reviewer marks not applicable (only where `allow_na`), are left
   out entirely: they neither add to the maximum nor deduct.
2. A reason deducts its fixed `points`; or `per_occurrence` x occurrences up to its `cap`; or, for a
   `range`, the points the reviewer chose within it (once, or per occurrence x occurrences up to its
   `cap`), with a mandatory comment. Where the item `allow_other`, an `other` deduction takes the points
   the reviewer gives, up to the stated maximum, with a mandatory comment. An item's deduction is the
   sum of its reasons, but never more than the item's maximum (扣完为止: an item stops at 0 whatever
   asks for more, one reason or several). Occurrences far beyond what the item can take are not
   refused: they are a warning (`ScoreResult.warnings`) the reviewer confirms.
3. A section's applicable maximum is the smaller of its own maximum and the sum of its applicable
   items' maxima; it earns that minus its items' deductions, never below 0 (a section cap).
4. The score is earned / applicable maximum x 100 (re-based to 100 when items do not apply), rounded
   half-up to two decimal places. All arithmetic is exact decimal arithmetic; rounding happens once,
   at the end, so adding a deduction can never raise the score.
5. Grade: the first band (best first) whose minimum the score reaches.
   Bonus items (加分项) add what their awards ask for, at most each bonus item's maximum, to the score
   on the 100 scale (points x 100 / total); the score with bonuses never goes above 100.
6. Triggered vetoes apply their effect; when several are triggered, the strongest wins
   (zero > fail > cap, and the lowest cap band among caps):
   `zero`: the score becomes 0; `fail`: the grade is the lowest band whatever the points;
   `cap`: the grade is no better than the given band (the score itself is kept).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scoring.domain import ALL_FOCUS
from scoring.errors import Problem, ProblemCollector, ProblemReport
from scoring.marks import DeductionMark, ItemMark, Marks
from scoring.messages import Msg
from scoring.rubric.model import CItem, Standard
from scoring.rubric.schema import OTHER_REASON, Deduction, FileAttributes, GradeBand

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
EFFECT_STRENGTH = {"cap": 1, "fail": 2, "zero": 3}


def round_score(value: Decimal) -> Decimal:
    """The one rounding rule: half-up to two decimal places."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def rate(earned: Decimal, maximum: Decimal) -> Decimal | None:
    return round_score(earned / maximum * HUNDRED) if maximum > 0 else None


def grade_for(score: Decimal, bands: list[GradeBand]) -> str:
    for band in bands:
        if score >= band.min:
            return band.name
    return bands[-1].name


def reason_amount(item: CItem, mark: DeductionMark) -> Decimal:
    """What one deduction mark costs before the item's own floor (扣完为止) is applied."""
    if mark.reason == OTHER_REASON:
        assert mark.points is not None
        return mark.points
    d = item.deduction(mark.reason)
    assert d is not None
    if d.points is not None:
        return d.points
    if d.range is not None and d.range.per == "once":
        assert mark.points is not None
        return mark.points
    each = d.per_occurrence if d.per_occurrence is not None else mark.points
    assert each is not None
    amount = each * mark.occurrences
    return min(amount, d.cap) if d.cap is not None else amount


def occurrences_to_empty(item: CItem, d: Deduction) -> int:
    """How many occurrences of a per-occurrence reason take the whole item (at its largest size)."""
    return max(1, math.ceil(item.max / d.one))


@dataclass(frozen=True)
class AppliedDeduction:
    item_id: str
    item_title: str
    section_id: str
    focus: str
    reason_id: str
    reason: str
    occurrences: int
    points: Decimal  # what the reason asks for
    comment: str
    location: str
    page: str | None
    media_file: str | None
    media_time: str | None


@dataclass(frozen=True)
class Part:
    """Score of one section or one focus area."""

    id: str
    title: str
    max: Decimal
    applicable_max: Decimal
    earned: Decimal

    @property
    def rate(self) -> Decimal | None:
        return rate(self.earned, self.applicable_max)


@dataclass(frozen=True)
class VetoOutcome:
    triggered: list[str]
    effect: str | None  # zero / fail / cap, the strongest triggered
    cap_band: str | None = None


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    status: str  # ok / deduct / na (reviewer) / not_applicable (conditions)
    max: Decimal
    deducted: Decimal  # after the item floor
    requested: Decimal  # the sum the reasons asked for


@dataclass(frozen=True)
class ScoreResult:
    standard_id: str
    standard_hash: str
    score: Decimal  # final, 0..100, after vetoes
    rate: Decimal  # points score before vetoes, 0..100
    earned: Decimal
    applicable_max: Decimal
    grade: str
    points_grade: str  # grade the points alone would give
    passed: bool
    veto: VetoOutcome
    sections: list[Part]
    focus: list[Part]
    items: list[ItemScore]
    deductions: list[AppliedDeduction] = field(default_factory=list)
    bonus: Decimal = Decimal(0)  # bonus points awarded (on the standard's scale, before the cap at 100)
    bonus_items: list[ItemScore] = field(default_factory=list)  # `deducted` is what was awarded
    awards: list[AppliedDeduction] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # suspicious input the reviewer confirms
    # Declared attributes the standard's conditions read: value and where it came from (register / lead /
    # reviewer); and those not known yet (items depending on them are treated as not matching).
    attributes: dict[str, dict[str, str | None]] = field(default_factory=dict)
    missing_attributes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The result as stored and served (JSON-ready: Decimals as floats, parts with their rate).

        Walked directly rather than through `dataclasses.asdict`, which deep-copies every leaf: this
        runs on every save of a draft."""
        data = _plain(self)
        data["sections"] = [{**_plain(p), "rate": _plain(p.rate)} for p in self.sections]
        data["focus"] = [{**_plain(p), "rate": _plain(p.rate)} for p in self.focus]
        return data


_LEAVES = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once per class


def _plain(obj: Any) -> Any:
    """Dataclasses as dicts (field order), lists and dicts walked, Decimals as floats; other values as they are."""
    kind = type(obj)
    if kind in _LEAVES:
        return obj
    if kind is Decimal:
        return float(obj)
    if kind is list:
        return [_plain(v) for v in obj]
    names = _FIELDS.get(kind)
    if names is not None:
        return {n: _plain(getattr(obj, n)) for n in names}
    if isinstance(obj, Decimal):
        return float(obj)
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if is_dataclass(obj) and not isinstance(obj, type):
        _FIELDS[kind] = tuple(f.name for f in fields(obj))
        return _plain(obj)
    return obj


def _check_deduction(item: CItem, dm: DeductionMark, dpath: str, problems: ProblemCollector) -> None:
    what = "award" if item.bonus else "deduction"
    if dm.reason == OTHER_REASON and not item.bonus:
        if item.allow_other is None:
            problems.append(Problem(code="engine.no_other", params={"item": item.id, "title": item.title},
                                    path=dpath))
            return
        if dm.occurrences != 1:
            problems.append(Problem(code="engine.other_occurrences", path=dpath))
        if dm.points is None or dm.points <= 0 or dm.points > item.allow_other:
            problems.append(Problem(code="engine.other_points", params={"item": item.id, "max": item.allow_other},
                                    path=dpath))
        if not dm.comment.strip():
            problems.append(Problem(code="engine.other_comment", params={"item": item.id}, path=dpath))
        return
    d = item.deduction(dm.reason)
    if d is None:
        listed = [f"{x.id} ({x.reason})" for x in item.deductions[:20]]
        extra = (Msg("engine.other_listed", {"other": OTHER_REASON, "max": item.allow_other})
                 if item.allow_other is not None else "")
        problems.append(Problem(code="engine.unknown_reason", params={
            "reason": dm.reason, "kind": Msg(f"engine.kind.{what}"), "item": item.id, "listed": listed, "extra": extra},
            path=dpath))
        return
    if not d.counts_occurrences and dm.occurrences != 1:
        problems.append(Problem(code="engine.once_fixed" if d.points is not None else "engine.once_range",
                                params={"reason": d.id, "text": d.reason}, path=dpath))
    if d.range is None:
        if dm.points is not None:
            problems.append(Problem(code="engine.no_points", params={"reason": d.id, "text": d.reason}, path=dpath))
        return
    span = f"{d.range.min}-{d.range.max}"
    if dm.points is None:
        problems.append(Problem(code="engine.points_needed", params={"reason": d.id, "text": d.reason, "span": span},
                                path=dpath))
    elif not d.range.min <= dm.points <= d.range.max:
        problems.append(Problem(code="engine.points_outside", params={"points": dm.points, "reason": d.id, "span": span},
                                path=dpath))
    if not dm.comment.strip():
        problems.append(Problem(code="engine.range_comment", params={"reason": d.id, "text": d.reason}, path=dpath))


def _check_item(standard: Standard, attrs: FileAttributes, item_id: str, im: ItemMark,
                problems: ProblemCollector) -> None:
    path = f"items.{item_id}"
    bonus = standard.bonus_by_id.get(item_id)
    if bonus is not None:
        if im.na:
            problems.append(Problem(code="engine.bonus_na", params={"item": item_id}, path=path))
        item = bonus
    else:
        section, item = standard.items_by_id[item_id]
        if im.na and not item.allow_na:
            problems.append(Problem(code="engine.no_na", params={"item": item_id, "title": item.title}, path=path))
        if im.deductions and not standard.item_applies(item_id, attrs):
            cond = "；".join(c.describe() for c in section.conditions + item.conditions)
            problems.append(Problem(code="engine.not_applicable", params={"item": item_id, "only": cond}, path=path))
    for i, dm in enumerate(im.deductions):
        _check_deduction(item, dm, f"{path}.deductions[{i}]", problems)
    counts = Counter(dm.reason for dm in im.deductions)
    for r, n in counts.items():
        if n > 1 and r != OTHER_REASON:
            problems.append(Problem(code="engine.reason_twice", params={"reason": r, "n": n, "item": item_id}, path=path))


def check_marks(standard: Standard, attrs: FileAttributes, marks: Marks) -> list[Problem]:
    """Every way the marks do not fit the standard or this file, as a list (empty when fine)."""
    return collect_problems(standard, attrs, marks).problems


def collect_problems(standard: Standard, attrs: FileAttributes, marks: Marks) -> ProblemCollector:
    """The problems of `check_marks`, keeping the first thousand and counting the rest. Linear in the
    number of marks."""
    problems = ProblemCollector()
    for item_id, im in marks.items.items():
        if item_id not in standard.items_by_id and item_id not in standard.bonus_by_id:
            problems.append(Problem(code="engine.no_item", params={"item": item_id, "standard": standard.id},
                                    path=f"items.{item_id}"))
            continue
        _check_item(standard, attrs, item_id, im, problems)
    for veto_id in marks.vetoes:
        path = f"vetoes.{veto_id}"
        if veto_id not in standard.vetoes_by_id:
            problems.append(Problem(code="engine.no_veto", params={"veto": veto_id, "standard": standard.id}, path=path))
        elif not standard.veto_applies(veto_id, attrs):
            problems.append(Problem(code="engine.veto_not_applicable", params={"veto": veto_id}, path=path))
    return problems


def suspicious(standard: Standard, marks: Marks) -> list[str]:
    """Marks that fit but look mistyped: occurrences more than twice what would take the whole item.
    Not refused (the item stops at 0, 扣完为止); the reviewer confirms them. In English (kept with the result);
    `suspicious_messages` gives them in either language."""
    return [str(m) for m in suspicious_messages(standard, marks)]


def suspicious_messages(standard: Standard, marks: Marks) -> list[Msg]:
    """The warnings of `suspicious` as messages (for the scoring form and the submit refusal)."""
    out: list[Msg] = []
    for item_id, im in marks.items.items():
        entry = standard.items_by_id.get(item_id)
        item = entry[1] if entry else standard.bonus_by_id.get(item_id)
        if item is None:
            continue
        for dm in im.deductions:
            d = item.deduction(dm.reason)
            if d is None or not d.counts_occurrences or d.cap is not None:
                continue
            enough = occurrences_to_empty(item, d)
            if dm.occurrences > 2 * enough:
                out.append(Msg("engine.suspicious", {"item": item_id, "reason": d.id, "n": dm.occurrences,
                                                     "enough": enough, "max": item.max}))
    return out


def _applied(item: CItem, section_id: str, dm: DeductionMark, amount: Decimal) -> AppliedDeduction:
    d = item.deduction(dm.reason)
    reason = d.reason if d else ("其他问题" if dm.reason == OTHER_REASON else dm.reason)
    return AppliedDeduction(
        item_id=item.id, item_title=item.title, section_id=section_id, focus=item.focus, reason_id=dm.reason,
        reason=reason, occurrences=dm.occurrences, points=amount, comment=dm.comment,
        location=dm.location.describe(), page=dm.page, media_file=dm.media_file, media_time=dm.media_time,
    )


def score(
    standard: Standard,
    attrs: FileAttributes,
    marks: Marks,
    *,
    bands: list[GradeBand] | None = None,
    pass_line: Decimal | None = None,
) -> ScoreResult:
    """Score one file. `bands`/`pass_line` override the standard's (a campaign's own bands).

    Raises ProblemReport listing every mark that does not fit the standard."""
    problems = collect_problems(standard, attrs, marks)
    if problems:
        raise problems.report(title_code="engine.marks_misfit", title_params={"standard": standard.id})
    bands = bands or standard.grade_bands
    pass_line = standard.pass_line if pass_line is None else pass_line

    sections: list[Part] = []
    item_scores: list[ItemScore] = []
    applied: list[AppliedDeduction] = []
    focus_max: dict[str, Decimal] = {}
    focus_earned: dict[str, Decimal] = {}
    for section in standard.sections:
        sec_item_max = Decimal(0)
        sec_deducted = Decimal(0)
        for item in section.items:
            im = marks.items.get(item.id)
            if not standard.item_applies(item.id, attrs):
                item_scores.append(ItemScore(item.id, "not_applicable", item.max, Decimal(0), Decimal(0)))
                continue
            if im is not None and im.na:
                item_scores.append(ItemScore(item.id, "na", item.max, Decimal(0), Decimal(0)))
                continue
            requested = Decimal(0)
            for dm in im.deductions if im else []:
                amount = reason_amount(item, dm)
                requested += amount
                applied.append(_applied(item, section.id, dm, amount))
            deducted = min(requested, item.max)
            item_scores.append(ItemScore(item.id, "deduct" if requested else "ok", item.max, deducted, requested))
            sec_item_max += item.max
            sec_deducted += deducted
            focus_max[item.focus] = focus_max.get(item.focus, Decimal(0)) + item.max
            focus_earned[item.focus] = focus_earned.get(item.focus, Decimal(0)) + item.max - deducted
        applicable = min(section.max, sec_item_max)
        sections.append(Part(section.id, section.title, section.max, applicable, max(Decimal(0), applicable - sec_deducted)))

    applicable_max = sum((p.applicable_max for p in sections), Decimal(0))
    earned = sum((p.earned for p in sections), Decimal(0))
    if applicable_max == 0:
        raise ProblemReport([Problem(code="engine.all_na")], title_code="engine.nothing_to_score")
    bonus_items: list[ItemScore] = []
    awards: list[AppliedDeduction] = []
    bonus = Decimal(0)
    for item in standard.bonus:
        im = marks.items.get(item.id)
        asked = Decimal(0)
        for dm in im.deductions if im else []:
            amount = reason_amount(item, dm)
            asked += amount
            awards.append(_applied(item, "bonus", dm, amount))
        got = min(asked, item.max)
        bonus += got
        bonus_items.append(ItemScore(item.id, "bonus" if got else "ok", item.max, got, asked))
    exact = earned / applicable_max * HUNDRED + bonus * HUNDRED / standard.total
    points_rate = round_score(min(exact, HUNDRED))

    triggered = [v for v in standard.vetoes if v.id in marks.vetoes]
    effect = None
    cap_band = None
    if triggered:
        strongest = max(EFFECT_STRENGTH[v.effect.kind] for v in triggered)
        effect = next(k for k, s in EFFECT_STRENGTH.items() if s == strongest)
        if effect == "cap":
            names = [b.name for b in bands]
            caps = []
            for v in triggered:
                if v.effect.band not in names:
                    raise ProblemReport([Problem(code="engine.veto_band_missing", params={
                        "veto": v.id, "band": v.effect.band, "bands": names})], title_code="engine.bad_bands")
                caps.append(names.index(v.effect.band))
            cap_band = names[max(caps)]

    final = Decimal("0.00") if effect == "zero" else points_rate
    points_grade = grade_for(points_rate, bands)
    grade = grade_for(final, bands)
    if effect == "fail":
        grade = bands[-1].name
    elif effect == "cap" and cap_band is not None:
        names = [b.name for b in bands]
        grade = names[max(names.index(grade), names.index(cap_band))]
    grade_min = next(b.min for b in bands if b.name == grade)

    focus_parts = [
        Part(f, ALL_FOCUS.get(f, f), focus_max[f], focus_max[f], focus_earned[f]) for f in sorted(focus_max)
    ]
    return ScoreResult(
        standard_id=standard.id, standard_hash=standard.hash, score=final, rate=points_rate, earned=earned,
        applicable_max=applicable_max, grade=grade, points_grade=points_grade, passed=grade_min >= pass_line,
        veto=VetoOutcome([v.id for v in triggered], effect, cap_band), sections=sections, focus=focus_parts,
        items=item_scores, deductions=applied, bonus=bonus, bonus_items=bonus_items, awards=awards,
        warnings=suspicious(standard, marks),
        attributes={k: {"value": None if attrs.value(k) is None else str(attrs.value(k)),
                        "source": attrs.sources.get(k)} for k in standard.attribute_keys},
        missing_attributes=standard.missing_attributes(attrs),
    )
