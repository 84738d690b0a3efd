"""Carry out one :class:`RouteDecision`: breaker, budget, retries, fallbacks, accounting.

The chain is LangChain's own ``Runnable.with_fallbacks`` over one
:class:`ProviderAttempt` per provider in the decision's chain, built per call.
``with_fallbacks`` already has the streaming contract we want: it moves on
only while the first chunk has not been produced, and after that lets errors
through, so a stream never splices two models' answers together.

Inner runnables run with callbacks and LangSmith tracing switched off: the
outer ``AegisChatModel`` run carries the whole story (attempts, provider,
cost), and prompts must not reach a tracer through a side door.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig
from langsmith.run_helpers import tracing_context

from langchain_aegis._convert import chunk_to_generation, completion_to_result
from langchain_aegis.attempts import Attempt
from langchain_aegis.config import AegisConfig
from langchain_aegis.errors import (
    AegisError,
    AllProvidersFailedError,
    BudgetExceededError,
    PrivacyViolationError,
    ProviderCallError,
    StreamInterruptedError,
)
from langchain_aegis.providers import ProviderRegistry
from langchain_aegis.resilience import RETRY_KINDS, CircuitBreaker, backoff_delay, classify, falls_back
from langchain_aegis.routing import RouteDecision

__all__ = ["Accounting", "CallLog", "CallPlan", "Dispatcher"]

logger = logging.getLogger("langchain_aegis")

_NO_CALLBACKS: RunnableConfig = {"callbacks": []}


class Accounting(Protocol):
    """Budget reservation and settlement for one attempt (see :mod:`langchain_aegis.accounting`)."""

    def reserve(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> Any: ...
    def settle(self, provider: str, reservation: Any, usage: Any) -> float: ...
    def release(self, reservation: Any) -> None: ...
    async def areserve(self, provider: str, prompt_tokens: int, max_tokens: int | None) -> Any: ...
    async def asettle(self, provider: str, reservation: Any, usage: Any) -> float: ...
    async def arelease(self, reservation: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What the chat model hands over: the decision and the provider payload."""

    decision: RouteDecision
    messages: list[dict[str, Any]]
    params: dict[str, Any]
    prompt_tokens: int
    model_override: str | None = None
    """A per-call ``model=`` override; it applies to the first provider of the chain only."""

    def model_for(self, provider: str) -> str | None:
        """The model to request from ``provider``, or ``None`` for its configured one."""
        return self.model_override if provider == self.decision.provider else None


@dataclass
class CallLog:
    """What happened during one call; read by the chat model when it finishes."""

    attempts: list[Attempt] = field(default_factory=list)
    served_by: str | None = None
    cost: float = 0.0
    started: float = 0.0
    deadline: float = 0.0
    context_window_failed: int | None = None
    context_failed: bool = False


class _Fallback(Exception):  # noqa: N818 - a signal, not an error a user sees
    """Raised by an attempt to hand the call to the next provider."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _outcome(exc: BaseException) -> str:
    if isinstance(exc, BudgetExceededError):
        return "budget"
    if isinstance(exc, PrivacyViolationError):
        return "privacy"
    if isinstance(exc, ProviderCallError):
        return exc.kind
    return type(exc).__name__


class ProviderAttempt(Runnable[None, Any]):
    """One provider's turn within a call: checks, request with retries, settlement."""

    def __init__(self, dispatcher: Dispatcher, provider: str, plan: CallPlan, log: CallLog) -> None:
        self.d = dispatcher
        self.provider = provider
        self.plan = plan
        self.log = log
        self.name = f"aegis:{provider}"

    # -- shared checks -----------------------------------------------------

    def _precheck(self) -> None:
        d, cfg = self.d, self.d.config.providers[self.provider]
        remaining = self.log.deadline - d.clock()
        if remaining <= 0:
            raise AllProvidersFailedError(
                f"deadline of {d.config.resilience.deadline:.1f}s passed before trying {self.provider!r}",
                attempts=self.log.attempts,
            )
        if self.log.context_failed:
            failed = self.log.context_window_failed
            if cfg.context_window is None or (failed is not None and cfg.context_window <= failed):
                raise ProviderCallError(
                    self.provider, "context_length", "context window not larger than the one that overflowed"
                )
        d.registry[self.provider].check_privacy(self.plan.decision.privacy)
        d.breaker.before_call(self.provider)

    def _fail(self, exc: BaseException, started: float, retries: int) -> BaseException:
        if not isinstance(exc, AegisError):
            exc = classify(self.provider, exc)
        kind = _outcome(exc)
        status = exc.status if isinstance(exc, ProviderCallError) else None
        self.log.attempts.append(
            Attempt(self.provider, kind, (self.d.clock() - started) * 1000, status, retries, type(exc).__name__)
        )
        if isinstance(exc, ProviderCallError) and kind not in ("circuit_open", "invalid_request", "content_filter"):
            if kind == "context_length":
                self.log.context_failed = True
                self.log.context_window_failed = self.d.config.providers[self.provider].context_window
            else:
                self.d.breaker.record_failure(self.provider)
        logger.warning("aegis: provider %s failed (%s)%s", self.provider, kind, f" HTTP {status}" if status else "")
        if isinstance(exc, AllProvidersFailedError):
            return exc
        return _Fallback(exc) if falls_back(exc) else exc

    def _ok(self, started: float, retries: int, cost: float) -> None:
        self.d.breaker.record_success(self.provider)
        self.log.attempts.append(Attempt(self.provider, "ok", (self.d.clock() - started) * 1000, None, retries))
        self.log.served_by = self.provider
        self.log.cost = cost

    def _retry_wait(self, err: ProviderCallError, retry: int) -> float | None:
        """Seconds to wait before another try, or ``None`` to stop retrying."""
        cfg = self.d.config.resilience
        if err.kind not in RETRY_KINDS or retry >= cfg.max_retries:
            return None
        delay = backoff_delay(retry + 1, cfg, retry_after=err.retry_after)
        if self.d.clock() + delay >= self.log.deadline:
            return None
        return delay

    def _params(self) -> dict[str, Any]:
        remaining = max(0.001, self.log.deadline - self.d.clock())
        return {**self.plan.params, "timeout": min(remaining, self.d.config.providers[self.provider].timeout)}

    # -- sync ----------------------------------------------------------------

    def invoke(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> ChatResult:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.registry[self.provider]
        try:
            self._precheck()
            if self.d.accounting is not None:
                reservation = self.d.accounting.reserve(
                    self.provider, self.plan.prompt_tokens, self.plan.params.get("max_tokens")
                )
            while True:
                try:
                    completion = client.complete(
                        self.plan.messages,
                        self._params(),
                        privacy=self.plan.decision.privacy,
                        model=self.plan.model_for(self.provider),
                    )
                    if not getattr(completion, "choices", None):
                        raise ProviderCallError(self.provider, "malformed", "response has no choices")
                    result = completion_to_result(completion, provider_type=client.config.type)
                    break
                except AegisError:
                    raise
                except Exception as exc:
                    err = classify(self.provider, exc)
                    if (delay := self._retry_wait(err, retries)) is None:
                        raise err from exc
                    retries += 1
                    time.sleep(delay)
            cost = 0.0
            if self.d.accounting is not None:
                usage = getattr(result.generations[0].message, "usage_metadata", None)
                cost = self.d.accounting.settle(self.provider, reservation, usage)
                reservation = None
            self._ok(started, retries, cost)
            return result
        except BaseException as exc:
            if reservation is not None and self.d.accounting is not None:
                self.d.accounting.release(reservation)
            raise self._fail(exc, started, retries) from exc

    def stream(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.registry[self.provider]
        try:
            self._precheck()
            if self.d.accounting is not None:
                reservation = self.d.accounting.reserve(
                    self.provider, self.plan.prompt_tokens, self.plan.params.get("max_tokens")
                )
            while True:
                try:
                    raw = client.stream(
                        self.plan.messages,
                        self._params(),
                        privacy=self.plan.decision.privacy,
                        model=self.plan.model_for(self.provider),
                    )
                    first, saw_tools = None, False
                    for item in raw:
                        first = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=False)
                        if first is not None:
                            break
                    if first is None:
                        raise ProviderCallError(self.provider, "empty_stream", "the stream ended without a chunk")
                    break
                except AegisError as aegis_err:
                    if not (
                        isinstance(aegis_err, ProviderCallError)
                        and (delay := self._retry_wait(aegis_err, retries)) is not None
                    ):
                        raise
                    retries += 1
                    time.sleep(delay)
                except Exception as exc:
                    err = classify(self.provider, exc)
                    if (delay := self._retry_wait(err, retries)) is None:
                        raise err from exc
                    retries += 1
                    time.sleep(delay)
        except BaseException as exc:
            if reservation is not None and self.d.accounting is not None:
                self.d.accounting.release(reservation)
            raise self._fail(exc, started, retries) from exc
        # From here on the caller has content: no retry, no fallback.
        yield first
        delivered, chars, usage = 1, len(str(first.message.content)), first.message.usage_metadata  # type: ignore[attr-defined]
        saw_tools = bool(first.message.tool_call_chunks)  # type: ignore[attr-defined]
        try:
            for item in raw:
                gen = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=saw_tools)
                if gen is None:
                    continue
                saw_tools = saw_tools or bool(gen.message.tool_call_chunks)  # type: ignore[attr-defined]
                usage = gen.message.usage_metadata or usage  # type: ignore[attr-defined]
                delivered += 1
                chars += len(str(gen.message.content))
                yield gen
        except GeneratorExit:
            if reservation is not None and self.d.accounting is not None:
                self.d.accounting.release(reservation)
            raise
        except BaseException as exc:
            if reservation is not None and self.d.accounting is not None:
                self.d.accounting.release(reservation)
            self._fail(classify(self.provider, exc) if not isinstance(exc, AegisError) else exc, started, retries)
            raise StreamInterruptedError(self.provider, delivered, chars, exc) from exc
        cost = self.d.accounting.settle(self.provider, reservation, usage) if self.d.accounting is not None else 0.0
        self._ok(started, retries, cost)

    # -- async -----------------------------------------------------------------

    async def ainvoke(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> ChatResult:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.registry[self.provider]
        try:
            self._precheck()
            if self.d.accounting is not None:
                reservation = await self.d.accounting.areserve(
                    self.provider, self.plan.prompt_tokens, self.plan.params.get("max_tokens")
                )
            while True:
                try:
                    completion = await asyncio.wait_for(
                        client.acomplete(
                            self.plan.messages,
                            self._params(),
                            privacy=self.plan.decision.privacy,
                            model=self.plan.model_for(self.provider),
                        ),
                        timeout=max(0.001, self.log.deadline - self.d.clock()),
                    )
                    if not getattr(completion, "choices", None):
                        raise ProviderCallError(self.provider, "malformed", "response has no choices")
                    result = completion_to_result(completion, provider_type=client.config.type)
                    break
                except AegisError:
                    raise
                except Exception as exc:
                    err = classify(self.provider, exc)
                    if (delay := self._retry_wait(err, retries)) is None:
                        raise err from exc
                    retries += 1
                    await asyncio.sleep(delay)
            cost = 0.0
            if self.d.accounting is not None:
                usage = result.generations[0].message.usage_metadata  # type: ignore[attr-defined]
                cost = await self.d.accounting.asettle(self.provider, reservation, usage)
                reservation = None
            self._ok(started, retries, cost)
            return result
        except BaseException as exc:
            if reservation is not None and self.d.accounting is not None:
                await self.d.accounting.arelease(reservation)
            raise self._fail(exc, started, retries) from exc

    async def astream(
        self, input: None, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.registry[self.provider]
        try:
            self._precheck()
            if self.d.accounting is not None:
                reservation = await self.d.accounting.areserve(
                    self.provider, self.plan.prompt_tokens, self.plan.params.get("max_tokens")
                )
            while True:
                try:
                    raw = await client.astream(
                        self.plan.messages,
                        self._params(),
                        privacy=self.plan.decision.privacy,
                        model=self.plan.model_for(self.provider),
                    )
                    first = None
                    async for item in raw:
                        first = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=False)
                        if first is not None:
                            break
                    if first is None:
                        raise ProviderCallError(self.provider, "empty_stream", "the stream ended without a chunk")
                    break
                except AegisError as aegis_err:
                    if not (
                        isinstance(aegis_err, ProviderCallError)
                        and (delay := self._retry_wait(aegis_err, retries)) is not None
                    ):
                        raise
                    retries += 1
                    await asyncio.sleep(delay)
                except Exception as exc:
                    err = classify(self.provider, exc)
                    if (delay := self._retry_wait(err, retries)) is None:
                        raise err from exc
                    retries += 1
                    await asyncio.sleep(delay)
        except BaseException as exc:
            if reservation is not None and self.d.accounting is not None:
                await self.d.accounting.arelease(reservation)
            raise self._fail(exc, started, retries) from exc
        yield first
        delivered, chars, usage = 1, len(str(first.message.content)), first.message.usage_metadata  # type: ignore[attr-defined]
        saw_tools = bool(first.message.tool_call_chunks)  # type: ignore[attr-defined]
        try:
            async for item in raw:
                gen = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=saw_tools)
                if gen is None:
                    continue
                saw_tools = saw_tools or bool(gen.message.tool_call_chunks)  # type: ignore[attr-defined]
                usage = gen.message.usage_metadata or usage  # type: ignore[attr-defined]
                delivered += 1
                chars += len(str(gen.message.content))
                yield gen
        except (GeneratorExit, asyncio.CancelledError):
            if reservation is not None and self.d.accounting is not None:
                await self.d.accounting.arelease(reservation)
            raise
        except BaseException as exc:
            if reservation is not None and self.d.accounting is not None:
                await self.d.accounting.arelease(reservation)
            self._fail(classify(self.provider, exc) if not isinstance(exc, AegisError) else exc, started, retries)
            raise StreamInterruptedError(self.provider, delivered, chars, exc) from exc
        cost = (
            await self.d.accounting.asettle(self.provider, reservation, usage) if self.d.accounting is not None else 0.0
        )
        self._ok(started, retries, cost)


class Dispatcher:
    """Runs calls through ``with_fallbacks`` chains of provider attempts.

    Args:
        config: the validated configuration.
        registry: the provider clients.
        breaker: circuit breakers shared by every call of this model.
        accounting: budget reservation and settlement, or ``None`` for none.
        clock: a monotonic clock, injectable for tests.
    """

    def __init__(
        self,
        config: AegisConfig,
        registry: ProviderRegistry,
        breaker: CircuitBreaker,
        accounting: Accounting | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.registry = registry
        self.breaker = breaker
        self.accounting = accounting
        self.clock = clock

    def _chain(self, plan: CallPlan, log: CallLog) -> Runnable[None, Any]:
        log.started = self.clock()
        log.deadline = log.started + self.config.resilience.deadline
        attempts = [ProviderAttempt(self, name, plan, log) for name in plan.decision.chain]
        if len(attempts) == 1:
            return attempts[0]
        return attempts[0].with_fallbacks(attempts[1:], exceptions_to_handle=(_Fallback,))

    def _final_error(self, plan: CallPlan, log: CallLog, exc: BaseException) -> BaseException:
        cause = exc.cause if isinstance(exc, _Fallback) else exc
        if not isinstance(exc, _Fallback):
            return exc
        summary = ", ".join(f"{a.provider}: {a.outcome}" for a in log.attempts)
        if plan.decision.privacy == "local_only":
            return PrivacyViolationError(
                f"every local provider failed ({summary}); a local_only call is never sent to a cloud provider",
                attempts=log.attempts,
            )
        if len(plan.decision.chain) == 1 and isinstance(cause, AegisError):
            return cause
        return AllProvidersFailedError(f"every provider in the chain failed ({summary})", attempts=log.attempts)

    def invoke(self, plan: CallPlan, log: CallLog) -> ChatResult:
        """Run the call to completion."""
        try:
            with tracing_context(enabled=False):
                result: ChatResult = self._chain(plan, log).invoke(None, _NO_CALLBACKS)
            return result
        except (_Fallback, AegisError) as exc:
            raise self._final_error(plan, log, exc) from (exc.cause if isinstance(exc, _Fallback) else exc)

    async def ainvoke(self, plan: CallPlan, log: CallLog) -> ChatResult:
        """Run the call to completion, asynchronously."""
        try:
            with tracing_context(enabled=False):
                result: ChatResult = await self._chain(plan, log).ainvoke(None, _NO_CALLBACKS)
            return result
        except (_Fallback, AegisError) as exc:
            raise self._final_error(plan, log, exc) from (exc.cause if isinstance(exc, _Fallback) else exc)

    def stream(self, plan: CallPlan, log: CallLog) -> Iterator[ChatGenerationChunk]:
        """Stream the call; failover happens only before the first chunk."""
        iterator = iter(self._chain(plan, log).stream(None, _NO_CALLBACKS))
        while True:
            try:
                with tracing_context(enabled=False):
                    chunk = next(iterator)
            except StopIteration:
                return
            except (_Fallback, AegisError) as exc:
                if isinstance(exc, StreamInterruptedError):
                    raise
                raise self._final_error(plan, log, exc) from (exc.cause if isinstance(exc, _Fallback) else exc)
            yield chunk

    async def astream(self, plan: CallPlan, log: CallLog) -> AsyncIterator[ChatGenerationChunk]:
        """Stream the call asynchronously; failover happens only before the first chunk."""
        iterator = self._chain(plan, log).astream(None, _NO_CALLBACKS).__aiter__()
        while True:
            try:
                with tracing_context(enabled=False):
                    chunk = await iterator.__anext__()
            except StopAsyncIteration:
                return
            except (_Fallback, AegisError) as exc:
                if isinstance(exc, StreamInterruptedError):
                    raise
                raise self._final_error(plan, log, exc) from (exc.cause if isinstance(exc, _Fallback) else exc)
            yield chunk
