"""The prompt bound and the charge of each exit of a provider request."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.budget.bounds import prompt_bound
from langchain_aegis.budget.settlement import Exit, Meter, charge, exit_of
from langchain_aegis.errors import BudgetExceededError, ProviderCallError
from langchain_aegis.testing.exchange import ChatMessage, ChatRequest, ResponseFormat, ToolSpec

_text = st.text(min_size=0, max_size=200)
_schema = st.recursive(
    st.dictionaries(st.sampled_from(["type", "description", "title"]), _text, max_size=3),
    lambda inner: st.dictionaries(st.text(min_size=1, max_size=12), inner, max_size=5).map(
        lambda props: {"type": "object", "properties": props}
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    messages=st.lists(st.tuples(st.sampled_from(["system", "user", "assistant"]), _text), min_size=1, max_size=6),
    tools=st.lists(st.tuples(st.text(min_size=1, max_size=20), _text, _schema), max_size=5),
    schema=st.none() | _schema,
)
def test_the_bound_is_at_least_the_fake_servers_bill(
    messages: list[tuple[str, str]], tools: list[tuple[str, str, dict[str, Any]]], schema: dict[str, Any] | None
) -> None:
    payload = [{"role": role, "content": text} for role, text in messages]
    params: dict[str, Any] = {}
    if tools:
        params["tools"] = [
            {"type": "function", "function": {"name": n, "description": d, "parameters": p}} for n, d, p in tools
        ]
    if schema is not None:
        params["response_format"] = {"type": "json_schema", "json_schema": {"name": "out", "schema": schema}}
    billed = ChatRequest(
        protocol="openai",
        model="m",
        messages=tuple(ChatMessage(role=r, content=t) for r, t in messages),
        tools=tuple(ToolSpec(name=n, description=d, parameters=p) for n, d, p in tools),
        response_format=ResponseFormat(kind="json_schema", schema=schema) if schema is not None else ResponseFormat(),
    ).prompt_tokens
    assert prompt_bound(payload, params) >= billed


@given(st.text(max_size=300))
def test_the_bound_is_at_least_the_utf8_bytes_of_the_text(text: str) -> None:
    # A byte-level BPE token covers at least one byte: bytes bound tokens for any model.
    assert prompt_bound([{"role": "user", "content": text}], {}) >= len(text.encode("utf-8"))


def test_tools_and_schemas_count() -> None:
    messages = [{"role": "user", "content": "hi"}]
    big = {"type": "object", "properties": {f"f{i}": {"type": "string", "description": "x" * 100} for i in range(50)}}
    tools = [{"type": "function", "function": {"name": "t", "parameters": big}}]
    assert prompt_bound(messages, {"tools": tools}) > prompt_bound(messages, {}) + 5000
    assert prompt_bound(messages, {"stop": None}) == prompt_bound(messages, {})


def test_an_image_counts_an_allowance_not_its_base64() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 100_000}}
    bound = prompt_bound([{"role": "user", "content": [{"type": "text", "text": "see"}, image]}], {})
    assert 1600 < bound < 2000


def _meter(**fields: Any) -> Meter:
    meter = Meter()
    for key, value in fields.items():
        setattr(meter, key, value)
    return meter


def test_each_exit_is_charged() -> None:
    usage = {"input_tokens": 7, "output_tokens": 3, "total_tokens": 10}
    done = _meter(usage=usage, finished=True, output_bytes=12)
    assert charge(Exit.COMPLETE, done, prompt_bound=100, output_ceiling=50) == usage
    estimated = charge(Exit.COMPLETE, _meter(finished=True, output_bytes=12), prompt_bound=100, output_ceiling=50)
    assert estimated is not None
    assert estimated["input_tokens"] == 100
    capped = charge(Exit.STOPPED, _meter(delivered=2, output_bytes=80), prompt_bound=100, output_ceiling=50)
    assert capped is not None
    assert capped["output_tokens"] == 50
    in_flight = charge(Exit.IN_FLIGHT, Meter(), prompt_bound=100, output_ceiling=50)
    assert in_flight is not None
    assert in_flight["output_tokens"] == 50
    assert charge(Exit.NOT_SENT, Meter(), prompt_bound=100, output_ceiling=50) is None


def test_exits_are_classified() -> None:
    assert exit_of(None, Meter()) is Exit.COMPLETE
    assert exit_of(GeneratorExit(), _meter(delivered=1, output_bytes=3)) is Exit.STOPPED
    assert exit_of(ProviderCallError("p", "truncated", "x"), _meter(delivered=3)) is Exit.CUT
    assert exit_of(ProviderCallError("p", "rate_limit", "x", status=429), Meter(), kind="rate_limit") is Exit.NOT_SENT
    assert exit_of(BudgetExceededError("p", 1.0, 1.0, "2025-01"), Meter()) is Exit.NOT_SENT
    assert exit_of(ProviderCallError("p", "empty_stream", "x"), Meter(), kind="empty_stream") is Exit.UNUSABLE
    assert exit_of(TimeoutError(), Meter(), kind="timeout") is Exit.IN_FLIGHT

    class ConnectError(Exception):
        pass

    assert exit_of(ConnectError("refused"), Meter(), kind="connection") is Exit.NOT_SENT


class _SdkError(Exception):
    """What an SDK raises for an HTTP error: the status on the exception, or on the one it wraps."""

    def __init__(self, status: int, *, wrapped: bool = False) -> None:
        super().__init__(f"HTTP {status}")
        if wrapped:
            self.original_exception = _SdkError(status)
        else:
            self.status_code = status


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("wrapped", [False, True])
def test_an_sdk_error_with_an_error_status_is_not_charged(status: int, wrapped: bool) -> None:
    # The attempt hands exit_of the SDK's exception, not a ProviderCallError: a 5xx refusal is
    # released, not charged as a request in flight (its whole reservation).
    kind = "timeout" if status == 504 else "server"
    exit = exit_of(_SdkError(status, wrapped=wrapped), Meter(), kind=kind)
    assert exit is Exit.NOT_SENT
    assert charge(exit, Meter(), prompt_bound=100, output_ceiling=50) is None
