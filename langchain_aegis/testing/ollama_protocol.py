"""The Ollama REST API, faked: ``/api/chat``, ``/api/generate``, the model catalogue and ``/api/usage``.

Streams are NDJSON, one JSON object per line, and ``stream`` defaults to
``true`` as in Ollama itself. Errors are ``{"error": "..."}`` with the HTTP
status, which the ``ollama`` client raises as ``ollama.ResponseError``;
Ollama Cloud's usage-limit 429 is plain text, as ollama.com sends it.

``GET /api/usage`` stands in for ollama.com's account usage endpoint: it
answers 401 without an ``Authorization: Bearer`` header, else the JSON in
:attr:`OllamaProtocol.usage` (set it to shape the answer).

This module owns the responses (chunks, final objects, errors, the catalogue
routes) and the server class; request bodies are read by
:mod:`langchain_aegis.testing.ollama_request`. It must not decide what the
model answers: the brain does, and faults come from the server's script.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from langchain_aegis.testing.exchange import (
    Brain,
    ChatRequest,
    Reply,
    ToolCall,
    split_tokens,
)
from langchain_aegis.testing.faults import Fault, FaultKind
from langchain_aegis.testing.ollama_request import parse_ollama_chat
from langchain_aegis.testing.server import FakeLLMServer
from langchain_aegis.testing.wire import HttpRequest, HttpResponse, WireProtocol

__all__ = ["DEFAULT_OLLAMA_MODELS", "DEFAULT_USAGE", "OllamaProtocol", "OllamaServer"]

#: What ``/api/usage`` answers unless told otherwise: a share used per limit window.
DEFAULT_USAGE: dict[str, Any] = {
    "session": {"used_percent": 12.5, "resets_at": "2026-12-01T15:00:00Z"},
    "weekly": {"used_percent": 40.0, "resets_at": "2026-12-07T00:00:00Z"},
}
#: What ``/api/tags`` lists unless told otherwise.
DEFAULT_OLLAMA_MODELS = ("llama3.2:latest", "qwen3:0.6b", "smollm2:135m")
_VERSION = "0.12.6"
_NDJSON = "application/x-ndjson"

# Messages follow Ollama's own wording where it has one, so error classifiers
# written against real Ollama match these too.
_MESSAGES: dict[FaultKind, str] = {
    FaultKind.RATE_LIMIT: "too many requests, please retry later",
    FaultKind.SERVER_ERROR: "llama runner process has terminated: exit status 2",
    FaultKind.BAD_GATEWAY: "bad gateway",
    FaultKind.UNAVAILABLE: "server busy, please try again.  maximum pending requests exceeded",
    FaultKind.GATEWAY_TIMEOUT: "gateway timeout",
    FaultKind.UNAUTHORIZED: "unauthorized",
    FaultKind.BAD_REQUEST: "invalid request: messages must be a list",
    FaultKind.CONTEXT_LENGTH: "the input length exceeds the context length",
    FaultKind.CONTENT_FILTER: "the request was blocked by the content filter",
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class OllamaProtocol(WireProtocol):
    """Ollama's wire format; see the module docstring."""

    name = "ollama"
    generation_paths = frozenset({"/api/chat", "/api/generate"})

    def __init__(self, models: Sequence[str], *, strict_models: bool = False) -> None:
        """Configure the model catalogue; ``/api/usage`` answers :data:`DEFAULT_USAGE`.

        Args:
            models: the models the server lists.
            strict_models: answer 404 to chat requests for models not listed.
        """
        super().__init__(models, strict_models=strict_models)
        self.usage: Any = dict(DEFAULT_USAGE)
        """What ``GET /api/usage`` answers with a bearer key (any JSON value)."""

    def parse_chat(self, request: HttpRequest) -> ChatRequest:
        """Parse an ``/api/chat`` or ``/api/generate`` body (see :func:`parse_ollama_chat`).

        Raises:
            ValueError: on a body that is not a JSON object, or without a model.
        """
        return parse_ollama_chat(request)

    # -- rendering -----------------------------------------------------------------

    def render_chat(self, chat: ChatRequest, reply: Reply) -> HttpResponse:
        """Render ``reply`` as Ollama does: one JSON object, or NDJSON chunks.

        Args:
            chat: the request being answered.
            reply: the finalized reply.

        Returns:
            The response.
        """
        generate = chat.path == "/api/generate"
        final = self._final(chat, reply)
        if not chat.stream:
            if generate:
                final.update(response=reply.content, **({"thinking": reply.thinking} if reply.thinking else {}))
            else:
                final["message"] = self._assistant(reply.content, reply.thinking, reply.tool_calls)
            return HttpResponse.json(200, self._ordered(final))
        parts: list[dict[str, Any]] = []
        head = {"model": chat.model, "created_at": _now()}
        for piece in split_tokens(reply.thinking):
            body = {"response": "", "thinking": piece} if generate else {"message": self._assistant("", piece, ())}
            parts.append({**head, **body, "done": False})
        for piece in split_tokens(reply.content):
            body = {"response": piece} if generate else {"message": self._assistant(piece, "", ())}
            parts.append({**head, **body, "done": False})
        if reply.tool_calls and not generate:
            # Ollama sends every tool call whole, in one chunk.
            parts.append({**head, "message": self._assistant("", "", reply.tool_calls), "done": False})
        if generate:
            final["response"] = ""
        else:
            final["message"] = self._assistant("", "", ())
        parts.append(self._ordered(final))
        return HttpResponse(status=200, chunks=[self._line(p) for p in parts], content_type=_NDJSON)

    @staticmethod
    def _ordered(final: dict[str, Any]) -> dict[str, Any]:
        # Field order as Ollama emits it, so recorded fixtures diff cleanly.
        order = ("model", "created_at", "message", "response", "thinking", "done", "done_reason")
        return {**{k: final[k] for k in order if k in final}, **final}

    @staticmethod
    def _line(payload: Mapping[str, Any]) -> bytes:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    @staticmethod
    def _assistant(content: str, thinking: str, calls: Sequence[ToolCall]) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if thinking:
            message["thinking"] = thinking
        if calls:
            message["tool_calls"] = [
                {"id": c.id, "function": {"index": i, "name": c.name, "arguments": dict(c.arguments)}}
                for i, c in enumerate(calls)
            ]
        return message

    @staticmethod
    def _final(chat: ChatRequest, reply: Reply) -> dict[str, Any]:
        prompt, completion = chat.prompt_tokens, reply.completion_tokens
        # Durations are derived from the counts (0.1 ms per prompt token, 1 ms per
        # output token) so they are deterministic yet plausible.
        prompt_ns, eval_ns, load_ns = prompt * 100_000, completion * 1_000_000, 1_000_000
        reason = "stop" if reply.finish_reason in (None, "stop", "tool_calls") else reply.finish_reason
        return {
            "model": chat.model,
            "created_at": _now(),
            "done": True,
            "done_reason": reason,
            "total_duration": load_ns + prompt_ns + eval_ns,
            "load_duration": load_ns,
            "prompt_eval_count": prompt,
            "prompt_eval_duration": prompt_ns,
            "eval_count": completion,
            "eval_duration": eval_ns,
        }

    def render_error(self, status: int, fault: Fault | None, message: str, model: str) -> HttpResponse:
        """Render ``{"error": message}`` with Ollama's wording for each fault.

        Args:
            status: the HTTP status.
            fault: the fault, if any.
            message: overrides the default message when not empty.
            model: the requested model.

        Returns:
            The error response.
        """
        if fault is not None and fault.kind is FaultKind.USAGE_LIMIT:
            # ollama.com sends the usage-limit answer as plain text, with no Retry-After.
            text = (message or fault.message or "").encode()
            return HttpResponse(status=status, body=text, content_type="text/plain; charset=utf-8")
        if not message and fault is not None:
            if fault.kind is FaultKind.MODEL_NOT_FOUND:
                message = f'model "{model}" not found, try pulling it first'
            else:
                message = _MESSAGES.get(fault.kind, "internal server error")
        headers: dict[str, str] = {}
        if fault is not None and fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
        return HttpResponse.json(status, {"error": message or "invalid request"}, headers)

    def ends_stream(self, chunk: bytes) -> bool:
        """The final NDJSON line, ``"done": true``."""
        return b'"done":true' in chunk

    def render_malformed(self, chat: ChatRequest) -> HttpResponse:
        """A 200 whose body (or first NDJSON line) is cut-off JSON.

        Args:
            chat: the request being answered.

        Returns:
            The broken response.
        """
        broken = b'{"model":"' + chat.model.encode() + b'","message":{"role":"assistant","content":"Hel'
        if chat.stream:
            return HttpResponse(status=200, chunks=[broken + b"\n"], content_type=_NDJSON)
        return HttpResponse(status=200, body=broken)

    def render_empty(self, chat: ChatRequest) -> HttpResponse:
        """A 200 with no NDJSON lines (or an empty body).

        Args:
            chat: the request being answered.

        Returns:
            The empty response.
        """
        if chat.stream:
            return HttpResponse(status=200, chunks=[], content_type=_NDJSON)
        return HttpResponse(status=200, body=b"")

    # -- catalogue -------------------------------------------------------------------

    def route(self, request: HttpRequest) -> HttpResponse:
        """Answer ``/``, ``/api/version``, ``/api/tags``, ``/api/ps``, ``/api/show`` and ``/api/usage``.

        Args:
            request: the HTTP request.

        Returns:
            The response; Ollama's plain-text 404 for other paths.
        """
        path = request.path
        if path == "/" and request.method in ("GET", "HEAD"):
            return HttpResponse(status=200, body=b"Ollama is running", content_type="text/plain; charset=utf-8")
        if path == "/api/version":
            return HttpResponse.json(200, {"version": _VERSION})
        if path == "/api/usage" and request.method == "GET":
            scheme, _, key = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not key.strip():
                return HttpResponse.json(401, {"error": "unauthorized"})
            return HttpResponse.json(200, self.usage)
        if path in ("/api/tags", "/api/ps"):
            return HttpResponse.json(200, {"models": [self._model_entry(m) for m in self.models]})
        if path == "/api/show" and request.method == "POST":
            body = request.json() or {}
            name = str(body.get("model") or body.get("name") or "")
            if not name or (self.strict_models and not self.knows_model(name)):
                return HttpResponse.json(404, {"error": f"model '{name}' not found"})
            return HttpResponse.json(200, self._show(name))
        return HttpResponse(status=404, body=b"404 page not found", content_type="text/plain")

    @staticmethod
    def _model_entry(name: str) -> dict[str, Any]:
        family = name.split(":", 1)[0].rstrip("0123456789.")
        return {
            "name": name,
            "model": name,
            "modified_at": "2025-01-01T00:00:00Z",
            "size": 1_000_000_000,
            "digest": hashlib.sha256(name.encode()).hexdigest(),
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": family,
                "families": [family],
                "parameter_size": "1B",
                "quantization_level": "Q4_K_M",
            },
        }

    def _show(self, name: str) -> dict[str, Any]:
        entry = self._model_entry(name)
        return {
            "modelfile": f"FROM {name}\n",
            "parameters": "",
            "template": "{{ .Prompt }}",
            "details": entry["details"],
            "model_info": {
                "general.architecture": entry["details"]["family"],
                f"{entry['details']['family']}.context_length": 8192,
            },
            "capabilities": ["completion", "tools", "thinking"],
            "modified_at": entry["modified_at"],
        }


class OllamaServer(FakeLLMServer):
    """A fake Ollama on loopback; point ``ollama.Client`` or ``ChatOllama`` at :attr:`base_url`.

    Args:
        brain: decides answers; defaults to :class:`DeterministicBrain`.
        models: what ``/api/tags`` lists.
        strict_models: answer 404 for models not listed, as Ollama does.
        host: the interface to bind.
        port: the port; 0 picks a free one.
        chunk_delay: seconds between streamed chunks.

    Example:
        .. code-block:: python

            from langchain_ollama import ChatOllama
            from langchain_aegis.testing import OllamaServer

            with OllamaServer() as server:
                llm = ChatOllama(model="llama3.2", base_url=server.base_url)
                llm.invoke("Say 'hi there'").content  # 'hi there'
    """

    def __init__(
        self,
        *,
        brain: Brain | None = None,
        models: Sequence[str] = DEFAULT_OLLAMA_MODELS,
        strict_models: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        chunk_delay: float = 0.0,
    ) -> None:
        """Configure the server; call :meth:`start` or use it as a context manager."""
        protocol = OllamaProtocol(models, strict_models=strict_models)
        super().__init__(protocol, brain=brain, host=host, port=port, chunk_delay=chunk_delay)
