"""The online quality pieces of one model, assembled once by ``build_runtime``.

:class:`OnlineQuality` owns the model's :class:`QualityStore` (in the same
state store as its rollouts), the :class:`QualitySink` that
:func:`record_feedback` writes to, and the :class:`ShadowSampler` when a
rollout has a ``shadow`` section. The chat model calls :meth:`after_answer`
once per answered ``invoke``/``batch`` call.

It must not score answers or decide rollbacks itself: scorers score and the
rollout guard decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_aegis.eval.feedback import QualitySink, remember_run, set_default_sink
from langchain_aegis.eval.store import QualityStore

if TYPE_CHECKING:
    from langchain_core.outputs import ChatResult

    from langchain_aegis.config.models import AegisConfig
    from langchain_aegis.dispatch.dispatcher import CallLog, CallPlan, Dispatcher
    from langchain_aegis.eval.shadow import ShadowSampler
    from langchain_aegis.rollout.guard import RolloutGuard
    from langchain_aegis.state import StateStore

__all__ = ["OnlineQuality"]


class OnlineQuality:
    """Feedback and shadow comparison for one model.

    Args:
        config: the validated config.
        store: the shared state store (the budget ledger) or an in-memory one.
        metrics: the model's :class:`~langchain_aegis.observability.metrics.AegisMetrics`, or ``None``.
    """

    def __init__(self, config: AegisConfig, store: StateStore, metrics: Any = None) -> None:
        self.config = config
        horizon = max([3600.0, *(c.window_seconds for c in config.routing.rollouts.values())])
        self.store = QualityStore(store, horizon_seconds=horizon)
        self.metrics = None
        registry = getattr(metrics, "registry", None)  # any observer works as metrics; only AegisMetrics has one
        if registry is not None:
            from langchain_aegis.eval.quality_metrics import QualityMetrics

            self.metrics = QualityMetrics(registry)
        self.sink = QualitySink(self.store, self.metrics)
        self.shadow: ShadowSampler | None = None
        self._guard: RolloutGuard | None = None
        set_default_sink(self.sink)

    def bind_guard(self, guard: RolloutGuard) -> None:
        """Let new scores and shadow pairs re-evaluate the rule's rollout at once."""
        self._guard = guard
        self.sink.on_score = self._reevaluate

    def start_shadow(self, dispatcher: Dispatcher) -> None:
        """Build the shadow sampler if any rollout has a ``shadow`` section."""
        if not any(c.shadow is not None for c in self.config.routing.rollouts.values()):
            return
        from langchain_aegis.eval.shadow import ShadowSampler

        self.shadow = ShadowSampler(self.config, dispatcher, self.store, self.metrics, on_pair=self._reevaluate)

    def after_answer(self, plan: CallPlan, log: CallLog, result: ChatResult, run_manager: Any) -> None:
        """Remember the run for :func:`record_feedback`; maybe start a shadow call."""
        run_id = getattr(run_manager, "run_id", None)
        if log.served_by is not None:
            message_id = result.generations[0].message.id if result.generations else None
            remember_run(run_id, log.served_by, plan.decision.rule, self.sink, message_id=message_id)
        if self.shadow is not None:
            self.shadow(plan, log, result)

    def _reevaluate(self, rule: str, now: float) -> None:
        # A baseline's scores arrive under another rule, so every quality rollout is judged again.
        if self._guard is None:
            return
        for name in self._guard.rules:
            cfg = self.config.routing.rollouts[name]
            if name == rule or cfg.max_quality_regression is not None or cfg.min_quality_gain is not None:
                self._guard.evaluate(name, now)
