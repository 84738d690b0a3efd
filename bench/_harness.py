"""Timing machinery shared by the benchmarks: servers in their own process, interleaved rounds, tables.

Rules every benchmark here follows:

- The fake servers run in a separate process (``multiprocessing`` spawn), pinned
  to a different core than the client where the machine has two or more, so the
  client's CPU cost is what is measured, not a fight for one core.
- Every contender in a comparison talks to the same server in the same run.
- Contenders run in interleaved rounds: each round visits every contender once,
  in a rotated order, so drift (thermal, noisy neighbours, GC) spreads evenly.
- Figures are medians over rounds, reported next to a baseline as a ratio.
- Timings are information, never pass/fail tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

# LiteLLM fetches its model price map from GitHub at import unless told not to;
# offline that is a multi-second timeout. Set before anything imports it.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LANGSMITH_TRACING", "false")
os.environ.pop("LANGCHAIN_TRACING_V2", None)

# -- cores -----------------------------------------------------------------


def _available_cores() -> list[int]:
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


_CORES = _available_cores()
SERVER_CORES: set[int] | None = {_CORES[0]} if len(_CORES) >= 2 else None
CLIENT_CORES: set[int] | None = set(_CORES[1:]) if len(_CORES) >= 2 else None


def pin(cores: set[int] | None) -> bool:
    """Pin the calling process to ``cores``; ``False`` where the machine does not allow it."""
    if cores is None or not hasattr(os, "sched_setaffinity"):
        return False
    try:
        os.sched_setaffinity(0, cores)
    except OSError:
        return False
    return True


def pin_client() -> bool:
    """Pin this (client) process away from the server's core."""
    return pin(CLIENT_CORES)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    model = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "server_cores": sorted(SERVER_CORES) if SERVER_CORES else "shared",
        "client_cores": sorted(CLIENT_CORES) if CLIENT_CORES else "shared",
    }


# -- servers in their own process ----------------------------------------------

LONG_WORDS = 200
LONG_PROMPT = "Tell me a long story, please."


class BenchBrain:
    """The deterministic brain, plus a 200-word answer (200 streamed chunks) for :data:`LONG_PROMPT`."""

    def __init__(self) -> None:
        from langchain_aegis.testing import DeterministicBrain

        self._brain = DeterministicBrain()
        self._long = " ".join(f"word{i}" for i in range(LONG_WORDS))

    def __call__(self, request: Any) -> Any:
        if request.last_user_text == LONG_PROMPT:
            return self._long
        return self._brain(request)


def _serve(kind: str, conn: Any) -> None:
    pin(SERVER_CORES)
    from langchain_aegis.testing import OllamaServer, OpenAIServer

    cls = OllamaServer if kind == "ollama" else OpenAIServer
    server = cls(brain=BenchBrain()).start()
    conn.send((server.origin, server.base_url))
    conn.recv()  # any message (or EOF) means stop
    server.stop()


@dataclass
class RemoteServer:
    """A fake server running in a child process."""

    kind: str
    origin: str
    base_url: str
    process: Any
    conn: Any


@contextlib.contextmanager
def remote_server(kind: str) -> Iterator[RemoteServer]:
    """Start an ``ollama`` or ``openai`` fake server in a spawned process pinned to the server core."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(kind, child), daemon=True, name=f"bench-{kind}-server")
    process.start()
    if not parent.poll(60):
        process.kill()
        raise RuntimeError(f"the {kind} server process did not start")
    origin, base_url = parent.recv()
    try:
        yield RemoteServer(kind, origin, base_url, process, parent)
    finally:
        with contextlib.suppress(OSError, BrokenPipeError):
            parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()


@contextlib.contextmanager
def servers() -> Iterator[dict[str, RemoteServer]]:
    """Both fake servers, keyed by protocol."""
    with remote_server("ollama") as ollama, remote_server("openai") as openai:
        yield {"ollama": ollama, "openai": openai}


# -- measuring -----------------------------------------------------------------


@dataclass
class Samples:
    """Per-round figures of one contender."""

    name: str
    values: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def spread(self) -> float:
        """Interquartile range relative to the median (a noise indicator)."""
        if len(self.values) < 4:
            return float("nan")
        q = statistics.quantiles(self.values, n=4)
        return (q[2] - q[0]) / self.median if self.median else float("nan")


def rotations(n: int, rounds: int) -> Iterator[list[int]]:
    """Round-robin orders: round ``r`` starts at contender ``r % n``."""
    for r in range(rounds):
        yield [(r + i) % n for i in range(n)]


def interleave(
    contenders: Sequence[tuple[str, Callable[[], float]]], rounds: int, *, warmup: int = 1
) -> dict[str, Samples]:
    """Run each contender's ``measure()`` once per round, round-robin; errors drop the contender.

    ``measure`` returns the round's figure (e.g. seconds per call).
    """
    out = {name: Samples(name) for name, _ in contenders}
    for _ in range(warmup):
        for name, measure in contenders:
            try:
                measure()
            except Exception as exc:
                out[name].error = f"{type(exc).__name__}: {exc}"[:300]
    live = [(n, m) for n, m in contenders if out[n].error is None]
    for order in rotations(len(live), rounds):
        for i in order:
            name, measure = live[i]
            out[name].values.append(measure())
    return out


async def ainterleave(
    contenders: Sequence[tuple[str, Callable[[], Awaitable[float]]]], rounds: int, *, warmup: int = 1
) -> dict[str, Samples]:
    """:func:`interleave` for coroutine measurements."""
    out = {name: Samples(name) for name, _ in contenders}
    for _ in range(warmup):
        for name, measure in contenders:
            try:
                await measure()
            except Exception as exc:
                out[name].error = f"{type(exc).__name__}: {exc}"[:300]
    live = [(n, m) for n, m in contenders if out[n].error is None]
    for order in rotations(len(live), rounds):
        for i in order:
            name, measure = live[i]
            out[name].values.append(await measure())
    return out


def per_call(fn: Callable[[], Any], calls: int) -> Callable[[], float]:
    """A measurement: mean seconds per call over ``calls`` sequential calls."""

    def measure() -> float:
        clock = time.perf_counter
        start = clock()
        for _ in range(calls):
            fn()
        return (clock() - start) / calls

    return measure


def throughput(afn: Callable[[], Awaitable[Any]], concurrency: int, calls: int) -> Callable[[], Awaitable[float]]:
    """A measurement: calls per second with ``concurrency`` workers sharing ``calls`` calls."""

    async def worker(n: int) -> None:
        for _ in range(n):
            await afn()

    async def measure() -> float:
        share, extra = divmod(calls, concurrency)
        start = time.perf_counter()
        await asyncio.gather(*(worker(share + (1 if i < extra else 0)) for i in range(concurrency)))
        return calls / (time.perf_counter() - start)

    return measure


# -- tables ----------------------------------------------------------------------


def render(header: Sequence[str], rows: Sequence[Sequence[Any]], *, markdown: bool = False) -> str:
    """An aligned text table (or a Markdown one); the first column is left-aligned."""
    cells = [[str(h) for h in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(row: list[str]) -> str:
        parts = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return ("| " + " | ".join(parts) + " |") if markdown else "  ".join(parts)

    out = [line(cells[0])]
    if markdown:
        out.append("|" + "|".join(("-" * (w + 1)) + (":" if i else "-") for i, w in enumerate(widths)) + "|")
    else:
        out.append("  ".join("-" * w for w in widths))
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def ratio(value: float, base: float) -> float:
    """``value / base``, NaN when either is missing."""
    if not base or base != base or value != value:
        return float("nan")
    return value / base


def section(title: str) -> str:
    """A heading line for console output."""
    return f"\n== {title} " + "=" * max(0, 70 - len(title))


def bench_main(
    doc: str | None, run: Callable[..., dict[str, Any]], render_result: Callable[[dict[str, Any]], str]
) -> None:
    """The command line of one benchmark script: ``[--quick] [--json PATH]``, servers, table."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    pin_client()
    with servers() as srv:
        result = run(srv, quick=args.quick)
    print(render_result(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
