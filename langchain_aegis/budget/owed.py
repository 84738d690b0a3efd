"""Settlements this process journaled while the ledger was down, counted against their caps until replayed.

A settlement the ledger could not take waits in the journal. Its reservation
stays in the ledger only until its lease ends: if the ledger comes back after
that, the headroom the lease held is free again, and a call admitted before
the journal is replayed could take it, so that the replay later passes the
cap. :class:`Owed` closes that gap for the process that journaled: admission
subtracts what is owed from the cap, and a reservation made while a new
settlement was being journaled is checked again. It must not touch the ledger
or the journal itself; the accounting passes it what to read and write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

__all__ = ["Owed"]


class Owed:
    """Dollars per provider that this process settled into the journal and has not replayed yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by: dict[str, float] = {}
        self._version: dict[str, int] = {}

    def record(self, append: Callable[[], None], provider: str, dollars: float) -> None:
        """Run ``append`` (the journal write) and count ``dollars`` as owed, as one step."""
        with self._lock:
            append()
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

    def snapshot(self, provider: str) -> tuple[float, int]:
        """What ``provider`` is owed now, and a version that changes when that amount changes."""
        with self._lock:
            return self._by.get(provider, 0.0), self._version.get(provider, 0)

    def grew_since(self, provider: str, version: int) -> bool:
        """Whether a settlement for ``provider`` was journaled after :meth:`snapshot` gave ``version``."""
        with self._lock:
            return self._version.get(provider, 0) != version

    @staticmethod
    def cap(limit: float | None, owed: float) -> float | None:
        """The limit a new reservation is admitted against: the cap less what is owed."""
        return None if limit is None else max(0.0, limit - owed)
