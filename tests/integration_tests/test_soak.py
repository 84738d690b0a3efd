"""Soak: 1,000 concurrent calls against three providers that fail 30% of their requests.

Every call must end in an answer or a typed :class:`AegisError` (none hangs),
no local-only call may reach a cloud server, and the attempts the router
recorded must add up to exactly the requests each server received.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Iterator

import pytest
from langchain_core.runnables import RunnableConfig

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.errors import AegisError
from tests.integration_tests.fault_fixtures import (
    CHAIN,
    SKIPPED,
    Recorder,
    Servers,
    call_async,
    config_for,
    first,
    requests_by_attempts,
    running_servers,
)

pytestmark = pytest.mark.slow

CALLS = 1_000
CONCURRENCY = 50
FAULT_RATE = 0.3
DEADLINE = 5.0
# Generous per-request timeout: 50 calls share one event loop, and a timeout that fires before
# the request leaves the client would be an attempt the server never saw.
TIMEOUT = 2.0
PII_MARKER = "PII-MARKER"


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with running_servers() as running:
        yield running


def _config(i: int) -> tuple[str, RunnableConfig]:
    """Every fourth call carries personal data; the others start at each provider in turn."""
    if i % 4 == 0:
        pii: RunnableConfig = {"metadata": {"aegis": {"data_classification": "pii"}}}
        return f"{PII_MARKER}-{i}: summarise the patient's file", pii
    return f"public question {i}", first(CHAIN[i % 3])


async def test_soak(servers: Servers) -> None:
    recorder = Recorder()
    config = config_for(servers, timeout=TIMEOUT, deadline=DEADLINE, breaker_failures=5, breaker_cooldown=0.5)
    model = AegisChatModel(config=config, metrics=recorder)
    await model.ainvoke("warm up", first("openai"))
    await model.ainvoke("warm up", first("ollama_cloud"))
    servers.reset()
    recorder.records.clear()
    for seed, server in enumerate(servers.all()):
        server.chaos(FAULT_RATE, seed=seed)

    gate = asyncio.Semaphore(CONCURRENCY)
    outcomes: collections.Counter[str] = collections.Counter()

    async def one(i: int) -> None:
        text, cfg = _config(i)
        mode = "astream" if i % 2 else "ainvoke"
        async with gate:
            try:
                message = await asyncio.wait_for(call_async(model, mode, text, cfg), timeout=DEADLINE + 3)
            except AegisError as exc:
                kind = getattr(exc, "kind", None)
                outcomes[f"{type(exc).__name__}({kind})" if kind else type(exc).__name__] += 1
                return
            except TimeoutError:
                outcomes["hung"] += 1
                return
        assert message.content
        assert message.response_metadata["aegis"]["served_by"] in CHAIN
        outcomes["answer"] += 1

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(CALLS)))
    elapsed = time.monotonic() - started
    for server in servers.all():
        server.chaos(0)

    # Every call ended, in an answer or a typed error; none hung.
    assert outcomes["hung"] == 0
    assert sum(outcomes.values()) == CALLS
    assert len(recorder.records) == CALLS

    # No personal data reached a cloud server, and all of it reached the local one.
    for cloud in (servers.openai, servers.ollama_cloud):
        assert not [e for e in cloud.chat_requests() if PII_MARKER in str(e.body)]
    assert [e for e in servers.local_ollama.chat_requests() if PII_MARKER in str(e.body)]
    local_only = [r for r in recorder.records if r.local_only_source is not None]
    assert len(local_only) == CALLS // 4
    for record in local_only:
        assert {a.provider for a in record.attempts} <= {"local_ollama"}

    # The attempts account for every request each server received: no hidden SDK retries.
    by_attempts = dict.fromkeys(CHAIN, 0)
    for record in recorder.records:
        for provider, count in requests_by_attempts([a.as_dict() for a in record.attempts]).items():
            by_attempts[provider] += count
    assert by_attempts == servers.chat_counts()

    fallbacks = sum(
        1 for r in recorder.records for a, b in zip(r.attempts, r.attempts[1:], strict=False) if a.outcome != "ok"
    )
    skipped = collections.Counter(a.outcome for r in recorder.records for a in r.attempts if a.outcome in SKIPPED)
    requests = sum(servers.chat_counts().values())
    print(
        f"\nsoak: {CALLS} calls in {elapsed:.1f}s; outcomes {dict(outcomes)}; fallbacks {fallbacks}; "
        f"skipped attempts {dict(skipped)}; requests per server {servers.chat_counts()} "
        f"({requests / CALLS:.2f} per call)"
    )
    assert outcomes["answer"] > CALLS * 0.8  # 30% faults, one retry and up to two fallbacks
    assert elapsed < 60
