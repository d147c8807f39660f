"""Running the pre-check over every file of a campaign's window, and the figures the panel reads:
flags per unit and rule with the rate per 100 files, a per-unit table, the flagged files, and a file's
own flags (hints on the scoring form)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scoring.db.models import Campaign, CaseFile, FileResult, SampleItem, SampleRecord, Unit, User
from scoring.errors import ValidationFailed
from scoring.policy import Action, check
from scoring.precheck.evaluate import evaluate, prepare
from scoring.precheck.rules import Rule, load_rules
from scoring.precheck.store import frame_of, read_register, register_rows


def register_frame(session: Session, campaign: Campaign, case_file_ids: list[int] | None = None) -> pd.DataFrame:
    """Every file of the campaign's window (or only the given files) with its attribute values."""
    return _prepared(read_register(session, campaign, case_file_ids))  # typed column by column, dates still text


def _prepared(df: pd.DataFrame) -> pd.DataFrame:
    df["decision_date"] = pd.to_datetime(df["decision_date"].astype(str), errors="coerce", format="ISO8601")
    return prepare(df)


@dataclass
class PrecheckResult:
    """The files checked, the rules, and one boolean column per rule (True: flagged)."""

    files: pd.DataFrame
    rules: list[Rule]
    flags: pd.DataFrame

    @property
    def n_files(self) -> int:
        return len(self.files)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def by_unit_rule(self) -> pd.DataFrame:
        """Per unit and rule: files checked, files flagged, and flags per 100 files."""
        units = self.files["unit"]
        n_files = units.value_counts()
        counts = self.flags.groupby(units.to_numpy()).sum()
        rows = []
        for unit in self._unit_order():
            for rule in self.rules:
                flagged = int(counts.at[unit, rule.id]) if unit in counts.index else 0
                total = int(n_files.get(unit, 0))
                rows.append({"unit": unit, "rule": rule.id, "title": rule.title, "focus": rule.focus,
                             "files": total, "flagged": flagged, "per_100": _rate(flagged, total)})
        return pd.DataFrame(rows, columns=["unit", "rule", "title", "focus", "files", "flagged", "per_100"])

    def by_unit(self) -> pd.DataFrame:
        """Per unit: files checked, files with at least one flag, all flags, and both per 100 files."""
        units = self.files["unit"].to_numpy()
        any_flag = self.flags.any(axis=1)
        total_flags = self.flags.sum(axis=1)
        grouped = pd.DataFrame({"unit": units, "files": 1, "flagged_files": any_flag.astype(int),
                                "flags": total_flags}).groupby("unit").sum()
        rows = []
        for unit in self._unit_order():
            g = grouped.loc[unit]
            files, flagged, flags = int(g["files"]), int(g["flagged_files"]), int(g["flags"])
            rows.append({"unit": unit, "files": files, "flagged_files": flagged,
                         "flagged_per_100": _rate(flagged, files), "flags": flags, "flags_per_100": _rate(flags, files)})
        return pd.DataFrame(rows, columns=["unit", "files", "flagged_files", "flagged_per_100", "flags",
                                           "flags_per_100"])

    def by_rule(self) -> pd.DataFrame:
        counts = self.flags.sum(axis=0)
        return pd.DataFrame([{"rule": r.id, "title": r.title, "focus": r.focus, "basis": r.basis,
                              "hints": ", ".join(r.hints), "flagged": int(counts[r.id]),
                              "per_100": _rate(int(counts[r.id]), self.n_files)} for r in self.rules])

    def flagged_files(self) -> pd.DataFrame:
        """Each flagged file with the ids of the rules it trips."""
        matrix = self.flags.to_numpy(dtype=bool)
        hit = matrix.any(axis=1)
        # One text per distinct combination of rules (few), not one join per file.
        codes = matrix[hit].astype(np.int64) @ (np.int64(1) << np.arange(matrix.shape[1], dtype=np.int64))
        uniq, inverse = np.unique(codes, return_inverse=True)
        names = list(self.flags.columns)
        texts = np.array([", ".join(n for j, n in enumerate(names) if int(code) >> j & 1) for code in uniq] or [""],
                         dtype=object)
        files = self.files.loc[hit, ["case_file_id", "case_number", "unit", "case_type", "decision_date"]].copy()
        files["unit"] = files["unit"].astype(str)
        files["rules"] = texts[inverse] if len(files) else []
        return files.sort_values(["unit", "case_number"]).reset_index(drop=True)

    def flagged_numbers(self, rule_ids: list[str] | None = None) -> list[str]:
        cols = self.flags[rule_ids] if rule_ids else self.flags
        return sorted(self.files.loc[cols.any(axis=1).to_numpy(), "case_number"].tolist())

    def _unit_order(self) -> list[str]:
        order = self.files[["unit", "unit_order"]].drop_duplicates("unit")
        return order.sort_values(["unit_order", "unit"])["unit"].tolist()


def _rate(n: int, of: int) -> float:
    return round(100.0 * n / of, 2) if of else 0.0


def run_frame(frame: pd.DataFrame, rules: list[Rule]) -> PrecheckResult:
    return PrecheckResult(frame, rules, evaluate(rules, frame))


def run_precheck(session: Session, actor: User | None, campaign: Campaign,
                 rules: list[Rule] | None = None) -> PrecheckResult:
    """Check every file in the campaign's window (lead only: it reads the whole register)."""
    check(actor, Action.PRECHECK)
    rules = rules if rules is not None else load_rules()
    return run_frame(register_frame(session, campaign), rules)


def flagged_for_sample(session: Session, actor: User | None, campaign: Campaign, rule_ids: list[str] | None = None,
                       *, units: list[str] | None = None, rules: list[Rule] | None = None) -> list[str]:
    """Case numbers the pre-check flags (by any rule, or by the given rules), to force into the draw."""
    result = run_precheck(session, actor, campaign, rules)
    unknown = sorted(set(rule_ids or ()) - {r.id for r in result.rules})
    if unknown:
        raise ValidationFailed(code="precheck.unknown_rule", rules=unknown, known=[r.id for r in result.rules])
    numbers = result.flagged_numbers(rule_ids)
    if units is not None:
        keep = set(result.files.loc[result.files["unit"].isin(units), "case_number"])
        numbers = [n for n in numbers if n in keep]
    return numbers


# A file's flags by its register row and the rules, most recently asked for last: the scoring page asks on
# every open of a file, and typing one row through the frame costs tens of milliseconds. The server's
# sessions run in threads of one process, hence the lock.
FLAGGED_KEPT = 4096
_FLAGGED: dict[tuple[tuple[Rule, ...], tuple[Any, ...]], frozenset[str]] = {}
_FLAGGED_LOCK = threading.Lock()


def file_flags(session: Session, actor: User | None, campaign: Campaign, case_file: CaseFile,
               rules: list[Rule] | None = None) -> list[Rule]:
    """The rules one file trips: hints for its reviewers (never marks)."""
    check(actor, Action.PRECHECK_HINTS)
    rules = rules if rules is not None else load_rules()
    rows = register_rows(session, campaign, [case_file.id])
    if not rows:
        return []
    key = (tuple(rules), rows[0])
    with _FLAGGED_LOCK:
        flagged = _FLAGGED.pop(key, None)
    if flagged is None:  # the rules read the row alone: the same row and rules flag the same
        flags = evaluate(rules, _prepared(frame_of(session, rows))).iloc[0]
        flagged = frozenset(r.id for r in rules if bool(flags[r.id]))
    with _FLAGGED_LOCK:
        if len(_FLAGGED) >= FLAGGED_KEPT:
            del _FLAGGED[next(iter(_FLAGGED))]  # the least recently asked for
        _FLAGGED[key] = flagged
    return [r for r in rules if r.id in flagged]


def hints_by_item(rules: list[Rule]) -> dict[str, list[Rule]]:
    """Item or veto id -> the flagged rules that hint at it."""
    out: dict[str, list[Rule]] = {}
    for r in rules:
        for item in r.hints:
            out.setdefault(item, []).append(r)
    return out


def beside_sample(session: Session, campaign: Campaign, result: PrecheckResult) -> pd.DataFrame:
    """The per-unit pre-check figures next to the hand-scored sample: files sampled, flagged files among
    them, and the unit's mean final score so far."""
    sampled_ids = set(session.scalars(
        sa.select(SampleItem.case_file_id).join(SampleRecord, SampleRecord.id == SampleItem.sample_id)
        .where(SampleRecord.campaign_id == campaign.id, SampleRecord.is_current.is_(True))))
    means = {name: float(mean) for name, mean in session.execute(
        sa.select(Unit.name, sa.func.avg(FileResult.score)).join(Unit, Unit.id == FileResult.unit_id)
        .where(FileResult.campaign_id == campaign.id).group_by(Unit.name))}
    in_sample = result.files["case_file_id"].isin(sampled_ids).to_numpy()
    flagged = result.flags.any(axis=1).to_numpy()
    frame = pd.DataFrame({"unit": result.files["unit"].astype(str).to_numpy(), "sampled": in_sample.astype(int),
                          "flagged_sampled": (in_sample & flagged).astype(int)}).groupby("unit").sum()
    out = result.by_unit().set_index("unit")
    out["sampled"] = frame["sampled"].reindex(out.index).fillna(0).astype(int)
    out["flagged_sampled"] = frame["flagged_sampled"].reindex(out.index).fillna(0).astype(int)
    # FileResult.score is stored in hundredths (Centi); AVG in SQL reads the raw column
    out["mean_score"] = [round(means[u] / 100, 2) if u in means else None for u in out.index]
    return out.reset_index()
