"""The guard's quality criterion: table tests of the pure policy, then the guard with its store."""

from __future__ import annotations

import logging

import pytest

from langchain_aegis.config.models import RolloutConfig
from langchain_aegis.dispatch.records import CallRecord
from langchain_aegis.eval.store import QualityStore
from langchain_aegis.rollout.guard import RolloutGuard
from langchain_aegis.rollout.policy import QualityStats, RolloutState, ScoreSums, WindowStats, evaluate
from langchain_aegis.state import InMemoryStateStore

RULE = "critical_to_openai"


def sums(scores: list[float]) -> ScoreSums:
    out = ScoreSums()
    for s in scores:
        out = out.add(s)
    return out


def paired(treated: list[float], baseline: list[float]) -> QualityStats:
    return QualityStats(sums(treated), sums(baseline), sums([t - b for t, b in zip(treated, baseline, strict=True)]))


def cfg(**kw: object) -> RolloutConfig:
    base: dict[str, object] = {"steps": [0.1, 0.5, 1.0], "hold_seconds": 0, "min_calls": 1, "min_quality_samples": 30}
    return RolloutConfig.model_validate({**base, **kw})


def run(quality: QualityStats | None, config: RolloutConfig) -> tuple[str, str]:
    state = RolloutState(rule=RULE, step_index=1, share=0.5, since=0.0, reason="")
    stats = WindowStats(calls=50, errors=0, p95_latency_ms=100, cost_usd=0.0, quality=quality)
    _, event = evaluate(state, stats, config, now=1000.0)
    return event.action, event.reason


# 40 pairs; treated 0.6 ± 0.1 against baseline 0.8: a clear 25% regression
CLEAR = paired([0.5, 0.7] * 20, [0.8] * 40)
# 40 pairs; treated 0.75 against 0.8 (-6.25%) but the differences swing -0.3..+0.2: the interval spans 0
NOISY = paired([0.5, 1.0] * 20, [0.8] * 40)
# 10 pairs only, a clear regression
FEW = paired([0.5, 0.7] * 5, [0.8] * 10)
# 40 pairs, a significant but small -2.5% drop
SMALL = paired([0.77, 0.79] * 20, [0.8] * 40)
# independent samples (feedback): treated 0.6 (n=40), baseline 0.8 (n=40)
UNPAIRED = QualityStats(sums([0.5, 0.7] * 20), sums([0.7, 0.9] * 20))


@pytest.mark.parametrize(
    ("quality", "action", "in_reason"),
    [
        (CLEAR, "rollback", "quality 0.600 vs baseline 0.800 (-25.0%"),
        (UNPAIRED, "rollback", "40 scores"),
        (NOISY, "advance", "advance"),
        (FEW, "advance", "advance"),
        (SMALL, "advance", "advance"),
        (None, "advance", "advance"),
    ],
)
def test_max_quality_regression(quality: QualityStats | None, action: str, in_reason: str) -> None:
    got, reason = run(quality, cfg(max_quality_regression=0.05))
    assert got == action
    assert in_reason in reason


def test_the_rollback_reason_names_every_figure() -> None:
    _, reason = run(CLEAR, cfg(max_quality_regression=0.05))
    low, high = CLEAR.interval()
    assert f"[{low:+.3f}, {high:+.3f}]" in reason
    assert "40 pairs" in reason
    assert "more than 5.0% below the baseline" in reason


def test_without_the_criterion_quality_is_ignored() -> None:
    assert run(CLEAR, cfg())[0] == "advance"


@pytest.mark.parametrize(
    ("quality", "action", "in_reason"),
    [
        (paired([0.9] * 40, [0.8] * 40), "advance", "advance"),
        (paired([0.8] * 40, [0.8] * 40), "advance", "advance"),  # equal is enough with a gain of 0
        (SMALL, "hold", "is not at least 0.0% above the baseline"),
        (FEW, "hold", "quality gate needs 30 scores, has 10"),
        (None, "hold", "quality gate needs 30 scores, has 0"),
    ],
)
def test_min_quality_gain_gates_each_step_up(quality: QualityStats | None, action: str, in_reason: str) -> None:
    got, reason = run(quality, cfg(min_quality_gain=0.0))
    assert got == action
    assert in_reason in reason


def test_interval_of_paired_differences() -> None:
    q = paired([0.5, 0.7] * 20, [0.8] * 40)
    low, high = q.interval()
    # differences -0.3/-0.1: mean -0.2, sd 0.1013, se 0.016 → ±0.031
    assert q.delta == pytest.approx(-0.2)
    assert (low, high) == pytest.approx((-0.2 - 1.96 * 0.1013 / 40**0.5, -0.2 + 1.96 * 0.1013 / 40**0.5), abs=1e-3)


# -- the guard, its store and the log line --------------------------------------------


def _guard(**kw: object) -> tuple[RolloutGuard, QualityStore]:
    store = InMemoryStateStore()
    quality = QualityStore(store)
    config = cfg(max_quality_regression=0.05, window_seconds=600, hold_seconds=10_000, **kw)
    guard = RolloutGuard({RULE: config}, {RULE: "openai"}, store, quality=quality, baselines={RULE: "local_ollama"})
    return guard, quality


def _call(now: float, guard: RolloutGuard) -> None:
    guard.observe(CallRecord("openai", "openai", RULE, "ok", 0.1), now=now)


def test_guard_rolls_back_on_a_scripted_quality_regression(caplog: pytest.LogCaptureFixture) -> None:
    guard, quality = _guard()
    _call(0.0, guard)  # starts the rollout at t=0, at its first step
    guard.advance(RULE, 0.0)  # 50%
    for i in range(40):
        quality.add_pair(RULE, 0.55 if i % 2 else 0.65, 0.8, now=20.0 + i)
    with caplog.at_level(logging.WARNING, logger="langchain_aegis"):
        _call(100.0, guard)
    state = guard.state(RULE, 100.0)
    assert state.share == 0.1
    line = next(r.getMessage() for r in caplog.records if "rollback" in r.getMessage())
    assert line.startswith(f"rollout {RULE}: rollback 50% -> 10% (rollback: quality 0.600 vs baseline 0.800")
    # the evidence before the change is not judged again: no cascade
    _call(120.0, guard)
    assert guard.state(RULE, 120.0).share == 0.1


def test_guard_does_not_roll_back_on_noise_below_the_minimum_sample() -> None:
    guard, quality = _guard()
    _call(0.0, guard)
    guard.advance(RULE, 0.0)
    for i in range(29):  # one short of min_quality_samples
        quality.add_pair(RULE, 0.0, 1.0, now=20.0 + i)
    _call(100.0, guard)
    assert guard.state(RULE, 100.0).share == 0.5


def test_guard_uses_feedback_scores_when_there_are_no_shadow_pairs() -> None:
    guard, quality = _guard()
    _call(0.0, guard)
    guard.advance(RULE, 0.0)
    for i in range(40):
        quality.add("openai", RULE, 0.5 if i % 2 else 0.6, now=20.0 + i)
        quality.add("local_ollama", "default_local", 0.9, now=20.0 + i)  # the baseline under any rule
    _call(100.0, guard)
    assert guard.state(RULE, 100.0).share == 0.1


def test_quality_store_windows_and_bounds() -> None:
    store = InMemoryStateStore()
    q = QualityStore(store, bucket_seconds=10, horizon_seconds=100)
    for t in range(0, 300, 5):
        q.add("p", "r", 1.0, now=float(t))
    assert q.sums("p", "r", 250, 300).n == 10  # buckets 250..290, two scores each
    raw = store.get_state("quality:quality:r:p")
    assert raw is not None
    assert len(raw["b"]) <= 11
    assert q.sums("p", None, 0, 300).n == q.sums("p", "r", 0, 300).n


def test_noise_case_is_what_it_claims() -> None:
    low, high = NOISY.interval()
    assert NOISY.relative < -0.05
    assert low < 0 < high
