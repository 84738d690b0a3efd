"""Event loops for sync calls: a small pool shared by every thread, closed cleanly.

Why a pool: sync calls run the async clients on a loop of the calling thread
(any-llm's own sync wrapper hops to a background thread and back, 0.3-0.4 ms a
call and most of a stream's per-chunk cost). ``batch()`` runs each batch on a
fresh thread pool, so a loop per thread meant a new loop, new HTTP clients and
new DNS executor threads for every thread that ever called, none of them closed:
20 x ``batch(8)`` left 490 descriptors open.

Here a thread leases a loop from :data:`POOL` on its first sync call and gives
it back when the thread ends (its ``threading.local`` is dropped, which drops
the lease). The next thread reuses the loop and the clients bound to it, so the
number of loops is the peak number of threads calling at once, not the number
of threads that ever called. At most ``max_idle`` loops wait in the pool; an
extra one is closed.

Closing a loop closes what is bound to it: resources registered with
:func:`close_with_loop` are closed from an async generator that the loop's
``shutdown_asyncgens()`` finalises, which is also what ``asyncio.run()`` calls
before it closes its loop. So clients made on a caller's own loop close with
that loop too, and nothing is left for the garbage collector to warn about at
interpreter exit (``atexit`` closes the pool's loops).

It must not know what runs on the loops: routing, money and privacy live elsewhere.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import inspect
import logging
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, TypeVar

__all__ = [
    "POOL",
    "LoopPool",
    "aclose_quietly",
    "close_quietly",
    "close_with_loop",
    "off_loop",
    "off_loop_soon",
    "on_private_loop",
    "run_on",
]

logger = logging.getLogger("langchain_aegis")

_Closer = Callable[[], Awaitable[None]]

# loop -> (the started sentinel generator, the closers it runs when the loop shuts down)
_BOUND: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[AsyncIterator[None], list[_Closer]]] = (
    weakref.WeakKeyDictionary()
)
_BOUND_LOCK = threading.Lock()


async def _sentinel(closers: list[_Closer]) -> AsyncIterator[None]:
    try:
        yield
    finally:
        # Reached from loop.shutdown_asyncgens() (asyncio.run, LoopPool) or when the generator is collected.
        while closers:
            with contextlib.suppress(Exception):
                await closers.pop()()


async def close_with_loop(closer: _Closer) -> None:
    """Run ``closer`` when the running loop shuts down its async generators.

    Call it once per resource bound to the running loop (an HTTP client, a
    connection pool). ``asyncio.run()`` and :class:`LoopPool` both shut the
    generators down before closing the loop, so the resource closes while its
    loop can still run the close.
    """
    loop = asyncio.get_running_loop()
    with _BOUND_LOCK:
        found = _BOUND.get(loop)
        if found is not None:
            found[1].append(closer)
            return
        closers = [closer]
        gen = _sentinel(closers)
        _BOUND[loop] = (gen, closers)
    await anext(gen)  # the first step registers the generator with this loop


def run_on(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], *, timeout: float = 10.0) -> None:
    """Run ``coro`` on ``loop`` to completion from any thread, or drop it if the loop is gone.

    A loop running in another thread gets the coroutine submitted and waited
    for; the loop running in this thread (``close()`` called from async code)
    gets it as a task; an idle loop runs it here, or on a helper thread when
    this thread already runs a loop.
    """
    if loop.is_closed():
        coro.close()
        return
    try:
        current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        current = None
    if loop.is_running():
        if loop is current:
            loop.create_task(coro)
        else:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)
        return
    if current is None:
        with contextlib.suppress(Exception):
            loop.run_until_complete(coro)
        return
    helper = threading.Thread(target=run_on, args=(loop, coro), name="aegis-close", daemon=True)
    helper.start()
    helper.join(timeout)


def _shutdown(loop: asyncio.AbstractEventLoop) -> None:
    """Close ``loop`` as ``asyncio.run`` does: cancel tasks, finalise generators, stop the executor."""
    if loop.is_closed() or loop.is_running():
        return
    try:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    except Exception:  # pragma: no cover - closing must not raise into a dying thread or atexit
        logger.debug("aegis: error while closing an event loop", exc_info=True)
    finally:
        loop.close()


class _Lease:
    """A thread's hold on a pooled loop; dropped with the thread's ``threading.local``."""

    __slots__ = ("__weakref__", "loop", "pool")

    def __init__(self, pool: LoopPool, loop: asyncio.AbstractEventLoop) -> None:
        self.pool = pool
        self.loop = loop

    def __del__(self) -> None:
        self.pool.give_back(self.loop)


class LoopPool:
    """Event loops for sync calls, leased per thread and reused after the thread ends.

    Args:
        max_idle: loops kept for reuse; a loop given back beyond this is closed.
    """

    def __init__(self, max_idle: int = 16) -> None:
        self.max_idle = max_idle
        self._lock = threading.Lock()
        self._idle: list[asyncio.AbstractEventLoop] = []
        self._leased: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
        self._local = threading.local()
        self._closed = False

    def loop(self) -> asyncio.AbstractEventLoop | None:
        """This thread's loop for sync calls, or ``None`` if a loop already runs in this thread.

        Inside a running loop (a notebook, an async app calling ``invoke``) the
        caller must not block it; it uses any-llm's runner thread instead.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            lease: _Lease | None = getattr(self._local, "lease", None)
            if lease is None or lease.loop.is_closed():
                lease = self._local.lease = _Lease(self, self._take())
            return lease.loop
        return None

    def _take(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            while self._idle:
                loop = self._idle.pop()
                if not loop.is_closed():
                    self._leased.add(loop)
                    return loop
            loop = asyncio.new_event_loop()
            loop._aegis_private = True  # type: ignore[attr-defined]  # see on_private_loop()
            self._leased.add(loop)
            return loop

    def give_back(self, loop: asyncio.AbstractEventLoop) -> None:
        """Return a leased loop; it is reused, or closed if the pool is full or shut."""
        if loop.is_closed():
            return
        with self._lock:
            self._leased.discard(loop)
            if not self._closed and len(self._idle) < self.max_idle and not loop.is_running():
                self._idle.append(loop)
                return
        _shutdown(loop)

    def stats(self) -> dict[str, int]:
        """Loops leased to live threads and loops waiting for reuse."""
        with self._lock:
            return {"leased": len(self._leased), "idle": len(self._idle)}

    def loops(self) -> list[asyncio.AbstractEventLoop]:
        """Every open loop of the pool, leased or idle."""
        with self._lock:
            return [lp for lp in [*self._leased, *self._idle] if not lp.is_closed()]

    def close(self) -> None:
        """Close every loop that is not running; called at interpreter exit."""
        with self._lock:
            self._closed = True
            loops = [*self._idle, *self._leased]
            self._idle.clear()
        for loop in loops:
            _shutdown(loop)


def close_bound() -> None:
    """Close what :func:`close_with_loop` registered on loops that will not shut down themselves.

    any-llm's runner loop runs in a daemon thread until the process dies, and a
    caller may leave a loop open; at exit their resources are closed here.
    """
    with _BOUND_LOCK:
        bound = [(loop, gen) for loop, (gen, closers) in _BOUND.items() if closers]
    for loop, gen in bound:
        closing = gen.aclose()  # type: ignore[attr-defined]  # an async generator
        if isinstance(closing, Coroutine):
            run_on(loop, closing, timeout=2.0)


def _at_exit() -> None:
    POOL.close()
    close_bound()


POOL = LoopPool()
"""The process's loops for sync calls."""

atexit.register(_at_exit)


def on_private_loop() -> bool:
    """Whether the running loop is one of :data:`POOL`'s, which serves one thread's sync call at a time.

    Blocking such a loop blocks only the sync caller that is already waiting on it,
    so blocking work (a SQLite call) can run on it directly instead of paying a
    thread hop; a caller's own loop (an async app) must never be blocked.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    return getattr(loop, "_aegis_private", False) is True


_R = TypeVar("_R")


async def off_loop(fn: Callable[..., _R], /, *args: Any, **kwargs: Any) -> _R:
    """Run blocking ``fn`` without blocking a caller's event loop: in a worker thread, or directly
    on a private loop of a sync call (see :func:`on_private_loop`), where a thread hop only adds cost."""
    if on_private_loop():
        return fn(*args, **kwargs)
    return await asyncio.to_thread(fn, *args, **kwargs)


def off_loop_soon(fn: Callable[[], object]) -> None:
    """Start blocking ``fn`` without waiting for it and without blocking a caller's event loop.

    The sync sibling of :func:`off_loop`, for sync code that may run on a loop:
    on a caller's loop ``fn`` goes to the loop's executor; with no loop, or on
    a private loop of a sync call, it runs here, as :func:`off_loop` would.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None or on_private_loop():
        fn()
        return
    loop.run_in_executor(None, fn)


def close_quietly(resource: object) -> None:
    """Call ``resource.close()`` if it has one, ignoring what it raises (closing is best effort)."""
    close = getattr(resource, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


async def aclose_quietly(resource: object) -> None:
    """Close ``resource`` with its ``aclose()``, else its ``close()`` (awaited if it returns an awaitable).

    For async generators (a provider stream, a chain's stream) and SDK clients
    alike; what the close raises is ignored, since the resource is being
    dropped either way.
    """
    close = getattr(resource, "aclose", None) or getattr(resource, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            closing = close()
            if inspect.isawaitable(closing):
                await closing
