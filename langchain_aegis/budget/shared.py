"""One ledger per URL and process, shared by every model, and the reachability probe at start.

:func:`shared_ledger` hands out counted references to one ledger per URL,
namespace and lock timeout, so every model instance of a process enforces the
same caps; :func:`release_ledger` gives a reference back and the last one
closes the ledger. :func:`reach_ledger` checks at construction that a ledger
answers and applies ``budgets.on_ledger_error`` when it does not. This module
opens, shares and probes ledgers; it must not reserve, settle or price.
"""

from __future__ import annotations

import logging
import threading

from langchain_aegis._secrets import mask_url
from langchain_aegis.budget.backends import open_ledger
from langchain_aegis.budget.ledger import Ledger
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import ConfigError

__all__ = ["reach_ledger", "release_ledger", "shared_ledger"]

logger = logging.getLogger("langchain_aegis")

_LEDGERS: dict[tuple[str, str, float | None], tuple[Ledger, int]] = {}
_LEDGERS_LOCK = threading.Lock()


def shared_ledger(url: str, *, namespace: str = "default", lock_timeout: float | None = None) -> Ledger:
    """One ledger per URL, namespace and process, so every model instance enforces the same caps.

    Each call takes a reference; :func:`release_ledger` gives it back and the
    last one closes the ledger. ``memory://`` is not shared: it is meant for
    tests, one per model.
    """
    if url.startswith("memory:"):
        return open_ledger(url, namespace=namespace)
    key = (url, namespace, lock_timeout)
    with _LEDGERS_LOCK:
        ledger, refs = _LEDGERS.get(key) or (None, 0)
        if ledger is None:
            ledger = open_ledger(url, namespace=namespace, lock_timeout=lock_timeout)
        _LEDGERS[key] = (ledger, refs + 1)
        return ledger


def release_ledger(ledger: Ledger) -> None:
    """Give back a reference taken with :func:`shared_ledger`; the last one closes the ledger."""
    with _LEDGERS_LOCK:
        for key, (found, refs) in list(_LEDGERS.items()):
            if found is ledger:
                if refs > 1:
                    _LEDGERS[key] = (found, refs - 1)
                    return
                del _LEDGERS[key]
                break
        else:
            return
    ledger.close()


_PROBE_SECONDS = 5.0


def reach_ledger(ledger: Ledger, config: AegisConfig) -> bool:
    """Whether the ledger answers now; an unreachable one is a :class:`ConfigError` under ``on_ledger_error: fail``.

    The probe runs on a helper thread with a bound, as a Redis host that drops
    packets would otherwise hold the constructor for the OS connect timeout.
    """
    if type(ledger).__name__ == "MemoryLedger":
        return True
    failure: list[BaseException] = []

    def probe() -> None:
        try:
            ledger.get_state("probe")
        except BaseException as exc:  # reported below, never raised raw
            failure.append(exc)

    helper = threading.Thread(target=probe, name="aegis-ledger-probe", daemon=True)
    helper.start()
    helper.join(_PROBE_SECONDS)
    if not failure and not helper.is_alive():
        return True
    why = f"{type(failure[0]).__name__}: {failure[0]}" if failure else f"no answer within {_PROBE_SECONDS:g} s"
    url = mask_url(getattr(ledger, "url", None) or config.budgets.ledger)
    policy = config.budgets.on_ledger_error
    if policy == "fail":
        raise ConfigError(
            mask_url(
                f"budgets.ledger: cannot reach the ledger at {url} ({why}); start it or fix the URL, "
                "or set budgets.on_ledger_error: local_only to start without it"
            )
        )
    logger.warning(
        "aegis: cannot reach the ledger at %s (%s); starting anyway (budgets.on_ledger_error: %s)",
        url,
        mask_url(why),
        policy,
    )
    return False
