"""What ``aegis budget`` shows: each provider's spend against its monthly cap, and usage-limit skips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from langchain_aegis.budget.ledger import Ledger, Spend
from langchain_aegis.budget.periods import period_for
from langchain_aegis.config import AegisConfig

__all__ = ["budget_rows", "quota_rows", "render_budget_table"]


def budget_rows(config: AegisConfig, ledger: Ledger, now: datetime) -> list[dict[str, Any]]:
    """One row per configured provider for the period ``now`` falls in.

    Args:
        config: names the providers, their limits, the alert threshold and the zone.
        ledger: where spend is recorded.
        now: the current time.

    Returns:
        Rows in config order, each a JSON-ready dict: ``provider``, ``period``,
        ``spent``, ``reserved``, ``limit`` (``None`` when uncapped), ``calls``,
        ``share_used`` (``spent / limit``; ``None`` when uncapped, ``1.0`` for
        a zero cap) and ``alert`` (``share_used >= alert_threshold``).
    """
    budgets = config.budgets
    period = period_for(now, budgets.timezone)
    accounts = ledger.snapshot(period, now=now.timestamp())
    rows = []
    for provider in config.providers:
        spend = accounts.get(provider, Spend())
        limit = budgets.monthly_limits.get(provider)
        share = None if limit is None else (spend.spent / limit if limit > 0 else 1.0)
        rows.append(
            {
                "provider": provider,
                "period": period,
                "spent": spend.spent,
                "reserved": spend.reserved,
                "limit": limit,
                "calls": spend.count,
                "share_used": share,
                "alert": share is not None and share >= budgets.alert_threshold,
            }
        )
    return rows


def render_budget_table(rows: Sequence[dict[str, Any]]) -> str:
    """Rows from :func:`budget_rows` as an aligned text table.

    Example output::

        period   provider      spent      limit   used   reserved  calls
        2026-11  openai     $64.1200   $80.0000    80%    $0.0310    912  ALERT
        2026-11  local        $0.0000          -      -    $0.0000   4113
    """
    header = ("period", "provider", "spent", "limit", "used", "reserved", "calls", "")
    body = [
        (
            str(r["period"]),
            str(r["provider"]),
            f"${r['spent']:.4f}",
            "-" if r["limit"] is None else f"${r['limit']:.4f}",
            "-" if r["share_used"] is None else f"{r['share_used']:.0%}",
            f"${r['reserved']:.4f}",
            str(r["calls"]),
            "ALERT" if r["alert"] else "",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    # Names read left-aligned, numbers right-aligned.
    left = {0, 1, 7}

    def fmt(line: Sequence[str]) -> str:
        cells = [c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        return "  ".join(cells).rstrip()

    return "\n".join(fmt(line) for line in [header, *body])


def quota_rows(config: AegisConfig, ledger: Ledger, now: datetime) -> list[dict[str, Any]]:
    """Cloud providers skipped now because their plan's usage limit is used up (see :mod:`langchain_aegis.quota`).

    Returns:
        One JSON-ready dict per skipped provider: ``provider``, ``until``
        (ISO time, UTC) and ``reason`` (e.g. ``weekly usage limit reached``).
    """
    from langchain_aegis.quota import quota_key

    rows = []
    for provider, cfg in config.providers.items():
        if cfg.locality != "cloud":
            continue
        state = ledger.get_state(quota_key(cfg)) or {}
        until = state.get("until")
        if isinstance(until, int | float) and until > now.timestamp():
            when = datetime.fromtimestamp(until, UTC).strftime("%Y-%m-%dT%H:%MZ")
            rows.append({"provider": provider, "until": when, "reason": str(state.get("why", "usage limit reached"))})
    return rows
