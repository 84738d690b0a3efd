"""Attacks on lease renewal (0.4.0): each test is a way the money guarantee or the keeper's promises broke."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.leases import LeaseKeeper
from langchain_aegis.budget.ledger import Ledger, Reservation, renewed
from langchain_aegis.budget.memory import MemoryLedger
from tests.unit_tests.budget.conftest import priced_config

T0 = 1_800_000_000.0
P = "2027-01"
LEASE = 30.0


def test_a_reservation_cancelled_before_its_caller_got_it_is_not_renewed_for_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """areserve awaits the journal replay after the keeper took the reservation; a cancel there loses it.

    Nothing would ever settle or release it (the dispatcher never got it), so
    the keeper renewed it for as long as the process lived: its money was held
    from every replica for good. Before renewal it lapsed after one lease.
    """
    clock = [T0]
    ledger = MemoryLedger()
    accounting = LedgerAccounting(priced_config(tmp_path, lease=LEASE), ledger, clock=lambda: clock[0])
    accounting.leases.interval = 3600.0  # the test renews by hand
    # Another ledger's journaled settlement: the journal is never empty, so reserves replay now and then.
    other = MemoryLedger()
    accounting.journal.append("settle", other, Reservation("x", "openai", P, 0.1, T0), 0.1)
    entered, leave = threading.Event(), threading.Event()
    replay = accounting.journal.replay

    def slow_replay(led: Ledger, *, now: float | None = None) -> int:
        entered.set()
        leave.wait(10)
        return replay(led, now=now)

    monkeypatch.setattr(accounting.journal, "replay", slow_replay)

    async def scenario() -> None:
        task = asyncio.ensure_future(accounting.areserve("openai", 6, 1))
        await asyncio.to_thread(entered.wait, 10)
        task.cancel()  # e.g. asyncio.wait_for's timeout on the call
        leave.set()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    period = accounting._period(T0)
    for step in range(1, 20):  # the keeper's wakes over many leases
        clock[0] = T0 + step * LEASE / 2
        accounting.leases.renew_due()
    assert ledger.snapshot(period, now=clock[0])["openai"].reserved == 0.0, "a lost reservation is held for good"
    assert accounting.leases.held() == []


def test_one_renewal_failing_unexpectedly_does_not_starve_the_others() -> None:
    """A renewal raising anything but LedgerUnavailableError aborted the whole wake, every wake.

    ``Ledger`` is public API: a third-party backend (or a bug) raising for one
    reservation kept every reservation after it from being renewed, so they all lapsed.
    """
    clock = [T0 + 20.0]
    renewed_ids: list[str] = []

    def renew(r: Reservation, now: float) -> Reservation | None:
        if r.id == "bad":
            raise RuntimeError("backend bug")
        renewed_ids.append(r.id)
        return renewed(r, now + LEASE)

    keeper = LeaseKeeper(renew, lease_seconds=LEASE, clock=lambda: clock[0])
    keeper.interval = 3600.0
    keeper.opened(Reservation("bad", "openai", P, 0.5, T0 + LEASE))
    keeper.opened(Reservation("good", "openai", P, 0.5, T0 + LEASE))
    with contextlib.suppress(RuntimeError):  # the thread logs it and goes on; was "good" renewed?
        keeper.renew_due()
    assert renewed_ids == ["good"]


def test_a_slow_wake_does_not_revive_a_lease_that_lapsed_during_it(ledger: Ledger) -> None:
    """renew_due read the clock once and passed that ``now`` to every renewal of the wake.

    When earlier renewals are slow (a locked SQLite file waits ``busy_timeout``
    per renewal; a slow Redis), a later lease that lapsed meanwhile was judged
    at the stale ``now``: SQLite revived it, after another replica had taken its headroom.
    """
    clock = [T0]
    slow = ledger.reserve("openai", 0.2, limit=1.0, period=P, lease_seconds=LEASE, now=T0)
    late = ledger.reserve("openai", 0.5, limit=1.0, period=P, lease_seconds=LEASE, now=T0 - 15.0)

    def renew(r: Reservation, now: float) -> Reservation | None:
        if r.id == slow.id:
            clock[0] = T0 + 16.0  # this renewal took 5 s: ``late`` lapsed at T0 + 15
            # Another replica now sees the lapsed headroom and takes it.
            ledger.reserve("openai", 0.5, limit=1.0, period=P, lease_seconds=LEASE, now=clock[0])
        return ledger.renew(r, lease_seconds=LEASE, now=now)

    keeper = LeaseKeeper(renew, lease_seconds=LEASE, clock=lambda: clock[0])
    keeper.interval = 3600.0
    keeper.opened(slow)
    keeper.opened(late)
    clock[0] = T0 + 11.0
    keeper.renew_due()
    spend = ledger.snapshot(P, now=clock[0])["openai"]
    assert spend.spent + spend.reserved <= 1.0 + 1e-9, f"a lapsed lease was revived: {spend}"
    assert [r.id for r in keeper.held()] == [slow.id]


# The fork tests run their scenario in a fresh interpreter: forking the test process itself, with the
# suite's servers, loops and keepers running in other threads, can hang the child on locks that are not
# the subject of the test (fork with threads is unsafe in general; Python 3.12 warns about it).
_FORK_PRELUDE = """
import os, sqlite3, sys, threading, time
from pathlib import Path
from langchain_aegis.budget.leases import LeaseKeeper
from langchain_aegis.budget.ledger import Reservation
from langchain_aegis.budget.sqlite import SQLiteLedger
T0, P, LEASE = 1_800_000_000.0, "2027-01", 30.0

def exit_code(pid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None
"""


def _run_fork_scenario(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    script = _FORK_PRELUDE + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_while_the_keeper_renews_can_use_the_sqlite_ledger(tmp_path: Path) -> None:
    """The keeper's thread holds the SQLite ledger's lock during a renewal; a fork then copied it locked.

    Every ledger call of the child (it reopens its connection after a fork)
    then waited for a lock no thread of the child would ever release.
    """
    done = _run_fork_scenario(
        """
        path = Path(sys.argv[1]) / "ledger.db"
        ledger = SQLiteLedger(path, busy_timeout=3.0)
        r = ledger.reserve("openai", 0.1, limit=1.0, period=P, lease_seconds=LEASE, now=T0)
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process writing: the renewal waits for it
        keeper = LeaseKeeper(
            lambda res, now: ledger.renew(res, lease_seconds=LEASE, now=now), lease_seconds=LEASE,
            clock=lambda: T0 + 20,
        )
        keeper.interval = 3600.0
        keeper.opened(r)
        renewing = threading.Thread(target=keeper.renew_due, daemon=True)
        renewing.start()
        deadline = time.monotonic() + 5
        while not ledger._lock.locked():
            assert time.monotonic() < deadline
            time.sleep(0.001)
        pid = os.fork()
        if pid == 0:  # the child: one ledger call, then out
            code = 1
            try:
                blocker.close()
                ledger.snapshot(P, now=T0 + 20)
                code = 0
            finally:
                os._exit(code)
        blocker.execute("ROLLBACK")
        blocker.close()
        renewing.join(10)
        sys.exit(0 if exit_code(pid, timeout=8.0) == 0 else 3)
        """,
        tmp_path,
    )
    assert done.returncode == 0, f"the forked child hung on the ledger's lock: {done.stderr[-2000:]}"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_while_the_keeper_holds_its_lock_can_reserve(tmp_path: Path) -> None:
    """``opened`` in a forked child reset the keeper's state but took the lock copied from the parent.

    If the keeper's thread held it at the fork (it does, briefly, at every
    wake), the child's first reservation hung forever.
    """
    done = _run_fork_scenario(
        """
        keeper = LeaseKeeper(lambda res, now: None, lease_seconds=LEASE, clock=lambda: T0)
        keeper.interval = 3600.0
        keeper.opened(Reservation("parent", "openai", P, 0.1, T0 + LEASE))
        keeper._lock.acquire()  # the keeper's thread, caught inside its lock by the fork
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                keeper.opened(Reservation("child", "openai", P, 0.1, T0 + LEASE))
                code = 0 if [x.id for x in keeper.held()] == ["child"] else 2
            finally:
                os._exit(code)
        keeper._lock.release()
        sys.exit(0 if exit_code(pid, timeout=8.0) == 0 else 3)
        """,
        tmp_path,
    )
    assert done.returncode == 0, f"the forked child hung in LeaseKeeper.opened: {done.stderr[-2000:]}"


def test_a_thread_that_could_not_start_is_started_by_the_next_reservation(monkeypatch: pytest.MonkeyPatch) -> None:
    """``start_new_thread`` failing once (a thread limit) left ``running`` set with no thread behind it.

    ``opened`` raised out of ``reserve`` after the ledger had reserved (the
    caller never got the reservation), and no later reservation of this model
    was ever renewed: each one lapsed after one lease.
    """
    import _thread

    real = _thread.start_new_thread
    started: list[object] = []

    def start(function: Callable[[], object], args: tuple[()]) -> int:
        if not started:
            started.append("refused")
            raise RuntimeError("can't start new thread")
        started.append("started")
        return real(function, args)

    monkeypatch.setattr(_thread, "start_new_thread", start)
    keeper = LeaseKeeper(lambda res, now: None, lease_seconds=LEASE, clock=lambda: T0)
    keeper.interval = 0.01
    keeper.opened(Reservation("a", "openai", P, 0.1, T0 + LEASE))  # must not raise out of reserve
    keeper.opened(Reservation("b", "openai", P, 0.1, T0 + LEASE))
    assert started == ["refused", "started"], "no thread renews the leases"
    keeper.closed(Reservation("a", "openai", P, 0.1, T0 + LEASE))
    keeper.closed(Reservation("b", "openai", P, 0.1, T0 + LEASE))


def test_a_sync_reservation_interrupted_before_its_caller_got_it_is_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync twin of the cancelled areserve: a KeyboardInterrupt during the journal replay."""
    ledger = MemoryLedger()
    accounting = LedgerAccounting(priced_config(tmp_path, lease=LEASE), ledger, clock=lambda: T0)
    accounting.leases.interval = 3600.0
    accounting.journal.append("settle", MemoryLedger(), Reservation("x", "openai", P, 0.1, T0), 0.1)

    def interrupted(led: Ledger, *, now: float | None = None) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(accounting.journal, "replay", interrupted)
    with pytest.raises(KeyboardInterrupt):
        accounting.reserve("openai", 6, 1)
    assert ledger.snapshot(accounting._period(T0), now=T0)["openai"].reserved == 0.0
    assert accounting.leases.held() == []


def test_a_reservation_held_for_more_than_a_day_is_no_longer_renewed(caplog: pytest.LogCaptureFixture) -> None:
    """A stream kept but never read or closed (a leak) must not hold its money from every replica for good."""
    from langchain_aegis.budget.leases import MAX_HOLD_SECONDS

    clock = [T0]
    ledger = MemoryLedger()
    keeper = LeaseKeeper(
        lambda r, now: ledger.renew(r, lease_seconds=LEASE, now=now), lease_seconds=LEASE, clock=lambda: clock[0]
    )
    keeper.interval = 3600.0
    r = ledger.reserve("openai", 0.5, limit=1.0, period=P, lease_seconds=LEASE, now=T0)
    keeper.opened(r)
    while clock[0] < T0 + MAX_HOLD_SECONDS - LEASE:  # renewed all day long
        clock[0] += LEASE / 2
        keeper.renew_due()
        assert ledger.snapshot(P, now=clock[0])["openai"].reserved == 0.5
    clock[0] = T0 + MAX_HOLD_SECONDS + LEASE
    with caplog.at_level("WARNING", logger="langchain_aegis"):
        assert keeper.renew_due() == 0
    assert keeper.held() == []
    assert "no longer renewed" in caplog.text
    assert ledger.snapshot(P, now=clock[0] + 2 * LEASE)["openai"].reserved == 0.0
