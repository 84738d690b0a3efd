"""Where AegisChatModel's per-call time goes: one feature at a time, interleaved, no profiler.

Each variant of the default four-rule config turns on a single feature
(detector, SQLite or memory ledger, Prometheus metrics) over the "all off"
model; the difference to "all off" is that feature's cost per call. The
provider SDKs, any-llm and the LangChain baseline run alongside::

    python bench/ablation.py [--protocol ollama|openai] [--rounds 15] [--calls 50] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clients import BASELINE, PROMPT, aegis_model, contenders
from _harness import interleave, per_call, pin_client, render, servers

VARIANTS: dict[str, dict[str, Any]] = {
    "Aegis: all off": {"features": False},
    "Aegis: + detector": {"features": False, "detection": True},
    "Aegis: + memory ledger": {"features": False, "ledger": "memory"},
    "Aegis: + SQLite ledger": {"features": False, "ledger": "sqlite", "ledger_name": "ablation.db"},
    "Aegis: + metrics": {"features": False, "metrics_on": True},
    "Aegis: all on": {"features": True, "ledger_name": "ablation-all.db"},
}


def run(protocol: str, rounds: int, calls: int) -> list[dict[str, Any]]:
    with servers() as srv:
        origin, base = srv["ollama"].origin, srv["openai"].base_url
        keep = {"raw httpx (floor)", "ollama SDK", "openai SDK", "any-llm (reused)", BASELINE[protocol]}
        live = [
            (c.name, per_call(c.call, calls))
            for c in contenders(protocol, origin, base, litellm=False)
            if c.name in keep
        ]
        for name, kw in VARIANTS.items():
            model = aegis_model(protocol, origin, base, **kw)
            live.append((name, per_call(lambda m=model: m.invoke(PROMPT), calls)))
        samples = interleave(live, rounds)
    off = samples["Aegis: all off"].median
    return [
        {
            "client": n,
            "median_ms": s.median * 1e3,
            "vs_all_off_ms": (s.median - off) * 1e3 if n.startswith("Aegis") else None,
        }
        for n, s in samples.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--protocol", default="ollama", choices=["ollama", "openai"])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    pin_client()
    rows = run(args.protocol, args.rounds, args.calls)
    print(
        render(
            ["client", "ms/call", "Δ vs all off ms"], [[r["client"], r["median_ms"], r["vs_all_off_ms"]] for r in rows]
        )
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
