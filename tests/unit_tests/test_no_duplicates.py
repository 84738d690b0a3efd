"""No two functions in the package do the same job by the same code.

A cheap structural check on top of review: two functions (outside the
``testing/`` protocol servers, whose boilerplate mirrors two wire formats) whose
bodies have the same shape, after renaming every local name, argument and
constant the same way, are one function written twice. Short bodies (a few
statements: properties, delegations, protocol stubs) are left out, since they
repeat by nature. Sync and async twins differ by their awaits and are not
flagged; keeping both is LangChain's own convention.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "langchain_aegis"
MIN_STATEMENTS = 4


class _Shape(ast.NodeTransformer):
    """Rename local names (arguments and assigned names) and constants to placeholders.

    Names the function does not bind (the functions and modules it calls) are
    kept: two bodies calling ``advance`` and ``rollback`` do different jobs.
    """

    def __init__(self, local: set[str]) -> None:
        self.local = local
        self.names: dict[str, str] = {}

    def _alias(self, name: str) -> str:
        return self.names.setdefault(name, f"v{len(self.names)}") if name in self.local else name

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name(id=self._alias(node.id), ctx=node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.copy_location(ast.arg(arg=self._alias(node.arg)), node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.copy_location(ast.Constant(value=type(node.value).__name__), node)


def _locals(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    names.update(n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return names


def shape_of(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The body of ``func`` with its local names and constants replaced by placeholders."""
    shaper = _Shape(_locals(func))
    body = [shaper.visit(ast.parse(ast.unparse(stmt))) for stmt in _body(func)]
    return f"{type(func).__name__}:{ast.dump(ast.Module(body=body, type_ignores=[]))}"


def _statements(body: list[ast.stmt]) -> int:
    return sum(1 for stmt in body for _ in ast.walk(stmt) if isinstance(_, ast.stmt))


def _body(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body


def function_shapes() -> dict[str, list[str]]:
    """Shape -> the functions (``module:line name``) that have it."""
    shapes: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("testing", "data") or "data" in rel.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = _body(node)
            if _statements(body) < MIN_STATEMENTS:
                continue
            shapes[shape_of(node)].append(f"{rel}:{node.lineno} {node.name}")
    return shapes


def test_the_check_finds_a_copy() -> None:
    source = """
def a(x, y):
    total = 0
    for item in x:
        if item > y:
            total += item
    return total

def b(values, limit):
    acc = 0
    for v in values:
        if v > limit:
            acc += v
    return acc
"""
    funcs = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert len({shape_of(f) for f in funcs}) == 1


def test_calls_to_different_functions_are_different_jobs() -> None:
    source = """
def a(x):
    y = x + 1
    return advance(y)

def b(x):
    y = x + 1
    return rollback(y)
"""
    funcs = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    assert len({shape_of(f) for f in funcs}) == 2


def test_no_function_is_written_twice() -> None:
    copies = [places for places in function_shapes().values() if len(places) > 1]
    assert not copies, "the same function body, written twice:\n" + "\n".join(" = ".join(p) for p in copies)
