"""Breaker and rollout state are read from memory, never from the store on the event loop (issue 13 point 5).

With a real ``redis-server`` ledger and a rollout on, async calls run while
every sync ledger call is recorded with the thread it ran on. None may run on
a thread whose event loop is running. The loop's lag is measured and printed
(not asserted: timings depend on the machine).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from langchain_aegis import AegisChatModel
from langchain_aegis.budget.redis import RedisLedger
from langchain_aegis.config.loading import parse_config
from langchain_aegis.state import StateCache
from langchain_aegis.testing import OllamaServer
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401 - fixtures

SYNC_CALLS = ("get_state", "put_state", "reserve", "settle", "release", "snapshot", "record")


@pytest.fixture
def ollama() -> Iterator[OllamaServer]:
    with OllamaServer() as server:
        yield server


def on_a_running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_no_sync_ledger_call_runs_on_the_event_loop(
    redis_url: str, ollama: OllamaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked: list[str] = []
    for name in SYNC_CALLS:
        original = getattr(RedisLedger, name)

        def spy(self: Any, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            if on_a_running_loop():
                blocked.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(RedisLedger, name, spy)
    cfg = parse_config(
        {
            "providers": {
                "local_ollama": {"type": "ollama", "model": "m", "base_url": ollama.base_url, "locality": "local"},
                "cloud": {"type": "ollama", "model": "m", "base_url": ollama.base_url, "locality": "cloud"},
            },
            "budgets": {"ledger": redis_url},
            "routing": {
                "rules": [
                    {"name": "to_cloud", "when": {"quality": "high"}, "provider": "cloud"},
                    {"name": "default", "provider": "local_ollama"},
                ],
                "rollouts": {"to_cloud": {"min_calls": 1, "hold_seconds": 0}},
            },
        }
    )

    async def run() -> float:
        lag = 0.0
        stop = False

        async def ticker() -> None:
            nonlocal lag
            while not stop:
                start = time.perf_counter()
                await asyncio.sleep(0.005)
                lag = max(lag, time.perf_counter() - start - 0.005)

        async with AegisChatModel(config=cfg) as model:
            meta = {"metadata": {"aegis": {"quality": "high"}}}
            await model.ainvoke("warm up", config=meta)  # the first call imports any-llm (about 1.5 s)
            tick = asyncio.create_task(ticker())
            for _ in range(5):
                await model.abatch(["hi"] * 20, config=meta)
            stop = True
            await tick
        return lag

    lag = asyncio.run(run())
    print(f"\nmax event-loop lag over 100 async calls with Redis ledger and rollout: {lag * 1000:.1f} ms")
    assert blocked == [], f"sync ledger calls ran on the event loop: {sorted(set(blocked))}"


class FlakyStore:
    """A store that can go down."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}
        self.down = False
        self.reads = 0
        self.threads: set[str] = set()

    def get_state(self, key: str) -> dict[str, Any] | None:
        self.reads += 1
        self.threads.add(threading.current_thread().name)
        if self.down:
            raise ConnectionError("store down")
        return self.data.get(key)

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        if self.down:
            raise ConnectionError("store down")
        self.data[key] = value


def test_cache_serves_last_known_state_through_an_outage_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    store = FlakyStore()
    store.data["breaker:a"] = {"opened_at": 1.0}
    cache = StateCache(store, ["breaker:a"], refresh=0.01)
    try:
        assert cache.get_state("breaker:a") == {"opened_at": 1.0}
        store.down = True
        with caplog.at_level(logging.INFO, logger="langchain_aegis"):
            for _ in range(50):
                assert cache.get_state("breaker:a") == {"opened_at": 1.0}
                time.sleep(0.002)
            store.down = False
            store.data["breaker:a"] = {"opened_at": 2.0}
            deadline = time.monotonic() + 5
            while cache.get_state("breaker:a") != {"opened_at": 2.0} and time.monotonic() < deadline:
                time.sleep(0.01)
        assert cache.get_state("breaker:a") == {"opened_at": 2.0}
        warned = [r for r in caplog.records if "unreachable" in r.getMessage()]
        assert len(warned) == 1
        assert any("reachable again" in r.getMessage() for r in caplog.records)
        assert threading.current_thread().name not in store.threads - {"MainThread"}  # reads off the caller
    finally:
        cache.close()


def test_a_value_written_while_the_store_was_down_does_not_overwrite_the_stored_one() -> None:
    store = FlakyStore()
    store.down = True
    cache = StateCache(store, ["rollout:r"], refresh=0.01)
    try:
        cache.put_state("rollout:r", {"share": 0.1})  # invented: the real state was unknown
        store.data["rollout:r"] = {"share": 0.0}  # another worker rolled back
        store.down = False
        deadline = time.monotonic() + 5
        while cache.get_state("rollout:r") != {"share": 0.0} and time.monotonic() < deadline:
            time.sleep(0.01)
        assert cache.get_state("rollout:r") == {"share": 0.0}
        assert store.data["rollout:r"] == {"share": 0.0}
    finally:
        cache.close()


def test_writes_reach_the_store_in_the_background() -> None:
    store = FlakyStore()
    cache = StateCache(store, ["k"], refresh=0.01)
    try:
        cache.put_state("k", {"v": 1})
        assert cache.get_state("k") == {"v": 1}
        deadline = time.monotonic() + 5
        while store.data.get("k") != {"v": 1} and time.monotonic() < deadline:
            time.sleep(0.01)
        assert store.data["k"] == {"v": 1}
    finally:
        cache.close()
