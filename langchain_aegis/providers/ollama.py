"""What any-llm's Ollama provider lacks next to ChatOllama, added to each client built for it.

This module owns the Ollama-only request options (:data:`OLLAMA_OPTIONS`, which
travel in Ollama's ``options``), moving ``keep_alive`` back to the request's top
level, and keeping the timing fields of Ollama's final response that any-llm
drops (:data:`OLLAMA_RESPONSE_KEYS`). It patches one any-llm client at a time
and must not build clients, send requests or convert messages: that is
:mod:`langchain_aegis.providers.client` and :mod:`langchain_aegis.providers.messages`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

__all__ = ["OLLAMA_OPTIONS", "OLLAMA_RESPONSE_KEYS", "adapt_ollama"]

# Ollama-only generation options (they travel in Ollama's ``options``).
OLLAMA_OPTIONS = frozenset(
    {
        "num_ctx",
        "top_k",
        "think",
        "repeat_penalty",
        "repeat_last_n",
        "mirostat",
        "num_gpu",
        "min_p",
        "tfs_z",
        "keep_alive",  # not an option: moved to the request's top level by adapt_ollama
    }
)
OLLAMA_RESPONSE_KEYS = (
    "model",
    "created_at",
    "done",
    "done_reason",
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
)
"""The fields of Ollama's final response that ChatOllama puts in ``response_metadata``."""


def adapt_ollama(llm: Any) -> Any:
    """Give any-llm's Ollama provider the two things ChatOllama has and it lacks.

    - ``keep_alive``: any-llm puts every extra argument in Ollama's ``options``,
      where the server ignores ``keep_alive``; it is moved to the request's top
      level, where ``ollama.AsyncClient.chat`` takes it.
    - The response's timing fields (``total_duration``, ``eval_count``, ...):
      any-llm's OpenAI-shaped result drops them; they are kept on it as
      ``ollama_response`` for :mod:`langchain_aegis.providers.messages`.
    """
    client = llm.client
    chat = client.chat

    async def chat_with_keep_alive(*args: Any, options: Any = None, **kwargs: Any) -> Any:
        if isinstance(options, Mapping) and "keep_alive" in options:
            options = dict(options)
            kwargs["keep_alive"] = options.pop("keep_alive")
        return await chat(*args, options=options, **kwargs)

    client.chat = chat_with_keep_alive
    convert, convert_chunk = llm._convert_completion_response, llm._convert_completion_chunk_response

    def completion(response: Any) -> Any:
        return _keep_ollama_fields(convert(response), response)

    def chunk(response: Any, **kwargs: Any) -> Any:
        converted = convert_chunk(response, **kwargs)
        return _keep_ollama_fields(converted, response) if getattr(response, "done", False) else converted

    # Instance attributes shadow the provider's static converters, which it calls through ``self``.
    llm._convert_completion_response = completion
    llm._convert_completion_chunk_response = chunk
    return llm


def _keep_ollama_fields(converted: Any, response: Any) -> Any:
    fields = {key: getattr(response, key, None) for key in OLLAMA_RESPONSE_KEYS}
    with contextlib.suppress(AttributeError, ValueError, TypeError):  # a result type that takes no extra field
        converted.ollama_response = {k: v for k, v in fields.items() if v is not None}
    return converted
