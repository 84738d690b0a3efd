"""Run the async attempt routine from sync code: ``invoke`` and ``stream`` are shims over it.

The sync paths drive the same coroutine and async generator as ``ainvoke`` and
``astream``, on the thread's leased loop (:data:`~langchain_aegis._loops.POOL`),
where the provider clients already run. Inside a thread that runs a loop
already (a notebook, an async app calling ``invoke``) that loop must not be
blocked, so the work goes to any-llm's long-lived runner loop instead.

A sync stream that is closed (``break``, ``close()``, garbage collection)
closes the async generator on its loop before returning, so whatever the
generator does on exit (settling the bill) has happened when ``close()``
returns.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

from langchain_aegis._loops import POOL, aclose_quietly, logger

__all__ = ["iterate_sync", "run_sync"]

T = TypeVar("T")


def _runner() -> Callable[[Coroutine[Any, Any, Any]], Any]:
    loop = POOL.loop()
    if loop is not None:
        return loop.run_until_complete
    from any_llm.utils.aio import run_async_in_sync

    return lambda coro: run_async_in_sync(coro, allow_running_loop=True)


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion from sync code."""
    result: T = _runner()(coro)
    return result


async def _step(stream: AsyncIterator[T]) -> tuple[bool, T | None]:
    try:
        return True, await anext(stream)
    except StopAsyncIteration:
        return False, None


def iterate_sync(stream: AsyncIterator[T]) -> Iterator[T]:
    """Iterate an async generator from sync code, one item per ``next()``; close it however it ends."""
    run = _runner()
    try:
        while True:
            more, item = run(_step(stream))
            if not more:
                return
            yield item
    finally:
        closing = aclose_quietly(stream)  # the generator's own errors were raised where it ran
        try:
            run(closing)
        except RuntimeError:  # collected while its loop runs: close it there, soon
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().create_task(closing)
        except Exception:
            logger.debug("aegis: error while closing a stream", exc_info=True)
