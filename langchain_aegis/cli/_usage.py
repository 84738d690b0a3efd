"""Ollama Cloud's own account usage, for ``aegis budget``: ``GET {base_url}/api/usage`` with the Bearer key.

The endpoint reports how much of each plan limit is used. Its exact shape is
not documented where this was written, so the body is read defensively: each
limit window (``session``, ``weekly``, ...) is an object, or the body itself is
one, holding a used share in whatever form is present (``used_percent``,
``used_share``, ``used`` / ``limit``, ``remaining_percent``...) and, when
given, its reset time. Fields that are not there are shown as ``-``.

Nothing here may fail the command or show the key: an unreachable host, a
rejected key or an unexpected body each become a one-line note.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from langchain_aegis._secrets import mask_url
from langchain_aegis._terminal import render_table
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.providers import DEFAULT_OLLAMA_URL

__all__ = ["ProviderUsage", "fetch_usage", "parse_usage", "render_usage"]

_PERCENT = ("used_percent", "percent_used", "usage_percent", "used_pct", "percent", "percentage", "pct")
_SHARE = ("used_share", "share_used", "used_fraction", "fraction_used", "utilization", "utilisation", "ratio")
_USED = ("used", "usage", "consumed", "spent", "tokens_used", "credits_used")
_LIMIT = ("limit", "total", "quota", "max", "allowance", "tokens_limit", "credits_limit")
_LEFT_PERCENT = ("remaining_percent", "percent_remaining", "left_percent")
_LEFT = ("remaining", "left", "available")
_RESET = ("resets_at", "reset_at", "resets", "reset", "reset_time", "window_end", "ends_at", "renews_at")
_NAME = ("window", "name", "type", "period", "kind")


@dataclass
class ProviderUsage:
    """One provider's usage as ``/api/usage`` reported it, or why it could not be read."""

    provider: str
    url: str
    windows: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``provider``, ``url`` (password masked), ``windows``, ``note``."""
        return {"provider": self.provider, "url": self.url, "windows": self.windows, "note": self.note}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _first(data: Mapping[str, Any], keys: Sequence[str]) -> Any:
    lowered = {str(k).lower(): v for k, v in data.items()}
    for key in keys:
        if key in lowered and lowered[key] is not None:
            return lowered[key]
    return None


def _when(value: Any) -> str | None:
    number = _number(value)
    if number is not None and number > 1e9:  # Unix seconds (or milliseconds)
        seconds = number / 1000 if number > 1e12 else number
        try:
            return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%MZ")
        except (OverflowError, OSError, ValueError):
            return None
    return str(value)[:40] if isinstance(value, str) and value else None


def _share(data: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """(used share, remaining share), each in 0..1 when present."""
    used = _number(_first(data, _PERCENT))
    used = used / 100 if used is not None else None
    if used is None and (share := _number(_first(data, _SHARE))) is not None:
        used = share if share <= 1 else share / 100
    amount, limit = _number(_first(data, _USED)), _number(_first(data, _LIMIT))
    if used is None and amount is not None and limit:
        used = amount / limit
    left = _number(_first(data, _LEFT_PERCENT))
    left = left / 100 if left is not None else None
    if left is None and (rest := _number(_first(data, _LEFT))) is not None and limit:
        left = rest / limit
    if left is None and used is not None:
        left = max(0.0, 1 - used)
    if used is None and left is not None:
        used = max(0.0, 1 - left)
    return used, left


def _window(name: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    used, left = _share(data)
    if used is None:
        return None
    return {"window": name, "used_share": used, "remaining_share": left, "resets_at": _when(_first(data, _RESET))}


def parse_usage(body: Any) -> list[dict[str, Any]]:
    """The limit windows in an ``/api/usage`` body; empty when none could be read.

    Each window is ``{"window", "used_share", "remaining_share", "resets_at"}``.
    """
    if not isinstance(body, Mapping):
        return []
    found = []
    for name, value in body.items():
        if isinstance(value, Mapping) and (window := _window(str(name), value)):
            found.append(window)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    label = _first(item, _NAME)
                    if window := _window(str(label or name), item):
                        found.append(window)
    if not found and (window := _window("total", body)):
        found.append(window)
    return found


def _targets(config: AegisConfig) -> list[tuple[str, str, str]]:
    """(provider, origin, key) of each Ollama Cloud account configured with a key, once per account."""
    seen: set[tuple[str, str]] = set()
    targets = []
    for name, cfg in config.providers.items():
        if cfg.api_key is None:
            continue
        url = cfg.base_url or (DEFAULT_OLLAMA_URL if cfg.type == "ollama" else "")
        parsed = urlparse(url)
        on_ollama_com = parsed.hostname is not None and parsed.hostname.endswith("ollama.com")
        if cfg.type != "ollama" and not on_ollama_com:
            continue
        # /api/usage sits at the host's root, also for an OpenAI-style base URL (https://ollama.com/v1).
        origin = f"{parsed.scheme}://{parsed.netloc}" if on_ollama_com else url
        key = cfg.api_key.get_secret_value()
        if (origin, key) not in seen:
            seen.add((origin, key))
            targets.append((name, origin, key))
    return targets


def fetch_usage(config: AegisConfig, *, timeout: float) -> list[ProviderUsage]:
    """Ask each Ollama Cloud account in ``config`` for its usage; never raises, never shows the key.

    Args:
        config: the providers; those of type ``ollama`` (or on ollama.com) with an ``api_key`` are asked.
        timeout: seconds for each request.
    """
    import httpx

    out = []
    for provider, origin, key in _targets(config):
        shown = mask_url(origin)
        usage = ProviderUsage(provider, shown)
        try:
            response = httpx.get(f"{origin}/api/usage", headers={"Authorization": f"Bearer {key}"}, timeout=timeout)
        except httpx.HTTPError as exc:
            usage.note = f"cannot reach {shown} ({type(exc).__name__})"
        else:
            if response.status_code in (401, 403):
                usage.note = f"the API key was rejected (HTTP {response.status_code})"
            elif response.status_code == 404:
                usage.note = f"{shown} has no /api/usage (HTTP 404); usage is reported by ollama.com"
            elif response.status_code != 200:
                usage.note = f"/api/usage answered HTTP {response.status_code}"
            else:
                try:
                    usage.windows = parse_usage(response.json())
                except ValueError:
                    usage.windows = []
                if not usage.windows:
                    usage.note = "/api/usage answered without a used share this version can read"
        out.append(usage)
    return out


def render_usage(usages: Sequence[ProviderUsage]) -> str:
    """Usage windows as a table, then one note per account that could not be read."""

    def pct(share: float | None) -> str:
        return "-" if share is None else f"{share:.0%}"

    rows = [
        [u.provider, w["window"], pct(w["used_share"]), pct(w["remaining_share"]), w["resets_at"] or "-"]
        for u in usages
        for w in u.windows
    ]
    parts = []
    if rows:
        parts.append(render_table(["provider", "window", "used", "remaining", "resets"], rows, right=(2, 3)))
    parts += [f"note: {u.provider}: usage unavailable: {u.note}" for u in usages if u.note]
    return "\n".join(parts)
