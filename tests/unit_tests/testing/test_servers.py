"""The fake Ollama and OpenAI servers in ``langchain_aegis.testing``, driven by the real clients."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import ollama
import openai
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field

from langchain_aegis.testing import (
    ChatRequest,
    DeterministicBrain,
    Fault,
    FaultKind,
    OllamaServer,
    OpenAIServer,
    Reply,
    ToolCall,
    sample_from_schema,
)
from langchain_aegis.testing.exchange import count_tokens, split_tokens
from langchain_aegis.testing.journal import mask_headers
from langchain_aegis.testing.schema_sample import PromptHints

HELLO: Any = [{"role": "user", "content": "Hello"}]
GREETING = "Hello! How can I help you today?"


@pytest.fixture
def ollama_server() -> Iterator[OllamaServer]:
    with OllamaServer() as server:
        yield server


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


@pytest.fixture
def oclient(ollama_server: OllamaServer) -> ollama.Client:
    return ollama.Client(host=ollama_server.base_url, timeout=5)


@pytest.fixture
def aclient(openai_server: OpenAIServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=openai_server.base_url, api_key="sk-secret", max_retries=0, timeout=5) as client:
        yield client


@tool
def magic_function(input: int) -> int:
    """Apply a magic function to an input."""
    return input + 2


class Joke(BaseModel):
    """Joke to tell user."""

    setup: str = Field(description="question to set up a joke")
    punchline: str = Field(description="answer to resolve the joke")
    rating: int = Field(ge=1, le=10)


# -- lifecycle ---------------------------------------------------------------------


def test_start_stop_and_urls() -> None:
    server = OllamaServer()
    assert not server.running
    with pytest.raises(RuntimeError):
        _ = server.port
    server.start()
    try:
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(server.origin + "/").text == "Ollama is running"
        with pytest.raises(RuntimeError):
            server.start()
    finally:
        server.stop()
    server.stop()  # idempotent
    assert not server.running
    with OpenAIServer() as openai_server:
        assert openai_server.base_url.endswith(f":{openai_server.port}/v1")


def test_stop_cancels_a_hanging_request(ollama_server: OllamaServer) -> None:
    ollama_server.inject("hang", delay=30)
    with httpx.Client(timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.post(ollama_server.origin + "/api/chat", json={"model": "m", "messages": HELLO})
    started = time.perf_counter()
    ollama_server.stop()
    assert time.perf_counter() - started < 2


# -- Ollama ------------------------------------------------------------------------


def test_ollama_chat_plain_and_stream(oclient: ollama.Client) -> None:
    response = oclient.chat(model="llama3.2", messages=HELLO, stream=False)
    assert response.message.content == GREETING
    assert response.done
    assert response.done_reason == "stop"
    assert response.prompt_eval_count == 1
    assert response.eval_count == count_tokens(GREETING)
    assert response.model == "llama3.2"
    assert response.created_at

    parts = list(
        oclient.chat(model="llama3.2", messages=[{"role": "user", "content": "say one two three"}], stream=True)
    )
    assert "".join(p.message.content for p in parts) == "one two three"
    assert [p.done for p in parts] == [False, False, False, True]
    assert parts[-1].eval_count == 3


def test_ollama_stream_is_the_default(ollama_server: OllamaServer) -> None:
    response = httpx.post(ollama_server.origin + "/api/chat", json={"model": "m", "messages": HELLO})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines[-1]["done"] is True
    assert {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"} <= set(lines[-1])


def test_ollama_tool_call_thinking_and_format(oclient: ollama.Client) -> None:
    tools = [magic_function.tool_call_schema.model_json_schema()]
    spec = {"type": "function", "function": {"name": "magic_function", "description": "", "parameters": tools[0]}}
    messages = [{"role": "user", "content": "What is magic_function(3)?"}]
    response = oclient.chat(model="m", messages=messages, tools=[spec], think=True, stream=False)
    assert response.message.thinking
    assert response.message.tool_calls is not None
    call = response.message.tool_calls[0]
    assert (call.function.name, dict(call.function.arguments)) == ("magic_function", {"input": 3})

    structured = oclient.chat(model="m", messages=HELLO, format=Joke.model_json_schema(), stream=False)
    Joke.model_validate_json(structured.message.content)
    assert json.loads(oclient.chat(model="m", messages=HELLO, format="json", stream=False).message.content)


def test_ollama_generate_and_catalogue(oclient: ollama.Client, ollama_server: OllamaServer) -> None:
    assert oclient.generate(model="m", prompt="repeat: abc def").response == "abc def"
    assert "".join(p.response for p in oclient.generate(model="m", prompt="say x y", stream=True)) == "x y"
    assert [m.model for m in oclient.list().models] == ["llama3.2:latest", "qwen3:0.6b", "smollm2:135m"]
    assert "tools" in (oclient.show("llama3.2").capabilities or [])
    assert httpx.get(ollama_server.origin + "/api/version").json()["version"]
    assert httpx.get(ollama_server.origin + "/nope").status_code == 404


def test_ollama_strict_models() -> None:
    with OllamaServer(models=["llama3.2:latest"], strict_models=True) as server:
        client = ollama.Client(host=server.base_url)
        assert client.chat(model="llama3.2", messages=HELLO, stream=False).message.content
        with pytest.raises(ollama.ResponseError) as info:
            client.chat(model="missing", messages=HELLO, stream=False)
        assert info.value.status_code == 404
        assert 'model "missing" not found' in info.value.error


async def test_ollama_async_client(ollama_server: OllamaServer) -> None:
    client = ollama.AsyncClient(host=ollama_server.base_url)
    response = await client.chat(model="m", messages=HELLO, stream=False)
    assert response.message.content == GREETING
    parts = [p async for p in await client.chat(model="m", messages=HELLO, stream=True)]
    assert "".join(p.message.content for p in parts) == GREETING


def test_chat_ollama(ollama_server: OllamaServer) -> None:
    llm = ChatOllama(model="llama3.2", base_url=ollama_server.base_url, validate_model_on_init=True)
    result = llm.invoke("Hello")
    assert result.content == GREETING
    assert result.usage_metadata == {"input_tokens": 1, "output_tokens": 7, "total_tokens": 8}
    full: AIMessageChunk | None = None
    for chunk in llm.stream("Hello"):
        full = chunk if full is None else full + chunk
    assert full is not None
    assert full.content == GREETING

    call = llm.bind_tools([magic_function]).invoke("What is the value of magic_function(3)? Use the tool.")
    assert isinstance(call, AIMessage)
    assert call.tool_calls[0]["args"] == {"input": 3}
    answer = llm.bind_tools([magic_function]).invoke(
        [HumanMessage("magic_function(3)?"), call, ToolMessage("5", tool_call_id=call.tool_calls[0]["id"])]
    )
    assert "5" in answer.text

    joke = llm.with_structured_output(Joke).invoke("Tell me a joke about cats")
    assert isinstance(joke, Joke)
    assert 1 <= joke.rating <= 10


# -- OpenAI ------------------------------------------------------------------------


def test_openai_plain_and_stream(aclient: openai.OpenAI) -> None:
    completion = aclient.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
    assert completion.choices[0].message.content == GREETING
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.total_tokens == 8

    chunks = list(aclient.chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True))
    assert all(c.usage is None for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == GREETING
    assert chunks[-1].choices[0].finish_reason == "stop"

    with_usage = list(
        aclient.chat.completions.create(
            model="gpt-4o-mini", messages=HELLO, stream=True, stream_options={"include_usage": True}
        )
    )
    assert with_usage[-1].choices == []
    assert with_usage[-1].usage.completion_tokens == 7


def test_openai_streamed_tool_call_deltas(aclient: openai.OpenAI) -> None:
    tools = [
        {
            "type": "function",
            "function": {"name": "magic_function", "parameters": magic_function.args_schema.model_json_schema()},
        }
    ]
    chunks = list(
        aclient.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "magic_function(42)"}], tools=tools, stream=True
        )
    )
    deltas = [tc for c in chunks for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas[0].id
    assert deltas[0].function.name == "magic_function"
    assert len(deltas) > 2  # arguments arrive in fragments
    assert json.loads("".join(d.function.arguments or "" for d in deltas)) == {"input": 42}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_openai_tool_choice_and_response_format(aclient: openai.OpenAI) -> None:
    tools = [
        {"type": "function", "function": {"name": n, "parameters": {"type": "object", "properties": {}}}}
        for n in ("a", "b")
    ]
    none = aclient.chat.completions.create(model="m", messages=HELLO, tools=tools, tool_choice="none")
    assert none.choices[0].message.tool_calls is None
    named = aclient.chat.completions.create(
        model="m",
        messages=HELLO,
        tools=tools,
        tool_choice={"type": "function", "function": {"name": "b"}},
    )
    assert named.choices[0].message.tool_calls[0].function.name == "b"

    schema = {"name": "joke", "schema": Joke.model_json_schema(), "strict": True}
    parsed = aclient.chat.completions.create(
        model="m",
        messages=HELLO,
        response_format={"type": "json_schema", "json_schema": schema},
    )
    Joke.model_validate_json(parsed.choices[0].message.content or "")
    json_mode = aclient.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "Return JSON with 'name' and 'age' keys."}],
        response_format={"type": "json_object"},
    )
    assert set(json.loads(json_mode.choices[0].message.content or "")) == {"name", "age"}
    assert [m.id for m in aclient.models.list()] == ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"]


async def test_openai_async_client(openai_server: OpenAIServer) -> None:
    async with openai.AsyncOpenAI(base_url=openai_server.base_url, api_key="k", max_retries=0) as client:
        stream = await client.chat.completions.create(model="m", messages=HELLO, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream])
    assert text == GREETING


def test_chat_openai(openai_server: OpenAIServer) -> None:
    llm = ChatOpenAI(model="gpt-4o-mini", base_url=openai_server.base_url, api_key="sk-x", max_retries=0)
    assert llm.invoke("Hello").content == GREETING
    full: AIMessageChunk | None = None
    for chunk in llm.stream("Hello", stream_usage=True):
        full = chunk if full is None else full + chunk
    assert full is not None
    assert full.content == GREETING
    assert full.usage_metadata is not None
    assert full.usage_metadata["output_tokens"] == 7

    call = llm.bind_tools([magic_function], tool_choice="any").invoke("Hello!")
    assert isinstance(call, AIMessage)
    assert call.tool_calls[0]["name"] == "magic_function"
    joke = llm.with_structured_output(Joke).invoke("Tell me a joke about cats")
    assert isinstance(joke, Joke)
    joke_tool = llm.with_structured_output(Joke, method="function_calling").invoke("Tell me a joke")
    assert isinstance(joke_tool, Joke)


def test_stop_sequences_and_token_cap(openai_server: OpenAIServer, ollama_server: OllamaServer) -> None:
    llm = ChatOpenAI(model="m", base_url=openai_server.base_url, api_key="k", max_retries=0)
    assert llm.invoke("Hello", stop=["you"]).content == "Hello! How can I help "
    capped = llm.bind(max_tokens=2).invoke("Hello")
    assert capped.content == "Hello! How "
    assert capped.response_metadata["finish_reason"] == "length"

    local = ChatOllama(model="m", base_url=ollama_server.base_url, num_predict=2)
    capped_local = local.invoke("Hello")
    assert capped_local.content == "Hello! How "
    assert capped_local.response_metadata["done_reason"] == "length"


def test_usage_is_the_same_on_both_protocols(openai_server: OpenAIServer, ollama_server: OllamaServer) -> None:
    prompt = "Write me 2 haikus. Only include the haikus."
    remote = ChatOpenAI(model="m", base_url=openai_server.base_url, api_key="k").invoke(prompt)
    local = ChatOllama(model="m", base_url=ollama_server.base_url).invoke(prompt)
    assert remote.content == local.content
    assert remote.usage_metadata is not None
    assert local.usage_metadata is not None
    for key in ("input_tokens", "output_tokens", "total_tokens"):
        assert remote.usage_metadata[key] == local.usage_metadata[key]


# -- scripts, brains and the journal ----------------------------------------------------


def test_script_then_brain(oclient: ollama.Client, ollama_server: OllamaServer) -> None:
    ollama_server.script(
        "first",
        Reply(tool_calls=(ToolCall("lookup", {"q": "x"}),)),
        [lambda request: f"model was {request.model}"],
    )
    assert oclient.chat(model="m", messages=HELLO, stream=False).message.content == "first"
    calls = oclient.chat(model="m", messages=HELLO, stream=False).message.tool_calls
    assert calls is not None
    assert calls[0].function.name == "lookup"
    assert oclient.chat(model="llama", messages=HELLO, stream=False).message.content == "model was llama"
    assert oclient.chat(model="m", messages=HELLO, stream=False).message.content == GREETING


def test_custom_brain() -> None:
    def brain(request: ChatRequest) -> str:
        return request.last_user_text.upper()

    with OpenAIServer(brain=brain) as server:
        llm = ChatOpenAI(model="m", base_url=server.base_url, api_key="k")
        assert llm.invoke("shout this").content == "SHOUT THIS"


def test_journal_records_and_masks(openai_server: OpenAIServer, aclient: openai.OpenAI) -> None:
    aclient.models.list()
    openai_server.inject("server_error")
    with pytest.raises(openai.InternalServerError):
        aclient.chat.completions.create(model="m", messages=HELLO)
    aclient.chat.completions.create(model="m", messages=HELLO)
    assert openai_server.request_count == 3
    listing, failed, served = openai_server.journal
    assert (listing.method, listing.path, listing.body, listing.fault) == ("GET", "/v1/models", None, None)
    assert failed.fault is FaultKind.SERVER_ERROR
    assert served.fault is None
    assert served.body["messages"] == HELLO
    assert served.headers["authorization"] == "Bearer ***"
    assert "sk-secret" not in json.dumps([dict(e.headers) for e in openai_server.journal])
    assert served.timestamp >= failed.timestamp
    assert len(openai_server.chat_requests()) == 2
    openai_server.reset()
    assert openai_server.request_count == 0
    assert openai_server.journal == []


def test_mask_headers() -> None:
    masked = mask_headers({"authorization": "Bearer sk-1", "api-key": "k", "x-api-key": "k", "accept": "*/*"})
    assert masked == {"authorization": "Bearer ***", "api-key": "***", "x-api-key": "***", "accept": "*/*"}


# -- faults ------------------------------------------------------------------------

HTTP_FAULTS = [
    (FaultKind.RATE_LIMIT, 429, openai.RateLimitError, "rate_limit_exceeded"),
    (FaultKind.SERVER_ERROR, 500, openai.InternalServerError, None),
    (FaultKind.BAD_GATEWAY, 502, openai.InternalServerError, None),
    (FaultKind.UNAVAILABLE, 503, openai.InternalServerError, None),
    (FaultKind.GATEWAY_TIMEOUT, 504, openai.InternalServerError, None),
    (FaultKind.UNAUTHORIZED, 401, openai.AuthenticationError, "invalid_api_key"),
    (FaultKind.MODEL_NOT_FOUND, 404, openai.NotFoundError, "model_not_found"),
    (FaultKind.BAD_REQUEST, 400, openai.BadRequestError, None),
    (FaultKind.CONTEXT_LENGTH, 400, openai.BadRequestError, "context_length_exceeded"),
    (FaultKind.CONTENT_FILTER, 400, openai.BadRequestError, "content_filter"),
]


@pytest.mark.parametrize(("kind", "status", "error", "code"), HTTP_FAULTS)
@pytest.mark.parametrize("stream", [False, True])
def test_http_faults_openai(
    aclient: openai.OpenAI,
    openai_server: OpenAIServer,
    kind: FaultKind,
    status: int,
    error: type,
    code: str | None,
    stream: bool,
) -> None:
    openai_server.inject(kind)
    with pytest.raises(error) as info:
        aclient.chat.completions.create(model="m", messages=HELLO, stream=stream)
    assert info.value.status_code == status
    assert info.value.code == code
    if kind is FaultKind.RATE_LIMIT:
        assert info.value.response.headers["retry-after"] == "1"
    # The fault is consumed: the next call succeeds.
    assert aclient.chat.completions.create(model="m", messages=HELLO).choices


@pytest.mark.parametrize(("kind", "status", "error", "code"), HTTP_FAULTS)
def test_http_faults_ollama(
    oclient: ollama.Client, ollama_server: OllamaServer, kind: FaultKind, status: int, error: type, code: str | None
) -> None:
    ollama_server.inject(kind, retry_after=2)
    with pytest.raises(ollama.ResponseError) as info:
        list(oclient.chat(model="m", messages=HELLO, stream=True))
    assert info.value.status_code == status
    assert info.value.error
    if kind is FaultKind.CONTEXT_LENGTH:
        assert "context length" in info.value.error


def test_faults_spare_catalogue_endpoints(oclient: ollama.Client, ollama_server: OllamaServer) -> None:
    ollama_server.inject("server_error", times=2)
    assert oclient.list().models
    with pytest.raises(ollama.ResponseError):
        oclient.chat(model="m", messages=HELLO, stream=False)
    assert ollama_server.faults.pending == 1


def test_disconnect_hang_and_slow(aclient: openai.OpenAI, openai_server: OpenAIServer) -> None:
    openai_server.inject("disconnect")
    with pytest.raises(openai.APIConnectionError):
        aclient.chat.completions.create(model="m", messages=HELLO)

    openai_server.inject("hang", delay=2)
    with pytest.raises(openai.APITimeoutError):
        aclient.with_options(timeout=0.2).chat.completions.create(model="m", messages=HELLO)

    openai_server.inject(Fault.of("slow", delay=0.2))
    started = time.perf_counter()
    assert aclient.chat.completions.create(model="m", messages=HELLO).choices
    assert time.perf_counter() - started >= 0.2


def test_stream_cut_after_chunks(
    aclient: openai.OpenAI, oclient: ollama.Client, openai_server: OpenAIServer, ollama_server: OllamaServer
) -> None:
    openai_server.inject("stream_cut", after_chunks=3)
    received: list[Any] = []
    stream = aclient.chat.completions.create(model="m", messages=HELLO, stream=True)
    with pytest.raises(openai.APIConnectionError):
        received.extend(stream)
    assert len(received) == 3

    ollama_server.inject("stream_cut", after_chunks=2)
    parts: list[Any] = []
    with pytest.raises(httpx.RemoteProtocolError):
        parts.extend(oclient.chat(model="m", messages=HELLO, stream=True))
    assert len(parts) == 2

    openai_server.inject("stream_cut")  # a buffered body is cut in half
    with pytest.raises(openai.APIConnectionError):
        aclient.chat.completions.create(model="m", messages=HELLO)


def test_malformed_empty_and_filtered(
    aclient: openai.OpenAI, oclient: ollama.Client, openai_server: OpenAIServer, ollama_server: OllamaServer
) -> None:
    openai_server.inject("malformed")
    with pytest.raises(json.JSONDecodeError):
        aclient.chat.completions.create(model="m", messages=HELLO)
    ollama_server.inject("malformed")
    with pytest.raises(json.JSONDecodeError):
        list(oclient.chat(model="m", messages=HELLO, stream=True))

    openai_server.inject("empty_stream")
    assert list(aclient.chat.completions.create(model="m", messages=HELLO, stream=True)) == []
    ollama_server.inject("empty_stream")
    assert list(oclient.chat(model="m", messages=HELLO, stream=True)) == []

    openai_server.inject("filtered_completion")
    filtered = aclient.chat.completions.create(model="m", messages=HELLO)
    assert filtered.choices[0].finish_reason == "content_filter"
    assert filtered.choices[0].message.content == ""


def test_rate_limit_is_retried_by_the_sdk(openai_server: OpenAIServer) -> None:
    openai_server.inject("rate_limit", times=2, retry_after=0.01)
    with openai.OpenAI(base_url=openai_server.base_url, api_key="k", max_retries=2) as client:
        assert client.chat.completions.create(model="m", messages=HELLO).choices
    assert [e.fault for e in openai_server.journal] == [FaultKind.RATE_LIMIT, FaultKind.RATE_LIMIT, None]


def test_chaos_is_seeded(ollama_server: OllamaServer) -> None:
    def run() -> list[FaultKind | None]:
        ollama_server.reset()
        ollama_server.chaos(0.5, seed=7, kinds=["server_error", "rate_limit"])
        for _ in range(20):
            httpx.post(ollama_server.origin + "/api/chat", json={"model": "m", "messages": HELLO, "stream": False})
        return [e.fault for e in ollama_server.journal]

    first = run()
    assert first == run()
    assert 0 < sum(f is not None for f in first) < 20
    with pytest.raises(ValueError):
        ollama_server.chaos(1.5)


def test_invalid_requests_get_400(ollama_server: OllamaServer, openai_server: OpenAIServer) -> None:
    assert httpx.post(ollama_server.origin + "/api/chat", content=b"{not json").status_code == 400
    missing = httpx.post(openai_server.base_url + "/chat/completions", json={"model": "m", "messages": []})
    assert missing.status_code == 400
    assert "error" in missing.json()


# -- the brain, without sockets ------------------------------------------------------


def _request(prompt: str, **fields: Any) -> ChatRequest:
    from langchain_aegis.testing import ChatMessage

    return ChatRequest(protocol="openai", model="m", messages=(ChatMessage("user", prompt),), **fields)


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("hi", GREETING),
        ("Repeat after me: the cat sat", "the cat sat"),
        ('Say "hello world"', "hello world"),
        ("What is 2+2?", "Deterministic reply to: What is 2+2?"),
    ],
)
def test_brain_text(prompt: str, answer: str) -> None:
    assert DeterministicBrain()(_request(prompt)).content == answer


def test_sample_from_schema_covers_common_shapes() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 12},
            "mood": {"enum": ["happy", "sad"]},
            "when": {"type": "string", "format": "date"},
            "score": {"type": "number", "exclusiveMaximum": 1},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            "owner": {"$ref": "#/$defs/Person"},
            "maybe": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 5}]},
        },
        "required": ["name"],
        "$defs": {"Person": {"type": "object", "properties": {"age": {"type": "integer"}}}},
    }
    value = sample_from_schema(schema, PromptHints("I feel sad"))
    assert len(value["name"]) >= 12
    assert value["mood"] == "sad"
    assert value["when"] == "2024-01-01"
    assert value["score"] < 1
    assert len(value["tags"]) == 2
    assert value["owner"] == {"age": 1}
    assert value["maybe"] == 5
    assert sample_from_schema(schema, required_only=True).keys() == {"name"}


def test_split_tokens_round_trips() -> None:
    for text in ["", "one", " lead and trail ", "a\n\nb"]:
        assert "".join(split_tokens(text)) == text
