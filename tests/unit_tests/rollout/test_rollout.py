"""The rollout guard: pure decisions as tables, then the adapter that records, persists and logs."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from langchain_aegis.config.models import RolloutConfig
from langchain_aegis.dispatch.records import Attempt, CallRecord
from langchain_aegis.observability.metrics import AegisMetrics
from langchain_aegis.rollout.guard import (
    RolloutGuard,
    load_state,
    save_state,
    state_from_dict,
    state_to_dict,
)
from langchain_aegis.rollout.policy import (
    MONTH_SECONDS,
    RolloutState,
    Sample,
    WindowStats,
    advance,
    evaluate,
    prorated_budget,
    rollback,
    window_stats,
)
from langchain_aegis.state import InMemoryStateStore, StateStore

CFG = RolloutConfig(
    steps=[0.1, 0.3, 0.5, 1.0],
    hold_seconds=600,
    max_error_rate=0.05,
    max_p95_latency_ms=1000,
    max_cost_overrun=0.5,
    window_seconds=300,
    min_calls=20,
)


def _state(step: int = 1, since: float = 0.0) -> RolloutState:
    share = CFG.steps[step] if step >= 0 else 0.0
    return RolloutState(rule="r", step_index=step, share=share, since=since, reason="test")


def _stats(
    calls: int = 40, errors: int = 0, p95: float = 300.0, cost: float = 0.0, budget: float | None = None
) -> WindowStats:
    return WindowStats(calls=calls, errors=errors, p95_latency_ms=p95, cost_usd=cost, budget_usd_for_window=budget)


# -- pure evaluate ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "state", "stats", "now", "action", "share", "reason_start"),
    [
        ("healthy holds before hold time", _state(1), _stats(), 599.0, "hold", 0.3, "hold: healthy, 599s of 600s"),
        ("healthy advances after hold", _state(1), _stats(), 600.0, "advance", 0.5, "advance: healthy for 600s"),
        ("too few calls holds", _state(1), _stats(calls=19, errors=19), 9999.0, "hold", 0.3, "hold: 19 calls < min 20"),
        (
            "error rate breach steps back",
            _state(2),
            _stats(calls=25, errors=3),
            10.0,
            "rollback",
            0.3,
            "rollback: error rate 12.0% > 5.0% over 300s",
        ),
        (
            "latency breach steps back",
            _state(2),
            _stats(p95=1450.0),
            10.0,
            "rollback",
            0.3,
            "rollback: p95 latency 1450ms > 1000ms over 300s",
        ),
        (
            "cost breach steps back",
            _state(2),
            _stats(cost=0.16, budget=0.1),
            10.0,
            "rollback",
            0.3,
            "rollback: cost $0.1600 > $0.1500",
        ),
        ("cost within overrun holds", _state(2), _stats(cost=0.149, budget=0.1), 10.0, "hold", 0.5, "hold: healthy"),
        (
            "first step rolls back to zero",
            _state(0),
            _stats(calls=20, errors=2),
            10.0,
            "rollback",
            0.0,
            "rollback: error rate",
        ),
        ("zero share waits for an operator", _state(-1), _stats(), 9999.0, "hold", 0.0, "hold: share is 0"),
        ("last step holds", _state(3), _stats(), 9999.0, "hold", 1.0, "hold: already at the last step"),
        ("error rate at the limit is healthy", _state(1), _stats(calls=20, errors=1), 600.0, "advance", 0.5, "advance"),
    ],
)
def test_evaluate(
    name: str, state: RolloutState, stats: WindowStats, now: float, action: str, share: float, reason_start: str
) -> None:
    new, event = evaluate(state, stats, CFG, now)
    assert event.action == action, name
    assert new.share == share, name
    assert event.to_share == share
    assert event.from_share == state.share
    assert event.reason.startswith(reason_start), event.reason
    if action == "hold":
        assert new is state
    else:
        assert new.since == now
        assert new.history[-1] == event
        assert new.reason == event.reason


def test_recovery_advances_again() -> None:
    state, event = evaluate(_state(2, since=0.0), _stats(errors=10), CFG, now=100.0)
    assert (event.action, state.share) == ("rollback", 0.3)
    # Healthy again, but the hold clock restarted at the rollback.
    state, event = evaluate(state, _stats(), CFG, now=600.0)
    assert (event.action, state.share) == ("hold", 0.3)
    state, event = evaluate(state, _stats(), CFG, now=700.0)
    assert (event.action, state.share) == ("advance", 0.5)
    assert [e.action for e in state.history] == ["rollback", "advance"]


def test_operator_commands_walk_every_step_and_stay_in_bounds() -> None:
    state = RolloutState.initial("r", CFG, now=0.0)
    shares = [state.share]
    for t in range(1, 7):
        state, _ = advance(state, CFG, float(t), "operator")
        shares.append(state.share)
    assert shares == [0.1, 0.3, 0.5, 1.0, 1.0, 1.0, 1.0]
    for t in range(7, 14):
        state, _ = rollback(state, CFG, float(t), "operator")
        shares.append(state.share)
    assert shares[7:] == [0.5, 0.3, 0.1, 0.0, 0.0, 0.0, 0.0]
    state, event = advance(state, CFG, 20.0, "operator: resume")
    assert (event.action, state.share, event.reason) == ("advance", 0.1, "operator: resume")
    assert all(0.0 <= e.from_share <= 1.0 and 0.0 <= e.to_share <= 1.0 for e in state.history)


def test_out_of_range_steps_are_rejected_by_config() -> None:
    with pytest.raises(ValidationError):
        RolloutConfig(steps=[-0.5, 2.0])
    with pytest.raises(ValidationError):
        RolloutConfig(steps=[])


def test_stored_index_beyond_shortened_steps_rolls_back_to_a_real_step() -> None:
    state = RolloutState(rule="r", step_index=7, share=1.0, since=0.0, reason="old config")
    new, event = rollback(state, CFG, 1.0, "op")
    assert (new.step_index, new.share, event.action) == (2, 0.5, "rollback")


# -- windows ------------------------------------------------------------


def test_window_stats_counts_only_the_window_after_since() -> None:
    samples = [
        Sample(at=10.0, ok=False, latency_ms=5000.0, cost_usd=1.0),  # before the window
        Sample(at=250.0, ok=False, latency_ms=5000.0, cost_usd=1.0),  # before since
        *[Sample(at=300.0 + i, ok=True, latency_ms=float(i), cost_usd=0.01) for i in range(20)],
        Sample(at=400.5, ok=False, latency_ms=1.0),  # after now
    ]
    stats = window_stats(samples, now=400.0, window_seconds=300.0, since=300.0, monthly_budget_usd=MONTH_SECONDS)
    assert (stats.calls, stats.errors) == (20, 0)
    assert stats.p95_latency_ms == 18.0  # nearest rank: ceil(0.95 * 20) = 19th of 0..19
    assert stats.cost_usd == pytest.approx(0.2)
    assert stats.budget_usd_for_window == pytest.approx(100.0)  # 100 s of a budget of 1 USD/s


def test_window_stats_empty() -> None:
    stats = window_stats([], now=5.0, window_seconds=300.0)
    assert (stats.calls, stats.errors, stats.p95_latency_ms, stats.error_rate) == (0, 0, 0.0, 0.0)
    assert stats.budget_usd_for_window is None


def test_prorated_budget() -> None:
    assert prorated_budget(80.0, MONTH_SECONDS / 2) == pytest.approx(40.0)
    assert prorated_budget(80.0, -5.0) == 0.0


# -- state persistence ----------------------------------------------


def test_state_round_trips_through_the_store() -> None:
    store = InMemoryStateStore()
    state, _ = rollback(_state(2), CFG, 5.0, "why")
    save_state(store, state)
    assert load_state(store, "r") == state
    assert state_from_dict(state_to_dict(state)) == state
    assert isinstance(store, StateStore)


def test_unreadable_state_restarts(caplog: pytest.LogCaptureFixture) -> None:
    store = InMemoryStateStore()
    store.put_state("rollout:r", {"rule": "r"})
    with caplog.at_level(logging.WARNING, logger="langchain_aegis"):
        assert load_state(store, "r") is None
    assert "unreadable" in caplog.text


# -- the guard ----------------------------------------------------------


def _call(provider: str, ok: bool = True, latency_ms: float = 200.0, cost: float = 0.0) -> CallRecord:
    outcome = "ok" if ok else "server_error"
    return CallRecord(
        requested_provider=provider,
        served_provider=provider if ok else None,
        rule="r",
        status=outcome,
        latency_s=latency_ms / 1000,
        cost_usd=cost,
        attempts=(Attempt(provider, outcome, latency_ms),),
    )


def _guard(
    store: StateStore | None = None, metrics: AegisMetrics | None = None, budgets: dict[str, float] | None = None
) -> RolloutGuard:
    return RolloutGuard({"r": CFG}, {"r": "openai"}, store or InMemoryStateStore(), budgets=budgets, metrics=metrics)


def test_guard_advances_after_hold_and_publishes_share() -> None:
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry()
    guard = _guard(metrics=AegisMetrics(registry))
    assert guard.share("r") == 0.1  # nothing stored yet: the first step
    assert guard.share("unrolled_rule") == 1.0
    events = []
    for t in range(1000):
        events += guard.observe(_call("openai"), now=float(t))
    assert [(e.action, e.to_share) for e in events] == [("advance", 0.3)]
    assert events[0].at == 600.0  # state created at t=0, hold 600 s
    assert guard.share("r") == 0.3
    assert registry.get_sample_value("llm_rollout_share", {"rule": "r"}) == 0.3


def test_guard_rolls_back_once_per_burst_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    store = InMemoryStateStore()
    guard = _guard(store)
    guard.advance("r", now=0.0)  # 0.1 -> 0.3
    events = []
    with caplog.at_level(logging.WARNING, logger="langchain_aegis"):
        for t in range(1, 21):
            events += guard.observe(_call("openai", ok=t % 5 != 0), now=float(t))  # a burst of 20% errors
        for t in range(21, 61):
            # Healthy again: the burst is still inside the 300 s window but predates the rollback.
            events += guard.observe(_call("openai"), now=float(t))
    assert [(e.action, e.to_share) for e in events] == [("rollback", 0.1)]
    assert "rollout r: rollback 30% -> 10%" in caplog.text
    assert "error rate" in caplog.text
    # Another guard on the same store (another worker, or the CLI) sees the new share.
    assert _guard(store).share("r") == 0.1


def test_guard_latency_and_cost_breaches() -> None:
    slow = _guard()
    events = [e for t in range(30) for e in slow.observe(_call("openai", latency_ms=2000), now=float(t))]
    assert [e.action for e in events] == ["rollback"]
    assert "p95 latency 2000ms > 1000ms" in events[0].reason

    # A budget of 1 USD/s; the state starts at t=1, so by t=20 the window allows 19 USD + 50%.
    costly = _guard(budgets={"openai": MONTH_SECONDS})
    events = [e for t in range(1, 21) for e in costly.observe(_call("openai", cost=2.0), now=float(t))]
    assert [e.action for e in events] == ["rollback"]
    assert events[0].reason.startswith("rollback: cost $40.0000 > $28.5000 (window budget $19.0000 + 50.0%)")


def test_guard_ignores_budget_and_privacy_refusals_and_other_providers() -> None:
    guard = _guard()
    budget = CallRecord("openai", None, "r", "budget", 0.0, attempts=(Attempt("openai", "budget", 0.1),))
    no_attempts = CallRecord("openai", None, "r", "privacy", 0.0)
    for t in range(100):
        assert guard.observe(budget, now=float(t)) == []
        assert guard.observe(no_attempts, now=float(t)) == []
        assert guard.observe(_call("local_ollama", ok=False), now=float(t)) == []
    assert guard.evaluate("r", now=100.0).reason.startswith("hold: 0 calls < min 20")


def test_guard_counts_a_fallback_attempt_against_the_failed_provider() -> None:
    guard = _guard()
    record = CallRecord(
        requested_provider="openai",
        served_provider="local_ollama",
        rule="r",
        status="ok",
        latency_s=1.0,
        attempts=(Attempt("openai", "timeout", 900.0), Attempt("local_ollama", "ok", 100.0)),
    )
    events = [e for t in range(20) for e in guard.observe(record, now=float(t))]
    assert [(e.action, e.to_share) for e in events] == [("rollback", 0.0)]


def test_guard_operator_commands_and_unknown_rule() -> None:
    guard = _guard()
    assert guard.rules == ["r"]
    assert guard.rollback("r", now=1.0).to_share == 0.0
    assert guard.rollback("r", now=2.0).action == "hold"
    assert guard.advance("r", now=3.0, reason="ops ticket 12").reason == "ops ticket 12"
    assert guard.state("r", now=4.0).share == 0.1
    with pytest.raises(KeyError):
        guard.advance("nope", now=5.0)
    with pytest.raises(ValueError, match="no provider given"):
        RolloutGuard({"r": CFG}, {}, InMemoryStateStore())


def test_guard_from_config() -> None:
    from langchain_aegis.config.models import AegisConfig

    config = AegisConfig.model_validate(
        {
            "providers": {
                "local_ollama": {"type": "ollama", "model": "m", "locality": "local"},
                "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud"},
            },
            "budgets": {"monthly_limits": {"openai": 80.0}},
            "routing": {"rollouts": {"critical_to_openai": {"steps": [0.25, 1.0]}}},
        }
    )
    guard = RolloutGuard.from_config(config, InMemoryStateStore())
    assert guard.rules == ["critical_to_openai"]
    assert guard.share("critical_to_openai") == 0.25
