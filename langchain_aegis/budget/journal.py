"""Settlements waiting for the ledger: one append-only local file, replayed when the ledger is back.

When a provider has answered but the ledger cannot be written (Redis down, a
locked or full SQLite file), the money was still spent. The settlement is
appended here as one JSON line and fsynced before the caller gets the answer,
and replayed into the ledger by the next operation that reaches it. Nothing
is lost across a restart: the file outlives the process.

Replay is exactly once. A settlement of a reservation the ledger holds uses
:meth:`~langchain_aegis.budget.ledger.Ledger.settle`, which counts once per
reservation id (a repeat finds the lease gone); one the ledger never saw
(made under ``on_ledger_error: allow`` while it was down) uses
:meth:`~langchain_aegis.budget.ledger.Ledger.record_once`, which remembers the
id. A settlement older than the ledger's memory of expired leases (a day) is
recorded with ``record_once`` too, counting it rather than risking its loss.

Several processes may share the file (it sits next to the default SQLite
ledger). Each line names the ledger (URL, password masked) and namespace it
belongs to, and a process replays only its own ledger's lines. Appends and
replays take an exclusive ``flock`` on a sibling ``.lock`` file, and a replay
rewrites the file with an atomic rename, so an append never lands in a file
that is being replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_aegis._secrets import mask_url
from langchain_aegis.budget.ledger import EXPIRED_GRACE_SECONDS, Ledger, Reservation
from langchain_aegis.errors import LedgerUnavailableError

__all__ = ["Journal", "Unconfirmed"]

logger = logging.getLogger("langchain_aegis")


@dataclass(frozen=True, slots=True)
class Unconfirmed(Reservation):
    """A reservation the ledger never confirmed: made while it was unavailable (``on_ledger_error: allow``).

    Its settlement is written with ``record_once``, so it counts once whether
    or not the ledger saw the reserve.
    """


def ledger_identity(ledger: Ledger) -> str:
    """Which ledger and namespace a journal line belongs to (no password)."""
    return f"{mask_url(ledger.url)}#{ledger.namespace}"


class Journal:
    """The local file of settlements and releases the ledger could not take yet.

    Args:
        path: the JSON-lines file; created (with its directory) on first append.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing drops the flock

    def append(self, op: str, ledger: Ledger, reservation: Reservation, cost: float = 0.0) -> None:
        """Write one settlement (``op="settle"``) or release durably (fsync) before returning.

        Raises:
            OSError: the file cannot be written (the caller logs it; the disk may be full too).
        """
        entry = {
            "op": op,
            "ledger": ledger_identity(ledger),
            "id": reservation.id,
            "provider": reservation.provider,
            "period": reservation.period,
            "amount": reservation.amount,
            "expires_at": reservation.expires_at,
            "confirmed": not isinstance(reservation, Unconfirmed),
            "cost": cost,
            "at": time.time(),
        }
        line = (json.dumps(entry, separators=(",", ":")) + "\n").encode()
        with self._locked():
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def pending(self) -> bool:
        """Whether the file holds anything (one ``stat``; cheap enough for every ledger success)."""
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    def entries(self) -> list[dict[str, Any]]:
        """Every readable line, in order (a line torn by a crash mid-write is skipped)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        found = []
        for line in raw.splitlines():
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if isinstance(item, dict):
                    found.append(item)
        return found

    def replay(self, ledger: Ledger, *, now: float | None = None) -> int:
        """Apply this ledger's lines to it, in order, and keep the rest.

        Stops at the first line the ledger cannot take (it is unavailable
        again); that line and the ones after it stay for the next replay.

        Returns:
            How many lines were applied (including repeats the ledger ignored).
        """
        me = ledger_identity(ledger)
        now = time.time() if now is None else now
        with self._locked():
            items = self.entries()
            keep: list[dict[str, Any]] = []
            applied = 0
            failed = False
            for item in items:
                if failed or item.get("ledger") != me:
                    keep.append(item)
                    continue
                try:
                    _apply(ledger, item, now)
                    applied += 1
                except LedgerUnavailableError:
                    failed = True
                    keep.append(item)
                except (KeyError, TypeError, ValueError):
                    logger.error("aegis: dropping an unreadable ledger journal line in %s: %r", self.path, item)
            if applied or len(keep) != len(items):
                self._rewrite(keep)
        if applied:
            logger.warning("aegis: replayed %d journaled settlement(s) into the ledger %s", applied, me)
        return applied

    def _rewrite(self, keep: list[dict[str, Any]]) -> None:
        if not keep:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(item, separators=(",", ":")) + "\n" for item in keep)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)


def _apply(ledger: Ledger, item: dict[str, Any], now: float) -> None:
    kind = Reservation if item["confirmed"] else Unconfirmed
    r = kind(str(item["id"]), str(item["provider"]), str(item["period"]), float(item["amount"]), item["expires_at"])
    if item["op"] == "release":
        ledger.release(r)
    elif not item["confirmed"]:
        ledger.record_once(r, float(item["cost"]), now=now)
    elif not ledger.settle(r, float(item["cost"]), now=now) and now > r.expires_at + EXPIRED_GRACE_SECONDS:
        # The ledger may have forgotten the lease: count it rather than lose it.
        ledger.record_once(r, float(item["cost"]), now=now)
