"""Online quality end to end: shadow sampling, feedback, and the guard rolling back on quality.

Three loopback servers (one local Ollama, two cloud stand-ins) behind one
AegisChatModel whose ``summaries_to_openai`` rule is under rollout.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from langchain_aegis import aegis_config, record_feedback
from langchain_aegis.budget import budget_rows
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.eval.shadow import ShadowSampler
from langchain_aegis.observability.metrics import AegisMetrics
from langchain_aegis.testing import ChatRequest
from tests.integration_tests.privacy_fixtures import Deployment, deployment
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401 - fixtures

RULE = "summaries_to_openai"


@pytest.fixture
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


def model(dep: Deployment, registry: CollectorRegistry, rollout: dict[str, Any], **budgets: Any) -> AegisChatModel:
    cfg = dep.config(
        routing={
            "rules": [
                {
                    "name": RULE,
                    "when": {"task_type": "summarization"},
                    "provider": "openai",
                    "fallbacks": ["local_ollama"],
                },
                {"name": "default_local", "provider": "local_ollama"},
            ],
            "rollouts": {
                RULE: {
                    "hold_seconds": 100_000,
                    "window_seconds": 600,
                    "min_calls": 1,
                    "max_p95_latency_ms": 1e9,
                    **rollout,
                }
            },
        },
        budgets={"ledger": "memory://", **budgets},
    )
    return AegisChatModel(config=cfg, metrics=AegisMetrics(registry), max_tokens=40)


def sampler(llm: AegisChatModel) -> ShadowSampler:
    quality = llm._runtime.quality
    assert quality is not None
    assert quality.shadow is not None
    return quality.shadow


def summarise(llm: AegisChatModel, i: int, **facts: Any) -> Any:
    config = aegis_config(task_type="summarization", routing_key=f"doc-{i}", data_classification="internal", **facts)
    return llm.invoke(f"Summarise the minutes of meeting {i}.", config=config)


def shadow_calls(registry: CollectorRegistry, status: str, baseline: str = "local_ollama") -> float:
    value = registry.get_sample_value("llm_shadow_calls_total", {"rule": RULE, "baseline": baseline, "status": status})
    return value or 0.0


def test_shadow_sampling_respects_its_share(dep: Deployment) -> None:
    registry = CollectorRegistry()
    llm = model(dep, registry, {"steps": [1.0], "shadow": {"share": 0.25, "baseline": "local_ollama"}})
    n = 200
    for i in range(n):
        summarise(llm, i)
    shadow = sampler(llm)
    shadow.drain()
    # Binomial(200, 0.25): mean 50, sd 6.1; ±25 is four standard deviations.
    assert 25 <= shadow.sampled <= 75
    sent = shadow_calls(registry, "ok")
    assert sent + shadow_calls(registry, "dropped") == shadow.sampled
    assert len(dep.local.chat_requests()) == sent  # every shadow call, and nothing else, reached the baseline
    assert len(dep.openai.chat_requests()) == n
    pairs = llm._runtime.quality.store.pairs(RULE, 0, 1e12)  # type: ignore[union-attr]
    assert pairs is not None
    assert pairs.samples == sent


def test_the_caller_does_not_wait_for_the_shadow_call(dep: Deployment) -> None:
    release = threading.Event()
    inner = dep.local.brain

    def slow_brain(request: ChatRequest) -> Any:
        release.wait(10)  # the baseline hangs until the test lets it answer
        return inner(request)

    dep.local.brain = slow_brain
    registry = CollectorRegistry()
    llm = model(dep, registry, {"steps": [1.0], "shadow": {"share": 1.0, "baseline": "local_ollama"}})
    answer = summarise(llm, 1)
    assert answer.response_metadata["aegis"]["served_by"] == "openai"  # answered while the shadow call hangs
    assert shadow_calls(registry, "ok") == 0
    release.set()
    sampler(llm).drain()
    assert shadow_calls(registry, "ok") == 1


@pytest.mark.parametrize(
    ("facts", "prompt"),
    [
        ({"data_classification": "pii"}, "Summarise the minutes of meeting {i}."),
        ({"contains_pii": True}, "Summarise the minutes of meeting {i}."),
        ({}, "Summarise the note from anna.schmidt@example.org about meeting {i}."),  # the detector
    ],
)
def test_private_calls_are_never_shadowed(dep: Deployment, facts: dict[str, Any], prompt: str) -> None:
    registry = CollectorRegistry()
    llm = model(dep, registry, {"steps": [1.0], "shadow": {"share": 1.0, "baseline": "ollama_cloud"}})
    for i in range(10):
        config = aegis_config(task_type="summarization", routing_key=f"doc-{i}", **facts)
        answer = llm.invoke(prompt.format(i=i), config=config)
        assert answer.response_metadata["aegis"]["rule"] == RULE  # the rule fired, but locally
    shadow = sampler(llm)
    shadow.drain()
    assert shadow.sampled == 0
    assert dep.cloud_requests() == 0
    assert len(dep.local.chat_requests()) == 10


def test_shadow_calls_are_reserved_and_settled_against_budgets(dep: Deployment) -> None:
    registry = CollectorRegistry()
    limit = 0.0001  # the baseline's budget: a few 40-token shadow calls at gpt-oss:120b prices
    llm = model(
        dep, registry, {"steps": [1.0], "shadow": {"share": 1.0, "baseline": "ollama_cloud"}},
        monthly_limits={"ollama_cloud": limit},
    )  # fmt: skip
    shadow = sampler(llm)
    for i in range(30):
        summarise(llm, i)
        shadow.drain()  # one at a time, so each reservation sees the previous settlement
    ok, refused = shadow_calls(registry, "ok", "ollama_cloud"), shadow_calls(registry, "budget", "ollama_cloud")
    assert ok > 0
    assert refused > 0
    assert ok + refused == 30
    assert len(dep.ollama_cloud.chat_requests()) == ok  # a refused shadow call sends nothing
    ledger = llm._runtime.accounting.ledger  # type: ignore[union-attr]
    row = next(r for r in budget_rows(llm.aegis_config, ledger, datetime.now(UTC)) if r["provider"] == "ollama_cloud")
    assert 0 < row["spent"] <= limit
    assert row["reserved"] == 0
    cost = registry.get_sample_value("llm_shadow_cost_usd_total", {"rule": RULE, "baseline": "ollama_cloud"})
    assert cost == pytest.approx(row["spent"])
    print(f"\nshadow cost per sampled call: ${cost / ok:.8f} over {ok:.0f} calls (40-token answers)")


def test_guard_rolls_back_on_a_shadowed_quality_regression(dep: Deployment, caplog: pytest.LogCaptureFixture) -> None:
    # The rule's provider answers prose, the baseline answers JSON: json_valid scores them 0 and 1.
    dep.local.brain = lambda request: '{"summary": "ok"}'
    registry = CollectorRegistry()
    rollout = {
        "steps": [0.5, 1.0], "max_quality_regression": 0.05, "min_quality_samples": 8,
        "shadow": {"share": 1.0, "baseline": "local_ollama", "scorer": "json_valid"},
    }  # fmt: skip
    llm = model(dep, registry, rollout)
    shadow = sampler(llm)
    with caplog.at_level(logging.WARNING, logger="langchain_aegis"):
        for i in range(60):
            summarise(llm, i)
            shadow.drain()
    assert registry.get_sample_value("llm_rollout_share", {"rule": RULE}) == 0.0
    lines = [r.getMessage() for r in caplog.records if "rollback" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith(
        f"rollout {RULE}: rollback 50% -> 0% (rollback: quality 0.000 vs baseline 1.000 (-100.0%"
    )
    assert "8 pairs" in lines[0]
    print("\n" + lines[0])


def test_guard_rolls_back_on_feedback_and_not_on_too_few_scores(
    dep: Deployment, caplog: pytest.LogCaptureFixture
) -> None:
    registry = CollectorRegistry()
    llm = model(dep, registry, {"steps": [0.5, 1.0], "max_quality_regression": 0.05, "min_quality_samples": 10})
    answers = [summarise(llm, i) for i in range(60)]
    served = {a.response_metadata["aegis"]["served_by"] for a in answers}
    assert served == {"openai", "local_ollama"}
    treated = [a for a in answers if a.response_metadata["aegis"]["served_by"] == "openai"]
    base = [a for a in answers if a.response_metadata["aegis"]["served_by"] == "local_ollama"]
    assert len(treated) >= 10
    assert len(base) >= 10
    with caplog.at_level(logging.WARNING, logger="langchain_aegis"):
        for a, b in zip(treated[:9], base[:9], strict=False):  # nine each: below the minimum sample
            record_feedback(a, 0.1)
            record_feedback(b, 0.9)
        assert registry.get_sample_value("llm_rollout_share", {"rule": RULE}) == 0.5
        record_feedback(treated[9], 0.2)
        record_feedback(base[9], 0.8)
    assert registry.get_sample_value("llm_rollout_share", {"rule": RULE}) == 0.0
    (line,) = [r.getMessage() for r in caplog.records if "rollback" in r.getMessage()]
    assert "quality 0.110 vs baseline 0.890" in line
    assert "10 scores" in line
    score = registry.get_sample_value("llm_quality_score", {"provider": "openai", "rule": RULE})
    assert score == pytest.approx(0.11)


class FakeLangSmith:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def create_feedback(self, run_id: str, *, key: str, score: float, comment: str | None) -> None:
        self.calls.append((run_id, key, score, comment))


def test_feedback_by_run_id_and_to_langsmith(dep: Deployment) -> None:
    llm = model(dep, CollectorRegistry(), {"steps": [1.0]})
    run_id = uuid.uuid4()
    config = aegis_config(task_type="summarization", data_classification="internal")
    answer = llm.invoke("Summarise the minutes.", config={**config, "run_id": run_id})
    client = FakeLangSmith()
    got = record_feedback(str(run_id), 0.75, comment="good", langsmith=client)
    assert (got.provider, got.rule, got.run_id) == ("openai", RULE, str(run_id))
    assert client.calls == [(str(run_id), "quality", 0.75, "good")]
    by_message = record_feedback(answer, 1.0, key="helpfulness")
    assert (by_message.provider, by_message.rule, by_message.run_id) == ("openai", RULE, str(run_id))


@pytest.mark.parametrize(
    ("target", "score", "message"),
    [
        ("not-a-run", 0.5, "is not among the last"),
        (object(), 0.5, "is not among the last"),
        ("x", 1.5, r"score must be a number in \[0, 1\]"),
        ("x", float("nan"), r"score must be a number in \[0, 1\]"),
    ],
)
def test_feedback_errors(dep: Deployment, target: Any, score: float, message: str) -> None:
    model(dep, CollectorRegistry(), {"steps": [1.0]})
    with pytest.raises(ValueError, match=message):
        record_feedback(target, score)


def test_streamed_answers_take_feedback_from_their_last_chunk(dep: Deployment) -> None:
    llm = model(dep, CollectorRegistry(), {"steps": [1.0]})
    config = aegis_config(task_type="summarization", data_classification="internal")
    chunks = list(llm.stream("Summarise the minutes.", config=config))
    merged = chunks[0]
    for c in chunks[1:]:
        merged += c
    got = record_feedback(merged, 0.5)
    assert (got.provider, got.rule) == ("openai", RULE)


async def test_async_and_batch_calls_are_shadowed_and_take_feedback(dep: Deployment) -> None:
    registry = CollectorRegistry()
    llm = model(dep, registry, {"steps": [1.0], "shadow": {"share": 1.0, "baseline": "local_ollama"}})
    config = aegis_config(task_type="summarization", data_classification="internal")
    answer = await llm.ainvoke("Summarise the minutes.", config=config)
    batch = llm.batch(["Summarise A.", "Summarise B."], config=config)
    abatch = await llm.abatch(["Summarise C.", "Summarise D."], config=config)
    sampler(llm).drain()
    assert shadow_calls(registry, "ok") == 5
    for message in [answer, *batch, *abatch]:
        assert record_feedback(message, 0.5).provider == "openai"


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_quality_state_lives_in_the_shared_ledger(
    dep: Deployment, tmp_path: Any, backend: str, request: pytest.FixtureRequest
) -> None:
    from langchain_aegis.budget import open_ledger
    from langchain_aegis.eval.store import QualityStore

    url = f"sqlite:///{tmp_path}/state.db" if backend == "sqlite" else request.getfixturevalue("redis_url")
    registry = CollectorRegistry()
    llm = model(dep, registry, {"steps": [1.0]}, ledger=url)
    answer = summarise(llm, 1)
    record_feedback(answer, 0.25, now=1000.0)
    with open_ledger(url) as ledger:  # another process would see the same
        assert QualityStore(ledger).sums("openai", RULE, 0, 2000).mean == 0.25
