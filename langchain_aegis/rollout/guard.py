"""The rollout guard's adapter: sample windows in memory, state in a shared store.

:mod:`langchain_aegis.rollout.policy` decides; this module feeds it and keeps the
result. :class:`RolloutGuard` turns :class:`~langchain_aegis.dispatch.records.CallRecord`
events into per-provider samples, asks :func:`~langchain_aegis.rollout.policy.evaluate`
what to do, saves the new :class:`~langchain_aegis.rollout.policy.RolloutState`
through a :class:`StateStore`, logs rollbacks and publishes
``llm_rollout_share``.

State lives in the store, not in the guard, so every worker sharing a budget
ledger (and the ``aegis rollout`` CLI) sees the same share. Sample windows stay
in process memory: each worker judges the calls it made.

It must not decide itself (only the policy does) and must not send a request.

Example:
    .. code-block:: python

        guard = RolloutGuard.from_config(config, store=InMemoryStateStore())
        share = guard.share("critical_to_openai")  # the router reads this
        events = guard.observe(call_record, now=time.time())
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from langchain_aegis.rollout.evidence import Sample, window_stats
from langchain_aegis.rollout.policy import RolloutEvent, RolloutState, advance, evaluate, rollback
from langchain_aegis.state import StateStore

if TYPE_CHECKING:
    from langchain_aegis.config.models import AegisConfig, RolloutConfig
    from langchain_aegis.dispatch.records import CallRecord
    from langchain_aegis.eval.store import QualityStore
    from langchain_aegis.observability.metrics import AegisMetrics

__all__ = [
    "RolloutGuard",
    "load_state",
    "save_state",
    "state_from_dict",
    "state_to_dict",
]

logger = logging.getLogger("langchain_aegis")

KEY_PREFIX = "rollout:"

# Failures that say nothing about the provider's health: the call never reached it.
# Outcomes where no request reached the provider: they say nothing about its health.
_NOT_PROVIDER_FAULTS = frozenset({"budget", "privacy", "circuit_open", "context_window", "deadline"})


def state_to_dict(state: RolloutState) -> dict[str, Any]:
    """A JSON-friendly form of ``state``."""
    return {
        "rule": state.rule,
        "step_index": state.step_index,
        "share": state.share,
        "since": state.since,
        "reason": state.reason,
        "history": [
            {"at": e.at, "action": e.action, "from_share": e.from_share, "to_share": e.to_share, "reason": e.reason}
            for e in state.history
        ],
    }


def state_from_dict(data: Mapping[str, Any]) -> RolloutState:
    """The inverse of :func:`state_to_dict`.

    Raises:
        KeyError, TypeError, ValueError: the stored object is not a rollout state.
    """
    history = tuple(
        RolloutEvent(
            at=float(e["at"]),
            action=e["action"],
            from_share=float(e["from_share"]),
            to_share=float(e["to_share"]),
            reason=str(e["reason"]),
        )
        for e in data.get("history", ())
    )
    return RolloutState(
        rule=str(data["rule"]),
        step_index=int(data["step_index"]),
        share=min(max(float(data["share"]), 0.0), 1.0),
        since=float(data["since"]),
        reason=str(data["reason"]),
        history=history,
    )


def load_state(store: StateStore, rule: str) -> RolloutState | None:
    """The stored state of ``rule``'s rollout, or ``None`` if there is none or it is unreadable."""
    raw = store.get_state(KEY_PREFIX + rule)
    if raw is None:
        return None
    try:
        return state_from_dict(raw)
    except (KeyError, TypeError, ValueError):
        # A corrupt record must not take routing down; the guard restarts the rollout instead.
        logger.warning("rollout %s: stored state is unreadable; restarting the rollout", rule)
        return None


def save_state(store: StateStore, state: RolloutState) -> None:
    """Store ``state`` under its rule's key."""
    store.put_state(KEY_PREFIX + state.rule, state_to_dict(state))


class RolloutGuard:
    """Keeps rollouts moving: records calls, evaluates, persists, logs.

    The guard never reads a clock; every method takes ``now`` (seconds since
    any fixed epoch, e.g. ``time.time()``). It is thread-safe within one process.

    Args:
        rollouts: rule name → its rollout config.
        providers: rule name → the provider the rule sends traffic to; its
            calls decide the rule's health.
        store: where states live; shared between workers.
        budgets: provider → monthly limit in USD, for the cost check.
        metrics: publishes ``llm_rollout_share`` when given.
        quality: quality scores (feedback, shadow pairs) for rollouts with a
            quality criterion (``max_quality_regression``, ``min_quality_gain``).
        baselines: rule name → the provider its quality is compared to.
    """

    def __init__(
        self,
        rollouts: Mapping[str, RolloutConfig],
        providers: Mapping[str, str],
        store: StateStore,
        *,
        budgets: Mapping[str, float] | None = None,
        metrics: AegisMetrics | None = None,
        quality: QualityStore | None = None,
        baselines: Mapping[str, str] | None = None,
    ) -> None:
        missing = set(rollouts) - set(providers)
        if missing:
            raise ValueError(f"no provider given for rollout rule(s): {', '.join(sorted(missing))}")
        self._rollouts = dict(rollouts)
        self._providers = {rule: providers[rule] for rule in rollouts}
        self._store = store
        self._budgets = dict(budgets or {})
        self._metrics = metrics
        self._quality = quality
        self._baselines = dict(baselines or {})
        self._horizon = max((c.window_seconds for c in self._rollouts.values()), default=0.0)
        self._samples: dict[str, deque[Sample]] = {p: deque() for p in self._providers.values()}
        self._lock = threading.RLock()

    @classmethod
    def from_config(
        cls,
        config: AegisConfig,
        store: StateStore,
        *,
        metrics: AegisMetrics | None = None,
        quality: QualityStore | None = None,
    ) -> RolloutGuard:
        """A guard for every rule listed under ``routing.rollouts``.

        A rule's quality baseline is its ``shadow.baseline``, else the default (local) provider.
        """
        providers = {rule.name: rule.provider for rule in config.effective_rules()}
        baselines = {
            rule: cfg.shadow.baseline if cfg.shadow is not None else config.default_provider()
            for rule, cfg in config.routing.rollouts.items()
        }
        return cls(
            config.routing.rollouts,
            providers,
            store,
            budgets=config.budgets.monthly_limits,
            metrics=metrics,
            quality=quality,
            baselines=baselines,
        )

    @property
    def rules(self) -> list[str]:
        """The rules under rollout."""
        return list(self._rollouts)

    def state(self, rule: str, now: float) -> RolloutState:
        """The rule's rollout state, starting it at its first step if none is stored.

        Raises:
            KeyError: ``rule`` has no rollout.
        """
        cfg = self._rollouts[rule]
        with self._lock:
            found = load_state(self._store, rule)
            if found is None:
                found = RolloutState.initial(rule, cfg, now)
                self._save(found)
            return found

    def share(self, rule: str) -> float:
        """The traffic share the router should give ``rule``.

        ``1.0`` for a rule with no rollout: the guard does not restrict it. A
        rollout with no stored state yet is at its first step; the state is
        stored on the first evaluation, which knows the time.
        """
        cfg = self._rollouts.get(rule)
        if cfg is None:
            return 1.0
        found = load_state(self._store, rule)
        if found is None:
            return RolloutState.initial(rule, cfg, 0.0).share
        self._publish(found)
        return found.share

    def view(self) -> dict[str, tuple[float, str]]:
        """Every rule under rollout with its share and the reason for it, in one read per rule."""
        out: dict[str, tuple[float, str]] = {}
        for rule, cfg in self._rollouts.items():
            found = load_state(self._store, rule) or RolloutState.initial(rule, cfg, 0.0)
            self._publish(found)
            out[rule] = (found.share, found.reason)
        return out

    def observe(self, record: CallRecord, now: float) -> list[RolloutEvent]:
        """Record a finished call and re-evaluate the rollouts whose provider it touched.

        Returns:
            The advances and rollbacks this caused (holds are not returned).
        """
        touched = self._record(record, now)
        rules = [rule for rule, provider in self._providers.items() if provider in touched]
        return [e for rule in rules if (e := self.evaluate(rule, now)).action != "hold"]

    def evaluate(self, rule: str, now: float) -> RolloutEvent:
        """Judge ``rule``'s provider over the current window; save and report any change."""
        cfg = self._rollouts[rule]
        provider = self._providers[rule]
        with self._lock:
            state = self.state(rule, now)
            stats = window_stats(
                tuple(self._samples[provider]),
                now,
                cfg.window_seconds,
                since=state.since,
                monthly_budget_usd=self._budgets.get(provider),
            )
            quality_criterion = cfg.max_quality_regression is not None or cfg.min_quality_gain is not None
            if self._quality is not None and quality_criterion:
                start = max(now - cfg.window_seconds, state.since)
                baseline = self._baselines.get(rule, provider)
                stats = replace(stats, quality=self._quality.stats(rule, provider, baseline, start, now))
            new, event = evaluate(state, stats, cfg, now)
            self._commit(new, event)
        return event

    def advance(self, rule: str, now: float, reason: str = "operator advance") -> RolloutEvent:
        """An operator's ``aegis rollout advance RULE``."""
        with self._lock:
            new, event = advance(self.state(rule, now), self._rollouts[rule], now, reason)
            self._commit(new, event)
        return event

    def rollback(self, rule: str, now: float, reason: str = "operator rollback") -> RolloutEvent:
        """An operator's ``aegis rollout rollback RULE``."""
        with self._lock:
            new, event = rollback(self.state(rule, now), self._rollouts[rule], now, reason)
            self._commit(new, event)
        return event

    # -- private ------------------------------------------------------

    def _record(self, record: CallRecord, now: float) -> set[str]:
        if record.attempts:
            samples = [
                (a.provider, Sample(now, a.outcome == "ok", a.duration_ms, self._cost_of(record, a.provider)))
                for a in record.attempts
                if a.outcome not in _NOT_PROVIDER_FAULTS
            ]
        elif record.status in _NOT_PROVIDER_FAULTS:
            samples = []
        else:
            provider = record.served_provider or record.requested_provider
            samples = [(provider, Sample(now, record.status == "ok", record.latency_s * 1000, record.cost_usd))]
        touched: set[str] = set()
        with self._lock:
            for provider, sample in samples:
                window = self._samples.get(provider)
                if window is None:  # not a provider under rollout
                    continue
                window.append(sample)
                touched.add(provider)
            self._prune(now)
        return touched

    @staticmethod
    def _cost_of(record: CallRecord, provider: str) -> float:
        # The settled cost belongs to the provider that answered.
        return record.cost_usd if provider == record.served_provider else 0.0

    def _prune(self, now: float) -> None:
        cutoff = now - self._horizon
        for window in self._samples.values():
            while window and window[0].at <= cutoff:
                window.popleft()

    def _commit(self, new: RolloutState, event: RolloutEvent) -> None:
        if event.action == "hold":
            return
        self._save(new)
        log = logger.warning if event.action == "rollback" else logger.info
        log(
            "rollout %s: %s %.0f%% -> %.0f%% (%s)",
            new.rule, event.action, event.from_share * 100, event.to_share * 100, event.reason,
        )  # fmt: skip

    def _save(self, state: RolloutState) -> None:
        save_state(self._store, state)
        self._publish(state)

    def _publish(self, state: RolloutState) -> None:
        if self._metrics is not None:
            self._metrics.set_rollout_share(state.rule, state.share)
