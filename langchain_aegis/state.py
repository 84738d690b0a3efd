"""Shared state for breakers, rollouts, quotas and quality: one store protocol, and its cache.

:class:`StateStore` is the small key → JSON-object store every shared piece
of state goes through; the budget ledgers provide one, and
:class:`InMemoryStateStore` is the one-process version.

Routing reads the shared breaker and rollout state on every call. Reading it
from Redis or SQLite there blocked the event loop (0.6-2.3 s per 100 async
calls) and made a store outage an outage of every call. :class:`StateCache`
sits between them and the store: it is itself a
:class:`StateStore` whose ``get_state`` and
``put_state`` touch only memory, while a refresher thread reads the watched
keys every ``refresh`` seconds and writes queued changes.

When the store cannot be reached, the last known state is served and one
warning is logged until it answers again (then one info line). A key whose
stored value was never read (the store was down at start) is not overwritten
by a value invented meanwhile: once the store answers, a stored value wins
over the pending write, so a rollback another worker recorded is not undone.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import threading
import weakref
from collections.abc import Iterable
from typing import Any, Protocol, cast, runtime_checkable

__all__ = ["InMemoryStateStore", "StateCache", "StateStore"]

logger = logging.getLogger("langchain_aegis")


@runtime_checkable
class StateStore(Protocol):
    """A small shared key → JSON-object store; the budget ledger provides one."""

    # Positional-only, so any backend's parameter names satisfy the protocol.
    def get_state(self, key: str, /) -> dict[str, Any] | None:
        """The object stored under ``key``, or ``None``."""
        ...

    def put_state(self, key: str, value: dict[str, Any], /) -> None:
        """Store ``value`` under ``key``, replacing what was there."""
        ...


class InMemoryStateStore:
    """A :class:`StateStore` for one process and for tests.

    Values are copied through JSON on the way in and out, as a real backend
    would, so callers cannot mutate stored state by accident and anything that
    would not survive SQLite or Redis fails here too.
    """

    def __init__(self) -> None:
        self._data: dict[str, str] = {}
        self._lock = threading.Lock()

    def get_state(self, key: str) -> dict[str, Any] | None:
        """The object stored under ``key``, or ``None``."""
        with self._lock:
            raw = self._data.get(key)
        return None if raw is None else cast("dict[str, Any]", json.loads(raw))

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """Store a copy of ``value`` under ``key``."""
        raw = json.dumps(value)
        with self._lock:
            self._data[key] = raw


_FIRST_READ_SECONDS = 2.0


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _copy(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else copy.deepcopy(value)


class StateCache:
    """A :class:`StateStore` in memory, synchronised with a slower shared one in the background.

    Args:
        store: the shared store (the budget ledger).
        keys: keys to read now and keep fresh; an unknown key is read once, then watched.
        refresh: seconds between background reads.
        name: what the store is, for log lines (a URL with its password masked).
    """

    def __init__(
        self, store: StateStore, keys: Iterable[str] = (), *, refresh: float = 1.0, name: str = "state"
    ) -> None:
        self._store = store
        self._refresh = refresh
        self._name = name
        self._lock = threading.Lock()
        self._values: dict[str, dict[str, Any] | None] = {}
        self._known: set[str] = set()  # keys whose stored value has been read at least once
        self._pending: dict[str, dict[str, Any]] = {}
        self._down = False
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._first = threading.Event()
        for key in keys:
            self._values.setdefault(key, None)
        ref = weakref.ref(self)
        self._thread = threading.Thread(
            target=_refresh_loop, args=(ref, self._wake, self._stopped, refresh), name="aegis-state", daemon=True
        )
        self._wake.set()  # the first pass runs at once
        self._thread.start()
        if not _loop_running():
            # A sync caller can afford to wait briefly for the stored state; an event loop cannot.
            self._first.wait(_FIRST_READ_SECONDS)

    # -- the StateStore protocol: memory only ---------------------------------

    def get_state(self, key: str, /) -> dict[str, Any] | None:
        """The last known value of ``key``; an unseen key is read from the store once."""
        with self._lock:
            if key in self._values:
                return _copy(self._values[key])
            self._values[key] = None
        if _loop_running():  # read in the background; None (the default state) until then
            self._wake.set()
            return None
        self.sync([key])
        with self._lock:
            return _copy(self._values.get(key))

    def put_state(self, key: str, value: dict[str, Any], /) -> None:
        """Keep ``value`` for ``key`` now; the store gets it on the next background pass."""
        json.dumps(value)  # fail here, as the store would, on a value that is not JSON
        with self._lock:
            self._values[key] = _copy(value)
            self._pending[key] = _copy(value) or {}
        self._wake.set()

    # -- background --------------------------------------------------------

    def sync(self, keys: Iterable[str] | None = None) -> bool:
        """Write pending values and read ``keys`` (every watched key by default). Never raises.

        Returns:
            Whether the store answered.
        """
        try:
            with self._lock:
                pending = dict(self._pending)
                wanted = list(self._values) if keys is None else list(keys)
            for key, value in pending.items():
                if key not in self._known:
                    found = self._store.get_state(key)
                    with self._lock:
                        self._known.add(key)
                        if found is not None:  # the stored value wins over one made while it was unknown
                            self._pending.pop(key, None)
                            self._values[key] = found
                            continue
                self._store.put_state(key, value)
                with self._lock:
                    if self._pending.get(key) == value:
                        del self._pending[key]
            for key in wanted:
                found = self._store.get_state(key)
                with self._lock:
                    self._known.add(key)
                    if key not in self._pending:  # a newer local write is on its way
                        self._values[key] = found
        except Exception as exc:
            self._first.set()
            if not self._down:
                self._down = True
                logger.warning(
                    "aegis: %s is unreachable (%s); using the last known breaker and rollout state",
                    self._name,
                    type(exc).__name__,
                )
            return False
        self._first.set()
        if self._down:
            self._down = False
            logger.info("aegis: %s is reachable again; breaker and rollout state refreshed", self._name)
        return True

    @property
    def reachable(self) -> bool:
        """Whether the last pass reached the store."""
        return not self._down

    def close(self) -> None:
        """Write what is pending (best effort) and stop the refresher."""
        self._stopped.set()
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=self._refresh + 5)
        with self._lock:
            pending = bool(self._pending)
        if pending:
            self.sync(keys=())


def _refresh_loop(ref: weakref.ref[StateCache], wake: threading.Event, stopped: threading.Event, every: float) -> None:
    # Holds the cache only weakly between passes, so an unclosed cache is still collected.
    while not stopped.is_set():
        wake.wait(every)
        wake.clear()
        if stopped.is_set():
            return
        cache = ref()
        if cache is None:
            return
        cache.sync()
        del cache
