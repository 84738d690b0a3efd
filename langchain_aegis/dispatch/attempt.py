"""One provider's turn within a call: checks, the request with retries, settlement.

This module owns :class:`ProviderAttempt`, the runnable that
:mod:`langchain_aegis.dispatch.dispatcher` chains with ``with_fallbacks``. It
checks the deadline, the context window, privacy and the circuit breaker;
reserves budget; sends the request, retrying what is worth retrying; settles
or releases the reservation on every way out; and records the attempt. A
failure that should move on raises :class:`Fallback`; one that should not is
raised as itself. It uses only what its :class:`~langchain_aegis.dispatch.context.AttemptContext`
gives it and must not import or reach back into the dispatcher, or choose the
next provider.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig

from langchain_aegis._loops import aclose_quietly
from langchain_aegis._sync import iterate_sync, run_sync
from langchain_aegis.budget.settlement import Exit, charge, exit_of
from langchain_aegis.dispatch.context import AttemptContext
from langchain_aegis.dispatch.plan import Books, CallLog, CallPlan
from langchain_aegis.dispatch.records import SKIPPED_OUTCOMES, Attempt
from langchain_aegis.dispatch.retry import RETRY_KINDS, backoff_delay, classify, falls_back
from langchain_aegis.errors import (
    AegisError,
    AllProvidersFailedError,
    BudgetExceededError,
    LedgerUnavailableError,
    PrivacyViolationError,
    ProviderCallError,
    StreamInterruptedError,
)
from langchain_aegis.providers.client import ProviderClient
from langchain_aegis.providers.messages import chunk_to_generation, completion_to_result, usage_from

__all__ = ["Fallback", "ProviderAttempt"]

logger = logging.getLogger("langchain_aegis")

_T = TypeVar("_T")


class Fallback(Exception):  # noqa: N818 - a signal, not an error a user sees
    """Raised by an attempt to hand the call to the next provider."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


_NOT_HEALTH = frozenset({"invalid_request", "content_filter", "context_length", "quota_exhausted", "lease"})
"""Failures that say something about the request, not about the provider's health."""


def _outcome(exc: BaseException) -> str:
    if isinstance(exc, BudgetExceededError):
        return "budget"
    if isinstance(exc, LedgerUnavailableError):
        return "ledger"  # the ledger's fault, not the provider's: never counted by its breaker
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

    def __init__(self, context: AttemptContext, provider: str, plan: CallPlan, log: CallLog) -> None:
        self.ctx = context
        self.provider = provider
        self.plan = plan
        self.log = log
        self.name = f"aegis:{provider}"
        self._trial = False

    # -- shared steps --------------------------------------------------------

    def _precheck(self) -> None:
        ctx, cfg = self.ctx, self.ctx.config(self.provider)
        if self._remaining() <= 0:
            raise AllProvidersFailedError(
                f"deadline of {ctx.resilience.deadline:.1f}s passed before trying {self.provider!r}",
                attempts=self.log.attempts,
            )
        if self.log.context_failed:
            failed = self.log.context_window_failed
            if cfg.context_window is None or (failed is not None and cfg.context_window <= failed):
                raise ProviderCallError(
                    self.provider, "context_window", "skipped: context window not larger than the one that overflowed"
                )
        ctx.clients[self.provider].check_privacy(self.plan.decision.privacy)
        self._trial = ctx.breaker.before_call(self.provider)

    def _url(self) -> str:
        """Where the provider is, for error messages (its SDK's default when not configured)."""
        cfg = self.ctx.config(self.provider)
        return cfg.base_url or f"the {cfg.type} default URL"

    def _remaining(self) -> float:
        return self.log.deadline - self.ctx.clock()

    def _fail(self, exc: Exception, started: float, retries: int) -> BaseException:
        """Record a failed attempt and return what to raise: ``Fallback`` to move on, else the error."""
        # What the SDK raised (``MissingApiKeyError``), not the classification wrapped around it.
        raised = type(exc.__cause__ if isinstance(exc, ProviderCallError) and exc.__cause__ else exc).__name__
        if not isinstance(exc, AegisError):
            exc = classify(self.provider, exc, url=self._url())
        kind = _outcome(exc)
        status = exc.status if isinstance(exc, ProviderCallError) else None
        self.log.attempts.append(
            Attempt(self.provider, kind, (self.ctx.clock() - started) * 1000, status, retries, raised)
        )
        if kind == "context_length":
            self.log.context_failed = True
            self.log.context_window_failed = self.ctx.config(self.provider).context_window
        if isinstance(exc, ProviderCallError) and kind not in SKIPPED_OUTCOMES | _NOT_HEALTH:
            self.ctx.breaker.record_failure(self.provider)
        else:
            self._neutral()
        logger.warning("aegis: provider %s failed (%s)%s", self.provider, kind, f" HTTP {status}" if status else "")
        if isinstance(exc, AllProvidersFailedError):
            return exc
        if isinstance(exc, LedgerUnavailableError):  # on_ledger_error: local_only moves on to a local provider
            return Fallback(exc) if exc.policy == "local_only" else exc
        return Fallback(exc) if falls_back(exc) else exc

    def _neutral(self) -> None:
        """End a half-open trial that said nothing about the provider's health, so another may run."""
        if self._trial:
            self._trial = False
            self.ctx.breaker.record_neutral(self.provider)

    def _ok(self, started: float, retries: int, cost: float) -> None:
        self._trial = False
        self.ctx.breaker.record_success(self.provider)
        self.log.attempts.append(Attempt(self.provider, "ok", (self.ctx.clock() - started) * 1000, None, retries))
        self.log.served_by = self.provider
        self.log.cost = cost

    def _retry_delay(self, exc: Exception, retry: int) -> float:
        """Seconds to wait before another try after ``exc``; raises the classified error when there is none."""
        if isinstance(exc, AegisError) and not isinstance(exc, ProviderCallError):
            raise exc  # budget or privacy: not the provider's failure, nothing to retry
        err = classify(self.provider, exc, url=self._url())
        cfg = self.ctx.resilience
        if err.kind in RETRY_KINDS and retry < cfg.max_retries:
            delay = backoff_delay(retry + 1, cfg, retry_after=err.retry_after)
            if self.ctx.clock() + delay < self.log.deadline:
                logger.info("aegis: retrying provider %s in %.2fs (%s)", self.provider, delay, err.kind)
                return delay
        if err is exc:
            raise err
        raise err from exc

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

    # -- the one attempt routine ---------------------------------------------

    def _output_ceiling(self) -> int | None:
        """The ``max_tokens`` to send: the call's own, or the configured ceiling for a paid or capped provider."""
        requested = self.plan.params.get("max_tokens")
        if self.ctx.accounting is None:
            return requested if isinstance(requested, int) else None
        return self.ctx.accounting.output_ceiling(self.provider, requested)

    def _request_args(self) -> dict[str, Any]:
        return {
            "privacy": self.plan.decision.privacy,
            "model": self.plan.model_for(self.provider),
            "deadline": self._remaining(),
        }

    async def _reserve(self) -> Books:
        books = Books(self._output_ceiling())
        if self.ctx.accounting is not None:
            books.reservation = await self.ctx.accounting.areserve(self.provider, self._prompt_bound(), books.ceiling)
        return books

    async def _close_books(self, books: Books, exc: BaseException | None, kind: str | None = None) -> float:
        """Settle or release one request's reservation for how it ended; return the cost recorded.

        The one place every path charges a request (see :mod:`langchain_aegis.budget.settlement`).
        Shielded, so a cancelled caller still leaves the books right.
        """
        if books.closed:
            return 0.0
        books.closed = True
        exit = exit_of(exc, books.meter, kind=kind)
        usage = charge(exit, books.meter, prompt_bound=self._prompt_bound(), output_ceiling=books.ceiling)
        accounting = self.ctx.accounting
        if accounting is None:
            return 0.0
        if exit is not Exit.COMPLETE:
            logger.info("aegis: provider %s request ended %s; charged %s", self.provider, exit, usage)
        if usage is None:
            if books.reservation is not None:
                await asyncio.shield(accounting.arelease(books.reservation))
            return 0.0
        return await asyncio.shield(accounting.asettle(self.provider, books.reservation, usage))

    async def _run(self, send: Callable[[Books], Awaitable[_T]]) -> tuple[_T, Books]:
        """Check, then send with retries; each try reserves its own budget and closes its books if it fails.

        The loop is hand-written rather than tenacity's: the wait depends on the
        classified error (its ``Retry-After``) and on the call's deadline, and a
        failed try must settle or release its reservation before the next one
        reserves, which tenacity would need three callbacks for.
        """
        self._started, self._retries = self.ctx.clock(), 0
        try:
            self._precheck()
            while True:
                books = await self._reserve()
                try:
                    return await send(books), books
                except Exception as exc:
                    kind = getattr(exc, "kind", None)
                    if not isinstance(exc, AegisError):
                        kind = classify(self.provider, exc, url=self._url()).kind
                    await self._close_books(books, exc, kind)
                    delay = self._retry_delay(exc, self._retries)
                    self._retries += 1
                    await asyncio.sleep(delay)
                except BaseException as exc:  # cancelled while waiting for the provider
                    await self._close_books(books, exc)
                    raise
        except Exception as exc:
            raise self._fail(exc, self._started, self._retries) from exc
        except BaseException:  # interrupted: not the provider's failure
            self._neutral()
            raise

    def _client(self) -> ProviderClient:
        """The provider's client, with its quota skip and concurrency slot around each request."""
        return self.ctx.client(self.provider)

    async def _complete(self, books: Books) -> ChatResult:
        client = self._client()
        completion = await client.acomplete(self.plan.messages, self._params(books), **self._request_args())
        books.meter.usage = usage_from(getattr(completion, "usage", None))
        result = self._result(completion, client.config.type)
        books.meter.add_message(result.generations[0].message)
        cost = await self._close_books(books, None)
        self._ok(self._started, self._retries, cost)
        return result

    def _params(self, books: Books) -> dict[str, Any]:
        if books.ceiling is None or self.plan.params.get("max_tokens") == books.ceiling:
            return self.plan.params
        return {**self.plan.params, "max_tokens": books.ceiling}

    async def _open(self, books: Books) -> tuple[AsyncIterator[Any], list[ChatGenerationChunk]]:
        """Start a stream and read it up to its first chunk with content."""
        client = self._client()
        raw = await client.astream(self.plan.messages, self._params(books), **self._request_args())
        held: list[ChatGenerationChunk] = []
        try:
            async for item in raw:
                gen = chunk_to_generation(item, provider_type=client.config.type, saw_tool_calls=False)
                if gen is not None:
                    held.append(gen)
                    books.meter.add(gen)  # received, not yet delivered: held back until content
                    if _has_content(gen):
                        return raw, held
            raise self._empty(held)
        except BaseException:
            await aclose_quietly(raw)
            raise

    async def ainvoke(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> ChatResult:
        result, _ = await self._run(self._complete)
        return result

    def invoke(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> ChatResult:
        return run_sync(self.ainvoke(input, config, **kwargs))

    async def astream(
        self, input: None, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[ChatGenerationChunk]:
        (raw, held), books = await self._run(self._open)
        # From here on the caller has content: no retry, no fallback; every way out closes the books.
        self.log.streams.append((self, books))
        meter, provider_type = books.meter, self.ctx.config(self.provider).type
        try:
            for gen in held:
                meter.deliver(gen)
                yield gen
            expires = self._lease_end(books)
            async for item in raw:
                more = chunk_to_generation(item, provider_type=provider_type, saw_tool_calls=meter.saw_tools)
                if more is not None:
                    meter.add(more)
                    meter.deliver(more)
                    yield more
                if expires is not None and self.ctx.accounting is not None and self.ctx.accounting.clock() >= expires:
                    raise ProviderCallError(
                        self.provider, "lease", "the stream outlived its budget reservation (budgets.lease_seconds)"
                    )
            if not meter.finished:
                raise ProviderCallError(self.provider, "truncated", "the stream ended without its end marker")
        except Exception as exc:
            await self._close_books(books, exc, getattr(exc, "kind", None))
            self._fail(exc, self._started, self._retries)
            raise StreamInterruptedError(self.provider, meter.delivered, meter.chars, exc) from exc
        except BaseException as exc:  # the caller stopped reading (break, aclose, GC), or was cancelled
            await self._close_books(books, exc)
            self._neutral()
            raise
        finally:
            await aclose_quietly(raw)
        self._ok(self._started, self._retries, await self._close_books(books, None))

    def _prompt_bound(self) -> int:
        """The plan's prompt bound, with this provider's own bound for each image instead of the allowance."""
        if not self.plan.images:
            return self.plan.prompt_tokens
        from langchain_aegis.budget.bounds import IMAGE_TOKENS
        from langchain_aegis.budget.pricing import image_tokens_for

        per_image = image_tokens_for(self.ctx.config(self.provider), self.plan.model_for(self.provider))
        return self.plan.prompt_tokens + self.plan.images * (per_image - IMAGE_TOKENS)

    def _lease_end(self, books: Books) -> float | None:
        """When a held stream must end: a little before its reservation's lease would lapse.

        A lapsed lease stops counting against the cap, so other calls could spend the money
        this stream is still using; the stream is cut (and charged in full) before that.
        """
        expires = getattr(books.reservation, "expires_at", None)
        amount = getattr(books.reservation, "amount", 0.0)
        if not isinstance(expires, float | int) or not amount:
            return None
        # A few seconds before, but never most of a short lease (a 6 s lease is not cut after 1 s).
        return float(expires) - min(_LEASE_MARGIN, 0.2 * self.ctx.lease_seconds)

    def stream(self, input: None, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        yield from iterate_sync(self.astream(input, config, **kwargs))

    async def abandon(self, books: Books) -> None:
        """Settle a committed stream its caller left, as stopped; the generator, once collected, finds it closed."""
        if not books.closed:
            await self._close_books(books, GeneratorExit())
            self._neutral()


_LEASE_MARGIN = 5.0
"""Seconds before a lease lapses at which a stream still holding it is cut (at most a fifth of the lease)."""
