"""The dispatch path with an in-process provider seam: fake clients, a memory ledger, no sockets.

Each :class:`FakeClient` is a :class:`ProviderClient` whose ``acomplete`` and
``astream`` play a script (an answer, a stream of chunks, or an error) instead
of sending a request, the way an httpx test swaps the transport. Everything
between the chat model and the SDK is real: the attempt, retries, the breaker,
budget reservation and settlement on a :class:`MemoryLedger`, and the
``with_fallbacks`` chain. The loopback servers stay in the integration tests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.ledger import Spend
from langchain_aegis.budget.memory import MemoryLedger
from langchain_aegis.budget.periods import period_for
from langchain_aegis.config.models import AegisConfig, ProviderConfig
from langchain_aegis.dispatch.breaker import CircuitBreaker
from langchain_aegis.dispatch.dispatcher import Dispatcher
from langchain_aegis.dispatch.plan import CallLog, CallPlan
from langchain_aegis.errors import AllProvidersFailedError, StreamInterruptedError
from langchain_aegis.providers.client import ProviderClient
from langchain_aegis.routing.policy import RouteDecision

PROMPT, COMPLETION = 10, 5
PRICE = {"input": 1_000_000, "output": 2_000_000}  # USD per million tokens: 1 USD a prompt token, 2 an output one
COST = PROMPT * 1 + COMPLETION * 2


class HTTPError(Exception):
    """What an SDK raises for an HTTP error: the status on the exception."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status_code = status


def completion(text: str = "hello") -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": "c1",
            "object": "chat.completion",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": PROMPT, "completion_tokens": COMPLETION, "total_tokens": PROMPT + COMPLETION},
        }
    )


def chunk(text: str | None = None, *, finish: str | None = None, usage: bool = False) -> ChatCompletionChunk:
    data: dict[str, Any] = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "finish_reason": finish, "delta": {"content": text}}],
    }
    if usage:
        data["usage"] = {"prompt_tokens": PROMPT, "completion_tokens": COMPLETION, "total_tokens": PROMPT + COMPLETION}
    return ChatCompletionChunk.model_validate(data)


STREAM = [chunk("Hel"), chunk("lo"), chunk(finish="stop", usage=True)]

Step = ChatCompletion | Sequence[ChatCompletionChunk | Exception] | Exception
"""One scripted request: an answer, a stream (an error in it is raised at that point), or an error."""


class FakeClient(ProviderClient):
    """A provider that plays ``script``, one step per request, and counts the requests it got."""

    def __init__(self, name: str, config: ProviderConfig, script: Sequence[Step] = ()) -> None:
        super().__init__(name, config, detect=False)
        self.script = list(script)
        self.requests = 0
        self.closed_streams = 0

    def _next(self) -> Step:
        self.requests += 1
        if not self.script:
            raise AssertionError(f"{self.name} got request {self.requests}, which the test did not script")
        return self.script.pop(0)

    async def acomplete(self, messages: list[dict[str, Any]], params: Mapping[str, Any], **request: Any) -> Any:
        step = self._next()
        if isinstance(step, Exception):
            raise step
        assert isinstance(step, ChatCompletion)
        return step

    async def astream(
        self, messages: list[dict[str, Any]], params: Mapping[str, Any], **request: Any
    ) -> AsyncIterator[Any]:
        step = self._next()
        if isinstance(step, Exception):
            raise step
        assert not isinstance(step, ChatCompletion)
        return self._play(step)

    async def _play(self, items: Sequence[ChatCompletionChunk | Exception]) -> AsyncIterator[Any]:
        try:
            for item in items:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            self.closed_streams += 1


class World:
    """A dispatcher over fake clients ``a`` then ``b``, both paid, with a memory ledger."""

    def __init__(
        self,
        tmp_path: Path,
        scripts: Mapping[str, Sequence[Step]],
        *,
        limits: Mapping[str, float] | None = None,
        max_retries: int = 1,
        breaker_failures: int = 5,
    ) -> None:
        self.config = AegisConfig.model_validate(
            {
                "providers": {
                    name: {"type": "openai", "model": "m", "locality": "cloud", "api_key": "k", "pricing": PRICE}
                    for name in ("a", "b")
                },
                "budgets": {
                    "monthly_limits": dict(limits or {"a": 1000.0, "b": 1000.0}),
                    "journal": str(tmp_path / "journal.jsonl"),
                },
                "resilience": {
                    "max_retries": max_retries,
                    "backoff_base": 0,
                    "backoff_max": 0,
                    "breaker_failures": breaker_failures,
                    "breaker_cooldown": 3600,
                },
            }
        )
        self.clients = {
            name: FakeClient(name, self.config.providers[name], scripts.get(name, ())) for name in ("a", "b")
        }
        self.ledger = MemoryLedger()
        self.accounting = LedgerAccounting(self.config, self.ledger)
        self.breaker = CircuitBreaker(self.config.resilience)
        self.dispatcher = Dispatcher(self.config, self.clients, self.breaker, self.accounting)

    def plan(self) -> CallPlan:
        decision = RouteDecision(
            provider="a", model="m", rule="test", reason="test", fallbacks=("b",), privacy="unrestricted"
        )
        return CallPlan(decision, [{"role": "user", "content": "hi"}], {"max_tokens": 50}, prompt_tokens=PROMPT)

    def spend(self, provider: str) -> Spend:
        period = period_for(datetime.now(UTC), self.config.budgets.timezone)
        return self.ledger.snapshot(period, now=time.time()).get(provider) or Spend(0.0, 0.0, 0)

    def requests(self) -> dict[str, int]:
        return {name: client.requests for name, client in self.clients.items()}


def outcomes(log: CallLog) -> list[tuple[str, str]]:
    return [(a.provider, a.outcome) for a in log.attempts]


# -- invoke ------------------------------------------------------------------------------------------


async def test_a_success_settles_the_actual_cost_once(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [completion("hello")]})
    log = CallLog()
    result = await world.dispatcher.ainvoke(world.plan(), log)
    assert result.generations[0].message.content == "hello"
    assert outcomes(log) == [("a", "ok")]
    assert log.served_by == "a"
    assert log.cost == pytest.approx(COST)
    spend = world.spend("a")
    assert (spend.count, spend.reserved) == (1, 0.0)
    assert spend.spent == pytest.approx(COST)


def test_the_sync_path_runs_the_same_attempt(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [completion("sync")]})
    log = CallLog()
    assert world.dispatcher.invoke(world.plan(), log).generations[0].message.content == "sync"
    assert world.spend("a").spent == pytest.approx(COST)


async def test_a_retryable_error_is_retried_then_succeeds(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [HTTPError(503), completion()]})
    log = CallLog()
    await world.dispatcher.ainvoke(world.plan(), log)
    assert world.requests() == {"a": 2, "b": 0}
    assert [(a.provider, a.outcome, a.retries) for a in log.attempts] == [("a", "ok", 1)]
    spend = world.spend("a")
    assert (spend.count, spend.reserved) == (1, 0.0)  # the refused try was released, not charged
    assert spend.spent == pytest.approx(COST)


async def test_a_non_retryable_error_falls_back_and_the_record_shows_both(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [HTTPError(401)], "b": [completion("from b")]})
    log = CallLog()
    result = await world.dispatcher.ainvoke(world.plan(), log)
    assert result.generations[0].message.content == "from b"
    assert world.requests() == {"a": 1, "b": 1}
    assert outcomes(log) == [("a", "auth"), ("b", "ok")]
    assert log.attempts[0].status == 401
    assert log.served_by == "b"
    assert world.spend("a").count == 0
    assert world.spend("b").spent == pytest.approx(COST)


async def test_every_provider_failing_raises_an_error_naming_each(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [HTTPError(401)], "b": [HTTPError(404)]})
    log = CallLog()
    with pytest.raises(AllProvidersFailedError) as caught:
        await world.dispatcher.ainvoke(world.plan(), log)
    assert "a: auth" in str(caught.value)
    assert "b: not_found" in str(caught.value)
    assert [(a.provider, a.outcome) for a in caught.value.attempts] == [("a", "auth"), ("b", "not_found")]
    assert world.spend("a").reserved == world.spend("b").reserved == 0.0


async def test_a_provider_over_budget_is_skipped_without_a_request(tmp_path: Path) -> None:
    world = World(tmp_path, {"b": [completion()]}, limits={"a": 0.01, "b": 1000.0})
    log = CallLog()
    await world.dispatcher.ainvoke(world.plan(), log)
    assert world.requests() == {"a": 0, "b": 1}
    assert outcomes(log) == [("a", "budget"), ("b", "ok")]
    assert world.spend("a").spent == 0.0


async def test_the_breaker_opens_after_n_failures_and_the_next_call_skips_the_provider(tmp_path: Path) -> None:
    world = World(
        tmp_path,
        {"a": [HTTPError(500), HTTPError(500)], "b": [completion(), completion(), completion()]},
        max_retries=0,
        breaker_failures=2,
    )
    for _ in range(2):
        await world.dispatcher.ainvoke(world.plan(), CallLog())
    assert world.breaker.open_providers() == {"a"}
    log = CallLog()
    await world.dispatcher.ainvoke(world.plan(), log)
    assert world.requests() == {"a": 2, "b": 3}
    assert outcomes(log) == [("a", "circuit_open"), ("b", "ok")]


# -- streams -----------------------------------------------------------------------------------------


async def test_a_completed_stream_settles_its_usage_once(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [STREAM]})
    log = CallLog()
    text = "".join([str(c.message.content) async for c in world.dispatcher.astream(world.plan(), log)])
    assert text == "Hello"
    assert outcomes(log) == [("a", "ok")]
    spend = world.spend("a")
    assert (spend.count, spend.reserved) == (1, 0.0)
    assert spend.spent == pytest.approx(COST)
    assert world.clients["a"].closed_streams == 1


async def test_a_stream_cut_by_its_async_caller_settles_once(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [STREAM]})
    log = CallLog()
    stream = world.dispatcher.astream(world.plan(), log)
    first = await anext(stream)
    assert first.message.content == "Hel"
    await stream.aclose()  # the caller stops reading
    spend = world.spend("a")
    assert (spend.count, spend.reserved) == (1, 0.0)
    assert spend.spent > 0  # what was delivered is charged, up to the output ceiling
    assert world.clients["a"].closed_streams == 1


def test_a_stream_its_sync_caller_breaks_out_of_settles_once(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [STREAM]})
    log = CallLog()
    for _ in world.dispatcher.stream(world.plan(), log):
        break
    spend = world.spend("a")
    assert (spend.count, spend.reserved) == (1, 0.0)
    assert spend.spent > 0
    assert world.clients["a"].closed_streams == 1


async def test_a_stream_failing_midway_settles_once_and_does_not_fall_back(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [[chunk("Hel"), ConnectionError("reset by peer")]], "b": [STREAM]})
    log = CallLog()
    received = []

    async def read() -> None:
        async for c in world.dispatcher.astream(world.plan(), log):
            received.append(c.message.content)

    with pytest.raises(StreamInterruptedError) as caught:
        await read()
    assert received == ["Hel"]
    assert caught.value.provider == "a"
    assert world.requests() == {"a": 1, "b": 0}  # after content, another model's answer is never spliced in
    assert outcomes(log) == [("a", "connection")]
    spend = world.spend("a")
    assert (spend.count, spend.reserved) == (1, 0.0)
    assert spend.spent > 0


async def test_a_stream_that_fails_before_content_falls_back(tmp_path: Path) -> None:
    world = World(tmp_path, {"a": [[chunk(finish="stop")]], "b": [STREAM]}, max_retries=0)
    log = CallLog()
    text = "".join([str(c.message.content) async for c in world.dispatcher.astream(world.plan(), log)])
    assert text == "Hello"
    assert outcomes(log) == [("a", "empty_stream"), ("b", "ok")]
    assert world.spend("b").spent == pytest.approx(COST)


# -- every script leaves the books right ---------------------------------------------------------

_step = st.sampled_from(["ok", "503", "401", "429", "timeout"])


def _as_step(name: str) -> Step:
    steps: dict[str, Step] = {
        "ok": completion(),
        "503": HTTPError(503),
        "401": HTTPError(401),
        "429": HTTPError(429),
        "timeout": TimeoutError(),
    }
    return steps[name]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=st.lists(_step, min_size=3, max_size=3), b=st.lists(_step, min_size=3, max_size=3))
def test_whatever_the_providers_do_no_reservation_is_left_and_spend_is_what_the_log_says(
    tmp_path: Path, a: list[str], b: list[str]
) -> None:
    world = World(tmp_path, {"a": [_as_step(s) for s in a], "b": [_as_step(s) for s in b]}, max_retries=1)
    log = CallLog()
    try:
        asyncio.run(world.dispatcher.ainvoke(world.plan(), log))
    except AllProvidersFailedError:
        assert log.served_by is None
    spent = world.spend("a").spent + world.spend("b").spent
    assert world.spend("a").reserved == world.spend("b").reserved == 0.0
    sent = a[: world.clients["a"].requests] + b[: world.clients["b"].requests]
    if "timeout" in sent:  # a request cut in flight may have been billed: charged at its worst case
        assert spent > log.cost
    else:  # an HTTP error answer costs nothing; only the answer that served is charged
        assert spent == pytest.approx(log.cost)
    assert (log.served_by is not None) == any(o == "ok" for _, o in outcomes(log))


# -- no upward calls -----------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["attempt", "context", "plan"])
def test_an_attempt_never_reaches_the_dispatcher(module: str) -> None:
    """Not even under ``TYPE_CHECKING``: an attempt gets its ``AttemptContext`` and nothing more."""
    import ast

    import langchain_aegis.dispatch as package

    tree = ast.parse((Path(package.__file__).parent / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {node.module or "", *(alias.name for alias in node.names)}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    assert not sorted(n for n in names if "dispatcher" in n.lower())
