"""Lease renewal, run against every backend: a live lease is extended, a lapsed one is never revived.

``Ledger.renew`` is what keeps a call's money counted by every replica while the
call outlives its lease (a paused stream); ``budget/leases.py`` calls it.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_aegis.budget import Ledger, MemoryLedger, Reservation, Spend, SQLiteLedger, open_ledger
from langchain_aegis.errors import BudgetExceededError

NOW = 1_800_000_000.0
P = "2026-11"


def test_a_renewed_lease_keeps_its_money_counted_past_its_first_end(ledger: Ledger) -> None:
    r = ledger.reserve("openai", 1.0, limit=1.0, period=P, lease_seconds=10, now=NOW)
    fresh = ledger.renew(r, lease_seconds=10, now=NOW + 6)
    assert fresh is not None
    assert (fresh.id, fresh.amount, fresh.expires_at) == (r.id, 1.0, NOW + 16)
    with pytest.raises(BudgetExceededError):  # past the first end, another caller still finds no room
        ledger.reserve("openai", 0.5, limit=1.0, period=P, now=NOW + 12)
    assert ledger.snapshot(P, now=NOW + 12)["openai"].reserved == 1.0
    assert ledger.snapshot(P, now=NOW + 16)["openai"].reserved == 0.0  # the new end is a real end
    assert ledger.settle(r, 0.3, now=NOW + 17) is True  # a settle after it still counts, once
    assert ledger.settle(fresh, 0.3, now=NOW + 17) is False
    assert ledger.snapshot(P, now=NOW + 17)["openai"] == Spend(0.3, 0.0, 1)


def test_renewing_again_and_again_holds_the_money_as_long_as_the_call_runs(ledger: Ledger) -> None:
    r: Reservation | None = ledger.reserve("openai", 1.0, limit=1.0, period=P, lease_seconds=10, now=NOW)
    for k in range(1, 30):
        assert r is not None
        r = ledger.renew(r, lease_seconds=10, now=NOW + 5 * k)
        with pytest.raises(BudgetExceededError):
            ledger.reserve("openai", 0.01, limit=1.0, period=P, now=NOW + 5 * k + 4)
    assert r is not None
    ledger.settle(r, 0.25, now=NOW + 200)
    assert ledger.snapshot(P, now=NOW + 200)["openai"] == Spend(0.25, 0.0, 1)


def test_a_renewal_never_shortens_a_lease(ledger: Ledger) -> None:
    r = ledger.reserve("openai", 1.0, limit=1.0, period=P, lease_seconds=100, now=NOW)
    fresh = ledger.renew(r, lease_seconds=10, now=NOW + 1)
    assert fresh is not None
    assert fresh.expires_at == NOW + 100
    with pytest.raises(BudgetExceededError):
        ledger.reserve("openai", 0.5, limit=1.0, period=P, now=NOW + 50)


def test_a_lapsed_lease_is_not_revived_and_still_settles_once(ledger: Ledger) -> None:
    lapsed = ledger.reserve("openai", 0.4, limit=1.0, period=P, lease_seconds=10, now=NOW)
    assert ledger.renew(lapsed, lease_seconds=10, now=NOW + 10) is None  # it ends at NOW + 10 exactly
    taken = ledger.reserve("openai", 0.6, limit=1.0, period=P, lease_seconds=60, now=NOW + 11)
    assert ledger.renew(lapsed, lease_seconds=10, now=NOW + 12) is None
    assert ledger.snapshot(P, now=NOW + 12)["openai"].reserved == 0.6
    assert ledger.settle(lapsed, 0.4, now=NOW + 13) is True
    assert ledger.snapshot(P, now=NOW + 13)["openai"] == Spend(0.4, 0.6, 1)
    ledger.release(taken)


def test_a_settled_released_or_unknown_reservation_is_not_renewed(ledger: Ledger) -> None:
    settled = ledger.reserve("openai", 0.2, limit=1.0, period=P, now=NOW)
    ledger.settle(settled, 0.2, now=NOW)
    released = ledger.reserve("openai", 0.3, limit=1.0, period=P, now=NOW)
    ledger.release(released)
    unknown = Reservation("0" * 24, "openai", P, 0.5, NOW + 300)
    elsewhere = Reservation(released.id, "ollama_cloud", P, 0.3, NOW + 300)
    for r in (settled, released, unknown, elsewhere):
        assert ledger.renew(r, lease_seconds=60, now=NOW + 1) is None
    assert ledger.snapshot(P, now=NOW + 1)["openai"] == Spend(0.2, 0.0, 1)


def test_a_non_positive_lease_is_refused(ledger: Ledger) -> None:
    r = ledger.reserve("openai", 0.2, limit=1.0, period=P, now=NOW)
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="lease_seconds"):
            ledger.renew(r, lease_seconds=bad, now=NOW)


# -- the three backends agree on any sequence of reserve, renew, settle and release ----------

_OPS = st.lists(
    st.tuples(
        st.sampled_from(["reserve", "renew", "settle", "release"]),
        st.integers(0, 5),  # which reservation (modulo those made)
        st.integers(1, 40),  # amount in cents, or lease seconds for a renewal
        st.integers(0, 15),  # seconds that pass before the step
    ),
    min_size=1,
    max_size=30,
)


def _apply(led: Ledger, ops: list[tuple[str, int, int, int]]) -> list[Any]:
    seen: list[Any] = []
    made: list[Reservation] = []
    now = NOW
    for op, which, size, wait in ops:
        now += wait
        if op == "reserve" or not made:
            try:
                made.append(led.reserve("openai", size / 100, limit=1.0, period=P, lease_seconds=20, now=now))
                seen.append("ok")
            except BudgetExceededError:
                seen.append("exceeded")
            continue
        r = made[which % len(made)]
        if op == "renew":
            fresh = led.renew(r, lease_seconds=size, now=now)
            seen.append(None if fresh is None else fresh.expires_at - NOW)
        elif op == "settle":
            seen.append(led.settle(r, size / 200, now=now))
        else:
            led.release(r)
            seen.append("released")
        seen.append(led.snapshot(P, now=now).get("openai") or Spend())  # an empty account may be absent
    return seen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_every_backend_gives_the_same_answers(
    ops: list[tuple[str, int, int, int]], redis_url: str, tmp_path: Path
) -> None:
    name = uuid.uuid4().hex
    with (
        MemoryLedger() as memory,
        SQLiteLedger(tmp_path / f"{name}.db") as sqlite,
        open_ledger(redis_url, namespace=name) as shared,
    ):
        expected = _apply(memory, ops)
        assert _apply(sqlite, ops) == expected
        assert _apply(shared, ops) == expected


# -- a renewal that waited must not revive a lease that lapsed while it waited ----------------------


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_renewal_that_waited_for_the_lock_does_not_revive_a_lapsed_lease(kind: str, tmp_path: Path) -> None:
    """The keeper's renewal waits for the ledger's lock (another thread settling, a busy file).

    Had it read the clock before waiting, a lease that lapsed meanwhile, whose
    headroom another caller took, would count again: spent + reserved past the cap.
    """
    import threading
    import time

    from langchain_aegis.budget.memory import MemoryLedger

    ledger: Any = MemoryLedger() if kind == "memory" else SQLiteLedger(tmp_path / "ledger.db")
    lease = 0.5
    held = ledger.reserve("openai", 0.6, limit=1.0, period=P, lease_seconds=lease)
    results: list[Reservation | None] = []
    ledger._lock.acquire()  # another thread inside the ledger
    renewing = threading.Thread(target=lambda: results.append(ledger.renew(held, lease_seconds=lease)))
    renewing.start()
    time.sleep(lease + 0.3)  # the renewal waits; the lease lapses
    ledger._lock.release()
    renewing.join(10)
    other = ledger.reserve("openai", 0.6, limit=1.0, period=P, lease_seconds=60)  # its headroom, taken
    assert results == [None]
    assert ledger.snapshot(P)["openai"].reserved == pytest.approx(0.6)
    ledger.release(other)
    ledger.close()


def test_a_late_redis_renewal_cannot_revive_a_lease_another_reserve_left_out(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A renewal whose clock was read long before it ran (here 8 s stale) still finds nothing to revive.

    The reserve that left the lapsed lease out of its count swept it out of the
    ledger in the same script, so the renewal finds no lease.
    """
    import time

    led = open_ledger(redis_url)
    real = time.time
    r = led.reserve("openai", 0.6, limit=1.0, period=P, lease_seconds=5, now=real() - 10)
    other = led.reserve("openai", 0.6, limit=1.0, period=P, lease_seconds=60)  # another replica, now: r left out
    monkeypatch.setattr(time, "time", lambda: real() - 8)  # to this clock, r's lease still runs
    assert led.renew(r, lease_seconds=5) is None
    monkeypatch.undo()
    assert led.snapshot(P)["openai"].reserved == pytest.approx(0.6)
    led.release(other)
    led.close()
