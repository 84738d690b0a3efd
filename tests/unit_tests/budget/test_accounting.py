"""Reserve and settle: the cost of a request is computed once, at settlement, and reported as settled."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.memory import MemoryLedger
from langchain_aegis.budget.pricing import SettledCost, cost_from_usage, pricing_for
from langchain_aegis.config.models import AegisConfig


def _config(tmp_path: Path) -> AegisConfig:
    return AegisConfig.model_validate(
        {
            "providers": {
                "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud", "api_key": "k"},
                "local": {"type": "ollama", "model": "m", "locality": "local"},
            },
            "budgets": {"monthly_limits": {"openai": 10.0}, "journal": str(tmp_path / "journal.jsonl")},
        }
    )


@settings(max_examples=30, deadline=None)
@given(prompt=st.integers(1, 200_000), output=st.integers(0, 20_000), cached=st.integers(0, 200_000))
def test_settle_returns_what_the_ledger_recorded_with_its_split(
    tmp_path_factory: pytest.TempPathFactory, prompt: int, output: int, cached: int
) -> None:
    cfg = _config(tmp_path_factory.mktemp("acct"))
    ledger = MemoryLedger()
    accounting = LedgerAccounting(cfg, ledger, clock=lambda: 1_767_225_600.0)
    r = accounting.reserve("openai", prompt, output or 1)
    assert r is not None
    usage = {"input_tokens": prompt, "output_tokens": output, "input_token_details": {"cache_read": cached}}
    cost = accounting.settle("openai", r, usage)
    assert isinstance(cost, SettledCost)
    assert cost.split == cost_from_usage(usage, pricing_for(cfg.providers["openai"]))
    assert ledger.snapshot(r.period, now=1_767_225_600.0)["openai"].spent == pytest.approx(float(cost))


def test_a_free_local_answer_settles_at_zero(tmp_path: Path) -> None:
    accounting = LedgerAccounting(_config(tmp_path), MemoryLedger())
    cost = accounting.settle("local", None, {"input_tokens": 100, "output_tokens": 10})
    assert isinstance(cost, SettledCost)
    assert (float(cost), cost.input_cost, cost.output_cost) == (0.0, 0.0, 0.0)
