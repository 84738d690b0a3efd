"""The package stays laid out by concept: small modules that say what they own.

Structure checks, not timings: a module past about 400 lines is two concepts
(split it along the concept), and every module opens with a docstring saying
what it owns, so a newcomer reading the folder finds each decision by name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "langchain_aegis"
MAX_LINES = 420  # "about 400": a little slack so a docstring line does not force a split
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} has {lines} lines: split it along its concepts"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_says_what_it_owns(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring, f"{_name(path)} has no module docstring"


def test_the_checks_read_the_package() -> None:
    assert any(p.name == "chat_models.py" for p in MODULES)
    assert len(MODULES) > 50
