"""The composition root: what one AegisChatModel shares across its calls, built once per model.

:func:`build_runtime` builds the provider clients, breaker, ledger, accounting,
dispatcher, router, metrics and rollout observers from a validated config, and
:class:`CallRuntime` holds them with the few methods the chat model calls
(route through ``router``, dispatch through ``dispatcher``, ``finish``,
``close``). It wires pieces together and records finished calls with the
observers; it must not decide a route (:mod:`langchain_aegis.routing.router`),
carry out a call (:mod:`langchain_aegis.dispatch`), price one
(:mod:`langchain_aegis.budget`) or explain one (:mod:`langchain_aegis.observability.served`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult

from langchain_aegis._secrets import mask_url
from langchain_aegis.budget.ledger import Ledger
from langchain_aegis.budget.shared import reach_ledger, release_ledger, shared_ledger
from langchain_aegis.config.loading import load_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.typos import NodeUsage
from langchain_aegis.dispatch.breaker import CircuitBreaker, SharedCircuitBreaker
from langchain_aegis.dispatch.dispatcher import Accounting, CallLog, CallPlan, Dispatcher
from langchain_aegis.dispatch.limits import ProviderLimits
from langchain_aegis.dispatch.records import CallRecord
from langchain_aegis.errors import AegisError, ConfigError, PrivacyViolationError
from langchain_aegis.eval.online import OnlineQuality
from langchain_aegis.observability.served import Finish, RoutedCall, served_metadata
from langchain_aegis.providers.registry import ProviderRegistry, preload_any_llm
from langchain_aegis.routing.router import Router
from langchain_aegis.state import StateCache

__all__ = ["CallRuntime", "build_runtime", "effective_config"]

logger = logging.getLogger("langchain_aegis")


@dataclass
class CallRuntime:
    """Provider clients, breaker, router, dispatcher, accounting and observers of one model."""

    config: AegisConfig
    registry: ProviderRegistry
    breaker: CircuitBreaker
    dispatcher: Dispatcher
    router: Router
    accounting: Accounting | None = None
    observers: list[Callable[[CallRecord], None]] = field(default_factory=list)
    quality: OnlineQuality | None = None
    """Feedback attribution and shadow sampling (see :mod:`langchain_aegis.eval.online`)."""
    state: StateCache | None = None
    """Breaker and rollout state in memory, refreshed from the ledger in the background."""
    ledger: Ledger | None = None
    shared_ledger: bool = False
    """Whether ``ledger`` is a reference taken with :func:`shared_ledger` (released on close)."""
    owned_ledger: Ledger | None = None
    """A ledger opened from a URL given to the model (``ledger="sqlite:///..."``), closed with it."""

    def served(
        self, call: RoutedCall, plan: CallPlan, log: CallLog, result: ChatResult, run_manager: Any
    ) -> ChatResult:
        """Finish an answered ``invoke``: trace, quality observers, ``response_metadata``, the shield's view."""
        call.find_run(log, run_manager, self.config)
        if self.quality is not None:
            try:  # feedback attribution, shadow sampling
                self.quality.after_answer(plan, log, result, run_manager)
            except Exception:  # quality bookkeeping must not break a call that succeeded
                logger.exception("aegis: quality observer failed")
        return call.answer(log, result, self.finisher(call))

    def finisher(self, call: RoutedCall) -> Finish:
        """:meth:`finish` for one call that succeeded, as :mod:`~langchain_aegis.observability.served` calls it."""
        return lambda log, message: self.finish(call, log, message)

    @contextmanager
    def failing(self, call: RoutedCall, log: CallLog) -> Iterator[None]:
        """Record a call that ends in an :class:`AegisError` with the observers, then let the error go on."""
        try:
            yield
        except AegisError as exc:
            self.finish(call, log, None, exc)
            raise

    def close(self) -> None:
        """Close provider clients, stop the state refresher, release a shared ledger. Idempotent."""
        self.registry.close()
        self._release()
        owned, self.owned_ledger = self.owned_ledger, None
        if owned is not None:
            owned.close()

    async def aclose(self) -> None:
        """Async :meth:`close`: clients bound to the running loop are closed on it."""
        await self.registry.aclose()
        await asyncio.to_thread(self._release)
        owned, self.owned_ledger = self.owned_ledger, None
        if owned is not None:
            await owned.aclose()

    def _release(self) -> None:
        if self.state is not None:
            self.state.close()
        if self.shared_ledger and self.ledger is not None:
            self.shared_ledger = False
            release_ledger(self.ledger)

    def finish(
        self, call: RoutedCall, log: CallLog, message: BaseMessage | None, error: BaseException | None = None
    ) -> dict[str, Any]:
        """Record a finished call with the observers; return ``response_metadata["aegis"]``."""
        decision = call.decision
        usage = getattr(message, "usage_metadata", None) or {}
        if error is None:
            status = "ok"
        elif isinstance(error, PrivacyViolationError):
            status = "privacy"
        else:
            status = getattr(error, "kind", None) or (log.attempts[-1].outcome if log.attempts else "error")
        record = CallRecord(
            requested_provider=decision.provider,
            served_provider=log.served_by,
            rule=decision.rule,
            status=str(status),
            latency_s=time.perf_counter() - call.started,
            input_tokens=int(usage.get("input_tokens", 0)),
            output_tokens=int(usage.get("output_tokens", 0)),
            cost_usd=float(log.cost),
            attempts=tuple(log.attempts),
            local_only_source=decision.local_only_source,
        )
        self.observe(record)
        return served_metadata(decision, log, self.config)

    def plan(
        self, call: RoutedCall, messages: list[dict[str, Any]], params: dict[str, Any], model: str | None = None
    ) -> CallPlan:
        """What the dispatcher gets: the decision, the provider payload and its prompt bound.

        Args:
            call: the routed call.
            messages: the provider-format messages.
            params: the call's parameters (tools, schemas, stop...), as sent.
            model: a per-call ``model=`` override.
        """
        bound = images = 0
        if self.accounting is not None:
            from langchain_aegis.budget.bounds import count_images, prompt_bound

            # Bounded from the payload itself: bound tools, schemas and stop sequences are billed too.
            bound = prompt_bound(messages, params)
            images = count_images(messages) if bound else 0
        return CallPlan(call.decision, messages, params, bound, images, model_override=model)

    def observe(self, record: CallRecord) -> None:
        """Hand a finished call to every observer (metrics, rollout guard); never raise."""
        for observer in self.observers:
            try:
                observer(record)
            except Exception:  # an observer must not break a call that succeeded
                logger.exception("aegis: call observer %r failed", observer)

    def validate_model(self, provider: str) -> None:
        """Raise :class:`ConfigError` if ``provider`` does not list its configured model."""
        client = self.registry[provider]
        try:
            listed = {m.id for m in client._sync().list_models()}
        except Exception as exc:
            raise ConfigError(
                f"validate_model_on_init: cannot list models of provider {provider!r} "
                f"at {client.config.base_url or 'its default URL'} ({type(exc).__name__})"
            ) from None
        model = client.config.model
        if model not in listed and f"{model}:latest" not in listed:
            raise ConfigError(f"validate_model_on_init: provider {provider!r} does not serve model {model!r}")


def _state_keys(config: AegisConfig) -> list[str]:
    from langchain_aegis.rollout.guard import KEY_PREFIX

    return [f"breaker:{name}" for name in config.providers] + [KEY_PREFIX + rule for rule in config.routing.rollouts]


def effective_config(
    config: AegisConfig | str | Path | None,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: Any = None,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> AegisConfig:
    """The configuration a model runs with: its ``config``, with its ChatOllama-style arguments applied.

    Without a config it is one local Ollama provider for ``model``. With one,
    ``model``, ``base_url`` and ``api_key`` describe the local model (as with
    ChatOllama) and override the default provider; ``timeout`` applies to every
    provider and ``max_retries`` overrides ``resilience.max_retries``.

    Raises:
        ConfigError: neither a model nor a config is given, or the config is invalid.
    """
    if config is None:
        if not model:
            raise ConfigError("AegisChatModel: give model=... (a local Ollama model) or config=... (a YAML file)")
        cfg = AegisConfig.single_ollama(model, base_url, api_key=api_key)
    else:
        cfg = config if isinstance(config, AegisConfig) else load_config(config)
    default = cfg.default_provider()
    providers = dict(cfg.providers)
    local = {"model": model, "base_url": base_url, "api_key": api_key} if config is not None else {}
    if local := {k: v for k, v in local.items() if v is not None}:
        providers[default] = providers[default].model_copy(update=local)
    if timeout is not None:
        providers = {n: p.model_copy(update={"timeout": timeout}) for n, p in providers.items()}
    update: dict[str, Any] = {"providers": providers}
    if max_retries is not None:
        update["resilience"] = cfg.resilience.model_copy(update={"max_retries": max_retries})
    return cfg.model_copy(update=update)


def build_runtime(config: AegisConfig, *, metrics: Any = None, ledger: Ledger | str | None = None) -> CallRuntime:
    """Assemble the runtime for a validated config.

    Args:
        config: the validated configuration.
        metrics: an :class:`~langchain_aegis.observability.metrics.AegisMetrics`, or ``None``.
        ledger: a ledger to use instead of the one ``budgets.ledger`` names: a
            :class:`Ledger` (the caller keeps ownership: :meth:`CallRuntime.close`
            leaves it open), or a URL the runtime opens and closes.
    """
    from langchain_aegis.budget.accounting import LedgerAccounting, needs_accounting

    owned = None
    if isinstance(ledger, str):
        from langchain_aegis.budget import open_ledger

        budgets = config.budgets
        ledger = owned = open_ledger(ledger, namespace=budgets.ledger_namespace, lock_timeout=budgets.lock_timeout)

    registry = ProviderRegistry(config.providers, detect=config.privacy.detection)
    preload_any_llm(p.type for p in config.providers.values())  # the first call then pays less of the import
    breaker = CircuitBreaker(config.resilience)
    shared = config.budgets.ledger.startswith(("redis://", "rediss://", "unix://"))
    borrowed = False
    if ledger is None and (shared or needs_accounting(config) or config.routing.rollouts):
        budgets = config.budgets
        ledger = shared_ledger(budgets.ledger, namespace=budgets.ledger_namespace, lock_timeout=budgets.lock_timeout)
        borrowed = True
    reachable = ledger is None or reach_ledger(ledger, config)
    state: StateCache | None = None
    if ledger is not None and (shared or config.routing.rollouts):
        # Breaker and rollout state are read on every call: from memory, refreshed in the background.
        state = StateCache(ledger, _state_keys(config), name=f"ledger {mask_url(config.budgets.ledger)}")
    if shared and state is not None:
        # With a Redis ledger, replicas share breaker state through it (see SharedCircuitBreaker).
        breaker = SharedCircuitBreaker(config.resilience, state, list(config.providers))
    observers: list[Callable[[CallRecord], None]] = []
    if metrics is not None:
        observers.append(metrics.observe)
    accounting: Accounting | None = None
    if ledger is not None and (not borrowed or needs_accounting(config) or shared):
        on_spend = None
        if metrics is not None:

            def on_spend(provider: str, spent: float, limit: float | None) -> None:
                if limit is not None:  # an unlimited provider has no utilisation to show
                    metrics.set_budget(provider, spent, limit)

        accounting = LedgerAccounting(config, ledger, on_spend=on_spend)
        if reachable:
            accounting.publish_all()  # gauges start from the ledger's spend, not from zero
    rollouts = None
    from langchain_aegis.rollout.guard import RolloutGuard
    from langchain_aegis.state import InMemoryStateStore

    # Quality sums live beside the rollout state (the ledger), or in memory without one.
    quality = OnlineQuality(config, ledger if ledger is not None else InMemoryStateStore(), metrics)
    if config.routing.rollouts and state is not None:
        guard = RolloutGuard.from_config(config, state, metrics=metrics, quality=quality.store)
        quality.bind_guard(guard)

        def _observe_rollout(record: CallRecord) -> None:
            guard.observe(record, now=time.time())  # rollbacks are logged and published by the guard

        observers.append(_observe_rollout)
        rollouts = guard.view
    # Quota state is shared through the ledger (its in-memory cache when there is one).
    dispatcher = Dispatcher(config, registry, breaker, accounting, limits=ProviderLimits(config, state or ledger))
    quality.start_shadow(dispatcher)
    nodes = None
    if config.routing.nodes:
        rule_nodes = [n for r in config.effective_rules() for n in (r.when.node or [])]
        nodes = NodeUsage(config.routing.nodes, rule_nodes, strict=config.routing.strict)
    router = Router(
        config,
        open_circuits=breaker.open_providers,
        quota_skips=dispatcher.limits.skips,
        rollouts=rollouts,
        nodes=nodes,
    )
    return CallRuntime(
        config=config,
        registry=registry,
        breaker=breaker,
        dispatcher=dispatcher,
        router=router,
        accounting=accounting,
        observers=observers,
        quality=quality,
        state=state,
        ledger=ledger,
        shared_ledger=borrowed,
        owned_ledger=owned,
    )
