"""The exceptions langchain-aegis raises.

Everything the package raises on purpose derives from one root, so a caller
can catch ``AegisError`` and know it came from the router, not from a provider
SDK::

    AegisError
    ├── ConfigError                 bad YAML, bad field, bad value (names file and field)
    ├── RoutingError                a request the policy cannot place (bad metadata value)
    ├── PrivacyViolationError       a local-only call that no local provider can serve
    ├── BudgetExceededError         a provider's monthly cap would be crossed
    ├── LedgerUnavailableError      the spend ledger cannot be read or written (never a provider's fault)
    ├── ProviderCallError           one provider attempt failed (carries its kind and status)
    │   └── CircuitOpenError        the provider is skipped while its breaker is open
    ├── AllProvidersFailedError     every provider in the chain failed (carries every attempt)
    └── StreamInterruptedError      a stream broke after chunks reached the caller

Errors never contain API keys or prompt text: they name providers, fields and
values from configuration only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from langchain_aegis._secrets import mask_url

if TYPE_CHECKING:
    from langchain_aegis.dispatch.records import Attempt

__all__ = [
    "AegisError",
    "AllProvidersFailedError",
    "BudgetExceededError",
    "CircuitOpenError",
    "ConfigError",
    "LedgerUnavailableError",
    "PrivacyViolationError",
    "ProviderCallError",
    "RoutingError",
    "StreamInterruptedError",
]


class AegisError(Exception):
    """Root of every error langchain-aegis raises on purpose."""


class ConfigError(AegisError, ValueError):
    """Configuration that cannot be loaded.

    The message names the file (when there is one), the field path and the
    offending value, e.g. ``config/llm_config.yml: providers.openai.base_url:
    'not a url' is not an http(s) URL``.
    """


class RoutingError(AegisError, ValueError):
    """Request facts that the policy cannot read, e.g. ``quality='urgent'``."""


class PrivacyViolationError(AegisError):
    """A ``local_only`` call had no local provider left to serve it.

    Raised instead of ever sending the call to a cloud provider.
    """

    def __init__(self, message: str, *, attempts: Sequence[Attempt] = ()) -> None:
        super().__init__(message)
        self.attempts = tuple(attempts)


class BudgetExceededError(AegisError):
    """A call's worst-case cost does not fit in the provider's monthly budget."""

    def __init__(self, provider: str, limit: float, spent: float, period: str, reserved: float = 0.0) -> None:
        self.provider = provider
        self.limit = limit
        self.spent = spent
        self.reserved = reserved
        self.period = period
        super().__init__(
            f"budget for provider {provider!r} exhausted in period {period}: "
            f"limit ${limit:.4f}, spent ${spent:.4f}, reserved ${reserved:.4f}"
        )


class LedgerUnavailableError(AegisError):
    """The spend ledger could not be read or written: Redis down or paused, a locked,
    read-only or full SQLite file, a disk I/O error, a timeout.

    It is the ledger's failure, not a provider's: it never counts against a
    circuit breaker, and it never makes the router call a second paid provider
    after one has answered. What a call does while the ledger is unavailable is
    ``budgets.on_ledger_error`` (``local_only``, ``fail`` or ``allow``).

    Attributes:
        url: the ledger URL, password masked.
        operation: what was attempted (``reserve``, ``settle``, ``release``, ...).
        policy: the ``on_ledger_error`` policy that applied, when one did.
        cause: the backend's exception (``redis.exceptions.*``, ``sqlite3.*``, ``OSError``).
    """

    def __init__(self, url: str, operation: str, cause: BaseException | None = None, *, policy: str | None = None):
        self.url = mask_url(url)
        self.operation = operation
        self.policy = policy
        self.cause: Any = cause
        why = f"{type(cause).__name__}: {cause}" if cause is not None else "unavailable"
        tail = f" (on_ledger_error: {policy})" if policy else ""
        super().__init__(mask_url(f"ledger unavailable{tail}: {operation} on {self.url} failed ({why})"))

    def with_policy(self, policy: str) -> LedgerUnavailableError:
        """The same failure, saying which ``on_ledger_error`` policy applied."""
        return LedgerUnavailableError(self.url, self.operation, self.cause, policy=policy)


class ProviderCallError(AegisError):
    """One provider attempt failed.

    Attributes:
        provider: the configured provider name.
        kind: a short, stable classification used for fallback decisions and
            metrics: ``rate_limit``, ``server``, ``timeout``, ``connection``,
            ``auth``, ``not_found``, ``context_length``, ``invalid_request``,
            ``content_filter``, ``empty_stream``, ``malformed``, ``circuit_open``,
            ``context_window`` (skipped: its window is not larger than one that
            overflowed), ``deadline``, ``not_installed`` (the provider's SDK is
            missing: ``pip install any-llm-sdk[<type>]``), ``quota_exhausted``
            (the plan's usage limit is used up; skipped until it resets),
            ``concurrency`` (no free ``max_concurrency`` slot in time) or ``unknown``.
        status: the HTTP status when one is known.
        retry_after: seconds the provider asked us to wait, when it said.
    """

    def __init__(
        self,
        provider: str,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.provider = provider
        self.kind = kind
        self.status = status
        self.retry_after = retry_after
        super().__init__(f"provider {provider!r} failed ({kind}{f', HTTP {status}' if status else ''}): {message}")


class CircuitOpenError(ProviderCallError):
    """The provider's circuit breaker is open; it was skipped without a request."""

    def __init__(self, provider: str, retry_in: float) -> None:
        super().__init__(provider, "circuit_open", f"circuit open, next trial in {retry_in:.1f}s")
        self.retry_in = retry_in


class AllProvidersFailedError(AegisError):
    """Every provider in the decision's chain failed.

    Attributes:
        attempts: every attempt in order, with provider, error kind, status and duration.
    """

    def __init__(self, message: str, *, attempts: Sequence[Attempt] = ()) -> None:
        super().__init__(message)
        self.attempts = tuple(attempts)


class StreamInterruptedError(AegisError):
    """A stream failed after its first chunk reached the caller.

    The router never switches provider mid-answer, so the stream ends here.

    Attributes:
        provider: the provider that was streaming.
        chunks_delivered: how many chunks the caller received.
        chars_delivered: how many characters of content the caller received.
    """

    def __init__(self, provider: str, chunks_delivered: int, chars_delivered: int, cause: BaseException) -> None:
        self.provider = provider
        self.chunks_delivered = chunks_delivered
        self.chars_delivered = chars_delivered
        self.cause: Any = cause
        super().__init__(
            f"stream from provider {provider!r} broke after {chunks_delivered} chunks "
            f"({chars_delivered} characters): {type(cause).__name__}"
        )


def _as_status(value: object) -> int | None:
    # ollama's ResponseError says -1 for errors inside a stream; that is no HTTP status.
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    return None


def status_of(exc: BaseException) -> int | None:
    """The HTTP status a provider library's exception carries (on it or its ``original_exception``), if any."""
    for obj in (exc, getattr(exc, "original_exception", None)):
        candidates = [getattr(obj, "status_code", None), getattr(obj, "status", None)]
        candidates.append(getattr(getattr(obj, "response", None), "status_code", None))
        for value in candidates:
            if (status := _as_status(value)) is not None:
                return status
    return None
