"""Cold import time, and cold import-to-first-answer, each in fresh subprocesses.

Every sample is a new interpreter that times one import statement with
``perf_counter`` (interpreter start-up excluded); statements are interleaved
round-robin and the median of N is reported with its ratio to
``import langchain_ollama``. A second table times import + construct + first
``invoke`` against the loopback server, where lazy imports show up, both
immediately and with the first call one second after the model is built
(the background import of any-llm runs meanwhile)::

    python bench/bench_import.py [--quick] [--json PATH]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import RemoteServer, bench_main, ratio, render, rotations

BASELINE = "import langchain_ollama"
IMPORTS = {
    "import langchain_ollama": "import langchain_ollama",
    "import langchain_openai": "import langchain_openai",
    "import langchain_aegis": "import langchain_aegis",
    "from langchain_aegis.chat_models import AegisChatModel": "from langchain_aegis.chat_models import AegisChatModel",
}
FIRST_BASELINE = "ChatOllama"
FIRST_CALL = {
    "ChatOllama": (
        "from langchain_ollama import ChatOllama\nm = ChatOllama(model='llama3.2', base_url={origin!r})\nm.invoke('hi')"
    ),
    "AegisChatModel": (
        "from langchain_aegis.chat_models import AegisChatModel\n"
        "m = AegisChatModel(model='llama3.2', base_url={origin!r})\nm.invoke('hi')"
    ),
    # An application that builds its model at start-up and answers its first request a second
    # later: the background import of any-llm (started when the model is built) runs meanwhile.
    # The second is a sleep, which leaves the GIL free; CPU-bound start-up work overlaps less.
    "ChatOllama, first call 1 s after build": (
        "import time\nfrom langchain_ollama import ChatOllama\n"
        "m = ChatOllama(model='llama3.2', base_url={origin!r})\ntime.sleep(1.0)\nm.invoke('hi')"
    ),
    "AegisChatModel, first call 1 s after build": (
        "import time\nfrom langchain_aegis.chat_models import AegisChatModel\n"
        "m = AegisChatModel(model='llama3.2', base_url={origin!r})\ntime.sleep(1.0)\nm.invoke('hi')"
    ),
}
_TIMER = "import time\n_t = time.perf_counter()\n{code}\nprint(time.perf_counter() - _t)\n"


def _time(code: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _TIMER.format(code=code)], capture_output=True, text=True, check=True, timeout=120
    )
    return float(done.stdout.strip().splitlines()[-1])


def _interleaved(statements: dict[str, str], rounds: int, *, warm: bool) -> dict[str, list[float]]:
    names = list(statements)
    out: dict[str, list[float]] = {n: [] for n in names}
    for n in names if warm else ():  # warm the OS page cache and bytecode caches
        _time(statements[n])
    for order in rotations(len(names), rounds):
        for i in order:
            out[names[i]].append(_time(statements[names[i]]))
    return out


def _rows(samples: dict[str, list[float]], baseline: str) -> list[dict[str, Any]]:
    base = statistics.median(samples[baseline])
    return [
        {
            "statement": name,
            "median_ms": statistics.median(v) * 1e3,
            "min_ms": min(v) * 1e3,
            "ratio": ratio(statistics.median(v), base),
            "samples": len(v),
        }
        for name, v in samples.items()
    ]


def _first_rows(samples: dict[str, list[float]]) -> list[dict[str, Any]]:
    """Each row's ratio is to ChatOllama in the same scenario (the text after the comma)."""
    rows = []
    for scenario in dict.fromkeys(name.partition(",")[2] for name in samples):
        group = {n: v for n, v in samples.items() if n.partition(",")[2] == scenario}
        rows += _rows(group, next(n for n in group if n.startswith(FIRST_BASELINE)))
    return rows


def run(srv: dict[str, RemoteServer], *, quick: bool = False) -> dict[str, Any]:
    """Time the imports and the first calls; returns JSON-friendly rows."""
    n_import, n_first = (3, 2) if quick else (11, 5)
    origin = srv["ollama"].origin
    first = {k: v.format(origin=origin) for k, v in FIRST_CALL.items()}
    return {
        "imports": _rows(_interleaved(IMPORTS, n_import, warm=not quick), BASELINE),
        "first_call": _first_rows(_interleaved(first, n_first, warm=not quick)),
    }


def render_result(result: dict[str, Any], *, markdown: bool = False) -> str:
    """The result as two tables."""
    header = ["statement", "median ms", "min ms", f"x {BASELINE}", "N"]
    rows = [[r["statement"], r["median_ms"], r["min_ms"], r["ratio"], r["samples"]] for r in result["imports"]]
    first_header = ["import + construct + first invoke()", "median ms", "min ms", f"x {FIRST_BASELINE}", "N"]
    first_rows = [[r["statement"], r["median_ms"], r["min_ms"], r["ratio"], r["samples"]] for r in result["first_call"]]
    return (
        "cold import, fresh interpreter each\n"
        + render(header, rows, markdown=markdown)
        + "\n\ncold start to first answer, fresh interpreter each\n"
        + render(first_header, first_rows, markdown=markdown)
    )


if __name__ == "__main__":
    bench_main(__doc__, run, render_result)
