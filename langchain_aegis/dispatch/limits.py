"""A provider's own limits, applied around each request: usage quotas and concurrency.

:meth:`ProviderLimits.guard` wraps a :class:`~langchain_aegis.providers.client.ProviderClient`
so that every request it sends (each try of each attempt, on all four call
paths) goes through one place that:

1. skips the provider without a request while its usage limit is used up
   (a ``quota_exhausted`` error, see :mod:`langchain_aegis.dispatch.quota`);
2. takes one of its ``max_concurrency`` slots, waiting at most
   ``min(queue_timeout, seconds left in the call)``, else fails with
   ``concurrency`` so the attempt falls back; the slot is held until the answer,
   or the stream, ends;
3. turns a "usage limit reached" answer into a ``quota_exhausted`` error naming
   the reset time, and records it so every process on the ledger skips the
   provider until then.

Neither ``quota_exhausted`` nor ``concurrency`` counts against the circuit
breaker: they say the provider is busy or out of plan, not that it is broken.
This module must not retry, fall back or charge: it only lets a request
through, holds it, or refuses it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NoReturn, Self, cast

from langchain_aegis._loops import aclose_quietly, close_quietly
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.dispatch.concurrency import NO_SLOT, Slot, Slots, slots_for
from langchain_aegis.dispatch.quota import KIND as QUOTA_KIND
from langchain_aegis.dispatch.quota import QuotaBook, usage_limit_of
from langchain_aegis.dispatch.retry import classify
from langchain_aegis.errors import ProviderCallError
from langchain_aegis.state import StateStore

if TYPE_CHECKING:
    from langchain_aegis.providers.registry import ProviderClient

__all__ = ["ProviderLimits"]


class ProviderLimits:
    """Quota skips and concurrency slots for every provider of one config.

    Args:
        config: the validated configuration (``max_concurrency``, ``queue_timeout``, ``quota_recheck``).
        store: where quota state is shared (the ledger, or its state cache);
            in memory, for this process only, when ``None``.
    """

    def __init__(self, config: AegisConfig, store: StateStore | None = None) -> None:
        if store is None:
            from langchain_aegis.state import InMemoryStateStore

            store = InMemoryStateStore()
        self.quota = QuotaBook(config.providers, store)
        self.slots: dict[str, Slots] = {
            name: slots_for(name, cfg.base_url, cfg.max_concurrency)
            for name, cfg in config.providers.items()
            if cfg.max_concurrency is not None
        }
        self._queue = {name: cfg.queue_timeout for name, cfg in config.providers.items()}

    def skips(self) -> dict[str, str]:
        """Providers to pass over now, with why (for the routing decision's reason)."""
        return self.quota.skips()

    def guard(self, client: ProviderClient) -> ProviderClient:
        """``client``, with this config's limits applied to each request it sends."""
        return cast("ProviderClient", _Guarded(client, self))

    # -- the steps around one request ----------------------------------------

    def _wait(self, provider: str, deadline: float | None) -> float:
        wait = self._queue.get(provider, 0.0)
        return wait if deadline is None else max(0.0, min(wait, deadline))

    def _busy(self, provider: str, waited: float) -> ProviderCallError:
        slots = self.slots[provider]
        return ProviderCallError(
            provider,
            "concurrency",
            f"max_concurrency {slots.limit} reached: no free slot after {waited:.2f}s; "
            f"raise providers.{provider}.max_concurrency or queue_timeout to wait longer",
        )

    def take(self, provider: str, deadline: float | None) -> tuple[Slot, float | None]:
        """Check the quota and take a slot (threads); returns the slot and the deadline left."""
        self.quota.check(provider)
        slots = self.slots.get(provider)
        if slots is None:
            return NO_SLOT, deadline
        started, wait = time.monotonic(), self._wait(provider, deadline)
        slot = slots.acquire(wait)
        return self._took(provider, slot, started, deadline)

    async def atake(self, provider: str, deadline: float | None) -> tuple[Slot, float | None]:
        """:meth:`take` without blocking the event loop."""
        self.quota.check(provider)
        slots = self.slots.get(provider)
        if slots is None:
            return NO_SLOT, deadline
        started, wait = time.monotonic(), self._wait(provider, deadline)
        slot = await slots.aacquire(wait)
        return self._took(provider, slot, started, deadline)

    def _took(
        self, provider: str, slot: Slot | None, started: float, deadline: float | None
    ) -> tuple[Slot, float | None]:
        waited = time.monotonic() - started
        if slot is None:
            raise self._busy(provider, waited)
        return slot, None if deadline is None else max(0.0, deadline - waited)

    def failed(self, provider: str, url: str | None, exc: Exception) -> Exception:
        """What to raise for a failed request: a recorded ``quota_exhausted`` error, or ``exc`` itself."""
        if isinstance(exc, ProviderCallError):
            return exc
        err = classify(provider, exc, url=url)
        if err.kind != QUOTA_KIND:
            return exc
        limit = usage_limit_of(exc)
        assert limit is not None  # classify found it
        return self.quota.record(provider, limit, status=err.status, retry_after=err.retry_after)


def _reraise(owner: _Guarded, exc: Exception) -> NoReturn:
    """Raise what :meth:`ProviderLimits.failed` makes of ``exc``, chained to it."""
    error = owner._limits.failed(owner._name, owner._url, exc)
    if error is exc:
        raise exc
    raise error from exc


class _Guarded:
    """A :class:`ProviderClient` whose requests go through :class:`ProviderLimits`; everything else is its own."""

    def __init__(self, client: ProviderClient, limits: ProviderLimits) -> None:
        self._client = client
        self._limits = limits
        self._name = client.name
        self._url = client.config.base_url

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def complete(self, messages: list[dict[str, Any]], params: Mapping[str, Any], **kw: Any) -> Any:
        slot, kw["deadline"] = self._limits.take(self._name, kw.get("deadline"))
        try:
            return self._client.complete(messages, params, **kw)
        except Exception as exc:
            _reraise(self, exc)
        finally:
            slot.release()

    async def acomplete(self, messages: list[dict[str, Any]], params: Mapping[str, Any], **kw: Any) -> Any:
        slot, kw["deadline"] = await self._limits.atake(self._name, kw.get("deadline"))
        try:
            return await self._client.acomplete(messages, params, **kw)
        except Exception as exc:
            _reraise(self, exc)
        finally:
            slot.release()

    def stream(self, messages: list[dict[str, Any]], params: Mapping[str, Any], **kw: Any) -> Iterator[Any]:
        slot, kw["deadline"] = self._limits.take(self._name, kw.get("deadline"))
        try:
            raw = self._client.stream(messages, params, **kw)
        except Exception as exc:
            slot.release()
            _reraise(self, exc)
        return _Stream(raw, slot, self)

    async def astream(self, messages: list[dict[str, Any]], params: Mapping[str, Any], **kw: Any) -> AsyncIterator[Any]:
        slot, kw["deadline"] = await self._limits.atake(self._name, kw.get("deadline"))
        try:
            raw = await self._client.astream(messages, params, **kw)
        except Exception as exc:
            slot.release()
            _reraise(self, exc)
        return _AStream(raw, slot, self)


class _Stream:
    """A provider stream that holds its slot until it ends, fails or is closed."""

    def __init__(self, raw: Iterator[Any], slot: Slot, owner: _Guarded) -> None:
        self._raw, self._slot, self._owner = raw, slot, owner

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._raw)
        except StopIteration:
            self._slot.release()
            raise
        except Exception as exc:
            self._slot.release()
            _reraise(self._owner, exc)

    def close(self) -> None:
        self._slot.release()
        close_quietly(self._raw)


class _AStream:
    """The async :class:`_Stream`."""

    def __init__(self, raw: AsyncIterator[Any], slot: Slot, owner: _Guarded) -> None:
        self._raw, self._slot, self._owner = raw, slot, owner

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self._raw.__anext__()
        except StopAsyncIteration:
            self._slot.release()
            raise
        except Exception as exc:
            self._slot.release()
            _reraise(self._owner, exc)

    async def aclose(self) -> None:
        self._slot.release()
        await aclose_quietly(self._raw)
