"""Quality scores per time window, kept in the rollout state store (memory, SQLite or Redis).

Scores are not stored one by one: each key holds running sums per time
bucket (``[first, n, sum, sum of squares]``), enough for a mean and a normal
interval, and bounded by the horizon. Keys:

- ``quality:{key}:{rule}:{provider}``: scores of calls a rule sent to a provider;
- ``quality:{key}:*:{provider}``: the same provider under any rule (a baseline's scores);
- ``quality:shadow:{rule}``: paired scores from shadow calls (treated, baseline, difference).

Writes are read-modify-write under a process lock. Workers sharing a SQLite or
Redis store can lose an update when they write the same key at the same
instant: the guard then judges on slightly fewer scores, never on wrong ones.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

from langchain_aegis.rollout.evidence import QualityStats, ScoreSums

if TYPE_CHECKING:
    from langchain_aegis.state import StateStore

__all__ = ["ANY_RULE", "QualityStore"]

ANY_RULE = "*"
_PREFIX = "quality:"


class QualityStore:
    """Windowed quality sums in a :class:`~langchain_aegis.rollout.guard.StateStore`.

    Args:
        store: the shared store (the budget ledger, or an in-memory one).
        bucket_seconds: the time resolution of a window.
        horizon_seconds: how far back scores are kept.
    """

    def __init__(self, store: StateStore, *, bucket_seconds: float = 10.0, horizon_seconds: float = 3600.0) -> None:
        if bucket_seconds <= 0 or horizon_seconds <= 0:
            raise ValueError("bucket_seconds and horizon_seconds must be positive")
        self.store = store
        self.bucket_seconds = bucket_seconds
        self.horizon_seconds = max(horizon_seconds, bucket_seconds)
        self._lock = threading.Lock()

    # -- writing -------------------------------------------------------

    def add(self, provider: str, rule: str, score: float, now: float, *, key: str = "quality") -> None:
        """Record one score of a call ``rule`` sent to ``provider``."""
        for which in (rule, ANY_RULE):
            self._bump(f"{_PREFIX}{key}:{which}:{provider}", now, (score, score * score))

    def add_pair(self, rule: str, treated: float, baseline: float, now: float) -> None:
        """Record a shadow pair: the rule's answer and the baseline's, scored on the same request."""
        diff = treated - baseline
        values = (treated, treated * treated, baseline, baseline * baseline, diff, diff * diff)
        self._bump(f"{_PREFIX}shadow:{rule}", now, values)

    # -- reading -------------------------------------------------------

    def sums(self, provider: str, rule: str | None, start: float, now: float, *, key: str = "quality") -> ScoreSums:
        """Scores of ``provider`` (under ``rule``, or any rule for ``None``) in ``[start, now]``."""
        rows = self._rows(f"{_PREFIX}{key}:{rule or ANY_RULE}:{provider}", start, now)
        return ScoreSums(sum(int(r[1]) for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows))

    def pairs(self, rule: str, start: float, now: float) -> QualityStats | None:
        """The shadow pairs of ``rule`` in ``[start, now]``, or ``None`` when there are none."""
        rows = self._rows(f"{_PREFIX}shadow:{rule}", start, now)
        n = sum(int(r[1]) for r in rows)
        if n == 0:
            return None
        col = [sum(r[i] for r in rows) for i in range(2, 8)]
        return QualityStats(ScoreSums(n, col[0], col[1]), ScoreSums(n, col[2], col[3]), ScoreSums(n, col[4], col[5]))

    def stats(self, rule: str, provider: str, baseline: str, start: float, now: float) -> QualityStats | None:
        """The rule's quality against the baseline: shadow pairs when there are any, else feedback scores."""
        paired = self.pairs(rule, start, now)
        if paired is not None:
            return paired
        treated = self.sums(provider, rule, start, now)
        base = self.sums(baseline, None, start, now)
        if treated.n == 0 and base.n == 0:
            return None
        return QualityStats(treated, base)

    # -- private -------------------------------------------------------

    def _bucket(self, at: float) -> float:
        return math.floor(at / self.bucket_seconds) * self.bucket_seconds

    def _bump(self, key: str, now: float, values: tuple[float, ...]) -> None:
        # A row is [time of its first score, n, sums...]; it takes scores until its bucket ends.
        with self._lock:
            rows = [r for r in self._load(key) if r[0] > now - self.horizon_seconds]
            if rows and self._bucket(rows[-1][0]) == self._bucket(now) and rows[-1][0] <= now:
                last = rows[-1]
                rows[-1] = [last[0], last[1] + 1, *(a + b for a, b in zip(last[2:], values, strict=True))]
            else:
                rows.append([now, 1, *values])
                rows.sort(key=lambda r: r[0])
            self.store.put_state(key, {"b": rows})

    def _rows(self, key: str, start: float, now: float) -> list[list[float]]:
        # A row counts only when its first score is inside the window: after a rollback, the
        # scores that caused it are not judged again (at the cost of one bucket's later scores).
        return [r for r in self._load(key) if start <= r[0] <= now]

    def _load(self, key: str) -> list[list[Any]]:
        raw = self.store.get_state(key)
        rows = raw.get("b") if isinstance(raw, dict) else None
        if not isinstance(rows, list):
            return []
        return [list(r) for r in rows if isinstance(r, list) and len(r) >= 4]
