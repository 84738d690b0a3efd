"""Images reach each provider type in its own wire format (no downloads: inline base64)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from langchain_aegis import aegis_config
from tests.integration_tests.privacy_fixtures import Deployment, deployment

# A 1x1 transparent PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()

MESSAGES: dict[str, Any] = {
    "openai_format": [
        {"type": "text", "text": "Describe the image."},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
    ],
    "standard_blocks": [
        {"type": "text", "text": "Describe the image."},
        {"type": "image", "base64": PNG, "mime_type": "image/png"},
    ],
}


@pytest.fixture(scope="module")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.mark.parametrize("shape", sorted(MESSAGES))
def test_image_reaches_ollama_as_images_field(dep: Deployment, shape: str) -> None:
    dep.reset()
    reply = dep.model().invoke([HumanMessage(content=MESSAGES[shape])], config=aegis_config(task_type="vlm"))
    assert reply.response_metadata["aegis"]["served_by"] == "local_ollama"
    sent = dep.local.chat_requests()[-1].body["messages"][-1]
    assert sent["images"] == [PNG]
    assert sent["content"] == "Describe the image."


@pytest.mark.parametrize("shape", sorted(MESSAGES))
def test_image_reaches_openai_as_image_url_part(dep: Deployment, shape: str) -> None:
    dep.reset()
    config = aegis_config(task_type="vlm", provider="openai", data_classification="internal")
    reply = dep.model().invoke([HumanMessage(content=MESSAGES[shape])], config=config)
    assert reply.response_metadata["aegis"]["served_by"] == "openai"
    parts = dep.openai.chat_requests()[-1].body["messages"][-1]["content"]
    urls = [p["image_url"]["url"] for p in parts if p.get("type") == "image_url"]
    assert urls == [f"data:image/png;base64,{PNG}"]
