"""Bounded resources and a clean exit (issue 13 point 6, issue 14 point 5).

``batch()`` runs each batch on a fresh thread pool; before the loop pool, each
of those threads left an event loop, HTTP clients and DNS executor threads
behind. These tests count the process's open descriptors and threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_aegis import AegisChatModel
from langchain_aegis._loops import POOL
from langchain_aegis.config.loading import parse_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.testing import OllamaServer, OpenAIServer

ROOT = Path(__file__).parents[2]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def connections_to(*ports: int) -> int:
    """This process's TCP connections to ``ports`` (from /proc: no psutil needed on Linux)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                remote_port, state, inode = int(fields[2].rsplit(":", 1)[1], 16), fields[3], fields[9]
                if inode in inodes and remote_port in ports and state != "0A":  # 0A: listening
                    count += 1
    return count


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[OllamaServer, OpenAIServer]]:
    with OllamaServer() as ollama, OpenAIServer() as openai:
        yield ollama, openai


def config(kind: str, servers: tuple[OllamaServer, OpenAIServer]) -> AegisConfig:
    ollama, openai = servers
    provider = (
        {"type": "ollama", "model": "m", "base_url": ollama.base_url, "locality": "local"}
        if kind == "ollama"
        else {
            "type": "openai",
            "model": "gpt-4o-mini",
            "api_key": "k",
            "base_url": openai.base_url,
            "locality": "local",
        }
    )
    return parse_config({"providers": {"local": provider}, "budgets": {"ledger": "memory://"}})


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts descriptors through /proc")
@pytest.mark.parametrize("kind", ["ollama", "openai"])
def test_500_batches_keep_descriptors_and_threads_flat(kind: str, servers: tuple[OllamaServer, OpenAIServer]) -> None:
    with AegisChatModel(config=config(kind, servers)) as model:
        model.batch(["hi"] * 8)  # warm up: the first batch opens the pool's loops and clients
        gc.collect()
        fds, threads = open_fds(), threading.active_count()
        peak_fds, peak_threads = fds, threads
        for i in range(500):
            assert len(model.batch(["hi"] * 8)) == 8
            if i % 50 == 49:
                gc.collect()
                peak_fds, peak_threads = max(peak_fds, open_fds()), max(peak_threads, threading.active_count())
        gc.collect()
        print(f"\n{kind}: fds {fds} -> {open_fds()} (peak {peak_fds}), threads {threads} -> {threading.active_count()}")
        # Flat: a batch's worth of slack (8 connections), not 500 batches' worth.
        assert peak_fds <= fds + 8
        assert peak_threads <= threads + 1
        assert POOL.stats()["idle"] + POOL.stats()["leased"] <= POOL.max_idle + 9


@pytest.mark.parametrize("kind", ["ollama", "openai"])
def test_close_releases_the_connections(kind: str, servers: tuple[OllamaServer, OpenAIServer]) -> None:
    ports = (servers[0].port,) if kind == "ollama" else (servers[1].port,)  # this kind's server only
    model = AegisChatModel(config=config(kind, servers))
    model.batch(["hi"] * 4)
    for _ in model.stream("hi"):
        pass
    assert connections_to(*ports) > 0  # the check sees the model's pooled connections
    model.close()
    gc.collect()
    # Counted by connection, not by file descriptor: the process-wide event-loop pool keeps its
    # own descriptors on purpose, and may grow by a loop while another test runs.
    assert connections_to(*ports) == 0
    assert model.invoke("hi").content  # still usable: a new client is opened
    model.close()


def test_async_context_manager_closes_clients_on_its_loop(servers: tuple[OllamaServer, OpenAIServer]) -> None:
    async def run() -> int:
        async with AegisChatModel(config=config("openai", servers)) as model:
            await model.abatch(["hi"] * 4)
            async for _ in model.astream("hi"):
                pass
            client = model._runtime.registry["local"]
            assert client._async_clients  # bound to this loop
        return len(client._async_clients)

    assert asyncio.run(run()) == 0


def test_repeated_asyncio_run_does_not_accumulate(servers: tuple[OllamaServer, OpenAIServer]) -> None:
    model = AegisChatModel(config=config("openai", servers))
    asyncio.run(model.ainvoke("hi"))
    gc.collect()
    fds = open_fds()
    for _ in range(30):
        asyncio.run(model.ainvoke("hi"))  # a new loop each time: its client closes with it
    gc.collect()
    assert open_fds() <= fds + 2
    assert len(model._runtime.registry["local"]._async_clients) <= 1


# -- exit noise: a subprocess per path, with ResourceWarning as an error ---------------------------

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from langchain_aegis import AegisChatModel
    from langchain_aegis.config.loading import parse_config
    kind, path, url = sys.argv[1:4]
    provider = (
        {"type": "ollama", "model": "m", "base_url": url, "locality": "local"}
        if kind == "ollama"
        else {"type": "openai", "model": "gpt-4o-mini", "api_key": "k", "base_url": url, "locality": "local"}
    )
    m = AegisChatModel(config=parse_config({"providers": {"local": provider}, "budgets": {"ledger": "memory://"}}))
    if path == "invoke":
        m.invoke("hi")
    elif path == "invoke_streaming":
        m.streaming = True
        m.invoke("hi")
    elif path == "stream":
        for _ in m.stream("hi"):
            pass
    elif path == "stream_break":
        for _ in m.stream("tell me a long story"):
            break
    elif path == "stream_abandoned":
        it = m.stream("tell me a long story")
        next(it)  # kept open until exit
    elif path == "batch":
        m.batch(["hi"] * 4)
    elif path == "ainvoke":
        asyncio.run(m.ainvoke("hi"))
    elif path == "astream_break":
        async def f():
            async for _ in m.astream("tell me a long story"):
                break
        asyncio.run(f())
    elif path == "abatch":
        asyncio.run(m.abatch(["hi"] * 4))
    elif path == "invoke_in_loop":
        async def g():
            return m.invoke("hi")  # a sync call inside a running loop
        asyncio.run(g())
    print("ok")
    """
)

PATHS = [
    "invoke",
    "invoke_streaming",
    "stream",
    "stream_break",
    "stream_abandoned",
    "batch",
    "ainvoke",
    "astream_break",
    "abatch",
    "invoke_in_loop",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kind", ["ollama", "openai"])
def test_clean_exit(kind: str, path: str, servers: tuple[OllamaServer, OpenAIServer], tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    url = servers[0].base_url if kind == "ollama" else servers[1].base_url
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", str(script), kind, path, url],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    for noise in ("Task was destroyed", "ResourceWarning", "Exception ignored", "unclosed"):
        assert noise not in done.stderr, done.stderr
