"""Mask detected entities, in strings and in the nested values of traces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from langchain_aegis.privacy._walk import is_binary
from langchain_aegis.privacy.detector import detect

__all__ = ["redact_text", "redact_value"]


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
    if not findings:
        return text
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

    Strings are redacted with :func:`redact_text`; dicts (values, not keys),
    lists and tuples are copied with their items redacted; LangChain messages
    are copied with their content, tool-call arguments and
    ``additional_kwargs`` redacted. Inline binary data (``data:`` URLs,
    base64 payloads) and every other value are returned as they are.

    Args:
        value: the value to redact; it is never modified in place.

    Returns:
        A redacted copy, or ``value`` itself when nothing in it is text.
    """
    if isinstance(value, str):
        return value if is_binary(value) else redact_text(value)
    if isinstance(value, BaseMessage):
        return _redact_message(value)
    if isinstance(value, Mapping):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_value(item) for item in value)
    return value


def _redact_message(message: BaseMessage) -> BaseMessage:
    update: dict[str, Any] = {
        "content": redact_value(message.content),
        "additional_kwargs": redact_value(message.additional_kwargs),
    }
    if isinstance(message, AIMessage):
        update["tool_calls"] = [{**call, "args": redact_value(call["args"])} for call in message.tool_calls]
        update["invalid_tool_calls"] = [
            {**call, "args": redact_value(call.get("args"))} for call in message.invalid_tool_calls
        ]
    return message.model_copy(update=update)
