"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest

from langchain_aegis.config.loading import parse_config
from langchain_aegis.config.models import AegisConfig


@pytest.fixture
def three_providers() -> AegisConfig:
    """A local, an Ollama Cloud and an OpenAI provider; ``quality: critical`` goes to OpenAI first."""
    return parse_config(
        {
            "providers": {
                "local": {"type": "ollama", "model": "gemma", "locality": "local"},
                "cloud": {"type": "ollama", "model": "gpt-oss:120b", "locality": "cloud"},
                "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud"},
            },
            "routing": {
                "rules": [{"name": "to_openai", "when": {"quality": "critical"}, "provider": "openai"}],
                "fallback_chain": ["openai", "cloud", "local"],
            },
        }
    )
