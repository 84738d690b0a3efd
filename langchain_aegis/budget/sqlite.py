"""A ledger in one SQLite file, shared by the processes of one machine.

The file is in WAL mode, so readers never wait for the writer, and every
check-and-reserve runs in a ``BEGIN IMMEDIATE`` transaction: SQLite lets one
writer in at a time, so two processes can never both see the same headroom.
A process that finds the file locked waits up to ``busy_timeout`` seconds.

``synchronous=NORMAL`` skips the fsync on each commit: a killed process loses
nothing, only a power cut can lose the last few commits. That keeps a
reserve+settle pair to tens of microseconds.

Schema (amounts in integer nanodollars)::

    accounts(provider, period, spent, count)           one row per provider and month
    leases(id, provider, period, amount, expires_at)   open reservations
    state(key, value)                                  small JSON blobs
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_aegis.budget.ledger import (
    EXPIRED_GRACE_SECONDS,
    Ledger,
    Reservation,
    Spend,
    exceeded,
    new_reservation,
    to_dollars,
    to_units,
)

__all__ = ["SQLiteLedger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    provider TEXT NOT NULL, period TEXT NOT NULL,
    spent INTEGER NOT NULL DEFAULT 0, count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (provider, period)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (
    id TEXT PRIMARY KEY, provider TEXT NOT NULL, period TEXT NOT NULL,
    amount INTEGER NOT NULL, expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS leases_by_account ON leases (provider, period, expires_at, amount);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""

# Expired leases are deleted by every this-many-th reserve, not by each one.
_PURGE_EVERY = 256


class SQLiteLedger(Ledger):
    """A ledger in a SQLite file. Safe across threads and processes of one machine.

    Example:
        >>> ledger = SQLiteLedger("/tmp/ledger.db")  # doctest: +SKIP
        >>> r = ledger.reserve("openai", 0.02, limit=80.0, period="2026-11")  # doctest: +SKIP
        >>> ledger.settle(r, 0.004)  # doctest: +SKIP
        True
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 10.0) -> None:
        """Open (and create if needed) the ledger file.

        Args:
            path: the database file; parent directories are created.
            busy_timeout: seconds to wait for another process's write lock.
        """
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._reserves = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        self._pid = os.getpid()
        deadline = time.monotonic() + self.busy_timeout
        while True:
            # Switching to WAL needs an exclusive lock and does not always wait
            # for it, so processes creating the file together retry here.
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
                return conn
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    conn.close()
                    raise
                time.sleep(0.005)

    @contextmanager
    def _write(self, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction under the thread lock: a writer's, or with ``BEGIN`` a reader's.

        A reader's transaction gives a consistent view without blocking writers (WAL).
        """
        with self._lock:
            if os.getpid() != self._pid:
                # A forked child must not share its parent's connection.
                self._conn = self._connect()
            conn = self._conn
            conn.execute(begin)
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def reserve(
        self,
        provider: str,
        amount: float,
        *,
        limit: float | None,
        period: str,
        lease_seconds: float = 300.0,
        now: float | None = None,
    ) -> Reservation:
        """See :meth:`Ledger.reserve`."""
        r, now = new_reservation(provider, amount, period, lease_seconds, now)
        units = to_units(amount)
        with self._write() as conn:
            row = conn.execute(
                "SELECT spent FROM accounts WHERE provider = ? AND period = ?", (provider, period)
            ).fetchone()
            spent = row[0] if row else 0
            (reserved,) = conn.execute(
                "SELECT COALESCE(SUM(amount), 0) FROM leases WHERE provider = ? AND period = ? AND expires_at > ?",
                (provider, period, now),
            ).fetchone()
            if limit is not None and spent + reserved + units > to_units(limit):
                raise exceeded(provider, limit, spent, reserved, period)
            conn.execute(
                "INSERT INTO leases (id, provider, period, amount, expires_at) VALUES (?, ?, ?, ?, ?)",
                (r.id, provider, period, units, r.expires_at),
            )
            self._reserves += 1
            if self._reserves % _PURGE_EVERY == 0:
                conn.execute("DELETE FROM leases WHERE expires_at < ?", (now - EXPIRED_GRACE_SECONDS,))
        return r

    def settle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.settle`."""
        with self._write() as conn:
            # An expired lease keeps its row until purged, so a late settle still counts, once.
            if conn.execute("DELETE FROM leases WHERE id = ?", (reservation.id,)).rowcount == 0:
                return False
            conn.execute(
                "INSERT INTO accounts (provider, period, spent, count) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (provider, period) DO UPDATE SET spent = spent + excluded.spent, count = count + 1",
                (reservation.provider, reservation.period, to_units(actual_cost)),
            )
            return True

    def release(self, reservation: Reservation) -> None:
        """See :meth:`Ledger.release`."""
        with self._write() as conn:
            conn.execute("DELETE FROM leases WHERE id = ?", (reservation.id,))

    def snapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """See :meth:`Ledger.snapshot`."""
        now = time.time() if now is None else now
        with self._write("BEGIN") as conn:
            accounts = conn.execute(
                "SELECT provider, spent, count FROM accounts WHERE period = ?", (period,)
            ).fetchall()
            leases = conn.execute(
                "SELECT provider, SUM(CASE WHEN expires_at > ? THEN amount ELSE 0 END) FROM leases "
                "WHERE period = ? GROUP BY provider",
                (now, period),
            ).fetchall()
        reserved = dict(leases)
        result = {p: Spend(to_dollars(spent), to_dollars(reserved.pop(p, 0)), count) for p, spent, count in accounts}
        result.update({p: Spend(0.0, to_dollars(units), 0) for p, units in reserved.items()})
        return result

    def get_state(self, key: str) -> dict[str, Any] | None:
        """See :meth:`Ledger.get_state`."""
        with self._write("BEGIN") as conn:
            row = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """See :meth:`Ledger.put_state`."""
        raw = json.dumps(value)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, raw),
            )

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
