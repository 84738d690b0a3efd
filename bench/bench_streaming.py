"""Streaming: time to first chunk and cost per chunk for a 200-chunk answer.

The fake server answers :data:`~_harness.LONG_PROMPT` with 200 words, one
streamed chunk each, with no delay between chunks: what is measured is the
client's own cost to produce the first chunk and then each further one::

    python bench/bench_streaming.py [--quick] [--json PATH]

TTFC is from the call to the first chunk with text; per-chunk is the time from
the first to the last text chunk divided by the chunks in between. Both are
medians over interleaved rounds of several streams each.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clients import BASELINE, contenders
from _harness import LONG_PROMPT, LONG_WORDS, RemoteServer, bench_main, ratio, render, rotations

# Streaming goals are stated against ChatOllama, ChatOpenAI and AegisChatModel; the SDKs
# and raw httpx give the floor, LiteLLM the comparison.
INCLUDED = {"raw httpx (floor)", "ollama SDK", "openai SDK", "ChatOllama", "ChatOpenAI", "LiteLLM Router"}


def _one(stream: Any) -> tuple[float, float, int]:
    clock = time.perf_counter
    start = clock()
    first = last = None
    n = 0
    for _ in stream(LONG_PROMPT):
        now = clock()
        if first is None:
            first = now
        last = now
        n += 1
    assert first is not None
    assert last is not None
    return first - start, (last - first) / max(n - 1, 1), n


def run(srv: dict[str, RemoteServer], *, quick: bool = False) -> dict[str, Any]:
    """Measure both protocols; returns JSON-friendly rows (times in ms / µs)."""
    rounds, streams = (2, 2) if quick else (9, 6)
    out: dict[str, Any] = {"rounds": rounds, "streams_per_round": streams, "chunks": LONG_WORDS, "protocols": {}}
    for protocol in ("ollama", "openai"):
        built = [
            c
            for c in contenders(protocol, srv["ollama"].origin, srv["openai"].base_url)
            if c.name in INCLUDED or c.name.startswith("Aegis")
        ]
        live = []
        errors: dict[str, str] = {}
        for c in built:
            if c.error or c.stream is None:
                errors[c.name] = c.error or "no streaming API"
                continue
            try:
                _one(c.stream)  # warm-up
                live.append(c)
            except Exception as exc:
                errors[c.name] = f"{type(exc).__name__}: {exc}"[:300]
        ttfc: dict[str, list[float]] = {c.name: [] for c in live}
        per_chunk: dict[str, list[float]] = {c.name: [] for c in live}
        chunks: dict[str, int] = {}
        for order in rotations(len(live), rounds):
            for i in order:
                c = live[i]
                results = [_one(c.stream) for _ in range(streams)]
                ttfc[c.name].append(statistics.median(r[0] for r in results))
                per_chunk[c.name].append(statistics.median(r[1] for r in results))
                chunks[c.name] = results[-1][2]
        base = BASELINE[protocol]
        b_ttfc = statistics.median(ttfc[base]) if base in ttfc else float("nan")
        b_chunk = statistics.median(per_chunk[base]) if base in per_chunk else float("nan")
        rows = []
        for c in built:
            if c.name in errors:
                rows.append({"client": c.name, "error": errors[c.name]})
                continue
            t, p = statistics.median(ttfc[c.name]), statistics.median(per_chunk[c.name])
            rows.append(
                {
                    "client": c.name,
                    "chunks": chunks[c.name],
                    "ttfc_ms": t * 1e3,
                    "ttfc_ratio": ratio(t, b_ttfc),
                    "per_chunk_us": p * 1e6,
                    "per_chunk_ratio": ratio(p, b_chunk),
                    "total_ms": (t + p * (chunks[c.name] - 1)) * 1e3,
                }
            )
        out["protocols"][protocol] = {"baseline": base, "rows": rows}
    return out


def render_result(result: dict[str, Any], *, markdown: bool = False) -> str:
    """The result as tables, one per protocol."""
    parts = []
    for protocol, data in result["protocols"].items():
        base = data["baseline"]
        header = ["client", "chunks", "TTFC ms", f"x {base}", "µs/chunk", f"x {base} ", "total ms"]
        rows = []
        for r in data["rows"]:
            if "error" in r:
                rows.append([r["client"], f"skipped: {r['error']}", None, None, None, None, None])
            else:
                rows.append(
                    [
                        r["client"],
                        r["chunks"],
                        r["ttfc_ms"],
                        r["ttfc_ratio"],
                        r["per_chunk_us"],
                        r["per_chunk_ratio"],
                        r["total_ms"],
                    ]
                )
        title = f"{protocol} protocol, sync stream of a {result['chunks']}-chunk answer"
        parts.append(f"{title}\n{render(header, rows, markdown=markdown)}")
    return "\n\n".join(parts)


if __name__ == "__main__":
    bench_main(__doc__, run, render_result)
