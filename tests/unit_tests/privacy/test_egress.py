"""The egress gate on provider payloads: every field is read, only binary bytes are skipped."""

from __future__ import annotations

import asyncio
import base64
from typing import Any
from urllib.parse import quote

import pytest

from langchain_aegis.config.models import ProviderConfig, is_cloud_model
from langchain_aegis.errors import PrivacyViolationError
from langchain_aegis.privacy.egress import check_egress, egress_findings
from langchain_aegis.providers.registry import ProviderClient

IBAN = "DE89 3704 0044 0532 0130 00"
EMAIL = "anna.schmidt@example.org"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4).decode()


def _request(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Summarise the report."}], **extra}


def _tool(description: str = "Look something up.", prop: str = "query", prop_desc: str = "what") -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": description,
            "parameters": {"type": "object", "properties": {prop: {"type": "string", "description": prop_desc}}},
        },
    }


CASES: dict[str, dict[str, Any]] = {
    "message name": _request(messages=[{"role": "user", "name": EMAIL, "content": "hi"}]),
    "tool call id": _request(
        messages=[
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"id": f"call {EMAIL}", "type": "function", "function": {"name": "x", "arguments": "{}"}}
                ],
            },
        ]
    ),
    "tool call arguments": _request(
        messages=[
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "x", "arguments": f'{{"iban": "{IBAN}"}}'}}
                ],
            },
        ]
    ),
    "tool_call_id": _request(messages=[{"role": "tool", "tool_call_id": "SSN 536-22-1234", "content": "ok"}]),
    "extra message field": _request(messages=[{"role": "user", "content": "hi", "metadata": {"x": EMAIL}}]),
    "tool description": _request(tools=[_tool(description=f"Pays to {IBAN}")]),
    "tool schema property": _request(tools=[_tool(prop_desc=f"always cc {EMAIL}")]),
    "tool schema key": _request(tools=[_tool(prop=EMAIL)]),
    "response_format schema": _request(
        response_format={
            "type": "json_schema",
            "json_schema": {
                "name": "o",
                "schema": {"type": "object", "description": "Tel. +49 30 1234567", "properties": {}},
            },
        }
    ),
    "stop sequence": _request(stop=["card 4111 1111 1111 1111"]),
    "unknown parameter": _request(extra_body={"user": EMAIL}),
    "SSE-style text": _request(messages=[{"role": "user", "content": f'data: {{"iban": "{IBAN}"}}'}]),
    "text data URL": _request(
        messages=[
            {
                "role": "user",
                "content": [{"type": "image_url", "image_url": {"url": f"data:text/plain,{quote(EMAIL)}"}}],
            }
        ]
    ),
    "base64 text file": _request(
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "file",
                        "file": {
                            "filename": "a.txt",
                            "file_data": f"data:text/plain;base64,{base64.b64encode(EMAIL.encode()).decode()}",
                        },
                    }
                ],
            }
        ]
    ),
    "split over blocks": _request(
        messages=[
            {
                "role": "user",
                "content": [{"type": "text", "text": "IBAN DE89 3704 00"}, {"type": "text", "text": "44 0532 0130 00"}],
            }
        ]
    ),
    "split over messages": _request(
        messages=[{"role": "user", "content": "write to anna.schmidt@"}, {"role": "user", "content": "example.org"}]
    ),
    "number in arguments object": _request(extra_body={"card": 4111111111111111}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_field_is_read(case: str) -> None:
    assert egress_findings(CASES[case]), case
    with pytest.raises(PrivacyViolationError, match="egress gate") as info:
        check_egress("openai", CASES[case], privacy="unrestricted")
    assert EMAIL not in str(info.value)
    assert "4111" not in str(info.value)
    assert "DE89" not in str(info.value)


def test_clean_request_with_tools_and_an_image_passes() -> None:
    kwargs = _request(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this picture? Version 1.2.3, room 101."},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                ],
            }
        ],
        tools=[_tool(), _tool(description="Other tool")],
        stop=["\n\n"],
        temperature=0.2,
        seed=4111111111111111,  # a number parameter is not text
        max_tokens=1024,
    )
    assert egress_findings(kwargs) == []
    check_egress("openai", kwargs, privacy="unrestricted")


def test_local_only_never_passes_even_when_clean() -> None:
    with pytest.raises(PrivacyViolationError, match="local_only"):
        check_egress("openai", _request(), privacy="local_only")


def test_detection_off_still_refuses_local_only() -> None:
    check_egress("openai", CASES["message name"], privacy="unrestricted", detect=False)
    with pytest.raises(PrivacyViolationError):
        check_egress("openai", _request(), privacy="local_only", detect=False)


def test_error_names_fields_not_values() -> None:
    with pytest.raises(PrivacyViolationError) as info:
        check_egress("openai", CASES["message name"], privacy="unrestricted")
    assert "messages[0].name" in str(info.value)
    assert "EMAIL" in str(info.value)


@pytest.mark.parametrize(
    "model",
    [
        "gpt-oss:120b-cloud",
        "x:cloud",
        "X-CLOUD",
        "qwen3-coder:480b-cloud:latest",
        "deepseek-v3.1:671b-Cloud",
        "gpt-oss:cloud ",
        "a-cloud:q4",
    ],
)
def test_cloud_model_names(model: str) -> None:
    assert is_cloud_model(model)


@pytest.mark.parametrize("model", ["gemma3:4b", "cloudy", "mycloud", "cloud-model:7b", "gpt-oss:120b", "", None])
def test_local_model_names(model: str | None) -> None:
    assert not is_cloud_model(model)


class _FakeClient:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def acompletion(self, **kwargs: Any) -> str:
        self.sent.append(kwargs)
        return "ok"


def _local(model: str = "gemma") -> ProviderClient:
    return ProviderClient("local_ollama", ProviderConfig(type="ollama", model=model, locality="local"))


def test_a_cloud_model_on_a_local_server_is_gated_whatever_the_source_of_its_name() -> None:
    client, fake = _local(), _FakeClient()
    messages = [{"role": "user", "content": f"mail {EMAIL}"}]
    # The configured model is local: personal data may go to it.
    asyncio.run(client._request(fake, messages, {}, stream=False, privacy="local_only", model=None, deadline=None))  # type: ignore[arg-type]
    assert len(fake.sent) == 1
    for model in ("gpt-oss:120b-cloud", "GPT-OSS:120B-CLOUD", "x-cloud:latest"):
        with pytest.raises(PrivacyViolationError):
            client._request(fake, messages, {}, stream=False, privacy="unrestricted", model=model, deadline=None)
        with pytest.raises(PrivacyViolationError):
            client._request(
                fake,
                [{"role": "user", "content": "hi"}],
                {},
                stream=True,
                privacy="local_only",
                model=model,
                deadline=None,
            )
    assert len(fake.sent) == 1


def test_config_rejects_a_cloud_model_declared_local() -> None:
    with pytest.raises(ValueError, match="served from Ollama's cloud"):
        ProviderConfig(type="ollama", model="gpt-oss:120b-CLOUD", locality="local")
    with pytest.raises(ValueError, match="served from Ollama's cloud"):
        ProviderConfig(type="ollama", model="x-cloud:latest", locality="local")
