"""Secrets never shown: the passwords in URLs, masked wherever text leaves the process.

A leaf module, so errors, config, the ledgers and the CLI can all mask a URL
before it reaches a message, a log line or a repr. Written by hand because
no maintained library masks credentials inside free text (``urllib.parse``
only splits one URL that is known to be one).
"""

from __future__ import annotations

import re

__all__ = ["mask_url"]

_URL_SECRET = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<secret>[^@/\s]+)@")
_QUERY_SECRET = re.compile(r"(?i)(?P<key>[?&](?:password|passwd|pass|token|api_key|apikey|key|secret)=)[^&#\s'\"]+")


def mask_url(text: str) -> str:
    """``text`` with the password of every URL in it (and ``?password=``-style query values) replaced by ``***``.

    Works on a bare URL or on any message that contains URLs, so an error
    built from a library's exception text can be masked as a whole.

    Example:
        >>> mask_url("redis://:hunter2@cache:6379/0")
        'redis://:***@cache:6379/0'
    """
    masked = _URL_SECRET.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _QUERY_SECRET.sub(lambda m: f"{m['key']}***", masked)
