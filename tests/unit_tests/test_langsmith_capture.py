"""The LangSmith capture server receives what the real ``langsmith`` client sends, without hanging."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from tests.langsmith_capture import INFO, capture_langsmith, new_tracer, wait_until_compressing


def _is_llm(run: dict[str, Any]) -> bool:
    return run.get("run_type") == "llm" and run.get("outputs") is not None and run.get("end_time") is not None


def test_captures_a_traced_chat_model_call() -> None:
    with capture_langsmith() as server:
        client, tracer = new_tracer(server)
        model = GenericFakeChatModel(messages=iter([AIMessage(content="hello from the fake")]))
        reply = model.invoke("what is 2 + 2?", config={"callbacks": [tracer], "tags": ["x"], "metadata": {"k": "v"}})
        client.flush(timeout=10)
        run = server.wait_for_run(_is_llm, timeout=10)
    assert reply.content == "hello from the fake"
    assert run["name"] == "GenericFakeChatModel"
    assert "x" in run["tags"]
    assert run["extra"]["metadata"]["k"] == "v"
    assert "what is 2 + 2?" in json.dumps(run["inputs"])
    assert "hello from the fake" in json.dumps(run["outputs"])
    assert ("POST", "/runs/multipart") in server.requests


def test_environment_is_set_and_restored() -> None:
    before = os.environ.get("LANGSMITH_ENDPOINT")
    with capture_langsmith() as server:
        assert os.environ["LANGSMITH_ENDPOINT"] == server.url
        assert os.environ["LANGSMITH_TRACING"] == "true"
        assert os.environ["LANGSMITH_API_KEY"]
    assert os.environ.get("LANGSMITH_ENDPOINT") == before


def test_info_carries_every_batch_ingest_field() -> None:
    with capture_langsmith() as server, urllib.request.urlopen(f"{server.url}/info", timeout=5) as resp:
        info = json.loads(resp.read())
    assert info == INFO
    assert set(info["batch_ingest_config"]) >= {
        "size_limit",
        "size_limit_bytes",
        "scale_up_qsize_trigger",
        "scale_up_nthreads_limit",
        "scale_down_nempty_trigger",
    }


def test_post_patch_and_batch_are_merged_by_id() -> None:
    def send(method: str, url: str, payload: dict[str, Any]) -> None:
        request = urllib.request.Request(
            url, data=json.dumps(payload).encode(), method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5):
            pass

    with capture_langsmith() as server:
        send(
            "POST", f"{server.url}/runs", {"id": "a", "name": "n", "inputs": {"q": 1}, "extra": {"metadata": {"k": 1}}}
        )
        send("PATCH", f"{server.url}/runs/a", {"outputs": {"r": 2}, "extra": {"metadata": {"j": 2}}})
        send(
            "POST",
            f"{server.url}/runs/batch",
            {"post": [{"id": "b", "name": "m"}], "patch": [{"id": "b", "tags": ["t"]}]},
        )
        runs = server.runs
    assert runs["a"] == {
        "id": "a",
        "name": "n",
        "inputs": {"q": 1},
        "outputs": {"r": 2},
        "extra": {"metadata": {"k": 1, "j": 2}},
    }
    assert runs["b"] == {"id": "b", "name": "m", "tags": ["t"]}


def test_compressed_uploads_are_decoded_and_kept_raw() -> None:
    with capture_langsmith(compress=True) as server:
        client, tracer = new_tracer(server)
        wait_until_compressing(client)
        model = GenericFakeChatModel(messages=iter([AIMessage(content="compressed hello")]))
        model.invoke("what is 3 + 3?", config={"callbacks": [tracer]})
        client.flush(timeout=10)
        run = server.wait_for_run(_is_llm, timeout=10)
    assert "zstd" in server.encodings
    assert "compressed hello" in json.dumps(run["outputs"])
    assert any(b"what is 3 + 3?" in body for body in server.bodies)
