"""``record_feedback``: an online quality score for a call, attributed to its provider and rule.

A score names its call by the answer message (``response_metadata["aegis"]``
says which provider answered and which rule fired) or by the LangChain run id
(the LangSmith run id): the models remember the last
:data:`RECENT_RUNS` run ids of ``invoke``/``batch`` calls. The score is kept
per window in the model's state store (see :mod:`langchain_aegis.eval.store`),
where a rollout guard with ``max_quality_regression`` reads it, and published
as ``llm_quality_score``. With ``langsmith=True`` (or a ``langsmith.Client``)
it is also sent to LangSmith as feedback on the traced run.

It must not change routing itself: the rollout guard reads the scores and
decides.

Example:
    .. code-block:: python

        from langchain_aegis import record_feedback

        answer = llm.invoke("Extract the parties ...")
        record_feedback(answer, 0.8)  # e.g. a reviewer's grade, or a check downstream
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_aegis.eval.quality_metrics import QualityMetrics
    from langchain_aegis.eval.store import QualityStore

__all__ = ["RECENT_RUNS", "Feedback", "QualitySink", "record_feedback", "remember_run"]

logger = logging.getLogger("langchain_aegis")

RECENT_RUNS = 10_000
"""How many run ids are remembered for :func:`record_feedback` (oldest forgotten first)."""

METRIC_WINDOW_SECONDS = 3600.0


class QualitySink:
    """Where one model's quality scores go: its state store, its metrics, its rollout guard.

    Args:
        store: the windowed score store.
        metrics: publishes ``llm_quality_score``; optional.
        on_score: called as ``on_score(rule, now)`` after a ``quality`` score, so
            the rollout guard can re-evaluate the rule.
    """

    def __init__(
        self,
        store: QualityStore,
        metrics: QualityMetrics | None = None,
        on_score: Callable[[str, float], None] | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.on_score = on_score

    def record(self, provider: str, rule: str, score: float, key: str, now: float) -> None:
        """Store one score; publish and re-evaluate for the ``quality`` key."""
        self.store.add(provider, rule, score, now, key=key)
        if key != "quality":
            return
        if self.metrics is not None:
            self.metrics.count_feedback(provider, rule)
            mean = self.store.sums(provider, rule, now - METRIC_WINDOW_SECONDS, now).mean
            self.metrics.set_score(provider, rule, mean)
        if self.on_score is not None:
            try:
                self.on_score(rule, now)
            except Exception:  # the guard's trouble is not the caller's
                logger.exception("aegis: re-evaluating rollout %s after feedback failed", rule)


@dataclass(frozen=True, slots=True)
class Feedback:
    """Where a score was attributed.

    Attributes:
        provider: the provider that answered.
        rule: the routing rule that fired.
        run_id: the LangChain/LangSmith run id, when known.
        key: the feedback key.
        score: the score recorded.
    """

    provider: str
    rule: str
    run_id: str | None
    key: str
    score: float


_lock = threading.Lock()
_runs: OrderedDict[str, tuple[str, str, str | None, weakref.ref[QualitySink]]] = OrderedDict()
_default: list[weakref.ref[QualitySink]] = []


def set_default_sink(sink: QualitySink) -> None:
    """Make ``sink`` receive scores for messages whose run id is not remembered (the latest model built)."""
    with _lock:
        _default[:] = [weakref.ref(sink)]


def remember_run(run_id: Any, provider: str, rule: str, sink: QualitySink, *, message_id: str | None = None) -> None:
    """Remember which provider and rule served ``run_id`` (and the answer's message id), in a bounded LRU."""
    run = None if run_id is None else str(run_id)
    entry = (provider, rule, run, weakref.ref(sink))
    with _lock:
        for key in {k for k in (run, message_id and f"msg:{message_id}") if k}:
            _runs[key] = entry
            _runs.move_to_end(key)
        while len(_runs) > RECENT_RUNS:
            _runs.popitem(last=False)


def _run_id_of(message: Any) -> str | None:
    mid = getattr(message, "id", None)
    if not isinstance(mid, str):
        return None
    raw = mid.removeprefix("lc_run-").removeprefix("run-").lstrip("-")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def record_feedback(
    message_or_run_id: Any,
    score: float,
    key: str = "quality",
    *,
    comment: str | None = None,
    langsmith: Any = False,
    now: float | None = None,
) -> Feedback:
    """Attribute a score in ``[0, 1]`` to the provider and rule that served a call.

    Args:
        message_or_run_id: the answer (an ``AIMessage`` with ``response_metadata["aegis"]``,
            or the last chunk of a stream) or the call's run id (``str`` or ``UUID``).
        score: 0 (worthless) to 1 (perfect).
        key: the feedback key; only ``quality`` feeds rollouts and ``llm_quality_score``.
        comment: sent to LangSmith with the score.
        langsmith: ``True`` to send the score to LangSmith with a default
            ``langsmith.Client()``, or a client to use.
        now: the time of the score (seconds since the epoch); ``time.time()`` by default.

    Returns:
        Where the score went.

    Raises:
        ValueError: the score is not a number in ``[0, 1]``, or the call is unknown
            (a run id not among the recent ones, a message without Aegis metadata).
    """
    if isinstance(score, bool) or not isinstance(score, (int, float)) or math.isnan(score) or not 0 <= score <= 1:
        raise ValueError(f"record_feedback: score must be a number in [0, 1], got {score!r}")
    when = time.time() if now is None else now
    provider, rule, run_id, sink = _resolve(message_or_run_id)
    if sink is None:
        raise ValueError("record_feedback: no AegisChatModel has been created in this process; nothing to record to")
    sink.record(provider, rule, float(score), key, when)
    if langsmith and run_id is not None:
        _to_langsmith(langsmith, run_id, key, float(score), comment)
    return Feedback(provider, rule, run_id, key, float(score))


def _resolve(target: Any) -> tuple[str, str, str | None, QualitySink | None]:
    meta = getattr(target, "response_metadata", None)
    if meta is None:
        keys = [str(target)]
        run_id: str | None = str(target)
    else:
        # The provider's message id when it gave one, else LangChain's "lc_run-<run id>".
        run_id = _run_id_of(target)
        keys = [k for k in (f"msg:{getattr(target, 'id', None)}", run_id) if k]
    with _lock:
        known = next((_runs[k] for k in keys if k in _runs), None)
        default = _default[0]() if _default else None
    if known is not None:
        provider, rule, known_run, ref = known
        return provider, rule, known_run or run_id, ref() or default
    if isinstance(meta, dict) and isinstance(meta.get("aegis"), dict):
        aegis = meta["aegis"]
        provider = aegis.get("served_by") or aegis.get("provider")
        rule = aegis.get("rule")
        if isinstance(provider, str) and isinstance(rule, str):
            return provider, rule, run_id, default
    what = (
        "this message has no response_metadata['aegis']"
        if meta is not None
        else f"run id {target!r} is not among the last {RECENT_RUNS} calls"
    )
    raise ValueError(f"record_feedback: cannot tell which provider served the call: {what}")


def _to_langsmith(langsmith: Any, run_id: str, key: str, score: float, comment: str | None) -> None:
    try:
        if langsmith is True:
            from langsmith import Client

            langsmith = Client()
        langsmith.create_feedback(run_id, key=key, score=score, comment=comment)
    except Exception as exc:  # the score is stored locally; LangSmith is best effort
        logger.warning("aegis: sending feedback to LangSmith failed (%s)", type(exc).__name__)
