"""Shared by the budget tests: a ledger of every backend, and a small priced config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_aegis.budget import Ledger, MemoryLedger, SQLiteLedger, open_ledger
from langchain_aegis.config.models import AegisConfig
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401 - fixtures


@pytest.fixture(params=["memory", "sqlite", "redis"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    """One ledger of each backend, empty."""
    if request.param == "memory":
        led: Ledger = MemoryLedger()
    elif request.param == "sqlite":
        led = SQLiteLedger(tmp_path / "ledger.db")
    else:
        led = open_ledger(request.getfixturevalue("redis_url"))
    with led:
        yield led


def priced_config(tmp_path: Path, *, cap: float = 1.0, lease: float = 1.0) -> AegisConfig:
    """OpenAI at $0.10 per prompt token under a ``cap``, a free local provider, leases of ``lease`` seconds."""
    return AegisConfig.model_validate(
        {
            "providers": {
                "openai": {
                    "type": "openai",
                    "model": "gpt-4o-mini",
                    "locality": "cloud",
                    "api_key": "k",
                    "pricing": {"input": 100_000.0, "output": 0.0},
                },
                "local": {"type": "ollama", "model": "m", "locality": "local"},
            },
            "resilience": {"deadline": lease},
            "budgets": {
                "monthly_limits": {"openai": cap},
                "journal": str(tmp_path / "journal.jsonl"),
                "lease_seconds": lease,
            },
        }
    )
