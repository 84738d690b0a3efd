"""The state one AegisChatModel shares across its calls, assembled once.

The chat model translates between LangChain and the package; everything with
state or I/O (provider clients, breakers, ledger, metrics, rollout shares)
sits here behind a few methods, so the chat model never grows into a hub.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult

from langchain_aegis._secrets import mask_url
from langchain_aegis.budget.ledger import Ledger
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.typos import NodeUsage, check_metadata
from langchain_aegis.dispatch.breaker import CircuitBreaker, SharedCircuitBreaker
from langchain_aegis.dispatch.dispatcher import Accounting, CallLog, CallPlan, Dispatcher
from langchain_aegis.dispatch.limits import ProviderLimits
from langchain_aegis.dispatch.records import SKIPPED_OUTCOMES, Attempt, CallRecord
from langchain_aegis.errors import ConfigError, PrivacyViolationError
from langchain_aegis.eval.online import OnlineQuality
from langchain_aegis.facts import AEGIS_METADATA_KEY, RequestFacts, most_restrictive, parse_facts, top_level_privacy
from langchain_aegis.providers.registry import ProviderRegistry, preload_any_llm
from langchain_aegis.routing.policy import (
    FactLayers,
    RouteDecision,
    RouterState,
    decide,
    needs_detection,
    privacy_verdict,
)
from langchain_aegis.state import StateCache

__all__ = ["CallRuntime", "build_runtime", "fallback_story", "release_ledger", "served_metadata", "shared_ledger"]

logger = logging.getLogger("langchain_aegis")


@dataclass
class CallRuntime:
    """Provider clients, breaker, dispatcher, accounting and observers of one model."""

    config: AegisConfig
    registry: ProviderRegistry
    breaker: CircuitBreaker
    dispatcher: Dispatcher
    accounting: Accounting | None = None
    observers: list[Callable[[CallRecord], None]] = field(default_factory=list)
    _node_facts: dict[str | None, RequestFacts] = field(default_factory=dict, repr=False)
    _default_facts: RequestFacts | None = field(default=None, repr=False)
    rollouts: Callable[[], dict[str, tuple[float, str]]] | None = None
    """Each rule under gradual rollout with its current share and the reason for it."""
    quality: OnlineQuality | None = None
    """Feedback attribution and shadow sampling (see :mod:`langchain_aegis.eval.online`)."""

    nodes: NodeUsage | None = None
    """Reports configured graph nodes that no call used (see :mod:`langchain_aegis.config.typos`)."""
    state: StateCache | None = None
    """Breaker and rollout state in memory, refreshed from the ledger in the background."""
    ledger: Ledger | None = None
    shared_ledger: bool = False
    """Whether ``ledger`` is a reference taken with :func:`shared_ledger` (released on close)."""

    def answered(self, plan: CallPlan, log: CallLog, result: ChatResult, run_manager: Any) -> None:
        """Hand an answered ``invoke``/``batch`` call to the quality observers; never raise."""
        if self.quality is None:
            return
        try:
            self.quality.after_answer(plan, log, result, run_manager)
        except Exception:  # quality bookkeeping must not break a call that succeeded
            logger.exception("aegis: quality observer failed")

    def close(self) -> None:
        """Close provider clients, stop the state refresher, release a shared ledger. Idempotent."""
        self.registry.close()
        self._release()

    async def aclose(self) -> None:
        """Async :meth:`close`: clients bound to the running loop are closed on it."""
        await self.registry.aclose()
        await asyncio.to_thread(self._release)

    def _release(self) -> None:
        if self.state is not None:
            self.state.close()
        if self.shared_ledger and self.ledger is not None:
            self.shared_ledger = False
            release_ledger(self.ledger)

    def route(
        self,
        messages: Sequence[BaseMessage],
        metadata: Mapping[str, Any] | None,
        instance: RequestFacts,
        *,
        sent: Mapping[str, Any] | None = None,
    ) -> RouteDecision:
        """Route one call from its messages and ``RunnableConfig`` metadata.

        Reads the facts from call metadata, the LangGraph node, the model
        instance and config defaults; runs the detector when needed (on the
        messages and on ``sent``: bound tools, schemas, stop sequences); takes
        a snapshot of breakers and rollout shares; and asks the pure policy.
        """
        cfg = self.config
        metadata = metadata or {}
        node = metadata.get("langgraph_node")
        node = node if isinstance(node, str) else None
        if metadata:
            check_metadata(metadata, strict=cfg.routing.strict)  # typos warn once per key
        if self.nodes is not None:
            self.nodes.seen(node)
        node_facts = self._node_facts.get(node)
        if node_facts is None:  # config is frozen: parse each node's defaults once
            node_facts = self._node_facts[node] = cfg.node_facts(node)
        if self._default_facts is None:
            self._default_facts = cfg.default_facts()
        layers = FactLayers(
            call=_call_facts(metadata),
            node=node_facts,
            instance=instance,
            defaults=self._default_facts,
            node_name=node,
        )
        detection = cfg.privacy.detection
        findings = None
        if needs_detection(layers, detection_enabled=detection):
            from langchain_aegis.privacy import scan_messages

            try:
                findings = scan_messages(messages)
                if sent:
                    from langchain_aegis.privacy._scan import find_personal_data

                    findings = tuple(sorted({*findings, *(f.entity for f in find_personal_data(dict(sent)))}))
            except Exception:
                # Fail closed: a detector bug must never let personal data out, nor fail the call.
                logger.exception("aegis: the personal-data detector failed; keeping this call local")
                findings = ("DETECTOR_ERROR",)
        verdict = privacy_verdict(layers, detection_enabled=detection, findings=findings)
        view = self.rollouts() if self.rollouts is not None else {}
        state = RouterState(
            open_circuits=self.breaker.open_providers(),
            rollout_shares={rule: share for rule, (share, _) in view.items()},
            rollout_reasons={rule: why for rule, (_, why) in view.items()},
            quota_skips=self.dispatcher.limits.skips(),
        )
        return decide(cfg, layers, verdict, state=state, random_draw=random.random())

    def finish(
        self,
        decision: RouteDecision,
        started: float,
        log: CallLog,
        message: BaseMessage | None,
        error: BaseException | None,
    ) -> dict[str, Any]:
        """Record a finished call with the observers; return ``response_metadata["aegis"]``."""
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
            latency_s=time.perf_counter() - started,
            input_tokens=int(usage.get("input_tokens", 0)),
            output_tokens=int(usage.get("output_tokens", 0)),
            cost_usd=log.cost,
            attempts=tuple(log.attempts),
            local_only_source=decision.local_only_source,
        )
        self.observe(record)
        return served_metadata(decision, log, self.config)

    def estimate_tokens(self, messages: Sequence[Mapping[str, Any]], params: Mapping[str, Any]) -> int:
        """An upper bound of the prompt tokens of the request as sent, used to reserve and settle budget.

        Args:
            messages: the provider-format messages.
            params: the call's parameters (tools, schemas, stop...), as sent.
        """
        if self.accounting is None:
            return 0
        from langchain_aegis.budget.bounds import prompt_bound

        return prompt_bound(messages, params)

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


_SAID = {
    "MissingApiKeyError": "no API key",
    "AuthenticationError": "API key rejected",
    "InsufficientFundsError": "no credit left",
    "PermissionDeniedError": "permission denied",
    "RateLimitError": "rate limited",
    "ModelNotFoundError": "model not found",
    "ConnectError": "cannot connect",
    # Only local_only moves on after a ledger fault (fail raises it, allow goes on), so this names the policy.
    "LedgerUnavailableError": "ledger unavailable (on_ledger_error: local_only)",
}
"""Plain words for the SDK errors a user most often meets in a fallback story."""


def _attempt_story(attempt: Attempt) -> str:
    # A usage-limit 429 is raised as the SDK's RateLimitError, but it is no rate limit.
    said = None if attempt.outcome == "quota_exhausted" else _SAID.get(attempt.error or "")
    if said is None and attempt.status:
        said = f"HTTP {attempt.status}"
    detail = f"{attempt.outcome}: {said}" if said else attempt.outcome
    verb = "skipped" if attempt.outcome in SKIPPED_OUTCOMES else "failed"
    return f"{attempt.provider} {verb} ({detail})"


def fallback_story(decision: RouteDecision, log: CallLog) -> str | None:
    """``"openai failed (auth: no API key); served by ollama_cloud"``, or ``None`` without a fallback."""
    served = log.served_by
    failed = [a for a in log.attempts if a.outcome != "ok"]
    if served is None or (served == decision.provider and not failed):
        return None
    return "; ".join([*(_attempt_story(a) for a in failed), f"served by {served}"])


def served_metadata(decision: RouteDecision, log: CallLog, config: AegisConfig) -> dict[str, Any]:
    """``response_metadata["aegis"]``: the provider that answered, the policy's choice, the attempts, the cost.

    ``provider`` and ``model`` name who produced the answer; ``routed_provider``
    and ``routed_model`` the policy's first choice. They differ after a
    fallback, and ``reason`` then ends with the fallback story. A failed call
    has no serving provider: ``provider`` stays the routed one.
    """
    meta = decision.as_metadata()
    served = log.served_by
    meta["routed_provider"], meta["routed_model"] = decision.provider, decision.model
    if served is not None and served != decision.provider:
        meta["provider"], meta["model"] = served, config.providers[served].model
    if story := fallback_story(decision, log):
        meta["reason"] = f"{decision.reason}; {story}"
    meta["served_by"] = served  # deprecated alias of ``provider`` (None when the call failed); removed in 0.3
    meta["attempts"] = [a.as_dict() for a in log.attempts]
    meta["cost_usd"] = log.cost
    return meta


_LEDGERS: dict[tuple[str, str, float | None], tuple[Ledger, int]] = {}
_LEDGERS_LOCK = threading.Lock()


def shared_ledger(url: str, *, namespace: str = "default", lock_timeout: float | None = None) -> Ledger:
    """One ledger per URL, namespace and process, so every model instance enforces the same caps.

    Each call takes a reference; :func:`release_ledger` gives it back and the
    last one closes the ledger. ``memory://`` is not shared: it is meant for
    tests, one per model.
    """
    from langchain_aegis.budget import open_ledger

    if url.startswith("memory:"):
        return open_ledger(url, namespace=namespace)
    key = (url, namespace, lock_timeout)
    with _LEDGERS_LOCK:
        ledger, refs = _LEDGERS.get(key) or (None, 0)
        if ledger is None:
            ledger = open_ledger(url, namespace=namespace, lock_timeout=lock_timeout)
        _LEDGERS[key] = (ledger, refs + 1)
        return ledger


def release_ledger(ledger: Ledger) -> None:
    """Give back a reference taken with :func:`shared_ledger`; the last one closes the ledger."""
    with _LEDGERS_LOCK:
        for key, (found, refs) in list(_LEDGERS.items()):
            if found is ledger:
                if refs > 1:
                    _LEDGERS[key] = (found, refs - 1)
                    return
                del _LEDGERS[key]
                break
        else:
            return
    ledger.close()


_PROBE_SECONDS = 5.0


def _reach_ledger(ledger: Ledger, config: AegisConfig) -> bool:
    """Whether the ledger answers now; an unreachable one is a :class:`ConfigError` under ``on_ledger_error: fail``.

    The probe runs on a helper thread with a bound, as a Redis host that drops
    packets would otherwise hold the constructor for the OS connect timeout.
    """
    if type(ledger).__name__ == "MemoryLedger":
        return True
    failure: list[BaseException] = []

    def probe() -> None:
        try:
            ledger.get_state("probe")
        except BaseException as exc:  # reported below, never raised raw
            failure.append(exc)

    helper = threading.Thread(target=probe, name="aegis-ledger-probe", daemon=True)
    helper.start()
    helper.join(_PROBE_SECONDS)
    if not failure and not helper.is_alive():
        return True
    why = f"{type(failure[0]).__name__}: {failure[0]}" if failure else f"no answer within {_PROBE_SECONDS:g} s"
    url = mask_url(getattr(ledger, "url", None) or config.budgets.ledger)
    policy = config.budgets.on_ledger_error
    if policy == "fail":
        raise ConfigError(
            mask_url(
                f"budgets.ledger: cannot reach the ledger at {url} ({why}); start it or fix the URL, "
                "or set budgets.on_ledger_error: local_only to start without it"
            )
        )
    logger.warning(
        "aegis: cannot reach the ledger at %s (%s); starting anyway (budgets.on_ledger_error: %s)",
        url,
        mask_url(why),
        policy,
    )
    return False


def _state_keys(config: AegisConfig) -> list[str]:
    from langchain_aegis.rollout.guard import KEY_PREFIX

    return [f"breaker:{name}" for name in config.providers] + [KEY_PREFIX + rule for rule in config.routing.rollouts]


def build_runtime(config: AegisConfig, *, metrics: Any = None, ledger: Ledger | None = None) -> CallRuntime:
    """Assemble the runtime for a validated config.

    Args:
        config: the validated configuration.
        metrics: an :class:`~langchain_aegis.observability.metrics.AegisMetrics`, or ``None``.
        ledger: a ledger to use instead of the one ``budgets.ledger`` names
            (the caller keeps ownership: :meth:`CallRuntime.close` leaves it open).
    """
    from langchain_aegis.budget.accounting import LedgerAccounting, needs_accounting

    registry = ProviderRegistry(config.providers, detect=config.privacy.detection)
    preload_any_llm(p.type for p in config.providers.values())  # the first call then pays less of the import
    breaker = CircuitBreaker(config.resilience)
    shared = config.budgets.ledger.startswith(("redis://", "rediss://", "unix://"))
    borrowed = False
    if ledger is None and (shared or needs_accounting(config) or config.routing.rollouts):
        budgets = config.budgets
        ledger = shared_ledger(budgets.ledger, namespace=budgets.ledger_namespace, lock_timeout=budgets.lock_timeout)
        borrowed = True
    reachable = ledger is None or _reach_ledger(ledger, config)
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
    return CallRuntime(
        config=config,
        registry=registry,
        breaker=breaker,
        dispatcher=dispatcher,
        accounting=accounting,
        observers=observers,
        rollouts=rollouts,
        quality=quality,
        state=state,
        nodes=NodeUsage(
            config.routing.nodes,
            [n for r in config.effective_rules() for n in (r.when.node or [])],
            strict=config.routing.strict,
        )
        if config.routing.nodes
        else None,
        ledger=ledger,
        shared_ledger=borrowed,
    )


def _call_facts(metadata: Mapping[str, Any]) -> RequestFacts:
    """The call's facts: ``metadata["aegis"]``, plus a privacy fact written at the top of ``metadata``."""
    facts = parse_facts(metadata.get(AEGIS_METADATA_KEY))
    private = top_level_privacy(metadata)
    if private is None:
        return facts
    return replace(facts, data_classification=most_restrictive(facts.data_classification, private))
