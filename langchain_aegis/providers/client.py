"""One configured provider's any-llm client: built once per event loop, every request sent through it.

This module owns :class:`ProviderClient`: building and closing the SDK clients,
the parameters forwarded, the per-call deadline, and the egress gate on the
final request. It must not retry, fall back, count money or choose a provider:
those belong to :mod:`langchain_aegis.dispatch`. A test swaps it for a fake
with the same ``acomplete``/``astream`` (the in-process provider seam).

Facts about any-llm-sdk 1.40 that shape this module:

- ``any_llm.completion()`` builds a new client (and TLS context) per call,
  about 30 ms; a reused ``AnyLLM.create(...)`` instance adds ~0.2 ms. Clients
  are built once and reused.
- ``import any_llm`` takes 1.4 to 1.9 s, so it is not imported with
  ``langchain_aegis``: building a model starts it in a background thread
  (:func:`~langchain_aegis.providers.registry.preload_any_llm`), and the first call waits for what is left.
- The Ollama provider ignores ``api_key``: Ollama Cloud needs an
  ``Authorization: Bearer`` header passed as a client argument, and the client
  has no default timeout, so one is always set.
- Unknown keyword arguments leak into Ollama ``options``, so only known
  parameters are forwarded; ``keep_alive``, which is not an option, is moved
  back to the request's top level, and the timing fields of Ollama's response
  (which any-llm drops) are kept (see :mod:`langchain_aegis.providers.ollama`).
- OpenAI streams usage only with ``stream_options={"include_usage": True}``.
  SDK retries are turned off: the router owns retries.
- An ``httpx.AsyncClient`` is bound to the event loop it first ran on, so async
  clients are kept per event loop and closed when that loop shuts down (see
  :mod:`langchain_aegis._loops`). Sync calls run on a loop leased from a small
  process-wide pool, so ``batch()``'s short-lived threads reuse loops and
  clients instead of leaking one set per thread.
- A provider's ``timeout`` is the SDK's: it bounds each phase of a request
  (connect, each read), not its wall time, and the Ollama client takes it at
  construction only. The router's per-call deadline is a wall-clock bound, so
  every call is also cut with ``asyncio.timeout`` on the loop that runs it,
  which is what makes the deadline hold for sync calls and streams too.

The egress gate (:mod:`langchain_aegis.privacy.egress`) runs in
:meth:`ProviderClient._request`, the one place every call path goes through
(complete, acomplete, stream, astream, and the sync paths on any-llm's runner),
on the exact keyword arguments handed to any-llm. For a cloud destination
(declared ``locality: cloud``, or a model Ollama serves from its cloud, see
:func:`~langchain_aegis.config.providers.is_cloud_model`) it refuses a ``local_only``
call and any payload holding personal data with :class:`PrivacyViolationError`
before any byte is sent, so neither a bug in routing nor a field routing did
not read can leak.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import weakref
from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping
from typing import Any

from langchain_aegis._loops import POOL, aclose_quietly, close_with_loop, logger, run_on
from langchain_aegis.config.providers import ProviderConfig, is_cloud_model
from langchain_aegis.errors import PrivacyViolationError
from langchain_aegis.privacy.egress import check_egress
from langchain_aegis.providers.ollama import OLLAMA_OPTIONS, adapt_ollama

__all__ = ["ProviderClient", "close_client"]

# Parameters any-llm understands for every provider.
_COMMON = frozenset(
    {
        "temperature",
        "top_p",
        "max_tokens",
        "stop",
        "seed",
        "tools",
        "tool_choice",
        "response_format",
        "parallel_tool_calls",
        "presence_penalty",
        "frequency_penalty",
        "logprobs",
        "top_logprobs",
        "reasoning_effort",
    }
)


class ProviderClient:
    """A configured provider: a lazily created, reused any-llm client per event loop.

    Args:
        name: the configured provider name.
        config: its validated configuration.
        detect: whether the egress gate runs the detector on cloud requests
            (``privacy.detection``); a ``local_only`` call is refused either way.
    """

    def __init__(self, name: str, config: ProviderConfig, *, detect: bool = True) -> None:
        self.name = name
        self.config = config
        self.detect = detect
        self._sync_client: Any = None
        self._sync_bound = False
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return f"ProviderClient(name={self.name!r}, type={self.config.type!r}, model={self.config.model!r})"

    @property
    def is_local(self) -> bool:
        """Whether calls to this provider's configured model stay on this machine or network."""
        return self.is_local_model(None)

    def is_local_model(self, model: str | None) -> bool:
        """Whether a request for ``model`` (``None``: the configured one) stays on this machine or network."""
        return self.config.locality == "local" and not is_cloud_model(model or self.config.model)

    # -- client construction ---------------------------------------------

    def _create(self) -> Any:
        from any_llm import AnyLLM
        from any_llm.exceptions import UnsupportedParameterError

        cfg = self.config
        key = cfg.api_key.get_secret_value() if cfg.api_key else None
        args: dict[str, Any] = dict(cfg.client_args)
        if cfg.type == "ollama":
            headers = dict(args.pop("headers", {}) or {})
            if key:
                headers["Authorization"] = f"Bearer {key}"
            if headers:
                args["headers"] = headers
            args.setdefault("timeout", cfg.timeout)
            return adapt_ollama(AnyLLM.create("ollama", api_base=cfg.base_url, unified_exceptions=True, **args))
        if cfg.organization:
            args.setdefault("organization", cfg.organization)
        args.setdefault("timeout", cfg.timeout)
        try:
            return AnyLLM.create(
                cfg.type, api_key=key, api_base=cfg.base_url, unified_exceptions=True, max_retries=0, **args
            )
        except UnsupportedParameterError:
            return AnyLLM.create(cfg.type, api_key=key, api_base=cfg.base_url, unified_exceptions=True, **args)

    async def _client_for_loop(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            client = self._async_clients[loop] = self._create()
            # Closed while its loop can still run the close: by asyncio.run() or the loop pool.
            await close_with_loop(functools.partial(self._forget, loop, client))
        return client

    async def _forget(self, loop: asyncio.AbstractEventLoop, client: Any) -> None:
        if self._async_clients.get(loop) is client:
            del self._async_clients[loop]
        await close_client(client)

    def _sync(self) -> Any:
        if self._sync_client is None:
            self._sync_client = self._create()
        return self._sync_client

    async def _on_runner(self, call: Awaitable[Any]) -> Any:
        """``call`` on any-llm's runner loop, first making sure the sync client closes with that loop."""
        client = self._sync_client
        if client is not None and not self._sync_bound:
            self._sync_bound = True
            await close_with_loop(functools.partial(self._forget_sync, client))
        return await call

    async def _forget_sync(self, client: Any) -> None:
        if self._sync_client is client:
            self._sync_client = None
        await close_client(client)

    def close(self) -> None:
        """Close every client this provider opened, on whichever loop it is bound to.

        The provider stays usable: the next call opens a new client.
        """
        clients = list(self._async_clients.items())
        self._async_clients.clear()
        for loop, client in clients:
            run_on(loop, close_client(client))
        sync, self._sync_client = self._sync_client, None
        self._sync_bound = False
        if sync is not None:
            # The sync client ran on any-llm's runner loop (calls made inside a running loop).
            try:
                from any_llm.utils.aio import _get_runner_loop

                run_on(_get_runner_loop(), close_client(sync))
            except Exception:  # pragma: no cover - an any-llm without the runner
                logger.debug("aegis: cannot close the sync client of %s", self.name, exc_info=True)

    async def aclose(self) -> None:
        """Close every client; the one bound to the running loop is closed here."""
        loop = asyncio.get_running_loop()
        mine = self._async_clients.pop(loop, None)
        if mine is not None:
            await close_client(mine)
        await asyncio.to_thread(self.close)

    # -- calls -------------------------------------------------------------

    def check_privacy(self, privacy: str, model: str | None = None) -> None:
        """Refuse a ``local_only`` call if this provider (or ``model`` on it) is a cloud destination."""
        if privacy == "local_only" and not self.is_local_model(model):
            raise PrivacyViolationError(
                f"provider {self.name!r} is a cloud provider and refused a local_only call before sending it"
            )

    def _request(
        self,
        client: Any,
        messages: list[dict[str, Any]],
        params: Mapping[str, Any],
        *,
        stream: bool,
        privacy: str,
        model: str | None,
        deadline: float | None,
    ) -> Awaitable[Any]:
        """Build the final request, pass it through the egress gate, and start it.

        Every call path comes through here. any-llm's ``acompletion`` is a
        coroutine: nothing is sent until it is awaited, and the gate has
        already read the very dict it is given.
        """
        kwargs: dict[str, Any] = {"model": model or self.config.model, "messages": messages}
        if stream:
            kwargs["stream"] = True
        kwargs.update(self._params(params, stream=stream, deadline=deadline))
        if not self.is_local_model(kwargs["model"]):
            check_egress(self.name, kwargs, privacy=privacy, detect=self.detect)
        return client.acompletion(**kwargs)  # type: ignore[no-any-return]

    def _params(self, params: Mapping[str, Any], *, stream: bool, deadline: float | None) -> dict[str, Any]:
        allowed = _COMMON | OLLAMA_OPTIONS if self.config.type == "ollama" else _COMMON
        out = {k: v for k, v in params.items() if k in allowed and v is not None}
        if stream and self.config.type != "ollama":
            out["stream_options"] = {"include_usage": True}
        if self.config.type != "ollama":  # Ollama's client takes its timeout at construction only
            timeout = self.config.timeout
            out["timeout"] = timeout if deadline is None else max(0.001, min(timeout, deadline))
        return out

    @staticmethod
    async def _bounded(call: Awaitable[Any], deadline: float | None) -> Any:
        async with asyncio.timeout(None if deadline is None else max(0.0, deadline)):
            return await call

    @staticmethod
    async def _bounded_stream(start: Awaitable[Any], deadline: float | None) -> AsyncIterator[Any]:
        """The provider's stream, ended with ``TimeoutError`` once ``deadline`` seconds have passed."""
        loop = asyncio.get_running_loop()
        until = None if deadline is None else loop.time() + deadline
        async with asyncio.timeout_at(until):
            source = await start
        try:
            iterator = aiter(source)
            while True:
                # Each wait gets its own scope: the caller's time with a chunk is not the provider's.
                async with asyncio.timeout_at(until):
                    try:
                        item = await anext(iterator)
                    except StopAsyncIteration:
                        return
                yield item
        finally:
            await aclose_quietly(source)

    def complete(
        self,
        messages: list[dict[str, Any]],
        params: Mapping[str, Any],
        *,
        privacy: str,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """One non-streaming completion, synchronously.

        Args:
            messages: provider-format messages.
            params: generation parameters; unknown ones are dropped.
            privacy: the decision's privacy; a cloud provider refuses ``local_only``.
            model: a model other than the configured one.
            deadline: seconds left in the call; the request is cut (``TimeoutError``)
                when they run out. The provider's ``timeout`` still bounds each
                phase of the request (connect, each read).

        Raises:
            PrivacyViolationError: a cloud provider was asked to serve a local-only call.
            TimeoutError: the request outlived its bound.
        """
        loop = POOL.loop()
        if loop is not None:
            return loop.run_until_complete(
                self.acomplete(messages, params, privacy=privacy, model=model, deadline=deadline)
            )
        from any_llm.utils.aio import run_async_in_sync

        call = self._request(
            self._sync(), messages, params, stream=False, privacy=privacy, model=model, deadline=deadline
        )
        return run_async_in_sync(self._bounded(self._on_runner(call), deadline), allow_running_loop=True)

    async def acomplete(
        self,
        messages: list[dict[str, Any]],
        params: Mapping[str, Any],
        *,
        privacy: str,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """One non-streaming completion; arguments as for :meth:`complete`."""
        client = await self._client_for_loop()
        call = self._request(client, messages, params, stream=False, privacy=privacy, model=model, deadline=deadline)
        return await self._bounded(call, deadline)

    def stream(
        self,
        messages: list[dict[str, Any]],
        params: Mapping[str, Any],
        *,
        privacy: str,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Iterator[Any]:
        """A streaming completion, synchronously. Errors may surface on the first ``next()``.

        The provider's ``timeout`` bounds each wait for a chunk, and ``deadline``
        (seconds left in the call) the whole stream; running out of either
        raises. Close the iterator to abandon the stream.
        """
        loop = POOL.loop()
        if loop is not None:
            opened = self.astream(messages, params, privacy=privacy, model=model, deadline=deadline)
            return _drive(loop, loop.run_until_complete(opened))
        from any_llm.utils.aio import async_iter_to_sync_iter

        begin = self._on_runner(
            self._request(self._sync(), messages, params, stream=True, privacy=privacy, model=model, deadline=deadline)
        )
        return async_iter_to_sync_iter(self._bounded_stream(begin, deadline), allow_running_loop=True)

    async def astream(
        self,
        messages: list[dict[str, Any]],
        params: Mapping[str, Any],
        *,
        privacy: str,
        model: str | None = None,
        deadline: float | None = None,
    ) -> AsyncIterator[Any]:
        """A streaming completion; bounds as for :meth:`stream`. Errors may surface on the first ``__anext__``."""
        client = await self._client_for_loop()
        start = self._request(client, messages, params, stream=True, privacy=privacy, model=model, deadline=deadline)
        return self._bounded_stream(start, deadline)


def _drive(loop: asyncio.AbstractEventLoop, stream: AsyncIterator[Any]) -> Iterator[Any]:
    """Consume an async stream on ``loop``, one item per ``next()``; close it however it ends."""
    try:
        while True:
            try:
                item = loop.run_until_complete(anext(stream))
            except StopAsyncIteration:
                return
            yield item
    finally:
        if not loop.is_running():
            with contextlib.suppress(Exception):  # a closed loop: nothing left to close on
                loop.run_until_complete(aclose_quietly(stream))


async def close_client(client: Any) -> None:
    """Close an any-llm client's SDK client (``ollama.AsyncClient``, ``openai.AsyncOpenAI``, ...)."""
    await aclose_quietly(getattr(client, "client", client))
