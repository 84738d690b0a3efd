"""Carry out one :class:`RouteDecision`: the chain of provider attempts and the call's final error.

This module owns :class:`Dispatcher`: it builds the
:class:`~langchain_aegis.dispatch.context.AttemptContext` once, chains one
attempt per provider of a decision, and turns the chain's last failure into
the error the caller sees. It must not make a provider's checks, requests or
charges itself (that is :mod:`langchain_aegis.dispatch.attempt`) or decide
a route (that is :mod:`langchain_aegis.routing`).

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

import logging
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import Any, NoReturn

from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig
from langsmith.run_helpers import tracing_context

from langchain_aegis._loops import aclose_quietly, close_quietly
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.dispatch.attempt import Fallback, ProviderAttempt
from langchain_aegis.dispatch.breaker import CircuitBreaker
from langchain_aegis.dispatch.context import Accounting, AttemptContext
from langchain_aegis.dispatch.limits import ProviderLimits
from langchain_aegis.dispatch.plan import CallLog, CallPlan, settle_abandoned, settle_abandoned_sync
from langchain_aegis.errors import (
    AegisError,
    AllProvidersFailedError,
    PrivacyViolationError,
)
from langchain_aegis.providers.client import ProviderClient

__all__ = ["Accounting", "CallLog", "CallPlan", "Dispatcher", "settle_abandoned", "settle_abandoned_sync"]

logger = logging.getLogger("langchain_aegis")

_NO_CALLBACKS: RunnableConfig = {"callbacks": []}


class Dispatcher:
    """Runs calls through ``with_fallbacks`` chains of provider attempts.

    Args:
        config: the validated configuration.
        registry: the provider clients by name (a ``ProviderRegistry``; any mapping,
            so a test can hand in fake clients, the way an httpx test swaps a transport).
        breaker: circuit breakers shared by every call of this model.
        accounting: budget reservation and settlement, or ``None`` for none.
        clock: a monotonic clock, injectable for tests.
        limits: provider quotas and concurrency slots (quota state in memory when ``None``).
    """

    def __init__(
        self,
        config: AegisConfig,
        registry: Mapping[str, ProviderClient],
        breaker: CircuitBreaker,
        accounting: Accounting | None = None,
        clock: Callable[[], float] = time.monotonic,
        limits: ProviderLimits | None = None,
    ) -> None:
        self.config = config
        self.limits = limits or ProviderLimits(config)
        self.registry = registry
        self.breaker = breaker
        self.accounting = accounting
        self.clock = clock
        self.context = AttemptContext(
            clients=registry,
            limits=self.limits,
            breaker=breaker,
            accounting=accounting,
            clock=clock,
            resilience=config.resilience,
            lease_seconds=config.budgets.lease_seconds,
        )
        """What every attempt may use; built once, shared by every call."""

    def _chain(self, plan: CallPlan, log: CallLog) -> Runnable[None, Any]:
        log.started = self.clock()
        log.deadline = log.started + self.config.resilience.deadline
        attempts = [ProviderAttempt(self.context, name, plan, log) for name in plan.decision.chain]
        if len(attempts) == 1:
            return attempts[0]
        return attempts[0].with_fallbacks(attempts[1:], exceptions_to_handle=(Fallback,))

    def _final_error(self, plan: CallPlan, log: CallLog, exc: BaseException) -> BaseException:
        cause = exc.cause if isinstance(exc, Fallback) else exc
        summary = ", ".join(f"{a.provider}: {a.outcome}" for a in log.attempts)
        # A cloud provider that refused the request (the egress gate found personal data) makes the
        # call a private one: its failure is a privacy failure, whatever routing had decided.
        private = plan.decision.privacy == "local_only" or any(a.outcome == "privacy" for a in log.attempts)
        if isinstance(exc, AllProvidersFailedError) and private:
            return PrivacyViolationError(
                f"no local provider answered within the deadline ({summary}); "
                "a local_only call is never sent to a cloud provider",
                attempts=log.attempts,
            )
        if isinstance(exc, AllProvidersFailedError):
            return AllProvidersFailedError(str(exc), attempts=log.attempts)  # with the deadline's own entry
        if not isinstance(exc, Fallback):
            return exc
        if private:
            return PrivacyViolationError(
                f"every local provider failed ({summary}); a local_only call is never sent to a cloud provider",
                attempts=log.attempts,
            )
        if len(plan.decision.chain) == 1 and isinstance(cause, AegisError):
            return cause
        return AllProvidersFailedError(f"every provider in the chain failed ({summary})", attempts=log.attempts)

    def _raise_final(self, plan: CallPlan, log: CallLog, exc: BaseException) -> NoReturn:
        """Raise the call's final error, chained to the provider's own exception."""
        final = self._final_error(plan, log, exc)
        if final is exc:
            raise exc
        raise final from (exc.cause if isinstance(exc, Fallback) else exc)

    def invoke(self, plan: CallPlan, log: CallLog) -> ChatResult:
        """Run the call to completion."""
        try:
            with tracing_context(enabled=False):
                result: ChatResult = self._chain(plan, log).invoke(None, _NO_CALLBACKS)
            return result
        except (Fallback, AegisError) as exc:
            self._raise_final(plan, log, exc)

    async def ainvoke(self, plan: CallPlan, log: CallLog) -> ChatResult:
        """Run the call to completion, asynchronously."""
        try:
            with tracing_context(enabled=False):
                result: ChatResult = await self._chain(plan, log).ainvoke(None, _NO_CALLBACKS)
            return result
        except (Fallback, AegisError) as exc:
            self._raise_final(plan, log, exc)

    def stream(self, plan: CallPlan, log: CallLog) -> Generator[ChatGenerationChunk]:
        """Stream the call; failover happens only before the first chunk."""
        iterator = iter(self._chain(plan, log).stream(None, _NO_CALLBACKS))
        first = True
        try:
            while True:
                try:
                    if first:
                        # The inner callback manager is configured on the first step; later
                        # steps build no runs, so the (costly) context is entered once.
                        with tracing_context(enabled=False):
                            chunk = next(iterator)
                        first = False
                    else:
                        chunk = next(iterator)
                except StopIteration:
                    return
                except (Fallback, AegisError) as exc:  # a StreamInterruptedError is raised as itself
                    self._raise_final(plan, log, exc)
                yield chunk
        finally:
            close_quietly(iterator)  # a caller that stops reading frees the provider's connection now, not at GC
            settle_abandoned_sync(log)  # and its bill is settled now: fallbacks leave the inner stream to GC

    async def astream(self, plan: CallPlan, log: CallLog) -> AsyncGenerator[ChatGenerationChunk]:
        """Stream the call asynchronously; failover happens only before the first chunk."""
        iterator = self._chain(plan, log).astream(None, _NO_CALLBACKS).__aiter__()
        first = True
        try:
            while True:
                try:
                    if first:
                        with tracing_context(enabled=False):
                            chunk = await iterator.__anext__()
                        first = False
                    else:
                        chunk = await iterator.__anext__()
                except StopAsyncIteration:
                    return
                except (Fallback, AegisError) as exc:  # a StreamInterruptedError is raised as itself
                    self._raise_final(plan, log, exc)
                yield chunk
        finally:
            await aclose_quietly(iterator)
            await settle_abandoned(log)
