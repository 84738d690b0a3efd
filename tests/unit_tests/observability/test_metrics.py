"""AegisMetrics: exposition after a scripted sequence of calls, read back through the text parser."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from langchain_aegis.dispatch.records import Attempt, CallRecord
from langchain_aegis.observability.metrics import LATENCY_BUCKETS, AegisMetrics, start_metrics_server

SUCCESS = CallRecord(
    requested_provider="openai",
    served_provider="openai",
    rule="critical_to_openai",
    status="ok",
    latency_s=0.42,
    input_tokens=100,
    output_tokens=20,
    cost_usd=0.003,
    attempts=(Attempt("openai", "ok", 420.0, status=200),),
)
FALLBACK = CallRecord(
    requested_provider="openai",
    served_provider="local_ollama",
    rule="critical_to_openai",
    status="ok",
    latency_s=2.5,
    input_tokens=50,
    output_tokens=10,
    cost_usd=0.0,
    attempts=(
        Attempt("openai", "rate_limit", 300.0, status=429, retries=1, error="RateLimitError"),
        Attempt("ollama_cloud", "timeout", 1500.0, error="TimeoutError"),
        Attempt("local_ollama", "ok", 700.0, status=200),
    ),
)
BUDGET_EXCEEDED = CallRecord(
    requested_provider="openai",
    served_provider=None,
    rule="critical_to_openai",
    status="budget",
    latency_s=0.001,
    attempts=(Attempt("openai", "budget", 0.5),),
)
LOCAL_ONLY = CallRecord(
    requested_provider="local_ollama",
    served_provider="local_ollama",
    rule="private_data_stays_local",
    status="ok",
    latency_s=0.08,
    input_tokens=30,
    output_tokens=5,
    attempts=(Attempt("local_ollama", "ok", 80.0, status=200),),
    local_only_source="detector",
)


def _samples(registry: CollectorRegistry) -> dict[str, dict[frozenset[tuple[str, str]], float]]:
    """``{sample name: {label set: value}}`` as a scraper would parse it."""
    out: dict[str, dict[frozenset[tuple[str, str]], float]] = {}
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        for s in family.samples:
            out.setdefault(s.name, {})[frozenset(s.labels.items())] = s.value
    return out


def _labels(**kw: str) -> frozenset[tuple[str, str]]:
    return frozenset(kw.items())


@pytest.fixture
def scripted() -> dict[str, dict[frozenset[tuple[str, str]], float]]:
    registry = CollectorRegistry()
    metrics = AegisMetrics(registry)
    for record in (SUCCESS, FALLBACK, BUDGET_EXCEEDED, LOCAL_ONLY):
        metrics.observe(record)
    metrics.set_budget("openai", spent=64.0, limit=80.0)
    metrics.set_rollout_share("critical_to_openai", 0.3)
    return _samples(registry)


def test_requests_by_provider_and_status(scripted: dict[str, dict[frozenset[tuple[str, str]], float]]) -> None:
    assert scripted["llm_requests_total"] == {
        _labels(provider="openai", status="ok"): 1.0,
        _labels(provider="local_ollama", status="ok"): 2.0,
        _labels(provider="openai", status="budget"): 1.0,
    }


def test_fallbacks_one_per_failed_attempt_followed_by_another(
    scripted: dict[str, dict[frozenset[tuple[str, str]], float]],
) -> None:
    assert scripted["llm_fallbacks_total"] == {
        _labels(from_provider="openai", to_provider="ollama_cloud", reason="rate_limit"): 1.0,
        _labels(from_provider="ollama_cloud", to_provider="local_ollama", reason="timeout"): 1.0,
    }


def test_tokens_only_for_served_calls(scripted: dict[str, dict[frozenset[tuple[str, str]], float]]) -> None:
    assert scripted["llm_tokens_total"] == {
        _labels(provider="openai", direction="input"): 100.0,
        _labels(provider="openai", direction="output"): 20.0,
        _labels(provider="local_ollama", direction="input"): 80.0,
        _labels(provider="local_ollama", direction="output"): 15.0,
    }


def test_cost_and_gauges(scripted: dict[str, dict[frozenset[tuple[str, str]], float]]) -> None:
    cost = scripted["llm_cost_usd_total"]
    assert cost[_labels(provider="openai")] == pytest.approx(0.003)
    assert cost[_labels(provider="local_ollama")] == 0.0
    assert scripted["llm_budget_spent_usd"] == {_labels(provider="openai"): 64.0}
    assert scripted["llm_budget_limit_usd"] == {_labels(provider="openai"): 80.0}
    assert scripted["llm_rollout_share"] == {_labels(rule="critical_to_openai"): 0.3}


def test_privacy_local_only_by_source(scripted: dict[str, dict[frozenset[tuple[str, str]], float]]) -> None:
    assert scripted["llm_privacy_local_only_total"] == {_labels(source="detector"): 1.0}


def test_latency_histogram(scripted: dict[str, dict[frozenset[tuple[str, str]], float]]) -> None:
    # The budget refusal reached no provider, so its near-zero wall time is left out.
    assert scripted["llm_latency_seconds_count"] == {
        _labels(provider="openai"): 1.0,
        _labels(provider="local_ollama"): 2.0,
    }
    assert scripted["llm_latency_seconds_sum"][_labels(provider="local_ollama")] == pytest.approx(2.58)
    buckets = scripted["llm_latency_seconds_bucket"]
    les = sorted({float(dict(k)["le"]) for k in buckets})
    assert les == sorted([*LATENCY_BUCKETS, float("inf")])
    # 0.08 s lands in the 100 ms bucket, 2.5 s only from 3 s up.
    assert buckets[_labels(provider="local_ollama", le="0.05")] == 0.0
    assert buckets[_labels(provider="local_ollama", le="0.1")] == 1.0
    assert buckets[_labels(provider="local_ollama", le="2.0")] == 1.0
    assert buckets[_labels(provider="local_ollama", le="3.0")] == 2.0


def test_exposed_names_are_exactly_the_public_set(scripted: dict[str, dict[frozenset[tuple[str, str]], float]]) -> None:
    # ``*_created`` timestamps are prometheus_client's own companions of each counter and histogram.
    names = {name for name in scripted if not name.endswith("_created")}
    assert names == {
        "llm_requests_total",
        "llm_cost_usd_total",
        "llm_latency_seconds_bucket",
        "llm_latency_seconds_sum",
        "llm_latency_seconds_count",
        "llm_tokens_total",
        "llm_fallbacks_total",
        "llm_budget_spent_usd",
        "llm_budget_limit_usd",
        "llm_privacy_local_only_total",
        "llm_rollout_share",
    }


def test_unknown_local_only_source_is_bounded() -> None:
    registry = CollectorRegistry()
    AegisMetrics(registry).observe(
        CallRecord("local_ollama", "local_ollama", "r", "ok", 0.1, local_only_source="user-42@example.com")
    )
    assert _samples(registry)["llm_privacy_local_only_total"] == {_labels(source="other"): 1.0}


def test_rollout_share_is_clamped() -> None:
    registry = CollectorRegistry()
    AegisMetrics(registry).set_rollout_share("r", 1.7)
    assert _samples(registry)["llm_rollout_share"] == {_labels(rule="r"): 1.0}


def test_default_registry_twice_does_not_raise() -> None:
    first = AegisMetrics()
    second = AegisMetrics()
    assert first.registry is second.registry is REGISTRY
    first.set_rollout_share("twice", 0.5)
    assert REGISTRY.get_sample_value("llm_rollout_share", {"rule": "twice"}) == 0.5


def test_metrics_server_serves_the_registry() -> None:
    registry = CollectorRegistry()
    AegisMetrics(registry).observe(SUCCESS)
    server, thread = start_metrics_server(0, registry=registry)
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as resp:
            body = resp.read().decode()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert 'llm_requests_total{provider="openai",status="ok"} 1.0' in body
