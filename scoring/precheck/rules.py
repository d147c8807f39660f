"""Pre-check rule files: what a rule says and how a file of rules is read and checked.

A rule file (`rubrics/precheck/*.yaml`, beside the standards) is a mapping with `kind: precheck`, an `id` and a
list of `rules`. Each rule has an `id`, a `title`, a `focus` (a focus area or general category), the
standard items it `hints` at (item or veto ids; shown beside those items on the scoring form), an
optional `basis` (the statute it cites), an optional `applies_when` and a `flag_when`: the defect.

Conditions (both `applies_when` and `flag_when`) are one-key mappings, nestable:

- `dates: [a, op, b]` — compare two date attributes (`op` one of < <= > >= == !=)
- `days: [a, b, op, n]` — the days from date `a` to date `b` compared with `n`
- `value: [attr, op, x]` — compare an attribute with a literal (number, text, yes/no) or another attribute
- `in: [attr, [x, y, ...]]` — the attribute is one of the values
- `missing: attr` / `present: attr` — the register leaves the attribute empty / fills it
- `all: [...]`, `any: [...]`, `not: {...}`

A comparison with an empty value never holds: a rule flags only what the register shows (use
`missing` to flag an absent date on purpose; it holds only for files whose register row carries some
optional process column, so a register without those columns is not flagged wholesale).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.domain import ALL_FOCUS
from scoring.errors import Problem, ProblemReport
from scoring.messages import Msg
from scoring.precheck.attributes import ATTRIBUTES
from scoring.rubric.loader import PathKey, format_path, parse_yaml
from scoring.shipped import rubrics_dir

DEFAULT_RULE_DIR = rubrics_dir() / "precheck"
ENV_RULES = "CASEREVIEW_PRECHECK"
OPS = ("<", "<=", ">", ">=", "==", "!=")


@dataclass(frozen=True)
class Cond:
    """A checked condition node: `op` is one of the keys above, `args` its checked arguments."""

    op: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    focus: str
    hints: tuple[str, ...]
    flag_when: Cond
    applies_when: Cond | None = None
    basis: str = ""
    source: str = ""


def _type(name: str) -> Msg:
    """The attribute's type, named in either language."""
    return Msg(f"precheck.type.{ATTRIBUTES[name].type}")


def _attr(name: Any, want: tuple[str, ...] | None, path: PathKey, add: Any) -> str | None:
    if not isinstance(name, str) or name not in ATTRIBUTES:
        add("precheck.rule.unknown_attribute", path, name=name, known=list(ATTRIBUTES))
        return None
    if want is not None and ATTRIBUTES[name].type not in want:
        add("precheck.rule.attribute_type", path, name=name, type=_type(name),
            want=[Msg(f"precheck.type.{w}") for w in want])
        return None
    return name


def _op(op: Any, path: PathKey, add: Any) -> str | None:
    if op not in OPS:
        add("precheck.rule.unknown_comparison", path, op=op, known=" ".join(OPS))
        return None
    return str(op)


def _literal_ok(attr: str, value: Any) -> bool:
    kind = ATTRIBUTES[attr].type
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str)
    return False


def parse_condition(data: Any, path: PathKey, add: Any) -> Cond | None:
    """Check one condition node; report problems through `add(code, path, **params)` (a message code of
    `scoring.messages`); None when it is bad."""
    if not isinstance(data, dict) or len(data) != 1:
        add("precheck.rule.condition_shape", path)
        return None
    (key, arg), = data.items()
    here = path + (key,)
    if key in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            add("precheck.rule.needs_conditions", here, key=key)
            return None
        parts = [parse_condition(c, here + (i,), add) for i, c in enumerate(arg)]
        return None if any(p is None for p in parts) else Cond(key, tuple(parts))
    if key == "not":
        inner = parse_condition(arg, here, add)
        return None if inner is None else Cond("not", (inner,))
    if key in ("missing", "present"):
        name = _attr(arg, None, here, add)
        return None if name is None else Cond(key, (name,))
    if not isinstance(arg, list):
        add("precheck.rule.needs_list", here, key=key)
        return None
    if key == "dates":
        if len(arg) != 3:
            add("precheck.rule.dates_shape", here)
            return None
        a, op, b = _attr(arg[0], ("date",), here + (0,), add), _op(arg[1], here + (1,), add), \
            _attr(arg[2], ("date",), here + (2,), add)
        return None if None in (a, op, b) else Cond("dates", (a, op, b))
    if key == "days":
        if len(arg) != 4:
            add("precheck.rule.days_shape", here)
            return None
        a, b = _attr(arg[0], ("date",), here + (0,), add), _attr(arg[1], ("date",), here + (1,), add)
        op = _op(arg[2], here + (2,), add)
        n = arg[3]
        if not isinstance(n, int) or isinstance(n, bool):
            add("precheck.rule.days_number", here + (3,), value=n)
            return None
        return None if None in (a, b, op) else Cond("days", (a, b, op, n))
    if key == "value":
        if len(arg) != 3:
            add("precheck.rule.value_shape", here)
            return None
        a, op = _attr(arg[0], ("number", "text", "bool"), here + (0,), add), _op(arg[1], here + (1,), add)
        if a is None or op is None:
            return None
        other = arg[2]
        if isinstance(other, str) and other in ATTRIBUTES and ATTRIBUTES[a].type != "text":
            if ATTRIBUTES[other].type != ATTRIBUTES[a].type:
                add("precheck.rule.cannot_compare", here + (2,), a=a, a_type=_type(a), b=other,
                    b_type=_type(other))
                return None
            return Cond("value_attr", (a, op, other))
        if not _literal_ok(a, other):
            add("precheck.rule.bad_literal", here + (2,), value=other, type=_type(a), name=a)
            return None
        if ATTRIBUTES[a].type in ("text", "bool") and op not in ("==", "!="):
            add("precheck.rule.equality_only", here + (1,), type=_type(a))
            return None
        return Cond("value", (a, op, other))
    if key == "in":
        if len(arg) != 2 or not isinstance(arg[1], list) or not arg[1]:
            add("precheck.rule.in_shape", here)
            return None
        a = _attr(arg[0], ("number", "text"), here + (0,), add)
        if a is None:
            return None
        bad = [v for v in arg[1] if not _literal_ok(a, v)]
        if bad:
            add("precheck.rule.bad_literal", here + (1,), value=bad[0], type=_type(a), name=a)
            return None
        return Cond("in", (a, tuple(arg[1])))
    add("precheck.rule.unknown_condition", here, key=key)
    return None


RULE_KEYS = {"id", "title", "focus", "hints", "flag_when", "applies_when", "basis"}


def parse_rule_file(text: str, fname: str) -> list[Rule]:
    """Read one rule file; every problem is reported with file, path and line. Raises ProblemReport."""
    data, lines = parse_yaml(text, fname)
    problems: list[Problem] = []

    def add(code: str, path: PathKey, **params: Any) -> None:
        line = next((lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in lines), None)
        problems.append(Problem(code=code, params=params, file=fname, path=format_path(path) or None, line=line))

    if not isinstance(data, dict) or data.get("kind") != "precheck":
        add("precheck.rule.not_rule_file", ("kind",))
        raise ProblemReport(problems, title_code="precheck.rules.not_rule_file", title_params={"file": fname})
    for key in sorted(set(data) - {"kind", "id", "title", "rules"}):
        add("precheck.rule.unknown_key", (key,), key=key)
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        add("precheck.rule.no_rules", ("rules",))
        raise ProblemReport(problems, title_code="precheck.rules.file_problems", title_params={"file": fname})
    out: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(rules_data):
        here: PathKey = ("rules", i)
        if not isinstance(raw, dict):
            add("precheck.rule.not_mapping", here)
            continue
        for key in sorted(set(raw) - RULE_KEYS):
            add("precheck.rule.unknown_key", here + (key,), key=key)
        missing = [k for k in ("id", "title", "focus", "hints", "flag_when") if k not in raw]
        for k in missing:
            add("precheck.rule.missing_key", here, key=k)
        if missing:
            continue
        rid, title, focus, hints = raw["id"], raw["title"], raw["focus"], raw["hints"]
        if not isinstance(rid, str) or not rid.strip():
            add("precheck.rule.empty_text", here + ("id",), key="id")
            continue
        if rid in seen:
            add("precheck.rule.id_twice", here + ("id",), id=rid)
        seen.add(rid)
        if not isinstance(title, str) or not title.strip():
            add("precheck.rule.empty_text", here + ("title",), key="title")
        if focus not in ALL_FOCUS:
            add("precheck.rule.unknown_focus", here + ("focus",), focus=focus, known=list(ALL_FOCUS))
        if not isinstance(hints, list) or not hints or not all(isinstance(h, str) and h for h in hints):
            add("precheck.rule.hints", here + ("hints",))
            hints = []
        flag = parse_condition(raw["flag_when"], here + ("flag_when",), add)
        scope = parse_condition(raw["applies_when"], here + ("applies_when",), add) if "applies_when" in raw else None
        basis = raw.get("basis", "")
        if not isinstance(basis, str):
            add("precheck.rule.basis", here + ("basis",))
            basis = ""
        if flag is not None and ("applies_when" not in raw or scope is not None):
            out.append(Rule(rid, str(title), str(focus), tuple(hints), flag, scope, basis, fname))
    if problems:
        raise ProblemReport(problems, title_code="precheck.rules.file_problems", title_params={"file": fname})
    return out


def rule_dir() -> Path:
    return Path(os.environ.get(ENV_RULES) or DEFAULT_RULE_DIR)


def load_rules(path: Path | None = None) -> list[Rule]:
    """Every rule in a file or in the `.yaml` files of a folder (default: the shipped `rubrics/precheck/`)."""
    path = Path(path) if path is not None else rule_dir()
    files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
    if not files:
        raise ProblemReport([Problem(code="precheck.rules.no_files", file=str(path))],
                            title_code="precheck.rules.none")
    rules: list[Rule] = []
    problems: list[Problem] = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(code="precheck.rules.unreadable", params={"why": exc}, file=str(f)))
            continue
        try:
            rules.extend(parse_rule_file(text, str(f)))
        except ProblemReport as exc:
            problems.extend(exc.problems)
    ids = [r.id for r in rules]
    for rid in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(code="precheck.rules.id_in_two_files", params={"id": rid}, file=str(path)))
    if problems:
        raise ProblemReport(problems, title_code="precheck.rules.problems")
    return rules
