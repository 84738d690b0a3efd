"""Budget accounting for provider attempts: reserve worst case, settle actual, release on error.

This is the glue between pricing (what a call may cost) and the ledger (what
has been spent), called by :mod:`langchain_aegis.dispatch.dispatcher` around each
attempt. Reservation makes the monthly caps hold under concurrency: a call
that does not fit raises :class:`~langchain_aegis.errors.BudgetExceededError`
before any request is sent, and the router falls back along the chain.

A ledger that cannot be reached is its own kind of failure
(:class:`~langchain_aegis.errors.LedgerUnavailableError`), handled here by
``budgets.on_ledger_error``:

* at reserve time, ``local_only`` skips providers that need a reservation,
  except local ones (the call stays local); ``fail`` raises; ``allow`` goes on
  uncapped with a warning;
* after a provider answered, a settlement the ledger cannot take goes to the
  local :class:`~langchain_aegis.budget.journal.Journal` and the caller still
  gets the answer; it never raises, so a ledger fault is never a reason to
  call a second provider;
* the journal is replayed by the next ledger operation that succeeds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_aegis._loops import off_loop
from langchain_aegis.budget import Ledger, Reservation, period_for
from langchain_aegis.budget.journal import Journal, Unconfirmed
from langchain_aegis.budget.leases import LeaseKeeper
from langchain_aegis.budget.ledger import default_journal_path, new_reservation_id
from langchain_aegis.budget.owed import Owed, owed_for
from langchain_aegis.budget.pricing import SettledCost, cost_from_usage, pricing_for, worst_case_cost
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.providers import Pricing
from langchain_aegis.errors import BudgetExceededError, LedgerUnavailableError

__all__ = ["LedgerAccounting", "needs_accounting"]

logger = logging.getLogger("langchain_aegis")

_REPLAY_EVERY = 5.0
"""Seconds between looks at the journal when this process wrote nothing to it (another process may have)."""

_WARN_EVERY = 60.0
"""Seconds between repeated warnings about the same unavailable ledger."""


def needs_accounting(config: AegisConfig) -> bool:
    """Whether any call of this config can cost money or meet a limit."""
    if config.budgets.monthly_limits:
        return True
    return any(pricing_for(p).input or pricing_for(p).output for p in config.providers.values())


class LedgerAccounting:
    """Reserve-and-settle against a :class:`Ledger`, with prices from config.

    Args:
        config: budgets and provider prices.
        ledger: where spend and reservations live.
        clock: wall-clock seconds (UTC), injectable for tests.
        on_spend: called as ``on_spend(provider, spent, limit)`` after each
            settlement with the period's spend, e.g. to update a gauge.
        journal: where settlements wait while the ledger is unavailable;
            ``budgets.journal`` or the default path when omitted.
    """

    def __init__(
        self,
        config: AegisConfig,
        ledger: Ledger,
        *,
        clock: Callable[[], float] = time.time,
        on_spend: Callable[[str, float, float | None], None] | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.clock = clock
        self.on_spend = on_spend
        budgets = config.budgets
        self.policy: str = budgets.on_ledger_error
        self.journal = journal or Journal(Path(budgets.journal) if budgets.journal else default_journal_path())
        self._prices: dict[str, Pricing] = {name: pricing_for(p) for name, p in config.providers.items()}
        self._local = {name for name, p in config.providers.items() if p.locality == "local"}
        self._published: dict[str, float] = {}
        self._next_replay = 0.0  # the first success looks at the journal: left over from an earlier run?
        self._warned = float("-inf")
        self._owed = False  # settlements this process journaled and has not replayed yet
        self.owed = owed_for(ledger, str(self.journal.path))  # money past its lease, shared by the models
        lease = budgets.lease_seconds
        self.leases = LeaseKeeper(
            # The wall clock is read by the ledger as the renewal runs (see Ledger.renew); a clock
            # injected for tests is passed as it is.
            lambda r, now: ledger.renew(r, lease_seconds=lease, now=None if self.clock is time.time else now),
            lease_seconds=lease,
            clock=lambda: self.clock(),  # read late: tests replace the clock after construction
            on_renewed=self.owed.renewed,
        )

    def _period(self, now: float) -> str:
        return period_for(datetime.fromtimestamp(now, UTC), self.config.budgets.timezone)

    def _amount(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> float:
        return worst_case_cost(
            prompt_tokens, max_tokens or self.config.budgets.default_max_tokens, self._prices[provider]
        )

    def _publish(self, provider: str, period: str, now: float) -> None:
        # A gauge does not need every settlement: at most one ledger read per provider and second.
        if self.on_spend is None or now - self._published.get(provider, float("-inf")) < 1.0:
            return
        self._published[provider] = now
        try:
            spend = self.ledger.snapshot(period, now=now).get(provider)
        except LedgerUnavailableError:
            return  # a gauge can wait for the next settlement
        self.on_spend(provider, spend.spent if spend else 0.0, self.config.budgets.monthly_limits.get(provider))

    def publish_all(self) -> None:
        """Report every limited provider's spend in the current period to ``on_spend``."""
        if self.on_spend is None or not self.config.budgets.monthly_limits:
            return
        now = self.clock()
        try:
            snapshot = self.ledger.snapshot(self._period(now), now=now)
        except LedgerUnavailableError as exc:
            self._warn(exc)
            return
        for provider, limit in self.config.budgets.monthly_limits.items():
            spend = snapshot.get(provider)
            self.on_spend(provider, spend.spent if spend else 0.0, limit)

    # -- ledger faults ------------------------------------------------------------

    def _warn(self, exc: LedgerUnavailableError, what: str = "") -> None:
        now = time.monotonic()
        if now - self._warned >= _WARN_EVERY:
            self._warned = now
            logger.warning("aegis: %s%s", exc, f"; {what}" if what else "")

    def _unavailable(
        self, exc: LedgerUnavailableError, provider: str, amount: float, period: str, now: float
    ) -> Reservation:
        """Apply ``on_ledger_error`` to a reserve the ledger could not take."""
        if self.policy == "allow" or (self.policy == "local_only" and provider in self._local):
            self._warn(exc, f"calling {provider!r} without a reservation (on_ledger_error: {self.policy})")
            expires = now + self.config.budgets.lease_seconds
            return Unconfirmed(new_reservation_id(), provider, period, amount, expires)
        raise exc.with_policy(self.policy)

    def _journal(self, op: str, reservation: Reservation, cost: float, exc: LedgerUnavailableError) -> None:
        """Keep a settlement (or release) the ledger could not take; never raise."""
        if op == "release" and isinstance(reservation, Unconfirmed):
            return  # the ledger never held it; if it did, the lease expires on its own
        try:
            # One step under the owed lock: the journal takes the money over from the open reservation.
            append = lambda: self.journal.append(op, self.ledger, reservation, cost)  # noqa: E731
            self.owed.record(append, reservation.provider, cost, reservation)
        except OSError as err:
            # Nowhere durable to write: the lease (if any) still caps the spend, and the lease
            # keeper goes on renewing it (a journaled one too, until the replay settles it).
            self.owed.closed(reservation)
            logger.error(
                "aegis: cannot journal a %s of $%.6f for %r (%s; journal %s: %s)",
                op,
                cost,
                reservation.provider,
                exc,
                self.journal.path,
                err,
            )
            return
        self._next_replay = 0.0
        self._owed = True
        self._warn(exc, f"the {op} is kept in {self.journal.path} until the ledger is back")

    def _replay_due(self) -> bool:
        now = time.monotonic()
        if now < self._next_replay:
            return False
        self._next_replay = now + _REPLAY_EVERY
        return self.journal.pending()

    def _settle_owed(self) -> None:
        """Replay this ledger's journaled settlements before a reservation, so admission counts them.

        Without it, a call admitted right after the ledger comes back would not see the spend
        journaled while it was down, and the cap could be passed by that much.
        """
        self._replay()
        self._settle_owed_count()

    def _settle_owed_count(self) -> None:
        """Count again what is still journaled for this ledger, after a replay."""
        from langchain_aegis.budget.journal import ledger_identity

        me = ledger_identity(self.ledger)
        try:
            self.owed.recount(lambda: self._journaled(me))
        except OSError:
            self._owed = True

    def _journaled(self, me: str) -> dict[str, float]:
        """Dollars per provider still journaled for this ledger (read under the owed lock)."""
        mine = [item for item in self.journal.entries() if item.get("ledger") == me]
        self._owed = bool(mine)
        owed: dict[str, float] = {}
        for item in mine:
            if item.get("op") == "settle":
                provider = str(item.get("provider"))
                owed[provider] = owed.get(provider, 0.0) + float(item.get("cost") or 0.0)
        return owed

    @staticmethod
    def _over(exc: BudgetExceededError, owed: float, limit: float | None) -> BudgetExceededError:
        """The budget error with the real cap, counting what is owed as spent."""
        if owed <= 0 or limit is None:
            return exc
        return BudgetExceededError(exc.provider, limit, exc.spent + owed, exc.period, exc.reserved)

    def _replay(self) -> None:
        try:
            self.journal.replay(self.ledger)
        except OSError as err:
            logger.error("aegis: cannot replay the ledger journal %s: %s", self.journal.path, err)
        if self.owed.journaled():  # another model of the process may have journaled: count what is left
            self._settle_owed_count()

    def output_ceiling(self, provider: str, max_tokens: Any) -> int | None:
        """The ``max_tokens`` to send to ``provider``: the call's own, else a ceiling if output costs money.

        A capped or priced provider gets ``budgets.default_max_tokens`` when the
        call sets no limit, so the output a reservation covers is what the
        provider may generate; a free, uncapped one is left unbounded.
        """
        if isinstance(max_tokens, int) and not isinstance(max_tokens, bool) and max_tokens > 0:
            return max_tokens
        if provider in self.config.budgets.monthly_limits or self._prices[provider].output > 0:
            return self.config.budgets.default_max_tokens
        return None

    # -- sync ------------------------------------------------------------------

    def reserve(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> Reservation | None:
        """Reserve the attempt's worst-case cost; ``None`` when nothing needs reserving.

        Raises:
            BudgetExceededError: it does not fit.
            LedgerUnavailableError: the ledger cannot be reached and
                ``on_ledger_error`` does not let this provider go on.
        """
        limit = self.config.budgets.monthly_limits.get(provider)
        amount = self._amount(provider, prompt_tokens, max_tokens)
        if limit is None and amount == 0:
            return None
        now = self.clock()
        period = self._period(now)
        if self._owed or self.owed.journaled():  # this model, or another sharing the ledger, journaled
            self._settle_owed()
        lease = self.config.budgets.lease_seconds
        while True:
            owed, version = self.owed.snapshot(provider, now, period)
            try:
                r = self.ledger.reserve(
                    provider, amount, limit=Owed.cap(limit, owed), period=period, lease_seconds=lease, now=now
                )
            except LedgerUnavailableError as exc:
                return self._unavailable(exc, provider, amount, period, now)
            except BudgetExceededError as exc:
                raise self._over(exc, owed, limit) from None
            later = self.clock()
            if not self.owed.owes_more(provider, version, owed, later, period):
                break
            self.release(r)  # admit again against the lower cap, at the later time
            now = later
        self.owed.opened(r)
        self.leases.opened(r)
        if self._replay_due():
            try:
                self._replay()
            except BaseException:
                self.release(r)  # interrupted before the caller got ``r``: see areserve
                raise
        return r

    def settle(self, provider: str, reservation: Reservation | None, usage: Any) -> SettledCost:
        """Turn the reservation into the actual cost from usage; return that cost. Never raises a ledger fault.

        This is where a request's cost is computed, once: the returned
        :class:`~langchain_aegis.budget.pricing.SettledCost` is what the ledger
        recorded, and what the call reports (``cost_usd``, LangSmith).
        """
        cost = SettledCost.of(cost_from_usage(usage or {}, self._prices[provider]))
        now = self.clock()
        if reservation is None:
            if cost <= 0:
                return cost
            reservation = Unconfirmed(new_reservation_id(), provider, self._period(now), 0.0, now)
        try:
            if isinstance(reservation, Unconfirmed):
                self.ledger.record_once(reservation, float(cost), now=now)
            else:
                self.ledger.settle(reservation, float(cost), now=now)
                self.owed.closed(reservation)  # landed: the ledger counts it as spent now
                self.leases.closed(reservation)
        except LedgerUnavailableError as exc:
            self._journal("settle", reservation, float(cost), exc)
            return cost
        self._publish(provider, reservation.period, now)
        if self._replay_due():
            self._replay()
        return cost

    def release(self, reservation: Reservation | None) -> None:
        """Give a failed attempt's reservation back. Never raises a ledger fault."""
        if reservation is None or isinstance(reservation, Unconfirmed):
            return
        try:
            self.ledger.release(reservation)
            self.owed.closed(reservation)
            self.leases.closed(reservation)
        except LedgerUnavailableError as exc:
            self._journal("release", reservation, 0.0, exc)

    # -- async: the same, with the ledger's async calls and file work on a thread --

    async def areserve(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> Reservation | None:
        """Async :meth:`reserve`."""
        limit = self.config.budgets.monthly_limits.get(provider)
        amount = self._amount(provider, prompt_tokens, max_tokens)
        if limit is None and amount == 0:
            return None
        now = self.clock()
        period = self._period(now)
        if self._owed or self.owed.journaled():  # this model, or another sharing the ledger, journaled
            await off_loop(self._settle_owed)
        lease = self.config.budgets.lease_seconds
        while True:
            owed, version = self.owed.snapshot(provider, now, period)
            try:
                r = await self.ledger.areserve(
                    provider, amount, limit=Owed.cap(limit, owed), period=period, lease_seconds=lease, now=now
                )
            except LedgerUnavailableError as exc:
                return self._unavailable(exc, provider, amount, period, now)
            except BudgetExceededError as exc:
                raise self._over(exc, owed, limit) from None
            later = self.clock()
            if not self.owed.owes_more(provider, version, owed, later, period):
                break
            await self.arelease(r)  # admit again against the lower cap, at the later time
            now = later
        self.owed.opened(r)
        self.leases.opened(r)
        if self._replay_due():
            try:
                await off_loop(self._replay)
            except BaseException:
                # Cancelled before the caller got ``r``: nothing else would ever release it, and the
                # lease keeper would renew it for as long as the process lives.
                await asyncio.shield(self.arelease(r))
                raise
        return r

    async def asettle(self, provider: str, reservation: Reservation | None, usage: Any) -> SettledCost:
        """Async :meth:`settle`."""
        cost = SettledCost.of(cost_from_usage(usage or {}, self._prices[provider]))
        now = self.clock()
        if reservation is None:
            if cost <= 0:
                return cost
            reservation = Unconfirmed(new_reservation_id(), provider, self._period(now), 0.0, now)
        try:
            if isinstance(reservation, Unconfirmed):
                await self.ledger.arecord_once(reservation, float(cost), now=now)
            else:
                await self.ledger.asettle(reservation, float(cost), now=now)
                self.owed.closed(reservation)  # landed: the ledger counts it as spent now
                self.leases.closed(reservation)
        except LedgerUnavailableError as exc:
            await off_loop(self._journal, "settle", reservation, float(cost), exc)
            return cost
        if self.on_spend is not None and now - self._published.get(provider, float("-inf")) >= 1.0:
            await off_loop(self._publish, provider, reservation.period, now)
        if self._replay_due():
            await off_loop(self._replay)
        return cost

    async def arelease(self, reservation: Reservation | None) -> None:
        """Async :meth:`release`."""
        if reservation is None or isinstance(reservation, Unconfirmed):
            return
        try:
            await self.ledger.arelease(reservation)
            self.owed.closed(reservation)
            self.leases.closed(reservation)
        except LedgerUnavailableError as exc:
            await off_loop(self._journal, "release", reservation, 0.0, exc)
