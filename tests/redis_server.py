"""A real ``redis-server`` on a free loopback port, for tests and the ledger benchmark.

Tests import the fixtures::

    from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401

and ask for ``redis_url`` (or ``redis_server``) by name.

``redis_url`` gives each test an empty database; the server is shared by the
session. Without a ``redis-server`` binary the tests are skipped, saying why.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["RedisServer", "redis_server_fixture", "redis_url_fixture", "running_redis"]

SKIP_REASON = "redis-server not installed (apt-get install redis-server) - Redis ledger tests skipped"


@dataclass
class RedisServer:
    """A running server: its port, URL and process."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return True
        except OSError:
            time.sleep(0.02)
    return False


@contextmanager
def running_redis(workdir: Path, binary: str | None = None) -> Iterator[RedisServer]:
    """Start ``redis-server`` in ``workdir`` without persistence; stop it on exit.

    Raises:
        RuntimeError: the binary is missing or the server would not start.
    """
    binary = binary or shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(SKIP_REASON)
    for _ in range(5):  # another process may grab the free port first
        port = _free_port()
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_ready(port, process, timeout=10.0):
            break
        process.kill()
        process.wait()
    else:
        raise RuntimeError("redis-server did not start")
    try:
        yield RedisServer(port, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session", name="redis_server")
def redis_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One redis-server for the test session; skips when none is installed."""
    if shutil.which("redis-server") is None:
        pytest.skip(SKIP_REASON)
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(name="redis_url")
def redis_url_fixture(redis_server: RedisServer) -> str:
    """The server's URL, with its database emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server.url) as client:
        client.flushall()
    return redis_server.url
