"""Faults a fake server can inject into the next generation requests.

A fault replaces or damages the answer to one chat request. Each kind models a
failure a real provider (or the network in front of it) produces, so a
pipeline's retry, fallback and breaker logic can be exercised offline::

    HTTP errors, rendered in the provider's own error format
    ├── rate_limit          429 with a ``Retry-After`` header
    ├── usage_limit         429, plain text, no ``Retry-After``: a plan's usage limit (Ollama Cloud)
    ├── server_error        500
    ├── bad_gateway         502
    ├── unavailable         503
    ├── gateway_timeout     504
    ├── unauthorized        401 (bad API key)
    ├── model_not_found     404
    ├── bad_request         400 invalid request
    ├── context_length      400 ``context_length_exceeded`` / Ollama's context error
    └── content_filter      400 ``content_filter`` (Azure-style prompt filtering)
    Broken successes
    ├── filtered_completion 200, empty content, finish reason ``content_filter``
    ├── malformed           200 whose body (or stream line) is not valid JSON
    ├── empty_stream        200 with no chunks (OpenAI: only ``data: [DONE]``)
    ├── stream_cut          the connection closes after ``after_chunks`` chunks
    └── truncate            the stream closes cleanly without its end marker (Ollama's
                            ``done: true``; OpenAI's finish reason, usage and ``[DONE]``)
    Network
    ├── disconnect          the socket is reset before any byte is sent
    ├── hang                nothing is sent for ``delay`` seconds, then the socket closes
    └── slow                the normal answer, after ``delay`` seconds (and ``chunk_delay``)

Faults only touch generation endpoints (``/api/chat``, ``/api/generate``,
``/v1/chat/completions``); model listing and health endpoints always answer,
so a client's start-up checks are not disturbed.

It must not render responses: each protocol renders a fault in its own format.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = ["ERROR_STATUS", "USAGE_LIMIT_TEXT", "Fault", "FaultKind", "FaultPlan"]

#: What Ollama Cloud answers (HTTP 429, plain text) once a plan's session limit is used up;
#: the weekly and hourly limits read the same with ``weekly`` / ``hourly``.
USAGE_LIMIT_TEXT = (
    "you (user) have reached your session usage limit, upgrade for higher limits: https://ollama.com/upgrade"
)


class FaultKind(StrEnum):
    """The failure modes a fake server can produce. See the module docstring for the tree."""

    RATE_LIMIT = "rate_limit"
    USAGE_LIMIT = "usage_limit"
    SERVER_ERROR = "server_error"
    BAD_GATEWAY = "bad_gateway"
    UNAVAILABLE = "unavailable"
    GATEWAY_TIMEOUT = "gateway_timeout"
    UNAUTHORIZED = "unauthorized"
    MODEL_NOT_FOUND = "model_not_found"
    BAD_REQUEST = "bad_request"
    CONTEXT_LENGTH = "context_length"
    CONTENT_FILTER = "content_filter"
    FILTERED_COMPLETION = "filtered_completion"
    MALFORMED = "malformed"
    EMPTY_STREAM = "empty_stream"
    STREAM_CUT = "stream_cut"
    TRUNCATE = "truncate"
    DISCONNECT = "disconnect"
    HANG = "hang"
    SLOW = "slow"


#: HTTP status for every fault that is answered with an error body.
ERROR_STATUS: dict[FaultKind, int] = {
    FaultKind.RATE_LIMIT: 429,
    FaultKind.USAGE_LIMIT: 429,
    FaultKind.SERVER_ERROR: 500,
    FaultKind.BAD_GATEWAY: 502,
    FaultKind.UNAVAILABLE: 503,
    FaultKind.GATEWAY_TIMEOUT: 504,
    FaultKind.UNAUTHORIZED: 401,
    FaultKind.MODEL_NOT_FOUND: 404,
    FaultKind.BAD_REQUEST: 400,
    FaultKind.CONTEXT_LENGTH: 400,
    FaultKind.CONTENT_FILTER: 400,
}

# What a seeded chaos run draws from when no kinds are given: every fault that
# fails fast. ``hang`` and ``slow`` are left out because they cost wall time.
_CHAOS_DEFAULT: tuple[FaultKind, ...] = (
    FaultKind.RATE_LIMIT,
    FaultKind.SERVER_ERROR,
    FaultKind.BAD_GATEWAY,
    FaultKind.UNAVAILABLE,
    FaultKind.GATEWAY_TIMEOUT,
    FaultKind.STREAM_CUT,
    FaultKind.DISCONNECT,
)


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault to apply to one request.

    Attributes:
        kind: what goes wrong.
        after_chunks: for ``stream_cut``, how many chunks reach the client
            before the connection closes (for a non-streaming answer, the body
            is cut in half whatever this says).
        delay: seconds to wait: how long ``hang`` hangs, and how long ``slow``
            waits before answering.
        chunk_delay: for ``slow``, an extra pause between streamed chunks.
        retry_after: the ``Retry-After`` header of ``rate_limit`` (and of
            ``unavailable`` when set), in seconds; ``None`` sends no header.
        message: overrides the error message in the body.
    """

    kind: FaultKind
    after_chunks: int = 0
    delay: float = 0.0
    chunk_delay: float = 0.0
    retry_after: float | None = None
    message: str | None = None

    @property
    def status(self) -> int | None:
        """The HTTP status of an error fault, ``None`` for the others."""
        return ERROR_STATUS.get(self.kind)

    @classmethod
    def of(cls, kind: FaultKind | str, **params: float | int | str | None) -> Fault:
        """Build a fault with the defaults that make each kind useful.

        ``rate_limit`` gets ``retry_after=1``, ``usage_limit`` Ollama Cloud's
        session-limit text, ``hang`` a 10 s delay and ``slow`` a 0.5 s delay
        unless the caller says otherwise.

        Args:
            kind: a :class:`FaultKind` or its string value.
            **params: any other :class:`Fault` field.

        Returns:
            The fault.
        """
        kind = FaultKind(kind)
        defaults: dict[str, float | str] = {}
        if kind is FaultKind.RATE_LIMIT:
            defaults["retry_after"] = 1.0
        elif kind is FaultKind.USAGE_LIMIT:
            defaults["message"] = USAGE_LIMIT_TEXT
        elif kind is FaultKind.HANG:
            defaults["delay"] = 10.0
        elif kind is FaultKind.SLOW:
            defaults["delay"] = 0.5
        return replace(cls(kind), **{**defaults, **params})  # type: ignore[arg-type]


class FaultPlan:
    """The faults still to apply: an explicit queue first, then seeded chaos.

    Thread-safe, because tests inject from their own thread while the server
    draws from its event-loop thread.
    """

    def __init__(self) -> None:
        """Start with no faults and chaos off."""
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()
        self._rate = 0.0
        self._kinds: tuple[FaultKind, ...] = _CHAOS_DEFAULT
        self._rng = random.Random(0)

    def inject(self, fault: Fault, times: int = 1) -> None:
        """Queue ``fault`` for the next ``times`` generation requests.

        Args:
            fault: the fault to apply.
            times: how many consecutive requests receive it.
        """
        with self._lock:
            self._queue.extend([fault] * times)

    def chaos(self, rate: float, *, seed: int = 0, kinds: Iterable[FaultKind | str] | None = None) -> None:
        """Fail a random share of requests that have no queued fault.

        The generator is seeded, so the same request order meets the same faults.

        Args:
            rate: probability in ``[0, 1]`` that a request fails; 0 turns chaos off.
            seed: seed of the random generator.
            kinds: the kinds to draw from (uniformly); defaults to the fast ones:
                5xx, 429, ``stream_cut`` and ``disconnect``.

        Raises:
            ValueError: if ``rate`` is outside ``[0, 1]`` or ``kinds`` is empty.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"chaos rate must be within [0, 1], got {rate}")
        chosen = tuple(FaultKind(k) for k in kinds) if kinds is not None else _CHAOS_DEFAULT
        if not chosen:
            raise ValueError("chaos needs at least one fault kind")
        with self._lock:
            self._rate = rate
            self._kinds = chosen
            self._rng = random.Random(seed)

    def next(self) -> Fault | None:
        """The fault for the request being served, or ``None`` to answer normally."""
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self._rate and self._rng.random() < self._rate:
                kind = self._rng.choice(self._kinds)
                # A chaos stream cut happens after a couple of chunks, so the
                # client has already seen output (the hard case for fallbacks).
                return Fault.of(kind, after_chunks=2) if kind is FaultKind.STREAM_CUT else Fault.of(kind)
            return None

    @property
    def pending(self) -> int:
        """How many queued faults are still to be applied."""
        with self._lock:
            return len(self._queue)

    def clear(self) -> None:
        """Drop queued faults and turn chaos off."""
        with self._lock:
            self._queue.clear()
            self._rate = 0.0
            self._kinds = _CHAOS_DEFAULT
