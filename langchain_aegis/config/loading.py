"""Loading a config: YAML text and ``${VAR}`` in, a validated :class:`AegisConfig` out.

It owns the pipeline from a file to typed objects: read the file, parse YAML
with line numbers, interpolate environment variables, validate, rewrite
pydantic's errors into :class:`~langchain_aegis.errors.ConfigError` messages
that name file, line and field, and give each config file its own budget
namespace. :func:`load_budgets` is the narrow variant ``aegis budget`` uses.
It must not define fields or validation rules (``models.py`` and
``providers.py`` do) and must not keep state between loads.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from langchain_aegis.config._env import UndefinedVariableError, interpolate
from langchain_aegis.config._errors import format_validation_error
from langchain_aegis.config._yaml import Lines, load_yaml
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import ConfigError

__all__ = ["load_budgets", "load_config", "namespace_for", "parse_config"]


def parse_config(
    data: Any, *, source: str = "<config>", env: Mapping[str, str] | None = None, lines: Lines | None = None
) -> AegisConfig:
    """Validate an already-parsed YAML/JSON tree into an :class:`AegisConfig`.

    Args:
        data: the parsed tree.
        source: the file it came from, for messages.
        env: variables for ``${VAR}``; ``os.environ`` by default.
        lines: the line of each key path (from the YAML loader), for messages.

    Raises:
        ConfigError: naming ``source`` and line, the field path, the bad value
            and, for an unknown key, the closest valid one.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        data = interpolate(data, os.environ if env is None else env)
    except UndefinedVariableError as exc:
        raise ConfigError(
            f"{source}: {exc.path}: environment variable {exc.name} is not set and has no default "
            f"(write ${{{exc.name}:-}} to allow it to be empty)"
        ) from None
    try:
        return AegisConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, source, AegisConfig, lines or {})) from None


def namespace_for(path: str | os.PathLike[str]) -> str:
    """The default ``budgets.namespace`` of a config file: its name and a hash of its resolved path.

    Two config files on one machine never share a budget unless they name the
    same ``budgets.namespace``; the same file always gets the same one.

    Example:
        >>> namespace_for("/srv/app/llm_config.yml")  # doctest: +SKIP
        'llm_config-5d41402abc'
    """
    resolved = Path(path).resolve()
    return f"{resolved.stem}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:10]}"


def _with_namespace(config: AegisConfig, source: str) -> AegisConfig:
    if config.budgets.namespace is not None:
        return config
    budgets = config.budgets.model_copy(update={"namespace": namespace_for(source)})
    return config.model_copy(update={"budgets": budgets})


def _read_yaml(path: str | os.PathLike[str]) -> tuple[str, Any, Lines]:
    """The file's name for messages, its parsed YAML tree, and the line of each key."""
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read config file ({exc.strerror})") from None
    data, lines = load_yaml(text, source)
    return source, data, lines


def load_budgets(path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> AegisConfig:
    """Load only what ``aegis budget`` needs: the ``budgets`` section and the provider names.

    ``${VAR}`` references outside ``budgets`` (API keys, hosts) need not be
    set: reading the ledger does not use them. Providers get a placeholder
    model and are otherwise empty.

    Raises:
        ConfigError: the file cannot be read, or ``budgets`` is invalid.
    """
    source, data, lines = _read_yaml(path)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    names = data.get("providers")
    stub_provider = {"type": "ollama", "model": "-", "locality": "local"}
    budgets = data.get("budgets") or {}
    if isinstance(budgets, Mapping):
        # lease_seconds is checked against resilience.deadline, which is not loaded here.
        budgets = {k: v for k, v in budgets.items() if k != "lease_seconds"}
    stub = {
        "providers": {str(name): stub_provider for name in (names if isinstance(names, Mapping) else {})}
        or {"-": stub_provider},
        "budgets": budgets,
    }
    return _with_namespace(parse_config(stub, source=source, env=env, lines=lines), source)


def load_config(path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> AegisConfig:
    """Load and validate a YAML config file.

    Args:
        path: the YAML file.
        env: variables for ``${VAR}`` interpolation; ``os.environ`` by default.

    Raises:
        ConfigError: the file is missing, is not YAML, repeats a key, or a
            field is invalid. The message names the file and line, the field
            path and the value.
    """
    source, data, lines = _read_yaml(path)
    return _with_namespace(parse_config(data, source=source, env=env, lines=lines), source)
