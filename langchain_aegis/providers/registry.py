"""The configured providers by name, and the any-llm import started ahead of the first call.

This module owns :class:`ProviderRegistry` (one
:class:`~langchain_aegis.providers.client.ProviderClient` per configured provider,
closed together) and :func:`preload_any_llm`. It must not send requests itself
or know about routing, budgets or retries. ``ProviderClient`` is re-exported
here, where it used to live.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping

from langchain_aegis.config.providers import ProviderConfig
from langchain_aegis.providers.client import ProviderClient
from langchain_aegis.providers.ollama import OLLAMA_RESPONSE_KEYS

__all__ = ["OLLAMA_RESPONSE_KEYS", "ProviderClient", "ProviderRegistry", "preload_any_llm"]


_preloading: threading.Thread | None = None


def preload_any_llm(provider_types: Iterable[str]) -> None:
    """Start importing any-llm and the providers' modules in a daemon thread, once per process.

    ``import any_llm`` takes 1.5 to 2 s (it imports the openai and anthropic
    SDKs). Started when a model is built, it runs while the application does
    other start-up work; a call made before it ends waits for it on the import
    lock, never imports twice. Set ``AEGIS_PRELOAD=0`` to turn it off.
    """
    global _preloading
    if _preloading is not None or os.environ.get("AEGIS_PRELOAD", "1") == "0" or "any_llm" in sys.modules:
        return
    modules = [f"any_llm.providers.{t}" for t in sorted(set(provider_types))]

    def _import() -> None:
        with contextlib.suppress(Exception):  # a missing extra is reported by the call that needs it
            importlib.import_module("any_llm")
            for module in modules:
                with contextlib.suppress(Exception):
                    importlib.import_module(module)

    _preloading = threading.Thread(target=_import, name="aegis-preload-any-llm", daemon=True)
    _preloading.start()


class ProviderRegistry(Mapping[str, ProviderClient]):
    """The :class:`ProviderClient` of every configured provider, by name (a read-only mapping)."""

    def __init__(self, providers: Mapping[str, ProviderConfig], *, detect: bool = True) -> None:
        self._clients = {name: ProviderClient(name, cfg, detect=detect) for name, cfg in providers.items()}

    def __getitem__(self, name: str) -> ProviderClient:
        return self._clients[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._clients)

    def __len__(self) -> int:
        return len(self._clients)

    def close(self) -> None:
        """Close every provider's clients (see :meth:`ProviderClient.close`)."""
        for client in self._clients.values():
            client.close()

    async def aclose(self) -> None:
        """Async :meth:`close`."""
        for client in self._clients.values():
            await client.aclose()
