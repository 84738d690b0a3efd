"""The loopback server core shared by :class:`OllamaServer` and :class:`OpenAIServer`.

Why asyncio and a hand-written HTTP/1.1 reader rather than ``http.server``:
benchmarks measure overheads of about a millisecond per call, so the fake
must be far below that. ``ThreadingHTTPServer`` pays for a thread per
connection and a buffered, line-by-line header parser; one event loop in one
background thread, reading the head with a single ``readuntil`` and writing
each response with one ``write``, serves a keep-alive chat request in about
0.1 ms (roughly 9,000 requests/s from a raw socket client; an ``httpx``
client is the bottleneck at about 0.6 ms) and holds thousands of idle
connections for concurrency tests. A stdlib server also needs care to avoid
40 ms Nagle/delayed-ACK stalls, since it writes headers and body separately.

It also makes faults simple: a hang is an ``asyncio.sleep`` that ``stop()``
can cancel, and a cut stream is a ``close()`` between chunks.

It must not know either protocol's JSON: a
:class:`~langchain_aegis.testing.wire.WireProtocol` parses and renders.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self

from langchain_aegis.testing.billing import Bill, Billing
from langchain_aegis.testing.brain import DeterministicBrain
from langchain_aegis.testing.exchange import Brain, ChatRequest, Reply, ReplyLike, finalize
from langchain_aegis.testing.faults import Fault, FaultKind, FaultPlan
from langchain_aegis.testing.journal import Journal, JournalEntry, mask_headers
from langchain_aegis.testing.wire import HttpRequest, ProtocolError, WireProtocol, read_request, write_response

__all__ = ["FakeLLMServer", "ScriptItem"]

#: One scripted answer: a reply, its text, or a function of the request.
ScriptItem = Reply | str | Callable[[ChatRequest], ReplyLike]


class FakeLLMServer:
    """A provider API on ``127.0.0.1`` in a background thread, for tests and benchmarks.

    Use a protocol-specific subclass (:class:`OllamaServer`, :class:`OpenAIServer`).
    Every generation request is answered, in order of precedence, by an
    injected fault, the next scripted reply, or the brain, and the tokens a
    real provider would bill for it are kept in :attr:`bills` (see
    :mod:`langchain_aegis.testing.billing`).

    Args:
        protocol: the wire format to speak.
        brain: decides answers; defaults to :class:`DeterministicBrain`.
        host: the interface to bind; loopback by default.
        port: the port; 0 picks a free one.
        chunk_delay: seconds between streamed chunks, to simulate token latency.

    Example:
        .. code-block:: python

            with OllamaServer() as server:
                client = ollama.Client(host=server.base_url)
                server.inject("rate_limit", times=2)
                ...
                assert server.request_count == 3
                prompt, completion = server.billed_tokens()  # what the answered request cost
    """

    def __init__(
        self,
        protocol: WireProtocol,
        *,
        brain: Brain | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        chunk_delay: float = 0.0,
    ) -> None:
        """Configure the server; nothing listens until :meth:`start`."""
        self.protocol = protocol
        self.brain: Brain = brain or DeterministicBrain()
        self.host = host
        self.chunk_delay = chunk_delay
        self.faults = FaultPlan()
        self._journal = Journal()
        self._billing = Billing()
        self._script: deque[ScriptItem] = deque()
        self._script_lock = threading.Lock()
        self._requested_port = port
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._connections: set[asyncio.Task[None]] = set()

    # -- lifecycle -------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port.

        Raises:
            RuntimeError: if the server is not running.
        """
        if self._port is None:
            raise RuntimeError("the server is not running; call start() first")
        return self._port

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``, without any API prefix."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The URL a client is configured with (the origin, plus ``/v1`` for OpenAI)."""
        return self.origin

    @property
    def running(self) -> bool:
        """Whether the server is accepting connections."""
        return self._port is not None

    def start(self) -> Self:
        """Bind the port and serve in a daemon thread; returns once accepting.

        Returns:
            The server itself, for chaining.

        Raises:
            RuntimeError: if already running or the port cannot be bound.
        """
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, failure), name=f"fake-{self.protocol.name}-server", daemon=True
        )
        self._thread.start()
        ready.wait(10)
        if failure or self._port is None:
            self._thread.join(1)
            self._thread = None
            raise RuntimeError(f"the fake {self.protocol.name} server failed to start") from (
                failure[0] if failure else None
            )
        return self

    def stop(self) -> None:
        """Close every connection (cancelling hangs) and stop the thread. Idempotent."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already closed on its own
            loop.call_soon_threadsafe(stopping.set)
        thread.join(10)
        self._thread = self._loop = self._stopping = None
        self._port = None

    def __enter__(self) -> Self:
        """Start the server."""
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop the server."""
        self.stop()

    # -- test controls ---------------------------------------------------------

    def inject(self, fault: Fault | FaultKind | str, *, times: int = 1, **params: float | int | str | None) -> None:
        """Apply a fault to the next ``times`` generation requests.

        Args:
            fault: a :class:`Fault`, or a kind (``"rate_limit"``, ``FaultKind.HANG``...).
            times: how many consecutive requests receive it.
            **params: :class:`Fault` fields when a kind is given, e.g.
                ``after_chunks=3``, ``delay=2.0``, ``retry_after=5``.
        """
        self.faults.inject(fault if isinstance(fault, Fault) else Fault.of(fault, **params), times)

    def chaos(self, rate: float, *, seed: int = 0, kinds: Iterable[FaultKind | str] | None = None) -> None:
        """Fail a seeded random share of generation requests; see :meth:`FaultPlan.chaos`.

        Args:
            rate: probability that a request fails; 0 turns chaos off.
            seed: seed of the random generator.
            kinds: the fault kinds to draw from.
        """
        self.faults.chaos(rate, seed=seed, kinds=kinds)

    def script(self, *replies: ScriptItem | Iterable[ScriptItem]) -> None:
        """Queue explicit answers for the next generation requests, before the brain.

        Stop sequences and the token cap still apply, as on a real server.

        Args:
            *replies: :class:`Reply` objects, plain strings, callables of the
                request, or iterables of those.
        """
        items: list[ScriptItem] = []
        for reply in replies:
            if isinstance(reply, Reply | str) or callable(reply):
                items.append(reply)
            else:
                items.extend(reply)
        with self._script_lock:
            self._script.extend(items)

    @property
    def journal(self) -> list[JournalEntry]:
        """Every request received so far, oldest first (a snapshot)."""
        return self._journal.entries()

    @property
    def request_count(self) -> int:
        """How many requests were received, on every path."""
        return len(self._journal)

    def chat_requests(self) -> list[JournalEntry]:
        """The journal entries of generation requests only."""
        return [e for e in self._journal.entries() if self._is_generation_path(e.path)]

    @property
    def bills(self) -> list[Bill]:
        """One bill per generation request the server began answering, oldest first (a snapshot)."""
        return self._billing.bills()

    def billed_tokens(self) -> tuple[int, int]:
        """Prompt and completion tokens billed so far, as a provider's invoice would count them.

        Returns:
            ``(prompt_tokens, completion_tokens)`` summed over :attr:`bills`.
        """
        return self._billing.tokens()

    def reset(self) -> None:
        """Clear the journal, the bills, queued faults, chaos and scripted replies."""
        self._journal.clear()
        self._billing.clear()
        self.faults.clear()
        with self._script_lock:
            self._script.clear()

    # -- serving -----------------------------------------------------------------

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(ready))
        except BaseException as exc:  # reported to start(), which re-raises it
            failure.append(exc)
        finally:
            ready.set()
            loop.close()

    async def _serve(self, ready: threading.Event) -> None:
        self._stopping = asyncio.Event()
        # A deep backlog: load tests open hundreds of connections at once, and asyncio's
        # default of 100 makes the kernel drop SYNs, which clients retry only after 1-7 s.
        server = await asyncio.start_server(self._on_connection, self.host, self._requested_port, backlog=4096)
        self._port = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await self._stopping.wait()
            server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while True:
                request = await read_request(reader, writer)
                if request is None or not await self._respond(request, writer):
                    break
        except (ProtocolError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()

    async def _respond(self, request: HttpRequest, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; returns whether the connection may serve another."""
        if request.method != "POST" or not self._is_generation_path(request.path):
            self._record(request, None)
            return await write_response(writer, self.protocol.route(request), keep_alive=request.keep_alive)
        try:
            chat = self.protocol.parse_chat(request)
        except ValueError as exc:
            self._record(request, None)
            response = self.protocol.render_error(400, None, str(exc), "")
            return await write_response(writer, response, keep_alive=request.keep_alive)
        if not self.protocol.knows_model(chat.model):
            self._record(request, None)
            response = self.protocol.render_error(404, Fault(FaultKind.MODEL_NOT_FOUND), "", chat.model)
            return await write_response(writer, response, keep_alive=request.keep_alive)
        fault = self.faults.next()
        self._record(request, fault)
        if fault is None:
            reply = self._answer(chat)
            self._bill(chat, reply.completion_tokens, None)
            response = self.protocol.render_chat(chat, reply)
            return await write_response(writer, response, keep_alive=request.keep_alive, chunk_delay=self.chunk_delay)
        return await self._respond_with_fault(chat, fault, request, writer)

    async def _respond_with_fault(
        self, chat: ChatRequest, fault: Fault, request: HttpRequest, writer: asyncio.StreamWriter
    ) -> bool:
        kind = fault.kind
        if kind is FaultKind.DISCONNECT:
            # abort() resets the connection (RST) instead of a graceful FIN, the
            # closest a listening socket gets to refusing a request.
            writer.transport.abort()
            return False
        if kind is FaultKind.HANG:
            # The prompt was taken in; the model never answers (a stuck generation is billed its prompt).
            self._bill(chat, 0, kind)
            await asyncio.sleep(fault.delay)
            return False
        if kind is FaultKind.SLOW:
            await asyncio.sleep(fault.delay)
        delay = fault.chunk_delay or self.chunk_delay
        if fault.status is not None:
            # Refused before any generation: providers do not bill an error status.
            response = self.protocol.render_error(fault.status, fault, fault.message or "", chat.model)
        elif kind in (FaultKind.MALFORMED, FaultKind.EMPTY_STREAM):
            # The answer broke on the way out: the prompt was processed, what was generated is unknown.
            self._bill(chat, 0, kind)
            render = self.protocol.render_malformed if kind is FaultKind.MALFORMED else self.protocol.render_empty
            response = render(chat)
        elif kind is FaultKind.FILTERED_COMPLETION:
            self._bill(chat, 0, kind)
            response = self.protocol.render_chat(chat, Reply(finish_reason="content_filter"))
        else:  # slow, truncate, stream_cut: the whole reply is generated, whatever reaches the client
            reply = self._answer(chat)
            self._bill(chat, reply.completion_tokens, kind)
            truncated = kind is FaultKind.TRUNCATE
            response = (self.protocol.render_truncated if truncated else self.protocol.render_chat)(chat, reply)
        cut = fault.after_chunks if kind is FaultKind.STREAM_CUT else None
        return await write_response(writer, response, keep_alive=request.keep_alive, cut_after=cut, chunk_delay=delay)

    def _answer(self, chat: ChatRequest) -> Reply:
        with self._script_lock:
            item = self._script.popleft() if self._script else None
        if item is None:
            produced: ReplyLike = self.brain(chat)
        elif callable(item):
            produced = item(chat)
        else:
            produced = item
        return finalize(produced, chat)

    def _bill(self, chat: ChatRequest, completion_tokens: int, fault: FaultKind | None) -> None:
        bill = Bill(
            model=chat.model,
            path=chat.path,
            stream=chat.stream,
            prompt_tokens=chat.prompt_tokens,
            completion_tokens=completion_tokens,
            fault=fault,
        )
        self._billing.add(bill)

    def _record(self, request: HttpRequest, fault: Fault | None) -> None:
        entry = JournalEntry(
            method=request.method,
            path=request.path,
            body=request.json(),
            headers=mask_headers(request.headers),
            timestamp=time.time(),
            fault=fault.kind if fault else None,
        )
        self._journal.append(entry)

    def _is_generation_path(self, path: str) -> bool:
        return path in self.protocol.generation_paths
