"""Reachability probes for ``aegis check``: one short HTTP GET per configured provider.

Ollama providers are asked for ``/api/tags``, every other type for
``{base_url}/models`` (the OpenAI-compatible listing most any-llm providers
serve), with the provider's key as a bearer token. Any HTTP answer counts as
reachable, a 401 too (it says the key is wrong, not that the server is down);
only a failed connection or a timeout counts as unreachable. When the listing
parses, the detail says whether the configured model is in it.

Keys go only into the request header; URLs are shown without user info.

A probe must not send a generation request, so it is never billed.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.providers import DEFAULT_OLLAMA_URL, ProviderConfig

__all__ = ["DEFAULT_BASE_URLS", "Probe", "probe_all", "probe_provider", "probe_request"]

DEFAULT_BASE_URLS: Mapping[str, str] = {
    "ollama": DEFAULT_OLLAMA_URL,
    "openai": "https://api.openai.com/v1",
    "mistral": "https://api.mistral.ai/v1",
    "groq": "https://api.groq.com/openai/v1",
    "openrouter": "https://openrouter.ai/api/v1",
    "deepseek": "https://api.deepseek.com",
    "together": "https://api.together.xyz/v1",
}
"""Where a provider type is reached when its ``base_url`` is unset."""

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_STATUS_HINTS = {401: "the API key was refused", 403: "access denied", 404: "no such endpoint"}

Fetch = Callable[[urllib.request.Request, float], tuple[int, bytes]]


@dataclass(frozen=True, slots=True)
class Probe:
    """One provider's reachability.

    Attributes:
        name: the configured provider name.
        type: its any-llm type.
        locality: ``local`` or ``cloud``.
        model: the configured model.
        url: the URL probed, without user info; ``None`` if none is known.
        reachable: ``True``/``False``, or ``None`` when it could not be probed.
        detail: one line: HTTP status, latency, whether the model is listed, or the error.
    """

    name: str
    type: str
    locality: str
    model: str
    url: str | None
    reachable: bool | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _display(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def probe_request(cfg: ProviderConfig) -> urllib.request.Request | None:
    """The GET request that probes ``cfg``, or ``None`` when no URL is known. Pure."""
    base = cfg.base_url or DEFAULT_BASE_URLS.get(cfg.type)
    if base is None:
        return None
    headers = {"Accept": "application/json", "User-Agent": "langchain-aegis check"}
    key = cfg.api_key.get_secret_value() if cfg.api_key else None
    if key:
        headers["Authorization"] = f"Bearer {key}"
    path = "/api/tags" if cfg.type == "ollama" else "/models"
    return urllib.request.Request(base.rstrip("/") + path, headers=headers, method="GET")  # noqa: S310 - http(s) only


def _fetch(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    """GET with the environment's proxies, except for loopback addresses."""
    host = urlsplit(request.full_url).hostname or ""
    handlers = [urllib.request.ProxyHandler({})] if host in _LOOPBACK else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), response.read(1_000_000)
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def _models_listed(cfg: ProviderConfig, body: bytes) -> bool | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    entries = data.get("models") if cfg.type == "ollama" else data.get("data")
    if not isinstance(entries, list):
        return None
    names = {str(e.get("name") or e.get("model") or e.get("id")) for e in entries if isinstance(e, dict)}
    return cfg.model in names or f"{cfg.model}:latest" in names


def _error_text(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    text = str(reason) or type(reason).__name__
    return f"unreachable: {text}"


def probe_provider(name: str, cfg: ProviderConfig, *, timeout: float, fetch: Fetch = _fetch) -> Probe:
    """Probe one provider.

    Args:
        name: the configured provider name.
        cfg: its configuration.
        timeout: seconds for the whole request.
        fetch: the HTTP GET, replaceable in tests.
    """
    request = probe_request(cfg)
    if request is None:
        detail = f"not probed: no base_url and no known default URL for type {cfg.type!r}"
        return Probe(name, cfg.type, cfg.locality, cfg.model, None, None, detail)
    url = _display(request.full_url)
    started = time.perf_counter()
    try:
        status, body = fetch(request, timeout)
    except (OSError, ValueError) as exc:  # URLError, refused, timeout, bad host
        return Probe(name, cfg.type, cfg.locality, cfg.model, url, False, _error_text(exc))
    ms = (time.perf_counter() - started) * 1000
    detail = f"HTTP {status} in {ms:.0f} ms"
    if status in _STATUS_HINTS:
        detail += f" ({_STATUS_HINTS[status]}{'; no api_key configured' if status == 401 and not cfg.api_key else ''})"
    elif 200 <= status < 300:
        listed = _models_listed(cfg, body)
        if listed is not None:
            detail += "; model listed" if listed else f"; model {cfg.model!r} not listed"
    return Probe(name, cfg.type, cfg.locality, cfg.model, url, True, detail)


def probe_all(config: AegisConfig, *, timeout: float, fetch: Fetch = _fetch) -> list[Probe]:
    """Probe every configured provider at once; results in config order."""
    items = list(config.providers.items())
    with ThreadPoolExecutor(max_workers=max(len(items), 1)) as pool:
        return list(pool.map(lambda item: probe_provider(item[0], item[1], timeout=timeout, fetch=fetch), items))
