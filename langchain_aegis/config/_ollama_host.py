"""``OLLAMA_HOST``, read as the ``ollama`` client reads it.

``ChatOllama(model=...)`` with no ``base_url`` reaches whatever server
``OLLAMA_HOST`` names, because the ``ollama`` client falls back to it. A
script migrated to ``AegisChatModel(model=...)`` must reach the same server,
so the variable is parsed with the client's rules (``ollama._client._parse_host``,
ollama 0.6): scheme ``http`` unless given, port 11434 without a scheme and
80/443 with one, host ``127.0.0.1`` when only a port is given, IPv6 in
brackets, a path kept without its slashes. ``0.0.0.0`` is kept as it is, as
the client does (connecting to it reaches this machine). The function is
re-implemented rather than imported: it is private to the client, and
importing ``ollama`` would slow down building a model.

It must not import ``ollama`` or open a connection.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from collections.abc import Mapping

__all__ = ["ollama_host", "parse_ollama_host"]


def parse_ollama_host(host: str | None) -> str:
    """The base URL the ``ollama`` client would use for ``host`` (its ``OLLAMA_HOST`` rules)."""
    host, port = host or "", 11434
    scheme, _, hostport = host.partition("://")
    if not hostport:
        scheme, hostport = "http", host
    elif scheme == "http":
        port = 80
    elif scheme == "https":
        port = 443
    split = urllib.parse.urlsplit(f"{scheme}://{hostport}")
    name = split.hostname or "127.0.0.1"
    port = split.port or port
    try:
        if isinstance(ipaddress.ip_address(name), ipaddress.IPv6Address):
            name = f"[{name}]"  # urlsplit drops the brackets
    except ValueError:
        pass
    if path := split.path.strip("/"):
        return f"{scheme}://{name}:{port}/{path}"
    return f"{scheme}://{name}:{port}"


def ollama_host(env: Mapping[str, str] | None = None) -> str | None:
    """The server ``OLLAMA_HOST`` names, or ``None`` when it is unset or empty."""
    value = (os.environ if env is None else env).get("OLLAMA_HOST")
    return parse_ollama_host(value) if value else None
