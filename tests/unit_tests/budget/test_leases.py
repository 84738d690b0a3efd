"""The lease keeper: open reservations stay counted in the ledger for as long as this process holds them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.leases import LeaseKeeper
from langchain_aegis.budget.ledger import Reservation, renewed
from langchain_aegis.budget.memory import MemoryLedger
from langchain_aegis.errors import BudgetExceededError, LedgerUnavailableError
from tests.unit_tests.budget.conftest import priced_config

T0 = 1_800_000_000.0
P = "2027-01"
LEASE = 30.0


def _reservation(rid: str, expires_at: float) -> Reservation:
    return Reservation(rid, "openai", P, 0.5, expires_at)


class FakeLedger:
    """Renews whatever it is asked to, unless told otherwise; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []
        self.gone: set[str] = set()
        self.down = False
        self.during: Callable[[], None] | None = None

    def renew(self, r: Reservation, now: float) -> Reservation | None:
        self.calls.append((r.id, now))
        if self.during is not None:
            self.during()
        if self.down:
            raise LedgerUnavailableError("redis://ledger:6379/0", "renew")
        return None if r.id in self.gone else renewed(r, now + LEASE)


def _keeper(ledger: FakeLedger, clock: list[float], seen: list[Reservation] | None = None) -> LeaseKeeper:
    keeper = LeaseKeeper(
        ledger.renew, lease_seconds=LEASE, clock=lambda: clock[0], on_renewed=None if seen is None else seen.append
    )
    keeper.interval = 3600.0  # these tests call renew_due themselves; the thread sleeps through them
    return keeper


def test_a_lease_is_renewed_once_a_third_of_it_has_passed() -> None:
    ledger, clock, seen = FakeLedger(), [T0], []
    keeper = _keeper(ledger, clock, seen)
    keeper.opened(_reservation("a", T0 + LEASE))
    clock[0] = T0 + 9.0  # less than a third
    assert keeper.renew_due() == 0
    clock[0] = T0 + 11.0
    assert keeper.renew_due() == 1
    assert ledger.calls == [("a", T0 + 11.0)]
    assert [r.expires_at for r in seen] == [T0 + 11.0 + LEASE]
    assert keeper.held()[0].expires_at == T0 + 11.0 + LEASE
    clock[0] = T0 + 12.0  # just renewed: not due again
    assert keeper.renew_due() == 0


def test_a_settled_reservation_is_no_longer_renewed() -> None:
    ledger, clock = FakeLedger(), [T0]
    keeper = _keeper(ledger, clock)
    r = _reservation("a", T0 + LEASE)
    keeper.opened(r)
    keeper.closed(r)
    clock[0] = T0 + 20.0
    assert keeper.renew_due() == 0
    assert ledger.calls == []
    assert keeper.held() == []


def test_a_reservation_settled_while_it_is_renewed_is_not_kept_again() -> None:
    ledger, clock, seen = FakeLedger(), [T0 + 20.0], []
    keeper = _keeper(ledger, clock, seen)
    r = _reservation("a", T0 + LEASE)
    keeper.opened(r)
    ledger.during = lambda: keeper.closed(r)  # the settle lands between the renewal and its answer
    assert keeper.renew_due() == 0
    assert keeper.held() == []
    assert seen == []  # Owed is not told of a renewal of what it no longer holds


def test_a_lease_the_ledger_no_longer_holds_is_dropped() -> None:
    ledger, clock = FakeLedger(), [T0 + 20.0]
    keeper = _keeper(ledger, clock)
    keeper.opened(_reservation("lapsed", T0 + LEASE))
    keeper.opened(_reservation("live", T0 + LEASE))
    ledger.gone.add("lapsed")
    assert keeper.renew_due() == 1
    assert [r.id for r in keeper.held()] == ["live"]


def test_a_ledger_outage_is_retried_at_the_next_wake() -> None:
    ledger, clock = FakeLedger(), [T0 + 20.0]
    keeper = _keeper(ledger, clock)
    keeper.opened(_reservation("a", T0 + LEASE))
    ledger.down = True
    assert keeper.renew_due() == 0
    assert [r.id for r in keeper.held()] == ["a"]  # still kept
    ledger.down = False
    clock[0] = T0 + 25.0
    assert keeper.renew_due() == 1
    assert [now for _, now in ledger.calls] == [T0 + 20.0, T0 + 25.0]


def test_the_thread_renews_on_its_own_and_ends_when_nothing_is_open() -> None:
    ledger = MemoryLedger()
    lease = 0.3
    keeper = LeaseKeeper(
        lambda r, now: ledger.renew(r, lease_seconds=lease, now=now), lease_seconds=lease, clock=time.time
    )
    r = ledger.reserve("openai", 1.0, limit=1.0, period=P, lease_seconds=lease)
    keeper.opened(r)
    assert keeper.running
    time.sleep(4 * lease)  # several leases: it lapses unless the thread renews it
    with pytest.raises(BudgetExceededError):
        ledger.reserve("openai", 0.5, limit=1.0, period=P)
    keeper.closed(r)
    ledger.release(r)
    _wait_until(lambda: not keeper.running)  # the next wake finds nothing open and ends the thread
    r2 = ledger.reserve("openai", 1.0, limit=1.0, period=P, lease_seconds=lease)
    keeper.opened(r2)  # a new reservation starts it again
    assert keeper.running
    time.sleep(4 * lease)
    with pytest.raises(BudgetExceededError):
        ledger.reserve("openai", 0.5, limit=1.0, period=P)
    keeper.closed(r2)


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_an_unexpected_error_is_logged_and_the_thread_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[float] = []
    done = threading.Event()

    def renew(r: Reservation, now: float) -> Reservation | None:
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("boom")
        done.set()
        return renewed(r, now + 0.3)

    keeper = LeaseKeeper(renew, lease_seconds=0.3, clock=time.time)
    r = _reservation("a", time.time() + 0.3)
    with caplog.at_level(logging.ERROR, logger="langchain_aegis"):
        keeper.opened(r)
        assert done.wait(timeout=10), "the thread stopped renewing after an error"
    keeper.closed(r)
    assert "renewing reservation leases failed" in caplog.text


def test_the_accounting_keeps_what_it_reserved_until_it_settles_or_releases(tmp_path: Path) -> None:
    clock = [T0]
    ledger = MemoryLedger()
    accounting = LedgerAccounting(priced_config(tmp_path, lease=60.0), ledger, clock=lambda: clock[0])
    held = accounting.reserve("openai", 6, 1)  # $0.60
    other = accounting.reserve("openai", 2, 1)  # $0.20
    assert held is not None
    assert other is not None
    assert {r.id for r in accounting.leases.held()} == {held.id, other.id}
    clock[0] = T0 + 30.0
    assert accounting.leases.renew_due() == 2
    clock[0] = T0 + 70.0  # past both first ends: the ledger still counts them
    assert ledger.snapshot(held.period, now=clock[0])["openai"].reserved == pytest.approx(0.8)
    assert accounting.owed.snapshot("openai", clock[0], held.period)[0] == 0.0  # and so nothing is owed twice
    accounting.settle("openai", held, {"input_tokens": 6, "output_tokens": 0})
    accounting.release(other)
    assert accounting.leases.held() == []
