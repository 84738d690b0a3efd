"""LangChain messages to provider payloads, and provider responses back.

any-llm speaks the OpenAI chat-completions shape for every provider, so one
conversion serves them all. Outbound conversion reuses langchain-core's
``convert_to_openai_messages``; inbound conversion builds ``AIMessage`` /
``AIMessageChunk`` with tool calls, usage and response metadata the way
langchain-openai and langchain-ollama do. This module is pure conversion: it
must not send requests, count money or decide what an answer means for retries.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, convert_to_openai_messages
from langchain_core.messages.ai import InputTokenDetails, OutputTokenDetails, UsageMetadata
from langchain_core.messages.tool import invalid_tool_call, tool_call, tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

__all__ = ["chunk_to_generation", "completion_to_result", "provider_params", "to_provider_messages", "usage_from"]


def to_provider_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Convert LangChain messages to OpenAI-format dicts for any-llm."""
    converted = convert_to_openai_messages(list(messages), text_format="string")
    for out in converted:
        content = out.get("content")
        if out.get("role") == "assistant" and isinstance(content, list):
            # v1 output puts tool_call and reasoning blocks in content; providers take text there
            # and tool calls in ``tool_calls`` only.
            out["content"] = "".join(
                block.get("text", "") for block in content if isinstance(block, dict) and block.get("type") == "text"
            )
    return converted


def _count(value: Any) -> int:
    """A token count from a provider's report; what is no finite number counts as 0 (see ``_settlement``)."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return 0
    return int(number) if math.isfinite(number) else 0


def usage_from(usage: Any) -> UsageMetadata | None:
    """LangChain ``UsageMetadata`` from an OpenAI-shaped usage object, or ``None``."""
    if usage is None:
        return None
    prompt = _count(getattr(usage, "prompt_tokens", 0))
    completion = _count(getattr(usage, "completion_tokens", 0))
    total = _count(getattr(usage, "total_tokens", 0)) or prompt + completion
    result = UsageMetadata(input_tokens=prompt, output_tokens=completion, total_tokens=total)
    prompt_details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(prompt_details, "cached_tokens", None) if prompt_details is not None else None
    if cached:
        result["input_token_details"] = InputTokenDetails(cache_read=int(cached))
    completion_details = getattr(usage, "completion_tokens_details", None)
    reasoning = getattr(completion_details, "reasoning_tokens", None) if completion_details is not None else None
    if reasoning:
        result["output_token_details"] = OutputTokenDetails(reasoning=int(reasoning))
    return result


def _parse_tool_calls(raw_calls: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    calls, invalid = [], []
    for raw in raw_calls:
        function = raw.function
        args_text = function.arguments or "{}"
        try:
            args = json.loads(args_text) if isinstance(args_text, str) else dict(args_text)
            if not isinstance(args, dict):
                raise ValueError("arguments are not an object")
            calls.append(tool_call(name=function.name, args=args, id=raw.id))
        except (ValueError, TypeError) as exc:
            invalid.append(invalid_tool_call(name=function.name, args=str(args_text), id=raw.id, error=str(exc)))
    return calls, invalid


def _reasoning_text(message: Any) -> str | None:
    reasoning = getattr(message, "reasoning", None)
    return getattr(reasoning, "content", None) if reasoning is not None else None


def _ollama_fields(completion: Any) -> dict[str, Any]:
    """ChatOllama's ``response_metadata`` fields of an Ollama response (``done``, durations...), if any.

    Only on the final response or chunk, where Ollama reports them; string
    fields on several chunks would be concatenated when chunks are added.
    """
    fields = getattr(completion, "ollama_response", None)
    return dict(fields) if isinstance(fields, Mapping) else {}


def completion_to_result(completion: Any, *, provider_type: str) -> ChatResult:
    """Build a ``ChatResult`` from an any-llm ``ChatCompletion``."""
    choice = completion.choices[0]
    message = choice.message
    calls, invalid = _parse_tool_calls(message.tool_calls or [])
    additional: dict[str, Any] = {}
    if text := _reasoning_text(message):
        additional["reasoning_content"] = text
    finish = choice.finish_reason
    if calls and finish == "stop":
        finish = "tool_calls"  # Ollama reports "stop" even when it called tools
    response_metadata = {
        **_ollama_fields(completion),
        "model_name": completion.model,
        "finish_reason": finish,
        "model_provider": provider_type,
    }
    ai = AIMessage(
        content=message.content or "",
        tool_calls=calls,
        invalid_tool_calls=invalid,
        additional_kwargs=additional,
        usage_metadata=usage_from(completion.usage),
        response_metadata=response_metadata,
        id=completion.id or None,
    )
    return ChatResult(
        generations=[ChatGeneration(message=ai, generation_info={"finish_reason": finish})],
        llm_output={"model_name": completion.model, "token_usage": ai.usage_metadata},
    )


def chunk_to_generation(chunk: Any, *, provider_type: str, saw_tool_calls: bool) -> ChatGenerationChunk | None:
    """Build a ``ChatGenerationChunk`` from an any-llm ``ChatCompletionChunk``.

    Returns ``None`` for chunks that carry nothing (no delta, usage or finish reason).
    """
    usage = usage_from(chunk.usage) if getattr(chunk, "usage", None) else None
    content = ""
    tool_chunks: list[Any] = []
    additional: dict[str, Any] = {}
    finish = None
    if chunk.choices:
        choice = chunk.choices[0]
        delta = choice.delta
        finish = choice.finish_reason
        if delta is not None:
            content = delta.content or ""
            if text := _reasoning_text(delta):
                additional["reasoning_content"] = text
            for raw in delta.tool_calls or []:
                function = raw.function
                tool_chunks.append(
                    tool_call_chunk(
                        name=getattr(function, "name", None),
                        args=getattr(function, "arguments", None),
                        id=raw.id,
                        index=raw.index,
                    )
                )
    if not (content or tool_chunks or additional or usage or finish):
        return None
    response_metadata: dict[str, Any] = {}
    if finish:
        if finish == "stop" and (saw_tool_calls or tool_chunks):
            finish = "tool_calls"
        response_metadata = {
            **_ollama_fields(chunk),
            "finish_reason": finish,
            "model_name": chunk.model,
            "model_provider": provider_type,
        }
    message = AIMessageChunk(
        content=content,
        tool_call_chunks=tool_chunks,
        additional_kwargs=additional,
        usage_metadata=usage,
        response_metadata=response_metadata,
    )
    return ChatGenerationChunk(message=message, generation_info={"finish_reason": finish} if finish else None)


def provider_params(model: Any, stop: list[str] | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The provider-neutral parameters of one call, from the model's fields and the call's kwargs.

    ChatOllama's names are mapped: ``num_predict`` is ``max_tokens``, ``format``
    is ``response_format``, ``reasoning`` is Ollama's ``think``.
    """
    params: dict[str, Any] = {
        "temperature": model.temperature,
        "top_p": model.top_p,
        "top_k": model.top_k,
        "seed": model.seed,
        "num_ctx": model.num_ctx,
        "max_tokens": model.max_tokens or model.num_predict,
        "stop": stop or model.stop,
    }
    if model.reasoning is not None:
        params["think"] = model.reasoning
    if model.keep_alive is not None:
        params["keep_alive"] = model.keep_alive  # Ollama only; other providers drop it
    fmt = kwargs.get("format", model.format)
    if fmt == "json":
        params["response_format"] = {"type": "json_object"}
    elif isinstance(fmt, dict):
        json_schema: dict[str, Any] = {"name": str(fmt.get("title") or "output"), "schema": fmt}
        if kwargs.get("strict") is not None:
            json_schema["strict"] = kwargs["strict"]
        params["response_format"] = {"type": "json_schema", "json_schema": json_schema}
    for key, value in kwargs.items():
        if key not in ("format", "ls_structured_output_format", "stream", "model", "strict") and value is not None:
            params[key] = value
    if "num_predict" in kwargs:
        params["max_tokens"] = params.pop("num_predict")
    return params
