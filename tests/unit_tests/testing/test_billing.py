"""The fake servers' invoice: what each generation request is billed, however it is answered."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_aegis.testing import Bill, FakeLLMServer, FaultKind, OllamaServer, OpenAIServer
from langchain_aegis.testing.exchange import count_tokens

PROMPT = "Say 'one two three four five six seven eight'"
ANSWER = 8  # the brain repeats the quoted text: eight words
PROMPT_TOKENS = count_tokens(PROMPT)

# The fault, and whether it bills (prompt, completion); None: nothing billed.
BILLED: list[tuple[str | None, tuple[int, int] | None]] = [
    (None, (PROMPT_TOKENS, ANSWER)),
    ("slow", (PROMPT_TOKENS, ANSWER)),
    ("truncate", (PROMPT_TOKENS, ANSWER)),
    ("stream_cut", (PROMPT_TOKENS, ANSWER)),
    ("filtered_completion", (PROMPT_TOKENS, 0)),
    ("malformed", (PROMPT_TOKENS, 0)),
    ("empty_stream", (PROMPT_TOKENS, 0)),
    ("hang", (PROMPT_TOKENS, 0)),
    ("rate_limit", None),
    ("usage_limit", None),
    ("server_error", None),
    ("bad_gateway", None),
    ("unavailable", None),
    ("gateway_timeout", None),
    ("unauthorized", None),
    ("model_not_found", None),
    ("bad_request", None),
    ("context_length", None),
    ("content_filter", None),
    ("disconnect", None),
]


@pytest.fixture(scope="module", autouse=True)
def _close_client() -> Iterator[None]:
    yield
    _CLIENT.close()


@pytest.fixture(scope="module", params=["ollama", "openai"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeLLMServer]:
    with OllamaServer() if request.param == "ollama" else OpenAIServer() as running:
        yield running


@pytest.fixture(autouse=True)
def _clean(server: FakeLLMServer) -> None:
    server.reset()


def _url(server: FakeLLMServer) -> str:
    return server.origin + ("/api/chat" if isinstance(server, OllamaServer) else "/v1/chat/completions")


def _body(server: FakeLLMServer, text: str, *, stream: bool, max_tokens: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": text}], "stream": stream}
    if isinstance(server, OllamaServer):
        if max_tokens is not None:
            body["options"] = {"num_predict": max_tokens}
    else:
        body["stream_options"] = {"include_usage": True} if stream else None
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
    return body


# One client for the module: a new httpx.Client costs tens of milliseconds (its SSL context).
_CLIENT = httpx.Client(timeout=5.0, limits=httpx.Limits(max_connections=32))


def _send(server: FakeLLMServer, body: dict[str, Any], timeout: float = 5.0) -> bytes:
    """Post a chat request and read what arrives; transport errors (cuts, hangs) end the read."""
    received = b""
    try:
        with _CLIENT.stream("POST", _url(server), json=body, timeout=timeout) as response:
            for part in response.iter_bytes():
                received += part
    except httpx.HTTPError:
        pass
    return received


def _reported_usage(server: FakeLLMServer, raw: bytes) -> tuple[int, int]:
    """The usage the server itself reported in a complete answer."""
    lines = [line.removeprefix(b"data: ") for line in raw.splitlines() if line.strip()]
    objects = [json.loads(line) for line in lines if line != b"[DONE]"]
    if isinstance(server, OllamaServer):
        final = objects[-1]
        return final["prompt_eval_count"], final["eval_count"]
    usage = next(o["usage"] for o in reversed(objects) if o.get("usage"))
    return usage["prompt_tokens"], usage["completion_tokens"]


def _wait_for_bills(server: FakeLLMServer, count: int) -> list[Bill]:
    deadline = time.monotonic() + 5
    while len(server.bills) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.bills


@pytest.mark.parametrize(("fault", "expected"), BILLED)
@pytest.mark.parametrize("stream", [False, True])
def test_each_answer_is_billed_as_a_provider_would(
    server: FakeLLMServer, fault: str | None, expected: tuple[int, int] | None, stream: bool
) -> None:
    if fault == "model_not_found":
        server.inject(fault)
    elif fault == "hang":
        server.inject(fault, delay=3.0)
    elif fault == "slow":
        server.inject(fault, delay=0.01)
    elif fault == "stream_cut":
        server.inject(fault, after_chunks=1)
    elif fault is not None:
        server.inject(fault)
    _send(server, _body(server, PROMPT, stream=stream), timeout=0.5 if fault == "hang" else 5.0)
    bills = _wait_for_bills(server, 1 if expected else 0)
    assert len(server.chat_requests()) == 1
    if expected is None:
        assert bills == []
        assert server.billed_tokens() == (0, 0)
        return
    assert len(bills) == 1
    bill = bills[0]
    assert (bill.prompt_tokens, bill.completion_tokens) == expected
    assert server.billed_tokens() == expected
    assert bill.total_tokens == sum(expected)
    assert bill.fault == (FaultKind(fault) if fault else None)
    assert (bill.model, bill.stream, bill.path) == ("m", stream, server.chat_requests()[0].path)


@pytest.mark.parametrize("stream", [False, True])
def test_nothing_is_billed_for_requests_that_reach_no_model(server: FakeLLMServer, stream: bool) -> None:
    _CLIENT.get(server.origin + ("/api/tags" if isinstance(server, OllamaServer) else "/v1/models"))
    _CLIENT.post(_url(server), content=b"{not json")
    assert server.request_count == 2
    assert server.bills == []


def test_a_stream_the_client_drops_after_one_chunk_is_billed_whole(server: FakeLLMServer) -> None:
    with _CLIENT.stream("POST", _url(server), json=_body(server, PROMPT, stream=True)) as response:
        next(response.iter_bytes())
    assert server.billed_tokens() == (PROMPT_TOKENS, ANSWER)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=60),
    max_tokens=st.none() | st.integers(min_value=0, max_value=12),
    stream=st.booleans(),
)
def test_the_bill_of_a_complete_answer_is_the_usage_it_reports(
    server: FakeLLMServer, text: str, max_tokens: int | None, stream: bool
) -> None:
    server.reset()
    raw = _send(server, _body(server, text, stream=stream, max_tokens=max_tokens))
    assert server.billed_tokens() == _reported_usage(server, raw)
    if max_tokens is not None:
        assert server.bills[0].completion_tokens <= max_tokens


def test_concurrent_requests_each_get_one_bill_and_reset_clears_them(server: FakeLLMServer) -> None:
    reported: list[tuple[int, int]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        raw = _send(server, _body(server, f"question {i} " * (i % 5 + 1), stream=bool(i % 2)))
        with lock:
            reported.append(_reported_usage(server, raw))

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, range(120)))
    assert len(server.bills) == 120
    assert server.billed_tokens() == (sum(p for p, _ in reported), sum(c for _, c in reported))
    server.reset()
    assert server.bills == []
    assert server.billed_tokens() == (0, 0)
