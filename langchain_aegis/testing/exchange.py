"""The protocol-neutral request a fake server hands to its brain, and the reply it gets back.

Both wire protocols parse their JSON body into a :class:`ChatRequest` and
render a :class:`Reply` back into their own format, so a brain (and a test
script) is written once for Ollama and OpenAI alike.

It owns the neutral types and the readers of the wire shapes both protocols
share (tool calls, tool specs); it must not hold anything only one protocol
sends.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

__all__ = [
    "Brain",
    "ChatMessage",
    "ChatRequest",
    "Reply",
    "ReplyLike",
    "ResponseFormat",
    "ToolCall",
    "ToolSpec",
    "count_tokens",
    "finalize",
    "split_tokens",
    "tool_calls_from_wire",
    "tool_spec_from_wire",
]

_TOKEN = re.compile(r"\s*\S+\s*")
_SCHEMA_TOKEN = re.compile(r"\w+|[^\w\s]")


def split_tokens(text: str) -> list[str]:
    """Split text into the pieces a fake server streams, one "token" each.

    A token is a whitespace-separated word with the whitespace around it, so
    ``"".join(split_tokens(t)) == t`` for any text with a non-blank character.

    Args:
        text: the text to split.

    Returns:
        The pieces, in order.
    """
    return _TOKEN.findall(text) if text.strip() else ([text] if text else [])


def count_tokens(text: str) -> int:
    """Deterministic token count: whitespace-separated words.

    Real tokenizers differ per model; tests comparing usage across providers
    need a count that both fake servers agree on.

    Args:
        text: the text to count.

    Returns:
        The number of words.
    """
    return len(text.split())


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One function call the model makes.

    Attributes:
        name: the tool's name.
        arguments: the arguments, already parsed.
        id: the call id; derived from name and arguments when left empty.
    """

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    id: str = ""

    def with_id(self, index: int) -> ToolCall:
        """This call with a deterministic id if it has none.

        Args:
            index: the call's position in the reply, so equal calls get distinct ids.

        Returns:
            A call whose ``id`` is set.
        """
        if self.id:
            return self
        seed = f"{index}:{self.name}:{json.dumps(self.arguments, sort_keys=True)}"
        return replace(self, id="call_" + hashlib.sha256(seed.encode()).hexdigest()[:24])


def _wire_arguments(raw: Any) -> dict[str, Any]:
    # Ollama sends arguments as an object, OpenAI as a JSON string; a broken one reads as none.
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def tool_calls_from_wire(raw: Any) -> tuple[ToolCall, ...]:
    """The ``tool_calls`` of a wire message (``[{"id", "function": {"name", "arguments"}}]``), parsed.

    Both protocols share this shape; entries that do not have it are skipped.

    Args:
        raw: the message's ``tool_calls`` value, or ``None``.

    Returns:
        The calls, with arguments parsed from a JSON string or taken as an object.
    """
    return tuple(
        ToolCall(name=str(fn.get("name", "")), arguments=_wire_arguments(fn.get("arguments")), id=str(c.get("id", "")))
        for c in raw or ()
        if isinstance(c, dict) and isinstance(fn := c.get("function"), dict)
    )


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of the conversation, flattened to text.

    Attributes:
        role: ``system``, ``user``, ``assistant`` or ``tool`` (``developer`` maps to ``system``).
        content: the text parts joined; images and files are dropped.
        tool_calls: calls an assistant message made.
        name: the tool name of a tool message (or the author name of others).
        tool_call_id: the call a tool message answers.
    """

    role: str
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    name: str | None = None
    tool_call_id: str | None = None


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A function the client offers to the model.

    Attributes:
        name: the function name.
        description: what it does.
        parameters: the JSON schema of its arguments.
    """

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)


def tool_spec_from_wire(raw: Mapping[str, Any]) -> ToolSpec:
    """One entry of a request's ``tools`` (``{"type": "function", "function": {...}}`` or the bare function).

    Args:
        raw: the entry.

    Returns:
        The tool as offered to the model.
    """
    fn = raw.get("function") if isinstance(raw.get("function"), dict) else raw
    assert isinstance(fn, Mapping)
    return ToolSpec(
        name=str(fn.get("name", "")),
        description=str(fn.get("description") or ""),
        parameters=fn.get("parameters") or {},
    )


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    """What shape the answer must take.

    Attributes:
        kind: ``text``, ``json`` (any JSON object) or ``json_schema``.
        schema: the JSON schema when ``kind`` is ``json_schema``.
    """

    kind: Literal["text", "json", "json_schema"] = "text"
    schema: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A chat request as both protocols understand it.

    Attributes:
        protocol: ``ollama`` or ``openai``.
        model: the requested model name.
        messages: the conversation.
        tools: the functions offered.
        tool_choice: ``auto``, ``none``, ``required`` or a tool name.
        response_format: the requested answer shape.
        stop: stop sequences.
        max_tokens: the output cap (``num_predict`` / ``max_tokens``), if any.
        stream: whether the client asked for a stream.
        think: whether reasoning output was requested (Ollama's ``think``).
        path: the endpoint called (``/api/chat``, ``/v1/chat/completions``...).
        body: the raw JSON body, for brains that need more.
    """

    protocol: str
    model: str
    messages: tuple[ChatMessage, ...]
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: str = "auto"
    response_format: ResponseFormat = field(default_factory=ResponseFormat)
    stop: tuple[str, ...] = ()
    max_tokens: int | None = None
    stream: bool = False
    think: bool = False
    path: str = ""
    body: Mapping[str, Any] = field(default_factory=dict)

    @property
    def last_user_text(self) -> str:
        """The content of the last user message, or ``""``."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.content
        return ""

    @property
    def prompt_tokens(self) -> int:
        """Deterministic prompt token count: the words of every message, plus tools and schema.

        Real providers bill the tools and the response schema they render into
        the prompt; here each word and each punctuation mark of their JSON is
        a token, so tests of budget reservations meet schema-heavy bills.
        """
        words = sum(count_tokens(m.content) for m in self.messages)
        specs: list[Any] = [
            {"name": t.name, "description": t.description, "parameters": t.parameters} for t in self.tools
        ]
        if self.response_format.schema is not None:
            specs.append(self.response_format.schema)
        return words + sum(len(_SCHEMA_TOKEN.findall(json.dumps(s, default=str))) for s in specs)


@dataclass(frozen=True, slots=True)
class Reply:
    """What the model answers.

    Attributes:
        content: the text (or JSON text) of the answer.
        thinking: reasoning text, sent only when the protocol carries it.
        tool_calls: function calls; when present the answer is a tool call turn.
        finish_reason: ``stop``, ``length``, ``tool_calls`` or ``content_filter``;
            derived by :func:`finalize` when left ``None``.
    """

    content: str = ""
    thinking: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None

    @property
    def completion_tokens(self) -> int:
        """Deterministic output token count: content, thinking and call arguments."""
        calls = sum(count_tokens(json.dumps(c.arguments, ensure_ascii=False)) for c in self.tool_calls)
        return count_tokens(self.content) + count_tokens(self.thinking) + calls


#: What a brain or a script may produce: a full reply, or just its text.
ReplyLike = Reply | str

#: A brain decides the answer to a request; it must be fast and thread-safe.
Brain = Callable[[ChatRequest], ReplyLike]


def finalize(reply: ReplyLike, request: ChatRequest) -> Reply:
    """Apply what a real server enforces after generation: stop sequences and the token cap.

    Args:
        reply: what the brain or the script produced.
        request: the request it answers.

    Returns:
        The reply with content cut at the first stop sequence or after
        ``max_tokens`` words, ids on every tool call, and a finish reason.
    """
    if isinstance(reply, str):
        reply = Reply(content=reply)
    calls = tuple(call.with_id(i) for i, call in enumerate(reply.tool_calls))
    content, reason = reply.content, reply.finish_reason
    if request.stop and content:
        cuts = [i for i in (content.find(s) for s in request.stop if s) if i >= 0]
        if cuts:
            content, reason = content[: min(cuts)], reason or "stop"
    if request.max_tokens is not None and count_tokens(content) > request.max_tokens:
        content, reason = "".join(split_tokens(content)[: max(request.max_tokens, 0)]), "length"
    if reason is None:
        reason = "tool_calls" if calls else "stop"
    return Reply(content=content, thinking=reply.thinking, tool_calls=calls, finish_reason=reason)
