"""Budget accounting for provider attempts: reserve worst case, settle actual, release on error.

This is the glue between pricing (what a call may cost) and the ledger (what
has been spent), called by :mod:`langchain_aegis.dispatch` around each
attempt. Reservation makes the monthly caps hold under concurrency: a call
that does not fit raises :class:`~langchain_aegis.errors.BudgetExceededError`
before any request is sent, and the router falls back along the chain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from langchain_aegis.budget import Ledger, Reservation, period_for
from langchain_aegis.config import AegisConfig, Pricing
from langchain_aegis.pricing import cost_from_usage, pricing_for, worst_case_cost

__all__ = ["LedgerAccounting", "needs_accounting"]


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
    """

    def __init__(
        self,
        config: AegisConfig,
        ledger: Ledger,
        *,
        clock: Callable[[], float] = time.time,
        on_spend: Callable[[str, float, float | None], None] | None = None,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.clock = clock
        self.on_spend = on_spend
        self._prices: dict[str, Pricing] = {name: pricing_for(p) for name, p in config.providers.items()}
        self._published: dict[str, float] = {}

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
        spend = self.ledger.snapshot(period, now=now).get(provider)
        self.on_spend(provider, spend.spent if spend else 0.0, self.config.budgets.monthly_limits.get(provider))

    def publish_all(self) -> None:
        """Report every limited provider's spend in the current period to ``on_spend``."""
        if self.on_spend is None or not self.config.budgets.monthly_limits:
            return
        now = self.clock()
        snapshot = self.ledger.snapshot(self._period(now), now=now)
        for provider, limit in self.config.budgets.monthly_limits.items():
            spend = snapshot.get(provider)
            self.on_spend(provider, spend.spent if spend else 0.0, limit)

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
        """Reserve the attempt's worst-case cost; ``None`` when nothing needs reserving."""
        limit = self.config.budgets.monthly_limits.get(provider)
        amount = self._amount(provider, prompt_tokens, max_tokens)
        if limit is None and amount == 0:
            return None
        now = self.clock()
        return self.ledger.reserve(
            provider,
            amount,
            limit=limit,
            period=self._period(now),
            lease_seconds=self.config.budgets.lease_seconds,
            now=now,
        )

    def settle(self, provider: str, reservation: Reservation | None, usage: Any) -> float:
        """Turn the reservation into the actual cost from usage; return that cost."""
        cost = cost_from_usage(usage or {}, self._prices[provider]).total_cost
        now = self.clock()
        if reservation is not None:
            self.ledger.settle(reservation, cost, now=now)
            self._publish(provider, reservation.period, now)
        elif cost > 0:
            period = self._period(now)
            self.ledger.record(provider, cost, period=period, now=now)
            self._publish(provider, period, now)
        return cost

    def release(self, reservation: Reservation | None) -> None:
        """Give a failed attempt's reservation back."""
        if reservation is not None:
            self.ledger.release(reservation)

    # -- async -------------------------------------------------------------------

    async def areserve(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> Reservation | None:
        """Async :meth:`reserve`."""
        limit = self.config.budgets.monthly_limits.get(provider)
        amount = self._amount(provider, prompt_tokens, max_tokens)
        if limit is None and amount == 0:
            return None
        now = self.clock()
        return await self.ledger.areserve(
            provider,
            amount,
            limit=limit,
            period=self._period(now),
            lease_seconds=self.config.budgets.lease_seconds,
            now=now,
        )

    async def asettle(self, provider: str, reservation: Reservation | None, usage: Any) -> float:
        """Async :meth:`settle`."""
        cost = cost_from_usage(usage or {}, self._prices[provider]).total_cost
        now = self.clock()
        if reservation is not None:
            await self.ledger.asettle(reservation, cost, now=now)
            self._publish(provider, reservation.period, now)
        elif cost > 0:
            period = self._period(now)
            self.ledger.record(provider, cost, period=period, now=now)
            self._publish(provider, period, now)
        return cost

    async def arelease(self, reservation: Reservation | None) -> None:
        """Async :meth:`release`."""
        if reservation is not None:
            await self.ledger.arelease(reservation)
