"""The record of one provider attempt within a call, and of the call.

This module owns :class:`Attempt`, :class:`CallRecord` and the outcomes that
mean a provider was passed over without a request. It sits in the lowest layer
(``errors`` carries these records), so it holds plain data and must not import
anything else of the package.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["SKIPPED_OUTCOMES", "Attempt", "CallRecord"]

SKIPPED_OUTCOMES = frozenset(
    {"circuit_open", "context_window", "deadline", "budget", "privacy", "ledger", "concurrency"}
)
"""Outcomes of a provider that was passed over without a request."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at one provider.

    Attributes:
        provider: configured provider name.
        outcome: ``ok`` or the error kind (``rate_limit``, ``timeout``, ``budget``, ...).
            ``budget``, ``ledger`` (the spend ledger was unavailable), ``privacy``,
            ``circuit_open``, ``context_window``, ``concurrency`` and ``deadline``
            mean no request was sent to the provider; so does ``quota_exhausted``
            without a ``status``.
        status: HTTP status when known.
        duration_ms: wall time of the attempt, retries included.
        retries: how many times this provider was retried within the attempt.
        error: the exception's class name, when it failed.
    """

    provider: str
    outcome: str
    duration_ms: float
    status: int | None = None
    retries: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict, as carried in ``response_metadata["aegis"]["attempts"]``."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What one finished call through :class:`AegisChatModel` did; fed to metrics and rollout guards.

    Attributes:
        requested_provider: the provider the decision chose first.
        served_provider: the provider that answered, or ``None`` if the call failed.
        rule: the routing rule that fired.
        status: ``ok`` or the final error kind (``budget``, ``privacy``, ``rate_limit``, ...).
        latency_s: wall time of the whole call, fallbacks included.
        input_tokens: prompt tokens reported by the serving provider.
        output_tokens: completion tokens reported by the serving provider.
        cost_usd: the settled cost.
        attempts: every provider attempt, in order.
        local_only_source: why the call was local-only (``metadata``, ``node``,
            ``instance``, ``detector``), ``explicit`` when detection was switched
            off by ``data_classification: public``, or ``None``.
    """

    requested_provider: str
    served_provider: str | None
    rule: str
    status: str
    latency_s: float
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    attempts: tuple[Attempt, ...] = ()
    local_only_source: str | None = None
