"""Mask detected entities, in strings and in the nested values of traces.

It must not decide whether text may leave: that is the egress gate's job.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.messages import BaseMessage
from pydantic import BaseModel

from langchain_aegis.privacy._walk import is_binary
from langchain_aegis.privacy.detector import Finding, detect

__all__ = ["redact_text", "redact_value"]

# Message fields that carry routing, ids or enum values, never the conversation's text.
_MESSAGE_KEEP = frozenset({"type", "id", "response_metadata", "usage_metadata", "status", "chunk_position"})
_IDENTIFIER = re.compile(r"[A-Za-z_]{1,40}")


def redact_text(text: str) -> str:
    """Replace each detected entity with its type in angle brackets.

    Args:
        text: any string.

    Returns:
        ``text`` with every finding of :func:`~langchain_aegis.privacy.detect`
        replaced by ``<ENTITY>``; everything else is unchanged.

    Example:
        .. code-block:: python

            redact_text("IBAN: DE89 3704 0044 0532 0130 00, danke!")
            # 'IBAN: <IBAN>, danke!'
    """
    findings = detect(text)
    return mask(text, findings) if findings else text


def mask(text: str, findings: Sequence[Finding]) -> str:
    """``text`` with each of ``findings`` (sorted, not overlapping) replaced by ``<ENTITY>``."""
    parts: list[str] = []
    pos = 0
    for finding in findings:
        parts.append(text[pos : finding.start])
        parts.append(f"<{finding.entity}>")
        pos = finding.end
    parts.append(text[pos:])
    return "".join(parts)


def redact_value(value: Any) -> Any:
    """Redact every string inside a traced input or output.

    Strings are redacted with :func:`redact_text`. Dicts (values, not keys),
    lists, tuples and sets are copied with their items redacted; LangChain
    messages with every field that can hold text (content, ``name``,
    ``additional_kwargs``, tool calls, ``tool_call_id``, ``artifact``, ...);
    pydantic models, dataclasses (LangGraph's ``Command``) and slotted
    objects (``Send``) with their fields. Inline binary data (``data:`` URLs,
    base64 payloads) and every other value are returned as they are.

    Args:
        value: the value to redact; it is never modified in place.

    Returns:
        A redacted copy, or ``value`` itself when nothing in it is text.
    """
    return map_strings(value, _redact_string)


def _redact_string(text: str) -> str:
    return text if is_binary(text) else redact_text(text)


def map_strings(value: Any, text: Callable[[str], str], _depth: int = 0) -> Any:
    """A copy of ``value`` with ``text`` applied to every string in it (dict keys excepted).

    Walks what :func:`redact_value` documents; values nested deeper than 64
    levels are replaced by ``text("…")`` rather than returned unread.
    """
    if isinstance(value, str):
        return text(value)
    if value is None or isinstance(value, bool | int | float | bytes):
        return value
    if _depth > 64:
        return text("…")
    depth = _depth + 1
    if isinstance(value, BaseMessage):
        update = {
            name: map_strings(getattr(value, name), text, depth)
            for name in type(value).model_fields
            if name not in _MESSAGE_KEEP
        }
        return value.model_copy(update=update)
    if isinstance(value, Mapping):
        return {key: item if _structural(key, item) else map_strings(item, text, depth) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, text, depth) for item in value]
    if isinstance(value, tuple):
        items = [map_strings(item, text, depth) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, set | frozenset):
        return type(value)(map_strings(item, text, depth) for item in value)
    if isinstance(value, BaseModel):
        return value.model_copy(
            update={name: map_strings(getattr(value, name), text, depth) for name in type(value).model_fields}
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _copy_with(value, [f.name for f in dataclasses.fields(value)], text, depth)
    slots = [s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ()) if not s.startswith("__")]
    if slots:
        return _copy_with(value, slots, text, depth)
    return value


def _structural(key: Any, item: Any) -> bool:
    # A content block's or tool call's ``"type": "text"`` is LangChain's structure, not text to hide.
    return key == "type" and isinstance(item, str) and _IDENTIFIER.fullmatch(item) is not None


def _copy_with(value: Any, names: Sequence[str], text: Callable[[str], str], depth: int) -> Any:
    # copy.copy then object.__setattr__ works for frozen dataclasses, slotted classes
    # and init=False fields alike, where dataclasses.replace() would not.
    out = copy.copy(value)
    for name in names:
        if hasattr(value, name):
            object.__setattr__(out, name, map_strings(getattr(value, name), text, depth))
    return out
