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
from scoring.messages import Msg

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


def _refuse(fname: str, message: Msg, title: Msg, line: int | None = None) -> ProblemReport:
    return ProblemReport([Problem(code=message.code, params=message.params, file=fname, line=line)],
                         title_code=title.code, title_params=title.params)


def read_text(path: Path, limit: limits.Limit = limits.RUBRIC_FILE) -> str:
    """A file's text: refuses a missing file, a folder, a file over its size limit, binary or non-UTF-8."""
    fname = str(path)
    title = Msg("file.cannot_read", {"file": fname})
    try:
        if path.is_dir():
            raise _refuse(fname, Msg("file.is_folder"), title)
        limits.check_size(path.stat().st_size, limit, fname)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(fname, Msg("file.not_found"), title) from None
    except PermissionError:
        raise _refuse(fname, Msg("file.permission"), title) from None
    except OSError as exc:
        raise _refuse(fname, Msg("file.os_error", {"why": exc.strerror or exc}), title) from None
    return decode(raw, fname)


def decode(raw: bytes, fname: str) -> str:
    title = Msg("file.cannot_read", {"file": fname})
    if b"\x00" in raw[:8192]:
        raise _refuse(fname, Msg("file.binary"), title)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _refuse(fname, Msg("file.not_utf8", {"why": exc.reason, "byte": exc.start}), title, line=line) from None


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

    def refuse(self, message: Msg, line: int) -> ProblemReport:
        return _refuse(self.fname, message, Msg("yaml.not_usable", {"file": self.fname}), line=line)

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
            raise self.refuse(Msg("yaml.unsupported_tag", {"tag": tag}), ev.start_mark.line + 1)
        return ctor(self.loader, node)

    def count(self, n: int, line: int) -> None:
        self.expanded += n
        if self.expanded > MAX_EXPANDED_NODES:
            raise self.refuse(Msg("yaml.alias_bomb", {"max": f"{MAX_EXPANDED_NODES:,}"}), line)

    def value(self, path: PathKey, depth: int, parent_line: int) -> tuple[Any, int]:
        """Read one value (the next event onward); returns it and how many nodes it expands to."""
        ev = self.loader.get_event()
        line = ev.start_mark.line + 1
        if line != parent_line or not path:
            self.lines[path] = line
        if isinstance(ev, yaml.AliasEvent):
            if ev.anchor in self.open_anchors:
                raise self.refuse(Msg("yaml.alias_self"), line)
            if ev.anchor not in self.anchors:
                raise self.refuse(Msg("yaml.alias_no_anchor", {"anchor": ev.anchor}), line)
            obj, size = self.anchors[ev.anchor]
            self.count(size, line)
            return obj, size
        if depth > MAX_DEPTH:
            raise self.refuse(Msg("yaml.deeper_than", {"max": MAX_DEPTH}), line)
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
                    raise self.refuse(Msg("yaml.key_not_plain"), kline)
                self.loader.get_event()
                key = self.scalar(kev)
                if key == "<<" and kev.tag is None:
                    raise self.refuse(Msg("yaml.merge_keys"), kline)
                try:
                    hash(key)
                except TypeError:
                    raise self.refuse(Msg("yaml.key_not_plain"), kline) from None
                kpath = path + (key,)
                val, n = self.value(kpath, depth + 1, kline)
                if kline != line:
                    self.lines[kpath] = kline
                if key in seen:
                    self.problems.append(Problem(code="yaml.duplicate_key", params={"key": key, "line": seen[key]},
                                                 file=self.fname, path=format_path(kpath) or None, line=kline))
                    continue
                seen[key] = kline
                obj[key] = val
                size += n + 1
            self.loader.get_event()
        else:  # pragma: no cover - the parser yields nothing else here
            raise self.refuse(Msg("yaml.unexpected_event", {"event": type(ev).__name__}), line)
        if anchor:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = (obj, size)
        return obj, size


def parse_yaml(text: str, fname: str) -> tuple[Any, dict[PathKey, int]]:
    """Parse YAML once, returning the data and a map from paths to line numbers (a path missing from
    the map is on its parent's line)."""
    title = Msg("yaml.not_valid", {"file": fname})
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
            raise _refuse(fname, Msg("yaml.many_documents"), title, line=ev.start_mark.line + 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise _refuse(fname, Msg("yaml.syntax", {"why": exc.problem or exc}), title, line=line) from None
    except yaml.YAMLError as exc:
        raise _refuse(fname, Msg("yaml.error", {"why": str(exc)}), title) from None
    except RecursionError:
        raise _refuse(fname, Msg("yaml.too_deep"), title) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise ProblemReport(builder.problems, title_code="yaml.duplicate_keys", title_params={"file": fname})
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
    title = Msg("file.cannot_read", {"file": fname})
    if _json_depth_ok(text) > MAX_DEPTH:
        raise _refuse(fname, Msg("yaml.deeper_than", {"max": MAX_DEPTH}), title)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse(fname, Msg("json.not_valid", {"why": exc.msg}), title, line=exc.lineno) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise _refuse(fname, Msg("yaml.too_deep"), title) from None


def load_json_file(path: Path, limit: limits.Limit = limits.RUBRIC_FILE) -> Any:
    return parse_json(read_text(path, limit), str(path))
