"""Throughput at 1, 16 and 64 concurrent async calls, every client against the same loopback server.

One event loop; ``concurrency`` tasks share a fixed number of calls; the
figure is calls per second, the median over interleaved rounds, with its ratio
to the baseline (``ChatOllama`` / ``ChatOpenAI``)::

    python bench/bench_concurrency.py [--quick] [--json PATH]

The client runs on one core: throughput is bounded by the client's CPU cost
per call, which is what this compares.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clients import BASELINE, contenders
from _harness import RemoteServer, ainterleave, bench_main, ratio, render, throughput

LEVELS = (1, 16, 64)


async def _run(srv: dict[str, RemoteServer], quick: bool) -> dict[str, Any]:
    rounds = 2 if quick else 5
    calls = {1: 10, 16: 32, 64: 64} if quick else {1: 30, 16: 96, 64: 192}
    out: dict[str, Any] = {"rounds": rounds, "calls": calls, "protocols": {}}
    for protocol in ("ollama", "openai"):
        built = contenders(protocol, srv["ollama"].origin, srv["openai"].base_url)
        rows: dict[str, dict[str, Any]] = {c.name: {"client": c.name} for c in built}
        for c in built:
            if c.error:
                rows[c.name]["error"] = c.error
        for level in LEVELS:
            live = [(c.name, throughput(c.acall, level, calls[level])) for c in built if not c.error and c.acall]
            samples = await ainterleave(live, rounds)
            base = samples[BASELINE[protocol]].median
            for name, s in samples.items():
                if s.error:
                    rows[name]["error"] = s.error
                    continue
                rows[name][f"c{level}_per_s"] = s.median
                rows[name][f"c{level}_ratio"] = ratio(s.median, base)
                rows[name][f"c{level}_iqr_pct"] = s.spread() * 100
        out["protocols"][protocol] = {"baseline": BASELINE[protocol], "rows": list(rows.values())}
    return out


def run(srv: dict[str, RemoteServer], *, quick: bool = False) -> dict[str, Any]:
    """Measure both protocols at every level; returns JSON-friendly rows."""
    return asyncio.run(_run(srv, quick))


def render_result(result: dict[str, Any], *, markdown: bool = False) -> str:
    """The result as tables, one per protocol."""
    parts = []
    for protocol, data in result["protocols"].items():
        base = data["baseline"]
        header = ["client"] + [h for n in LEVELS for h in (f"c={n} calls/s", f"x {base}")]
        rows = []
        for r in data["rows"]:
            if "error" in r:
                rows.append([r["client"], f"skipped: {r['error']}"] + [None] * (2 * len(LEVELS) - 1))
            else:
                rows.append([r["client"]] + [r.get(f"c{n}_{k}") for n in LEVELS for k in ("per_s", "ratio")])
        parts.append(f"{protocol} protocol, async throughput\n{render(header, rows, markdown=markdown)}")
    return "\n\n".join(parts)


if __name__ == "__main__":
    bench_main(__doc__, run, render_result)
