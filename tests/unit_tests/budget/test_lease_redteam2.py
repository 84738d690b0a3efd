"""Second round of attacks on lease renewal: ways the ledger and Owed together count less than is at stake."""

from __future__ import annotations

import time
import types
from pathlib import Path

import pytest

from langchain_aegis.budget import accounting as accounting_module
from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.ledger import Ledger
from langchain_aegis.budget.owed import Owed
from langchain_aegis.budget.redis import RedisLedger
from langchain_aegis.errors import BudgetExceededError
from tests.unit_tests.budget.conftest import priced_config

P = "2027-01"


def test_a_renewal_at_the_fresh_clock_hides_a_lapse_from_a_reserve_at_the_accounting_now(ledger: Ledger) -> None:
    """A reserve judges leases at the ``now`` it read first; a renewal in between sweeps at a later clock.

    ``LedgerAccounting.reserve`` reads ``now`` once, then (journal replay, the
    Owed snapshot) calls ``ledger.reserve(now=now)``. Meanwhile the lease
    keeper renews another reservation with ``now=None``: the ledger reads the
    wall clock, later, and its sweep (memory, Redis) drops a lease of this
    process that lapsed between the two times. Owed judges that lease at the
    reserve's ``now``, before its end, so it does not count it either: its
    headroom is handed out while its call still runs. (SQLite sums live leases
    at the caller's ``now`` and holds.)
    """
    owed = Owed()
    x = ledger.reserve("openai", 0.6, limit=1.0, period=P, lease_seconds=1.0)  # this process's call, still running
    y = ledger.reserve("openai", 0.0, limit=1.0, period=P, lease_seconds=1.0)  # another one the keeper renews
    owed.opened(x)
    owed.opened(y)
    now = time.time()  # the accounting's now for the next reserve, read before X's lease ends
    assert now < x.expires_at
    while time.time() <= x.expires_at + 0.05:  # the keeper missed X's renewal; it lapses
        time.sleep(0.05)
    ledger.renew(y, lease_seconds=0.5, now=None)  # the keeper's thread, as the accounting calls it
    lapsed, _ = owed.snapshot("openai", now, P)
    with pytest.raises(BudgetExceededError):
        ledger.reserve("openai", 0.6, limit=Owed.cap(1.0, lapsed), period=P, lease_seconds=0.5, now=now)


def test_a_redis_renewal_on_the_server_clock_lapses_a_lease_owed_still_sees_live(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The accounting's wall clock decides leases for Owed and reserve; Redis renewal decides by the server's.

    A replica whose clock lags the Redis server (by 2.5 s here, with 3 s
    leases; the same with 300 s leases and a lag past 200 s, and for any lag
    on a lease the keeper renewed late): the keeper's renewal sweeps the
    lease by server TIME, finds it lapsed, and stops renewing; Owed counts it
    only once the process's own clock reaches its end, and the next reserve
    (client ``now``) no longer sees it in the ledger. A second call is
    admitted into money the first one still holds: the cap is passed.
    """
    lag = 2.5
    skewed = types.SimpleNamespace(time=lambda: time.time() - lag, monotonic=time.monotonic)
    monkeypatch.setattr(accounting_module, "time", skewed)  # this process's wall clock, behind the server's
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
