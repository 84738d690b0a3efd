"""ChatOllama and AegisChatModel against the same Ollama server give the same answers."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_ollama import ChatOllama
from pydantic import BaseModel, Field

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.testing import OllamaServer

PROMPTS: list[list[BaseMessage]] = [
    [HumanMessage("Say hello in five words.")],
    [SystemMessage("You are terse."), HumanMessage("Name three rivers in Germany.")],
]


class GetWeather(BaseModel):
    """Get the current weather for a city."""

    city: str = Field(description="the city")


def _pair(server: OllamaServer, **kwargs: Any) -> tuple[ChatOllama, AegisChatModel]:
    common = {"model": "gemma-3-4b-it-Q8_0", "base_url": server.origin, "temperature": 0, **kwargs}
    return ChatOllama(**common), AegisChatModel(**common)


def _usage(message: AIMessage | AIMessageChunk) -> tuple[int, int, int]:
    usage = message.usage_metadata
    assert usage is not None
    return usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]


@pytest.mark.parametrize("messages", PROMPTS)
def test_invoke_parity(ollama_server: OllamaServer, messages: list[BaseMessage]) -> None:
    ollama, aegis = _pair(ollama_server)
    expected, actual = ollama.invoke(messages), aegis.invoke(messages)
    assert actual.content == expected.content
    assert _usage(actual) == _usage(expected)
    assert actual.response_metadata["model_name"] == expected.response_metadata["model_name"]


@pytest.mark.parametrize("messages", PROMPTS)
def test_stream_parity(ollama_server: OllamaServer, messages: list[BaseMessage]) -> None:
    ollama, aegis = _pair(ollama_server)
    expected_chunks, actual_chunks = list(ollama.stream(messages)), list(aegis.stream(messages))
    expected = sum(expected_chunks[1:], expected_chunks[0])
    actual = sum(actual_chunks[1:], actual_chunks[0])
    assert actual.content == expected.content
    assert [c.content for c in actual_chunks if c.content] == [c.content for c in expected_chunks if c.content]
    assert _usage(actual) == _usage(expected)
    assert sum(1 for c in actual_chunks if c.usage_metadata) == 1  # usage on exactly one chunk


def test_tool_call_parity(ollama_server: OllamaServer) -> None:
    ollama, aegis = _pair(ollama_server)
    question = [HumanMessage("Use the tool: what is the weather in Berlin?")]
    expected = ollama.bind_tools([GetWeather]).invoke(question)
    actual = aegis.bind_tools([GetWeather]).invoke(question)
    assert [(c["name"], c["args"]) for c in actual.tool_calls] == [(c["name"], c["args"]) for c in expected.tool_calls]
    assert actual.tool_calls, "the server should have called the tool"
    assert _usage(actual) == _usage(expected)

    streamed = list(aegis.bind_tools([GetWeather]).stream(question))
    merged = sum(streamed[1:], streamed[0])
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == [(c["name"], c["args"]) for c in expected.tool_calls]


def test_structured_output_parity(ollama_server: OllamaServer) -> None:
    ollama, aegis = _pair(ollama_server)
    prompt = "Extract: the weather question is about 'Hamburg'."
    assert aegis.with_structured_output(GetWeather).invoke(prompt) == ollama.with_structured_output(GetWeather).invoke(
        prompt
    )


async def test_async_parity(ollama_server: OllamaServer) -> None:
    ollama, aegis = _pair(ollama_server)
    messages = PROMPTS[0]
    expected, actual = await ollama.ainvoke(messages), await aegis.ainvoke(messages)
    assert actual.content == expected.content
    assert _usage(actual) == _usage(expected)
    chunks = [c async for c in aegis.astream(messages)]
    assert "".join(str(c.content) for c in chunks) == expected.content


def test_same_request_reaches_the_server(ollama_server: OllamaServer) -> None:
    ollama, aegis = _pair(ollama_server, num_ctx=2048, top_k=20, seed=7, num_predict=64)
    ollama.invoke(PROMPTS[1])
    aegis.invoke(PROMPTS[1])
    first, second = (entry.body for entry in ollama_server.chat_requests())
    assert second["messages"] == first["messages"]
    assert second["model"] == first["model"]
    for option in ("num_ctx", "top_k", "seed", "num_predict", "temperature"):
        assert second["options"][option] == first["options"][option], option


OLLAMA_KEYS = (
    "model",
    "created_at",
    "done",
    "done_reason",
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
    "model_name",
)


def _same_keys(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key in OLLAMA_KEYS:
        assert key in expected, f"ChatOllama no longer reports {key}"
        if key != "created_at":  # a timestamp of each answer
            assert actual[key] == expected[key], key
        else:
            assert isinstance(actual[key], str)
            assert actual[key]


def test_response_metadata_has_chat_ollamas_keys(ollama_server: OllamaServer) -> None:
    ollama, aegis = _pair(ollama_server)
    _same_keys(aegis.invoke(PROMPTS[0]).response_metadata, ollama.invoke(PROMPTS[0]).response_metadata)
    expected_chunks, actual_chunks = list(ollama.stream(PROMPTS[0])), list(aegis.stream(PROMPTS[0]))
    expected = sum(expected_chunks[1:], expected_chunks[0])
    actual = sum(actual_chunks[1:], actual_chunks[0])
    _same_keys(actual.response_metadata, expected.response_metadata)


async def test_async_response_metadata_has_chat_ollamas_keys(ollama_server: OllamaServer) -> None:
    ollama, aegis = _pair(ollama_server)
    _same_keys((await aegis.ainvoke(PROMPTS[0])).response_metadata, ollama.invoke(PROMPTS[0]).response_metadata)


@pytest.mark.parametrize("keep_alive", ["5m", 0, -1])
def test_keep_alive_reaches_ollama_like_chat_ollama(ollama_server: OllamaServer, keep_alive: int | str) -> None:
    ollama, aegis = _pair(ollama_server, keep_alive=keep_alive)
    ollama.invoke(PROMPTS[0])
    aegis.invoke(PROMPTS[0])
    list(aegis.stream(PROMPTS[0]))
    first, second, third = (entry.body for entry in ollama_server.chat_requests())
    assert first["keep_alive"] == keep_alive
    assert second["keep_alive"] == third["keep_alive"] == keep_alive
    assert "keep_alive" not in second["options"]


def test_ollama_host_is_honoured_like_chat_ollama(ollama_server: OllamaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", f"{ollama_server.host}:{ollama_server.port}")
    expected = ChatOllama(model="gemma", temperature=0).invoke(PROMPTS[0])
    actual = AegisChatModel(model="gemma", temperature=0).invoke(PROMPTS[0])
    assert actual.content == expected.content
    assert len(ollama_server.chat_requests()) == 2
