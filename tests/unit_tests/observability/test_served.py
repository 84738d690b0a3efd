"""``response_metadata["aegis"]`` names who answered, and the reason tells the fallback story."""

from __future__ import annotations

import pytest

from langchain_aegis.budget.pricing import Cost, SettledCost
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.dispatch.dispatcher import CallLog
from langchain_aegis.dispatch.records import Attempt
from langchain_aegis.observability.served import cost_fields, fallback_story, served_metadata
from langchain_aegis.routing.policy import RouteDecision


@pytest.fixture
def config(three_providers: AegisConfig) -> AegisConfig:
    return three_providers


@pytest.fixture
def decision(config: AegisConfig) -> RouteDecision:
    decision = AegisChatModel(config=config).explain("hi", {"metadata": {"aegis": {"quality": "critical"}}})
    assert decision.provider == "openai"
    return decision


def _log(*attempts: Attempt, served: str | None) -> CallLog:
    return CallLog(attempts=list(attempts), served_by=served, cost=0.25)


@pytest.mark.parametrize(
    ("attempts", "served", "story"),
    [
        ([Attempt("openai", "ok", 1.0)], "openai", None),
        (
            [Attempt("openai", "auth", 1.0, error="MissingApiKeyError"), Attempt("cloud", "ok", 1.0)],
            "cloud",
            "openai failed (auth: no API key); served by cloud",
        ),
        (
            [
                Attempt("openai", "budget", 0.1, error="BudgetExceededError"),
                Attempt("cloud", "server", 1.0, status=503, error="UpstreamProviderError"),
                Attempt("local", "ok", 1.0),
            ],
            "local",
            "openai skipped (budget); cloud failed (server: HTTP 503); served by local",
        ),
        (
            [Attempt("openai", "circuit_open", 0.0), Attempt("cloud", "ok", 1.0)],
            "cloud",
            "openai skipped (circuit_open); served by cloud",
        ),
        ([Attempt("openai", "timeout", 9.0, error="ReadTimeout")], None, None),
    ],
)
def test_fallback_story(
    decision: RouteDecision, attempts: list[Attempt], served: str | None, story: str | None
) -> None:
    assert fallback_story(decision, _log(*attempts, served=served)) == story


def test_served_metadata_after_a_fallback(config: AegisConfig, decision: RouteDecision) -> None:
    log = _log(
        Attempt("openai", "rate_limit", 1.0, status=429, error="RateLimitError"),
        Attempt("cloud", "ok", 1.0),
        served="cloud",
    )
    meta = served_metadata(decision, log, config)
    assert (meta["provider"], meta["model"]) == ("cloud", "gpt-oss:120b")
    assert (meta["routed_provider"], meta["routed_model"]) == ("openai", "gpt-4o-mini")
    assert meta["served_by"] == "cloud"
    assert meta["reason"] == f"{decision.reason}; openai failed (rate_limit: rate limited); served by cloud"
    assert meta["cost_usd"] == 0.25
    assert meta["fallbacks"] == list(decision.fallbacks)


def test_failed_call_keeps_the_routed_provider(config: AegisConfig, decision: RouteDecision) -> None:
    meta = served_metadata(decision, _log(Attempt("openai", "timeout", 1.0), served=None), config)
    assert meta["provider"] == meta["routed_provider"] == "openai"
    assert meta["served_by"] is None
    assert meta["reason"] == decision.reason


def test_the_metadata_carries_the_settled_cost_as_a_plain_float(config: AegisConfig, decision: RouteDecision) -> None:
    log = CallLog(attempts=[Attempt("openai", "ok", 1.0)], served_by="openai", cost=SettledCost(0.5, 0.2, 0.3))
    meta = served_metadata(decision, log, config)
    assert meta["cost_usd"] == 0.5
    assert type(meta["cost_usd"]) is float  # serializers such as orjson refuse float subclasses


def test_langsmith_gets_the_settled_split_not_a_new_price() -> None:
    assert cost_fields(SettledCost.of(Cost(0.2, 0.3, 0.5))) == {
        "input_cost": 0.2,
        "output_cost": 0.3,
        "total_cost": 0.5,
    }
    assert cost_fields(0.0) == {"input_cost": 0.0, "output_cost": 0.0, "total_cost": 0.0}
    assert cost_fields(0.5) == {"total_cost": 0.5}  # an accounting that gave no split: none is made up
