"""Fault injection: every failure mode, at every position of the chain, through every entry point.

Three loopback providers form the chain ``openai -> ollama_cloud -> local_ollama``.
Each test injects faults on the servers and checks three things: what the
caller got (the next provider's answer, or a typed error), how many chat
requests each server received (so retries never stack: a retryable fault with
``max_retries=1`` costs exactly two requests at that provider and one at the
next), and that the call ended within its deadline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from langchain_aegis.errors import (
    AegisError,
    AllProvidersFailedError,
    PrivacyViolationError,
    ProviderCallError,
    StreamInterruptedError,
)
from tests.integration_tests.fault_fixtures import (
    CHAIN,
    MODES,
    STREAM_MODES,
    Servers,
    StreamRecorder,
    call,
    closed_port_url,
    first,
    model_for,
    requests_by_attempts,
    running_servers,
)

PROMPT = "Say hello to the fault suite"
DEADLINE = 3.0
SLACK = 0.8  # thread hops, loop scheduling and client set-up on a busy 2-core CI machine


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with running_servers() as running:
        yield running


@pytest.fixture(autouse=True)
def _clean(servers: Servers) -> Iterator[None]:
    servers.reset()
    yield
    servers.reset()


@pytest.fixture(scope="module", autouse=True)
def _warm(servers: Servers) -> None:
    # The first call imports any-llm (about 2 s); keep that out of every deadline below.
    model = model_for(servers)
    model.invoke(PROMPT, first("openai"))
    model.invoke(PROMPT, first("ollama_cloud"))


# -- the fault table -------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A fault and what the router must do with it.

    Attributes:
        name: the fault kind injected on the server.
        params: fault parameters (``retry_after``, ``delay``, ``after_chunks``).
        outcome: the attempt outcome recorded for the faulty provider.
        retried: whether the router retries it once before moving on.
        error: the typed error a caller gets instead of a fallback, if any.
        stream: overrides for stream entry points, where a fault behaves differently.
    """

    name: str
    outcome: str
    retried: bool = True
    error: type[AegisError] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    stream: dict[str, Any] = field(default_factory=dict)

    def for_mode(self, mode: str) -> Fault:
        if mode in STREAM_MODES and self.stream:
            return Fault(**{**self.__dict__, **self.stream, "stream": {}})
        return self


FAULTS = [
    Fault("rate_limit", "rate_limit", params={"retry_after": 0.05}),
    Fault("server_error", "server"),
    Fault("bad_gateway", "server"),
    Fault("unavailable", "server"),
    Fault("gateway_timeout", "timeout"),
    Fault("disconnect", "connection"),
    Fault("hang", "timeout", params={"delay": 1.0}),
    Fault("malformed", "malformed"),
    # A non-streamed empty answer is a body without choices (OpenAI) or no body (Ollama).
    Fault("empty_stream", "malformed", stream={"outcome": "empty_stream"}),
    # A cut body fails to parse; a cut stream has already reached the caller.
    Fault(
        "stream_cut",
        "connection",
        params={"after_chunks": 3},
        stream={"outcome": "connection", "retried": False, "error": StreamInterruptedError},
    ),
    Fault("unauthorized", "auth", retried=False),
    Fault("model_not_found", "not_found", retried=False),
    Fault("bad_request", "invalid_request", retried=False, error=ProviderCallError),
    Fault("content_filter", "content_filter", retried=False, error=ProviderCallError),
    Fault("filtered_completion", "content_filter", retried=False, error=ProviderCallError),
    # No provider declares a larger context window, so there is nowhere to go.
    Fault("context_length", "context_length", retried=False, error=AllProvidersFailedError),
]
FAST_FAULTS = [f for f in FAULTS if f.name in ("server_error", "disconnect", "malformed", "unauthorized")]


def expected_requests(fault: Fault, faulty: list[str], start: str) -> tuple[dict[str, int], str | None]:
    """Requests per server, and who answers (``None`` for an error), for ``fault`` at ``faulty``."""
    counts = dict.fromkeys(CHAIN, 0)
    for provider in CHAIN[CHAIN.index(start) :]:
        if provider not in faulty:
            counts[provider] = 1
            return counts, provider
        counts[provider] = 2 if fault.retried else 1
        if fault.error is not None:
            return counts, None
    return counts, None


def _attempts_of(exc: BaseException) -> list[dict[str, Any]]:
    return [a.as_dict() for a in getattr(exc, "attempts", ())]


async def _run(model: Any, mode: str, config: Any) -> tuple[Any, BaseException | None, float, StreamRecorder]:
    recorder = StreamRecorder()
    started = time.monotonic()
    try:
        message = await call(model, mode, PROMPT, config, recorder)
    except AegisError as exc:
        return None, exc, time.monotonic() - started, recorder
    return message, None, time.monotonic() - started, recorder


def _check(
    servers: Servers,
    fault: Fault,
    faulty: list[str],
    start: str,
    message: Any,
    error: BaseException | None,
    elapsed: float,
) -> None:
    counts, served_by = expected_requests(fault, faulty, start)
    assert servers.chat_counts() == counts
    assert elapsed < DEADLINE + SLACK
    if served_by is not None:
        assert error is None, f"expected {served_by} to answer, got {error!r}"
        aegis = message.response_metadata["aegis"]
        assert aegis["served_by"] == served_by
        assert message.content
        assert requests_by_attempts(aegis["attempts"]) == counts
        failed = [a for a in aegis["attempts"] if a["outcome"] != "ok"]
        assert [a["provider"] for a in failed] == [p for p in CHAIN[CHAIN.index(start) :] if p in faulty]
        for attempt in failed:
            assert attempt["outcome"] == fault.outcome
            assert attempt["retries"] == (1 if fault.retried else 0)
            assert attempt["duration_ms"] >= 0
        return
    expected = fault.error or AllProvidersFailedError
    assert isinstance(error, expected), f"expected {expected.__name__}, got {error!r}"
    if isinstance(error, AllProvidersFailedError):
        assert requests_by_attempts(_attempts_of(error)) == counts
    if isinstance(error, ProviderCallError):
        assert error.kind == fault.outcome
        assert error.provider == start


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
async def test_fault_at_the_first_provider(servers: Servers, fault: Fault, mode: str) -> None:
    fault = fault.for_mode(mode)
    servers.openai.inject(fault.name, times=2, **fault.params)
    message, error, elapsed, recorder = await _run(model_for(servers), mode, first("openai"))
    _check(servers, fault, ["openai"], "openai", message, error, elapsed)
    if isinstance(error, StreamInterruptedError):
        # The caller keeps what openai sent; no other provider's words follow it.
        assert error.provider == "openai"
        assert error.chunks_delivered >= 1
        assert recorder.text
        assert all(not c.response_metadata.get("aegis") for c in recorder.chunks)


POSITIONS = [
    pytest.param(["openai"], "openai", id="A-fails"),
    pytest.param(["openai", "ollama_cloud"], "openai", id="A-B-fail"),
    pytest.param(list(CHAIN), "openai", id="all-fail"),
    pytest.param(["ollama_cloud"], "ollama_cloud", id="start-B-B-fails"),
    pytest.param(["ollama_cloud", "local_ollama"], "ollama_cloud", id="start-B-all-fail"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("faulty", "start"), POSITIONS)
@pytest.mark.parametrize("fault", FAST_FAULTS, ids=lambda f: f.name)
async def test_fault_at_each_position(servers: Servers, fault: Fault, faulty: list[str], start: str, mode: str) -> None:
    for provider in faulty:
        servers[provider].inject(fault.name, times=2, **fault.params)
    message, error, elapsed, _ = await _run(model_for(servers), mode, first(start))
    _check(servers, fault, faulty, start, message, error, elapsed)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("provider", ["openai", "ollama_cloud"])
async def test_stream_cut_mid_answer_never_switches_provider(servers: Servers, provider: str, mode: str) -> None:
    servers[provider].inject("stream_cut", after_chunks=3)
    message, error, _, recorder = await _run(model_for(servers), mode, first(provider))
    counts = servers.chat_counts()
    if mode in STREAM_MODES:
        assert isinstance(error, StreamInterruptedError)
        assert error.provider == provider
        assert error.chunks_delivered == len(recorder.chunks) >= 1
        assert error.chars_delivered == len(recorder.text) > 0
        assert sum(counts.values()) == 1  # no retry and no fallback once words reached the caller
    else:  # a cut body never reached the caller: retried, then served by the same provider
        assert error is None
        assert message.response_metadata["aegis"]["served_by"] == provider
        assert counts[provider] == 2


# -- retry budget ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("max_retries", [0, 1, 2])
@pytest.mark.parametrize("provider", ["openai", "ollama_cloud"])
async def test_sdk_retries_are_off_and_the_router_retries_max_retries_times(
    servers: Servers, provider: str, max_retries: int, mode: str
) -> None:
    servers[provider].inject("unavailable", times=max_retries + 1)
    model = model_for(servers, max_retries=max_retries)
    message, error, _, _ = await _run(model, mode, first(provider))
    assert error is None
    assert servers.chat_counts()[provider] == max_retries + 1  # neither any-llm, openai nor ollama retried
    nxt = CHAIN[CHAIN.index(provider) + 1]
    assert message.response_metadata["aegis"]["served_by"] == nxt
    assert servers.chat_counts()[nxt] == 1


@pytest.mark.parametrize("mode", ["invoke", "astream"])
@pytest.mark.parametrize(("retry_after", "at_least", "at_most"), [(0.15, 0.15, 1.0), (30.0, 0.2, 1.0)])
async def test_retry_after_is_honoured_up_to_the_cap(
    servers: Servers, retry_after: float, at_least: float, at_most: float, mode: str
) -> None:
    servers.openai.inject("rate_limit", retry_after=retry_after)
    message, error, elapsed, _ = await _run(model_for(servers), mode, first("openai"))
    assert error is None
    assert message.response_metadata["aegis"]["served_by"] == "openai"  # the retry succeeded
    assert servers.chat_counts() == {"openai": 2, "ollama_cloud": 0, "local_ollama": 0}
    assert at_least <= elapsed < at_most  # retry_after_cap is 0.2 s


@pytest.mark.parametrize("mode", MODES)
async def test_connection_refused_falls_back(servers: Servers, mode: str) -> None:
    model = model_for(servers, base_urls={"openai": f"{closed_port_url()}/v1"})
    message, error, elapsed, _ = await _run(model, mode, first("openai"))
    assert error is None
    aegis = message.response_metadata["aegis"]
    assert aegis["served_by"] == "ollama_cloud"
    assert aegis["attempts"][0] == {
        **aegis["attempts"][0],
        "provider": "openai",
        "outcome": "connection",
        "retries": 1,
    }
    assert servers.chat_counts() == {"openai": 0, "ollama_cloud": 1, "local_ollama": 0}
    assert elapsed < 1.0


# -- the deadline ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("provider", ["openai", "ollama_cloud"])
@pytest.mark.parametrize("fault", ["slow", "hang"])
async def test_a_slow_provider_cannot_outlive_the_deadline(
    servers: Servers, fault: str, provider: str, mode: str
) -> None:
    servers[provider].inject(fault, delay=3.0)
    model = model_for(servers, timeout=10.0, deadline=0.4)
    message, error, elapsed, _ = await _run(model, mode, first(provider))
    assert isinstance(error, AllProvidersFailedError), message
    assert "deadline" in str(error)
    assert [(a.provider, a.outcome) for a in error.attempts][:2] == [
        (provider, "timeout"),
        (CHAIN[CHAIN.index(provider) + 1], "deadline"),
    ]
    assert sum(servers.chat_counts().values()) == 1
    assert 0.35 <= elapsed < 0.4 + SLACK


@pytest.mark.parametrize("mode", ["invoke", "ainvoke", "astream"])
async def test_the_deadline_bounds_the_whole_chain(servers: Servers, mode: str) -> None:
    for provider in CHAIN:
        servers[provider].inject("hang", times=2, delay=1.0)
    model = model_for(servers, timeout=0.3, deadline=1.0)
    _, error, elapsed, _ = await _run(model, mode, first("openai"))
    assert isinstance(error, AllProvidersFailedError)
    assert elapsed < 1.0 + SLACK
    counts = servers.chat_counts()
    # Usually openai twice (0.3 s, a short backoff, 0.3 s), then ollama_cloud with what is left.
    # Which provider the last slice lands on depends on scheduling; that no retries stack does not.
    assert 1 <= counts["openai"] <= 2
    assert sum(counts.values()) <= 4


@pytest.mark.parametrize("mode", ["ainvoke", "astream"])
async def test_a_cancelled_call_is_not_a_provider_failure(servers: Servers, mode: str) -> None:
    servers.openai.inject("hang", delay=1.0)
    model = model_for(servers, fresh=True, timeout=5.0, breaker_failures=1)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(call(model, mode, PROMPT, first("openai")), timeout=0.2)
    assert servers.chat_counts() == {"openai": 1, "ollama_cloud": 0, "local_ollama": 0}
    critical = first("openai", quality="critical", complexity="high")
    critical["metadata"]["aegis"].pop("provider")
    assert model.explain(PROMPT, critical).provider == "openai"  # one failure would have opened the breaker


# -- what falls back and what does not --------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_context_length_falls_back_only_to_a_larger_window(servers: Servers, mode: str) -> None:
    servers.openai.inject("context_length")
    windows = {"openai": 8_000, "ollama_cloud": 4_000, "local_ollama": 32_000}
    message, error, _, _ = await _run(model_for(servers, context_windows=windows), mode, first("openai"))
    assert error is None
    aegis = message.response_metadata["aegis"]
    assert aegis["served_by"] == "local_ollama"
    assert [(a["provider"], a["outcome"]) for a in aegis["attempts"]] == [
        ("openai", "context_length"),
        ("ollama_cloud", "context_window"),
        ("local_ollama", "ok"),
    ]
    assert servers.chat_counts() == {"openai": 1, "ollama_cloud": 0, "local_ollama": 1}


@pytest.mark.parametrize("mode", MODES)
async def test_budget_exceeded_falls_back_without_a_request(servers: Servers, mode: str) -> None:
    budgets = {"monthly_limits": {"openai": 0.0}}
    message, error, _, _ = await _run(model_for(servers, budgets=budgets), mode, first("openai"))
    assert error is None
    aegis = message.response_metadata["aegis"]
    assert aegis["served_by"] == "ollama_cloud"
    assert aegis["attempts"][0]["outcome"] == "budget"
    assert servers.chat_counts() == {"openai": 0, "ollama_cloud": 1, "local_ollama": 0}


@pytest.mark.parametrize("mode", MODES)
async def test_local_only_calls_never_reach_a_cloud_server(servers: Servers, mode: str) -> None:
    for provider in CHAIN:
        servers[provider].inject("server_error", times=2)
    config = first("openai") | {"metadata": {"aegis": {"data_classification": "pii"}}}
    _, error, _, _ = await _run(model_for(servers), mode, config)
    assert isinstance(error, PrivacyViolationError)
    assert [(a.provider, a.outcome) for a in error.attempts] == [("local_ollama", "server")]
    assert servers.chat_counts() == {"openai": 0, "ollama_cloud": 0, "local_ollama": 2}


async def test_local_only_call_past_the_deadline_is_a_privacy_error(servers: Servers) -> None:
    servers.local_ollama.inject("slow", delay=2.0)
    model = model_for(servers, timeout=10.0, deadline=0.4)
    config = {"metadata": {"aegis": {"data_classification": "pii"}}}
    _, error, _, _ = await _run(model, "ainvoke", config)
    assert isinstance(error, PrivacyViolationError)
    assert servers.chat_counts() == {"openai": 0, "ollama_cloud": 0, "local_ollama": 1}


# -- circuit breakers --------------------------------------------------------------------------


async def test_breaker_skips_a_failing_provider_then_lets_one_trial_through(servers: Servers) -> None:
    model = model_for(servers, fresh=True, breaker_failures=2, breaker_cooldown=0.3, max_retries=0)
    servers.openai.inject("server_error", times=2)
    for _ in range(2):
        assert (await model.ainvoke(PROMPT, first("openai"))).response_metadata["aegis"]["served_by"] == "ollama_cloud"
    assert servers.chat_counts()["openai"] == 2

    skipped = await model.ainvoke(PROMPT, {"metadata": {"aegis": {"data_classification": "public"}}})
    assert servers.chat_counts()["openai"] == 2  # open: no request
    assert "openai" not in [a["provider"] for a in skipped.response_metadata["aegis"]["attempts"]]
    explained = model.explain(PROMPT, {"metadata": {"aegis": {"quality": "critical", "complexity": "high"}}})
    assert explained.provider != "openai"
    assert "openai skipped: circuit open" in explained.reason

    await asyncio.sleep(0.35)  # cooldown over: half-open
    trial = await model.ainvoke(PROMPT, first("openai"))
    assert trial.response_metadata["aegis"]["served_by"] == "openai"
    assert servers.chat_counts()["openai"] == 3
    assert "openai" not in model.explain(PROMPT).reason  # closed again


async def test_a_rejected_half_open_trial_does_not_wedge_the_breaker(servers: Servers) -> None:
    model = model_for(servers, fresh=True, breaker_failures=1, breaker_cooldown=0.2, max_retries=0)
    servers.openai.inject("server_error")
    await model.ainvoke(PROMPT, first("openai"))  # opens
    await asyncio.sleep(0.25)
    servers.openai.inject("bad_request")  # the trial is rejected for the request's sake
    with pytest.raises(ProviderCallError, match="invalid_request"):
        await model.ainvoke(PROMPT, first("openai"))
    healthy = await model.ainvoke(PROMPT, first("openai"))  # the next call is a trial again
    assert healthy.response_metadata["aegis"]["served_by"] == "openai"


# -- records -------------------------------------------------------------------------------------


def test_every_attempt_is_recorded_and_logged(servers: Servers, caplog: pytest.LogCaptureFixture) -> None:
    servers.openai.inject("rate_limit", times=2, retry_after=0.01)
    servers.ollama_cloud.inject("model_not_found")
    with caplog.at_level(logging.INFO, logger="langchain_aegis"):
        message = model_for(servers).invoke(PROMPT, first("openai"))
    attempts = message.response_metadata["aegis"]["attempts"]
    assert [(a["provider"], a["outcome"], a.get("status"), a.get("retries", 0)) for a in attempts] == [
        ("openai", "rate_limit", 429, 1),
        ("ollama_cloud", "not_found", 404, 0),
        ("local_ollama", "ok", None, 0),
    ]
    assert all(a["duration_ms"] >= 0 for a in attempts)
    logged = [r.getMessage() for r in caplog.records if r.name == "langchain_aegis"]
    assert any("openai" in m and "rate_limit" in m and "retrying" in m for m in logged)
    assert any("openai failed (rate_limit) HTTP 429" in m for m in logged)
    assert any("ollama_cloud failed (not_found) HTTP 404" in m for m in logged)
