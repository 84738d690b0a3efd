"""Reading an Ollama request: an ``/api/chat`` or ``/api/generate`` body into a :class:`ChatRequest`.

It owns how Ollama's fields map onto the protocol-neutral request: ``system``
and ``prompt`` of ``/api/generate``, ``options.num_predict`` and
``options.stop``, ``format`` (``"json"`` or a schema), ``think``, and
``stream`` defaulting to true. It must not render replies or errors; that is
:mod:`langchain_aegis.testing.ollama_protocol`.
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

__all__ = ["parse_ollama_chat"]


def _text(content: Any) -> str:
    # Ollama content is a string; tolerate OpenAI-style part lists from hand-written clients.
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def parse_ollama_chat(request: HttpRequest) -> ChatRequest:
    """Parse an ``/api/chat`` or ``/api/generate`` body.

    Args:
        request: the HTTP request.

    Returns:
        The chat request.

    Raises:
        ValueError: on a body that is not a JSON object, or without a model.
    """
    body = request.json()
    if not isinstance(body, dict):
        raise ValueError("invalid JSON body")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ValueError("model is required")
    if request.path == "/api/generate":
        messages: list[ChatMessage] = []
        if isinstance(body.get("system"), str) and body["system"]:
            messages.append(ChatMessage(role="system", content=body["system"]))
        messages.append(ChatMessage(role="user", content=_text(body.get("prompt", ""))))
    else:
        raw_messages = body.get("messages") or []
        if not isinstance(raw_messages, list):
            raise ValueError("messages must be a list")
        messages = [_message(m) for m in raw_messages if isinstance(m, dict)]
    options = body.get("options")
    if not isinstance(options, dict):
        options = {}
    stop = options.get("stop") or ()
    num_predict = options.get("num_predict")
    fmt = body.get("format")
    if isinstance(fmt, dict):
        response_format = ResponseFormat(kind="json_schema", schema=fmt)
    elif fmt == "json":
        response_format = ResponseFormat(kind="json")
    else:
        response_format = ResponseFormat()
    return ChatRequest(
        protocol="ollama",
        model=model,
        messages=tuple(messages),
        tools=tuple(tool_spec_from_wire(t) for t in body.get("tools") or () if isinstance(t, dict)),
        response_format=response_format,
        stop=(stop,) if isinstance(stop, str) else tuple(stop),
        # Ollama reads -1 and -2 as "no limit" / "fill the context".
        max_tokens=num_predict if isinstance(num_predict, int) and num_predict >= 0 else None,
        stream=body.get("stream", True) is not False,
        think=bool(body.get("think")),
        path=request.path,
        body=body,
    )


def _message(raw: Mapping[str, Any]) -> ChatMessage:
    return ChatMessage(
        role=str(raw.get("role", "user")),
        content=_text(raw.get("content", "")),
        tool_calls=tool_calls_from_wire(raw.get("tool_calls")),
        name=raw.get("tool_name") or raw.get("name"),
    )
