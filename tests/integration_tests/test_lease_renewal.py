"""A stream its caller pauses for longer than the lease keeps its money from the other replicas.

Before lease renewal, the ledger stopped counting a paused stream's
reservation at the end of its lease: the process holding it still counted it
(``budget/owed.py``), but another replica sharing the ledger could spend the
same headroom, and the paused stream's settlement then passed the cap. Here a
model streams from the loopback OpenAI server through a shared SQLite or Redis
ledger; its caller reads one chunk and stalls for more than two leases, in
real time; meanwhile a second ledger client on the same store (what another
replica's admission sees: its own connection, nothing shared in memory) asks
for the same headroom.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from langchain_aegis import aegis_config
from langchain_aegis.budget import Ledger, SQLiteLedger, period_for
from langchain_aegis.budget.redis import RedisLedger
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.models import Pricing
from langchain_aegis.errors import BudgetExceededError
from tests.integration_tests.privacy_fixtures import Deployment, deployment
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401 - fixtures

LEASE = 3.0  # seconds; the renewing thread wakes every half second and renews after one
PAUSE = 2.5 * LEASE
CEILING = 64
OUT_PRICE = 2.0  # USD per 1M output tokens
PER_CALL = CEILING * OUT_PRICE / 1_000_000  # every answer fills the ceiling: one reservation
LIMIT = 1.5 * PER_CALL  # room for one call at a time


@pytest.fixture(scope="module")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


def _ledgers(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Ledger, Ledger]:
    """This replica's ledger and another replica's client of the same store."""
    if backend == "sqlite":
        return SQLiteLedger(tmp_path / "ledger.db"), SQLiteLedger(tmp_path / "ledger.db")
    url = request.getfixturevalue("redis_url")
    return RedisLedger(url), RedisLedger(url)


def _model(dep: Deployment, ledger: Ledger) -> AegisChatModel:
    cfg = dep.config(
        budgets={"monthly_limits": {"openai": LIMIT}, "default_max_tokens": CEILING, "lease_seconds": LEASE},
        routing={"fallback_chain": ["openai", "local_ollama"]},
        resilience={"max_retries": 0, "deadline": LEASE},
    )
    providers = dict(cfg.providers)
    providers["openai"] = providers["openai"].model_copy(update={"pricing": Pricing(input=0.0, output=OUT_PRICE)})
    return dep.model(config=cfg.model_copy(update={"providers": providers}), ledger=ledger)


def _other_replica_admits(other: Ledger) -> bool:
    try:
        r = other.reserve("openai", PER_CALL, limit=LIMIT, period=_period(), lease_seconds=LEASE)
    except BudgetExceededError:
        return False
    other.release(r)
    return True


def _period() -> str:
    return period_for(datetime.now(UTC), "UTC")


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_paused_stream_keeps_its_money_from_the_other_replicas(
    dep: Deployment, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    dep.reset()
    mine, other = _ledgers(backend, tmp_path, request)
    model = _model(dep, mine)
    dep.openai.script(" ".join(f"w{i}" for i in range(CEILING)))
    held: Any = model.stream("Tell me a story.", config=aegis_config(provider="openai"))
    next(held)  # the caller reads one chunk, then stalls
    assert not _other_replica_admits(other)
    time.sleep(PAUSE)  # more than two leases
    assert not _other_replica_admits(other), "another replica took the money of a stream that is still open"
    held.close()
    spend = other.snapshot(_period())["openai"]
    assert spend.count == 1
    assert spend.spent <= LIMIT
    assert spend.reserved == 0.0  # settled: nothing is held any more
    assert model._runtime.accounting.leases.held() == []
    mine.close()
    other.close()


def test_a_paused_async_stream_keeps_its_money_from_the_other_replicas(
    dep: Deployment, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    dep.reset()
    mine, other = _ledgers("redis", tmp_path, request)
    model = _model(dep, mine)
    dep.openai.script(" ".join(f"w{i}" for i in range(CEILING)))

    async def main() -> None:
        held: Any = model.astream("Tell me a story.", config=aegis_config(provider="openai"))
        await held.__anext__()
        await asyncio.sleep(PAUSE)  # the loop is free: nothing runs on the stream's behalf
        assert not _other_replica_admits(other), "another replica took the money of a stream that is still open"
        await held.aclose()

    asyncio.run(main())
    spend = other.snapshot(_period())["openai"]
    assert (spend.count, spend.reserved) == (1, 0.0)
    assert spend.spent <= LIMIT
    mine.close()
    other.close()
