"""Pydantic's validation errors, rewritten for a person editing ``llm_config.yml``.

Each line names the file and line, the key path, the value given (secrets
masked) and, for an unknown key, the closest valid one:
``llm_config.yml:7: budgets.monthly_limit: unknown key (value {'openai': 80.0}); did you mean 'monthly_limits'?``

It must not validate anything itself, and must never print a secret's value.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from langchain_aegis._secrets import mask_url
from langchain_aegis.config._yaml import Lines, Path, line_of, path_of, suggest

__all__ = ["fields_at", "format_validation_error", "shown"]

_SECRET_KEYS = ("api_key", "password", "token", "secret", "authorization")


def shown(value: Any, loc: str = "") -> str:
    """``repr(value)`` for an error message, with secrets masked."""
    if any(k in loc.lower() for k in _SECRET_KEYS):
        return "<secret>"
    text = repr(value)
    if len(text) > 120:
        text = text[:117] + "..."
    return mask_url(text)


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, int]:
    """The model an annotation holds, and how many path parts (dict keys, list indices) lead to it."""
    skip = 0
    while True:
        origin = get_origin(annotation)
        if origin is Union or origin is types.UnionType:
            args = [a for a in get_args(annotation) if a is not type(None)]
            if not args:
                return None, skip
            annotation = args[0]
        elif origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (dict, typing.Mapping):
            annotation, skip = get_args(annotation)[1], skip + 1
        elif origin is list:
            annotation, skip = get_args(annotation)[0], skip + 1
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation, skip
        else:
            return None, skip


def fields_at(root: type[BaseModel], path: Path) -> list[str] | None:
    """The field names valid at ``path`` under ``root``, or ``None`` if the path is not a model."""
    model: type[BaseModel] = root
    i = 0
    while i < len(path):
        field = model.model_fields.get(str(path[i]))
        if field is None:
            return None
        found, skip = _model_of(field.annotation)
        i += 1 + skip
        if found is None:
            return None
        model = found
    return list(model.model_fields)


def format_validation_error(exc: ValidationError, source: str, root: type[BaseModel], lines: Lines) -> str:
    """One line per error: ``source:line: path: what is wrong (value); the fix``."""
    out = []
    for err in exc.errors():
        loc_parts: Path = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = ".".join(str(p) for p in loc_parts)
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not loc_parts and err["type"] == "value_error":
            loc_parts = path_of(msg)  # model-level checks start their message with the path
        line = line_of(lines, loc_parts)
        where = f"{source}:{line}" if line is not None else source
        value = err.get("input")
        if err["type"] == "missing":
            out.append(f"{where}: {loc}: field required")
        elif err["type"] == "extra_forbidden":
            valid = fields_at(root, loc_parts[:-1]) or []
            hint = suggest(str(loc_parts[-1]), valid) if loc_parts else ""
            if not hint and valid:
                hint = f"; valid keys here: {', '.join(valid)}"
            out.append(f"{where}: {loc}: unknown key (value {shown(value, loc)}){hint}")
        elif err["type"] == "value_error" or isinstance(value, dict):
            # The validators already name the field and value in the message.
            out.append(mask_url(f"{where}: {loc + ': ' if loc else ''}{msg}"))
        else:
            out.append(f"{where}: {loc}: {msg} (got {shown(value, loc)})")
    return "\n".join(out)
