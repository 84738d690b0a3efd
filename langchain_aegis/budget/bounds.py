"""Upper bounds of what one request can be billed: its prompt, and the output seen so far.

A budget reservation is only a cap if it is never smaller than the bill, so
the prompt is bounded from the exact payload handed to the provider (messages
*and* parameters: bound tools and their JSON schemas, ``tool_choice``,
``response_format``, stop sequences...), not from the messages alone.

Why UTF-8 bytes bound tokens: the tokenizers chat models bill with are
byte-level BPE (GPT, Llama 3, Qwen, gpt-oss) or SentencePiece with byte
fallback (Llama 2, Gemma, Mistral). In both, every token of ordinary text
covers at least one byte of it, so a text of ``n`` UTF-8 bytes is at most
``n`` tokens, whatever the model. What the provider adds that is not in the
payload is its chat template: a few special tokens per message (role markers,
separators) and a preamble when tools are offered. The payload is measured as
compact JSON, whose own punctuation (quotes, colons, braces: at least 20 bytes
per message, more per tool and schema property) already exceeds the template
tokens that replace it; :data:`PER_MESSAGE` and :data:`PER_REQUEST` cover the
rest with room to spare. Images are billed by size, not by their base64
length, so each one counts :data:`IMAGE_TOKENS` instead of its bytes.

The price of soundness is slack: English text is about four bytes a token, so
the prompt part of a reservation is about four times the bill. The settled
cost is the provider's own count whenever it reports one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["IMAGE_TOKENS", "PER_MESSAGE", "PER_REQUEST", "count_images", "output_bytes", "prompt_bound"]

PER_MESSAGE = 8
"""Template tokens a chat format may add per message beyond its JSON text (ChatML adds 3 to 5)."""

PER_REQUEST = 32
"""Template tokens per request: reply priming, and the tool preamble (``namespace functions {``...)."""

IMAGE_TOKENS = 1600
"""An image's allowance: a high-detail 2048x2048 image at gpt-4o's tile rates.

Models with other image rates (gpt-4o-mini counts each tile ~33 times) need a
``pricing`` block that reflects it; this is an allowance, not a bound.
"""

_IMAGE_TYPES = frozenset({"image", "image_url", "input_image"})


def _strip_images(value: Any, found: list[int]) -> Any:
    """``value`` with every image block replaced by a marker; counts them in ``found``."""
    if isinstance(value, Mapping):
        if value.get("type") in _IMAGE_TYPES:
            found[0] += 1
            return {"type": "image"}
        return {k: _strip_images(v, found) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strip_images(v, found) for v in value]
    return value


def _has_image(value: Any) -> bool:
    if isinstance(value, Mapping):
        return value.get("type") in _IMAGE_TYPES or any(_has_image(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_image(v) for v in value)
    return False


def _expanded(payload: dict[str, Any]) -> dict[str, Any]:
    """Tools and schemas as the provider SDK will send them: a Python function or pydantic class
    passed as a tool or ``response_format`` becomes its whole JSON schema on the wire, not its repr."""
    out = dict(payload)
    tools = out.get("tools")
    if isinstance(tools, list | tuple) and any(not isinstance(t, Mapping) for t in tools):
        from langchain_core.utils.function_calling import convert_to_openai_tool

        out["tools"] = [t if isinstance(t, Mapping) else _schema_or_text(convert_to_openai_tool, t) for t in tools]
    fmt = out.get("response_format")
    if isinstance(fmt, type) and hasattr(fmt, "model_json_schema"):
        out["response_format"] = fmt.model_json_schema()
    return out


def _schema_or_text(convert: Any, value: Any) -> Any:
    try:
        return convert(value)
    except Exception:  # whatever cannot be converted is bounded by its text
        return str(value)


def count_images(messages: Sequence[Mapping[str, Any]]) -> int:
    """How many image blocks the provider-format messages hold."""
    found = [0]
    for m in messages:
        if _has_image(m.get("content")):
            _strip_images(m.get("content"), found)
    return found[0]


def prompt_bound(messages: Sequence[Mapping[str, Any]], params: Mapping[str, Any]) -> int:
    """An upper bound of the prompt tokens a provider can bill for this request.

    Args:
        messages: the provider-format messages, as sent.
        params: the call's parameters, as sent (tools, schemas, stop...); ``None``
            values are dropped, as the provider client drops them.

    Returns:
        UTF-8 bytes of the request's compact JSON (images replaced by an
        allowance), plus template overhead per message and per request.
    """
    payload: dict[str, Any] = {"messages": messages, **{k: v for k, v in params.items() if v is not None}}
    if "tools" in payload or "response_format" in payload:
        payload = _expanded(payload)
    images = [0]
    if any(_has_image(m.get("content")) for m in messages):
        payload = _strip_images(payload, images)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
    size = len(text.encode("utf-8", "surrogatepass"))
    return size + PER_MESSAGE * len(messages) + PER_REQUEST + IMAGE_TOKENS * images[0]


def output_bytes(content: Any, tool_calls: Sequence[Any] = (), reasoning: Any = None) -> int:
    """UTF-8 bytes of generated output: an upper bound of the tokens it took to generate.

    Args:
        content: the message or chunk content (text, or a list of blocks).
        tool_calls: tool calls or tool-call chunks (name and arguments count).
        reasoning: reasoning text, when the provider returns it.
    """
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, default=str)
    total = len(text.encode("utf-8", "surrogatepass"))
    for call in tool_calls:
        get = call.get if isinstance(call, Mapping) else lambda key, c=call: getattr(c, key, None)
        args = get("args")
        total += len(str(get("name") or "").encode("utf-8", "surrogatepass"))
        text = args if isinstance(args, str) else json.dumps(args or {}, ensure_ascii=False, default=str)
        total += len(text.encode("utf-8", "surrogatepass"))
    if isinstance(reasoning, str):
        total += len(reasoning.encode("utf-8", "surrogatepass"))
    return total
