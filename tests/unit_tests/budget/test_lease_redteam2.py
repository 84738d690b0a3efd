"""Second round of attacks on lease renewal: ways the ledger and Owed together count less than is at stake."""

from __future__ import annotations

import time
import types
from pathlib import Path

import pytest

from langchain_aegis.budget import accounting as accounting_module
from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.ledger import Ledger
from langchain_aegis.budget.redis import RedisLedger
from langchain_aegis.errors import BudgetExceededError
from tests.unit_tests.budget.conftest import priced_config

P = "2027-01"


def test_a_sweep_at_a_later_clock_does_not_hide_a_lapse_from_the_next_reserve(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reserve judges leases at the ``now`` it read first; a renewal in between sweeps at a later clock.

    ``LedgerAccounting.reserve`` reads ``now`` once, then calls
    ``ledger.reserve(now=now)``. Meanwhile the lease keeper renews another
    reservation at a later clock: its sweep (memory, Redis) drops a lease of
    this process that lapsed between the two times, and Owed, asked at ``now``,
    did not count it yet. Its headroom was handed out while its call still ran.
    The accounting now asks Owed again after the ledger admitted, at a later
    clock, and admits again against the lower cap. (SQLite sums live leases at
    the caller's ``now`` and held before.)
    """
    accounting = LedgerAccounting(priced_config(tmp_path, cap=1.0, lease=1.0), ledger)
    accounting.leases.interval = 3600.0  # the keeper missed the first call's renewal (a busy machine)
    first = accounting.reserve("openai", 6, 1)  # $0.60 of $1.00, its call still running
    kept = accounting.reserve("openai", 0, 1)  # another call, whose lease the keeper renews
    assert first is not None
    assert kept is not None
    reserve = ledger.reserve

    def after_a_later_sweep(*args: object, **kwargs: object) -> object:
        while time.time() <= first.expires_at + 0.05:  # the first lease lapses after the accounting read now
            time.sleep(0.02)
        ledger.renew(kept, lease_seconds=1.0)  # the keeper's thread, sweeping at the later clock
        return reserve(*args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(ledger, "reserve", after_a_later_sweep)
        with pytest.raises(BudgetExceededError):
            accounting.reserve("openai", 6, 1)  # $0.60 more: the first call still holds its $0.60
    accounting.settle("openai", first, {"input_tokens": 6, "output_tokens": 0})
    accounting.release(kept)


def test_a_redis_renewal_on_the_server_clock_lapses_a_lease_owed_still_sees_live(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Owed and reserve decide leases by this process's clock; renewal must too (it read the server's once).

    A replica whose clock lags the Redis server (by 2.5 s here, with 3 s
    leases; the same with 300 s leases and a lag past 200 s, and for any lag
    on a lease the keeper renewed late): the keeper's renewal sweeps the
    lease by server TIME, finds it lapsed, and stops renewing; Owed counts it
    only once the process's own clock reaches its end, and the next reserve
    (client ``now``) no longer sees it in the ledger. A second call is
    admitted into money the first one still holds: the cap is passed.
    """
    lag = 2.5
    real = time.time
    skewed = types.SimpleNamespace(time=lambda: real() - lag, monotonic=time.monotonic)
    monkeypatch.setattr(accounting_module, "time", skewed)  # this process's wall clock, behind the server's
    monkeypatch.setattr(time, "time", skewed.time)  # the Redis ledger reads the same clock as the process
    ledger = RedisLedger.from_url(redis_url)
    with ledger:
        accounting = LedgerAccounting(priced_config(tmp_path, cap=1.0, lease=3.0), ledger, clock=skewed.time)
        accounting.leases.interval = 3600.0  # the test runs the keeper's wake by hand
        first = accounting.reserve("openai", 6, 1)  # $0.60 of $1.00
        assert first is not None
        time.sleep(1.2)  # past a third of the lease: the keeper's next wake renews it
        accounting.leases.renew_due()
        try:
            second = accounting.reserve("openai", 6, 1)  # must not fit: $0.60 is still held by the first
        except BudgetExceededError:
            second = None
        accounting.settle("openai", first, {"input_tokens": 6, "output_tokens": 1})
        if second is not None:
            accounting.settle("openai", second, {"input_tokens": 6, "output_tokens": 1})
        spent = ledger.snapshot(accounting._period(skewed.time())).get("openai")
        assert spent is not None
        assert spent.spent <= 1.0 + 1e-9, f"spent ${spent.spent:.2f} of a $1.00 cap"
