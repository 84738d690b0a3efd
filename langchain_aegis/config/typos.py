"""Typos that would silently change routing get a voice.

Request facts are read by name; an unknown name is ignored, so
``{"aegis": {"qualty": "critical"}}`` used to route like a call that said
nothing. Each check here warns once per key with the closest valid name
(:class:`UnknownKeyWarning`), or raises when ``routing.strict: true``:

* an unknown key under ``metadata["aegis"]``, ``routing.nodes.<node>`` or ``routing.defaults``;
* a fact name at the top level of ``metadata`` (it is read only under ``aegis``);
* a ``routing.nodes`` name that no graph call used within the first
  :data:`NODE_GRACE_CALLS` calls (only once some graph call was seen, so a
  config shared with plain chains stays quiet).

The call-time checks are a set comparison on the fast path; a key warns once
per process.

It must not change what a call routes to: it only warns or, under
``routing.strict``, raises.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from langchain_aegis.config._errors import shown
from langchain_aegis.config._yaml import suggest
from langchain_aegis.errors import RoutingError
from langchain_aegis.facts import AEGIS_METADATA_KEY, KNOWN_FACT_KEYS, PRIVACY_KEYS, privacy_key

__all__ = [
    "KNOWN_FACT_KEYS",
    "NODE_GRACE_CALLS",
    "NodeUsage",
    "UnknownKeyWarning",
    "check_metadata",
    "unknown_fact_keys",
]


NODE_GRACE_CALLS = 50
"""Calls after which a configured node no graph call used is reported."""

_warned: set[tuple[str, str]] = set()
_lock = threading.Lock()


class UnknownKeyWarning(UserWarning):
    """A key the router does not read, or a configured node nothing uses; routing ignores it."""


def _report(where: str, key: str, message: str, *, strict: bool, error: type[Exception]) -> None:
    if strict:
        raise error(f"{message} (routing.strict is on)")
    with _lock:
        if (where, key) in _warned:
            return
        _warned.add((where, key))
    warnings.warn(message, UnknownKeyWarning, stacklevel=4)


def unknown_fact_keys(
    raw: Mapping[str, Any], *, where: str, strict: bool = False, error: type[Exception] = ValueError
) -> list[str]:
    """Report every key of ``raw`` that is not a request fact; return them.

    Args:
        raw: a facts mapping (``metadata["aegis"]``, ``routing.nodes.<node>``, ``routing.defaults``).
        where: its path, for the message.
        strict: raise ``error`` instead of warning.
        error: the exception type for strict mode.
    """
    unknown = [str(k) for k in raw if k not in KNOWN_FACT_KEYS]
    for key in unknown:
        norm = privacy_key(key)
        if norm is not None:
            # A privacy fact written loosely still counts (parse_facts reads it); say how to write it.
            message = f"{where}.{key}: read as the privacy fact {norm!r}; write {norm!r}"
        else:
            message = (
                f"{where}.{key}: unknown key (value {shown(raw[key], key)}){suggest(key, KNOWN_FACT_KEYS)}; "
                f"routing ignores it (known: {', '.join(sorted(KNOWN_FACT_KEYS))})"
            )
        _report(where, key, message, strict=strict, error=error)
    return unknown


def check_metadata(metadata: Mapping[str, Any], *, strict: bool) -> None:
    """The call-time checks of a ``RunnableConfig``'s metadata.

    Raises:
        RoutingError: ``strict`` and a typo was found.
    """
    facts = metadata.get(AEGIS_METADATA_KEY)
    if isinstance(facts, Mapping) and not KNOWN_FACT_KEYS.issuperset(facts):
        unknown_fact_keys(facts, where=f"metadata[{AEGIS_METADATA_KEY!r}]", strict=strict, error=RoutingError)
    if not KNOWN_FACT_KEYS.isdisjoint(metadata):
        for key in [k for k in metadata if k in KNOWN_FACT_KEYS]:
            read = (
                "only a pii/phi privacy fact counts here (it can only make the call more private)"
                if key in PRIVACY_KEYS
                else f"request facts are read only under metadata[{AEGIS_METADATA_KEY!r}]"
            )
            message = (
                f"metadata[{key!r}]: {read}; "
                f"write {{{AEGIS_METADATA_KEY!r}: {{{key!r}: {shown(metadata[key], key)}}}}} or use aegis_config()"
            )
            _report("metadata", key, message, strict=strict, error=RoutingError)


class NodeUsage:
    """Counts calls and the graph nodes they came from, to report configured nodes never used.

    Args:
        configured: the names under ``routing.nodes``.
        used_by_rules: node names rules match on (``when.node``), also valid.
        strict: raise on the call that ends the grace period instead of warning.
        grace: calls to wait before reporting.
    """

    def __init__(
        self,
        configured: Iterable[str],
        used_by_rules: Iterable[str] = (),
        *,
        strict: bool,
        grace: int = NODE_GRACE_CALLS,
    ) -> None:
        self._configured = frozenset(configured)
        self._valid = self._configured | frozenset(used_by_rules)
        self._strict = strict
        self._grace = grace
        self._calls = 0
        self._seen: set[str] = set()
        self.done = not self._configured

    def seen(self, node: str | None) -> None:
        """Count one call from ``node`` (``None`` outside a graph)."""
        if self.done:
            return
        self._calls += 1
        if node is not None:
            self._seen.add(node)
        if self._calls < self._grace:
            return
        self.done = True
        if not self._seen:  # no graph calls at all: nothing to compare with
            return
        strangers = sorted(self._seen - self._valid)
        for name in sorted(self._configured - self._seen):
            hint = suggest(name, strangers) if strangers else ""
            message = (
                f"routing.nodes.{name}: no graph call used this node in the first {self._grace} calls "
                f"(nodes seen: {', '.join(sorted(self._seen))}){hint}"
            )
            _report("routing.nodes", name, message, strict=self._strict, error=RoutingError)
