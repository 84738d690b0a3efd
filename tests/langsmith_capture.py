"""A loopback stand-in for the LangSmith API that records what the real ``langsmith`` client sends.

It answers ``GET /info`` and accepts every way the client ships runs
(``POST /runs``, ``PATCH /runs/{id}``, ``POST /runs/batch`` and
``POST /runs/multipart``), merging posts and patches into one dict per run id.

Example:
    .. code-block:: python

        with capture_langsmith() as server:
            client, tracer = new_tracer(server)
            model.invoke("hi", config={"callbacks": [tracer]})
            client.flush(timeout=10)
            run = server.wait_for_run(lambda r: r.get("run_type") == "llm")
            run["extra"]["metadata"], run["tags"], run["inputs"], run["outputs"]
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import gzip
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from langchain_core.tracers import LangChainTracer
from langsmith import Client, run_trees
from langsmith import utils as ls_utils

__all__ = ["LangSmithCapture", "capture_langsmith", "new_tracer", "wait_until_compressing"]

DUMMY_API_KEY = "lsv2_pt_00000000000000000000000000000000_0000000000"

# The client's background thread indexes every one of these keys when
# ``batch_ingest_config`` is present; a missing one kills the thread and
# ``flush()`` then waits forever.
INFO: dict[str, Any] = {
    "version": "0.10.0",
    "license_expiration_time": None,
    "batch_ingest_config": {
        "use_multipart_endpoint": True,
        "size_limit": 100,
        "size_limit_bytes": 20_971_520,
        "scale_up_qsize_trigger": 1000,
        "scale_up_nthreads_limit": 16,
        "scale_down_nempty_trigger": 4,
    },
    # No ``zstd_compression_enabled`` unless a capture asks for it: runs arrive as plain multipart.
    "instance_flags": {},
}

_MERGED_DICTS = ("extra",)


class LangSmithCapture:
    """The server; ``.runs`` holds what arrived, by run id.

    Use :func:`capture_langsmith` rather than constructing it directly.
    """

    def __init__(self, *, compress: bool = False) -> None:
        self._runs: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[bytes] = []
        """Every request body, decompressed, as it arrived."""
        self.encodings: list[str] = []
        """The ``Content-Encoding`` of every request with a body (``""`` when plain)."""
        self.info: dict[str, Any] = {**INFO, "instance_flags": {"zstd_compression_enabled": True} if compress else {}}
        self.feedback: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            # A short poll keeps stop() fast; the default makes every test wait half a second.
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="langsmith-capture",
            daemon=True,
        )

    @property
    def url(self) -> str:
        """The base URL to give as ``api_url`` / ``LANGSMITH_ENDPOINT``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def runs(self) -> dict[str, dict[str, Any]]:
        """A snapshot of the captured runs, merged by id."""
        with self._changed:
            return {k: dict(v) for k, v in self._runs.items()}

    def start(self) -> LangSmithCapture:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def wait_for_run(
        self, predicate: Callable[[dict[str, Any]], bool] = lambda _: True, timeout: float = 10.0
    ) -> dict[str, Any]:
        """The first captured run matching ``predicate``, waiting up to ``timeout`` seconds.

        Raises:
            TimeoutError: none arrived in time; the message lists what did arrive.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for run in self._runs.values():
                    if predicate(run):
                        return dict(run)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(r.get("name"), r.get("run_type")) for r in self._runs.values()]
                    raise TimeoutError(f"no matching run within {timeout}s; captured {seen}; requests {self.requests}")
                self._changed.wait(remaining)

    # -- recording (called from handler threads) ------------------------

    def _merge(self, run: Mapping[str, Any], run_id: str | None = None) -> None:
        key = str(run_id or run.get("id"))
        with self._changed:
            merged = self._runs.setdefault(key, {"id": key})
            for field, value in run.items():
                if field in _MERGED_DICTS and isinstance(value, dict) and isinstance(merged.get(field), dict):
                    merged[field] = _deep_merge(merged[field], value)
                elif value is not None or field not in merged:
                    merged[field] = value
            self._changed.notify_all()

    def _multipart(self, content_type: str, body: bytes) -> None:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        runs: dict[str, dict[str, Any]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True)
            raw = payload if isinstance(payload, bytes) else b""
            # Part names: "post.<id>", "patch.<id>", "post.<id>.inputs", "feedback.<id>", "attachment.<id>.<name>".
            operation, _, rest = name.partition(".")
            run_id, _, field = rest.partition(".")
            if operation == "feedback":
                self.feedback.append(json.loads(raw))
                continue
            if operation not in ("post", "patch"):
                continue
            run = runs.setdefault(run_id, {})
            if field:
                run[field] = json.loads(raw) if "json" in part.get_content_type() else raw
            else:
                run.update(json.loads(raw))
        for run_id, run in runs.items():
            self._merge(run, run_id)


def _deep_merge(old: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for key, value in new.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _handler_for(capture: LangSmithCapture) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest output clean

        def _body(self) -> bytes:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                data = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        break
                    data += self.rfile.read(size)
                    self.rfile.readline()
                raw = bytes(data)
            else:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            encoding = self.headers.get("Content-Encoding", "").lower()
            capture.encodings.append(encoding)
            if encoding == "gzip":
                raw = gzip.decompress(raw)
            elif encoding == "zstd":
                import zstandard  # only when a client compresses anyway

                raw = bytes(zstandard.ZstdDecompressor().decompressobj().decompress(raw))
            capture.bodies.append(raw)
            return raw

        def _reply(self, status: int = 200, payload: Any = None) -> None:
            data = json.dumps({} if payload is None else payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            capture.requests.append(("GET", self.path))
            if self.path.split("?")[0].rstrip("/") == "/info":
                self._reply(200, capture.info)
            else:
                self._reply(404, {"detail": "not captured"})

        def do_POST(self) -> None:
            body = self._body()
            path = self.path.split("?")[0].rstrip("/")
            capture.requests.append(("POST", path))
            if path == "/runs":
                capture._merge(json.loads(body))
            elif path == "/runs/batch":
                batch = json.loads(body)
                for run in batch.get("post") or []:
                    capture._merge(run)
                for run in batch.get("patch") or []:
                    capture._merge(run)
            elif path == "/runs/multipart":
                capture._multipart(self.headers.get("Content-Type", ""), body)
            else:
                self._reply(404, {"detail": "not captured"})
                return
            self._reply(202 if path != "/runs" else 200)

        def do_PATCH(self) -> None:
            body = self._body()
            path = self.path.split("?")[0].rstrip("/")
            capture.requests.append(("PATCH", path))
            if path.startswith("/runs/"):
                capture._merge(json.loads(body), path.removeprefix("/runs/"))
                self._reply(200)
            else:
                self._reply(404, {"detail": "not captured"})

    return Handler


_ENV = {
    "LANGSMITH_TRACING": "true",
    "LANGSMITH_API_KEY": DUMMY_API_KEY,
}


@contextlib.contextmanager
def capture_langsmith(project: str = "aegis-tests", *, compress: bool = False) -> Iterator[LangSmithCapture]:
    """Serve a capture endpoint and point LangSmith's environment at it for the block.

    Sets ``LANGSMITH_ENDPOINT``, ``LANGSMITH_API_KEY`` (a dummy),
    ``LANGSMITH_TRACING=true`` and ``LANGSMITH_PROJECT``, clears langsmith's
    cached environment reads and its shared default client, and restores all of
    it on exit. With ``compress``, ``/info`` tells clients to send zstd-compressed multipart.
    """
    server = LangSmithCapture(compress=compress).start()
    env = {**_ENV, "LANGSMITH_ENDPOINT": server.url, "LANGSMITH_PROJECT": project}
    saved = {name: os.environ.get(name) for name in env}
    # The default client that env-configured tracing shares; it would still point at the old endpoint.
    saved_client = run_trees._CLIENT
    try:
        os.environ.update(env)
        _clear_env_caches()
        run_trees._CLIENT = None
        yield server
    finally:
        run_trees._CLIENT = saved_client
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _clear_env_caches()
        server.stop()


def new_tracer(server: LangSmithCapture, project: str = "aegis-tests") -> tuple[Client, LangChainTracer]:
    """A fresh ``langsmith.Client`` pointed at ``server`` and a ``LangChainTracer`` using it.

    Flush with ``client.flush(timeout=...)``: ``tracer.wait_for_futures()``
    flushes without a timeout.
    """
    client = Client(api_url=server.url, api_key=DUMMY_API_KEY)
    return client, LangChainTracer(client=client, project_name=project)


def wait_until_compressing(client: Client, timeout: float = 10.0) -> None:
    """Wait until ``client`` compresses its uploads (its background thread has read ``/info``).

    Runs created before that are sent uncompressed, so a test of the
    compressed path waits here first.
    """
    deadline = time.monotonic() + timeout
    while client.compressed_traces is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the client did not switch to compressed uploads; does /info ask for zstd?")
        time.sleep(0.01)


def _clear_env_caches() -> None:
    # langsmith memoises its environment reads; a stale endpoint would send runs elsewhere.
    # Both are lru_cache-wrapped overloads, which the stubs type without cache_clear.
    cast("Any", ls_utils.get_env_var).cache_clear()
    cast("Any", ls_utils.get_tracer_project).cache_clear()
