"""A three-provider deployment on loopback: one local server and two cloud stand-ins."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.loading import parse_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.testing import OllamaServer, OpenAIServer

PII_SAMPLES = [
    "anna.schmidt@example.org",
    "IBAN DE89 3704 0044 0532 0130 00",
    "Tel. +49 30 1234567",
    "SSN 536-22-1234",
    "card 4111 1111 1111 1111",
    "Frau Müller, Diagnose F32.1",
    "geb. 03.04.1961",
    "Patient ID: 4471-22",
]


@dataclass
class Deployment:
    """The servers behind each provider, and a config that names them."""

    local: OllamaServer
    ollama_cloud: OllamaServer
    openai: OpenAIServer

    def config(self, **overrides: Any) -> AegisConfig:
        data: dict[str, Any] = {
            "providers": {
                "local_ollama": {
                    "type": "ollama",
                    "base_url": self.local.origin,
                    "model": "gemma",
                    "locality": "local",
                },
                "ollama_cloud": {
                    "type": "ollama",
                    "base_url": self.ollama_cloud.origin,
                    "api_key": "ollama-cloud-secret",
                    "model": "gpt-oss:120b",
                    "locality": "cloud",
                },
                "openai": {
                    "type": "openai",
                    "base_url": self.openai.base_url,
                    "api_key": "sk-openai-secret",
                    "model": "gpt-4o-mini",
                    "locality": "cloud",
                },
            },
            "resilience": {"max_retries": 0, "backoff_base": 0.001, "deadline": 10},
        }
        data.update(overrides)
        return parse_config(data)

    def model(self, **kwargs: Any) -> AegisChatModel:
        config = kwargs.pop("config", None) or self.config()
        return AegisChatModel(config=config, **kwargs)

    def cloud_requests(self) -> int:
        return len(self.ollama_cloud.chat_requests()) + len(self.openai.chat_requests())

    def reset(self) -> None:
        for server in (self.local, self.ollama_cloud, self.openai):
            server.reset()


@contextmanager
def deployment() -> Iterator[Deployment]:
    with OllamaServer() as local, OllamaServer() as cloud, OpenAIServer() as openai:
        yield Deployment(local, cloud, openai)
    # Finalise the models' abandoned HTTP clients now, while nothing else runs: their
    # servers are gone, and finalising them in the middle of the next test's 500
    # concurrent calls stalled some of that test's connections for a full timeout.
    gc.collect()
