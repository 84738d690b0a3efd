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

Quality comes as :class:`QualityStats`: running sums of scores for the rule and
its baseline, paired (shadow calls) or not (feedback), with a normal interval.

At share 0 no traffic reaches the provider, so the guard never advances from
there by itself: an operator runs ``aegis rollout advance RULE``
(:func:`advance`).

This module is pure: no clock reads, no I/O, no logging. Time is always the
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

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, NamedTuple

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

MONTH_SECONDS = 30 * 24 * 3600.0
"""The month a monthly budget is spread over when prorating it to a window."""

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


class Sample(NamedTuple):
    """One provider attempt as the guard sees it."""

    at: float
    ok: bool
    latency_ms: float
    cost_usd: float = 0.0


@dataclass(frozen=True, slots=True)
class WindowStats:
    """Health of a provider over the evaluation window.

    Attributes:
        calls: attempts in the window.
        errors: failed attempts among them.
        p95_latency_ms: 95th percentile (nearest rank) of attempt latency; 0 when empty.
        cost_usd: cost settled in the window.
        budget_usd_for_window: the share of the monthly budget the window may
            spend (see :func:`prorated_budget`); ``None`` when the provider has no budget.
    """

    calls: int
    errors: int
    p95_latency_ms: float
    cost_usd: float
    budget_usd_for_window: float | None = None
    quality: QualityStats | None = None

    @property
    def error_rate(self) -> float:
        """``errors / calls``; 0 when there were no calls."""
        return self.errors / self.calls if self.calls else 0.0


@dataclass(frozen=True, slots=True)
class ScoreSums:
    """Running sums of scores: enough for a mean and a variance, and cheap to store and merge."""

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def add(self, score: float) -> ScoreSums:
        """These sums with one more score."""
        return ScoreSums(self.n + 1, self.total + score, self.total_sq + score * score)

    def merge(self, other: ScoreSums) -> ScoreSums:
        """The sums of both sets of scores."""
        return ScoreSums(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)

    @property
    def mean(self) -> float:
        """The mean score; 0 when empty."""
        return self.total / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """The sample variance (``n - 1``); 0 below two scores."""
        if self.n < 2:
            return 0.0
        return max(self.total_sq - self.total * self.total / self.n, 0.0) / (self.n - 1)


Z95 = 1.959964
"""The two-sided 95% quantile of the standard normal distribution."""


@dataclass(frozen=True, slots=True)
class QualityStats:
    """The treated route's quality against the baseline's over the window.

    Attributes:
        treated: scores of the rule's provider.
        baseline: scores of the baseline provider.
        diffs: per-request ``treated - baseline`` differences when the scores are
            paired (shadow calls); ``None`` for independent samples (feedback).
    """

    treated: ScoreSums
    baseline: ScoreSums
    diffs: ScoreSums | None = None

    @property
    def samples(self) -> int:
        """The evidence behind the comparison: pairs, or the smaller of the two samples."""
        return self.diffs.n if self.diffs is not None else min(self.treated.n, self.baseline.n)

    @property
    def delta(self) -> float:
        """Mean treated score minus mean baseline score."""
        return self.diffs.mean if self.diffs is not None else self.treated.mean - self.baseline.mean

    @property
    def relative(self) -> float:
        """``delta`` as a fraction of the baseline's mean (``delta`` itself for a zero baseline)."""
        base = self.baseline.mean
        return self.delta / base if base > 0 else self.delta

    def interval(self) -> tuple[float, float]:
        """The 95% interval of ``delta`` (normal approximation; Welch's for independent samples)."""
        if self.diffs is not None:
            se = math.sqrt(self.diffs.variance / self.diffs.n) if self.diffs.n else math.inf
        elif self.treated.n and self.baseline.n:
            se = math.sqrt(self.treated.variance / self.treated.n + self.baseline.variance / self.baseline.n)
        else:
            se = math.inf
        return self.delta - Z95 * se, self.delta + Z95 * se

    def describe(self) -> str:
        """The figures, for a reason: means, relative change, interval and sample count."""
        low, high = self.interval()
        kind = "pairs" if self.diffs is not None else "scores"
        return (
            f"quality {self.treated.mean:.3f} vs baseline {self.baseline.mean:.3f} "
            f"({self.relative * 100:+.1f}%, 95% CI of the difference [{low:+.3f}, {high:+.3f}], "
            f"{self.samples} {kind})"
        )


def prorated_budget(monthly_limit: float, seconds: float) -> float:
    """The part of a monthly budget that ``seconds`` of spending may use, spread evenly over 30 days."""
    return monthly_limit * max(seconds, 0.0) / MONTH_SECONDS


def window_stats(
    samples: Iterable[Sample],
    now: float,
    window_seconds: float,
    *,
    since: float | None = None,
    monthly_budget_usd: float | None = None,
) -> WindowStats:
    """Summarise the samples in ``[max(now - window_seconds, since), now]``.

    Passing the state's ``since`` keeps evidence from before the last change
    out of the judgement, so one bad burst causes one rollback, not a cascade.

    Args:
        samples: attempts, in any order; older ones are ignored.
        now: the end of the window.
        window_seconds: the window's length.
        since: do not look before this instant.
        monthly_budget_usd: the provider's monthly limit, prorated to the
            window's effective length for ``budget_usd_for_window``.
    """
    start = now - window_seconds if since is None else max(now - window_seconds, since)
    # Closed at the start: a call made at the instant a rollout starts ran under its share.
    inside = [s for s in samples if start <= s.at <= now]
    latencies = sorted(s.latency_ms for s in inside)
    p95 = latencies[max(math.ceil(0.95 * len(latencies)) - 1, 0)] if latencies else 0.0
    budget = None if monthly_budget_usd is None else prorated_budget(monthly_budget_usd, now - start)
    return WindowStats(
        calls=len(inside),
        errors=sum(1 for s in inside if not s.ok),
        p95_latency_ms=p95,
        cost_usd=sum(s.cost_usd for s in inside),
        budget_usd_for_window=budget,
    )


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
