"""Hard budgets under concurrency, end to end through AegisChatModel.

500 concurrent calls want OpenAI; its monthly limit covers exactly 100 of them.
The cost of a call is made exact (output tokens only, capped by ``max_tokens``),
so the worst case reserved equals the cost settled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from langchain_aegis import BudgetExceededError, aegis_config
from langchain_aegis.budget import open_ledger, period_for
from langchain_aegis.config.models import Pricing
from tests.integration_tests.privacy_fixtures import Deployment, deployment
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401 - fixtures

CALLS, FITS, MAX_TOKENS = 500, 100, 10
PRICE_OUT = 1.0  # USD per 1M output tokens -> $0.00001 per call
COST = MAX_TOKENS * PRICE_OUT / 1_000_000
WANTS_OPENAI = aegis_config(quality="critical", complexity="high", data_classification="internal")


@pytest.fixture
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


def _model(dep: Deployment, ledger_url: str):  # type: ignore[no-untyped-def]
    cfg = dep.config(
        budgets={"monthly_limits": {"openai": FITS * COST}, "ledger": ledger_url},
        routing={"fallback_chain": ["openai", "local_ollama"]},
        # 500 concurrent calls queue on a small shared machine; the cap, not the clock, is under test.
        resilience={"deadline": 90, "max_retries": 0},
    )
    providers = dict(cfg.providers)
    providers["openai"] = providers["openai"].model_copy(update={"pricing": Pricing(input=0.0, output=PRICE_OUT)})
    ledger = open_ledger(ledger_url)
    return dep.model(
        config=cfg.model_copy(update={"providers": providers}), max_tokens=MAX_TOKENS, ledger=ledger
    ), ledger


async def _run_all(dep: Deployment, ledger_url: str) -> None:
    model, ledger = _model(dep, ledger_url)
    prompts = [f"Long analytic question number {i} with many words in it." for i in range(CALLS)]
    replies = await asyncio.gather(*(model.ainvoke(p, config=WANTS_OPENAI) for p in prompts))

    served = [r.response_metadata["aegis"]["served_by"] for r in replies]
    assert served.count("openai") == FITS
    assert served.count("local_ollama") == CALLS - FITS
    assert len(dep.openai.chat_requests()) == FITS  # a refused reservation sends nothing

    refused = [r for r in replies if r.response_metadata["aegis"]["served_by"] == "local_ollama"]
    assert {r.response_metadata["aegis"]["attempts"][0]["outcome"] for r in refused} == {"budget"}

    spend = ledger.snapshot(period_for(datetime.now(UTC), "UTC"))["openai"]
    settled = sum(r.response_metadata["aegis"]["cost_usd"] for r in replies)
    assert spend.spent == pytest.approx(FITS * COST, abs=1e-12)
    assert spend.spent == pytest.approx(settled, abs=1e-12)
    assert spend.spent <= FITS * COST + 1e-12
    assert spend.reserved == 0


async def test_memory_ledger_holds_the_cap(dep: Deployment) -> None:
    await _run_all(dep, "memory://")


async def test_sqlite_ledger_holds_the_cap(dep: Deployment, tmp_path: Path) -> None:
    await _run_all(dep, f"sqlite:///{tmp_path / 'ledger.db'}")


async def test_redis_ledger_holds_the_cap(dep: Deployment, redis_url: str) -> None:
    await _run_all(dep, redis_url)


def test_single_provider_chain_raises_budget_exceeded(dep: Deployment) -> None:
    cfg = dep.config(
        budgets={"monthly_limits": {"openai": 0.0}},
        routing={"rules": [{"name": "only_openai", "provider": "openai", "fallbacks": []}], "fallback_chain": []},
    )
    model = dep.model(config=cfg.model_copy(update={"providers": {"openai": cfg.providers["openai"]}}))
    with pytest.raises(BudgetExceededError) as info:
        model.invoke("hello", config=aegis_config(data_classification="public"))
    assert info.value.provider == "openai"
    assert info.value.limit == 0.0
    assert dep.openai.request_count == 0
