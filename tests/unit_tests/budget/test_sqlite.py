"""What only the SQLite ledger does: persist, share a file, survive a fork."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from langchain_aegis.budget import Spend, SQLiteLedger
from langchain_aegis.errors import BudgetExceededError

NOW = 1_800_000_000.0
P = "2026-11"


def test_spend_and_state_persist_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with SQLiteLedger(path) as ledger:
        ledger.settle(ledger.reserve("openai", 0.6, limit=1.0, period=P, now=NOW), 0.6, now=NOW)
        ledger.reserve("openai", 0.3, limit=1.0, period=P, lease_seconds=60, now=NOW)
        ledger.put_state("breaker:openai", {"open": True})
    with SQLiteLedger(path) as ledger:
        assert ledger.snapshot(P, now=NOW) == {"openai": Spend(0.6, 0.3, 1)}
        with pytest.raises(BudgetExceededError):
            ledger.reserve("openai", 0.2, limit=1.0, period=P, now=NOW)
        assert ledger.get_state("breaker:openai") == {"open": True}
        # The restarted process never settles its old lease; it lapses.
        ledger.reserve("openai", 0.4, limit=1.0, period=P, now=NOW + 61)


def test_two_handles_on_one_file_share_the_budget(tmp_path: Path) -> None:
    a, b = SQLiteLedger(tmp_path / "l.db"), SQLiteLedger(tmp_path / "l.db")
    a.reserve("openai", 0.7, limit=1.0, period=P, now=NOW)
    with pytest.raises(BudgetExceededError):
        b.reserve("openai", 0.7, limit=1.0, period=P, now=NOW)
    a.close()
    b.close()


def test_file_is_in_wal_mode(tmp_path: Path) -> None:
    SQLiteLedger(tmp_path / "l.db").close()
    with sqlite3.connect(tmp_path / "l.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


_FORK_SCRIPT = """
import os, sys
from langchain_aegis.budget import SQLiteLedger
ledger = SQLiteLedger(sys.argv[1])
ledger.reserve("openai", 0.1, limit=1.0, period="2026-11", now=1_800_000_000.0)
pid = os.fork()
if pid == 0:
    try:
        ledger.record("openai", 0.2, period="2026-11", now=1_800_000_000.0)
    finally:
        os._exit(0)
os.waitpid(pid, 0)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_opens_its_own_connection(tmp_path: Path) -> None:
    # The fork happens in a fresh single-threaded interpreter: forking the test process, whose other
    # tests leave threads running (some inside SQLite), can deadlock the child on a lock held at fork
    # time, which says nothing about the ledger.
    path = tmp_path / "l.db"
    subprocess.run([sys.executable, "-c", _FORK_SCRIPT, str(path)], check=True, timeout=60)
    with SQLiteLedger(path) as ledger:
        assert ledger.snapshot(P, now=NOW)["openai"] == Spend(0.2, 0.1, 1)


def test_old_expired_leases_are_purged(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    for _ in range(300):
        ledger.release(ledger.reserve("openai", 0.0, limit=None, period=P, lease_seconds=1, now=NOW))
    stale = [ledger.reserve("openai", 0.0, limit=None, period=P, lease_seconds=1, now=NOW) for _ in range(10)]
    for _ in range(300):
        ledger.release(ledger.reserve("openai", 0.0, limit=None, period=P, lease_seconds=1, now=NOW + 2 * 86_400))
    assert ledger.settle(stale[0], 1.0, now=NOW + 2 * 86_400) is False
    with sqlite3.connect(tmp_path / "l.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM ns_leases").fetchone()[0] == 0
    ledger.close()


def test_spend_from_before_namespaces_still_counts_against_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with sqlite3.connect(path) as conn:  # the 0.1 schema: one machine-wide account per provider
        conn.execute(
            "CREATE TABLE accounts (provider TEXT NOT NULL, period TEXT NOT NULL, spent INTEGER NOT NULL DEFAULT 0,"
            " count INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (provider, period)) WITHOUT ROWID"
        )
        conn.execute("INSERT INTO accounts VALUES ('openai', ?, 900000000, 7)", (P,))
    for ns in ("prod", "prod", "script"):  # each namespace takes it over once, however often it opens
        with SQLiteLedger(path, namespace=ns) as ledger:
            assert ledger.snapshot(P, now=NOW)["openai"] == Spend(0.9, 0.0, 7)
            with pytest.raises(BudgetExceededError):
                ledger.reserve("openai", 0.2, limit=1.0, period=P, now=NOW)
