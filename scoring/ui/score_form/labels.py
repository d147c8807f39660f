"""Values and labels of the scoring form: the form's context, number and label formatting, where a
problem sits, and how an item's or veto's marks read (no widgets here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from scoring.desk.reviewer import OpenedReview
from scoring.engine import ScoreResult, score
from scoring.errors import CaseReviewError, ProblemReport
from scoring.marks import ItemMark, Marks, VetoMark
from scoring.rubric.model import CItem, CVeto, Standard
from scoring.rubric.schema import Deduction, FileAttributes, GradeBand
from scoring.standards import load_version
from scoring.ui import state
from scoring.ui.common import show_error, table
from scoring.ui.i18n import t


@st.cache_resource(show_spinner=False, max_entries=64)
def standard_version(standard_hash: str) -> Standard:
    """A stored standard version (immutable: its content is checked against its hash), loaded once."""
    with state.db_session() as session:
        return load_version(session, standard_hash)


@dataclass(frozen=True)
class FormContext:
    """What scoring a file's marks with the engine needs (plain values); `review_id` is None for a file
    not started yet."""

    review_id: int | None
    assignment_id: int
    standard_hash: str
    attributes: FileAttributes
    bands: tuple[GradeBand, ...]
    pass_line: Decimal

    @classmethod
    def of(cls, opened: OpenedReview) -> FormContext:
        return cls(opened.review_id, opened.file.assignment_id, opened.standard_hash, opened.attributes,
                   tuple(opened.bands), opened.pass_line)


def num(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{d.normalize():f}"
    return text


def score_text(value: Decimal | None) -> str:
    """A score as published: two decimal places (93.75, 100.00)."""
    return "—" if value is None else f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


def deduction_label(d: Deduction) -> str:
    if d.points is not None:
        return t("scorep.ded_fixed", reason=d.reason, points=num(d.points))
    cap = t("scorep.ded_cap", cap=num(d.cap)) if d.cap is not None else ""
    return t("scorep.ded_each", reason=d.reason, points=num(d.per_occurrence), cap=cap)


def effect_label(veto: CVeto) -> str:
    if veto.effect.kind == "cap":
        return t("scorep.effect_cap", band=veto.effect.band)
    return t(f"scorep.effect_{veto.effect.kind}")


def conditions_text(conditions: list) -> str:
    return "；".join(c.describe() for c in conditions if c.describe())


def run_engine(ctx: FormContext, standard: Standard, marks: Marks) -> ScoreResult:
    return score(standard, ctx.attributes, marks, bands=list(ctx.bands), pass_line=ctx.pass_line)


_PATH = re.compile(r"^(items|vetoes)\.([^.\[]+)(?:\.deductions\[(\d+)\])?")


def where_label(standard: Standard, entry: dict[str, Any], path: str | None) -> str:
    """A problem's path (items.A1.deductions[0], vetoes.V1) as the reviewer knows it: item title and reason."""
    m = _PATH.match(path or "")
    if not m:
        return path or ""
    kind, ident, index = m.groups()
    if kind == "vetoes":
        veto = standard.vetoes_by_id.get(ident)
        return t("scorep.where_veto", title=veto.title if veto else ident)
    found = standard.items_by_id.get(ident)
    item = found[1] if found is not None else standard.bonus_by_id.get(ident)
    if item is None:
        return ident
    label = f"{item.id} {item.title}"
    if index is not None:
        reasons = (entry.get("items", {}).get(ident) or {}).get("reasons") or []
        i = int(index)
        d = item.deduction(reasons[i]) if i < len(reasons) else None
        if d is not None:
            label += f" · {d.reason}"
    return label


def show_form_problems(exc: CaseReviewError, standard: Standard, entry: dict[str, Any]) -> None:
    """A core error; a problem report as a table of where (item, reason) and what."""
    if not isinstance(exc, ProblemReport):
        show_error(exc)
        return
    st.error(t("scorep.problems", n=len(exc.problems), title=exc.title))
    table(
        pd.DataFrame([{t("scorep.col.where"): where_label(standard, entry, p.path),
                       t("col.message"): p.message} for p in exc.problems],
                     columns=[t("scorep.col.where"), t("col.message")]),
        hide_index=True, width="stretch",
    )


def describe_item_mark(item: CItem | None, im: ItemMark | None) -> str:
    if im is None or (not im.na and not im.deductions):
        text = t("scorep.choice.ok")
    elif im.na:
        text = t("scorep.choice.na")
    else:
        parts = []
        for dm in im.deductions:
            d = item.deduction(dm.reason) if item else None
            reason = d.reason if d else dm.reason
            times = f"×{dm.occurrences}" if dm.occurrences != 1 else ""
            where = dm.location.describe()
            parts.append(f"{reason}{times}" + (f"（{where}）" if where else "")
                         + (f"：{dm.comment}" if dm.comment else ""))
        text = t("scorep.choice.deduct") + "：" + "；".join(parts)
    if im is not None and im.comment:
        text += f" — {im.comment}"
    return text


def describe_veto_mark(vm: VetoMark | None) -> str:
    if vm is None:
        return t("scorep.veto_off")
    where = vm.location.describe()
    return t("scorep.veto_on") + (f"（{where}）" if where else "") + (f"：{vm.comment}" if vm.comment else "")
