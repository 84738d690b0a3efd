"""Which failures fall back, which are retried, how long to wait, and circuit breakers.

Fallback itself is LangChain's ``Runnable.with_fallbacks`` (see
:mod:`langchain_aegis.dispatch.dispatcher`). Retries are written here rather than with
``Runnable.with_retry`` because the router must honour ``Retry-After`` up to a
cap, stop at a per-call deadline, and retry a stream only before its first
chunk; ``with_retry`` does none of these.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from langchain_aegis.config.models import ResilienceConfig
from langchain_aegis.dispatch.quota import KIND as QUOTA_KIND
from langchain_aegis.dispatch.quota import usage_limit_of
from langchain_aegis.errors import (
    BudgetExceededError,
    CircuitOpenError,
    PrivacyViolationError,
    ProviderCallError,
    status_of,
)
from langchain_aegis.state import StateStore

logger = logging.getLogger("langchain_aegis")

__all__ = [
    "FALLBACK_KINDS",
    "RETRY_KINDS",
    "CircuitBreaker",
    "SharedCircuitBreaker",
    "backoff_delay",
    "classify",
    "falls_back",
]

# Kinds that move on to the next provider in the chain.
FALLBACK_KINDS = frozenset(
    {
        "rate_limit",
        "server",
        "timeout",
        "connection",
        "not_found",
        "auth",
        "budget",
        "context_length",
        "context_window",
        "empty_stream",
        "malformed",
        "circuit_open",
        "not_installed",
        "quota_exhausted",
        "concurrency",
    }
)
# Kinds worth one more try at the same provider.
RETRY_KINDS = frozenset({"rate_limit", "server", "timeout", "connection", "malformed", "empty_stream"})


def _seconds(raw: object) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pass
    try:
        when = email.utils.parsedate_to_datetime(str(raw))
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _retry_after_of(exc: BaseException) -> float | None:
    seconds = _seconds(getattr(exc, "retry_after", None))
    if seconds is not None:
        return seconds
    for obj in (exc, getattr(exc, "original_exception", None)):
        headers = getattr(getattr(obj, "response", None), "headers", None)
        if headers is None:
            continue
        millis = _seconds(headers.get("retry-after-ms"))
        if millis is not None:
            return millis / 1000
        seconds = _seconds(headers.get("retry-after"))
        if seconds is not None:
            return seconds
    return None


def _kind_by_name(exc: BaseException) -> str | None:
    names = {cls.__name__ for cls in type(exc).__mro__}
    original = getattr(exc, "original_exception", None)
    if original is not None:
        names |= {cls.__name__ for cls in type(original).__mro__}
    table = (
        ("ContextLengthExceededError", "context_length"),
        ("ContentFilterError", "content_filter"),
        ("ContentFilterFinishReasonError", "content_filter"),
        ("RateLimitError", "rate_limit"),
        ("AuthenticationError", "auth"),
        ("MissingApiKeyError", "auth"),
        ("InsufficientFundsError", "auth"),
        ("PermissionDeniedError", "auth"),
        ("ModelNotFoundError", "not_found"),
        ("NotFoundError", "not_found"),
        ("GatewayTimeoutError", "timeout"),
        ("TimeoutException", "timeout"),
        ("APITimeoutError", "timeout"),
        ("ReadTimeout", "timeout"),
        ("TimeoutError", "timeout"),
        ("ConnectError", "connection"),
        ("APIConnectionError", "connection"),
        ("RemoteProtocolError", "connection"),
        ("ReadError", "connection"),
        ("ConnectionError", "connection"),
        ("JSONDecodeError", "malformed"),
        ("UpstreamProviderError", "server"),
        ("InvalidRequestError", "invalid_request"),
        ("BadRequestError", "invalid_request"),
        ("UnsupportedParameterError", "invalid_request"),
    )
    for name, kind in table:
        if name in names:
            return kind
    return None


def classify(provider: str, exc: BaseException, *, url: str | None = None) -> ProviderCallError:
    """Turn any provider-side exception into a :class:`ProviderCallError` with a kind.

    ``BudgetExceededError`` and ``PrivacyViolationError`` are not provider failures
    and are returned unchanged by the caller; do not pass them here.

    Args:
        provider: the configured provider name.
        exc: what the SDK raised.
        url: the provider's base URL, named in connection and timeout messages.
    """
    if isinstance(exc, ProviderCallError):
        return exc
    if isinstance(exc, ImportError):
        # any-llm imports a provider's SDK on first use; its message names the extra to install.
        return ProviderCallError(provider, "not_installed", str(exc).split(". Specific error")[0])
    status = status_of(exc)
    # A plan's used-up usage limit (Ollama Cloud: a plain-text 429, no Retry-After) is no
    # rate limit: retrying before the window resets only draws the same answer.
    limit = usage_limit_of(exc) if status in (None, 402, 403, 429) else None
    if limit is not None:
        return ProviderCallError(
            provider, QUOTA_KIND, limit.describe(), status=status, retry_after=_retry_after_of(exc)
        )
    kind = _kind_by_name(exc)
    text = str(exc).lower()
    if kind in (None, "invalid_request") and (
        "context length" in text or "context window" in text or "too long" in text
    ):
        kind = "context_length"
    if kind is None or (kind == "invalid_request" and status and status >= 500):
        if status == 429:
            kind = "rate_limit"
        elif status in (401, 403):
            kind = "auth"
        elif status == 404:
            kind = "not_found"
        elif status in (408, 504):
            kind = "timeout"
        elif status is not None and status >= 500:
            kind = "server"
        elif status is not None and 200 <= status < 300:
            kind = "malformed"
        elif status is not None and 400 <= status < 500:
            kind = "invalid_request"
        elif isinstance(exc, json.JSONDecodeError | ValueError) and "json" in text:
            kind = "malformed"
        elif "timeout" in text or "timed out" in text:
            kind = "timeout"
        elif "connect" in text or "connection" in text:
            kind = "connection"
        else:
            kind = "server" if type(exc).__name__ == "ProviderError" else "unknown"
    message = type(exc).__name__
    if kind == "connection" and url:
        message = f"cannot connect to {url}; is the server running? ({message})"
    elif kind == "timeout" and url:
        message = f"no answer from {url} in time ({message})"
    return ProviderCallError(provider, kind, message, status=status, retry_after=_retry_after_of(exc))


def falls_back(exc: BaseException) -> bool:
    """Whether a failure should move on to the next provider in the chain."""
    if isinstance(exc, BudgetExceededError):
        return True
    if isinstance(exc, PrivacyViolationError):
        return True  # a cloud adapter refused: the next (local) provider may serve it
    return isinstance(exc, ProviderCallError) and exc.kind in FALLBACK_KINDS


def backoff_delay(
    retry: int, cfg: ResilienceConfig, *, retry_after: float | None, draw: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number ``retry`` (1-based).

    Exponential with full jitter, or the provider's ``Retry-After`` when it
    said one, capped at ``retry_after_cap``.
    """
    if retry_after is not None:
        return min(retry_after, cfg.retry_after_cap)
    ceiling = min(cfg.backoff_max, cfg.backoff_base * 2 ** (retry - 1))
    return float(ceiling * (0.5 + 0.5 * draw()))


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
