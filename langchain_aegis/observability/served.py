"""What one call says about itself once it is served: who answered, why, and what it cost.

It owns the per-call bookkeeping the chat model carries through a LangChain
run (:class:`RoutedCall`): finding the traced run and, after a fallback,
naming the provider that answered; handing LangSmith the settled cost; and
writing ``response_metadata["aegis"]`` (:func:`served_metadata`, with the
fallback story) on the result or on a stream's closing chunk. The cost it
reports is the one the budget settled (a
:class:`~langchain_aegis.budget.pricing.SettledCost` on the call's log): it
never prices usage itself, never routes and never sends a request.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from langchain_core.messages import AIMessageChunk, BaseMessage, message_chunk_to_message
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import RunnableConfig

from langchain_aegis.budget.pricing import SettledCost
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.dispatch.dispatcher import CallLog
from langchain_aegis.dispatch.records import SKIPPED_OUTCOMES, Attempt
from langchain_aegis.observability.tracing import mark_cost, mark_served
from langchain_aegis.privacy.trace_guard import guard_call
from langchain_aegis.privacy.trace_shield import TraceShield, prompt_digest, tracers_in
from langchain_aegis.providers.stream_usage import StreamUsage
from langchain_aegis.routing.policy import RouteDecision

__all__ = ["Finish", "RoutedCall", "StreamTap", "cost_fields", "fallback_story", "open_call", "served_metadata"]

Finish = Callable[[CallLog, BaseMessage | None], dict[str, Any]]
"""Records a finished call and returns its ``response_metadata["aegis"]`` (the runtime's ``finish``)."""

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
    meta["cost_usd"] = float(log.cost)  # a plain float: serializers (orjson) refuse float subclasses
    return meta


def cost_fields(cost: float) -> dict[str, float]:
    """LangSmith's cost fields for a settled cost: ``total_cost``, and its split when the settlement gave one.

    A cost that is not a :class:`SettledCost` comes from an accounting that
    did not split it; a zero cost splits into zeros.
    """
    if isinstance(cost, SettledCost):
        return {"input_cost": cost.input_cost, "output_cost": cost.output_cost, "total_cost": float(cost)}
    if not cost:
        return {"input_cost": 0.0, "output_cost": 0.0, "total_cost": 0.0}
    return {"total_cost": float(cost)}


@dataclass(frozen=True, slots=True)
class RoutedCall:
    """One call's routing, computed before the LangChain run starts, and what it has learned since.

    Attributes:
        decision: the routing decision.
        messages: the real messages (a shielded run shows LangChain others).
        started: ``time.perf_counter()`` when the call was routed.
        shield: the trace shield of a local-only call, or ``None``.
        tracers: LangSmith tracers in the call's config, for ``stream()``
            (whose ``_stream`` gets no run manager).
        stop: a shielded call's stop sequences, kept here so LangChain never traces them.
        traced: the LangSmith tracers and run id of this call, once found (see :meth:`find_run`).
        logs: the call's logs, so a stream its caller leaves is settled at once
            (LangChain does not close ``_stream``).
    """

    decision: RouteDecision
    messages: Sequence[BaseMessage]
    started: float
    shield: TraceShield | None = None
    tracers: tuple[Any, ...] = ()
    stop: list[str] | None = None
    traced: list[tuple[list[Any], Any]] = field(default_factory=list)
    logs: list[CallLog] = field(default_factory=list)

    def new_log(self) -> CallLog:
        """A log for one dispatch of this call, kept so an abandoned stream can be settled."""
        log = CallLog()
        self.logs.append(log)
        return log

    def shown_params(self, params: dict[str, Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """The invocation params tracers may see: a shielded call's tools, schemas and stop scrubbed."""
        if self.shield is not None:
            for key in {*kwargs, "stop"} - {"model"}:
                if params.get(key) is not None:
                    params[key] = self.shield.scrub(params[key])
        return params

    def cache_key(self, llm_string: str, prompt: tuple[Any, ...] | None = None) -> str:
        """The LLM cache key: ``llm_string`` with the routing outcome, no per-call state.

        A shielded call's ``llm_string`` holds its scrubbed parameters
        (LangChain's prompt part of the key is the shown prompt), so
        ``prompt`` (the call's stop and kwargs) adds a keyed digest of the real
        prompt: the key never holds raw personal data.
        """
        if prompt is not None:
            llm_string += f"---aegis-prompt:{prompt_digest(self.messages, self.stop, *prompt)}"
        # A cached answer is only served to a call that would go to the same place.
        decision = self.decision
        return f"{llm_string}---aegis-route:{decision.provider}/{decision.model}/{decision.privacy}"

    def find_run(self, log: CallLog, run_manager: Any, config: AegisConfig, first: BaseMessage | None = None) -> None:
        """Find the traced run and, after a fallback, make it name the provider that answered.

        The tracers and run id are kept on the call, so :meth:`answer` and
        :meth:`StreamTap.closing` can hand LangSmith the settled cost once
        usage is known.
        """
        if run_manager is not None:
            tracers, run_id = tracers_in(run_manager.handlers), run_manager.run_id
        else:  # stream(): LangChain gave _stream no run manager; the chunk ids carry the run id
            run_id = (first.id or "").removeprefix("lc_run-").lstrip("-") if first is not None else ""
            tracers = list(self.tracers)
        if not tracers:
            return
        self.traced.append((tracers, run_id))
        served = log.served_by
        if served is None or served == self.decision.provider:
            return
        pcfg = config.providers[served]
        mark_served(
            tracers, run_id, provider=served, provider_type=pcfg.type, model=pcfg.model, routed=self.decision.provider
        )

    def mark_cost(self, log: CallLog, usage: UsageMetadata | None) -> None:
        """Hand the traced run the cost the budget settled, split by LangSmith's input/output fields."""
        if not self.traced or not usage or log.served_by is None:
            return
        priced = {**usage, **cost_fields(log.cost)}
        for tracers, run_id in self.traced:
            mark_cost(tracers, run_id, priced)

    def answer(self, log: CallLog, result: ChatResult, finish: Finish) -> ChatResult:
        """Finish an ``invoke``: the routing story on the message, its cost in the trace, the shield's view."""
        generation = result.generations[0]
        message = generation.message
        message.response_metadata["aegis"] = finish(log, message)
        self.mark_cost(log, getattr(message, "usage_metadata", None))
        if self.shield is not None:
            generation.message = self.shield.shown_output(message)
            generation.text = str(generation.message.content)
        return result


def open_call(
    decision: RouteDecision,
    messages: Sequence[BaseMessage],
    config: RunnableConfig,
    *,
    tracing: str,
    stop: list[str] | None = None,
) -> tuple[RoutedCall, RunnableConfig]:
    """Start a call's bookkeeping before its LangChain run, and the run config that names the decision.

    A local-only call gets a trace shield (``privacy.tracing``) and is filed
    with the trace guard; the run's tags and ``aegis_route`` metadata name the
    provider and rule, so LangSmith sees them from the run's start.

    Args:
        decision: the routing decision.
        messages: the call's real messages.
        config: the run's config (``ensure_config``'d); a root run of a shielded call gets a ``run_id``.
        tracing: ``privacy.tracing`` (``allow``, ``redact`` or ``hide``).
        stop: the call's stop sequences.
    """
    shield = None
    if decision.privacy == "local_only" and tracing != "allow":
        # Private by metadata: the detector has nothing to mask, so redacting would show it all.
        shield = TraceShield("hide" if decision.local_only_source != "detector" or tracing == "hide" else "redact")
        if config.get("run_id") is None and getattr(config.get("callbacks"), "parent_run_id", None) is None:
            config["run_id"] = uuid.uuid4()  # a root run: its id is the trace id the guard files it under
        guard_call(config.get("callbacks"), shield, str(config["run_id"]) if config.get("run_id") else None)
    tracers = tuple(tracers_in(config.get("callbacks")))
    call = RoutedCall(decision, messages, time.perf_counter(), shield, tracers, stop)
    tags = [*(config.get("tags") or []), f"aegis:provider={decision.provider}", f"aegis:rule={decision.rule}"]
    metadata = {**(config.get("metadata") or {}), "aegis_route": decision.as_metadata()}
    return call, {**config, "tags": tags, "metadata": metadata}


class StreamTap:
    """Watches one dispatched stream: sums its usage, shows callbacks the shielded chunks, and closes it.

    Args:
        call: the call being streamed.
    """

    def __init__(self, call: RoutedCall) -> None:
        self.call = call
        self.usage = StreamUsage()
        self.reals: list[BaseMessage] = []

    def take(self, chunk: ChatGenerationChunk) -> ChatGenerationChunk:
        """Note one chunk from the provider; return the one LangChain may see."""
        self.usage.take(chunk)
        shield = self.call.shield
        if shield is None:
            return chunk
        self.reals.append(chunk.message)
        return shield.shown_chunk(chunk)

    def closing(
        self, log: CallLog, run_manager: Any, config: AegisConfig, finish: Finish
    ) -> Iterator[ChatGenerationChunk]:
        """Complete the stream's usage and cost, and carry the routing story on a final empty chunk.

        A shielded stream also ends with a summary chunk holding the redacted
        answer, for callbacks only; the caller never receives it.
        """
        call = self.call
        call.find_run(log, run_manager, config, self.usage.holder)
        served = AIMessageChunk(content="", usage_metadata=self.usage.total)
        meta = finish(log, served)
        call.mark_cost(log, self.usage.total)
        last = ChatGenerationChunk(message=AIMessageChunk(content="", response_metadata={"aegis": meta}))
        if call.shield is None:
            yield last
            return
        chunks = [cast("AIMessageChunk", m) for m in [*self.reals, last.message]]
        merged = chunks[0] + chunks[1:] if len(chunks) > 1 else chunks[0]
        call.shield.real_output = message_chunk_to_message(merged)
        yield call.shield.shown_chunk(last)
        yield call.shield.summary_chunk(chunks)
