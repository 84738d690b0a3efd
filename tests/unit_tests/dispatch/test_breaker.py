"""Tables for :mod:`langchain_aegis.dispatch.breaker`: CircuitBreaker and SharedCircuitBreaker."""

from __future__ import annotations

import pytest

from langchain_aegis.config.models import ResilienceConfig
from langchain_aegis.dispatch.breaker import CircuitBreaker, SharedCircuitBreaker
from langchain_aegis.errors import CircuitOpenError

# -- CircuitBreaker -------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(ResilienceConfig(breaker_failures=3, breaker_cooldown=30.0), clock=clock)


def _fail(breaker: CircuitBreaker, times: int, provider: str = "p") -> None:
    for _ in range(times):
        breaker.before_call(provider)
        breaker.record_failure(provider)


def test_breaker_opens_at_the_threshold(breaker: CircuitBreaker) -> None:
    _fail(breaker, 2)
    assert breaker.open_providers() == frozenset()
    assert breaker.before_call("p") is False
    breaker.record_failure("p")
    assert breaker.open_providers() == {"p"}
    with pytest.raises(CircuitOpenError) as info:
        breaker.before_call("p")
    assert info.value.retry_in == pytest.approx(30.0)
    assert info.value.kind == "circuit_open"


def test_failures_must_be_consecutive(breaker: CircuitBreaker) -> None:
    _fail(breaker, 2)
    breaker.record_success("p")
    _fail(breaker, 2)
    assert breaker.open_providers() == frozenset()


def test_breakers_are_per_provider(breaker: CircuitBreaker) -> None:
    _fail(breaker, 3, "a")
    assert breaker.open_providers() == {"a"}
    assert breaker.before_call("b") is False


def test_open_breaker_skips_during_cooldown(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now += 29.9
    with pytest.raises(CircuitOpenError) as info:
        breaker.before_call("p")
    assert info.value.retry_in == pytest.approx(0.1)
    assert breaker.open_providers() == {"p"}


def test_half_open_lets_a_single_trial_through(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now += 30.0
    assert breaker.open_providers() == frozenset()  # routing may choose it again
    assert breaker.before_call("p") is True  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.before_call("p")  # everyone else still skips it


def test_successful_trial_closes(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now += 30.0
    assert breaker.before_call("p") is True
    breaker.record_success("p")
    assert breaker.before_call("p") is False
    assert breaker.before_call("p") is False
    _fail(breaker, 2)  # the count starts again from zero
    assert breaker.open_providers() == frozenset()


def test_failed_trial_reopens_for_a_full_cooldown(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now += 30.0
    assert breaker.before_call("p") is True
    breaker.record_failure("p")  # one failure is enough in half-open
    assert breaker.open_providers() == {"p"}
    clock.now += 29.0
    with pytest.raises(CircuitOpenError):
        breaker.before_call("p")
    clock.now += 1.0
    assert breaker.before_call("p") is True


def test_neutral_trial_frees_the_slot_without_closing(breaker: CircuitBreaker, clock: Clock) -> None:
    _fail(breaker, 3)
    clock.now += 30.0
    assert breaker.before_call("p") is True
    breaker.record_neutral("p")  # e.g. the trial request was a 400
    assert breaker.before_call("p") is True  # the next call is the trial
    breaker.record_failure("p")
    assert breaker.open_providers() == {"p"}


# -- breakers shared through a state store (the Redis ledger in production) -------------------------


class _Store:
    def __init__(self) -> None:
        self.data: dict[str, dict[str, object]] = {}

    def get_state(self, key: str) -> dict[str, object] | None:
        return self.data.get(key)

    def put_state(self, key: str, value: dict[str, object]) -> None:
        self.data[key] = dict(value)


def test_a_breaker_opened_by_one_replica_is_seen_by_the_others() -> None:
    now = [1000.0]
    store = _Store()
    cfg = ResilienceConfig(breaker_failures=2, breaker_cooldown=30.0)
    a = SharedCircuitBreaker(cfg, store, ["openai", "local"], clock=lambda: now[0], refresh=1.0)
    b = SharedCircuitBreaker(cfg, store, ["openai", "local"], clock=lambda: now[0], refresh=1.0)
    assert b.open_providers() == frozenset()

    a.record_failure("openai")
    a.record_failure("openai")
    assert a.open_providers() == {"openai"}
    now[0] += 1.5  # b refreshes at most once a second
    assert b.open_providers() == {"openai"}
    with pytest.raises(CircuitOpenError):
        b.before_call("openai")

    now[0] += 31  # after the cooldown each replica lets one trial through
    assert b.before_call("openai") is True
    b.record_success("openai")
    now[0] += 1.5
    assert a.open_providers() == frozenset()
    assert a.before_call("openai") is False


def test_a_store_outage_leaves_breakers_local() -> None:
    class Broken(_Store):
        def get_state(self, key: str) -> dict[str, object] | None:
            raise ConnectionError("redis is down")

        def put_state(self, key: str, value: dict[str, object]) -> None:
            raise ConnectionError("redis is down")

    breaker = SharedCircuitBreaker(ResilienceConfig(breaker_failures=1), Broken(), ["openai"])
    breaker.record_failure("openai")
    assert breaker.open_providers() == {"openai"}
