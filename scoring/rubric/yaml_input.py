"""Reading rubric YAML and marks JSON so that no input can break the tool.

Whatever arrives — not UTF-8, binary, a folder, nesting thousands deep, a YAML alias bomb, a file of
tens of megabytes — the result is data or one `ProblemReport` saying what is wrong, in bounded time and
memory. YAML is parsed once (libyaml when available): the node tree is composed, checked (duplicate
keys, depth, how far aliases would expand) while the line of every path is recorded, then constructed
from the same nodes. PyYAML silently keeps the last of two equal keys; we refuse them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from scoring import limits
from scoring.errors import Problem, ProblemReport

PathKey = tuple[str | int, ...]
MAX_DEPTH = 64  # a rubric is nested ~8 deep; marks ~5
MAX_EXPANDED_NODES = 5_000_000  # nodes after alias expansion: far above a 20 MB rubric, far below a bomb
MAX_PROBLEMS_SHOWN = 50  # a flood of problems lists the first 50 and the count

try:
    _Loader: type = yaml.CSafeLoader  # libyaml: a 20 MB rubric in seconds
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _refuse(fname: str, message: str, title: str, line: int | None = None) -> ProblemReport:
    return ProblemReport([Problem(message, file=fname, line=line)], title=title)


def read_text(path: Path, limit: limits.Limit = limits.RUBRIC_FILE) -> str:
    """A file's text: refuses a missing file, a folder, a file over its size limit, binary or non-UTF-8."""
    fname = str(path)
    title = f"cannot read {fname}"
    try:
        if path.is_dir():
            raise _refuse(fname, "this is a folder, not a file", title)
        limits.check_size(path.stat().st_size, limit, fname)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(fname, "file not found", title) from None
    except PermissionError:
        raise _refuse(fname, "permission denied", title) from None
    except OSError as exc:
        raise _refuse(fname, f"cannot be read ({exc.strerror or exc})", title) from None
    return decode(raw, fname)


def decode(raw: bytes, fname: str) -> str:
    title = f"cannot read {fname}"
    if b"\x00" in raw[:8192]:
        raise _refuse(fname, "binary data, not a text file (save the standard as UTF-8 text)", title)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _refuse(fname, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8", title,
                      line=line) from None


def _check_tree(root: yaml.Node, fname: str) -> dict[PathKey, int]:
    """Line of every path; refuse duplicate keys, nesting beyond MAX_DEPTH and alias bombs.

    Iterative (no recursion limit) and visits each node once: an alias (a node met again) is not walked
    again, but what it would expand to is counted."""
    lines: dict[PathKey, int] = {}
    problems: list[Problem] = []
    expanded: dict[int, int] = {}  # id(node) -> nodes it expands to
    # Post-order walk with an explicit stack: (node, path, depth, children_done)
    stack: list[tuple[yaml.Node, PathKey, int, bool]] = [(root, (), 0, False)]
    on_path: set[int] = set()
    while stack:
        node, path, depth, done = stack.pop()
        nid = id(node)
        if done:
            on_path.discard(nid)
            if isinstance(node, yaml.MappingNode):
                size = 1 + sum(expanded.get(id(k), 1) + expanded.get(id(v), 1) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                size = 1 + sum(expanded.get(id(c), 1) for c in node.value)
            else:
                size = 1
            expanded[nid] = size
            if size > MAX_EXPANDED_NODES:
                raise _refuse(fname, f"YAML aliases would expand to more than {MAX_EXPANDED_NODES:,} values "
                              "(an alias bomb?)", f"{fname} is not a usable rubric", line=node.start_mark.line + 1)
            continue
        lines.setdefault(path, node.start_mark.line + 1)
        if nid in expanded:
            continue  # an alias of a node already checked
        if nid in on_path:
            raise _refuse(fname, "a YAML alias refers to itself", f"{fname} is not a usable rubric",
                          line=node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise _refuse(fname, f"nested more than {MAX_DEPTH} levels deep", f"{fname} is not a usable rubric",
                          line=node.start_mark.line + 1)
        on_path.add(nid)
        stack.append((node, path, depth, True))
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else f"<{key_node.tag}>"
                line = key_node.start_mark.line + 1
                if key in seen:
                    problems.append(Problem(f"duplicate key {key!r} (first at line {seen[key]})", file=fname,
                                            path=format_path(path + (key,)) or None, line=line))
                    if len(problems) > MAX_PROBLEMS_SHOWN * 20:
                        break
                    continue
                seen[key] = line
                lines[path + (key,)] = line
                stack.append((value_node, path + (key,), depth + 1, False))
        elif isinstance(node, yaml.SequenceNode):
            for i in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[i], path + (i,), depth + 1, False))
    if problems:
        raise ProblemReport(problems, title=f"{fname} has duplicate keys")
    return lines


def parse_yaml(text: str, fname: str) -> tuple[Any, dict[PathKey, int]]:
    """Parse YAML once, returning the data and a map from paths to line numbers."""
    title = f"{fname} is not valid YAML"
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines = _check_tree(node, fname)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise _refuse(fname, f"YAML syntax error: {exc.problem or exc}", title, line=line) from None
    except yaml.YAMLError as exc:
        raise _refuse(fname, f"YAML error: {exc}", title) from None
    except RecursionError:
        raise _refuse(fname, "nested too deeply to read", title) from None
    finally:
        loader.dispose()
    return data, lines


def load_yaml_file(path: Path) -> tuple[Any, dict[PathKey, int]]:
    return parse_yaml(read_text(path), str(path))


def _json_depth_ok(text: str) -> int:
    """The deepest nesting of brackets outside strings (a linear scan, before json parses it)."""
    depth = deepest = 0
    in_str = escaped = False
    for ch in text:
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json(text: str, fname: str) -> Any:
    title = f"cannot read {fname}"
    if _json_depth_ok(text) > MAX_DEPTH:
        raise _refuse(fname, f"nested more than {MAX_DEPTH} levels deep", title)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(fname, f"not valid JSON: {exc.msg}", title, line=exc.lineno) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise _refuse(fname, "nested too deeply to read", title) from None


def load_json_file(path: Path, limit: limits.Limit = limits.RUBRIC_FILE) -> Any:
    return parse_json(read_text(path, limit), str(path))
