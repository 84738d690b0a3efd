"""A ledger in one SQLite file, shared by the processes of one machine.

The file is in WAL mode, so readers never wait for the writer, and every
check-and-reserve runs in a ``BEGIN IMMEDIATE`` transaction: SQLite lets one
writer in at a time, so two processes can never both see the same headroom.

A process that finds the file locked waits up to ``busy_timeout`` seconds
(0.25 s by default, ``budgets.lock_timeout``), then the call fails with
:class:`~langchain_aegis.errors.LedgerUnavailableError` and
``budgets.on_ledger_error`` decides what happens; a lock held elsewhere never
stalls a call for long. A read-only file, a full disk or a disk I/O error is
the same kind of fault: the transaction is rolled back (nothing is left
half-written) and the connection reopened on the next call. The async methods
run on a worker thread, so waiting for a lock never blocks an event loop.

``synchronous=NORMAL`` skips the fsync on each commit: a killed process loses
nothing, only a power cut can lose the last few commits. That keeps a
reserve+settle pair to tens of microseconds.

Schema (amounts in integer nanodollars; ``ns`` is the namespace)::

    ns_accounts(ns, provider, period, spent, count)        one row per provider and month
    ns_leases(id, ns, provider, period, amount, expires_at) open reservations
    ns_state(ns, key, value)                                small JSON blobs
    ns_recorded(ns, id, at)                                 settlements replayed from the journal

Files written by 0.2 keep their machine-wide ``accounts``/``leases``/``state``
tables untouched; they are no longer read.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_aegis._fork import start_afresh_after_fork
from langchain_aegis._loops import off_loop
from langchain_aegis.budget.ledger import (
    DEFAULT_NAMESPACE,
    EXPIRED_GRACE_SECONDS,
    Ledger,
    Reservation,
    Spend,
    check_reserve_args,
    exceeded,
    ledger_faults,
    new_reservation,
    renewed,
    to_dollars,
    to_units,
)

__all__ = ["SQLiteLedger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ns_accounts (
    ns TEXT NOT NULL, provider TEXT NOT NULL, period TEXT NOT NULL,
    spent INTEGER NOT NULL DEFAULT 0, count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ns, provider, period)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ns_leases (
    id TEXT PRIMARY KEY, ns TEXT NOT NULL, provider TEXT NOT NULL, period TEXT NOT NULL,
    amount INTEGER NOT NULL, expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ns_leases_by_account ON ns_leases (ns, provider, period, expires_at, amount);
CREATE TABLE IF NOT EXISTS ns_state (
    ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (ns, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ns_recorded (
    ns TEXT NOT NULL, id TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (ns, id)
) WITHOUT ROWID;
"""

# Marks a namespace that has taken over the spend recorded before namespaces existed.
_LEGACY_KEY = "aegis:legacy-accounts-carried-over"

# Expired leases are deleted by every this-many-th reserve, not by each one.
_PURGE_EVERY = 256

# Replayed settlement ids are remembered this long, which outlives any month.
_RECORDED_SECONDS = 100 * 86_400.0

_ADD_SPEND = (
    "INSERT INTO ns_accounts (ns, provider, period, spent, count) VALUES (?, ?, ?, ?, 1) "
    "ON CONFLICT (ns, provider, period) DO UPDATE SET spent = spent + excluded.spent, count = count + 1"
)


class SQLiteLedger(Ledger):
    """A ledger in a SQLite file. Safe across threads and processes of one machine.

    Example:
        >>> ledger = SQLiteLedger("/tmp/ledger.db")  # doctest: +SKIP
        >>> r = ledger.reserve("openai", 0.02, limit=80.0, period="2026-11")  # doctest: +SKIP
        >>> ledger.settle(r, 0.004)  # doctest: +SKIP
        True
    """

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout: float = 0.25, namespace: str = DEFAULT_NAMESPACE
    ) -> None:
        """Open (and create if needed) the ledger file.

        A file that cannot be opened now (locked, read-only, disk full) is not
        an error here: every call tries again and raises
        :class:`~langchain_aegis.errors.LedgerUnavailableError` until it works.

        Args:
            path: the database file; parent directories are created.
            busy_timeout: seconds to wait for another process's write lock.
            namespace: whose accounts to read and write.
        """
        self.path = Path(path)
        self.url = f"sqlite://{self.path}"
        self.namespace = namespace
        self.busy_timeout = busy_timeout
        self._lock = threading.Lock()
        start_afresh_after_fork(self)
        self._reserves = 0
        self._conn: sqlite3.Connection | None = None
        with contextlib.suppress(sqlite3.Error, OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = self._connect()

    def after_fork_in_child(self) -> None:
        """A fresh lock and connection in a forked child.

        A parent's thread (the lease keeper's) may hold the lock at the fork, and a
        connection must not be shared across processes: the child opens its own at
        its first call (see :meth:`_write`).
        """
        self._lock = threading.Lock()
        self._conn = None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        deadline = time.monotonic() + self.busy_timeout
        while True:
            # Switching to WAL needs an exclusive lock and does not always wait
            # for it, so processes creating the file together retry here.
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
                self._carry_over_legacy(conn)
                return conn
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    conn.close()
                    raise
                time.sleep(0.005)

    def _carry_over_legacy(self, conn: sqlite3.Connection) -> None:
        """Count spend from before namespaces (0.1's machine-wide ``accounts`` table) in this namespace too.

        The old rows belong to no namespace, so each namespace that opens the file
        takes them over once. That may count one bill in two namespaces, never in
        none: the cap of every config holds across the upgrade.
        """
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'").fetchone() is None:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute(
                "SELECT 1 FROM ns_state WHERE ns = ? AND key = ?", (self.namespace, _LEGACY_KEY)
            ).fetchone()
            if done is None:
                conn.execute(
                    "INSERT INTO ns_accounts (ns, provider, period, spent, count) "
                    "SELECT ?, provider, period, spent, count FROM accounts WHERE true "
                    "ON CONFLICT (ns, provider, period) DO UPDATE "
                    "SET spent = spent + excluded.spent, count = count + excluded.count",
                    (self.namespace,),
                )
                conn.execute("INSERT INTO ns_state (ns, key, value) VALUES (?, ?, '{}')", (self.namespace, _LEGACY_KEY))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _write(self, operation: str, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction under the thread lock: a writer's, or with ``BEGIN`` a reader's.

        A reader's transaction gives a consistent view without blocking writers
        (WAL). Any SQLite or OS failure rolls the transaction back, drops the
        connection (the next call reopens it) and is raised as a ledger fault.
        """
        with self._lock, ledger_faults(self.url, operation, (sqlite3.Error,)):
            if self._conn is None:  # not opened yet, dropped after a fault, or forked (after_fork_in_child)
                self._conn = self._connect()
            conn = self._conn
            try:
                conn.execute(begin)
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error | OSError):
                    self._drop(conn)
                raise

    def _drop(self, conn: sqlite3.Connection) -> None:
        self._conn = None
        with contextlib.suppress(sqlite3.Error):
            conn.close()

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
        units, ns = to_units(amount), self.namespace
        with self._write("reserve") as conn:
            row = conn.execute(
                "SELECT spent FROM ns_accounts WHERE ns = ? AND provider = ? AND period = ?", (ns, provider, period)
            ).fetchone()
            spent = row[0] if row else 0
            (reserved,) = conn.execute(
                "SELECT COALESCE(SUM(amount), 0) FROM ns_leases "
                "WHERE ns = ? AND provider = ? AND period = ? AND expires_at > ?",
                (ns, provider, period, now),
            ).fetchone()
            if limit is not None and spent + reserved + units > to_units(limit):
                raise exceeded(provider, limit, spent, reserved, period)
            conn.execute(
                "INSERT INTO ns_leases (id, ns, provider, period, amount, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (r.id, ns, provider, period, units, r.expires_at),
            )
            self._reserves += 1
            if self._reserves % _PURGE_EVERY == 0:
                conn.execute("DELETE FROM ns_leases WHERE expires_at < ?", (now - EXPIRED_GRACE_SECONDS,))
                conn.execute("DELETE FROM ns_recorded WHERE at < ?", (now - _RECORDED_SECONDS,))
        return r

    def settle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.settle`."""
        with self._write("settle") as conn:
            # An expired lease keeps its row until purged, so a late settle still counts, once.
            if conn.execute("DELETE FROM ns_leases WHERE id = ?", (reservation.id,)).rowcount == 0:
                return False
            conn.execute(_ADD_SPEND, (self.namespace, reservation.provider, reservation.period, to_units(actual_cost)))
            return True

    def record_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.record_once`."""
        now = time.time() if now is None else now
        with self._write("record") as conn:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO ns_recorded (ns, id, at) VALUES (?, ?, ?)", (self.namespace, reservation.id, now)
            ).rowcount
            if not inserted:
                return False
            conn.execute("DELETE FROM ns_leases WHERE id = ?", (reservation.id,))
            conn.execute(_ADD_SPEND, (self.namespace, reservation.provider, reservation.period, to_units(actual_cost)))
            return True

    def release(self, reservation: Reservation) -> None:
        """See :meth:`Ledger.release`."""
        with self._write("release") as conn:
            conn.execute("DELETE FROM ns_leases WHERE id = ?", (reservation.id,))

    def renew(self, reservation: Reservation, *, lease_seconds: float, now: float | None = None) -> Reservation | None:
        """See :meth:`Ledger.renew`."""
        check_reserve_args(0.0, lease_seconds)
        with self._write("renew") as conn:
            now = time.time() if now is None else now  # read inside the transaction: see Ledger.renew
            row = conn.execute(
                "SELECT expires_at FROM ns_leases WHERE id = ? AND expires_at > ?", (reservation.id, now)
            ).fetchone()
            if row is None:
                return None
            end = max(float(row[0]), now + lease_seconds)
            conn.execute("UPDATE ns_leases SET expires_at = ? WHERE id = ?", (end, reservation.id))
        return renewed(reservation, end)

    def snapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """See :meth:`Ledger.snapshot`."""
        now = time.time() if now is None else now
        with self._write("snapshot", "BEGIN") as conn:
            accounts = conn.execute(
                "SELECT provider, spent, count FROM ns_accounts WHERE ns = ? AND period = ?", (self.namespace, period)
            ).fetchall()
            leases = conn.execute(
                "SELECT provider, SUM(CASE WHEN expires_at > ? THEN amount ELSE 0 END) FROM ns_leases "
                "WHERE ns = ? AND period = ? GROUP BY provider",
                (now, self.namespace, period),
            ).fetchall()
        reserved = dict(leases)
        result = {p: Spend(to_dollars(spent), to_dollars(reserved.pop(p, 0)), count) for p, spent, count in accounts}
        result.update({p: Spend(0.0, to_dollars(units), 0) for p, units in reserved.items()})
        return result

    def get_state(self, key: str) -> dict[str, Any] | None:
        """See :meth:`Ledger.get_state`."""
        with self._write("get_state", "BEGIN") as conn:
            row = conn.execute("SELECT value FROM ns_state WHERE ns = ? AND key = ?", (self.namespace, key)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """See :meth:`Ledger.put_state`."""
        raw = json.dumps(value)
        with self._write("put_state") as conn:
            conn.execute(
                "INSERT INTO ns_state (ns, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value",
                (self.namespace, key, raw),
            )

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._conn is not None:
                self._drop(self._conn)

    # -- async: the same work on a worker thread, so a lock held elsewhere never stalls the loop --

    async def areserve(
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
        return await off_loop(
            self.reserve, provider, amount, limit=limit, period=period, lease_seconds=lease_seconds, now=now
        )

    async def asettle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.settle`."""
        return await off_loop(self.settle, reservation, actual_cost, now=now)

    async def arecord_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.record_once`."""
        return await off_loop(self.record_once, reservation, actual_cost, now=now)

    async def arelease(self, reservation: Reservation) -> None:
        """See :meth:`Ledger.release`."""
        await off_loop(self.release, reservation)

    async def asnapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """See :meth:`Ledger.snapshot`."""
        return await off_loop(self.snapshot, period, now=now)

    async def aget_state(self, key: str) -> dict[str, Any] | None:
        """See :meth:`Ledger.get_state`."""
        return await off_loop(self.get_state, key)

    async def aput_state(self, key: str, value: dict[str, Any]) -> None:
        """See :meth:`Ledger.put_state`."""
        await off_loop(self.put_state, key, value)

    async def aclose(self) -> None:
        """See :meth:`Ledger.close`."""
        await off_loop(self.close)
