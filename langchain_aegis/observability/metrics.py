"""Prometheus metrics for routed calls, budgets and rollouts.

Every label is bounded: provider and rule names come from the config, and
``status``, ``reason``, ``direction`` and ``source`` are small fixed sets.
Prompts, run ids and user ids never become labels, so the series count stays
proportional to the number of configured providers.

The exposed series (the names are public API; dashboards and alerts use them):

=======================================================  ==========  ===========================================
name                                                     type        labels
=======================================================  ==========  ===========================================
``llm_requests_total``                                   counter     ``provider``, ``status``
``llm_cost_usd_total``                                   counter     ``provider``
``llm_latency_seconds``                                  histogram   ``provider``
``llm_tokens_total``                                     counter     ``provider``, ``direction`` (input|output)
``llm_fallbacks_total``                                  counter     ``from_provider``, ``to_provider``, ``reason``
``llm_budget_spent_usd`` / ``llm_budget_limit_usd``      gauge       ``provider``
``llm_privacy_local_only_total``                         counter     ``source``
``llm_rollout_share``                                    gauge       ``rule``
=======================================================  ==========  ===========================================

Example:
    .. code-block:: python

        from langchain_aegis.observability.metrics import AegisMetrics, start_metrics_server

        metrics = AegisMetrics()  # the default prometheus_client registry
        start_metrics_server(9464)  # http://127.0.0.1:9464/metrics
        metrics.observe(call_record)
        metrics.set_budget("openai", spent=12.5, limit=80.0)
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, start_http_server

if TYPE_CHECKING:
    from threading import Thread
    from wsgiref.simple_server import WSGIServer

    from langchain_aegis.dispatch.records import CallRecord

__all__ = ["LATENCY_BUCKETS", "LOCAL_ONLY_SOURCES", "AegisMetrics", "start_metrics_server"]

LATENCY_BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0)
"""Histogram buckets in seconds: 50 ms resolution at the fast end, 10 s at the top."""

LOCAL_ONLY_SOURCES: frozenset[str] = frozenset({"metadata", "node", "explicit", "detector"})
"""Values of the ``source`` label; anything else is counted as ``other``."""

_OK = "ok"
# Statuses of calls the policy refused before any provider was called; their
# near-zero wall time would drag a provider's latency percentiles down.
_REFUSALS = frozenset({"budget", "privacy"})


@dataclass(frozen=True, slots=True)
class _Instruments:
    requests: Counter
    cost: Counter
    latency: Histogram
    tokens: Counter
    fallbacks: Counter
    budget_spent: Gauge
    budget_limit: Gauge
    local_only: Counter
    rollout_share: Gauge


# prometheus_client refuses to register a name twice in one registry, so every
# AegisMetrics built on the same registry shares one set of instruments.
_instruments: weakref.WeakKeyDictionary[CollectorRegistry, _Instruments] = weakref.WeakKeyDictionary()
_instruments_lock = threading.Lock()


def _create(registry: CollectorRegistry) -> _Instruments:
    # Counter names are given without ``_total``: prometheus_client appends it.
    return _Instruments(
        requests=Counter(
            "llm_requests", "Calls through the router, by answering provider and final status.",
            ["provider", "status"], registry=registry,
        ),
        cost=Counter("llm_cost_usd", "Settled cost in USD.", ["provider"], registry=registry),
        latency=Histogram(
            "llm_latency_seconds", "Wall time of a whole call, fallbacks included.",
            ["provider"], buckets=LATENCY_BUCKETS, registry=registry,
        ),
        tokens=Counter(
            "llm_tokens", "Tokens reported by the serving provider.", ["provider", "direction"], registry=registry
        ),
        fallbacks=Counter(
            "llm_fallbacks", "Moves down the fallback chain, by the failure that caused them.",
            ["from_provider", "to_provider", "reason"], registry=registry,
        ),
        budget_spent=Gauge(
            "llm_budget_spent_usd", "Spend in the current budget month.", ["provider"], registry=registry
        ),
        budget_limit=Gauge("llm_budget_limit_usd", "Monthly budget limit.", ["provider"], registry=registry),
        local_only=Counter(
            "llm_privacy_local_only", "Calls kept on local providers, by what made them local-only.",
            ["source"], registry=registry,
        ),
        rollout_share=Gauge(
            "llm_rollout_share", "Traffic share a rollout currently gives its rule (0..1).", ["rule"], registry=registry
        ),
    )  # fmt: skip


def _instruments_for(registry: CollectorRegistry) -> _Instruments:
    with _instruments_lock:
        found = _instruments.get(registry)
        if found is None:
            found = _instruments[registry] = _create(registry)
        return found


class AegisMetrics:
    """Records :class:`~langchain_aegis.dispatch.records.CallRecord` events as Prometheus metrics.

    Instances built on the same registry share their instruments, so creating
    ``AegisMetrics()`` twice against the default registry is safe.

    Args:
        registry: where to register; the ``prometheus_client`` default registry if ``None``.

    Example:
        .. code-block:: python

            from prometheus_client import CollectorRegistry, generate_latest

            registry = CollectorRegistry()
            metrics = AegisMetrics(registry)
            metrics.observe(record)
            print(generate_latest(registry).decode())
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry: CollectorRegistry = REGISTRY if registry is None else registry
        self._m = _instruments_for(self.registry)

    def observe(self, record: CallRecord) -> None:
        """Count one finished call.

        ``llm_requests_total`` and ``llm_latency_seconds`` are labelled with the
        provider that answered, or the requested one when the call failed.
        Latency is not observed for calls refused by policy (``budget``,
        ``privacy``) that reached no provider. Tokens are counted only for a
        provider that answered. One fallback is counted for each attempt that
        failed and was followed by another.

        Args:
            record: the call, as the chat model reports it.
        """
        provider = record.served_provider or record.requested_provider
        m = self._m
        m.requests.labels(provider=provider, status=record.status).inc()
        if record.served_provider is not None or record.status not in _REFUSALS:
            m.latency.labels(provider=provider).observe(max(record.latency_s, 0.0))
        m.cost.labels(provider=provider).inc(max(record.cost_usd, 0.0))
        if record.served_provider is not None:
            m.tokens.labels(provider=provider, direction="input").inc(max(record.input_tokens, 0))
            m.tokens.labels(provider=provider, direction="output").inc(max(record.output_tokens, 0))
        for failed, following in zip(record.attempts, record.attempts[1:], strict=False):
            if failed.outcome != _OK:
                m.fallbacks.labels(
                    from_provider=failed.provider, to_provider=following.provider, reason=failed.outcome
                ).inc()
        if record.local_only_source is not None:
            source = record.local_only_source if record.local_only_source in LOCAL_ONLY_SOURCES else "other"
            m.local_only.labels(source=source).inc()

    def set_budget(self, provider: str, spent: float, limit: float) -> None:
        """Publish a provider's month-to-date spend and its monthly limit, in USD."""
        self._m.budget_spent.labels(provider=provider).set(spent)
        self._m.budget_limit.labels(provider=provider).set(limit)

    def set_rollout_share(self, rule: str, share: float) -> None:
        """Publish the traffic share a rollout gives ``rule`` (clamped to 0..1)."""
        self._m.rollout_share.labels(rule=rule).set(min(max(share, 0.0), 1.0))


def start_metrics_server(
    port: int = 9464, addr: str = "127.0.0.1", registry: CollectorRegistry | None = None
) -> tuple[WSGIServer, Thread]:
    """Serve ``/metrics`` from a daemon thread.

    Binds to loopback by default; pass ``addr="0.0.0.0"`` to let a Prometheus
    on another host scrape it.

    Args:
        port: TCP port; ``0`` picks a free one (read it from ``server.server_port``).
        addr: the address to bind.
        registry: the registry to expose; the default registry if ``None``.

    Returns:
        The server and its thread; call ``server.shutdown()`` to stop it.
    """
    return start_http_server(port, addr=addr, registry=REGISTRY if registry is None else registry)
