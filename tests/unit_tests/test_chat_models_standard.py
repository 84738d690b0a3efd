"""langchain-tests' standard unit suite: how the ecosystem recognises a well-behaved chat model."""

from __future__ import annotations

from langchain_tests.unit_tests import ChatModelUnitTests

from langchain_aegis.chat_models import AegisChatModel


class TestAegisChatModelUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[AegisChatModel]:
        return AegisChatModel

    @property
    def chat_model_params(self) -> dict[str, object]:
        return {"model": "gemma-3-4b-it-Q8_0", "base_url": "http://127.0.0.1:9", "temperature": 0}

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def returns_usage_metadata(self) -> bool:
        return True
