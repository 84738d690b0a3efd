"""Per-call overhead, non-streaming, sequential: every client against the same loopback server.

For each protocol (Ollama, OpenAI) every contender makes ``calls`` sync calls
per round; rounds are interleaved round-robin and the median seconds per call
is reported, with the difference and ratio to the baseline (``ChatOllama`` /
``ChatOpenAI``) and the cost above raw httpx (the floor)::

    python bench/bench_overhead.py [--quick] [--json PATH]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clients import BASELINE, contenders
from _harness import RemoteServer, bench_main, interleave, per_call, ratio, render

FLOOR = "raw httpx (floor)"


def run(srv: dict[str, RemoteServer], *, quick: bool = False) -> dict[str, Any]:
    """Measure both protocols; returns JSON-friendly rows."""
    rounds, calls = (4, 15) if quick else (15, 50)
    out: dict[str, Any] = {"rounds": rounds, "calls_per_round": calls, "protocols": {}}
    for protocol in ("ollama", "openai"):
        built = contenders(protocol, srv["ollama"].origin, srv["openai"].base_url)
        live = [(c.name, per_call(c.call, calls)) for c in built if c.error is None and c.call is not None]
        samples = interleave(live, rounds)
        base = samples[BASELINE[protocol]].median
        floor = samples[FLOOR].median
        rows = []
        for c in built:
            s = samples.get(c.name)
            error = c.error or (s.error if s else None)
            if error is not None or s is None:
                rows.append({"client": c.name, "error": error})
                continue
            rows.append(
                {
                    "client": c.name,
                    "median_ms": s.median * 1e3,
                    "delta_ms": (s.median - base) * 1e3,
                    "ratio": ratio(s.median, base),
                    "over_floor_ms": (s.median - floor) * 1e3,
                    "iqr_pct": s.spread() * 100,
                    "rounds_ms": [v * 1e3 for v in s.values],
                }
            )
        out["protocols"][protocol] = {"baseline": BASELINE[protocol], "rows": rows}
    return out


def render_result(result: dict[str, Any], *, markdown: bool = False) -> str:
    """The result as tables, one per protocol."""
    parts = []
    for protocol, data in result["protocols"].items():
        base = data["baseline"]
        header = ["client", "ms/call", f"Δ vs {base} ms", f"x {base}", "over floor ms", "IQR %"]
        rows = []
        for r in data["rows"]:
            if "error" in r:
                rows.append([r["client"], f"skipped: {r['error']}", None, None, None, None])
            else:
                rows.append([r["client"], r["median_ms"], r["delta_ms"], r["ratio"], r["over_floor_ms"], r["iqr_pct"]])
        title = f"{protocol} protocol, sequential sync calls"
        parts.append(f"{title}\n{render(header, rows, markdown=markdown)}")
    return "\n\n".join(parts)


if __name__ == "__main__":
    bench_main(__doc__, run, render_result)
