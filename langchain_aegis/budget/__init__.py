"""Hard monthly budgets: the spend ledger, its backends, periods and reports.

The Redis backend is imported only by :func:`open_ledger` (it needs the
``redis`` extra).

It only re-exports; the package must not import dispatch, routing or the chat model.
"""

from langchain_aegis.budget.backends import open_ledger
from langchain_aegis.budget.ledger import Ledger, Reservation, Spend, default_sqlite_path
from langchain_aegis.budget.memory import MemoryLedger
from langchain_aegis.budget.periods import period_bounds, period_for
from langchain_aegis.budget.report import budget_rows, render_budget_table
from langchain_aegis.budget.sqlite import SQLiteLedger

__all__ = [
    "Ledger",
    "MemoryLedger",
    "Reservation",
    "SQLiteLedger",
    "Spend",
    "budget_rows",
    "default_sqlite_path",
    "open_ledger",
    "period_bounds",
    "period_for",
    "render_budget_table",
]
