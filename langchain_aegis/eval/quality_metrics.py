"""Prometheus series for quality: online scores and shadow calls.

=================================  =======  ==============================
name                               type     labels
=================================  =======  ==============================
``llm_quality_score``              gauge    ``provider``, ``rule``
``llm_quality_feedback_total``     counter  ``provider``, ``rule``
``llm_shadow_calls_total``         counter  ``rule``, ``baseline``, ``status``
``llm_shadow_cost_usd_total``      counter  ``rule``, ``baseline``
=================================  =======  ==============================

``llm_quality_score`` is the mean ``quality`` feedback score over the last
hour. Labels are config names and a fixed set of statuses (``ok``,
``budget``, ``failed``, ``dropped``), so the series count stays bounded.

It must not compute scores; it publishes what the quality store and the shadow
sampler report.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge

__all__ = ["SHADOW_STATUSES", "QualityMetrics"]

SHADOW_STATUSES = frozenset({"ok", "budget", "failed", "dropped"})


@dataclass(frozen=True, slots=True)
class _Instruments:
    score: Gauge
    feedback: Counter
    shadow_calls: Counter
    shadow_cost: Counter


_instruments: weakref.WeakKeyDictionary[CollectorRegistry, _Instruments] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _for(registry: CollectorRegistry) -> _Instruments:
    with _lock:
        found = _instruments.get(registry)
        if found is None:
            found = _instruments[registry] = _Instruments(
                score=Gauge(
                    "llm_quality_score", "Mean quality feedback score (0..1) over the last hour.",
                    ["provider", "rule"], registry=registry,
                ),
                feedback=Counter(
                    "llm_quality_feedback", "Quality scores recorded.", ["provider", "rule"], registry=registry
                ),
                shadow_calls=Counter(
                    "llm_shadow_calls", "Shadow calls sent to a rollout's baseline, by outcome.",
                    ["rule", "baseline", "status"], registry=registry,
                ),
                shadow_cost=Counter(
                    "llm_shadow_cost_usd", "Settled cost of shadow calls in USD.", ["rule", "baseline"],
                    registry=registry,
                ),
            )  # fmt: skip
        return found


class QualityMetrics:
    """Publishes quality scores and shadow calls.

    Args:
        registry: the registry of the model's :class:`~langchain_aegis.observability.metrics.AegisMetrics`.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = REGISTRY if registry is None else registry
        self._m = _for(self.registry)

    def set_score(self, provider: str, rule: str, mean: float) -> None:
        """Publish a provider's mean quality under ``rule``."""
        self._m.score.labels(provider=provider, rule=rule).set(min(max(mean, 0.0), 1.0))

    def count_feedback(self, provider: str, rule: str) -> None:
        """Count one recorded score."""
        self._m.feedback.labels(provider=provider, rule=rule).inc()

    def shadow_call(self, rule: str, baseline: str, status: str, cost_usd: float = 0.0) -> None:
        """Count one shadow call and add its cost."""
        status = status if status in SHADOW_STATUSES else "failed"
        self._m.shadow_calls.labels(rule=rule, baseline=baseline, status=status).inc()
        self._m.shadow_cost.labels(rule=rule, baseline=baseline).inc(max(cost_usd, 0.0))
