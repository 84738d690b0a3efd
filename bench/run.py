"""Run every benchmark, print the tables and the goals, write JSON.

Usage::

    python bench/run.py                       # full run (under 10 minutes on 2 cores)
    python bench/run.py --quick               # fewer rounds (under 2 minutes)
    python bench/run.py --only overhead,streaming
    python bench/run.py --json out.json --markdown out.md

Sections: overhead, concurrency, streaming, privacy, ledger, memory, import.
Results go to ``bench/results/latest.json`` unless ``--json`` says otherwise.
Timings are information for people; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness
from _harness import ROOT, machine, pin, pin_client, render, section, servers

sys.path.insert(0, str(ROOT))  # bench_ledger imports tests.redis_server

import bench_concurrency
import bench_import
import bench_memory
import bench_overhead
import bench_streaming

SECTIONS = ("overhead", "concurrency", "streaming", "privacy", "ledger", "memory", "import")
NEEDS_SERVERS = {"overhead", "concurrency", "streaming", "memory", "import"}


# -- the two benchmarks other helpers wrote, run through their own functions ------------


def run_privacy(quick: bool) -> dict[str, Any]:
    """``bench_privacy.run`` (detector MB/s and ms per prompt, vs Presidio regex-only)."""
    import bench_privacy

    if quick:  # Presidio needs ~1 s per 100 KB prompt; --quick measures our detector only
        bench_privacy._presidio = lambda: None
    return bench_privacy.run(5 if quick else 15)


def render_privacy(result: dict[str, Any], *, markdown: bool = False) -> str:
    """bench_privacy's columns."""
    header = ["prompt", "PII", "findings", "ms", "ms/KB", "MB/s"]
    if result["presidio"]:
        header += ["presidio MB/s", "speed-up"]
    rows = []
    for r in result["results"]:
        row = [f"{r['size'] // 1000}KB", r["pii"], r["findings"], r["ms"], r["ms_per_kb"]]
        row.append(r["mb_per_s"])
        if result["presidio"]:
            row += [r["presidio_mb_per_s"], f"{r['speedup_vs_presidio']:.1f}x"]
        rows.append(row)
    note = "" if result["presidio"] else "\n(Presidio comparison skipped: presidio-analyzer is not installed)"
    return "PII/PHI detector, median of rounds\n" + render(header, rows, markdown=markdown) + note


def run_ledger(quick: bool) -> dict[str, Any]:
    """``bench_ledger.run`` for memory, SQLite and Redis (1 and 4 processes), as its ``main`` does.

    The ledger benchmark has no server of ours: its processes use every core.
    """
    import bench_ledger

    pairs = 1000 if quick else 5000
    pin(set(range(os.cpu_count() or 1)))
    rows, skipped = [], None
    try:
        with ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aegis-bench-")))
            targets: list[tuple[str, str, list[int]]] = [
                ("memory", "memory://", [1]),
                ("sqlite", f"sqlite://{tmp}/ledger.db", [1, 4]),
            ]
            if shutil.which("redis-server"):
                from tests.redis_server import running_redis

                url = stack.enter_context(running_redis(tmp)).url
                targets.append(("redis", f"{url}?prefix=aegis-bench:", [1, 4]))
            else:
                skipped = "no redis-server binary (apt-get install -y redis-server)"
            for backend, url, counts in targets:
                for processes in counts:
                    rows.append(bench_ledger.run(backend, url, processes, pairs))
    finally:
        pin_client()
    return {"pairs_per_process": pairs, "rows": rows, "redis_skipped": skipped}


def render_ledger(result: dict[str, Any], *, markdown: bool = False) -> str:
    """bench_ledger's columns."""
    header = ["backend", "processes", "pairs", "pairs/s", "median µs/pair", "p99 µs/pair"]
    keys = ["backend", "processes", "pairs", "pairs_per_s", "median_us", "p99_us"]
    rows = [[r[k] for k in keys] for r in result["rows"]]
    note = f"\n(redis skipped: {result['redis_skipped']})" if result["redis_skipped"] else ""
    return "ledger reserve+settle pairs (every core)\n" + render(header, rows, markdown=markdown) + note


RUNNERS: dict[str, tuple[Callable[..., dict[str, Any]], Callable[..., str]]] = {
    "overhead": (bench_overhead.run, bench_overhead.render_result),
    "concurrency": (bench_concurrency.run, bench_concurrency.render_result),
    "streaming": (bench_streaming.run, bench_streaming.render_result),
    "privacy": (lambda srv, quick: run_privacy(quick), render_privacy),
    "ledger": (lambda srv, quick: run_ledger(quick), render_ledger),
    "memory": (bench_memory.run, bench_memory.render_result),
    "import": (bench_import.run, bench_import.render_result),
}


# -- goals ---------------------------------------------------------------------------


def _row(rows: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((r for r in rows if r.get("client") == name and "error" not in r), None)


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def goals(results: dict[str, Any]) -> list[list[str]]:
    """Where each stated goal stands, from whatever sections ran."""
    out: list[list[str]] = []
    aegis = "Aegis (all on)"
    if "overhead" in results:
        for protocol, base in (("ollama", "ChatOllama"), ("openai", "ChatOpenAI")):
            rows = results["overhead"]["protocols"][protocol]["rows"]
            a, b, off = _row(rows, aegis), _row(rows, base), _row(rows, "Aegis (all off)")
            if a and b:
                extra = f"; all off {off['delta_ms']:+.2f} ms" if off else ""
                out.append(
                    [
                        f"sync call ≤ {base} + 0.5 ms ({protocol})",
                        f"{a['median_ms']:.2f} vs {b['median_ms']:.2f} ms ({a['delta_ms']:+.2f} ms{extra})",
                        _mark(a["delta_ms"] <= 0.5),
                    ]
                )
    if "concurrency" in results:
        for protocol, base in (("ollama", "ChatOllama"), ("openai", "ChatOpenAI")):
            rows = results["concurrency"]["protocols"][protocol]["rows"]
            a, b = _row(rows, aegis), _row(rows, base)
            if a and b:
                out.append(
                    [
                        f"throughput at 64 ≥ {base} ({protocol})",
                        f"{a['c64_per_s']:.0f} vs {b['c64_per_s']:.0f} calls/s (x{a['c64_ratio']:.2f})",
                        _mark(a["c64_per_s"] >= b["c64_per_s"]),
                    ]
                )
    litellm_rows, beaten = 0, 0
    for name in ("overhead", "concurrency"):
        for protocol in ("ollama", "openai"):
            if name not in results:
                continue
            rows = results[name]["protocols"][protocol]["rows"]
            a = _row(rows, aegis)
            for rival in ("LiteLLM Router", "ChatLiteLLMRouter"):
                r = _row(rows, rival)
                if not (a and r):
                    continue
                if name == "overhead":
                    litellm_rows, beaten = litellm_rows + 1, beaten + (a["median_ms"] < r["median_ms"])
                else:
                    for n in bench_concurrency.LEVELS:
                        litellm_rows += 1
                        beaten += a[f"c{n}_per_s"] > r[f"c{n}_per_s"]
    if "streaming" in results:
        for protocol in ("ollama", "openai"):
            rows = results["streaming"]["protocols"][protocol]["rows"]
            a, r = _row(rows, aegis), _row(rows, "LiteLLM Router")
            if a and r:
                litellm_rows += 2
                beaten += (a["ttfc_ms"] < r["ttfc_ms"]) + (a["per_chunk_us"] < r["per_chunk_us"])
    if litellm_rows:
        out.append(
            [
                "faster than LiteLLM Router / ChatLiteLLMRouter",
                f"{beaten} of {litellm_rows} comparisons",
                _mark(beaten == litellm_rows),
            ]
        )
    if "streaming" in results:
        for protocol, base in (("ollama", "ChatOllama"), ("openai", "ChatOpenAI")):
            rows = results["streaming"]["protocols"][protocol]["rows"]
            a, b = _row(rows, aegis), _row(rows, base)
            if a and b:
                out.append(
                    [
                        f"TTFC ≤ {base} ({protocol})",
                        f"{a['ttfc_ms']:.2f} vs {b['ttfc_ms']:.2f} ms; {a['per_chunk_us']:.0f} vs "
                        f"{b['per_chunk_us']:.0f} µs/chunk",
                        _mark(a["ttfc_ms"] <= b["ttfc_ms"]),
                    ]
                )
    if "privacy" in results:
        rs = results["privacy"]["results"]
        worst = min(rs, key=lambda r: r["mb_per_s"])
        out.append(
            [
                "detector ≥ 20 MB/s",
                f"slowest {worst['mb_per_s']:.1f} MB/s ({worst['size'] // 1000} KB, PII {worst['pii']})",
                _mark(worst["mb_per_s"] >= 20),
            ]
        )
    if "ledger" in results:
        for backend, limit in (("sqlite", 300.0), ("redis", 500.0)):
            one = [r for r in results["ledger"]["rows"] if r["backend"] == backend and r["processes"] == 1]
            four = [r for r in results["ledger"]["rows"] if r["backend"] == backend and r["processes"] == 4]
            if one:
                tail = f"; 4 processes {four[0]['median_us']:.0f} µs" if four else ""
                out.append(
                    [
                        f"{backend} pair < {limit / 1000:.1f} ms",
                        f"median {one[0]['median_us']:.0f} µs (1 process){tail}",
                        _mark(one[0]["median_us"] < limit),
                    ]
                )
            elif backend == "redis":
                out.append(["redis pair < 0.5 ms", f"skipped: {results['ledger']['redis_skipped']}", "n/a"])
    if "memory" in results:
        rows = {r["client"]: r for r in results["memory"]["rows"]}
        a, b = rows.get(aegis), rows.get("ChatOllama")
        if a and b:
            # "Noise": under 1 MB per 10,000 calls, or no more than ChatOllama's own drift + 1 MB.
            ok = a["growth_kb"] <= max(1024.0, b["growth_kb"] + 1024.0)
            out.append(
                [
                    "no RSS growth beyond noise",
                    f"{a['growth_kb']:+.0f} KB over {a['calls']:,} calls (ChatOllama {b['growth_kb']:+.0f} KB)",
                    _mark(ok),
                ]
            )
    if "import" in results:
        rows = {r["statement"]: r for r in results["import"]["imports"]}
        full = rows["from langchain_aegis.chat_models import AegisChatModel"]
        bare = rows["import langchain_aegis"]
        out.append(
            [
                "import ≤ 1.2x langchain_ollama",
                f"AegisChatModel x{full['ratio']:.2f} ({full['median_ms']:.0f} ms); bare package x{bare['ratio']:.2f}",
                _mark(full["ratio"] <= 1.2),
            ]
        )
    return out


def render_goals(results: dict[str, Any], *, markdown: bool = False) -> str:
    """The goals table."""
    return render(["goal", "measured (Aegis all on)", "status"], goals(results), markdown=markdown)


# -- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the selected sections; print tables; write JSON (and Markdown if asked)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls (under 2 minutes)")
    parser.add_argument("--json", type=Path, default=_harness.BENCH_DIR / "results" / "latest.json", metavar="PATH")
    parser.add_argument("--markdown", type=Path, metavar="PATH", help="also write the tables as Markdown")
    parser.add_argument("--only", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",")] if args.only else list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}")

    pinned = pin_client()
    info = machine()
    print(
        f"{info['cpu']} · nproc {info['nproc']} · Python {info['python']} · "
        f"server cores {info['server_cores']}, client cores {info['client_cores']}"
        + ("" if pinned else " (pinning not available: server and client share cores)")
    )
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with ExitStack() as stack:
        srv = stack.enter_context(servers()) if NEEDS_SERVERS & set(chosen) else None
        for name in chosen:
            run, show = RUNNERS[name]
            t0 = time.perf_counter()
            results[name] = run(srv, quick=args.quick)
            timings[name] = round(time.perf_counter() - t0, 1)
            print(section(f"{name} ({timings[name]:.0f} s)"))
            print(show(results[name]))
    total = time.perf_counter() - started
    print(section("goals"))
    print(render_goals(results))
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    print(
        f"\n{'quick' if args.quick else 'full'} run: {total:.0f} s; "
        f"load average at start {info['loadavg_at_start']}, end {load}"
    )

    report = {
        "machine": info,
        "quick": args.quick,
        "seconds": round(total, 1),
        "loadavg_at_end": load,
        "section_seconds": timings,
        "goals": goals(results),
        "results": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=_json_default) + "\n")
    print(f"wrote {args.json}")
    if args.markdown:
        parts = [f"## {name}\n\n```\n{RUNNERS[name][1](results[name])}\n```" for name in chosen]
        parts.append("## goals\n\n" + render_goals(results, markdown=True))
        args.markdown.write_text("\n\n".join(parts) + "\n")
        print(f"wrote {args.markdown}")
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


if __name__ == "__main__":
    raise SystemExit(main())
