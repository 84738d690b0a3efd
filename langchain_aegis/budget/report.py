"""What ``aegis budget`` shows: each provider's spend against its monthly cap.

It must not change a ledger: it only reads spend.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from langchain_aegis._terminal import render_table
from langchain_aegis.budget.ledger import Ledger, Spend
from langchain_aegis.budget.periods import period_for
from langchain_aegis.config.models import AegisConfig

__all__ = ["budget_rows", "render_budget_table"]


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
    return render_table(header, body, right=(2, 3, 4, 5, 6))
