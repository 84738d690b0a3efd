"""Gradual rollout end to end: a cloud route advances while healthy and rolls back on errors.

The OpenAI stand-in starts healthy, then fails half its requests, then recovers.
The guard sees it through the calls AegisChatModel makes, and the rollback
shows in the logs, in ``llm_rollout_share`` and in the next decisions' reasons.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import count

import pytest
from prometheus_client import CollectorRegistry

from langchain_aegis import aegis_config
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.observability.metrics import AegisMetrics
from tests.integration_tests.privacy_fixtures import Deployment, deployment

RULE = "summaries_to_openai"


@pytest.fixture
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


def _model(dep: Deployment, registry: CollectorRegistry) -> AegisChatModel:
    cfg = dep.config(
        routing={
            "rules": [
                {"name": "private", "when": {"privacy": "local_only"}, "provider": "local_ollama"},
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
                    "steps": [0.25, 0.5, 1.0],
                    "hold_seconds": 0,
                    "window_seconds": 600,
                    "min_calls": 6,
                    "max_error_rate": 0.05,
                }
            },
        },
        budgets={"ledger": "memory://"},
    )
    return AegisChatModel(config=cfg, metrics=AegisMetrics(registry))


def _share(registry: CollectorRegistry) -> float:
    value = registry.get_sample_value("llm_rollout_share", {"rule": RULE})
    assert value is not None
    return value


def _send(model: AegisChatModel, keys: Iterator[int], n: int) -> list[str]:
    reasons = []
    for _ in range(n):
        config = aegis_config(
            task_type="summarization", routing_key=f"doc-{next(keys)}", data_classification="internal"
        )
        reasons.append(model.invoke("Summarise the minutes.", config=config).response_metadata["aegis"]["reason"])
    return reasons


def test_rollout_advances_rolls_back_and_recovers(dep: Deployment, caplog: pytest.LogCaptureFixture) -> None:
    registry = CollectorRegistry()
    model = _model(dep, registry)
    keys = count()

    _send(model, keys, 1)
    assert _share(registry) == 0.25  # the first step

    for _ in range(20):  # healthy: every evaluation past min_calls advances one step
        _send(model, keys, 10)
        if _share(registry) == 1.0:
            break
    assert _share(registry) == 1.0
    healthy_requests = len(dep.openai.chat_requests())
    assert healthy_requests > 0

    dep.openai.chaos(0.5, seed=7, kinds=["unavailable"])
    caplog.set_level(logging.WARNING, logger="langchain_aegis")
    for _ in range(20):
        _send(model, keys, 10)
        if _share(registry) < 1.0:
            break
    rolled_back_to = _share(registry)
    assert 0.0 < rolled_back_to < 1.0, "the error rate should have stepped the share back one step"
    rollbacks = [r.getMessage() for r in caplog.records if "rollback" in r.getMessage()]
    assert rollbacks
    assert "error rate" in rollbacks[0]

    dep.openai.chaos(0.0)
    later = _send(model, keys, 3)
    assert all("rollback: error rate" in reason for reason in later), later
    for _ in range(30):
        _send(model, keys, 10)
        if _share(registry) == 1.0:
            break
    assert _share(registry) == 1.0, "a healthy provider should be advanced again"


def test_a_rollout_rolled_back_to_zero_waits_for_an_operator(dep: Deployment) -> None:
    import time

    from langchain_aegis.rollout.guard import RolloutGuard

    registry = CollectorRegistry()
    model = _model(dep, registry)
    guard = RolloutGuard.from_config(model.aegis_config, model._runtime.accounting.ledger)  # type: ignore[union-attr]
    guard.rollback(RULE, now=time.time(), reason="operator: incident")
    guard.rollback(RULE, now=time.time(), reason="operator: incident")
    model._runtime.state.sync()  # type: ignore[union-attr]  # the model sees it on its next refresh (1 s)
    reasons = _send(model, count(), 5)
    assert all("outside its 0% traffic share (operator: incident)" in r for r in reasons)
    assert dep.openai.chat_requests() == []
    guard.advance(RULE, now=time.time())
    model._runtime.state.sync()  # type: ignore[union-attr]
    assert guard.view()[RULE] == (0.25, "operator advance")
