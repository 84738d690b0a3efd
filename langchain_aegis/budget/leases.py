"""Keep the leases of this process's open reservations alive in the ledger while their calls run.

A reservation holds its money against the cap only until its lease ends
(``budgets.lease_seconds``), so that a process that dies does not hold it
forever. A live process can hold a reservation longer than that: a stream
whose caller stopped reading for a while, a settlement waiting on a busy
executor. Without renewal the ledger stops counting the money at the lease's
end, and another replica sharing the ledger may spend it, so the late
settlement passes the cap. (This process itself still counts it:
:class:`~langchain_aegis.budget.owed.Owed`.)

:class:`LeaseKeeper` closes that gap across replicas, the way a lock service
keeps a session alive with heartbeats: a daemon thread renews every open
reservation once a third of its lease has passed
(:meth:`~langchain_aegis.budget.ledger.Ledger.renew`), so the ledger counts it
until it is settled or released. A process that dies stops renewing, and its
leases end as before. A renewal the ledger cannot take now is tried again at
the next wake; a lease that lapsed anyway is not revived (its headroom may be
spent already), and is left to :class:`~langchain_aegis.budget.owed.Owed`.

The thread runs only while reservations are open: it starts with the first one
and ends at a wake that finds none. It is a thread, not a task, because a
paused stream leaves no event loop running on its behalf, and a sync caller has none.

Two rules keep it from deadlocking with the event loops that reserve and
settle. A sync stream collected by the garbage collector closes itself on an
event loop and waits for it (``_sync.iterate_sync``), in whatever thread the
collection ran. So no thread that runs a loop may wait for the keeper's
thread: it is started without waiting for it to run (``_thread``, not
``threading.Thread.start``, which waited for a thread that was collecting such
a stream on the very loop that was starting it). And the keeper's lock guards
single dictionary operations only, so a collection (and such a close) while
it is held is as unlikely as it can be made: on CPython 3.11 those operations
allocate nothing the collector counts; 3.12 and later may collect at any call,
so there the window is a few bytecodes, as for every other lock a loop shares
with a thread (the ledgers' own). A reservation is renewed for a day at most
(:data:`MAX_HOLD_SECONDS`): one held longer is a stream kept but never read
or closed, and is left to lapse. A process forked while the keeper runs
starts afresh in the child (its parent's reservations are not its own).

It must not decide limits or prices, nor touch the journal: the accounting
gives it the renewal call and is told of each renewal.
"""

from __future__ import annotations

import _thread
import logging
import threading
import time
from collections.abc import Callable

from langchain_aegis._fork import start_afresh_after_fork
from langchain_aegis.budget.ledger import EXPIRED_GRACE_SECONDS, Reservation
from langchain_aegis.errors import LedgerUnavailableError

__all__ = ["MAX_HOLD_SECONDS", "LeaseKeeper"]

logger = logging.getLogger("langchain_aegis")

_RENEW_AFTER = 1 / 3
"""Share of a lease after which it is renewed: two more tries remain before it would lapse."""

MAX_HOLD_SECONDS = int(EXPIRED_GRACE_SECONDS)
"""How long a reservation is renewed at most (a day, as long as the ledgers remember an expired lease)."""

_WAKES_PER_LEASE = 6
"""Wakes of the renewing thread per lease: each lease is renewed within half of it."""


class LeaseKeeper:
    """Renews the ledger leases of reservations this process holds open, from a daemon thread.

    Args:
        renew: ``renew(reservation, now)``: the ledger's
            :meth:`~langchain_aegis.budget.ledger.Ledger.renew` with this config's lease.
        lease_seconds: the length of every lease it keeps (``budgets.lease_seconds``).
        clock: wall-clock seconds, the accounting's (injectable for tests).
        on_renewed: told of each renewed reservation, with its new ``expires_at``.
    """

    def __init__(
        self,
        renew: Callable[[Reservation, float], Reservation | None],
        *,
        lease_seconds: float,
        clock: Callable[[], float],
        on_renewed: Callable[[Reservation], None] | None = None,
    ) -> None:
        self._renew = renew
        self.lease_seconds = lease_seconds
        self.clock = clock
        self._on_renewed = on_renewed
        self.interval = max(lease_seconds / _WAKES_PER_LEASE, 0.01)
        self._lock = threading.Lock()  # around single dict operations only (see the module's docstring)
        self._open: dict[str, Reservation] = {}
        self._since: dict[str, float] = {}  # id -> when it was opened (the accounting's clock)
        self._running = False
        start_afresh_after_fork(self)

    def opened(self, reservation: Reservation) -> None:
        """Keep ``reservation``'s lease alive until :meth:`closed`, or until the ledger no longer holds it."""
        self._since[reservation.id] = self.clock()
        with self._lock:
            self._open[reservation.id] = reservation
            start = not self._running
            self._running = True
        if start:
            try:
                # Not threading.Thread.start(): it waits until the new thread runs (see the module's docstring).
                _thread.start_new_thread(self._run, ())
            except RuntimeError as exc:  # no thread now (a thread limit): the lease lapses as before renewal
                with self._lock:
                    self._running = False  # so the next reservation tries again
                logger.warning("aegis: cannot start the thread that renews leases: %s", exc)

    def closed(self, reservation: Reservation) -> None:
        """The reservation was settled or released in the ledger: stop renewing it."""
        with self._lock:
            self._open.pop(reservation.id, None)
        self._since.pop(reservation.id, None)

    def after_fork_in_child(self) -> None:
        """Start afresh in a forked child: its parent's thread and reservations are not its own.

        A new lock too: the parent's thread may have held it at the fork, and no thread here releases it.
        """
        self._open, self._since, self._running, self._lock = {}, {}, False, threading.Lock()

    def held(self) -> list[Reservation]:
        """The reservations being kept, each with the lease end the ledger last confirmed."""
        return list(self._open.copy().values())  # dict.copy() is one step under the GIL: no lock needed

    @property
    def running(self) -> bool:
        """Whether the renewing thread is running (it ends at a wake that finds nothing open)."""
        return self._running

    def renew_due(self) -> int:
        """Renew every kept lease past a third of its length, now; how many the ledger renewed."""
        now = self.clock()
        threshold = now + self.lease_seconds * (1 - _RENEW_AFTER)
        due = [r for r in self._open.copy().values() if r.expires_at < threshold]
        count = 0
        for reservation in due:
            if now - self._since.get(reservation.id, now) > MAX_HOLD_SECONDS:
                self._give_up(reservation)
                continue
            try:
                # The clock is read for each renewal: earlier ones of this wake may have been slow (a
                # locked file), and a lease that lapsed meanwhile must be judged at the time it is renewed.
                fresh = self._renew(reservation, self.clock())
            except LedgerUnavailableError as exc:
                # The next wake tries again; if the lease lapses first, Owed counts it in this process.
                logger.debug("aegis: cannot renew a lease for %r now: %s", reservation.provider, exc)
                continue
            except Exception:  # one reservation's odd failure must not keep the others from renewal
                logger.exception("aegis: renewing reservation leases failed (a lease for %r)", reservation.provider)
                continue
            with self._lock:
                kept = reservation.id in self._open  # else settled or released meanwhile: nothing to keep
                if kept and fresh is None:
                    del self._open[reservation.id]  # lapsed, or gone from the ledger
                elif kept and fresh is not None:
                    self._open[reservation.id] = fresh
            if kept and fresh is not None:
                if self._on_renewed is not None:
                    self._on_renewed(fresh)
                count += 1
        return count

    def _give_up(self, reservation: Reservation) -> None:
        # Held for a day: a stream kept but never read or closed (a leak), or a settlement that
        # could not be journaled. Its lease lapses; this process goes on counting it for a day
        # more (budget/owed.py), as it did before leases were renewed.
        with self._lock:
            self._open.pop(reservation.id, None)
        self._since.pop(reservation.id, None)
        logger.warning(
            "aegis: a reservation of $%.6f for %r has been held for more than %d hours and is no longer renewed "
            "(a stream that is never read to its end or closed?)",
            reservation.amount,
            reservation.provider,
            MAX_HOLD_SECONDS // 3600,
        )

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            with self._lock:
                if not self._open:
                    self._running = False
                    return
            try:
                self.renew_due()
            except Exception:  # a renewal must never end the thread that keeps the others alive
                logger.exception("aegis: renewing reservation leases failed")
