"""Budget periods: calendar months in the configured time zone.

A period is named ``"YYYY-MM"``. Every ledger keeps one account per provider
and period, so a new month starts from zero without anyone resetting anything.
Callers pass the current time in; nothing here reads a clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from langchain_aegis.errors import ConfigError

__all__ = ["period_bounds", "period_for", "zone"]


@cache
def zone(tz: str) -> tzinfo:
    """The time zone named ``tz`` (an IANA name such as ``Europe/Paris``).

    Raises:
        ConfigError: the name is not a known zone.
    """
    if tz.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"budgets.timezone: {tz!r} is not a known IANA time zone") from None


def period_for(now: datetime, tz: str = "UTC") -> str:
    """The budget period ``now`` falls in.

    Args:
        now: the current time; a naive datetime is taken to be UTC.
        tz: the zone whose calendar months the budget follows.

    Returns:
        The period name, e.g. ``"2026-11"``.

    Example:
        >>> period_for(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "Asia/Tokyo")
        '2026-12'
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    local = now.astimezone(zone(tz))
    return f"{local.year:04d}-{local.month:02d}"


def period_bounds(period: str, tz: str = "UTC") -> tuple[datetime, datetime]:
    """The first instant of a period and of the period after it.

    Args:
        period: a name from :func:`period_for`.
        tz: the budget's zone.

    Raises:
        ValueError: ``period`` is not ``YYYY-MM``.
    """
    year, month = (int(part) for part in period.split("-", 1))
    if not 1 <= month <= 12:
        raise ValueError(f"{period!r} is not a YYYY-MM period")
    start = datetime(year, month, 1, tzinfo=zone(tz))
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone(tz))
    return start, end
