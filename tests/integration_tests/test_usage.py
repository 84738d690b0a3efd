"""LangChain's own usage tools count AegisChatModel exactly as they count ChatOllama.

``usage_metadata`` holds only LangChain's ``UsageMetadata`` keys, so
``add_usage``, ``get_usage_metadata_callback()`` and summing streamed chunks
as they arrive all work, and give ChatOllama's totals against the same server.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_core.messages.ai import UsageMetadata, add_usage
from langchain_core.tools import tool
from langchain_ollama import ChatOllama

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.testing import OllamaServer

MODEL = "gemma-3-4b-it-Q8_0"
STANDARD_KEYS = {"input_tokens", "output_tokens", "total_tokens", "input_token_details", "output_token_details"}
PROMPTS = ["Say hello in five words.", "Name three rivers in Germany.", "What is two plus two?"]


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"sunny in {city}"


def _models(server: OllamaServer) -> list[BaseChatModel]:
    common = {"model": MODEL, "base_url": server.origin, "temperature": 0}
    return [ChatOllama(**common), AegisChatModel(**common)]


def _counted(run: Callable[[BaseChatModel], Any], server: OllamaServer) -> list[dict[str, UsageMetadata]]:
    """``get_usage_metadata_callback()`` totals of ``run`` for ChatOllama, then for AegisChatModel."""
    totals = []
    for model in _models(server):
        with get_usage_metadata_callback() as cb:
            run(model)
        totals.append(dict(cb.usage_metadata))
    return totals


def _same(totals: list[dict[str, UsageMetadata]]) -> None:
    ollama, aegis = totals
    assert ollama, "ChatOllama reported no usage: the test proves nothing"
    assert list(aegis.values()) == list(ollama.values())
    for usage in aegis.values():
        assert set(usage) <= STANDARD_KEYS


def test_callback_totals_for_invoke(ollama_server: OllamaServer) -> None:
    _same(_counted(lambda m: [m.invoke(p) for p in PROMPTS], ollama_server))


def test_callback_totals_for_stream(ollama_server: OllamaServer) -> None:
    _same(_counted(lambda m: [list(m.stream(p)) for p in PROMPTS], ollama_server))


def test_callback_totals_for_batch(ollama_server: OllamaServer) -> None:
    _same(_counted(lambda m: m.batch(PROMPTS), ollama_server))


async def test_callback_totals_for_async(ollama_server: OllamaServer) -> None:
    totals = []
    for model in _models(ollama_server):
        with get_usage_metadata_callback() as cb:
            await model.ainvoke(PROMPTS[0])
            [c async for c in model.astream(PROMPTS[1])]
            await model.abatch(PROMPTS)
        totals.append(dict(cb.usage_metadata))
    _same(totals)


def _agent_run(model: BaseChatModel) -> None:
    question = {"messages": [HumanMessage("Use get_weather: what is the weather in Berlin?")]}
    if importlib.util.find_spec("langchain.agents") is not None:
        from langchain.agents import create_agent

        agent: Any = create_agent(model, tools=[get_weather])
    else:  # pragma: no cover - the test extra installs langchain>=1.0
        from langgraph.prebuilt import create_react_agent

        agent = create_react_agent(model, tools=[get_weather])
    result = agent.invoke(question)
    assert "sunny in Berlin" in str(result["messages"][-1].content)


def test_callback_totals_for_an_agent_run(ollama_server: OllamaServer) -> None:
    totals = _counted(_agent_run, ollama_server)
    _same(totals)
    assert next(iter(totals[1].values()))["input_tokens"] > 0


def test_chunks_summed_as_they_arrive_give_the_totals(ollama_server: OllamaServer) -> None:
    ollama, aegis = _models(ollama_server)
    expected = ollama.invoke(PROMPTS[0]).usage_metadata
    running: AIMessageChunk | None = None
    usage: UsageMetadata | None = None
    for chunk in aegis.stream(PROMPTS[0]):
        running = chunk if running is None else running + chunk
        if chunk.usage_metadata:
            usage = add_usage(usage, chunk.usage_metadata)
    assert running is not None
    assert running.usage_metadata == expected
    assert usage == expected


def test_add_usage_over_invoked_messages(ollama_server: OllamaServer) -> None:
    ollama, aegis = _models(ollama_server)
    expected: UsageMetadata | None = None
    actual: UsageMetadata | None = None
    for prompt in PROMPTS:
        expected = add_usage(expected, ollama.invoke(prompt).usage_metadata)
        actual = add_usage(actual, aegis.invoke(prompt).usage_metadata)
    assert actual == expected


@pytest.mark.parametrize("stream", [False, True])
def test_cost_stays_in_response_metadata(ollama_server: OllamaServer, stream: bool) -> None:
    from langchain_aegis.config.loading import parse_config

    config = parse_config(
        {
            "providers": {
                "local": {
                    "type": "ollama",
                    "base_url": ollama_server.origin,
                    "model": MODEL,
                    "locality": "local",
                    "pricing": {"input": 1.0, "output": 2.0},
                }
            }
        }
    )
    model = AegisChatModel(config=config)
    if stream:
        chunks = list(model.stream(PROMPTS[0]))
        merged = sum(chunks[1:], chunks[0])
        usage, aegis = merged.usage_metadata, merged.response_metadata["aegis"]
    else:
        reply = model.invoke(PROMPTS[0])
        usage, aegis = reply.usage_metadata, reply.response_metadata["aegis"]
    assert usage is not None
    assert set(usage) <= STANDARD_KEYS
    expected = (usage["input_tokens"] * 1.0 + usage["output_tokens"] * 2.0) / 1_000_000
    assert aegis["cost_usd"] == pytest.approx(expected)
