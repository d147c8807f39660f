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
MAX_EXPANDED_NODES = 5_000_000  # values after alias expansion: above a 20 MB rubric (~1.5M), far below a bomb
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


_STR = "tag:yaml.org,2002:str"


class _Builder:
    """Builds the data straight from the parser's events (no node tree: a 20 MB rubric would need
    gigabytes of nodes), recording the line of every path whose line differs from its parent's (the
    lookup falls back to the parent, so nothing is lost), refusing duplicate keys, nesting beyond
    MAX_DEPTH, and aliases that would expand beyond MAX_EXPANDED_NODES."""

    def __init__(self, loader: Any, fname: str) -> None:
        self.loader = loader
        self.fname = fname
        self.lines: dict[PathKey, int] = {}
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (object, nodes it expands to)
        self.open_anchors: set[str] = set()
        self.expanded = 0
        self.first_chars = frozenset(k for k in loader.yaml_implicit_resolvers if k is not None)

    def refuse(self, message: str, line: int) -> ProblemReport:
        return _refuse(self.fname, message, f"{self.fname} is not a usable rubric", line=line)

    def scalar(self, ev: Any) -> Any:
        tag = ev.tag
        value = ev.value
        if tag is None or tag == "!":
            if not ev.implicit[0] or (value and value[0] not in self.first_chars):
                return value  # quoted, or no implicit type starts with this character: a string
            tag = self.loader.resolve(yaml.ScalarNode, value, ev.implicit)
        if tag == _STR:
            return value
        node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
        ctor = self.loader.yaml_constructors.get(tag)
        if ctor is None:
            raise self.refuse(f"unsupported YAML tag {tag!r}", ev.start_mark.line + 1)
        return ctor(self.loader, node)

    def count(self, n: int, line: int) -> None:
        self.expanded += n
        if self.expanded > MAX_EXPANDED_NODES:
            raise self.refuse(f"YAML aliases would expand to more than {MAX_EXPANDED_NODES:,} values "
                              "(an alias bomb?)", line)

    def value(self, path: PathKey, depth: int, parent_line: int) -> tuple[Any, int]:
        """Read one value (the next event onward); returns it and how many nodes it expands to."""
        ev = self.loader.get_event()
        line = ev.start_mark.line + 1
        if line != parent_line or not path:
            self.lines[path] = line
        if isinstance(ev, yaml.AliasEvent):
            if ev.anchor in self.open_anchors:
                raise self.refuse("a YAML alias refers to the value it is inside", line)
            if ev.anchor not in self.anchors:
                raise self.refuse(f"YAML alias *{ev.anchor} has no anchor", line)
            obj, size = self.anchors[ev.anchor]
            self.count(size, line)
            return obj, size
        if depth > MAX_DEPTH:
            raise self.refuse(f"nested more than {MAX_DEPTH} levels deep", line)
        anchor = getattr(ev, "anchor", None)
        if isinstance(ev, yaml.ScalarEvent):
            obj, size = self.scalar(ev), 1
            self.count(1, line)
        elif isinstance(ev, yaml.SequenceStartEvent):
            if anchor:
                self.open_anchors.add(anchor)
            obj, size = [], 1
            self.count(1, line)
            i = 0
            while not isinstance(self.loader.peek_event(), yaml.SequenceEndEvent):
                item, n = self.value(path + (i,), depth + 1, line)
                obj.append(item)
                size += n
                i += 1
            self.loader.get_event()
        elif isinstance(ev, yaml.MappingStartEvent):
            if anchor:
                self.open_anchors.add(anchor)
            obj, size = {}, 1
            self.count(1, line)
            seen: dict[Any, int] = {}
            while not isinstance(self.loader.peek_event(), yaml.MappingEndEvent):
                kev = self.loader.peek_event()
                kline = kev.start_mark.line + 1
                if not isinstance(kev, yaml.ScalarEvent):
                    raise self.refuse("a mapping key must be a plain value", kline)
                self.loader.get_event()
                key = self.scalar(kev)
                if key == "<<" and kev.tag is None:
                    raise self.refuse("YAML merge keys (<<) are not supported; write the keys out", kline)
                try:
                    hash(key)
                except TypeError:
                    raise self.refuse("a mapping key must be a plain value", kline) from None
                kpath = path + (key,)
                val, n = self.value(kpath, depth + 1, kline)
                if kline != line:
                    self.lines[kpath] = kline
                if key in seen:
                    self.problems.append(Problem(f"duplicate key {key!r} (first at line {seen[key]})",
                                                 file=self.fname, path=format_path(kpath) or None, line=kline))
                    continue
                seen[key] = kline
                obj[key] = val
                size += n + 1
            self.loader.get_event()
        else:  # pragma: no cover - the parser yields nothing else here
            raise self.refuse(f"unexpected YAML event {type(ev).__name__}", line)
        if anchor:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = (obj, size)
        return obj, size


def parse_yaml(text: str, fname: str) -> tuple[Any, dict[PathKey, int]]:
    """Parse YAML once, returning the data and a map from paths to line numbers (a path missing from
    the map is on its parent's line)."""
    title = f"{fname} is not valid YAML"
    loader = _Loader(text)
    try:
        loader.get_event()  # StreamStart
        if isinstance(loader.peek_event(), yaml.StreamEndEvent):
            return None, {}
        loader.get_event()  # DocumentStart
        builder = _Builder(loader, fname)
        data, _ = builder.value((), 0, 0)
        loader.get_event()  # DocumentEnd
        if not isinstance(loader.peek_event(), yaml.StreamEndEvent):
            ev = loader.peek_event()
            raise _refuse(fname, "more than one YAML document in the file", title, line=ev.start_mark.line + 1)
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
    if builder.problems:
        raise ProblemReport(builder.problems, title=f"{fname} has duplicate keys")
    return data, builder.lines


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
