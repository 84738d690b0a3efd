"""Helpers for the fault-injection and soak tests: three loopback providers and a way to call them.

The chain under test is ``openai -> ollama_cloud -> local_ollama``: an
``OpenAIServer`` and two ``OllamaServer`` instances, each provider pointed at
its own server so every server's journal counts exactly one provider's requests.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.runnables import RunnableConfig

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.dispatch.records import CallRecord
from langchain_aegis.testing import FakeLLMServer, OllamaServer, OpenAIServer

CHAIN = ("openai", "ollama_cloud", "local_ollama")
SYNC_MODES = ("invoke", "stream", "batch")
ASYNC_MODES = ("ainvoke", "astream")
MODES = ("invoke", "ainvoke", "stream", "astream", "batch")
STREAM_MODES = frozenset({"stream", "astream"})

#: Attempt outcomes of a provider that was passed over without sending a request.
SKIPPED = frozenset({"circuit_open", "context_window", "deadline", "budget", "privacy"})


@dataclass
class Servers:
    """The three fake providers, by provider name."""

    openai: OpenAIServer
    ollama_cloud: OllamaServer
    local_ollama: OllamaServer

    def __getitem__(self, provider: str) -> FakeLLMServer:
        server: FakeLLMServer = getattr(self, provider)
        return server

    def all(self) -> tuple[FakeLLMServer, ...]:
        return (self.openai, self.ollama_cloud, self.local_ollama)

    def reset(self) -> None:
        for server in self.all():
            server.reset()

    def chat_counts(self) -> dict[str, int]:
        """Generation requests each provider's server received."""
        return {name: len(self[name].chat_requests()) for name in CHAIN}


@contextmanager
def running_servers() -> Iterator[Servers]:
    """Start the three servers; stop them on exit."""
    with ExitStack() as stack:
        yield Servers(
            openai=stack.enter_context(OpenAIServer()),
            ollama_cloud=stack.enter_context(OllamaServer()),
            local_ollama=stack.enter_context(OllamaServer()),
        )


def closed_port_url() -> str:
    """An http URL on loopback where nothing listens, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def config_for(
    servers: Servers,
    *,
    timeout: float = 0.25,
    context_windows: Mapping[str, int] | None = None,
    base_urls: Mapping[str, str] | None = None,
    budgets: Mapping[str, Any] | None = None,
    **resilience: Any,
) -> AegisConfig:
    """A three-provider config with small resilience values.

    Args:
        servers: where each provider points.
        timeout: every provider's per-request timeout.
        context_windows: ``context_window`` per provider.
        base_urls: base URL overrides per provider (e.g. a closed port).
        budgets: the ``budgets`` section.
        **resilience: overrides of the ``resilience`` section.
    """
    windows = dict(context_windows or {})
    urls = {
        "openai": servers.openai.base_url,
        "ollama_cloud": servers.ollama_cloud.origin,
        "local_ollama": servers.local_ollama.origin,
        **(base_urls or {}),
    }
    providers: dict[str, dict[str, Any]] = {
        "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud", "api_key": "test-key"},
        "ollama_cloud": {"type": "ollama", "model": "llama3.2", "locality": "cloud"},
        "local_ollama": {"type": "ollama", "model": "llama3.2", "locality": "local"},
    }
    for name, provider in providers.items():
        provider.update(base_url=urls[name], timeout=timeout, context_window=windows.get(name))
    raw: dict[str, Any] = {
        "providers": providers,
        "routing": {"fallback_chain": list(CHAIN)},
        "resilience": {
            "max_retries": 1,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
            "retry_after_cap": 0.2,
            "deadline": 3.0,
            "breaker_failures": 1_000_000,
            **resilience,
        },
    }
    if budgets is not None:
        raw["budgets"] = budgets
    return AegisConfig.model_validate(raw)


_MODELS: dict[tuple[int, str], AegisChatModel] = {}


def model_for(servers: Servers, *, fresh: bool = False, **kwargs: Any) -> AegisChatModel:
    """A model over the three servers; see :func:`config_for`.

    Models are cached per config, so their provider clients (and connection
    pools) are reused: a new client costs about 40 ms a call. Breakers never
    open in the default config (``breaker_failures`` is huge); pass
    ``fresh=True`` for a model with breakers of its own.
    """
    if fresh:
        return AegisChatModel(config=config_for(servers, **kwargs))
    key = (id(servers), repr(sorted(kwargs.items())))
    if key not in _MODELS:
        _MODELS[key] = AegisChatModel(config=config_for(servers, **kwargs))
    return _MODELS[key]


def first(provider: str, **facts: Any) -> RunnableConfig:
    """A call config that starts the chain at ``provider``; public data, so no detector."""
    return {"metadata": {"aegis": {"provider": provider, "data_classification": "public", **facts}}}


def _merge(chunks: list[AIMessageChunk]) -> AIMessage:
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    return AIMessage(
        content=merged.content,
        response_metadata=merged.response_metadata,
        usage_metadata=merged.usage_metadata,
    )


@dataclass
class Recorder:
    """Stands in for ``AegisMetrics``: keeps every finished call's record."""

    records: list[CallRecord] = field(default_factory=list)

    def observe(self, record: CallRecord) -> None:
        self.records.append(record)

    def set_budget(self, provider: str, spent: float, limit: float) -> None:
        pass


class StreamRecorder:
    """Collects the chunks a stream delivered, also when it ends with an error."""

    def __init__(self) -> None:
        self.chunks: list[AIMessageChunk] = []

    @property
    def text(self) -> str:
        return "".join(str(c.content) for c in self.chunks)


def call_sync(
    model: AegisChatModel, mode: str, text: str, config: RunnableConfig, recorder: StreamRecorder | None = None
) -> AIMessage:
    """One call through a sync entry point; streams are merged into one message."""
    if mode == "invoke":
        return model.invoke(text, config)
    if mode == "batch":
        result = model.batch([text], config, return_exceptions=True)[0]
        if isinstance(result, BaseException):
            raise result
        return result
    recorder = recorder or StreamRecorder()
    for chunk in model.stream(text, config):
        recorder.chunks.append(chunk)
    return _merge(recorder.chunks)


async def call_async(
    model: AegisChatModel, mode: str, text: str, config: RunnableConfig, recorder: StreamRecorder | None = None
) -> AIMessage:
    """One call through an async entry point; streams are merged into one message."""
    if mode == "ainvoke":
        return await model.ainvoke(text, config)
    recorder = recorder or StreamRecorder()
    async for chunk in model.astream(text, config):
        recorder.chunks.append(chunk)
    return _merge(recorder.chunks)


async def call(
    model: AegisChatModel, mode: str, text: str, config: RunnableConfig, recorder: StreamRecorder | None = None
) -> AIMessage:
    """One call through any of the five entry points; sync ones run in a worker thread."""
    if mode in ASYNC_MODES:
        return await call_async(model, mode, text, config, recorder)
    return await asyncio.to_thread(call_sync, model, mode, text, config, recorder)


def requests_by_attempts(attempts: list[dict[str, Any]]) -> dict[str, int]:
    """HTTP requests the attempts say they sent, per provider (1 + retries unless skipped)."""
    counts = dict.fromkeys(CHAIN, 0)
    for attempt in attempts:
        if attempt["outcome"] not in SKIPPED:
            counts[attempt["provider"]] += 1 + attempt.get("retries", 0)
    return counts
