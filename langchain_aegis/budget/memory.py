"""An in-process ledger: a dict behind a lock.

Right for one process (a notebook, a single worker, tests). Nothing survives
a restart and other processes do not see it; use SQLite or Redis for that.

It must not be used where several processes share a budget, and it must not
touch disk.
"""

from __future__ import annotations

import heapq
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_aegis.budget.ledger import (
    EXPIRED_GRACE_SECONDS,
    Ledger,
    Reservation,
    Spend,
    check_reserve_args,
    exceeded,
    new_reservation,
    renewed,
    to_dollars,
    to_units,
)

__all__ = ["MemoryLedger"]


@dataclass(slots=True)
class _Account:
    """One provider's money in one period, in nanodollars."""

    spent: int = 0
    count: int = 0
    reserved: int = 0
    leases: dict[str, int] = field(default_factory=dict)
    ends: dict[str, float] = field(default_factory=dict)  # id -> when its live lease ends (renewal moves it)
    # (expires_at, id) for every lease ever granted or renewed; ids no longer live, and the
    # entries a renewal superseded, are skipped when popped.
    expiries: list[tuple[float, str]] = field(default_factory=list)
    # Leases that expired unsettled, in expiry order, so a late settle still counts once.
    expired: dict[str, float] = field(default_factory=dict)

    def sweep(self, now: float) -> None:
        """Stop counting leases that expired by ``now``; forget very old ones."""
        while self.expiries and self.expiries[0][0] <= now:
            expires_at, rid = heapq.heappop(self.expiries)
            if self.ends.get(rid, expires_at) > expires_at:
                continue  # renewed: a later entry ends it
            self.ends.pop(rid, None)
            units = self.leases.pop(rid, None)
            if units is not None:
                self.reserved -= units
                self.expired[rid] = expires_at
        horizon = now - EXPIRED_GRACE_SECONDS
        while self.expired:
            rid, expires_at = next(iter(self.expired.items()))
            if expires_at >= horizon:
                break
            del self.expired[rid]

    def drop(self, rid: str) -> bool:
        """Remove a lease, live or expired; whether it was there."""
        units = self.leases.pop(rid, None)
        if units is not None:
            self.ends.pop(rid, None)
            self.reserved -= units
            return True
        return self.expired.pop(rid, None) is not None


class MemoryLedger(Ledger):
    """A ledger in this process's memory. Thread-safe; async methods never block."""

    def __init__(self) -> None:
        """Start with no spend."""
        self._lock = threading.Lock()
        self._accounts: dict[tuple[str, str], _Account] = {}
        self._state: dict[str, str] = {}
        self._recorded: set[str] = set()

    def reserve(
        self,
        provider: str,
        amount: float,
        *,
        limit: float | None,
        period: str,
        lease_seconds: float = 300.0,
        now: float | None = None,
    ) -> Reservation:
        """See :meth:`Ledger.reserve`."""
        r, now = new_reservation(provider, amount, period, lease_seconds, now)
        units = to_units(amount)
        with self._lock:
            account = self._accounts.setdefault((provider, period), _Account())
            account.sweep(now)
            if limit is not None and account.spent + account.reserved + units > to_units(limit):
                raise exceeded(provider, limit, account.spent, account.reserved, period)
            account.leases[r.id] = units
            account.ends[r.id] = r.expires_at
            account.reserved += units
            heapq.heappush(account.expiries, (r.expires_at, r.id))
        return r

    def settle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.settle`."""
        now = time.time() if now is None else now
        with self._lock:
            account = self._accounts.setdefault((reservation.provider, reservation.period), _Account())
            account.sweep(now)
            if not account.drop(reservation.id):
                return False
            account.spent += to_units(actual_cost)
            account.count += 1
            return True

    def record_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.record_once`."""
        now = time.time() if now is None else now
        with self._lock:
            if reservation.id in self._recorded:
                return False
            self._recorded.add(reservation.id)
            account = self._accounts.setdefault((reservation.provider, reservation.period), _Account())
            account.sweep(now)
            account.drop(reservation.id)
            account.spent += to_units(actual_cost)
            account.count += 1
            return True

    def renew(self, reservation: Reservation, *, lease_seconds: float, now: float | None = None) -> Reservation | None:
        """See :meth:`Ledger.renew`."""
        check_reserve_args(0.0, lease_seconds)
        with self._lock:
            now = time.time() if now is None else now  # read under the lock: see Ledger.renew
            account = self._accounts.get((reservation.provider, reservation.period))
            if account is None:
                return None
            account.sweep(now)
            end = account.ends.get(reservation.id)
            if end is None:
                return None
            if now + lease_seconds > end:
                end = account.ends[reservation.id] = now + lease_seconds
                heapq.heappush(account.expiries, (end, reservation.id))
            return renewed(reservation, end)

    def release(self, reservation: Reservation) -> None:
        """See :meth:`Ledger.release`."""
        with self._lock:
            account = self._accounts.get((reservation.provider, reservation.period))
            if account is not None:
                account.drop(reservation.id)

    def snapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """See :meth:`Ledger.snapshot`."""
        now = time.time() if now is None else now
        with self._lock:
            result = {}
            for (provider, account_period), account in self._accounts.items():
                if account_period == period:
                    account.sweep(now)
                    result[provider] = Spend(to_dollars(account.spent), to_dollars(account.reserved), account.count)
            return result

    def get_state(self, key: str) -> dict[str, Any] | None:
        """See :meth:`Ledger.get_state`."""
        with self._lock:
            raw = self._state.get(key)
        # Stored as JSON so callers get a fresh copy and the same types as the shared backends.
        return None if raw is None else dict(json.loads(raw))

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """See :meth:`Ledger.put_state`."""
        raw = json.dumps(value)
        with self._lock:
            self._state[key] = raw
