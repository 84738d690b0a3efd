"""Reading an OpenAI request: a ``/v1/chat/completions`` body into a :class:`ChatRequest`.

It owns how Chat Completions fields map onto the protocol-neutral request:
``developer`` messages as ``system``, text parts of content lists,
``tool_choice`` in its string and object forms, ``response_format``,
``max_completion_tokens`` over ``max_tokens``, and ``reasoning_effort``. It
must not render replies, events or errors; that is
:mod:`langchain_aegis.testing.openai_protocol`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_aegis.testing.exchange import (
    ChatMessage,
    ChatRequest,
    ResponseFormat,
    tool_calls_from_wire,
    tool_spec_from_wire,
)
from langchain_aegis.testing.wire import HttpRequest

__all__ = ["parse_openai_chat"]


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def _tool_choice(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, dict):
        fn = raw.get("function")
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            return str(fn["name"])
        if raw.get("type") == "allowed_tools":
            return "required" if raw.get("mode") == "required" else "auto"
    return "auto"


def parse_openai_chat(request: HttpRequest) -> ChatRequest:
    """Parse a ``/v1/chat/completions`` body.

    Args:
        request: the HTTP request.

    Returns:
        The chat request.

    Raises:
        ValueError: on a body that is not a JSON object, or without model or messages.
    """
    body = request.json()
    if not isinstance(body, dict):
        raise ValueError("We could not parse the JSON body of your request.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ValueError("you must provide a model parameter")
    raw_messages = body.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise ValueError("[] is too short - 'messages'")
    stop = body.get("stop") or ()
    cap = body.get("max_completion_tokens", body.get("max_tokens"))
    effort = body.get("reasoning_effort")
    return ChatRequest(
        protocol="openai",
        model=model,
        messages=tuple(_message(m) for m in raw_messages if isinstance(m, dict)),
        tools=tuple(tool_spec_from_wire(t) for t in body.get("tools") or () if isinstance(t, dict)),
        tool_choice=_tool_choice(body.get("tool_choice")),
        response_format=_format(body.get("response_format")),
        stop=(stop,) if isinstance(stop, str) else tuple(stop),
        max_tokens=cap if isinstance(cap, int) else None,
        stream=bool(body.get("stream")),
        think=isinstance(effort, str) and effort not in ("none", "minimal"),
        path=request.path,
        body=body,
    )


def _message(raw: Mapping[str, Any]) -> ChatMessage:
    role = str(raw.get("role", "user"))
    return ChatMessage(
        role="system" if role == "developer" else role,
        content=_text(raw.get("content")),
        tool_calls=tool_calls_from_wire(raw.get("tool_calls")),
        name=raw.get("name"),
        tool_call_id=raw.get("tool_call_id"),
    )


def _format(raw: Any) -> ResponseFormat:
    if not isinstance(raw, dict):
        return ResponseFormat()
    if raw.get("type") == "json_object":
        return ResponseFormat(kind="json")
    if raw.get("type") == "json_schema" and isinstance(spec := raw.get("json_schema"), dict):
        return ResponseFormat(kind="json_schema", schema=spec.get("schema") or {"type": "object"})
    return ResponseFormat()
