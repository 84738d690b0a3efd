"""Which failures fall back, which are retried, and how long to wait before a retry.

This module owns the failure kinds (:func:`classify` turns whatever an SDK
raised into a :class:`~langchain_aegis.errors.ProviderCallError` with a kind),
:data:`FALLBACK_KINDS` and :data:`RETRY_KINDS`, ``Retry-After`` parsing and
:func:`backoff_delay`. It is pure: it must not sleep, keep state or send
anything. The retry loop that uses it is in :mod:`langchain_aegis.dispatch.attempt`
(``Runnable.with_retry`` cannot honour ``Retry-After`` up to a cap, stop at a
per-call deadline, or retry a stream only before its first chunk); fallback
itself is LangChain's ``with_fallbacks`` (:mod:`langchain_aegis.dispatch.dispatcher`).
"""

from __future__ import annotations

import email.utils
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime

from langchain_aegis.config.models import ResilienceConfig
from langchain_aegis.dispatch.quota import KIND as QUOTA_KIND
from langchain_aegis.dispatch.quota import usage_limit_of
from langchain_aegis.errors import BudgetExceededError, PrivacyViolationError, ProviderCallError, status_of

__all__ = ["FALLBACK_KINDS", "RETRY_KINDS", "backoff_delay", "classify", "falls_back"]

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
