"""The package's import graph has no cycles, and data flows one way.

The graph is built with :mod:`ast` from the source, so it sees every import a
module can run: at module level and inside functions (a lazy import only
hides a cycle until the function runs). Imports under ``if TYPE_CHECKING:``
are left out, since they never run. Importing ``a.b.c`` runs the
``__init__`` of ``a`` and ``a.b`` first, so those count as edges too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "langchain_aegis"
ROOT = "langchain_aegis"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(module, names taken from it) for every import statement ``tree`` can run."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, tuple(alias.name for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))


def import_graph() -> dict[str, set[str]]:
    """Module name -> the package modules importing it runs.

    Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first. That
    counts as an edge only for a module outside ``a.b``: inside it, the
    package's ``__init__`` is already loading or loaded. ``from a.b import
    c`` depends on the module ``a.b.c`` when there is one, else on the names
    ``a/b/__init__`` defines.
    """
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ancestors = {".".join(name.split(".")[:depth]) for depth in range(1, name.count(".") + 1)}
        if path.name == "__init__.py":
            ancestors.add(name)
        for target, names in _imports(tree, name, path.name == "__init__.py"):
            if not target.startswith(ROOT):
                continue
            parts = target.split(".")
            for depth in range(1, len(parts)):
                prefix = ".".join(parts[:depth])
                if prefix in modules and prefix not in ancestors:
                    graph[name].add(prefix)
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            graph[name].update(submodules)
            if (len(submodules) < len(names) or not names) and target in modules:
                graph[name].add(target)
            graph[name].discard(name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert "langchain_aegis.chat_models" in graph
    assert "langchain_aegis.routing.policy" in graph["langchain_aegis.chat_models"] or any(
        "langchain_aegis.routing" in deps for deps in graph.values()
    )


def test_cycles_are_found() -> None:
    """The checker itself finds a cycle, so a pass means something."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles in the package:\n" + "\n".join(" <-> ".join(c) for c in found)


# The layers, lowest first: a module may import its own layer and those below.
LAYERS: list[tuple[str, ...]] = [
    ("_fork", "_loops", "_sync", "_secrets", "_terminal", "errors", "facts", "dispatch.records", "state"),
    ("config", "privacy"),
    ("providers", "budget", "routing"),
    ("dispatch",),
    ("rollout", "observability", "eval.store"),
]


def _layer_of(module: str) -> int | None:
    short = module.removeprefix(ROOT + ".")
    best: tuple[int, int] | None = None
    for level, names in enumerate(LAYERS):
        for name in names:
            if (short == name or short.startswith(name + ".")) and (best is None or len(name) > best[1]):
                best = (level, len(name))
    return None if best is None else best[0]


@pytest.mark.parametrize("module", sorted(m for m in import_graph() if _layer_of(m) is not None))
def test_no_upward_imports(module: str) -> None:
    """A lower layer never imports a higher one (data flows one way)."""
    own = _layer_of(module)
    assert own is not None  # the chat model, runtime, cli, demo, testing and eval sit above the layers
    upward = sorted(dep for dep in import_graph()[module] if (level := _layer_of(dep)) is not None and level > own)
    assert not upward, f"{module} (layer {own}) imports higher layers: {upward}"
