"""Money this process owes its caps that the ledger no longer sees, counted until it lands.

A reservation holds its headroom in the ledger only until its lease ends.
Two kinds of money can outlive it: a settlement the ledger could not take
(it waits in the journal until the replay), and a request still open when its
lease ends (a settle delayed by a busy executor, a stream closed late by the
garbage collector). Either way the headroom is free again in the ledger, and a
call admitted meanwhile could take it, so that the late settlement passes the
cap. :class:`Owed` closes that gap for the process that holds the money:
admission subtracts from the cap what is journaled and what its open
reservations hold past their leases, and a reservation made while a new
settlement was being journaled is admitted again. It must not touch the
ledger or the journal itself; the accounting passes it what to read and write.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from langchain_aegis.budget.ledger import EXPIRED_GRACE_SECONDS

__all__ = ["Owed", "owed_for"]


class Owed:
    """Dollars per provider that this process settled into the journal and has not replayed yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by: dict[str, float] = {}
        self._version: dict[str, int] = {}
        self._open: dict[str, dict[str, Any]] = {}  # provider -> reservation id -> reservation

    def opened(self, reservation: Any) -> None:
        """A reservation the ledger holds, for this process, until it is settled or released."""
        with self._lock:
            self._open.setdefault(reservation.provider, {})[reservation.id] = reservation

    def closed(self, reservation: Any) -> None:
        """The reservation was settled or released in the ledger (or journaled): it holds nothing here."""
        with self._lock:
            self._open.get(reservation.provider, {}).pop(reservation.id, None)

    def renewed(self, reservation: Any) -> None:
        """The ledger extended an open reservation's lease: it counts there until the new ``expires_at``."""
        with self._lock:  # allocates nothing (it runs on the lease keeper's thread: see budget/leases.py)
            open_ = self._open.get(reservation.provider)
            if open_ is not None and reservation.id in open_:
                open_[reservation.id] = reservation

    def record(self, append: Callable[[], None], provider: str, dollars: float, reservation: Any | None = None) -> None:
        """Run ``append`` (the journal write) and count ``dollars`` as owed, as one step."""
        with self._lock:
            append()
            if reservation is not None:
                self._open.get(provider, {}).pop(reservation.id, None)
            if dollars > 0:
                self._by[provider] = self._by.get(provider, 0.0) + dollars
                self._version[provider] = self._version.get(provider, 0) + 1

    def recount(self, read: Callable[[], Mapping[str, float]]) -> None:
        """Replace the amounts with what ``read`` finds still journaled (after a replay), as one step."""
        with self._lock:
            fresh = {provider: dollars for provider, dollars in read().items() if dollars > 0}
            for provider in set(self._by) | set(fresh):
                if self._by.get(provider, 0.0) != fresh.get(provider, 0.0):
                    self._version[provider] = self._version.get(provider, 0) + 1
            self._by = fresh

    def journaled(self) -> bool:
        """Whether any journaled settlement is still counted."""
        with self._lock:
            return any(dollars > 0 for dollars in self._by.values())

    def snapshot(self, provider: str, now: float = float("-inf"), period: str | None = None) -> tuple[float, int]:
        """What ``provider`` is owed at ``now``, and a version that changes when a settlement is journaled.

        Owed is what is journaled plus what this process's open reservations
        of ``period`` hold past their leases (the ledger stops counting a lease
        at its ``expires_at``; the money stays owed until the settlement
        lands). A reservation left open a day past its lease (as long as the
        ledgers remember expired leases) is dropped: it was never settled.
        """
        with self._lock:
            open_ = self._open.get(provider, {})
            for key in [k for k, r in open_.items() if r.expires_at <= now - EXPIRED_GRACE_SECONDS]:
                del open_[key]
            lapsed = sum(
                r.amount for r in open_.values() if r.expires_at <= now and (period is None or r.period == period)
            )
            return self._by.get(provider, 0.0) + lapsed, self._version.get(provider, 0)

    def grew_since(self, provider: str, version: int) -> bool:
        """Whether a settlement for ``provider`` was journaled after :meth:`snapshot` gave ``version``."""
        with self._lock:
            return self._version.get(provider, 0) != version

    def owes_more(self, provider: str, version: int, owed: float, now: float, period: str) -> bool:
        """Whether more is owed at ``now`` than the ``owed`` (with its ``version``) a reservation was admitted against.

        A settlement journaled since; or a lease of this process that lapsed after the
        admission read its clock, which the ledger may have dropped already (a renewal or
        settle on another thread sweeps at a later clock) while it was not owed yet then.
        """
        return self.grew_since(provider, version) or self.snapshot(provider, now, period)[0] > owed

    @staticmethod
    def cap(limit: float | None, owed: float) -> float | None:
        """The limit a new reservation is admitted against: the cap less what is owed."""
        return None if limit is None else max(0.0, limit - owed)


_BY_LEDGER: weakref.WeakKeyDictionary[Any, dict[str, Owed]] = weakref.WeakKeyDictionary()
_BY_LEDGER_LOCK = threading.Lock()


def owed_for(ledger: Any, journal: str) -> Owed:
    """The one :class:`Owed` of a ledger object and journal file, shared by the models of the process.

    Models opened from the same ``budgets.ledger`` URL share one ledger object
    (:mod:`langchain_aegis.budget.shared`) and, with the same config, one
    journal, so each sees what the others owe.
    """
    with _BY_LEDGER_LOCK:
        by_journal = _BY_LEDGER.setdefault(ledger, {})
        owed = by_journal.get(journal)
        if owed is None:
            owed = by_journal[journal] = Owed()
        return owed
