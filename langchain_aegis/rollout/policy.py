"""Gradual rollout: the pure guard that advances or rolls back a rule's traffic share.

A rollout moves a rule's share of traffic through ``RolloutConfig.steps``
(``0.1 → 0.3 → 0.5 → 0.75 → 1.0`` by default). :func:`evaluate` looks at the
recent calls of the rule's provider and decides, in this order:

1. fewer than ``min_calls`` calls since the last change → **hold** (not enough evidence);
2. error rate above ``max_error_rate``, p95 latency above ``max_p95_latency_ms``,
   or cost above the window's prorated budget * (1 + ``max_cost_overrun``)
   → **rollback** one step (from the first step, to share 0);
   and, with ``max_quality_regression`` set, quality more than that fraction
   below the baseline's (at least ``min_quality_samples`` scores, and the 95%
   interval of the difference below zero) → **rollback** one step;
3. healthy and ``hold_seconds`` passed since the last change → **advance** one
   step, unless ``min_quality_gain`` is set and the mean quality is not at
   least that much above the baseline's (then **hold**);
4. otherwise → **hold**.

The evidence (:class:`WindowStats`, :class:`QualityStats`, :func:`window_stats`)
is summarised by :mod:`langchain_aegis.rollout.evidence` and re-exported here.

At share 0 no traffic reaches the provider, so the guard never advances from
there by itself: an operator runs ``aegis rollout advance RULE``
(:func:`advance`).

This module owns the decision and the state it moves. It must not read a
clock, do I/O or log. Time is always the
caller's ``now`` (seconds, any epoch). :mod:`langchain_aegis.rollout.guard`
holds the adapter that keeps windows, persists state and logs.

Example:
    .. code-block:: python

        cfg = RolloutConfig(steps=[0.1, 0.5, 1.0], hold_seconds=600, min_calls=20)
        state = RolloutState.initial("critical_to_openai", cfg, now=0.0)
        stats = window_stats(samples, now=900.0, window_seconds=cfg.window_seconds, since=state.since)
        state, event = evaluate(state, stats, cfg, now=900.0)
        event.reason  # 'advance: healthy for 900s (0 errors in 25 calls, p95 310ms)'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from langchain_aegis.rollout.evidence import (
    MONTH_SECONDS,
    QualityStats,
    Sample,
    ScoreSums,
    WindowStats,
    prorated_budget,
    window_stats,
)

if TYPE_CHECKING:
    from langchain_aegis.config.models import RolloutConfig

__all__ = [
    "MONTH_SECONDS",
    "QualityStats",
    "RolloutAction",
    "RolloutEvent",
    "RolloutState",
    "Sample",
    "ScoreSums",
    "WindowStats",
    "advance",
    "evaluate",
    "prorated_budget",
    "rollback",
    "window_stats",
]

RolloutAction = Literal["advance", "rollback", "hold"]

HISTORY_LIMIT = 50
"""Transitions kept in :attr:`RolloutState.history`; older ones are dropped so stored state stays small."""


@dataclass(frozen=True, slots=True)
class RolloutEvent:
    """One decision of the guard or an operator, with its explanation.

    Attributes:
        at: when it was decided (the caller's clock).
        action: ``advance``, ``rollback`` or ``hold``.
        from_share: share before.
        to_share: share after (equal to ``from_share`` for a hold).
        reason: a sentence for logs and ``aegis rollout status``.
    """

    at: float
    action: RolloutAction
    from_share: float
    to_share: float
    reason: str


@dataclass(frozen=True, slots=True)
class RolloutState:
    """Where one rule's rollout stands.

    Attributes:
        rule: the routing rule being rolled out.
        step_index: index into ``RolloutConfig.steps``; ``-1`` means share 0.
        share: the traffic share in force, in ``[0, 1]``.
        since: when the share last changed; health is judged from here on.
        reason: why the share is what it is.
        history: the most recent advances and rollbacks, oldest first.
    """

    rule: str
    step_index: int
    share: float
    since: float
    reason: str
    history: tuple[RolloutEvent, ...] = ()

    @classmethod
    def initial(cls, rule: str, cfg: RolloutConfig, now: float) -> RolloutState:
        """A rollout at its first step."""
        return cls(rule=rule, step_index=0, share=_steps(cfg)[0], since=now, reason="rollout started")


def evaluate(
    state: RolloutState, stats: WindowStats, cfg: RolloutConfig, now: float
) -> tuple[RolloutState, RolloutEvent]:
    """Decide whether the rollout holds, advances or rolls back.

    Args:
        state: the rollout as it stands.
        stats: the rule provider's health since ``state.since`` (see :func:`window_stats`).
        cfg: the rule's steps and limits.
        now: the caller's clock.

    Returns:
        The new state (``state`` itself on a hold) and the event that explains it.
    """
    window = f"over {_secs(cfg.window_seconds)}"
    if stats.calls < cfg.min_calls:
        return _hold(state, now, f"hold: {stats.calls} calls < min {cfg.min_calls} {window}")
    breach = _breach(stats, cfg, window)
    if breach is not None:
        return rollback(state, cfg, now, f"rollback: {breach}")
    held = now - state.since
    if held < cfg.hold_seconds:
        return _hold(state, now, f"hold: healthy, {_secs(held)} of {_secs(cfg.hold_seconds)} hold")
    if state.step_index < 0:
        return _hold(state, now, "hold: share is 0; an operator must advance it")
    gate = _quality_gate(stats.quality, cfg)
    if gate is not None:
        return _hold(state, now, f"hold: {gate}")
    return advance(
        state,
        cfg,
        now,
        f"advance: healthy for {_secs(held)} ({stats.errors} errors in {stats.calls} calls, "
        f"p95 {stats.p95_latency_ms:.0f}ms)",
    )


def advance(state: RolloutState, cfg: RolloutConfig, now: float, reason: str) -> tuple[RolloutState, RolloutEvent]:
    """Move one step up (an operator's ``aegis rollout advance RULE`` or a healthy hold).

    At the last step this is a hold: the share is already at its maximum.
    """
    steps = _steps(cfg)
    if state.step_index >= len(steps) - 1:
        return _hold(state, now, f"hold: already at the last step ({_pct(state.share)})")
    return _move(state, state.step_index + 1, steps, now, "advance", reason)


def rollback(state: RolloutState, cfg: RolloutConfig, now: float, reason: str) -> tuple[RolloutState, RolloutEvent]:
    """Move one step down; from the first step, to share 0. At share 0 this is a hold."""
    if state.step_index < 0:
        return _hold(state, now, "hold: share is already 0")
    steps = _steps(cfg)
    # A stored index can outlive a config that lost steps; treat it as the last step that exists.
    return _move(state, min(state.step_index, len(steps) - 1) - 1, steps, now, "rollback", reason)


# -- private ----------------------------------------------------------


def _steps(cfg: RolloutConfig) -> tuple[float, ...]:
    # Config does not bound steps; clamping here keeps every share in [0, 1].
    steps = tuple(min(max(s, 0.0), 1.0) for s in cfg.steps)
    return steps or (1.0,)


def _breach(stats: WindowStats, cfg: RolloutConfig, window: str) -> str | None:
    calls = f"{stats.calls} calls"
    if stats.error_rate > cfg.max_error_rate:
        rate = f"{_pct(stats.error_rate)} > {_pct(cfg.max_error_rate)}"
        return f"error rate {rate} {window} ({stats.errors} of {calls})"
    if stats.p95_latency_ms > cfg.max_p95_latency_ms:
        return f"p95 latency {stats.p95_latency_ms:.0f}ms > {cfg.max_p95_latency_ms:.0f}ms {window} ({calls})"
    if stats.budget_usd_for_window is not None:
        allowed = stats.budget_usd_for_window * (1 + cfg.max_cost_overrun)
        if stats.cost_usd > allowed:
            return (
                f"cost ${stats.cost_usd:.4f} > ${allowed:.4f} "
                f"(window budget ${stats.budget_usd_for_window:.4f} + {_pct(cfg.max_cost_overrun)}) {window}"
            )
    q = stats.quality
    limit = cfg.max_quality_regression
    enough = limit is not None and q is not None and q.samples >= cfg.min_quality_samples
    # Both conditions: the drop is large enough to matter, and not explained by noise.
    if enough and q is not None and limit is not None and q.relative < -limit and q.interval()[1] < 0:
        return f"{q.describe()} is more than {_pct(limit)} below the baseline {window}"
    return None


def _quality_gate(q: QualityStats | None, cfg: RolloutConfig) -> str | None:
    """Why quality keeps the rollout from advancing, or ``None`` when it may advance."""
    gain = cfg.min_quality_gain
    if gain is None:
        return None
    if q is None or q.samples < cfg.min_quality_samples:
        have = 0 if q is None else q.samples
        return f"quality gate needs {cfg.min_quality_samples} scores, has {have}"
    if q.relative < gain:  # the point estimate: with a gain of 0, "advance only when quality >= baseline"
        return f"{q.describe()} is not at least {_pct(gain)} above the baseline"
    return None


def _move(
    state: RolloutState, index: int, steps: tuple[float, ...], now: float, action: RolloutAction, reason: str
) -> tuple[RolloutState, RolloutEvent]:
    share = steps[index] if index >= 0 else 0.0
    event = RolloutEvent(at=now, action=action, from_share=state.share, to_share=share, reason=reason)
    history = (*state.history, event)[-HISTORY_LIMIT:]
    new = replace(state, step_index=index, share=share, since=now, reason=reason, history=history)
    return new, event


def _hold(state: RolloutState, now: float, reason: str) -> tuple[RolloutState, RolloutEvent]:
    return state, RolloutEvent(at=now, action="hold", from_share=state.share, to_share=state.share, reason=reason)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _secs(value: float) -> str:
    return f"{value:.0f}s"
