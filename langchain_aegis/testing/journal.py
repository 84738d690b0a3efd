"""The record of every request a fake server received.

It must not alter or filter what it records.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langchain_aegis.testing.faults import FaultKind

__all__ = ["Journal", "JournalEntry", "mask_headers"]

# Headers that carry credentials in the APIs we fake (OpenAI, Azure, Anthropic-style proxies).
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie"})


def mask_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credentials replaced by ``***``.

    ``Authorization: Bearer sk-...`` becomes ``Bearer ***`` so a test can still
    check that a key was sent and with which scheme.

    Args:
        headers: header names (lower-cased) to values.

    Returns:
        The masked copy.
    """
    masked = {}
    for name, value in headers.items():
        if name in _SECRET_HEADERS:
            scheme, _, secret = value.partition(" ")
            value = f"{scheme} ***" if secret and name.endswith("authorization") else "***"
        masked[name] = value
    return masked


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request as the server saw it.

    Attributes:
        method: the HTTP method.
        path: the request path.
        body: the JSON body, or ``None`` if empty or not JSON.
        headers: the headers (lower-cased names), credentials masked.
        timestamp: ``time.time()`` when the request was read.
        fault: the fault applied to it, if any.
    """

    method: str
    path: str
    body: Any
    headers: Mapping[str, str]
    timestamp: float
    fault: FaultKind | None = None


class Journal:
    """A thread-safe, append-only list of :class:`JournalEntry`."""

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._entries: list[JournalEntry] = []

    def append(self, entry: JournalEntry) -> None:
        """Record one request.

        Args:
            entry: the request's record.
        """
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[JournalEntry]:
        """A snapshot of the entries, oldest first."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        """How many requests were recorded."""
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
