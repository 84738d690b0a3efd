"""Run every dataset item through each chosen provider, and score the answers.

Each call goes through the :class:`AegisChatModel` with the provider forced by
the ``provider`` fact, so budgets, the egress gate and accounting apply as to
any call. Before a call, the router's own decision (``llm.explain``) tells
whether the item is private (by its facts or the detector): a private item is
run only on local providers and counted as skipped on the others.

Scoring: a failed call scores 0 (a provider that fails is worth less); an item
skipped for privacy is left out of that provider's mean and out of its delta
to the baseline.

It must not reach a provider except through the router, and must never send a
private item to a cloud provider.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from langchain_aegis.errors import AegisError, ConfigError
from langchain_aegis.eval.scorers import clamp_score

if TYPE_CHECKING:
    from langchain_aegis.chat_models import AegisChatModel
    from langchain_aegis.eval.dataset import EvalItem
    from langchain_aegis.eval.scorers import Scorer

__all__ = ["EvalResult", "Outcome", "run_eval"]

Status = Literal["ok", "failed", "skipped_private"]

ProgressFn = Callable[[int, int, str], None]
"""Called as ``progress(done, total, label)`` after each call."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One item on one provider.

    Attributes:
        item_id: the item.
        provider: the provider asked.
        status: ``ok``, ``failed`` (an error, or a fallback answered) or ``skipped_private``.
        score: the scorer's value; 0 for a failure.
        latency_s: wall time of the call.
        cost_usd: the settled cost.
        error: why it failed, if it did.
        answer: the answer text (empty unless ``ok``).
    """

    item_id: str
    provider: str
    status: Status
    score: float = 0.0
    latency_s: float = 0.0
    cost_usd: float = 0.0
    error: str | None = None
    answer: str = ""


@dataclass(frozen=True)
class EvalResult:
    """Everything one evaluation produced; :mod:`langchain_aegis.eval.report` summarises it."""

    providers: tuple[str, ...]
    baseline: str
    scorer: str
    items: tuple[EvalItem, ...]
    outcomes: tuple[Outcome, ...]
    local_providers: frozenset[str]
    label: str = ""

    def of(self, provider: str) -> list[Outcome]:
        """The outcomes of one provider, in item order."""
        return [o for o in self.outcomes if o.provider == provider]


def run_eval(
    llm: AegisChatModel,
    items: Sequence[EvalItem],
    providers: Sequence[str],
    *,
    scorer: Scorer,
    scorer_name: str = "",
    baseline: str | None = None,
    progress: ProgressFn | None = None,
    label: str = "",
) -> EvalResult:
    """Evaluate ``providers`` on ``items``, one call after another.

    Args:
        llm: the model whose config names the providers.
        items: the dataset.
        providers: provider names to compare.
        scorer: scores each answer.
        scorer_name: for the report.
        baseline: the provider the others are compared to; the first one by default.
        progress: called after each call.
        label: a note printed above the report (e.g. what stands in for the providers).

    Raises:
        ConfigError: a provider is not configured, or the baseline is not among ``providers``.
    """
    config = llm.aegis_config
    unknown = [p for p in providers if p not in config.providers]
    if unknown or not providers:
        raise ConfigError(
            f"--providers: {', '.join(unknown) or '(none)'} not configured; configured: {', '.join(config.providers)}"
        )
    baseline = baseline or providers[0]
    if baseline not in providers:
        raise ConfigError(f"--baseline {baseline!r} must be one of --providers ({', '.join(providers)})")
    local = frozenset(config.local_providers())
    total, done = len(items) * len(providers), 0
    outcomes: list[Outcome] = []
    for item in items:
        for provider in providers:
            outcomes.append(_one(llm, item, provider, scorer, scorer_name, local))
            done += 1
            if progress is not None:
                progress(done, total, f"{item.id} on {provider}")
    return EvalResult(tuple(providers), baseline, scorer_name, tuple(items), tuple(outcomes), local, label)


def _one(
    llm: AegisChatModel, item: EvalItem, provider: str, scorer: Scorer, scorer_name: str, local: frozenset[str]
) -> Outcome:
    facts: dict[str, Any] = {**item.facts, "provider": provider}
    run_config: Any = {"metadata": {"aegis": facts}, "run_name": f"aegis eval {item.id}"}
    if provider not in local:
        # The router's own verdict, detector included: what is private for a call is private here.
        decision = llm.explain(list(item.messages), run_config)
        if decision.privacy == "local_only":
            return Outcome(item.id, provider, "skipped_private", error=f"private ({decision.local_only_source})")
    started = time.perf_counter()
    try:
        message = llm.invoke(list(item.messages), run_config)
    except AegisError as exc:
        return Outcome(item.id, provider, "failed", latency_s=time.perf_counter() - started, error=_why(exc))
    latency = time.perf_counter() - started
    meta = message.response_metadata.get("aegis", {})
    cost = float(meta.get("cost_usd") or 0.0)
    served = meta.get("served_by")
    if served != provider:
        # A fallback answered: its quality is not this provider's.
        return Outcome(item.id, provider, "failed", 0.0, latency, cost, f"served by {served} (fallback)")
    answer = message.text if isinstance(message.text, str) else str(message.content)
    try:
        score = clamp_score(scorer(item, answer), scorer_name)
    except AegisError as exc:  # a model-based scorer whose judge call failed
        return Outcome(item.id, provider, "failed", 0.0, latency, cost, f"scorer: {_why(exc)}", answer)
    return Outcome(item.id, provider, "ok", score, latency, cost, None, answer)


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}"
