"""How long a budget check costs: reserve+settle pairs per second, per ledger backend.

Runs each backend with one process, and SQLite and Redis also with four
processes hammering the same provider's account (the contended case)::

    python bench/bench_ledger.py                 # starts its own redis-server if installed
    python bench/bench_ledger.py --pairs 20000 --json bench/ledger.json
    python bench/bench_ledger.py --redis-url redis://127.0.0.1:6379/15

Goals: a pair well under 1 ms; < 0.3 ms on SQLite, < 0.5 ms on Redis over loopback.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.redis_server

from langchain_aegis.budget import open_ledger

PERIOD = "2026-11"
WARMUP = 200


def _pairs(url: str, pairs: int, barrier: Any = None) -> dict[str, Any]:
    """Time ``pairs`` reserve+settle pairs on one ledger handle; latencies in µs."""
    ledger = open_ledger(url)
    for _ in range(WARMUP):
        ledger.settle(ledger.reserve("openai", 0.0, limit=1e6, period=PERIOD), 0.0)
    if barrier is not None:
        barrier.wait()
    latencies = []
    clock = time.perf_counter
    start = clock()
    for _ in range(pairs):
        t0 = clock()
        r = ledger.reserve("openai", 0.001, limit=1e6, period=PERIOD, lease_seconds=60)
        ledger.settle(r, 0.0005)
        latencies.append((clock() - t0) * 1e6)
    wall = clock() - start
    ledger.close()
    return {"latencies": latencies, "wall": wall}


def _worker(url: str, pairs: int, barrier: Any, out: Any) -> None:
    out.put(_pairs(url, pairs, barrier))


def run(backend: str, url: str, processes: int, pairs: int) -> dict[str, Any]:
    """One row of the table: ``processes`` processes doing ``pairs`` pairs each."""
    if processes == 1:
        results = [_pairs(url, pairs)]
    else:
        ctx = multiprocessing.get_context("spawn")
        barrier, out = ctx.Barrier(processes), ctx.Queue()
        procs = [ctx.Process(target=_worker, args=(url, pairs, barrier, out)) for _ in range(processes)]
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
    latencies = sorted(x for r in results for x in r["latencies"])
    wall = max(r["wall"] for r in results)
    return {
        "backend": backend,
        "processes": processes,
        "pairs": len(latencies),
        "pairs_per_s": round(len(latencies) / wall),
        "median_us": round(statistics.median(latencies), 1),
        "p99_us": round(latencies[int(len(latencies) * 0.99)], 1),
    }


def render(rows: list[dict[str, Any]]) -> str:
    """The rows as an aligned text table."""
    header = ["backend", "processes", "pairs", "pairs/s", "median µs/pair", "p99 µs/pair"]
    keys = ["backend", "processes", "pairs", "pairs_per_s", "median_us", "p99_us"]
    lines = [header] + [[str(r[k]) for k in keys] for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        for line in lines
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally save) the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=5000, help="reserve+settle pairs per process (default 5000)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the rows as JSON here")
    parser.add_argument("--redis-url", help="use this Redis (its data is left alone: keys go under aegis-bench:)")
    args = parser.parse_args(argv)

    rows = []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aegis-bench-")))
        targets = [("memory", "memory://", [1]), ("sqlite", f"sqlite://{tmp}/ledger.db", [1, 4])]
        redis_url = args.redis_url
        if redis_url is None and shutil.which("redis-server"):
            from tests.redis_server import running_redis

            redis_url = stack.enter_context(running_redis(tmp)).url
        if redis_url is not None:
            sep = "&" if "?" in redis_url else "?"
            targets.append(("redis", f"{redis_url}{sep}prefix=aegis-bench:", [1, 4]))
        else:
            print("redis: skipped (no redis-server binary and no --redis-url)", file=sys.stderr)
        for backend, url, counts in targets:
            for processes in counts:
                rows.append(run(backend, url, processes, args.pairs))
                print(f"  {backend} x{processes} done", file=sys.stderr)

    print(render(rows))
    print(f"({os.cpu_count()} CPUs; {args.pairs} pairs per process; Python {sys.version.split()[0]})")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
