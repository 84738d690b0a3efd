"""The OpenAI Chat Completions API, faked: ``/v1/chat/completions`` and ``/v1/models``.

Streams are server-sent events (``data: {...}`` blocks ending with
``data: [DONE]``); usage arrives in a final chunk with empty ``choices`` only
when ``stream_options.include_usage`` is true, as on the real API. Errors are
``{"error": {"message", "type", "param", "code"}}``, which the ``openai`` SDK
turns into ``RateLimitError``, ``NotFoundError``, ``BadRequestError``...

This module owns the responses (completions, SSE chunks, errors, ``/v1/models``)
and the server class; request bodies are read by
:mod:`langchain_aegis.testing.openai_request`. It must not decide what the
model answers: the brain does, and faults come from the server's script.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_aegis.testing.exchange import Brain, ChatRequest, Reply, ToolCall
from langchain_aegis.testing.exchange import split_tokens as _split_tokens
from langchain_aegis.testing.faults import Fault, FaultKind
from langchain_aegis.testing.openai_request import parse_openai_chat
from langchain_aegis.testing.server import FakeLLMServer
from langchain_aegis.testing.wire import HttpRequest, HttpResponse, WireProtocol

__all__ = ["DEFAULT_OPENAI_MODELS", "OpenAIProtocol", "OpenAIServer"]

#: What ``/v1/models`` lists unless told otherwise.
DEFAULT_OPENAI_MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini")
_SSE = "text/event-stream; charset=utf-8"
_ARGUMENT_FRAGMENT = 8  # characters of tool-call arguments per streamed delta

# (type, param, code, message) as the real API sends them for each fault.
_ERRORS: dict[FaultKind, tuple[str | None, str | None, str | None, str]] = {
    FaultKind.RATE_LIMIT: (
        "requests",
        None,
        "rate_limit_exceeded",
        "Rate limit reached for {model} on requests per min (RPM): Limit 3, Used 3, Requested 1.",
    ),
    FaultKind.SERVER_ERROR: ("server_error", None, None, "The server had an error while processing your request."),
    FaultKind.BAD_GATEWAY: ("server_error", None, None, "Bad gateway."),
    FaultKind.UNAVAILABLE: ("server_error", None, None, "The engine is currently overloaded, please try again later"),
    FaultKind.GATEWAY_TIMEOUT: ("server_error", None, None, "Gateway timeout."),
    FaultKind.UNAUTHORIZED: ("invalid_request_error", None, "invalid_api_key", "Incorrect API key provided: sk-***."),
    FaultKind.MODEL_NOT_FOUND: (
        "invalid_request_error",
        None,
        "model_not_found",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    FaultKind.BAD_REQUEST: ("invalid_request_error", "messages", None, "Invalid value for 'messages'."),
    FaultKind.CONTEXT_LENGTH: (
        "invalid_request_error",
        "messages",
        "context_length_exceeded",
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. "
        "Please reduce the length of the messages.",
    ),
    FaultKind.CONTENT_FILTER: (
        None,
        "prompt",
        "content_filter",
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
    ),
}


class OpenAIProtocol(WireProtocol):
    """OpenAI's Chat Completions wire format; see the module docstring."""

    name = "openai"
    # Accept both, so a client configured without the /v1 prefix still works.
    generation_paths = frozenset({"/v1/chat/completions", "/chat/completions"})

    def parse_chat(self, request: HttpRequest) -> ChatRequest:
        """Parse a ``/v1/chat/completions`` body (see :func:`parse_openai_chat`).

        Raises:
            ValueError: on a body that is not a JSON object, or without model or messages.
        """
        return parse_openai_chat(request)

    # -- rendering -----------------------------------------------------------------

    @staticmethod
    def _identity(chat: ChatRequest) -> tuple[str, dict[str, str]]:
        # Derived from the body, so the same request always gets the same id.
        digest = hashlib.sha256(json.dumps(chat.body, sort_keys=True, default=str).encode()).hexdigest()
        return f"chatcmpl-{digest[:29]}", {"x-request-id": f"req_{digest[29:61]}", "openai-processing-ms": "1"}

    @staticmethod
    def _usage(chat: ChatRequest, reply: Reply) -> dict[str, Any]:
        prompt, completion = chat.prompt_tokens, reply.completion_tokens
        reasoning = len(reply.thinking.split())
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": reasoning,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }

    @staticmethod
    def _wire_calls(calls: Sequence[ToolCall]) -> list[dict[str, Any]]:
        return [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": json.dumps(dict(c.arguments), ensure_ascii=False)},
            }
            for c in calls
        ]

    def render_chat(self, chat: ChatRequest, reply: Reply) -> HttpResponse:
        """Render ``reply`` as a ``chat.completion`` object or a stream of chunks.

        Args:
            chat: the request being answered.
            reply: the finalized reply.

        Returns:
            The response.
        """
        ident, headers = self._identity(chat)
        head = {"id": ident, "created": int(time.time()), "model": chat.model, "system_fingerprint": "fp_aegis"}
        if not chat.stream:
            message: dict[str, Any] = {
                "role": "assistant",
                "content": reply.content if reply.content or not reply.tool_calls else None,
                "refusal": None,
                "annotations": [],
            }
            if reply.tool_calls:
                message["tool_calls"] = self._wire_calls(reply.tool_calls)
            payload = {
                **head,
                "object": "chat.completion",
                "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}],
                "usage": self._usage(chat, reply),
                "service_tier": "default",
            }
            return HttpResponse.json(200, payload, headers)
        options = chat.body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        head = {**head, "object": "chat.completion.chunk"}

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            extra = {"usage": None} if include_usage else {}
            return self._event({**head, "choices": [choice], **extra})

        first_content = "" if reply.content or not reply.tool_calls else None
        chunks = [chunk({"role": "assistant", "content": first_content, "refusal": None})]
        chunks += [chunk({"content": piece}) for piece in _split_tokens(reply.content)]
        for index, call in enumerate(self._wire_calls(reply.tool_calls)):
            arguments = call["function"]["arguments"]
            opening = {"index": index, "id": call["id"], "type": "function"}
            chunks.append(
                chunk({"tool_calls": [{**opening, "function": {"name": call["function"]["name"], "arguments": ""}}]})
            )
            for start in range(0, len(arguments), _ARGUMENT_FRAGMENT):
                fragment = arguments[start : start + _ARGUMENT_FRAGMENT]
                chunks.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]}))
        chunks.append(chunk({}, reply.finish_reason))
        if include_usage:
            chunks.append(self._event({**head, "choices": [], "usage": self._usage(chat, reply)}))
        chunks.append(b"data: [DONE]\n\n")
        return HttpResponse(status=200, chunks=chunks, content_type=_SSE, headers=headers)

    @staticmethod
    def _event(payload: Mapping[str, Any]) -> bytes:
        return b"data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"

    def render_error(self, status: int, fault: Fault | None, message: str, model: str) -> HttpResponse:
        """Render ``{"error": {...}}`` with the type and code OpenAI uses for each fault.

        Args:
            status: the HTTP status.
            fault: the fault, if any.
            message: overrides the default message when not empty.
            model: the requested model, named in some messages.

        Returns:
            The error response.
        """
        kind, param, code, default = (
            _ERRORS.get(fault.kind, ("server_error", None, None, "error"))
            if fault is not None
            else ("invalid_request_error", None, None, "")
        )
        headers: dict[str, str] = {"x-request-id": "req_fault"}
        if fault is not None and fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
            headers["retry-after-ms"] = f"{int(fault.retry_after * 1000)}"
        error = {"message": message or default.format(model=model), "type": kind, "param": param, "code": code}
        return HttpResponse.json(status, {"error": error}, headers)

    def ends_stream(self, chunk: bytes) -> bool:
        """The chunk with a finish reason, the usage chunk after it, and ``data: [DONE]``."""
        return b'"finish_reason":"' in chunk or b'"choices":[]' in chunk or chunk.startswith(b"data: [DONE]")

    def render_malformed(self, chat: ChatRequest) -> HttpResponse:
        """A 200 whose body (or first event) is cut-off JSON.

        Args:
            chat: the request being answered.

        Returns:
            The broken response.
        """
        broken = b'{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"content":"Hel'
        if chat.stream:
            return HttpResponse(
                status=200, chunks=[b"data: " + broken + b"\n\n", b"data: [DONE]\n\n"], content_type=_SSE
            )
        return HttpResponse(status=200, body=broken)

    def render_empty(self, chat: ChatRequest) -> HttpResponse:
        """A 200 with no chunks before ``[DONE]`` (or no choices).

        Args:
            chat: the request being answered.

        Returns:
            The empty response.
        """
        if chat.stream:
            return HttpResponse(status=200, chunks=[b"data: [DONE]\n\n"], content_type=_SSE)
        ident, headers = self._identity(chat)
        payload = {
            "id": ident,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": chat.model,
            "choices": [],
        }
        return HttpResponse.json(200, payload, headers)

    # -- catalogue -------------------------------------------------------------------

    def route(self, request: HttpRequest) -> HttpResponse:
        """Answer ``GET /v1/models`` and ``GET /v1/models/{id}``.

        Args:
            request: the HTTP request.

        Returns:
            The response; an OpenAI-style 404 for other paths.
        """
        path = request.path.removeprefix("/v1")
        if path == "/models" and request.method == "GET":
            return HttpResponse.json(200, {"object": "list", "data": [self._model(m) for m in self.models]})
        if path.startswith("/models/") and request.method == "GET":
            name = path.removeprefix("/models/")
            if self.knows_model(name) and (not self.strict_models or name in self.models):
                return HttpResponse.json(200, self._model(name))
            return self.render_error(404, Fault(FaultKind.MODEL_NOT_FOUND), "", name)
        message = f"Invalid URL ({request.method} {request.path})"
        return HttpResponse.json(
            404, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}
        )

    @staticmethod
    def _model(name: str) -> dict[str, Any]:
        return {"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "aegis-testing"}


class OpenAIServer(FakeLLMServer):
    """A fake OpenAI API on loopback; point ``openai.OpenAI`` or ``ChatOpenAI`` at :attr:`base_url`.

    Args:
        brain: decides answers; defaults to :class:`DeterministicBrain`.
        models: what ``/v1/models`` lists.
        strict_models: answer 404 ``model_not_found`` for models not listed.
        host: the interface to bind.
        port: the port; 0 picks a free one.
        chunk_delay: seconds between streamed chunks.

    Example:
        .. code-block:: python

            from langchain_openai import ChatOpenAI
            from langchain_aegis.testing import OpenAIServer

            with OpenAIServer() as server:
                llm = ChatOpenAI(model="gpt-4o-mini", base_url=server.base_url, api_key="sk-test")
                llm.invoke("Repeat: ok").content  # 'ok'
    """

    def __init__(
        self,
        *,
        brain: Brain | None = None,
        models: Sequence[str] = DEFAULT_OPENAI_MODELS,
        strict_models: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        chunk_delay: float = 0.0,
    ) -> None:
        """Configure the server; call :meth:`start` or use it as a context manager."""
        protocol = OpenAIProtocol(models, strict_models=strict_models)
        super().__init__(protocol, brain=brain, host=host, port=port, chunk_delay=chunk_delay)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``, the ``base_url`` OpenAI clients expect."""
        return f"{self.origin}/v1"
