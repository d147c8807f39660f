"""The one-way rule of the layers (README, "Architecture"), checked on the source.

- the modules of `scoring` import each other without a cycle;
- no module imports another `scoring` module inside a function (the old way of hiding a cycle);
- a page never imports a page (shared widgets live in `scoring.ui.widgets`);
- nothing outside `scoring/ui/` imports Streamlit;
- inside `scoring.workflow` a step imports only the steps before it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import scoring

ROOT = Path(scoring.__file__).resolve().parent
WORKFLOW_ORDER = ("changes", "campaigns", "sampling", "assignments", "reviews", "recheck", "results", "progress",
                  "publish")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}


def _targets(node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> list[str]:
    """The scoring modules an import statement loads (a `from pkg import mod` counts as the module)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level or not node.module:
            return []
        names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                 for a in node.names]
    return [n for n in names if n.split(".")[0] == "scoring" and n in modules]


def imports(modules: dict[str, Path]) -> dict[str, dict[str, list[tuple[int, bool]]]]:
    """module -> imported scoring module -> [(line, inside a function)]."""
    graph: dict[str, dict[str, list[tuple[int, bool]]]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges: dict[str, list[tuple[int, bool]]] = {}
        funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        nested = {id(n) for f in funcs for n in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(node, modules):
                    if target != name:
                        edges.setdefault(target, []).append((node.lineno, id(node) in nested))
        graph[name] = edges
    return graph


GRAPH = imports(sources())


def find_cycle(graph: dict[str, dict[str, object]]) -> list[str] | None:
    """A cycle of module-level imports (a package's own `__init__` excepted: loading a submodule runs it)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, {}):
            if node.startswith(nxt + "."):
                continue  # a module naming its own package
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if state.get(start) is None and (found := visit(start)):
            return found
    return None


def top_level(graph: dict[str, dict[str, list[tuple[int, bool]]]]) -> dict[str, dict[str, object]]:
    return {m: {t: 1 for t, uses in edges.items() if any(not inside for _, inside in uses)}
            for m, edges in graph.items()}


def test_no_import_cycle() -> None:
    assert find_cycle(top_level(GRAPH)) is None


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    planted = {**top_level(GRAPH), "scoring.engine": {"scoring.workflow.reviews": 1}}
    cycle = find_cycle(planted)
    assert cycle is not None and "scoring.engine" in cycle and "scoring.workflow.reviews" in cycle


def test_no_scoring_import_inside_a_function() -> None:
    inside = sorted(f"{m} -> {t} (line {line})" for m, edges in GRAPH.items() for t, uses in edges.items()
                    for line, nested in uses if nested)
    assert inside == []


def test_pages_never_import_pages() -> None:
    pages = "scoring.ui.pages."
    bad = sorted(f"{m} -> {t}" for m, edges in GRAPH.items() if m.startswith(pages) for t in edges
                 if t.startswith(pages))
    assert bad == []


@pytest.mark.parametrize("name", sorted(m for m in sources() if not m.startswith("scoring.ui")))
def test_the_core_does_not_import_streamlit(name: str) -> None:
    tree = ast.parse(sources()[name].read_text(encoding="utf-8"))
    loaded = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    loaded |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "streamlit" not in loaded


def _step(module: str) -> int | None:
    parts = module.split(".")
    if parts[:2] != ["scoring", "workflow"] or len(parts) < 3:
        return None
    return WORKFLOW_ORDER.index(parts[2])


def test_workflow_steps_import_only_earlier_steps() -> None:
    bad = []
    for m, edges in GRAPH.items():
        here = _step(m)
        for t in edges:
            there = _step(t)
            if here is not None and there is not None and there > here:
                bad.append(f"{m} -> {t}")
    assert bad == []


def test_pages_get_their_actor_through_acting() -> None:
    """Pages get the signed-in account one way, `state.acting()` (or `state.acting_id()`, built on it, for
    core entry points that take an engine and an account id): never the raw session value, which skips
    the check that the account is still active."""
    root = Path(scoring.__file__).parent / "ui" / "pages"
    bad = sorted(f"{p.name}:{n}" for p in root.glob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if "current_user_id(" in line or "USER_KEY" in line)
    assert bad == []


def test_every_table_is_drawn_through_common_table() -> None:
    """Streamlit writes "None" in a table's empty cells, in English whatever the page's language: every
    table goes through `scoring.ui.common.table` (an editable one through `common.editor`), which shows a
    dash instead. No other function of the UI calls `st.dataframe` or `st.data_editor`."""
    root = Path(scoring.__file__).parent / "ui"
    calls = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
            for node in ast.walk(scope):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("dataframe", "data_editor") and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "st"):
                    calls.append((str(path.relative_to(root)), getattr(scope, "name", "<module>"), node.lineno))
    innermost = {(f, line): name for f, name, line in calls}  # functions come after the module: the def wins
    assert sorted({(f, name) for (f, _), name in innermost.items()}) == [("common.py", "editor"), ("common.py", "table")]
