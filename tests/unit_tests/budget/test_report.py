"""The rows and table behind ``aegis budget``."""

from __future__ import annotations

from datetime import UTC, datetime

from langchain_aegis.budget import MemoryLedger, budget_rows, render_budget_table
from langchain_aegis.config.models import AegisConfig

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


def _config() -> AegisConfig:
    return AegisConfig.model_validate(
        {
            "providers": {
                "local_ollama": {"type": "ollama", "model": "gemma3", "locality": "local"},
                "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud"},
                "ollama_cloud": {"type": "ollama", "model": "gpt-oss:120b-cloud", "locality": "cloud"},
            },
            "budgets": {"monthly_limits": {"openai": 80.0, "ollama_cloud": 0.0}, "alert_threshold": 0.8},
        }
    )


def test_rows_and_alerts() -> None:
    ledger = MemoryLedger()
    ts = NOW.timestamp()
    ledger.record("openai", 64.0, period="2026-11", now=ts)
    ledger.reserve("openai", 0.5, limit=80.0, period="2026-11", now=ts)
    ledger.record("openai", 99.0, period="2026-10", now=ts)  # last month does not count
    rows = budget_rows(_config(), ledger, NOW)
    assert [r["provider"] for r in rows] == ["local_ollama", "openai", "ollama_cloud"]
    local, openai, cloud = rows
    assert local == {
        "provider": "local_ollama",
        "period": "2026-11",
        "spent": 0.0,
        "reserved": 0.0,
        "limit": None,
        "calls": 0,
        "share_used": None,
        "alert": False,
    }
    assert openai["spent"] == 64.0
    assert openai["reserved"] == 0.5
    assert openai["share_used"] == 0.8
    assert openai["alert"] is True
    assert cloud["share_used"] == 1.0
    assert cloud["alert"] is True


def test_table() -> None:
    ledger = MemoryLedger()
    ledger.record("openai", 12.5, period="2026-11", now=NOW.timestamp())
    table = render_budget_table(budget_rows(_config(), ledger, NOW))
    lines = table.splitlines()
    assert lines[0].split() == ["period", "provider", "spent", "limit", "used", "reserved", "calls"]
    assert lines[1].split() == ["2026-11", "local_ollama", "$0.0000", "-", "-", "$0.0000", "0"]
    assert lines[2].split() == ["2026-11", "openai", "$12.5000", "$80.0000", "16%", "$0.0000", "1"]
    assert lines[3].split()[-1] == "ALERT"
    assert len({len(line) for line in lines[:3]}) <= 2  # columns line up
    assert render_budget_table([]).split() == ["period", "provider", "spent", "limit", "used", "reserved", "calls"]
