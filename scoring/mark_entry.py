"""Marks as a reviewer enters them in a form, and their conversion to and from `Marks`.

The scoring page keeps the reviewer's input as a plain, JSON-like *entry*, so that it survives reruns and
page switches and can be compared with what is stored:

    {"items":  {item_id: {"choice": "ok" | "deduct" | "na",
                          "reasons": [reason_id, ...],           # the chosen listed reasons, in order
                          "details": {reason_id: {"occurrences": 1, "points": None, "page": "", "media_file": "",
                                                  "media_time": "", "comment": ""}},
                          "comment": ""}},
     "vetoes": {veto_id: {"on": bool, "page": "", "media_file": "", "media_time": "", "comment": ""}}}

Items missing from the entry are OK. Details of a reason are kept while it is not chosen, so choosing it
again restores what was typed. `marks_from_entry` lists every problem at once (an item marked "deduct"
with no reason chosen, a media time that is not a time or has no media file, an occurrence count out of
range); whether the marks fit the standard (listed reasons, fixed deductions, conditions) is the engine's
check (`scoring.engine.check_marks`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from scoring.errors import Problem, ProblemReport, problems_from_validation
from scoring.marks import MAX_OCCURRENCES as MARKS_MAX_OCCURRENCES
from scoring.marks import MEDIA_TIME, DeductionMark, ItemMark, Marks, VetoMark
from scoring.messages import Msg

OK, DEDUCT, NA = "ok", "deduct", "na"
CHOICES = (OK, DEDUCT, NA)
LOCATION_FIELDS = ("page", "media_file", "media_time")
MAX_OCCURRENCES = MARKS_MAX_OCCURRENCES  # what storage holds; large counts are a warning, not a refusal


def empty_item() -> dict[str, Any]:
    return {"choice": OK, "reasons": [], "details": {}, "comment": ""}


def empty_detail() -> dict[str, Any]:
    return {"occurrences": 1, "page": "", "media_file": "", "media_time": "", "comment": ""}


def empty_veto() -> dict[str, Any]:
    return {"on": False, "page": "", "media_file": "", "media_time": "", "comment": ""}


def empty_entry() -> dict[str, Any]:
    return {"items": {}, "vetoes": {}}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def entry_from_marks(marks: Marks) -> dict[str, Any]:
    """The form entry showing these marks."""
    entry = empty_entry()
    for item_id, im in marks.items.items():
        item = empty_item()
        item["comment"] = im.comment
        if im.na:
            item["choice"] = NA
        elif im.deductions:
            item["choice"] = DEDUCT
            for dm in im.deductions:
                item["reasons"].append(dm.reason)
                item["details"][dm.reason] = {
                    "occurrences": dm.occurrences, "comment": dm.comment,
                    **({"points": float(dm.points)} if dm.points is not None else {}),
                    **{f: _text(getattr(dm, f)) for f in LOCATION_FIELDS},
                }
        entry["items"][item_id] = item
    for veto_id, vm in marks.vetoes.items():
        entry["vetoes"][veto_id] = {"on": True, "comment": vm.comment,
                                    **{f: _text(getattr(vm, f)) for f in LOCATION_FIELDS}}
    return entry


def copy_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(entry)


def _location_problems(values: dict[str, Any], path: str, what: Msg) -> list[Problem]:
    problems = []
    time = _text(values.get("media_time")).strip()
    if time and not re.match(MEDIA_TIME, time):
        problems.append(Problem(code="form.bad_media_time", params={"what": what, "time": time}, path=path,
                                value=time))
    if time and not _text(values.get("media_file")).strip():
        problems.append(Problem(code="form.media_needs_file", params={"what": what}, path=path, value=time))
    return problems


def _pydantic_problems(exc: ValidationError, path: str, what: Msg) -> list[Problem]:
    out = []
    for err, coded in zip(exc.errors(), problems_from_validation(exc.errors()), strict=True):
        field = ".".join(str(p) for p in err["loc"])
        why = Msg(coded.code, coded.params) if coded.code else coded.message
        out.append(Problem(code="form.invalid", params={"what": what, "field": f"{field}: " if field else "", "why": why},
                           path=path))
    return out


def _occurrences(value: object) -> int | None:
    """A whole number from an int, an integral float (number inputs) or a digit string; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def marks_from_entry(entry: dict[str, Any]) -> Marks:
    """The marks the entry says; raises ProblemReport listing every incomplete or malformed input."""
    problems: list[Problem] = []
    items: dict[str, ItemMark] = {}
    for item_id, item in entry.get("items", {}).items():
        path = f"items.{item_id}"
        choice = item.get("choice") or OK
        comment = _text(item.get("comment")).strip()
        if choice not in CHOICES:
            problems.append(Problem(code="form.unknown_choice", params={"item": item_id, "choice": choice}, path=path))
            continue
        if choice == NA:
            items[item_id] = ItemMark(na=True, comment=comment)
            continue
        if choice == OK:
            if comment:
                items[item_id] = ItemMark(comment=comment)
            continue
        reasons = list(item.get("reasons") or [])
        if not reasons:
            problems.append(Problem(code="form.no_reason", params={"item": item_id}, path=path))
            continue
        deductions = []
        for i, reason in enumerate(reasons):
            dpath = f"{path}.deductions[{i}]"
            what = Msg("form.what_reason", {"item": item_id, "reason": reason})
            detail = {**empty_detail(), **(item.get("details") or {}).get(reason, {})}
            found = _location_problems(detail, dpath, what)
            n = _occurrences(detail.get("occurrences"))
            if n is None or not 1 <= n <= MAX_OCCURRENCES:
                found.append(Problem(code="form.occurrences", params={"what": what, "max": MAX_OCCURRENCES},
                                     path=dpath, value=_text(detail.get("occurrences"))))
            if found:
                problems.extend(found)
                continue
            try:
                chosen = detail.get("points")
                deductions.append(DeductionMark(
                    reason=reason, occurrences=n, comment=_text(detail.get("comment")).strip(),
                    points=None if chosen in (None, "") else chosen,
                    **{f: _text(detail.get(f)).strip() or None for f in LOCATION_FIELDS}))
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, dpath, what))
        try:
            items[item_id] = ItemMark(deductions=deductions, comment=comment)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path, Msg("form.what_item", {"item": item_id})))
    vetoes: dict[str, VetoMark] = {}
    for veto_id, veto in entry.get("vetoes", {}).items():
        if not veto.get("on"):
            continue
        path, what = f"vetoes.{veto_id}", Msg("form.what_veto", {"veto": veto_id})
        found = _location_problems(veto, path, what)
        if found:
            problems.extend(found)
            continue
        try:
            vetoes[veto_id] = VetoMark(comment=_text(veto.get("comment")).strip(),
                                       **{f: _text(veto.get(f)).strip() or None for f in LOCATION_FIELDS})
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path, what))
    if problems:
        raise ProblemReport(problems, title_code="form.incomplete")
    return Marks(items=items, vetoes=vetoes)


def same_marks(entry: dict[str, Any], marks: Marks) -> bool:
    """Whether the entry says exactly these marks (an incomplete entry never does)."""
    try:
        return marks_from_entry(entry) == marks
    except ProblemReport:
        return False


def differing_keys(a: Marks, b: Marks) -> list[str]:
    """Item ids and `veto:<id>` keys whose marks differ between a and b, items first, sorted."""
    items = sorted(k for k in set(a.items) | set(b.items) if _item_or_none(a, k) != _item_or_none(b, k))
    vetoes = sorted(k for k in set(a.vetoes) | set(b.vetoes) if a.vetoes.get(k) != b.vetoes.get(k))
    return items + [f"veto:{k}" for k in vetoes]


def _item_or_none(marks: Marks, item_id: str) -> ItemMark | None:
    im = marks.items.get(item_id)
    if im is None or (not im.na and not im.deductions and not im.comment):
        return None  # an empty item mark is the same as none: the item is OK
    return im


@dataclass(frozen=True)
class SoFar:
    """What an entry says so far: the marks of every complete input (they count in the running total and
    are what an autosave stores) and the inputs still being filled in (listed, never an error)."""

    marks: Marks
    pending: list[Problem]


def marks_so_far(entry: dict[str, Any]) -> SoFar:
    """Like `marks_from_entry`, but an incomplete input is left out instead of refusing the whole entry: an
    item marked 扣分 with no reason yet counts as OK, a reason whose inputs are malformed is left out of its
    item, a veto with a malformed location is left out; each of these is listed in `pending`."""
    pending: list[Problem] = []
    items: dict[str, Any] = {}
    for item_id, item in entry.get("items", {}).items():
        try:
            items.update(marks_from_entry({"items": {item_id: item}}).items)
            continue
        except ProblemReport as exc:
            pending.extend(exc.problems)
        good = []
        for reason in item.get("reasons") or []:
            try:
                marks_from_entry({"items": {item_id: {**item, "reasons": [reason]}}})
                good.append(reason)
            except ProblemReport:
                pass
        if good:
            try:
                items.update(marks_from_entry({"items": {item_id: {**item, "reasons": good}}}).items)
            except ProblemReport:
                pass
    vetoes: dict[str, Any] = {}
    for veto_id, veto in entry.get("vetoes", {}).items():
        try:
            vetoes.update(marks_from_entry({"vetoes": {veto_id: veto}}).vetoes)
        except ProblemReport as exc:
            pending.extend(exc.problems)
    return SoFar(Marks(items=items, vetoes=vetoes), pending)
