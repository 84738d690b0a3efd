"""Memory: RSS over 10,000 AegisChatModel calls, after a warm-up of 1,000.

Each model runs in a fresh spawned process (pinned to the client core), so
nothing else the benchmark imported counts against it. RSS is read after a
``gc.collect()`` every 1,000 calls. ``ChatOllama`` runs the same loop as a
reference for what "noise" looks like::

    python bench/bench_memory.py [--quick] [--json PATH]
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import CLIENT_CORES, RemoteServer, bench_main, pin, render


def rss_bytes() -> int:
    """This process's resident set size, via psutil or /proc."""
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _soak(which: str, origin: str, openai_base: str, warmup: int, calls: int, every: int, out: Any) -> None:
    pin(CLIENT_CORES)
    from _clients import PROMPT, aegis_model

    if which == "ChatOllama":
        from langchain_ollama import ChatOllama

        model: Any = ChatOllama(model="llama3.2", base_url=origin)
    else:
        model = aegis_model("ollama", origin, openai_base, features=True, ledger_name="memory.db")
    for _ in range(warmup):
        model.invoke(PROMPT)
    gc.collect()
    samples = [rss_bytes()]
    for i in range(1, calls + 1):
        model.invoke(PROMPT)
        if i % every == 0:
            gc.collect()
            samples.append(rss_bytes())
    out.put({"client": which, "warmup": warmup, "calls": calls, "every": every, "rss": samples})


def run(srv: dict[str, RemoteServer], *, quick: bool = False) -> dict[str, Any]:
    """Soak each model in its own process; returns RSS samples and growth."""
    warmup, calls, every = (200, 1000, 200) if quick else (1000, 10_000, 1000)
    ctx = multiprocessing.get_context("spawn")
    rows = []
    for which in ("Aegis (all on)", "ChatOllama"):
        queue = ctx.Queue()
        args = (which, srv["ollama"].origin, srv["openai"].base_url, warmup, calls, every, queue)
        proc = ctx.Process(target=_soak, args=args)
        proc.start()
        data = queue.get(timeout=900)
        proc.join()
        rss = data["rss"]
        half = len(rss) // 2
        data.update(
            start_mb=rss[0] / 2**20,
            end_mb=rss[-1] / 2**20,
            growth_kb=(rss[-1] - rss[0]) / 1024,
            growth_second_half_kb=(rss[-1] - rss[half]) / 1024,
            bytes_per_call=(rss[-1] - rss[0]) / calls,
        )
        rows.append(data)
    return {"rows": rows}


def render_result(result: dict[str, Any], *, markdown: bool = False) -> str:
    """The result as a table."""
    header = ["client", "calls after warm-up", "start RSS MB", "end RSS MB", "growth KB", "2nd-half KB", "B/call"]
    rows = [
        [
            r["client"],
            f"{r['calls']:,} (+{r['warmup']:,})",
            r["start_mb"],
            r["end_mb"],
            r["growth_kb"],
            r["growth_second_half_kb"],
            r["bytes_per_call"],
        ]
        for r in result["rows"]
    ]
    return "RSS over sequential sync invoke() calls (ollama protocol)\n" + render(header, rows, markdown=markdown)


if __name__ == "__main__":
    bench_main(__doc__, run, render_result)
