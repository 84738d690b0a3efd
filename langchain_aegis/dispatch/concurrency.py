"""At most N requests in flight to one provider from this process (``max_concurrency``).

A provider with a concurrency limit answers the request beyond it with a 429.
:class:`Slots` keeps this process under the limit instead: a request takes a
slot before it is sent and gives it back when its answer (or stream) ends. A
request that finds no free slot waits briefly, then the attempt falls back.

One :class:`Slots` serves threads and event loops alike. Threads wait on a
condition; a coroutine must not block its loop, so it polls with
``asyncio.sleep`` (a few milliseconds apart) until a slot frees or its wait is
over. ``asyncio.Semaphore`` would not do: it belongs to one loop, and the
sync paths run their calls on other loops and threads. This module only
counts slots; it must not know providers' clients or errors.
"""

from __future__ import annotations

import asyncio
import threading
import time

__all__ = ["Slot", "Slots", "slots_for"]

_POLL_FIRST = 0.002
_POLL_MAX = 0.025


class Slot:
    """A held slot; :meth:`release` gives it back (once, however often it is called)."""

    __slots__ = ("_owner", "_released")

    def __init__(self, owner: Slots | None) -> None:
        self._owner = owner
        self._released = owner is None

    def release(self) -> None:
        """Give the slot back. Idempotent."""
        if self._released:
            return
        self._released = True
        assert self._owner is not None
        self._owner._give_back()

    def __del__(self) -> None:
        # A stream dropped without close() must not keep its slot forever.
        self.release()


NO_SLOT = Slot(None)
"""The slot of a provider without ``max_concurrency``: nothing to give back."""


class Slots:
    """``limit`` slots shared by every thread and event loop of the process.

    Args:
        limit: how many requests may be in flight at once.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"max_concurrency must be >= 1, got {limit}")
        self.limit = limit
        self._used = 0
        self._cond = threading.Condition()

    @property
    def in_flight(self) -> int:
        """How many slots are held now."""
        with self._cond:
            return self._used

    def _try(self) -> bool:
        with self._cond:
            if self._used < self.limit:
                self._used += 1
                return True
            return False

    def _give_back(self) -> None:
        with self._cond:
            self._used -= 1
            self._cond.notify()

    def acquire(self, timeout: float) -> Slot | None:
        """Take a slot, waiting up to ``timeout`` seconds; ``None`` if none freed in time."""
        end = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while self._used >= self.limit:
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            self._used += 1
        return Slot(self)

    async def aacquire(self, timeout: float) -> Slot | None:  # noqa: ASYNC109 - a wait bound, not a call timeout
        """Take a slot without blocking the event loop; ``None`` if none freed within ``timeout`` seconds."""
        end = time.monotonic() + max(0.0, timeout)
        pause = _POLL_FIRST
        while not self._try():
            left = end - time.monotonic()
            if left <= 0:
                return None
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, _POLL_MAX)
        return Slot(self)


_REGISTRY: dict[tuple[str, str, int], Slots] = {}
_REGISTRY_LOCK = threading.Lock()


def slots_for(provider: str, base_url: str | None, limit: int) -> Slots:
    """The process-wide slots of one provider, shared by every model built on the same config.

    Args:
        provider: the provider name.
        base_url: its URL (two providers of one name on different hosts do not share).
        limit: its ``max_concurrency``.
    """
    key = (provider, base_url or "", limit)
    with _REGISTRY_LOCK:
        found = _REGISTRY.get(key)
        if found is None:
            found = _REGISTRY[key] = Slots(limit)
        return found
