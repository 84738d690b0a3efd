"""Prices and cost arithmetic, checked against hand-computed values."""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_aegis.budget.pricing import (
    FREE,
    PRICE_TABLE,
    Cost,
    SettledCost,
    cost_from_usage,
    estimate_tokens,
    price_for_model,
    pricing_for,
    worst_case_cost,
)
from langchain_aegis.config.providers import Pricing, ProviderConfig, is_cloud_model

MINI = Pricing(input=0.15, output=0.60, cached_input=0.075)


def test_plain_usage() -> None:
    # 1,000 in x $0.15/M = $0.00015; 500 out x $0.60/M = $0.0003
    cost = cost_from_usage({"input_tokens": 1000, "output_tokens": 500, "total_tokens": 1500}, MINI)
    assert cost.input_cost == pytest.approx(0.00015)
    assert cost.output_cost == pytest.approx(0.0003)
    assert cost.total_cost == pytest.approx(0.00045)


def test_cached_tokens_are_charged_at_the_cached_price() -> None:
    usage = {
        "input_tokens": 10_000,
        "output_tokens": 0,
        "total_tokens": 10_000,
        "input_token_details": {"cache_read": 8_000},
    }
    # 2,000 x 0.15 + 8,000 x 0.075 = 300 + 600 = 900 micro-dollars-per-million -> $0.0009
    assert cost_from_usage(usage, MINI).input_cost == pytest.approx(0.0009)
    # Without a cached price, cached tokens cost the full input price.
    assert cost_from_usage(usage, Pricing(input=0.15, output=0.6)).input_cost == pytest.approx(0.0015)


def test_reasoning_tokens_are_not_counted_twice() -> None:
    usage = {
        "input_tokens": 100,
        "output_tokens": 2_000,
        "total_tokens": 2_100,
        "output_token_details": {"reasoning": 1_500},
    }
    # 2,000 output tokens (1,500 of them reasoning) x $0.60/M = $0.0012, not 3,500 x ...
    assert cost_from_usage(usage, MINI).output_cost == pytest.approx(0.0012)


def test_cached_and_reasoning_together_with_gpt_4o() -> None:
    usage = {
        "input_tokens": 1_200_000,
        "output_tokens": 300_000,
        "total_tokens": 1_500_000,
        "input_token_details": {"cache_read": 200_000, "audio": 0},
        "output_token_details": {"reasoning": 100_000},
    }
    cost = cost_from_usage(usage, PRICE_TABLE["gpt-4o"])
    # 1.0M x $2.50 + 0.2M x $1.25 = $2.75; 0.3M x $10 = $3.00
    assert cost == Cost(pytest.approx(2.75), pytest.approx(3.0), pytest.approx(5.75))  # type: ignore[arg-type]


def test_odd_usage_does_not_crash() -> None:
    assert cost_from_usage({}, MINI) == Cost()
    # A cache count above the input count is clamped.
    usage = {"input_tokens": 10, "output_tokens": 0, "input_token_details": {"cache_read": 50}}
    assert cost_from_usage(usage, MINI).input_cost == pytest.approx(10 * 0.075 / 1e6)


def test_cost_adds() -> None:
    assert Cost(1, 2, 3) + Cost(0.5, 0.5, 1) == Cost(1.5, 2.5, 4)


def test_table_lookup() -> None:
    assert price_for_model("gpt-4o-mini") == MINI
    assert price_for_model("gpt-4o-mini-2024-07-18") == MINI  # the longest prefix wins, not gpt-4o
    assert price_for_model("gpt-4o-2024-08-06") == PRICE_TABLE["gpt-4o"]
    assert price_for_model("gpt-oss:120b-cloud") == PRICE_TABLE["gpt-oss:120b"]
    assert price_for_model("gpt-oss:20b") == PRICE_TABLE["gpt-oss:20b"]
    assert price_for_model("mystery-model") is None


@pytest.mark.parametrize(
    "name", ["gpt-oss:120b-cloud", "gpt-oss:120b:cloud", "gpt-oss:120b-CLOUD", "gpt-oss:120b-cloud:latest"]
)
def test_cloud_names_take_the_base_models_price(name: str) -> None:
    """Every name config's ``is_cloud_model`` calls an Ollama cloud model is priced as its base model."""
    assert is_cloud_model(name)
    assert price_for_model(name) == PRICE_TABLE["gpt-oss:120b"]


def test_a_cloud_lookalike_is_not_stripped() -> None:
    assert price_for_model("gpt-oss:120b:cloudy") is None


@given(
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.sampled_from([MINI, PRICE_TABLE["gpt-4o"], FREE]),
)
def test_a_settled_cost_is_the_priced_total_with_its_split(inp: int, out: int, cached: int, price: Pricing) -> None:
    usage = {"input_tokens": inp, "output_tokens": out, "input_token_details": {"cache_read": cached}}
    priced = cost_from_usage(usage, price)
    settled = SettledCost.of(priced)
    assert settled == priced.total_cost  # it is the float the ledger records
    assert settled.split == priced
    assert json.loads(json.dumps({"cost": float(settled)})) == {"cost": priced.total_cost}
    assert pickle.loads(pickle.dumps(settled)).split == priced
    assert type(settled + 1.0) is float  # a sum is no longer one settlement


def _provider(**kw: object) -> ProviderConfig:
    return ProviderConfig.model_validate({"type": "openai", "model": "gpt-4o-mini", "locality": "cloud", **kw})


def test_pricing_for_provider() -> None:
    assert pricing_for(_provider()) == MINI
    custom = Pricing(input=1, output=2)
    assert pricing_for(_provider(pricing=custom.model_dump())) == custom
    assert pricing_for(_provider(type="ollama", model="gpt-oss:20b", locality="local")) == FREE
    assert pricing_for(
        _provider(type="ollama", model="gpt-oss:20b", locality="local", pricing={"input": 1, "output": 1})
    ) == Pricing(input=1, output=1)
    assert pricing_for(_provider(type="ollama", model="gpt-oss:120b-cloud")) == PRICE_TABLE["gpt-oss:120b"]
    assert pricing_for(_provider(model="unknown-cloud-model")) == FREE


def test_estimate_tokens_is_conservative() -> None:
    text = "The quick brown fox jumps over the lazy dog. " * 20  # 900 chars, ~200 real tokens
    estimate = estimate_tokens([SystemMessage("Be brief."), HumanMessage(text)])
    assert estimate >= 200
    assert estimate == -(-(9 + 900) // 3) + 2 * 4 + 3
    assert estimate_tokens([]) == 3
    assert estimate_tokens(["abc", {"role": "user", "content": "abcdef"}]) == 1 + 2 + 2 * 4 + 3


def test_estimate_tokens_counts_blocks_images_and_tool_calls() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 100_000}}
    message = HumanMessage(content=[{"type": "text", "text": "abc"}, image])
    assert estimate_tokens([message]) == 1 + 4 + 3 + 1600
    call = AIMessage("", tool_calls=[{"name": "lookup", "args": {"q": "x" * 300}, "id": "1"}])
    assert estimate_tokens([call]) > 100


def test_worst_case_cost() -> None:
    # 2,000 x $0.15/M + 1,024 x $0.60/M
    assert worst_case_cost(2000, 1024, MINI) == pytest.approx(0.0003 + 0.0006144)
    assert worst_case_cost(-5, 0, MINI) == 0.0
