"""Which strings of a nested value are text a person wrote.

Shared by scanning and redaction: both visit every string in dicts, lists and
tuples, and both skip inline binary data (``data:`` URLs and long base64
blobs in image, audio and file blocks), which is not text and would only
produce noise and cost time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["is_binary", "iter_strings"]

_BASE64_BLOB = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")
_MIN_BLOB = 128  # shorter base64-looking strings may be ordinary words or ids; scanning them is cheap


def is_binary(value: str) -> bool:
    """Whether a string is inline binary data rather than text."""
    if value.startswith("data:"):
        return True
    return len(value) >= _MIN_BLOB and _BASE64_BLOB.fullmatch(value) is not None


def iter_strings(value: Any) -> Iterator[str]:
    """Every text string in ``value``, depth first; other leaves are ignored."""
    if isinstance(value, str):
        if value and not is_binary(value):
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from iter_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_strings(item)
