"""langchain-tests' standard integration suite against loopback protocol servers.

Two shapes of deployment are covered: the drop-in one (a local Ollama-type
provider, as ``ChatOllama`` would be) and a routed one whose calls go to an
OpenAI-type cloud provider, with a local Ollama provider behind it for
private data.
"""

from __future__ import annotations

from typing import Any

from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.loading import parse_config
from tests.servers import shared_ollama, shared_openai


class _AegisCapabilities:
    """What AegisChatModel supports, the same behind every provider."""

    @property
    def chat_model_class(self) -> type[AegisChatModel]:
        return AegisChatModel

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        # Supported (see test_images.py), but the standard tests download their images from
        # the internet, which these machines cannot reach.
        return False


class TestAegisOllamaProvider(_AegisCapabilities, ChatModelIntegrationTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": "gemma-3-4b-it-Q8_0", "base_url": shared_ollama().origin, "temperature": 0}

    @property
    def model_override_value(self) -> str:
        return "llama3.2:1b"


class TestAegisOpenAIProvider(_AegisCapabilities, ChatModelIntegrationTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        config = parse_config(
            {
                "providers": {
                    "local_ollama": {
                        "type": "ollama",
                        "base_url": shared_ollama().origin,
                        "model": "gemma-3-4b-it-Q8_0",
                        "locality": "local",
                    },
                    "openai": {
                        "type": "openai",
                        "base_url": shared_openai().base_url,
                        "api_key": "sk-test",
                        "model": "gpt-4o-mini",
                        "locality": "cloud",
                    },
                },
                "routing": {"rules": [{"name": "everything_to_openai", "provider": "openai"}]},
                "budgets": {"ledger": "memory://"},
            }
        )
        return {"config": config, "temperature": 0}

    @property
    def model_override_value(self) -> str:
        return "gpt-4o"
