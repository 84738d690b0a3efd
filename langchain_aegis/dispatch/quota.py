"""Provider usage limits: read a "usage limit reached" answer, and skip the provider until it resets.

Ollama Cloud answers HTTP 429 with a plain-text body, and no ``Retry-After``,
once a plan's usage limit is used up::

    you (user) have reached your session usage limit, upgrade for higher limits: ...

(also ``weekly`` and ``hourly``). Retrying is useless until the window resets,
so :func:`usage_limit_in` recognises the answer (``classify`` then calls it
``quota_exhausted``) and :class:`QuotaBook` records until when the provider is
skipped. The record lives in the ledger's state store (``get_state`` /
``put_state``), so every process and replica on that ledger skips the provider,
not only the one that met the 429.

A record is keyed by the account, not the provider name: a hash of the
provider type, URL, API key and locality. Two provider entries on one Ollama
Cloud account share the account's limit; the key itself is never stored.
This module owns reading and recording usage limits; it must not send
requests or decide a fallback (that is :mod:`langchain_aegis.dispatch.limits`).
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from langchain_aegis._loops import off_loop_soon
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.providers import ProviderConfig
from langchain_aegis.errors import ProviderCallError
from langchain_aegis.state import StateStore

if TYPE_CHECKING:
    from langchain_aegis.budget.ledger import Ledger

__all__ = ["QuotaBook", "UsageLimit", "quota_key", "quota_rows", "usage_limit_in", "usage_limit_of"]

logger = logging.getLogger("langchain_aegis")

KIND = "quota_exhausted"
"""The :class:`~langchain_aegis.errors.ProviderCallError` kind of a used-up usage limit."""

# "reached your session usage limit", "hit the weekly usage limit", "usage limit reached/exceeded".
_PHRASE = re.compile(
    r"(?:reached|hit|exceeded|used\s+up)\s+(?:(?:your|the|its|this|a|an)\s+)?(?:(?P<before>[\w-]+)\s+)?usage\s+limits?"
    r"|(?:(?P<after>[\w-]+)\s+)?usage\s+limits?\s+(?:has\s+been\s+|have\s+been\s+|was\s+|is\s+)?(?:reached|exceeded|hit)",
    re.IGNORECASE,
)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?", re.IGNORECASE)
_IN = re.compile(
    r"(?:resets?|try\s+again|retry|available\s+again)\s+in\s+"
    r"(?P<span>(?:\d+(?:\.\d+)?\s*(?:days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b[\s,]*(?:and\s+)?)+)",
    re.IGNORECASE,
)
_UNIT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86_400.0, "h": 3_600.0, "m": 60.0, "s": 1.0}

# How long a window lasts when the answer does not say when it resets. These are upper
# bounds: a provider skipped too long costs a fallback, one skipped too briefly costs one
# more unbilled 429. Ollama describes its plans' limits as hourly, per session (a session
# being a few hours of use; 5 h is assumed here, the usual length for such plans) and
# weekly, with no clock alignment stated for the last two; ``quota_recheck`` shortens them.
_SESSION_SECONDS = 5 * 3600.0
_WEEK_SECONDS = 7 * 86_400.0
_UNKNOWN_SECONDS = 3600.0
# No plan window is longer than a month: a stated reset further out is misread text, not a plan.
_MAX_SKIP_SECONDS = 40 * 86_400.0
_WINDOWS = {
    "hourly": "hourly",
    "hour": "hourly",
    "session": "session",
    "5-hour": "session",
    "daily": "daily",
    "day": "daily",
    "weekly": "weekly",
    "week": "weekly",
    "monthly": "monthly",
    "month": "monthly",
}


@dataclass(frozen=True, slots=True)
class UsageLimit:
    """A provider's "usage limit reached" answer.

    Attributes:
        window: ``hourly``, ``session``, ``daily``, ``weekly``, ``monthly`` or ``unknown``.
        resets_at: the reset time the answer stated (Unix time), or ``None``.
    """

    window: str
    resets_at: float | None = None

    def describe(self) -> str:
        """``"weekly usage limit reached"``; ``"usage limit reached"`` for an unknown window."""
        return "usage limit reached" if self.window == "unknown" else f"{self.window} usage limit reached"

    def reset(self, now: float, *, retry_after: float | None = None, recheck: float | None = None) -> float:
        """When the provider may be tried again (Unix time).

        The stated reset wins, then a ``Retry-After``, then the end of the window
        counted from ``now``; ``recheck`` seconds cap the wait in every case.
        """
        if self.resets_at is not None and self.resets_at > now:
            until = self.resets_at
        elif retry_after is not None and retry_after > 0:
            until = now + retry_after
        else:
            until = _window_end(self.window, now)
        until = min(until, now + _MAX_SKIP_SECONDS)
        return min(until, now + recheck) if recheck is not None else until


def _window_end(window: str, now: float) -> float:
    moment = datetime.fromtimestamp(now, UTC)
    if window == "hourly":  # an hourly limit resets on the hour
        return (moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).timestamp()
    if window == "daily":
        return (moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).timestamp()
    if window == "monthly":  # a monthly credit pool refills at the start of the next month
        days = calendar.monthrange(moment.year, moment.month)[1]
        first = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        return (first + timedelta(days=days)).timestamp()
    if window == "weekly":
        return now + _WEEK_SECONDS
    if window == "session":
        return now + _SESSION_SECONDS
    return now + _UNKNOWN_SECONDS


def _stated_reset(text: str, now: float) -> float | None:
    found = _ISO.search(text)
    if found:
        raw = found.group(0).replace(" ", "T").upper().replace("Z", "+00:00")
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            when = None
        if when is not None:
            return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    relative = _IN.search(text)
    if relative:
        seconds = sum(float(n) * _UNIT_SECONDS[unit[0].lower()] for n, unit in _UNIT.findall(relative.group("span")))
        if seconds > 0 and math.isfinite(seconds):
            return now + seconds
    return None


def usage_limit_in(text: str, *, now: float | None = None) -> UsageLimit | None:
    """Read a "usage limit reached" answer, in any casing and wording around the key phrase.

    Args:
        text: an error message or response body.
        now: Unix time, to resolve "resets in 3 hours"; the wall clock by default.

    Returns:
        The limit, or ``None`` when ``text`` is not such an answer (a plain rate limit).
    """
    found = _PHRASE.search(text)
    if found is None:
        return None
    word = (found.group("before") or found.group("after") or "").lower()
    window = _WINDOWS.get(word, "unknown")
    return UsageLimit(window, _stated_reset(text, time.time() if now is None else now))


def _texts(exc: BaseException) -> list[str]:
    """What an SDK exception says: its message, the wrapped exception's, and the response body."""
    texts = []
    for obj in (exc, getattr(exc, "original_exception", None), exc.__cause__):
        if obj is None:
            continue
        texts.append(str(obj))
        response = getattr(obj, "response", None)
        try:
            body = getattr(response, "text", None)
        except Exception:  # a streamed response that was never read has no text
            body = None
        if isinstance(body, str):
            texts.append(body)
    return texts


def usage_limit_of(exc: BaseException, *, now: float | None = None) -> UsageLimit | None:
    """:func:`usage_limit_in` over everything an exception says."""
    for text in _texts(exc):
        limit = usage_limit_in(text, now=now)
        if limit is not None:
            return limit
    return None


def quota_key(config: ProviderConfig) -> str:
    """The state-store key of the account behind a provider (the API key is hashed, never stored)."""
    secret = config.api_key.get_secret_value() if config.api_key is not None else ""
    account = "\0".join([config.type, config.base_url or "", secret, config.locality])
    return "quota:" + hashlib.sha256(account.encode()).hexdigest()[:16]


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%MZ")


class QuotaBook:
    """Which providers are skipped for a used-up usage limit, and until when.

    State is kept in memory and mirrored in ``store`` under :func:`quota_key`.
    Each account's stored record is read at most once per ``refresh`` seconds;
    on a caller's event loop the read and the write go to the loop's executor, so a
    slow ledger never blocks it. A store outage is logged once and the local
    state is used.

    Args:
        providers: the configured providers; only cloud ones can be skipped.
        store: the ledger's state store (or a :class:`~langchain_aegis.state.StateCache`).
        clock: Unix time, shared by every process; injectable for tests.
        refresh: seconds between reads of one account's stored record.
    """

    def __init__(
        self,
        providers: Mapping[str, ProviderConfig],
        store: StateStore,
        *,
        clock: Callable[[], float] = time.time,
        refresh: float = 1.0,
    ) -> None:
        self.clock = clock
        self._store = store
        self._refresh = refresh
        self._recheck = {name: cfg.quota_recheck for name, cfg in providers.items()}
        self._keys = {name: quota_key(cfg) for name, cfg in providers.items() if cfg.locality == "cloud"}
        self._lock = threading.Lock()
        self._records: dict[str, dict[str, Any]] = {}
        self._read_at: dict[str, float] = {}
        self._down = False

    # -- reading -------------------------------------------------------------

    def _adopt(self, key: str, found: dict[str, Any] | None) -> None:
        if not found or not isinstance(found.get("until"), int | float):
            return
        with self._lock:
            mine = self._records.get(key)
            if mine is None or found.get("at", 0) >= mine.get("at", 0):
                self._records[key] = found

    def _read(self, key: str) -> None:
        try:
            found = self._store.get_state(key)
        except Exception as exc:  # an outage must not fail calls: the local record stands
            if not self._down:
                self._down = True
                logger.warning("aegis: cannot read provider quota state (%s); using what this process knows", exc)
            return
        self._down = False
        self._adopt(key, found)

    def _refreshed(self, key: str) -> dict[str, Any] | None:
        now = self.clock()
        with self._lock:
            due = now - self._read_at.get(key, -math.inf) >= self._refresh
            if due:
                self._read_at[key] = now
        if due:
            off_loop_soon(lambda: self._read(key))
        with self._lock:
            return self._records.get(key)

    def _active(self, provider: str) -> dict[str, Any] | None:
        key = self._keys.get(provider)
        if key is None:
            return None
        record = self._refreshed(key)
        if record is None or self.clock() >= float(record["until"]):
            return None
        return record

    def skips(self) -> dict[str, str]:
        """Providers skipped now, each with why: ``"quota_exhausted (weekly usage limit reached) until ..."``."""
        out = {}
        for provider in self._keys:
            record = self._active(provider)
            if record is not None:
                out[provider] = f"{KIND} ({record['why']}) until {_iso(float(record['until']))}"
        return out

    def check(self, provider: str) -> None:
        """Raise a ``quota_exhausted`` :class:`ProviderCallError` if ``provider`` is skipped now."""
        record = self._active(provider)
        if record is not None:
            raise ProviderCallError(provider, KIND, f"{record['why']}; skipped until {_iso(float(record['until']))}")

    # -- writing -------------------------------------------------------------

    def record(
        self, provider: str, limit: UsageLimit, *, status: int | None, retry_after: float | None
    ) -> ProviderCallError:
        """Skip ``provider`` (and its account, everywhere) until ``limit`` resets.

        Returns:
            The ``quota_exhausted`` error to raise, naming the reset time.
        """
        now = self.clock()
        until = limit.reset(now, retry_after=retry_after, recheck=self._recheck.get(provider))
        why = limit.describe()
        error = ProviderCallError(provider, KIND, f"{why}; skipped until {_iso(until)}", status=status)
        key = self._keys.get(provider)
        if key is None:  # a local provider has no account to skip; the error still falls back
            return error
        record = {"until": until, "why": why, "window": limit.window, "at": now}
        with self._lock:
            self._records[key] = record
        logger.warning("aegis: provider %s: %s; skipped until %s", provider, why, _iso(until))

        def publish() -> None:
            try:
                self._store.put_state(key, record)
            except Exception as exc:
                logger.warning("aegis: cannot share provider quota state (%s); only this process skips it", exc)

        off_loop_soon(publish)
        return error


def quota_rows(config: AegisConfig, ledger: Ledger, now: datetime) -> list[dict[str, Any]]:
    """Cloud providers skipped now because their plan's usage limit is used up.

    Returns:
        One JSON-ready dict per skipped provider: ``provider``, ``until``
        (ISO time, UTC) and ``reason`` (e.g. ``weekly usage limit reached``).
    """
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
