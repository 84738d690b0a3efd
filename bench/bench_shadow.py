"""What shadow sampling costs the caller, per sampled call.

Usage::

    python bench/bench_shadow.py              # table: ms per invoke() with shadow share 0 and 1
    python bench/bench_shadow.py --rounds 400

One rule under rollout sends calls to a cloud stand-in (OpenAI protocol); its
``shadow`` block sends the same request to the local baseline (Ollama
protocol) on a background worker and scores the pair with ``token_f1``. Two
models run against the same loopback servers in interleaved rounds, one with
``share: 0`` and one with ``share: 1`` (every call sampled), so the difference
of the medians is what sampling adds to the caller's own call: copying the
request and handing it to the worker queue. The baseline's request, the
scoring and the quality store update run off the caller's thread; their count
and cost are in ``llm_shadow_calls_total`` and ``llm_shadow_cost_usd_total``.
Timings are information; no test asserts on them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from langchain_aegis import AegisChatModel, aegis_config
from langchain_aegis.config.loading import parse_config
from langchain_aegis.testing import OllamaServer, OpenAIServer

RULE = "summaries_to_openai"


def _model(local: OllamaServer, cloud: OpenAIServer, share: float) -> AegisChatModel:
    config = parse_config(
        {
            "providers": {
                "local_ollama": {"type": "ollama", "base_url": local.origin, "model": "gemma", "locality": "local"},
                "openai": {
                    "type": "openai",
                    "base_url": cloud.base_url,
                    "api_key": "sk-bench",
                    "model": "gpt-4o-mini",
                    "locality": "cloud",
                },
            },
            "routing": {
                "rules": [
                    {"name": RULE, "when": {"task_type": "summarization"}, "provider": "openai"},
                    {"name": "default_local", "provider": "local_ollama"},
                ],
                "rollouts": {
                    RULE: {
                        "steps": [1.0],
                        "hold_seconds": 100_000,
                        "window_seconds": 600,
                        "min_calls": 1,
                        "max_p95_latency_ms": 1e9,
                        "shadow": {"share": share, "baseline": "local_ollama", "scorer": "token_f1"},
                    }
                },
            },
            "budgets": {"ledger": "memory://"},
            "privacy": {"detection": False},
        }
    )
    return AegisChatModel(config=config, max_tokens=40)


def run(rounds: int) -> dict[str, Any]:
    """Median ms per ``invoke`` with shadow share 0 and 1, interleaved against the same servers."""
    with OllamaServer() as local, OpenAIServer() as cloud:
        models = {"share 0": _model(local, cloud, 0.0), "share 1": _model(local, cloud, 1.0)}
        config = aegis_config(task_type="summarization", data_classification="internal")
        times: dict[str, list[float]] = {name: [] for name in models}
        for model in models.values():  # warm up: clients, loops, imports
            for _ in range(10):
                model.invoke("Summarise the minutes of the last meeting.", config=config)
        for i in range(rounds):
            order = list(models.items()) if i % 2 == 0 else list(models.items())[::-1]
            for name, model in order:
                started = time.perf_counter()
                model.invoke(f"Summarise the minutes of meeting {i}.", config=config)
                times[name].append((time.perf_counter() - started) * 1000)
        time.sleep(0.5)  # let the background shadow calls finish before counting them
        baseline_requests = len(local.chat_requests())
        for model in models.values():
            model.close()
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "rounds": rounds,
        "median_ms": medians,
        "added_ms_per_sampled_call": medians["share 1"] - medians["share 0"],
        "baseline_requests": baseline_requests,
    }


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    result = run(parser.parse_args().rounds)
    print(f"shadow sampling, {result['rounds']} interleaved rounds, median ms per invoke()")
    print(f"{'model':<10} {'ms/call':>8}")
    for name, value in result["median_ms"].items():
        print(f"{name:<10} {value:8.3f}")
    print(f"added on the caller's thread per sampled call: {result['added_ms_per_sampled_call']:+.3f} ms")
    print(f"baseline requests sent in the background: {result['baseline_requests']}")


if __name__ == "__main__":
    main()
