"""YAML for config files: duplicate keys and non-finite numbers rejected, and every key's line kept.

PyYAML's ``safe_load`` keeps the last of two equal keys, so a second
``budgets:`` section silently replaced the first, limits and all. Here the
document is composed first, checked node by node, and only then constructed;
the walk also records the line of every key, so a validation error can say
``llm_config.yml:12``.

It must not validate fields (the pydantic models do) or interpolate ``${VAR}``
(``_env.py`` does).
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import yaml

from langchain_aegis.errors import ConfigError

__all__ = ["Lines", "load_yaml", "path_of", "suggest"]

Path = tuple[str | int, ...]
Lines = dict[Path, int]


def suggest(word: str, options: list[str] | set[str] | frozenset[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest option, or ``""`` if none is close."""
    import difflib

    close = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    return loader.construct_object(node, deep=True)


def _walk(loader: yaml.SafeLoader, node: yaml.Node, path: Path, lines: Lines, source: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key == "<<":  # a merge key is resolved by the constructor
                _walk(loader, value_node, path, lines, source)
                continue
            where = ".".join(str(p) for p in (*path, key))
            if key in seen:
                raise ConfigError(
                    f"{source}:{line}: {where}: duplicate key (first given on line {seen[key]}); "
                    "a YAML mapping keeps only one of them, so merge the two"
                )
            seen[key] = line
            lines[(*path, str(key))] = line
            _walk(loader, value_node, (*path, str(key)), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(loader, item, (*path, i), lines, source)
    elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:float":
        value = _scalar(loader, node)
        if isinstance(value, float) and not math.isfinite(value):
            where = ".".join(str(p) for p in path)
            raise ConfigError(
                f"{source}:{node.start_mark.line + 1}: {where}: {node.value!r} is not a finite number; "
                "give a number (omit the key for no limit)"
            )


def load_yaml(text: str, source: str) -> tuple[Any, Lines]:
    """Parse ``text`` (from ``source``) into Python data and the line of every key path.

    Raises:
        ConfigError: a syntax error, a duplicate key or a non-finite number, naming
            ``source`` and the line.
    """
    stream = io.StringIO(text)
    stream.name = source  # PyYAML names the stream in its marks; a str would be "<unicode string>"
    loader = yaml.SafeLoader(stream)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: Lines = {}
        _walk(loader, node, (), lines, source)
        return loader.construct_document(node), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()


_PATH_HEAD = re.compile(r"^([A-Za-z_][\w-]*(?:(?:\.[\w-]+)|(?:\[\d+\]))*)")


def path_of(text: str) -> Path:
    """The key path a message starts with (``routing.rules[0].provider: ...``), or ``()``."""
    m = _PATH_HEAD.match(text)
    if not m or (":" not in text[m.end() : m.end() + 2] and " " not in text[m.end() : m.end() + 1]):
        return ()
    out: list[str | int] = []
    for part in re.findall(r"[\w-]+|\[\d+\]", m.group(1)):
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


def line_of(lines: Lines, path: Path) -> int | None:
    """The line of the longest prefix of ``path`` that the file has."""
    for end in range(len(path), 0, -1):
        found = lines.get(tuple(str(p) if not isinstance(p, int) else p for p in path[:end]))
        if found is not None:
            return found
    return None
