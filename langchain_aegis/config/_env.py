"""``${VAR}`` and ``${VAR:-default}`` interpolation for configuration values.

Written by hand because the usual libraries either expand ``$VAR`` too
(``os.path.expandvars``, which silently keeps unknown names) or pull in a
templating engine; config needs exactly the two shell forms and a hard error
for an undefined variable without a default.

It must not read ``os.environ`` itself: the caller passes the variables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class UndefinedVariableError(KeyError):
    """An ``${VAR}`` reference with no value in the environment and no default."""

    def __init__(self, name: str, path: str) -> None:
        super().__init__(name)
        self.name = name
        self.path = path


def interpolate(value: Any, env: Mapping[str, str], path: str = "") -> Any:
    """Return ``value`` with every ``${VAR}`` in its strings replaced from ``env``.

    Args:
        value: a YAML-loaded tree (dicts, lists, scalars).
        env: the environment to read, usually ``os.environ``.
        path: the dotted field path of ``value``, used in errors.

    Raises:
        UndefinedVariableError: a variable without a default is not set.
    """
    if isinstance(value, str):
        if "${" not in value:
            return value

        def _sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            value = env.get(name)
            if default is not None:
                return value or default  # the shell's ``:-``: unset or empty takes the default
            if value is not None:
                return value
            raise UndefinedVariableError(name, path)

        return _PATTERN.sub(_sub, value)
    if isinstance(value, dict):
        return {k: interpolate(v, env, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, f"{path}[{i}]") for i, v in enumerate(value)]
    return value
