"""The ledger contract, run against every backend: memory, SQLite and Redis."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from langchain_aegis.budget import Ledger, MemoryLedger, Spend, SQLiteLedger, default_sqlite_path, open_ledger
from langchain_aegis.errors import BudgetExceededError, ConfigError

NOW = 1_800_000_000.0
P = "2026-11"


def test_reserve_within_limit_then_settle(ledger: Ledger) -> None:
    r = ledger.reserve("openai", 0.30, limit=1.0, period=P, lease_seconds=60, now=NOW)
    assert r.provider == "openai"
    assert r.period == P
    assert r.expires_at == NOW + 60
    assert ledger.snapshot(P, now=NOW) == {"openai": Spend(spent=0.0, reserved=0.30, count=0)}
    assert ledger.settle(r, 0.12, now=NOW) is True
    assert ledger.snapshot(P, now=NOW) == {"openai": Spend(spent=0.12, reserved=0.0, count=1)}


def test_reserve_over_limit_raises_with_the_figures(ledger: Ledger) -> None:
    r = ledger.reserve("openai", 0.5, limit=1.0, period=P, now=NOW)
    ledger.settle(r, 0.5, now=NOW)
    ledger.reserve("openai", 0.25, limit=1.0, period=P, now=NOW)
    with pytest.raises(BudgetExceededError) as info:
        ledger.reserve("openai", 0.30, limit=1.0, period=P, now=NOW)
    err = info.value
    assert (err.provider, err.limit, err.spent, err.reserved, err.period) == ("openai", 1.0, 0.5, 0.25, P)
    # What fits exactly still fits.
    ledger.reserve("openai", 0.25, limit=1.0, period=P, now=NOW)


def test_cents_add_up_exactly(ledger: Ledger) -> None:
    for _ in range(100):
        ledger.settle(ledger.reserve("openai", 0.01, limit=1.0, period=P, now=NOW), 0.01, now=NOW)
    with pytest.raises(BudgetExceededError):
        ledger.reserve("openai", 0.01, limit=1.0, period=P, now=NOW)
    assert ledger.snapshot(P, now=NOW)["openai"].spent == 1.0


def test_zero_limit_admits_free_calls_only(ledger: Ledger) -> None:
    ledger.reserve("local", 0.0, limit=0.0, period=P, now=NOW)
    with pytest.raises(BudgetExceededError):
        ledger.reserve("local", 1e-9, limit=0.0, period=P, now=NOW)


def test_unlimited_is_still_recorded(ledger: Ledger) -> None:
    r = ledger.reserve("local", 5.0, limit=None, period=P, now=NOW)
    assert ledger.snapshot(P, now=NOW)["local"].reserved == 5.0
    ledger.settle(r, 2.5, now=NOW)
    assert ledger.snapshot(P, now=NOW)["local"] == Spend(2.5, 0.0, 1)


def test_settle_is_idempotent_and_release_frees(ledger: Ledger) -> None:
    r = ledger.reserve("openai", 0.4, limit=1.0, period=P, now=NOW)
    assert ledger.settle(r, 0.4, now=NOW) is True
    assert ledger.settle(r, 0.4, now=NOW) is False
    gone = ledger.reserve("openai", 0.6, limit=1.0, period=P, now=NOW)
    ledger.release(gone)
    ledger.release(gone)
    assert ledger.settle(gone, 0.6, now=NOW) is False
    assert ledger.snapshot(P, now=NOW)["openai"] == Spend(0.4, 0.0, 1)
    ledger.reserve("openai", 0.6, limit=1.0, period=P, now=NOW)


def test_expired_lease_stops_counting_but_a_late_settle_counts_once(ledger: Ledger) -> None:
    r = ledger.reserve("openai", 1.0, limit=1.0, period=P, lease_seconds=10, now=NOW)
    with pytest.raises(BudgetExceededError):
        ledger.reserve("openai", 0.5, limit=1.0, period=P, now=NOW + 9)
    assert ledger.snapshot(P, now=NOW + 11)["openai"].reserved == 0.0
    other = ledger.reserve("openai", 0.5, limit=1.0, period=P, now=NOW + 11)
    assert ledger.settle(r, 0.3, now=NOW + 12) is True
    assert ledger.settle(r, 0.3, now=NOW + 13) is False
    assert ledger.snapshot(P, now=NOW + 13)["openai"] == Spend(0.3, 0.5, 1)
    ledger.release(other)


def test_periods_and_providers_are_separate(ledger: Ledger) -> None:
    ledger.settle(ledger.reserve("openai", 1.0, limit=1.0, period="2026-11", now=NOW), 1.0, now=NOW)
    ledger.reserve("ollama_cloud", 1.0, limit=1.0, period="2026-11", now=NOW)
    ledger.reserve("openai", 1.0, limit=1.0, period="2026-12", now=NOW)
    assert set(ledger.snapshot("2026-11", now=NOW)) == {"openai", "ollama_cloud"}
    assert ledger.snapshot("2026-12", now=NOW)["openai"] == Spend(0.0, 1.0, 0)
    assert ledger.snapshot("2027-01", now=NOW) == {}


def test_record_adds_spend_without_a_limit(ledger: Ledger) -> None:
    ledger.record("openai", 0.25, period=P, now=NOW)
    ledger.record("openai", 0.25, period=P, now=NOW)
    assert ledger.snapshot(P, now=NOW)["openai"] == Spend(0.5, 0.0, 2)


def test_bad_arguments(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="amount"):
        ledger.reserve("openai", -1.0, limit=1.0, period=P, now=NOW)
    with pytest.raises(ValueError, match="lease"):
        ledger.reserve("openai", 1.0, limit=1.0, period=P, lease_seconds=0, now=NOW)


def test_state_round_trips(ledger: Ledger) -> None:
    assert ledger.get_state("rollout:cloud") is None
    ledger.put_state("rollout:cloud", {"step": 2, "since": 12.5, "history": [0.1, 0.3]})
    assert ledger.get_state("rollout:cloud") == {"step": 2, "since": 12.5, "history": [0.1, 0.3]}
    ledger.put_state("rollout:cloud", {"step": 3})
    assert ledger.get_state("rollout:cloud") == {"step": 3}


async def test_async_twins(ledger: Ledger) -> None:
    r = await ledger.areserve("openai", 0.5, limit=1.0, period=P, now=NOW)
    assert await ledger.asettle(r, 0.2, now=NOW) is True
    gone = await ledger.areserve("openai", 0.8, limit=1.0, period=P, now=NOW)
    with pytest.raises(BudgetExceededError):
        await ledger.areserve("openai", 0.1, limit=1.0, period=P, now=NOW)
    await ledger.arelease(gone)
    assert await ledger.asnapshot(P, now=NOW) == {"openai": Spend(0.2, 0.0, 1)}
    await ledger.aput_state("k", {"a": 1})
    assert await ledger.aget_state("k") == {"a": 1}
    await ledger.aclose()


async def test_500_concurrent_reservations_admit_exactly_100(ledger: Ledger) -> None:
    cost, limit = 0.01, 1.0  # the limit covers exactly 100 calls
    settled: list[float] = []

    async def call() -> bool:
        try:
            r = await ledger.areserve("openai", cost, limit=limit, period=P, now=NOW)
        except BudgetExceededError:
            return False
        await asyncio.sleep(0)  # let other reservations interleave with this "call"
        snap = (await ledger.asnapshot(P, now=NOW))["openai"]
        assert snap.spent + snap.reserved <= limit + 1e-12
        assert await ledger.asettle(r, cost, now=NOW)
        settled.append(cost)
        return True

    results = await asyncio.gather(*(call() for _ in range(500)))
    assert sum(results) == 100
    spend = (await ledger.asnapshot(P, now=NOW))["openai"]
    assert spend.spent <= limit
    assert spend.spent == pytest.approx(sum(settled), abs=1e-9)
    assert spend == Spend(1.0, 0.0, 100)


def test_open_ledger_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(open_ledger("memory://"), MemoryLedger)
    led = open_ledger(f"sqlite://{tmp_path}/sub/ledger.db")
    assert isinstance(led, SQLiteLedger)
    assert led.path == tmp_path / "sub" / "ledger.db"
    led.close()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert default_sqlite_path() == tmp_path / "state" / "langchain-aegis" / "ledger.db"
    led = open_ledger("sqlite://")
    assert isinstance(led, SQLiteLedger)
    assert led.path == default_sqlite_path()
    assert led.path.exists()
    led.close()
    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_sqlite_path() == Path.home() / ".local" / "state" / "langchain-aegis" / "ledger.db"


@pytest.mark.parametrize("url", ["postgres://db/ledger", "ledger.db", "redis://localhost:6379/notanumber"])
def test_open_ledger_rejects_bad_urls_naming_them(url: str) -> None:
    with pytest.raises(ConfigError, match=url.replace("/", ".")):
        open_ledger(url)


def test_redis_prefix_from_url(redis_url: str) -> None:
    from langchain_aegis.budget.redis import RedisLedger

    led = open_ledger(redis_url + "?prefix=team1:")
    assert isinstance(led, RedisLedger)
    assert led.prefix == "team1:"
    led.record("openai", 0.5, period=P, now=NOW)
    other = open_ledger(redis_url)
    assert other.snapshot(P, now=NOW) == {}
    assert led.snapshot(P, now=NOW)["openai"].spent == 0.5
