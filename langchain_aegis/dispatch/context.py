"""What one provider's turn may use: the services a dispatcher hands each attempt.

This module owns :class:`AttemptContext`, the small frozen object the
:class:`~langchain_aegis.dispatch.dispatcher.Dispatcher` builds once and gives
to every :class:`~langchain_aegis.dispatch.attempt.ProviderAttempt` (provider
clients, their limits, the circuit breaker, budget accounting, the clock and
the few settings an attempt reads), and the :class:`Accounting` protocol it
charges through. It must not import the dispatcher or the attempt: data flows
down, from the dispatcher through this context into the attempt, never back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_aegis.config.models import ResilienceConfig
from langchain_aegis.config.providers import ProviderConfig
from langchain_aegis.dispatch.breaker import CircuitBreaker
from langchain_aegis.dispatch.limits import ProviderLimits
from langchain_aegis.providers.client import ProviderClient

__all__ = ["Accounting", "AttemptContext"]


class Accounting(Protocol):
    """Budget reservation and settlement for one attempt (see :mod:`langchain_aegis.budget.accounting`)."""

    clock: Callable[[], float]
    """Wall-clock seconds: reservation leases expire by it."""

    def output_ceiling(self, provider: str, max_tokens: Any) -> int | None: ...
    def reserve(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> Any: ...
    def settle(self, provider: str, reservation: Any, usage: Any) -> float: ...
    def release(self, reservation: Any) -> None: ...
    async def areserve(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> Any: ...
    async def asettle(self, provider: str, reservation: Any, usage: Any) -> float: ...
    async def arelease(self, reservation: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class AttemptContext:
    """The services and settings every attempt of one dispatcher shares.

    Attributes:
        clients: the provider clients by name (a
            :class:`~langchain_aegis.providers.registry.ProviderRegistry`, or fakes in tests).
        limits: provider quotas and concurrency slots, applied around each request.
        breaker: the circuit breakers, told each attempt's outcome.
        accounting: budget reservation and settlement, or ``None`` for none.
        clock: monotonic seconds, for durations and the call's deadline.
        resilience: retries, backoff and the call's deadline.
        lease_seconds: how long a budget reservation holds (``budgets.lease_seconds``).
    """

    clients: Mapping[str, ProviderClient]
    limits: ProviderLimits
    breaker: CircuitBreaker
    accounting: Accounting | None
    clock: Callable[[], float]
    resilience: ResilienceConfig
    lease_seconds: float

    def config(self, provider: str) -> ProviderConfig:
        """``provider``'s configuration."""
        return self.clients[provider].config

    def client(self, provider: str) -> ProviderClient:
        """``provider``'s client, with its quota skip and concurrency slot around each request."""
        return self.limits.guard(self.clients[provider])
