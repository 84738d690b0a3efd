"""Budget periods: calendar months in the configured zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from langchain_aegis.budget import MemoryLedger, period_bounds, period_for
from langchain_aegis.errors import BudgetExceededError, ConfigError


@pytest.mark.parametrize(
    ("now", "tz", "period"),
    [
        (datetime(2026, 11, 15, tzinfo=UTC), "UTC", "2026-11"),
        (datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC), "UTC", "2026-11"),
        (datetime(2026, 12, 1, tzinfo=UTC), "UTC", "2026-12"),
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "Asia/Tokyo", "2026-12"),
        (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), "America/New_York", "2026-11"),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), "Europe/Paris", "2027-01"),
        (datetime(2026, 11, 15), "UTC", "2026-11"),  # naive means UTC
    ],
)
def test_period_for(now: datetime, tz: str, period: str) -> None:
    assert period_for(now, tz) == period


def test_unknown_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        period_for(datetime(2026, 1, 1, tzinfo=UTC), "Mars/Olympus")


def test_period_bounds() -> None:
    start, end = period_bounds("2026-12", "Europe/Paris")
    assert start.isoformat() == "2026-12-01T00:00:00+01:00"
    assert end.isoformat() == "2027-01-01T00:00:00+01:00"
    assert period_for(start, "Europe/Paris") == "2026-12"
    assert period_for(end - timedelta(seconds=1), "Europe/Paris") == "2026-12"
    with pytest.raises(ValueError, match="2026-13"):
        period_bounds("2026-13")


def test_a_new_month_starts_at_zero() -> None:
    ledger = MemoryLedger()
    clock = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)

    def spend() -> None:
        period = period_for(clock, "UTC")
        r = ledger.reserve("openai", 10.0, limit=10.0, period=period, now=clock.timestamp())
        ledger.settle(r, 10.0, now=clock.timestamp())

    spend()
    with pytest.raises(BudgetExceededError):
        spend()
    clock += timedelta(hours=3)  # December
    spend()
    assert ledger.snapshot("2026-11", now=clock.timestamp())["openai"].spent == 10.0
    assert ledger.snapshot("2026-12", now=clock.timestamp())["openai"].spent == 10.0
