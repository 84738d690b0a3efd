"""Shared ledgers under real concurrency: several processes, and a process killed mid-call.

Four spawned processes each fire 125 concurrent async reservations of $0.01
against one $1.00 budget in one SQLite file or one Redis server: exactly 100
must succeed between them. A process killed with SIGKILL while holding a
reservation blocks the budget only until its lease expires.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from langchain_aegis.budget import open_ledger
from langchain_aegis.errors import BudgetExceededError
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow

NOW = 1_800_000_000.0
PERIOD = "2026-11"
COST, LIMIT = 0.01, 1.0  # the limit covers exactly 100 calls
PROCESSES, TASKS = 4, 125


def _spend_worker(url: str, barrier: Any, results: Any) -> None:
    """One process: TASKS concurrent reserve -> call -> settle, all at once."""
    ledger = open_ledger(url)

    async def call() -> float:
        try:
            r = await ledger.areserve("openai", COST, limit=LIMIT, period=PERIOD, now=NOW)
        except BudgetExceededError:
            return 0.0
        await asyncio.sleep(0)
        assert await ledger.asettle(r, COST, now=NOW)
        return COST

    async def main() -> list[float]:
        return list(await asyncio.gather(*(call() for _ in range(TASKS))))

    barrier.wait(timeout=60)
    settled = asyncio.run(main())
    results.put([c for c in settled if c])


def _run_processes(url: str) -> tuple[list[float], float]:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_spend_worker, args=(url, barrier, results)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    ledger = open_ledger(url)
    highest = 0.0
    while any(p.is_alive() for p in procs) and results.qsize() < PROCESSES:
        # Watch the shared account while the workers race: it must never pass the limit.
        spend = ledger.snapshot(PERIOD, now=NOW).get("openai")
        if spend is not None:
            highest = max(highest, spend.spent + spend.reserved)
        time.sleep(0.001)
    settled = [c for _ in procs for c in results.get(timeout=60)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    ledger.close()
    return settled, highest


def _check(url: str) -> None:
    settled, highest = _run_processes(url)
    assert len(settled) == 100
    assert highest <= LIMIT
    with open_ledger(url) as ledger:
        spend = ledger.snapshot(PERIOD, now=NOW)["openai"]
    assert spend.spent <= LIMIT
    assert spend.spent == pytest.approx(sum(settled), abs=1e-9)
    assert spend.count == 100
    assert spend.reserved == 0.0


def test_four_processes_share_one_sqlite_budget(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/ledger.db"
    open_ledger(url).close()  # create the file before the race
    _check(url)


def test_four_processes_share_one_redis_budget(redis_url: str) -> None:
    _check(redis_url)


_HOLDER = """
import sys
from langchain_aegis.budget import open_ledger
ledger = open_ledger(sys.argv[1])
ledger.reserve("openai", 1.0, limit=1.0, period="2026-11", lease_seconds=30, now=float(sys.argv[2]))
print("reserved", flush=True)
sys.stdin.read()  # hold the reservation until killed
"""


def _crash(url: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, url, repr(NOW)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "reserved"
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    assert holder.returncode == -signal.SIGKILL
    with open_ledger(url) as ledger:
        # The dead process's reservation still holds the whole budget...
        assert ledger.snapshot(PERIOD, now=NOW + 29)["openai"].reserved == 1.0
        with pytest.raises(BudgetExceededError):
            ledger.reserve("openai", 0.01, limit=1.0, period=PERIOD, now=NOW + 29)
        # ...until its lease runs out, then the budget is whole again.
        assert ledger.snapshot(PERIOD, now=NOW + 31)["openai"].reserved == 0.0
        r = ledger.reserve("openai", 1.0, limit=1.0, period=PERIOD, now=NOW + 31)
        ledger.settle(r, 1.0, now=NOW + 32)
        assert ledger.snapshot(PERIOD, now=NOW + 32)["openai"].spent == 1.0


def test_killed_process_frees_sqlite_budget_after_its_lease(tmp_path: Path) -> None:
    _crash(f"sqlite://{tmp_path}/ledger.db")


def test_killed_process_frees_redis_budget_after_its_lease(redis_url: str) -> None:
    _crash(redis_url)
