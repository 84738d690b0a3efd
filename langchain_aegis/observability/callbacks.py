"""LangChain callback handlers: what every chat-model call cost.

:class:`AegisCostCallbackHandler` works on any LangChain chat model, not only
the router: attach it to a plain ``ChatOpenAI`` to see what it spends::

    from langchain_openai import ChatOpenAI
    from langchain_aegis.observability.callbacks import AegisCostCallbackHandler

    costs = AegisCostCallbackHandler()
    ChatOpenAI(model="gpt-4o-mini").invoke("Hello", config={"callbacks": [costs]})
    costs.totals["openai"].total_cost
    # -> 0.0000121

It prices what it observes, for reporting; it must not settle the router's own
calls (their cost is settled once, by :mod:`langchain_aegis.budget.accounting`,
and this handler skips the router's inner runs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.messages.ai import UsageMetadata, add_usage
from langchain_core.outputs import ChatGeneration, LLMResult

from langchain_aegis.budget.ledger import Ledger
from langchain_aegis.budget.periods import period_for
from langchain_aegis.budget.pricing import FREE, cost_from_usage, price_for_model
from langchain_aegis.config.providers import Pricing, is_cloud_model

__all__ = ["INTERNAL_TAG", "AegisCostCallbackHandler", "CostTotals"]

INTERNAL_TAG = "aegis:internal"
"""Runs tagged with this are the router's inner attempts, already accounted for by the outer run."""


@dataclass(frozen=True, slots=True)
class CostTotals:
    """Tokens and dollars summed over one provider's calls.

    Attributes:
        calls: runs that ended with a result.
        input_tokens: prompt tokens, cached ones included.
        output_tokens: completion tokens, reasoning ones included.
        cached_tokens: prompt tokens read from the provider's cache.
        reasoning_tokens: completion tokens spent reasoning.
        input_cost: USD for prompt tokens.
        output_cost: USD for completion tokens.
        total_cost: USD in all.
        unpriced_calls: calls to a model with no known price, counted as free.
    """

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    reasoning_tokens: int = 0
    input_cost: float = 0.0
    output_cost: float = 0.0
    total_cost: float = 0.0
    unpriced_calls: int = 0


@dataclass(frozen=True, slots=True)
class _Run:
    provider: str
    model: str | None
    local: bool
    internal: bool


def _detail(usage: Mapping[str, Any], group: str, key: str) -> int:
    details = usage.get(group)
    value = details.get(key) if isinstance(details, Mapping) else None
    return int(value) if isinstance(value, int) else 0


def _usage_of(response: LLMResult) -> tuple[dict[str, Any] | None, str | None]:
    """Summed ``usage_metadata`` of a result, and the model name the provider reported.

    Only the first generation of each prompt is read: with ``n > 1`` choices,
    LangChain copies the whole call's usage onto every one of them.
    """
    total: dict[str, Any] | None = None
    model = None
    for choices in response.generations:
        for gen in choices:
            message = gen.message if isinstance(gen, ChatGeneration) else None
            usage = getattr(message, "usage_metadata", None)
            if message is None or not usage:
                continue
            meta = message.response_metadata
            model = model or meta.get("model_name") or meta.get("model")
            # Token fields only: another integration may add float cost fields, which add_usage refuses.
            tokens = {k: v for k, v in usage.items() if isinstance(v, int | Mapping)}
            total = dict(add_usage(cast("UsageMetadata | None", total), cast("UsageMetadata", tokens)))
            break
    if total is None:
        # Older integrations report only OpenAI-style counts in llm_output.
        raw = (response.llm_output or {}).get("token_usage") or {}
        if raw.get("prompt_tokens") is not None or raw.get("completion_tokens") is not None:
            total = {"input_tokens": raw.get("prompt_tokens") or 0, "output_tokens": raw.get("completion_tokens") or 0}
        model = (response.llm_output or {}).get("model_name")
    return total, model


class AegisCostCallbackHandler(BaseCallbackHandler):
    """Prices every chat-model call from its ``usage_metadata`` and sums it per provider.

    The model comes from the provider's response (``model_name``), else from
    the run's ``ls_model_name`` metadata or invocation params; the provider
    from ``aegis_provider`` metadata, else ``ls_provider`` (``openai``,
    ``ollama``, ...). Prices come from ``pricing`` (keyed by model name),
    else the built-in table; a model priced nowhere counts as free and is
    counted in ``unpriced_calls``.

    Local runs are free unless ``pricing`` names their model: a run is local
    when its metadata says ``aegis_locality: local``, or when it is an
    ``ollama`` run of a model without Ollama's cloud suffix (``-cloud``/``:cloud``,
    see :func:`~langchain_aegis.config.providers.is_cloud_model`).

    Runs tagged :data:`INTERNAL_TAG` are skipped. Safe to share between
    threads and concurrent runs.

    Args:
        pricing: prices by model name, overriding the built-in table.
        ledger: if given, each call's cost is also recorded there as spend,
            in the period of ``clock()`` in ``timezone``. Do not pass the
            router's own ledger for runs of the router: it settles its own
            spend, and this would count it twice.
        timezone: the budget's zone, for the period.
        clock: the current time; injectable for tests.

    Example:
        .. code-block:: python

            from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
            from langchain_core.messages import AIMessage

            reply = AIMessage("hi", usage_metadata={"input_tokens": 1000, "output_tokens": 500, "total_tokens": 1500},
                              response_metadata={"model_name": "gpt-4o-mini"})
            costs = AegisCostCallbackHandler()
            GenericFakeChatModel(messages=iter([reply])).invoke("hello", config={"callbacks": [costs]})
            costs.total_cost  # 0.00045
    """

    raise_error = False

    def __init__(
        self,
        *,
        pricing: Mapping[str, Pricing] | None = None,
        ledger: Ledger | None = None,
        timezone: str = "UTC",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """Start with zero totals."""
        self.pricing = dict(pricing or {})
        self.ledger = ledger
        self.timezone = timezone
        self.clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._runs: dict[UUID, _Run] = {}
        self._totals: dict[str, CostTotals] = {}

    # -- reading -----------------------------------------------------------

    @property
    def totals(self) -> dict[str, CostTotals]:
        """Provider name to its totals so far (a copy)."""
        with self._lock:
            return dict(self._totals)

    @property
    def total_cost(self) -> float:
        """USD over every provider."""
        with self._lock:
            return sum(t.total_cost for t in self._totals.values())

    def reset(self) -> None:
        """Forget the totals (runs in flight are still counted when they end)."""
        with self._lock:
            self._totals.clear()

    # -- callbacks ---------------------------------------------------------

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Note the run's provider and model."""
        self._start(run_id, tags, metadata, kwargs.get("invocation_params"))

    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Note the run's provider and model (completion-style models)."""
        self._start(run_id, tags, metadata, kwargs.get("invocation_params"))

    def on_llm_end(
        self,
        response: LLMResult,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Price the finished run and add it to its provider's totals."""
        with self._lock:
            run = self._runs.pop(run_id, None)
        if (run is not None and run.internal) or INTERNAL_TAG in (tags or ()):
            return
        usage, reported_model = _usage_of(response)
        if usage is None:
            return
        run = run or _Run("unknown", None, local=False, internal=False)
        model = reported_model or run.model
        price = self._price(model, run.local)
        cost = cost_from_usage(usage, price or FREE)
        with self._lock:
            old = self._totals.get(run.provider, CostTotals())
            self._totals[run.provider] = replace(
                old,
                calls=old.calls + 1,
                input_tokens=old.input_tokens + int(usage.get("input_tokens") or 0),
                output_tokens=old.output_tokens + int(usage.get("output_tokens") or 0),
                cached_tokens=old.cached_tokens + _detail(usage, "input_token_details", "cache_read"),
                reasoning_tokens=old.reasoning_tokens + _detail(usage, "output_token_details", "reasoning"),
                input_cost=old.input_cost + cost.input_cost,
                output_cost=old.output_cost + cost.output_cost,
                total_cost=old.total_cost + cost.total_cost,
                unpriced_calls=old.unpriced_calls + (price is None),
            )
        if self.ledger is not None and cost.total_cost > 0:
            now = self.clock()
            self.ledger.record(
                run.provider, cost.total_cost, period=period_for(now, self.timezone), now=now.timestamp()
            )

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Forget the failed run: it produced no usage to price."""
        with self._lock:
            self._runs.pop(run_id, None)

    # -- internals ---------------------------------------------------------

    def _start(
        self,
        run_id: UUID,
        tags: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None,
    ) -> None:
        meta = metadata or {}
        params = params or {}
        model = meta.get("ls_model_name") or params.get("model") or params.get("model_name")
        provider = str(meta.get("aegis_provider") or meta.get("ls_provider") or params.get("_type") or "unknown")
        local = meta.get("aegis_locality") == "local" or (
            meta.get("aegis_locality") is None
            and provider == "ollama"
            and isinstance(model, str)
            and not is_cloud_model(model)
        )
        run = _Run(provider, str(model) if model else None, local, INTERNAL_TAG in (tags or ()))
        with self._lock:
            self._runs[run_id] = run

    def _price(self, model: str | None, local: bool) -> Pricing | None:
        """The model's price; ``FREE`` for an unpriced local run, ``None`` if unknown."""
        if model is None:
            return FREE if local else None
        found = price_for_model(model, self.pricing)
        if found is not None:
            return found
        if local:
            return FREE
        return price_for_model(model)
