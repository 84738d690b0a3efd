"""The spend ledger: the interface every backend implements (opened by :mod:`~langchain_aegis.budget.backends`).

A ledger keeps one account per provider and budget period: the dollars spent,
the number of settled calls, and the reservations still open. A call goes
through it in two steps::

    reservation = ledger.reserve("openai", worst_case, limit=80.0, period="2026-11", lease_seconds=300)
    try:
        result = call_the_provider()
    except Exception:
        ledger.release(reservation)          # nothing was spent
        raise
    ledger.settle(reservation, actual_cost)  # the reservation becomes spend

``reserve`` is one atomic check-and-reserve in every backend, so concurrent
callers (tasks, threads, processes, replicas sharing Redis) can never commit
more than the limit between them. Each reservation carries a lease: if the
process holding it dies, the reservation stops counting once the lease
expires, and the budget is whole again without any cleanup job.

Amounts are kept internally as integer nanodollars, so the check
``spent + reserved + amount <= limit`` is exact: a hundred reservations of
$0.01 fit a $1.00 limit in every backend, with no float rounding to argue
about. Nanodollars stay exact up to about $9 million per account.

Accounts live in a namespace (``budgets.namespace``; by default derived from
the config file's path), so two unrelated configs on one machine never share
a budget, breaker state or rollout state.

A backend failure (Redis down or paused, a locked, read-only or full SQLite
file, a disk I/O error, a timeout) is raised as
:class:`~langchain_aegis.errors.LedgerUnavailableError`, never as the
backend's own exception; a failed write leaves nothing half-written.

Backends: :mod:`~langchain_aegis.budget.memory` (one process),
:mod:`~langchain_aegis.budget.sqlite` (several processes on one machine),
:mod:`~langchain_aegis.budget.redis` (several machines).

This module owns the interface, the nanodollar units and the reservation
records; it must not know config, prices or providers: callers pass amounts,
limits and periods.
"""

from __future__ import annotations

import os
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from langchain_aegis.errors import BudgetExceededError, LedgerUnavailableError

__all__ = [
    "DEFAULT_NAMESPACE",
    "Ledger",
    "Reservation",
    "Spend",
    "default_journal_path",
    "default_sqlite_path",
    "ledger_faults",
]

UNITS_PER_DOLLAR = 1_000_000_000
"""Nanodollars: the integer unit every backend stores."""

DEFAULT_NAMESPACE = "default"
"""The namespace of a ledger opened without one (a config built in code)."""

EXPIRED_GRACE_SECONDS = 86_400.0
"""How long an expired lease is remembered, so that a very late ``settle`` still counts once."""


def to_units(dollars: float) -> int:
    """Dollars to integer nanodollars."""
    return round(dollars * UNITS_PER_DOLLAR)


def to_dollars(units: int | float) -> float:
    """Integer nanodollars to dollars."""
    return units / UNITS_PER_DOLLAR


def new_reservation_id() -> str:
    """A random, unguessable reservation id (96 bits)."""
    return secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class Reservation:
    """Money held for one call until it is settled or released.

    Attributes:
        id: unique within the ledger.
        provider: the provider whose budget holds it.
        period: the budget period it counts in.
        amount: USD held (the call's worst-case cost).
        expires_at: Unix time after which it stops counting.
    """

    id: str
    provider: str
    period: str
    amount: float
    expires_at: float


@dataclass(frozen=True, slots=True)
class Spend:
    """One provider's account in one period.

    Attributes:
        spent: USD settled.
        reserved: USD held by unexpired reservations.
        count: settled calls.
    """

    spent: float = 0.0
    reserved: float = 0.0
    count: int = 0


def check_reserve_args(amount: float, lease_seconds: float) -> None:
    """Reject amounts and leases no backend can honour.

    Raises:
        ValueError: a negative amount or a non-positive lease.
    """
    if not amount >= 0:  # also catches NaN
        raise ValueError(f"reservation amount must be >= 0, got {amount!r}")
    if not lease_seconds > 0:
        raise ValueError(f"lease_seconds must be > 0, got {lease_seconds!r}")


def new_reservation(
    provider: str, amount: float, period: str, lease_seconds: float, now: float | None
) -> tuple[Reservation, float]:
    """Check a reservation request and give it an id and a lease; every backend starts here.

    Returns:
        The reservation and the time it was made (``now``, or the wall clock).
    """
    check_reserve_args(amount, lease_seconds)
    now = time.time() if now is None else now
    return Reservation(new_reservation_id(), provider, period, amount, now + lease_seconds), now


def renewed(reservation: Reservation, expires_at: float) -> Reservation:
    """``reservation`` with the lease end a backend's :meth:`Ledger.renew` stored."""
    return replace(reservation, expires_at=expires_at)


def exceeded(provider: str, limit: float, spent_units: int, reserved_units: int, period: str) -> BudgetExceededError:
    """The error for a reservation that did not fit, in dollars."""
    return BudgetExceededError(provider, limit, to_dollars(spent_units), period, to_dollars(reserved_units))


@contextmanager
def ledger_faults(url: str, operation: str, faults: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Raise a backend failure inside the block as :class:`LedgerUnavailableError`.

    Args:
        url: the ledger URL, for the message (its password is masked).
        operation: what the block does (``reserve``, ``settle``, ...).
        faults: the backend's exception types; ``OSError`` and ``TimeoutError`` always count.
    """
    caught: tuple[type[BaseException], ...] = (*faults, OSError, TimeoutError)
    try:
        yield
    except LedgerUnavailableError:
        raise
    except caught as exc:
        raise LedgerUnavailableError(url, operation, exc) from exc


class Ledger(ABC):
    """Where budgets are enforced and spend is recorded.

    Every method that takes ``now`` reads the wall clock (``time.time()``) when
    it is omitted; pass it to test expiry without sleeping. Wall-clock time is
    used, not a monotonic clock, because leases are shared between processes
    and machines.

    The async twins (``areserve``, ...) run the sync method directly unless a
    backend has I/O that can wait: Redis has real async calls, SQLite runs its
    work on a thread (a lock held by another process must not stop the loop).

    Attributes:
        url: the URL it was opened from (may hold a password: mask before showing).
        namespace: the accounts this ledger reads and writes.
    """

    url: str = "memory://"
    namespace: str = DEFAULT_NAMESPACE

    @abstractmethod
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
        """Hold ``amount`` against a provider's budget, atomically.

        Succeeds only if ``spent + unexpired reservations + amount <= limit``.

        Args:
            provider: the configured provider name.
            amount: USD to hold, usually the call's worst-case cost.
            limit: the period's cap in USD; ``None`` means unlimited, but the
                reservation and later spend are still recorded.
            period: the budget period, e.g. ``"2026-11"``.
            lease_seconds: how long the reservation counts if never settled.
            now: Unix time.

        Returns:
            The reservation, to pass to :meth:`settle` or :meth:`release`.

        Raises:
            BudgetExceededError: the amount does not fit.
            ValueError: a negative amount or non-positive lease.
        """

    @abstractmethod
    def settle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """Turn a reservation into spend.

        Removes the reservation and adds ``actual_cost`` (which may be more or
        less than was reserved) to the account. Idempotent: a second settle of
        the same reservation, or a settle after :meth:`release`, does nothing.
        A settle after the lease expired still adds the cost once, since the
        money was spent; leases expired for more than a day are forgotten.

        Args:
            reservation: from :meth:`reserve`.
            actual_cost: USD the call really cost.
            now: Unix time.

        Returns:
            ``True`` if this call added the spend, ``False`` if it was a repeat.
        """

    @abstractmethod
    def record_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """Add a settlement that may have no lease in the ledger, at most once per reservation id.

        Used to replay settlements written to the local journal while the
        ledger was unavailable: a lease still there (live or expired) is
        settled as :meth:`settle` would; a reservation the ledger never saw
        (made while it was down, under ``on_ledger_error: allow``) is added
        and its id remembered, so a second replay adds nothing.

        Returns:
            ``True`` if this call added the spend.
        """

    @abstractmethod
    def release(self, reservation: Reservation) -> None:
        """Drop a reservation without spending (the call failed). Idempotent."""

    def renew(self, reservation: Reservation, *, lease_seconds: float, now: float | None = None) -> Reservation | None:
        """Extend a live reservation's lease to ``now + lease_seconds`` (never shortening it), atomically.

        Keeps the money of a call still in flight (a stream its caller paused)
        counted against the cap by every process that shares the ledger; see
        :class:`~langchain_aegis.budget.leases.LeaseKeeper`. A lease that already
        lapsed is not revived: others may have taken its headroom meanwhile.

        This base implementation renews nothing (a ledger written before
        renewal existed): its leases simply lapse as before.

        Args:
            reservation: from :meth:`reserve`.
            lease_seconds: the new lease, from ``now``.
            now: Unix time; omit it to have the ledger read the clock as late as
                it can (SQLite: inside its transaction). A renewal that waited (a
                busy lock) must not revive a lease that lapsed meanwhile, after
                another caller left it out; memory and Redis remove a lease when a
                reserve leaves it out, so there a late renewal finds none.

        Returns:
            The reservation with its new ``expires_at``, or ``None`` when the
            ledger no longer holds it live (settled, released, lapsed, unknown).

        Raises:
            LedgerUnavailableError: the ledger cannot be reached.
            ValueError: a non-positive lease.
        """
        check_reserve_args(0.0, lease_seconds)
        return None

    @abstractmethod
    def snapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """Every provider's account in a period.

        Args:
            period: the budget period.
            now: Unix time; reservations expired by then are not counted.

        Returns:
            Provider name to its :class:`Spend`; providers never used are absent.
        """

    @abstractmethod
    def get_state(self, key: str) -> dict[str, Any] | None:
        """A small JSON object shared through the ledger (rollout, breakers), or ``None``."""

    @abstractmethod
    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Store a small JSON-serialisable object under ``key``, replacing any old one."""

    def record(self, provider: str, amount: float, *, period: str, now: float | None = None) -> None:
        """Add spend that had no reservation (a call made outside the router).

        Args:
            provider: the provider name.
            amount: USD spent.
            period: the budget period.
            now: Unix time.
        """
        reservation = self.reserve(provider, 0.0, limit=None, period=period, lease_seconds=60.0, now=now)
        self.settle(reservation, amount, now=now)

    def close(self) -> None:  # noqa: B027 - an optional hook: the memory ledger holds nothing to close
        """Release connections. The ledger must not be used afterwards."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- async twins ------------------------------------------------------

    async def areserve(
        self,
        provider: str,
        amount: float,
        *,
        limit: float | None,
        period: str,
        lease_seconds: float = 300.0,
        now: float | None = None,
    ) -> Reservation:
        """Async :meth:`reserve`."""
        return self.reserve(provider, amount, limit=limit, period=period, lease_seconds=lease_seconds, now=now)

    async def asettle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """Async :meth:`settle`."""
        return self.settle(reservation, actual_cost, now=now)

    async def arelease(self, reservation: Reservation) -> None:
        """Async :meth:`release`."""
        self.release(reservation)

    async def arecord_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """Async :meth:`record_once`."""
        return self.record_once(reservation, actual_cost, now=now)

    async def asnapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """Async :meth:`snapshot`."""
        return self.snapshot(period, now=now)

    async def aget_state(self, key: str) -> dict[str, Any] | None:
        """Async :meth:`get_state`."""
        return self.get_state(key)

    async def aput_state(self, key: str, value: dict[str, Any]) -> None:
        """Async :meth:`put_state`."""
        self.put_state(key, value)

    async def aclose(self) -> None:
        """Async :meth:`close`."""
        self.close()


def default_sqlite_path() -> Path:
    """``$XDG_STATE_HOME/langchain-aegis/ledger.db``, by default under ``~/.local/state``."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "langchain-aegis" / "ledger.db"


def default_journal_path() -> Path:
    """``$XDG_STATE_HOME/langchain-aegis/journal.jsonl``: settlements waiting for the ledger, next to it."""
    return default_sqlite_path().with_name("journal.jsonl")
