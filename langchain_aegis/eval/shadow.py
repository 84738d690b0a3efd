"""Shadow comparison: a share of a rule's non-private calls also goes to a baseline, in the background.

A rule under rollout with ``shadow: {share: 0.05, baseline: local_ollama,
scorer: token_f1}`` has about 5% of its answered, non-private calls sent again,
unchanged, to the baseline on a daemon thread: the caller already has its
answer and never waits. The two answers are scored and the pair is stored for
the rollout guard (``max_quality_regression``).

- Private calls (``local_only``) are never shadowed, and a shadow call to a cloud
  baseline passes the same egress gate as any call.
- Shadow calls reserve and settle against the baseline's budget like any call;
  a call refused for budget is counted (``status="budget"``) and not sent.
- Scoring: a reference-free scorer (``json_valid``, a custom one) scores both
  answers; a scorer that needs a reference (``token_f1``, ``exact_match``,
  ``field_f1``) scores the rule's answer against the baseline's, and the
  baseline gets 1.0: the rule is then judged on how far it strays from the
  baseline.
- Two background workers make the shadow calls from a queue of at most
  ``max_in_flight``; a sample drawn while it is full is dropped
  (``status="dropped"``), so shadowing never piles up behind a slow baseline.
- Only completed ``invoke``/``batch`` calls are sampled: a stream's text is not
  kept, to leave the streaming path untouched.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from langchain_core.messages import BaseMessage, convert_to_messages

from langchain_aegis.errors import AegisError, BudgetExceededError, ConfigError
from langchain_aegis.eval.dataset import EvalItem
from langchain_aegis.eval.scorers import clamp_score, resolve_scorer

if TYPE_CHECKING:
    from langchain_core.outputs import ChatResult

    from langchain_aegis.config.models import AegisConfig, ShadowConfig
    from langchain_aegis.dispatch.dispatcher import CallLog, CallPlan, Dispatcher
    from langchain_aegis.eval.quality_metrics import QualityMetrics
    from langchain_aegis.eval.scorers import Scorer
    from langchain_aegis.eval.store import QualityStore

__all__ = ["ShadowSampler"]

logger = logging.getLogger("langchain_aegis")


class ShadowSampler:
    """Draws shadow samples after answered calls and runs them on background workers.

    Args:
        config: the validated config; its rollouts' ``shadow`` sections.
        dispatcher: the model's dispatcher, so shadow calls get budgets and the egress gate.
        store: where scored pairs go.
        metrics: counts shadow calls and their cost; optional.
        on_pair: called as ``on_pair(rule, now)`` after a pair is stored (the guard re-evaluates).
        seed: seeds the sampling draw (tests); random otherwise.
        max_in_flight: shadow calls waiting at once before new samples are dropped.
        workers: background threads that make the shadow calls.

    Raises:
        ConfigError: a shadow scorer is unknown or needs a judge model.
    """

    def __init__(
        self,
        config: AegisConfig,
        dispatcher: Dispatcher,
        store: QualityStore,
        metrics: QualityMetrics | None = None,
        *,
        on_pair: Callable[[str, float], Any] | None = None,
        seed: int | None = None,
        max_in_flight: int = 8,
        workers: int = 2,
    ) -> None:
        self.config = config
        self.dispatcher = dispatcher
        self.store = store
        self.metrics = metrics
        self.on_pair = on_pair
        self.rules: dict[str, ShadowConfig] = {
            rule: cfg.shadow for rule, cfg in config.routing.rollouts.items() if cfg.shadow is not None
        }
        self._scorers: dict[str, Scorer] = {}
        for rule, shadow in self.rules.items():
            try:
                self._scorers[rule] = resolve_scorer(shadow.scorer)
            except ConfigError as exc:
                raise ConfigError(f"routing.rollouts.{rule}.shadow.scorer: {exc}") from None
        self._rng = random.Random(seed)
        # A few long-lived workers and a bounded queue: threads (and their event loops and
        # connections) are reused, and a burst beyond the queue is dropped, never queued up.
        self._queue: queue.Queue[tuple[CallPlan, str, ShadowConfig]] = queue.Queue(maxsize=max_in_flight)
        self._workers: list[threading.Thread] = []
        self._worker_count = workers
        self._lock = threading.Lock()
        self.sampled = 0
        """Calls drawn for shadowing so far (including dropped ones)."""

    def __call__(self, plan: CallPlan, log: CallLog, result: ChatResult) -> bool:
        """Maybe shadow one answered call; returns whether it was sampled. Never blocks on the shadow call."""
        decision = plan.decision
        shadow = self.rules.get(decision.rule)
        if shadow is None or decision.privacy == "local_only":
            return False  # never for private calls
        if log.served_by != decision.provider or log.served_by == shadow.baseline:
            return False  # a fallback answered: there is no treated answer to compare
        with self._lock:
            if self._rng.random() >= shadow.share:
                return False
            self.sampled += 1
        try:
            self._queue.put_nowait((plan, _text(result), shadow))
        except queue.Full:
            self._count(decision.rule, shadow.baseline, "dropped", 0.0)
            return True
        self._start_workers()
        return True

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every queued shadow call has finished; ``False`` if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    # -- private -------------------------------------------------------

    def _start_workers(self) -> None:
        with self._lock:
            while len(self._workers) < self._worker_count:
                worker = threading.Thread(target=self._work, name=f"aegis-shadow-{len(self._workers)}", daemon=True)
                self._workers.append(worker)
                worker.start()

    def _work(self) -> None:
        while True:
            plan, answer, shadow = self._queue.get()
            try:
                self._run(plan, answer, shadow)
            finally:
                self._queue.task_done()

    def _run(self, plan: CallPlan, answer: str, shadow: ShadowConfig) -> None:
        from langchain_aegis.dispatch.dispatcher import CallLog

        rule, baseline = plan.decision.rule, shadow.baseline
        log = CallLog()
        status = "failed"
        try:
            decision = replace(
                plan.decision,
                provider=baseline,
                model=self.config.providers[baseline].model,
                fallbacks=(),
                reason=f"shadow call for rule {rule}",
            )
            result = self.dispatcher.invoke(replace(plan, decision=decision, model_override=None), log)
            status = "ok"
            self._score(rule, plan, answer, _text(result))
        except BudgetExceededError:
            status = "budget"
        except AegisError as exc:
            logger.info("aegis: shadow call to %s for rule %s failed (%s)", baseline, rule, type(exc).__name__)
        except Exception:
            logger.exception("aegis: shadow comparison for rule %s failed", rule)
        finally:
            self._count(rule, baseline, status, log.cost)

    def _score(self, rule: str, plan: CallPlan, treated_answer: str, baseline_answer: str) -> None:
        scorer = self._scorers[rule]
        item = EvalItem(id=f"shadow:{rule}", messages=_messages(plan))
        if getattr(scorer, "needs_reference", False):
            treated = clamp_score(scorer(replace(item, expected=baseline_answer), treated_answer), rule)
            base = 1.0
        else:
            treated = clamp_score(scorer(item, treated_answer), rule)
            base = clamp_score(scorer(item, baseline_answer), rule)
        now = time.time()
        self.store.add_pair(rule, treated, base, now)
        if self.on_pair is not None:
            self.on_pair(rule, now)

    def _count(self, rule: str, baseline: str, status: str, cost: float) -> None:
        if self.metrics is not None:
            self.metrics.shadow_call(rule, baseline, status, cost)


def _text(result: ChatResult) -> str:
    message = result.generations[0].message if result.generations else None
    if message is None:
        return ""
    return message.text if isinstance(message.text, str) else str(message.content)


def _messages(plan: CallPlan) -> tuple[BaseMessage, ...]:
    try:
        return tuple(convert_to_messages([m for m in plan.messages if isinstance(m, dict)]))
    except (ValueError, NotImplementedError, TypeError):
        return ()
