"""With the Redis ledger, a breaker one replica opens is honoured by every replica."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from langchain_aegis import aegis_config
from langchain_aegis.chat_models import AegisChatModel
from tests.integration_tests.privacy_fixtures import Deployment, deployment
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401 - fixtures

WANTS_OPENAI = aegis_config(quality="critical", complexity="high", data_classification="internal")


@pytest.fixture
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


def test_replicas_share_an_open_breaker(dep: Deployment, redis_url: str) -> None:
    cfg = dep.config(
        budgets={"ledger": redis_url},
        resilience={"max_retries": 0, "breaker_failures": 2, "breaker_cooldown": 60, "deadline": 10},
    )
    replica_a, replica_b = AegisChatModel(config=cfg), AegisChatModel(config=cfg)
    assert replica_b.explain("x", config=WANTS_OPENAI).provider == "openai"

    dep.openai.inject("unavailable", times=2)
    for _ in range(2):
        reply = replica_a.invoke("Review the clause.", config=WANTS_OPENAI)
        assert reply.response_metadata["aegis"]["served_by"] == "ollama_cloud"

    time.sleep(1.1)  # replicas refresh shared breaker state at most once a second
    decision = replica_b.explain("x", config=WANTS_OPENAI)
    assert decision.provider == "ollama_cloud"
    assert "openai skipped: circuit open" in decision.reason
    before = len(dep.openai.chat_requests())
    assert replica_b.invoke("Review the clause.", config=WANTS_OPENAI).response_metadata["aegis"]["served_by"] == (
        "ollama_cloud"
    )
    assert len(dep.openai.chat_requests()) == before  # replica b never tried the open provider
