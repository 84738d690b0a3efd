"""``max_concurrency``: the provider's server never sees more requests at once than the limit.

The cloud provider's server counts the chat requests it is answering at once,
and holds each one until ``open_at`` are in flight (or ``hold`` seconds pass).
Without a limit, eight concurrent calls therefore reach ``open_at`` = 3 at
once; with ``max_concurrency: 2`` they never do: the extra calls wait for a
slot, or fall back to the local provider with the outcome ``concurrency``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.testing import OllamaServer
from langchain_aegis.testing.wire import HttpRequest
from tests.integration_tests.fault_fixtures import first

CALLS = 8
CLOUD = first("ollama_cloud")


class GatedOllama(OllamaServer):
    """An Ollama server that counts the chat requests in flight and holds them until enough arrive."""

    def __init__(self, *, open_at: int, hold: float) -> None:
        super().__init__()
        self.open_at, self.hold = open_at, hold
        self.in_flight = self.max_in_flight = 0
        self.opened = False

    async def _respond(self, request: HttpRequest, writer: asyncio.StreamWriter) -> bool:
        if request.path != "/api/chat":
            return await super()._respond(request, writer)
        # Runs on the server's one event loop thread: no lock needed.
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            loop = asyncio.get_running_loop()
            until = loop.time() + self.hold
            while not self.opened and self.in_flight < self.open_at and loop.time() < until:  # noqa: ASYNC110
                await asyncio.sleep(0.005)  # polls a count other requests change; an Event would need one per count
            self.opened = self.opened or self.in_flight >= self.open_at
            return await super()._respond(request, writer)
        finally:
            self.in_flight -= 1


@pytest.fixture
def local() -> Iterator[OllamaServer]:
    with OllamaServer() as server:
        yield server


def _model(cloud: OllamaServer, local: OllamaServer, **limits: Any) -> AegisChatModel:
    providers: dict[str, Any] = {
        "ollama_cloud": {"type": "ollama", "model": "llama3.2", "locality": "cloud", "base_url": cloud.origin},
        "local_ollama": {"type": "ollama", "model": "llama3.2", "locality": "local", "base_url": local.origin},
    }
    providers["ollama_cloud"].update(timeout=30.0, **limits)
    config = AegisConfig.model_validate(
        {
            "providers": providers,
            "routing": {"fallback_chain": ["ollama_cloud", "local_ollama"]},
            "resilience": {"deadline": 60.0, "breaker_failures": 1, "max_retries": 0},
        }
    )
    return AegisChatModel(config=config)


def _check(replies: list[AIMessage], cloud: GatedOllama) -> int:
    """Every call answered; those not served by the cloud passed it over for ``concurrency``; returns the cloud's share."""
    served = [r.response_metadata["aegis"]["provider"] for r in replies]
    assert len(replies) == CALLS
    for reply in replies:
        meta = reply.response_metadata["aegis"]
        if meta["provider"] != "ollama_cloud":
            assert meta["provider"] == "local_ollama"
            assert meta["attempts"][0]["outcome"] == "concurrency"
            assert "ollama_cloud skipped (concurrency)" in meta["reason"]
    assert len(cloud.chat_requests()) == served.count("ollama_cloud")
    return served.count("ollama_cloud")


def test_without_a_limit_the_calls_overlap(local: OllamaServer) -> None:
    # The control: the gate and the threads do produce concurrency for the limit to cap.
    with GatedOllama(open_at=3, hold=20.0) as cloud, ThreadPoolExecutor(CALLS) as pool:
        model = _model(cloud, local)
        replies = list(pool.map(lambda i: model.invoke(f"call {i}", CLOUD), range(CALLS)))
    assert cloud.max_in_flight >= 3
    assert _check(replies, cloud) == CALLS


def test_threads_beyond_the_limit_fall_back_instead_of_piling_on(local: OllamaServer) -> None:
    with GatedOllama(open_at=3, hold=1.0) as cloud, ThreadPoolExecutor(CALLS) as pool:
        model = _model(cloud, local, max_concurrency=2, queue_timeout=0.05)
        replies = list(pool.map(lambda i: model.invoke(f"call {i}", CLOUD), range(CALLS)))
        assert model._runtime.breaker.open_providers() == frozenset()  # busy is not broken
    assert cloud.max_in_flight <= 2
    assert 1 <= _check(replies, cloud) < CALLS


async def test_async_calls_wait_for_a_slot_without_blocking_the_loop(local: OllamaServer) -> None:
    with ExitStack() as stack:
        cloud = stack.enter_context(GatedOllama(open_at=3, hold=0.2))
        model = _model(cloud, local, max_concurrency=2, queue_timeout=30.0)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        beat = asyncio.create_task(ticker())
        replies = await asyncio.gather(*(model.ainvoke(f"call {i}", CLOUD) for i in range(CALLS)))
        beat.cancel()
    assert cloud.max_in_flight <= 2
    assert _check(list(replies), cloud) == CALLS  # a long queue_timeout: every call waited its turn
    assert ticks > 1  # the loop kept running other tasks while calls waited for slots


async def test_streams_hold_their_slot_until_they_end(local: OllamaServer) -> None:
    with GatedOllama(open_at=3, hold=0.2) as cloud:
        model = _model(cloud, local, max_concurrency=2, queue_timeout=30.0)

        async def stream(i: int) -> AIMessage:
            chunks = [c async for c in model.astream(f"call {i}", CLOUD)]
            merged = chunks[0]
            for chunk in chunks[1:]:
                merged += chunk
            return AIMessage(content=merged.content, response_metadata=merged.response_metadata)

        replies = await asyncio.gather(*(stream(i) for i in range(CALLS)))
        slots = model._runtime.dispatcher.limits.slots["ollama_cloud"]
        assert slots.in_flight == 0  # every stream gave its slot back
    assert cloud.max_in_flight <= 2
    assert _check(list(replies), cloud) == CALLS


def test_a_sync_stream_stopped_early_gives_its_slot_back_at_once(local: OllamaServer) -> None:
    with OllamaServer() as cloud:
        model = _model(cloud, local, max_concurrency=1, queue_timeout=0.0)  # no waiting: a held slot falls back
        for _ in range(3):
            for _chunk in model.stream("tell me a long story", CLOUD):
                break
            assert model.invoke("and now?", CLOUD).response_metadata["aegis"]["provider"] == "ollama_cloud"
        assert model._runtime.dispatcher.limits.slots["ollama_cloud"].in_flight == 0


async def test_an_async_stream_stopped_early_gives_its_slot_back(local: OllamaServer) -> None:
    with OllamaServer() as cloud:
        # After ``break`` an async generator is closed by the loop's finalizer a few steps later, not
        # at once (Python's rule): the next call waits briefly for the slot, then gets it.
        model = _model(cloud, local, max_concurrency=1, queue_timeout=10.0)
        for _ in range(3):
            async for _chunk in model.astream("tell me a long story", CLOUD):
                break
            reply = await model.ainvoke("and now?", CLOUD)
            assert reply.response_metadata["aegis"]["provider"] == "ollama_cloud"
            stream = model.astream("tell me a long story", CLOUD)
            await anext(stream)
            await stream.aclose()  # LangChain finishes closing its inner iterators on the next loop steps
            reply = await model.ainvoke("and now?", CLOUD)
            assert reply.response_metadata["aegis"]["provider"] == "ollama_cloud"
        assert model._runtime.dispatcher.limits.slots["ollama_cloud"].in_flight == 0
