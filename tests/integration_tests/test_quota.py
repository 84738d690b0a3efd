"""Ollama Cloud's usage limits against the loopback servers: no retry, a shared skip, and the reset.

The chain is ``openai -> ollama_cloud -> local_ollama`` (see ``fault_fixtures``);
calls start at ``ollama_cloud``. Its server answers the plan's "usage limit
reached" 429 as ollama.com does (plain text, no ``Retry-After``). Request
counts come from each server's journal; the clock that decides when the skip
ends is the quota book's, injected.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.testing.faults import USAGE_LIMIT_TEXT
from tests.integration_tests.fault_fixtures import Servers, call, config_for, first, running_servers

PROMPT = "Summarise the quarterly report"
WEEKLY = "you (user) have reached your weekly usage limit, upgrade for higher limits: https://ollama.com/upgrade"
CLOUD = first("ollama_cloud")


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with running_servers() as running:
        yield running


@pytest.fixture(autouse=True)
def _clean(servers: Servers) -> Iterator[None]:
    servers.reset()
    yield
    servers.reset()


class Clock:
    """Unix time that only moves when a test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _model(servers: Servers, tmp_path: Path, clock: Clock, **provider: Any) -> AegisChatModel:
    config = config_for(
        servers,
        timeout=5.0,
        budgets={"ledger": f"sqlite:///{tmp_path / 'ledger.db'}"},
        deadline=30.0,
        max_retries=1,
        breaker_failures=1,  # one failure counted against the breaker would open it
    )
    if provider:
        cloud = config.providers["ollama_cloud"].model_copy(update=provider)
        config = config.model_copy(update={"providers": {**config.providers, "ollama_cloud": cloud}})
    model = AegisChatModel(config=config)
    model._runtime.dispatcher.limits.quota.clock = clock
    return model


def _cloud_requests(servers: Servers) -> int:
    return len(servers.ollama_cloud.chat_requests())


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "stream", "astream"])
async def test_usage_limit_falls_back_at_once_without_retry(servers: Servers, tmp_path: Path, mode: str) -> None:
    model = _model(servers, tmp_path, Clock())
    servers.ollama_cloud.inject("usage_limit")

    reply = await call(model, mode, PROMPT, CLOUD)

    meta = reply.response_metadata["aegis"]
    assert meta["provider"] == "local_ollama"
    assert _cloud_requests(servers) == 1  # max_retries=1, yet no second try
    cloud = meta["attempts"][0]
    assert (cloud["provider"], cloud["outcome"], cloud["status"], cloud["retries"]) == (
        "ollama_cloud",
        "quota_exhausted",
        429,
        0,
    )
    assert model._runtime.breaker.open_providers() == frozenset()  # not a health failure


def test_later_calls_skip_the_provider_until_the_window_resets(servers: Servers, tmp_path: Path) -> None:
    clock = Clock()
    model = _model(servers, tmp_path, clock)
    servers.ollama_cloud.inject("usage_limit", message=WEEKLY)
    model.invoke(PROMPT, CLOUD)
    assert _cloud_requests(servers) == 1

    clock.now += 6 * 86_400  # six days on: the weekly window may not have reset yet
    for _ in range(3):
        reply = model.invoke(PROMPT, CLOUD)
        meta = reply.response_metadata["aegis"]
        assert meta["provider"] == "local_ollama"
        assert "ollama_cloud skipped: quota_exhausted (weekly usage limit reached) until " in meta["reason"]
        assert [a["provider"] for a in meta["attempts"]] == ["local_ollama"]
    assert _cloud_requests(servers) == 1

    clock.now += 86_400 + 1  # past the week
    reply = model.invoke(PROMPT, CLOUD)
    assert reply.response_metadata["aegis"]["provider"] == "ollama_cloud"
    assert _cloud_requests(servers) == 2


def test_a_second_model_on_the_same_ledger_skips_it_too(servers: Servers, tmp_path: Path) -> None:
    clock = Clock()
    first_model = _model(servers, tmp_path, clock)
    servers.ollama_cloud.inject("usage_limit", message=WEEKLY.replace("weekly", "hourly"))
    first_model.invoke(PROMPT, CLOUD)

    # Another model (another process in production) on the same SQLite file, that never met the 429.
    other = _model(servers, tmp_path, clock)
    reply = other.invoke(PROMPT, CLOUD)
    assert reply.response_metadata["aegis"]["provider"] == "local_ollama"
    assert "quota_exhausted (hourly usage limit reached)" in reply.response_metadata["aegis"]["reason"]
    assert _cloud_requests(servers) == 1

    clock.now += 3601  # an hourly limit resets within the hour
    assert other.invoke(PROMPT, CLOUD).response_metadata["aegis"]["provider"] == "ollama_cloud"


def test_a_stated_reset_time_is_used_and_named(servers: Servers, tmp_path: Path) -> None:
    model = _model(servers, tmp_path, Clock())
    servers.ollama_cloud.inject("usage_limit", message=USAGE_LIMIT_TEXT + " (resets at 2027-01-20T12:30:00Z)")
    model.invoke(PROMPT, CLOUD)
    reason = model.invoke(PROMPT, CLOUD).response_metadata["aegis"]["reason"]
    assert "(session usage limit reached) until 2027-01-20T12:30Z" in reason


def test_quota_recheck_shortens_the_skip(servers: Servers, tmp_path: Path) -> None:
    clock = Clock()
    model = _model(servers, tmp_path, clock, quota_recheck=600.0)
    servers.ollama_cloud.inject("usage_limit", message=WEEKLY)
    model.invoke(PROMPT, CLOUD)
    clock.now += 601
    assert model.invoke(PROMPT, CLOUD).response_metadata["aegis"]["provider"] == "ollama_cloud"
    assert _cloud_requests(servers) == 2


def test_an_ordinary_rate_limit_is_still_retried(servers: Servers, tmp_path: Path) -> None:
    model = _model(servers, tmp_path, Clock())
    servers.ollama_cloud.inject("rate_limit", retry_after=0.01)
    reply = model.invoke(PROMPT, CLOUD)
    meta = reply.response_metadata["aegis"]
    assert meta["provider"] == "ollama_cloud"
    assert meta["attempts"] == [
        {
            "provider": "ollama_cloud",
            "outcome": "ok",
            "duration_ms": pytest.approx(meta["attempts"][0]["duration_ms"]),
            "retries": 1,
        }
    ]
    assert _cloud_requests(servers) == 2
    assert "skipped" not in model.invoke(PROMPT, CLOUD).response_metadata["aegis"]["reason"]
