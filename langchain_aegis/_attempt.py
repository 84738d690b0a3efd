"""One provider's turn within a call: checks, the request with retries, settlement.

:class:`ProviderAttempt` is the runnable that :mod:`langchain_aegis.dispatch`
chains with ``with_fallbacks``. It checks the deadline, the context window,
privacy and the circuit breaker; reserves budget; sends the request, retrying
what is worth retrying; and records the attempt. A failure that should move on
raises ``_Fallback``; one that should not is raised as itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig

from langchain_aegis._convert import chunk_to_generation, completion_to_result
from langchain_aegis.attempts import Attempt
from langchain_aegis.errors import (
    AegisError,
    AllProvidersFailedError,
    BudgetExceededError,
    PrivacyViolationError,
    ProviderCallError,
    StreamInterruptedError,
)
from langchain_aegis.providers import ProviderClient
from langchain_aegis.resilience import RETRY_KINDS, backoff_delay, classify, falls_back
from langchain_aegis.routing import RouteDecision

if TYPE_CHECKING:
    from langchain_aegis.dispatch import Dispatcher

__all__ = ["Accounting", "CallLog", "CallPlan", "ProviderAttempt"]

logger = logging.getLogger("langchain_aegis")


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


_SKIPPED = frozenset({"circuit_open", "context_window", "deadline", "budget", "privacy", "concurrency"})
"""Outcomes of a provider that was passed over without a request."""

_NOT_HEALTH = frozenset({"invalid_request", "content_filter", "context_length", "quota_exhausted"})
"""Failures that say something about the request, not about the provider's health."""


def _outcome(exc: BaseException) -> str:
    if isinstance(exc, BudgetExceededError):
        return "budget"
    if isinstance(exc, PrivacyViolationError):
        return "privacy"
    if isinstance(exc, AllProvidersFailedError):
        return "deadline"
    if isinstance(exc, ProviderCallError):
        return exc.kind
    return type(exc).__name__


def _has_content(gen: ChatGenerationChunk) -> bool:
    message = gen.message
    return bool(
        message.content
        or getattr(message, "tool_call_chunks", None)
        or message.additional_kwargs.get("reasoning_content")
    )


class ProviderAttempt(Runnable[None, Any]):
    """One provider's turn within a call: checks, request with retries, settlement.

    A stream commits to this provider at its first chunk with content (text,
    tool call or reasoning): chunks that carry only a role, a finish reason or
    usage are held back until then, so a stream that ends without content is
    an ``empty_stream`` failure that falls back, not a silent empty answer.
    """

    def __init__(self, dispatcher: Dispatcher, provider: str, plan: CallPlan, log: CallLog) -> None:
        self.d = dispatcher
        self.provider = provider
        self.plan = plan
        self.log = log
        self.name = f"aegis:{provider}"
        self._trial = False

    # -- shared steps --------------------------------------------------------

    def _precheck(self) -> None:
        d, cfg = self.d, self.d.config.providers[self.provider]
        if self._remaining() <= 0:
            raise AllProvidersFailedError(
                f"deadline of {d.config.resilience.deadline:.1f}s passed before trying {self.provider!r}",
                attempts=self.log.attempts,
            )
        if self.log.context_failed:
            failed = self.log.context_window_failed
            if cfg.context_window is None or (failed is not None and cfg.context_window <= failed):
                raise ProviderCallError(
                    self.provider, "context_window", "skipped: context window not larger than the one that overflowed"
                )
        d.registry[self.provider].check_privacy(self.plan.decision.privacy)
        self._trial = d.breaker.before_call(self.provider)

    def _url(self) -> str:
        """Where the provider is, for error messages (its SDK's default when not configured)."""
        cfg = self.d.config.providers[self.provider]
        return cfg.base_url or f"the {cfg.type} default URL"

    def _remaining(self) -> float:
        return self.log.deadline - self.d.clock()

    def _fail(self, exc: Exception, started: float, retries: int) -> BaseException:
        """Record a failed attempt and return what to raise: ``_Fallback`` to move on, else the error."""
        # What the SDK raised (``MissingApiKeyError``), not the classification wrapped around it.
        raised = type(exc.__cause__ if isinstance(exc, ProviderCallError) and exc.__cause__ else exc).__name__
        if not isinstance(exc, AegisError):
            exc = classify(self.provider, exc, url=self._url())
        kind = _outcome(exc)
        status = exc.status if isinstance(exc, ProviderCallError) else None
        self.log.attempts.append(
            Attempt(self.provider, kind, (self.d.clock() - started) * 1000, status, retries, raised)
        )
        if kind == "context_length":
            self.log.context_failed = True
            self.log.context_window_failed = self.d.config.providers[self.provider].context_window
        if isinstance(exc, ProviderCallError) and kind not in _SKIPPED | _NOT_HEALTH:
            self.d.breaker.record_failure(self.provider)
        else:
            self._neutral()
        logger.warning("aegis: provider %s failed (%s)%s", self.provider, kind, f" HTTP {status}" if status else "")
        if isinstance(exc, AllProvidersFailedError):
            return exc
        return _Fallback(exc) if falls_back(exc) else exc

    def _neutral(self) -> None:
        """End a half-open trial that said nothing about the provider's health, so another may run."""
        if self._trial:
            self._trial = False
            self.d.breaker.record_neutral(self.provider)

    def _ok(self, started: float, retries: int, cost: float) -> None:
        self._trial = False
        self.d.breaker.record_success(self.provider)
        self.log.attempts.append(Attempt(self.provider, "ok", (self.d.clock() - started) * 1000, None, retries))
        self.log.served_by = self.provider
        self.log.cost = cost

    def _retry_delay(self, exc: Exception, retry: int) -> float:
        """Seconds to wait before another try after ``exc``; raises the classified error when there is none."""
        if isinstance(exc, AegisError) and not isinstance(exc, ProviderCallError):
            raise exc  # budget or privacy: not the provider's failure, nothing to retry
        err = classify(self.provider, exc, url=self._url())
        cfg = self.d.config.resilience
        if err.kind in RETRY_KINDS and retry < cfg.max_retries:
            delay = backoff_delay(retry + 1, cfg, retry_after=err.retry_after)
            if self.d.clock() + delay < self.log.deadline:
                logger.info("aegis: retrying provider %s in %.2fs (%s)", self.provider, delay, err.kind)
                return delay
        if err is exc:
            raise err
        raise err from exc

    def _request_args(self) -> dict[str, Any]:
        return {
            "privacy": self.plan.decision.privacy,
            "model": self.plan.model_for(self.provider),
            "deadline": self._remaining(),
        }

    def _result(self, completion: Any, provider_type: str) -> ChatResult:
        choices = getattr(completion, "choices", None)
        if not choices:
            raise ProviderCallError(self.provider, "malformed", "response has no choices")
        if choices[0].finish_reason == "content_filter" and not (
            choices[0].message.content or choices[0].message.tool_calls
        ):
            raise ProviderCallError(self.provider, "content_filter", "the answer was withheld by a content filter")
        return completion_to_result(completion, provider_type=provider_type)

    def _empty(self, held: list[ChatGenerationChunk]) -> ProviderCallError:
        if any((gen.generation_info or {}).get("finish_reason") == "content_filter" for gen in held):
            return ProviderCallError(self.provider, "content_filter", "the answer was withheld by a content filter")
        return ProviderCallError(self.provider, "empty_stream", "the stream ended without content")

    def _usage(self, result: ChatResult) -> Any:
        return getattr(result.generations[0].message, "usage_metadata", None)

    # -- sync ----------------------------------------------------------------

    def _release(self, reservation: Any) -> None:
        if reservation is not None and self.d.accounting is not None:
            self.d.accounting.release(reservation)

    def _reserve(self) -> Any:
        if self.d.accounting is None:
            return None
        return self.d.accounting.reserve(self.provider, self.plan.prompt_tokens, self.plan.params.get("max_tokens"))

    def _settle(self, reservation: Any, usage: Any) -> float:
        return self.d.accounting.settle(self.provider, reservation, usage) if self.d.accounting is not None else 0.0

    def invoke(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> ChatResult:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.limits.guard(self.d.registry[self.provider])  # quota skip, concurrency slot
        try:
            self._precheck()
            reservation = self._reserve()
            while True:
                try:
                    completion = client.complete(self.plan.messages, self.plan.params, **self._request_args())
                    result = self._result(completion, client.config.type)
                    break
                except Exception as exc:
                    delay = self._retry_delay(exc, retries)
                    retries += 1
                    time.sleep(delay)
            cost = self._settle(reservation, self._usage(result))
            reservation = None
            self._ok(started, retries, cost)
            return result
        except Exception as exc:
            self._release(reservation)
            raise self._fail(exc, started, retries) from exc
        except BaseException:  # interrupted: not the provider's failure
            self._release(reservation)
            self._neutral()
            raise

    def _open(self, client: ProviderClient) -> tuple[Iterator[Any], list[ChatGenerationChunk]]:
        """Start a stream and read it up to its first chunk with content."""
        raw = client.stream(self.plan.messages, self.plan.params, **self._request_args())
        held: list[ChatGenerationChunk] = []
        try:
            for item in raw:
                gen = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=False)
                if gen is not None:
                    held.append(gen)
                    if _has_content(gen):
                        return raw, held
            raise self._empty(held)
        except BaseException:
            _close(raw)
            raise

    def stream(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.limits.guard(self.d.registry[self.provider])  # quota skip, concurrency slot
        try:
            self._precheck()
            reservation = self._reserve()
            while True:
                try:
                    raw, held = self._open(client)
                    break
                except Exception as exc:
                    delay = self._retry_delay(exc, retries)
                    retries += 1
                    time.sleep(delay)
        except Exception as exc:
            self._release(reservation)
            raise self._fail(exc, started, retries) from exc
        except BaseException:
            self._release(reservation)
            self._neutral()
            raise
        # From here on the caller has content: no retry, no fallback.
        tally = _Tally()
        try:
            for gen in held:
                tally.add(gen)
                yield gen
            for item in raw:
                more = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=tally.saw_tools)
                if more is not None:
                    tally.add(more)
                    yield more
        except Exception as exc:
            self._release(reservation)
            self._fail(exc, started, retries)
            raise StreamInterruptedError(self.provider, tally.delivered, tally.chars, exc) from exc
        except BaseException:  # the caller stopped reading, or was interrupted
            self._release(reservation)
            self._neutral()
            raise
        finally:
            _close(raw)
        self._ok(started, retries, self._settle(reservation, tally.usage))

    # -- async ---------------------------------------------------------------

    async def _arelease(self, reservation: Any) -> None:
        if reservation is not None and self.d.accounting is not None:
            await self.d.accounting.arelease(reservation)

    async def _areserve(self) -> Any:
        if self.d.accounting is None:
            return None
        return await self.d.accounting.areserve(
            self.provider, self.plan.prompt_tokens, self.plan.params.get("max_tokens")
        )

    async def _asettle(self, reservation: Any, usage: Any) -> float:
        if self.d.accounting is None:
            return 0.0
        return await self.d.accounting.asettle(self.provider, reservation, usage)

    async def ainvoke(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> ChatResult:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.limits.guard(self.d.registry[self.provider])  # quota skip, concurrency slot
        try:
            self._precheck()
            reservation = await self._areserve()
            while True:
                try:
                    completion = await client.acomplete(self.plan.messages, self.plan.params, **self._request_args())
                    result = self._result(completion, client.config.type)
                    break
                except Exception as exc:
                    delay = self._retry_delay(exc, retries)
                    retries += 1
                    await asyncio.sleep(delay)
            cost = await self._asettle(reservation, self._usage(result))
            reservation = None
            self._ok(started, retries, cost)
            return result
        except Exception as exc:
            await self._arelease(reservation)
            raise self._fail(exc, started, retries) from exc
        except BaseException:  # cancelled: let the cancellation through untouched
            self._neutral()
            if reservation is not None and self.d.accounting is not None:
                await asyncio.shield(self.d.accounting.arelease(reservation))
            raise

    async def _aopen(self, client: ProviderClient) -> tuple[AsyncIterator[Any], list[ChatGenerationChunk]]:
        """Start a stream and read it up to its first chunk with content."""
        raw = await client.astream(self.plan.messages, self.plan.params, **self._request_args())
        held: list[ChatGenerationChunk] = []
        try:
            async for item in raw:
                gen = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=False)
                if gen is not None:
                    held.append(gen)
                    if _has_content(gen):
                        return raw, held
            raise self._empty(held)
        except BaseException:
            await _aclose(raw)
            raise

    async def astream(
        self, input: None, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        started, retries, reservation = self.d.clock(), 0, None
        client = self.d.limits.guard(self.d.registry[self.provider])  # quota skip, concurrency slot
        try:
            self._precheck()
            reservation = await self._areserve()
            while True:
                try:
                    raw, held = await self._aopen(client)
                    break
                except Exception as exc:
                    delay = self._retry_delay(exc, retries)
                    retries += 1
                    await asyncio.sleep(delay)
        except Exception as exc:
            await self._arelease(reservation)
            raise self._fail(exc, started, retries) from exc
        except BaseException:
            self._neutral()
            if reservation is not None and self.d.accounting is not None:
                await asyncio.shield(self.d.accounting.arelease(reservation))
            raise
        tally = _Tally()
        try:
            for gen in held:
                tally.add(gen)
                yield gen
            async for item in raw:
                more = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=tally.saw_tools)
                if more is not None:
                    tally.add(more)
                    yield more
        except Exception as exc:
            await self._arelease(reservation)
            self._fail(exc, started, retries)
            raise StreamInterruptedError(self.provider, tally.delivered, tally.chars, exc) from exc
        except BaseException:  # the caller stopped reading, or was cancelled
            self._neutral()
            if reservation is not None and self.d.accounting is not None:
                await asyncio.shield(self.d.accounting.arelease(reservation))
            raise
        finally:
            await _aclose(raw)
        self._ok(started, retries, await self._asettle(reservation, tally.usage))


@dataclass
class _Tally:
    """What a committed stream has delivered so far."""

    delivered: int = 0
    chars: int = 0
    usage: Any = None
    saw_tools: bool = False

    def add(self, gen: ChatGenerationChunk) -> None:
        message = gen.message
        self.delivered += 1
        self.chars += len(str(message.content))
        self.usage = getattr(message, "usage_metadata", None) or self.usage
        self.saw_tools = self.saw_tools or bool(getattr(message, "tool_call_chunks", None))


def _close(raw: object) -> None:
    close = getattr(raw, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


async def _aclose(raw: object) -> None:
    close = getattr(raw, "aclose", None)
    if callable(close):
        with contextlib.suppress(Exception):
            await close()
