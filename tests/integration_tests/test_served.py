"""After a fallback, everything names the provider that answered: metadata, reason, tags, LangSmith."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langchain_aegis import aegis_config
from tests.integration_tests.privacy_fixtures import Deployment, deployment
from tests.langsmith_capture import LangSmithCapture, capture_langsmith, new_tracer

STORY = "; openai failed (auth: no API key); served by ollama_cloud"


@pytest.fixture
def dep(monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with deployment() as d:
        yield d


@pytest.fixture
def capture() -> Iterator[LangSmithCapture]:
    with capture_langsmith() as server:
        yield server


def _keyless(dep: Deployment) -> dict[str, object]:
    data = dep.config().model_dump()
    data["providers"]["openai"]["api_key"] = None
    return data


@pytest.mark.parametrize("mode", ["invoke", "stream", "ainvoke", "batch"])
async def test_missing_key_fallback_names_the_serving_provider(
    dep: Deployment, capture: LangSmithCapture, mode: str
) -> None:
    from langchain_aegis.config.loading import parse_config

    model = dep.model(config=parse_config(_keyless(dep)))
    client, tracer = new_tracer(capture)
    config = aegis_config(quality="critical", complexity="high", config={"callbacks": [tracer]})
    prompt = "Review the indemnity clause."
    if mode == "invoke":
        aegis = model.invoke(prompt, config=config).response_metadata["aegis"]
    elif mode == "ainvoke":
        aegis = (await model.ainvoke(prompt, config=config)).response_metadata["aegis"]
    elif mode == "batch":
        aegis = model.batch([prompt], config=config)[0].response_metadata["aegis"]
    else:
        chunks = list(model.stream(prompt, config=config))
        aegis = next(c.response_metadata["aegis"] for c in chunks if "aegis" in c.response_metadata)

    assert not dep.openai.chat_requests()  # OpenAI received nothing
    assert (aegis["provider"], aegis["model"]) == ("ollama_cloud", "gpt-oss:120b")
    assert (aegis["routed_provider"], aegis["routed_model"]) == ("openai", "gpt-4o-mini")
    assert aegis["reason"].startswith("rule critical_to_openai matched")
    assert aegis["reason"].endswith(STORY)
    assert [(a["provider"], a["outcome"], a.get("error")) for a in aegis["attempts"]] == [
        ("openai", "auth", "MissingApiKeyError"),
        ("ollama_cloud", "ok", None),
    ]

    client.flush(timeout=10)
    run = capture.wait_for_run(lambda r: r.get("run_type") == "llm" and "outputs" in r, timeout=10)
    assert "aegis:provider=ollama_cloud" in run["tags"]
    assert "aegis:provider=openai" not in run["tags"]
    assert "aegis:routed_provider=openai" in run["tags"]
    metadata = run["extra"]["metadata"]
    assert (metadata["ls_provider"], metadata["ls_model_name"]) == ("ollama", "gpt-oss:120b")
    assert metadata["aegis_provider"] == "ollama_cloud"


def test_no_fallback_keeps_reason_and_provider(dep: Deployment) -> None:
    reply = dep.model().invoke(
        "Review the indemnity clause.", config=aegis_config(quality="critical", complexity="high")
    )
    aegis = reply.response_metadata["aegis"]
    assert aegis["provider"] == aegis["routed_provider"] == aegis["served_by"] == "openai"
    assert aegis["model"] == aegis["routed_model"] == "gpt-4o-mini"
    assert "served by" not in aegis["reason"]
