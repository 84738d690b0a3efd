"""The evidence a rollout is judged on: attempt samples, window health and quality comparisons.

It owns :class:`Sample` (one attempt as the guard sees it), :func:`window_stats`
(error rate, p95 latency and cost over a window, with the monthly budget
prorated to it) and the quality figures: :class:`ScoreSums`, running sums that
are cheap to store and merge, and :class:`QualityStats`, the treated route
against its baseline with a normal 95% interval. It must not decide anything
(``policy.py`` does) and, like the policy, must not read a clock, do I/O or log.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "MONTH_SECONDS",
    "Z95",
    "QualityStats",
    "Sample",
    "ScoreSums",
    "WindowStats",
    "prorated_budget",
    "window_stats",
]

MONTH_SECONDS = 30 * 24 * 3600.0
"""The month a monthly budget is spread over when prorating it to a window."""


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
