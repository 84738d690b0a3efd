"""Circuit breakers: skip a provider that keeps failing, then let one trial call through.

This module owns :class:`CircuitBreaker` (per process) and
:class:`SharedCircuitBreaker` (its open state shared by every replica through a
:class:`~langchain_aegis.state.StateStore`). It only counts what it is told:
it must not classify errors (that is :mod:`langchain_aegis.dispatch.retry`) or
decide which outcomes count as the provider's failure (that is the attempt's).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from langchain_aegis.config.models import ResilienceConfig
from langchain_aegis.errors import CircuitOpenError
from langchain_aegis.state import StateStore

logger = logging.getLogger("langchain_aegis")

__all__ = ["CircuitBreaker", "SharedCircuitBreaker"]


@dataclass
class _BreakerState:
    failures: int = 0
    opened_at: float | None = None
    trial_in_flight: bool = False


class CircuitBreaker:
    """Per-provider circuit breakers, per process.

    After ``breaker_failures`` consecutive failures a provider is open: calls
    skip it for ``breaker_cooldown`` seconds. Then it is half-open: one trial
    call is let through, and its outcome closes or re-opens the breaker.

    Args:
        cfg: thresholds and cooldown.
        clock: a monotonic clock, injectable for tests.
    """

    def __init__(self, cfg: ResilienceConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._cfg = cfg
        self._clock = clock
        self._lock = threading.Lock()
        self._states: dict[str, _BreakerState] = {}

    def open_providers(self) -> frozenset[str]:
        """Providers whose breaker is open and not yet due for a trial."""
        now = self._clock()
        with self._lock:
            return frozenset(
                name
                for name, s in self._states.items()
                if s.opened_at is not None and now - s.opened_at < self._cfg.breaker_cooldown
            )

    def before_call(self, provider: str) -> bool:
        """Raise :class:`CircuitOpenError` if the provider must be skipped now.

        Returns:
            ``True`` if this call is the half-open trial. Its outcome must be
            reported with :meth:`record_success`, :meth:`record_failure` or
            :meth:`record_neutral`, or no other call gets through.
        """
        now = self._clock()
        with self._lock:
            state = self._states.get(provider)
            if state is None or state.opened_at is None:
                return False
            waited = now - state.opened_at
            if waited < self._cfg.breaker_cooldown:
                raise CircuitOpenError(provider, self._cfg.breaker_cooldown - waited)
            if state.trial_in_flight:
                raise CircuitOpenError(provider, 0.0)
            state.trial_in_flight = True  # half-open: this call is the trial
            return True

    def record_neutral(self, provider: str) -> None:
        """End a half-open trial that said nothing about the provider's health.

        A rejected request (400, content filter), a budget refusal or a
        cancelled call neither closes nor re-opens the breaker; the next call
        becomes the trial.
        """
        with self._lock:
            state = self._states.get(provider)
            if state is not None:
                state.trial_in_flight = False

    def record_success(self, provider: str) -> None:
        """Close the provider's breaker."""
        with self._lock:
            self._states[provider] = _BreakerState()

    def record_failure(self, provider: str) -> None:
        """Count a failure; open the breaker at the threshold or after a failed trial."""
        now = self._clock()
        with self._lock:
            state = self._states.setdefault(provider, _BreakerState())
            state.failures += 1
            if state.trial_in_flight or state.failures >= self._cfg.breaker_failures:
                state.opened_at = now
            state.trial_in_flight = False


class SharedCircuitBreaker(CircuitBreaker):
    """Circuit breakers whose open state is shared by every replica through a state store.

    Each replica counts its own consecutive failures; when one opens a
    provider's breaker it publishes the time, and the others adopt it on
    their next refresh (at most one store read per ``refresh`` seconds), so
    every replica skips the provider for the cooldown. A success that closes
    a breaker is published the same way. After the cooldown each replica
    lets its own half-open trial through.

    Args:
        cfg: thresholds and cooldown.
        store: the ledger's ``get_state``/``put_state`` (Redis across machines).
        providers: every configured provider name.
        clock: wall-clock seconds shared by all replicas, injectable for tests.
        refresh: seconds between reads of the shared state.
    """

    def __init__(
        self,
        cfg: ResilienceConfig,
        store: StateStore,
        providers: Sequence[str],
        clock: Callable[[], float] = time.time,
        refresh: float = 1.0,
    ) -> None:
        super().__init__(cfg, clock)
        self._store = store
        self._names = list(providers)
        self._refresh = refresh
        self._read_at = float("-inf")
        self._published: dict[str, float | None] = {}

    @staticmethod
    def _key(provider: str) -> str:
        return f"breaker:{provider}"

    def _sync(self, provider: str | None = None) -> None:
        now = self._clock()
        if now - self._read_at < self._refresh:
            return
        self._read_at = now
        names = [provider] if provider else self._names
        for name in names:
            try:
                shared = self._store.get_state(self._key(name))
            except Exception:  # a store outage must not break calls; breakers stay local
                logger.warning("aegis: cannot read shared breaker state for %s", name, exc_info=True)
                return
            if not shared:
                continue
            opened_at = shared.get("opened_at")
            with self._lock:
                state = self._states.setdefault(name, _BreakerState())
                if opened_at is not None and (state.opened_at is None or opened_at > state.opened_at):
                    state.opened_at = float(opened_at)
                elif opened_at is None and state.opened_at is not None and shared.get("at", 0) > state.opened_at:
                    self._states[name] = _BreakerState()

    def _publish(self, provider: str) -> None:
        with self._lock:
            state = self._states.get(provider)
            opened_at = state.opened_at if state is not None else None
        if self._published.get(provider, -1.0) == opened_at:
            return
        self._published[provider] = opened_at
        try:
            self._store.put_state(self._key(provider), {"opened_at": opened_at, "at": self._clock()})
        except Exception:
            logger.warning("aegis: cannot publish breaker state for %s", provider, exc_info=True)

    def open_providers(self) -> frozenset[str]:
        """Providers open here or anywhere else, and not yet due for a trial."""
        self._sync()
        return super().open_providers()

    def before_call(self, provider: str) -> bool:
        """As :meth:`CircuitBreaker.before_call`, after adopting other replicas' state."""
        self._sync(provider)
        return super().before_call(provider)

    def record_success(self, provider: str) -> None:
        """Close the breaker here and for every replica."""
        super().record_success(provider)
        self._publish(provider)

    def record_failure(self, provider: str) -> None:
        """Count a failure; an opening is published to every replica."""
        super().record_failure(provider)
        self._publish(provider)
