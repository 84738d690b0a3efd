"""Ledger faults through AegisChatModel: a real redis-server stopped, paused and restarted mid-call, a locked SQLite file.

Every test checks what a user cares about: no second paid call (the cloud
servers' journals), no raw ``redis``/``sqlite3`` exception, no lost spend once
the ledger is back (the journal replayed: ledger spend == what was billed), no
provider breaker opened (``breaker_failures: 1`` would open on any counted
failure), and the ``budgets.on_ledger_error`` policies. The event-loop tests
count ticks of a ticker task while calls wait for the ledger: a blocked loop
cannot tick.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from langchain_aegis import AegisChatModel, LedgerUnavailableError
from langchain_aegis.budget import open_ledger, period_for
from tests.integration_tests.fault_fixtures import (
    Servers,
    call_async,
    call_sync,
    config_for,
    first,
    running_servers,
)
from tests.redis_server import SKIP_REASON, _free_port, _wait_ready

CLOUD = ("openai", "ollama_cloud")
LIMITS = {"openai": 10.0, "ollama_cloud": 10.0}


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with running_servers() as found:
        yield found


@pytest.fixture(autouse=True)
def _fresh(servers: Servers) -> None:
    servers.reset()


class Redis:
    """A redis-server that keeps its data across a restart (append-only file, fsync always)."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip(SKIP_REASON)
        self.binary, self.workdir, self.port = binary, workdir, _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0?socket_timeout=0.3"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert _wait_ready(self.port, self.process, timeout=10.0), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self, seconds: float) -> None:
        import redis

        with redis.Redis(port=self.port) as client:
            client.execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")


@pytest.fixture
def redis_srv(tmp_path: Path) -> Iterator[Redis]:
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


def _model(servers: Servers, tmp_path: Path, ledger: str, policy: str = "local_only") -> AegisChatModel:
    budgets = {
        "monthly_limits": LIMITS,
        "ledger": ledger,
        "on_ledger_error": policy,
        "journal": str(tmp_path / "journal.jsonl"),
        "lock_timeout": 0.1,
    }
    # A provider timeout well above the injected slowness: only the ledger may fail here, not the request.
    cfg = config_for(servers, timeout=3.0, budgets=budgets, breaker_failures=1, deadline=10.0)
    return AegisChatModel(config=cfg)


def _call(model: AegisChatModel, mode: str, provider: str = "openai") -> Any:
    if mode in ("ainvoke", "astream"):
        return asyncio.run(call_async(model, mode, "hello there", first(provider)))
    return call_sync(model, mode, "hello there", first(provider))


def _spent(url: str, provider: str = "openai") -> tuple[float, float]:
    with open_ledger(url) as ledger:
        spend = ledger.snapshot(period_for(datetime.now(UTC), "UTC")).get(provider)
    return (spend.spent, spend.reserved) if spend else (0.0, 0.0)


def _no_breaker_open(model: AegisChatModel) -> None:
    assert model._runtime.breaker.open_providers() == frozenset()


@contextmanager
def when_requested(servers: Servers, provider: str, action: Any) -> Iterator[None]:
    """Run ``action`` on a thread as soon as ``provider``'s server has received a generation request."""

    def watch() -> None:
        deadline = time.monotonic() + 10
        while not servers[provider].chat_requests() and time.monotonic() < deadline:
            time.sleep(0.005)
        action()

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        yield
    finally:
        thread.join()


@contextmanager
def sqlite_lock(path: Path) -> Iterator[None]:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


# -- Redis stopped: local_only, fail, allow --------------------------------------------------


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream", "batch"])
def test_redis_down_keeps_the_call_local_without_opening_breakers(
    servers: Servers, redis_srv: Redis, tmp_path: Path, mode: str
) -> None:
    model = _model(servers, tmp_path, redis_srv.url)
    redis_srv.stop()
    reply = _call(model, mode)
    meta = reply.response_metadata["aegis"]
    assert meta["provider"] == "local_ollama"
    assert [a["outcome"] for a in meta["attempts"]] == ["ledger", "ledger", "ok"]
    assert "ledger unavailable (on_ledger_error: local_only)" in meta["reason"]
    assert [servers.chat_counts()[p] for p in CLOUD] == [0, 0]
    _no_breaker_open(model)
    # Redis back: the cloud providers serve again at once (nothing was held against them).
    redis_srv.start()
    assert _call(model, "invoke").response_metadata["aegis"]["provider"] == "openai"


def test_redis_down_under_fail_raises_a_ledger_error_and_sends_nothing(
    servers: Servers, redis_srv: Redis, tmp_path: Path
) -> None:
    model = _model(servers, tmp_path, redis_srv.url, "fail")
    redis_srv.stop()
    with pytest.raises(LedgerUnavailableError, match=r"on_ledger_error: fail") as caught:
        _call(model, "invoke")
    assert f"127.0.0.1:{redis_srv.port}" in str(caught.value)
    assert sum(servers.chat_counts().values()) == 0
    _no_breaker_open(model)


def test_redis_down_under_allow_goes_uncapped_and_the_spend_is_replayed(
    servers: Servers, redis_srv: Redis, tmp_path: Path
) -> None:
    model = _model(servers, tmp_path, redis_srv.url, "allow")
    redis_srv.stop()
    costs = [_call(model, mode).response_metadata["aegis"]["cost_usd"] for mode in ("invoke", "ainvoke", "stream")]
    assert servers.chat_counts()["openai"] == 3
    assert all(c > 0 for c in costs)
    assert (tmp_path / "journal.jsonl").stat().st_size > 0
    redis_srv.start()
    costs.append(_call(model, "invoke").response_metadata["aegis"]["cost_usd"])  # this success replays
    spent, reserved = _spent(redis_srv.url)
    assert spent == pytest.approx(sum(costs), abs=1e-12)
    assert reserved == 0
    _no_breaker_open(model)


# -- Redis failing between the answer and the settlement ---------------------------------------


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
@pytest.mark.parametrize("fault", ["pause", "restart"])
def test_a_ledger_fault_after_the_answer_keeps_the_answer_and_loses_no_spend(
    servers: Servers, redis_srv: Redis, tmp_path: Path, mode: str, fault: str
) -> None:
    model = _model(servers, tmp_path, redis_srv.url)
    servers.openai.inject("slow", delay=0.5)

    def strike() -> None:
        if fault == "pause":
            redis_srv.pause(1.5)
        else:  # stopped and started again while the provider answers
            redis_srv.stop()
            redis_srv.start()

    with when_requested(servers, "openai", strike):
        reply = _call(model, mode)
    meta = reply.response_metadata["aegis"]
    assert meta["provider"] == "openai"
    assert str(reply.content)
    assert servers.chat_counts() == {"openai": 1, "ollama_cloud": 0, "local_ollama": 0}  # no second paid call
    _no_breaker_open(model)
    time.sleep(1.6 if fault == "pause" else 0)  # the pause ends
    later = _call(model, "invoke").response_metadata["aegis"]["cost_usd"]
    spent, reserved = _spent(redis_srv.url)
    assert spent == pytest.approx(meta["cost_usd"] + later, abs=1e-12)
    assert reserved == 0


# -- SQLite locked ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
def test_a_locked_sqlite_ledger_keeps_the_call_local(servers: Servers, tmp_path: Path, mode: str) -> None:
    db = tmp_path / "ledger.db"
    model = _model(servers, tmp_path, f"sqlite://{db}")
    with sqlite_lock(db):
        reply = _call(model, mode)
    meta = reply.response_metadata["aegis"]
    assert meta["provider"] == "local_ollama"
    assert [a["outcome"] for a in meta["attempts"]] == ["ledger", "ledger", "ok"]
    assert [servers.chat_counts()[p] for p in CLOUD] == [0, 0]
    _no_breaker_open(model)


def test_a_locked_sqlite_ledger_under_fail_raises(servers: Servers, tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    model = _model(servers, tmp_path, f"sqlite://{db}", "fail")
    with sqlite_lock(db), pytest.raises(LedgerUnavailableError, match="locked"):
        _call(model, "invoke")
    assert sum(servers.chat_counts().values()) == 0


@pytest.mark.parametrize("mode", ["invoke", "astream"])
def test_sqlite_locked_before_the_settlement_is_journaled_and_replayed(
    servers: Servers, tmp_path: Path, mode: str
) -> None:
    db = tmp_path / "ledger.db"
    url = f"sqlite://{db}"
    model = _model(servers, tmp_path, url)
    servers.openai.inject("slow", delay=0.4)
    holder: dict[str, sqlite3.Connection] = {}

    def lock() -> None:
        holder["c"] = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        holder["c"].execute("BEGIN IMMEDIATE")

    with when_requested(servers, "openai", lock):
        reply = _call(model, mode)
    holder["c"].execute("ROLLBACK")
    holder["c"].close()
    meta = reply.response_metadata["aegis"]
    assert meta["provider"] == "openai"
    assert servers.chat_counts() == {"openai": 1, "ollama_cloud": 0, "local_ollama": 0}
    later = _call(model, "invoke").response_metadata["aegis"]["cost_usd"]
    spent, reserved = _spent(url)
    assert spent == pytest.approx(meta["cost_usd"] + later, abs=1e-12)
    assert reserved == 0
    _no_breaker_open(model)


# -- the event loop keeps running while the ledger waits -------------------------------------------


async def _ticks_during(calls: Any) -> tuple[int, list[Any]]:
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    before = ticks
    try:
        results = await calls
    finally:
        stop.set()
        await task
    return ticks - before, results


def test_a_sqlite_lock_held_elsewhere_never_blocks_the_event_loop(servers: Servers, tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    model = _model(servers, tmp_path, f"sqlite://{db}")

    async def run() -> tuple[int, list[Any]]:
        calls = asyncio.gather(*(model.ainvoke("hello", first("openai")) for _ in range(4)))
        return await _ticks_during(calls)

    with sqlite_lock(db):
        ticks, replies = asyncio.run(run())
    assert {r.response_metadata["aegis"]["provider"] for r in replies} == {"local_ollama"}
    # Each call waited for the lock twice (openai, ollama_cloud); a loop blocked by those waits could not tick.
    assert ticks >= 8


def test_a_paused_redis_ledger_never_blocks_the_event_loop(servers: Servers, redis_srv: Redis, tmp_path: Path) -> None:
    model = _model(servers, tmp_path, redis_srv.url)

    async def run() -> tuple[int, list[Any]]:
        redis_srv.pause(1.0)
        calls = asyncio.gather(*(model.ainvoke("hello", first("openai")) for _ in range(4)))
        return await _ticks_during(calls)

    ticks, replies = asyncio.run(run())
    assert {r.response_metadata["aegis"]["provider"] for r in replies} == {"local_ollama"}
    assert ticks >= 8
    _no_breaker_open(model)
