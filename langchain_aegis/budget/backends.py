"""Choosing a ledger backend from a ``budgets.ledger`` URL.

The factory lives apart from :mod:`langchain_aegis.budget.ledger` because the
backends import the ledger's base class: the base class must not import them
back. Each backend is imported only when its URL scheme asks for it, so the
``redis`` extra stays optional.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from langchain_aegis._secrets import mask_url
from langchain_aegis.budget.ledger import DEFAULT_NAMESPACE, Ledger, default_sqlite_path
from langchain_aegis.errors import ConfigError

__all__ = ["open_ledger"]


def open_ledger(url: str, *, namespace: str = DEFAULT_NAMESPACE, lock_timeout: float | None = None) -> Ledger:
    """Open the ledger a ``budgets.ledger`` URL names.

    Args:
        url: one of

            * ``memory://``: this process only; gone on exit.
            * ``sqlite:///abs/path/ledger.db``: a file shared by the processes
              of one machine; ``sqlite://`` alone uses :func:`default_sqlite_path`,
              and ``sqlite://relative/path.db`` is relative to the working directory.
            * ``redis://host:port/db`` (or ``rediss://``): shared by every
              replica; ``?prefix=name:`` changes the key prefix (``aegis:``).
        namespace: whose accounts to use (``budgets.namespace``).
        lock_timeout: seconds a SQLite call waits for another process's lock
            before it is a ledger fault (``budgets.lock_timeout``).

    Raises:
        ConfigError: the URL is malformed, its scheme unknown, or the backend
            cannot be opened; the message names the URL.
    """
    parsed = urlparse(url)
    try:
        if parsed.scheme == "memory":
            from langchain_aegis.budget.memory import MemoryLedger

            memory = MemoryLedger()
            memory.namespace = namespace
            return memory
        if parsed.scheme == "sqlite":
            from langchain_aegis.budget.sqlite import SQLiteLedger

            path = parsed.netloc + parsed.path
            options = {} if lock_timeout is None else {"busy_timeout": lock_timeout}
            return SQLiteLedger(Path(path) if path else default_sqlite_path(), namespace=namespace, **options)
        if parsed.scheme in ("redis", "rediss", "unix"):
            try:
                from langchain_aegis.budget.redis import RedisLedger
            except ImportError:
                raise ConfigError(
                    f"budgets.ledger: {mask_url(url)!r} needs the redis package (pip install 'langchain-aegis[redis]')"
                ) from None
            prefix = parse_qs(parsed.query).get("prefix", ["aegis:"])[0]
            plain = parsed._replace(query="&".join(p for p in parsed.query.split("&") if not p.startswith("prefix=")))
            return RedisLedger.from_url(plain.geturl(), prefix=prefix, namespace=namespace)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(mask_url(f"budgets.ledger: cannot open {url!r}: {exc}")) from None
    raise ConfigError(
        mask_url(f"budgets.ledger: {url!r} is not a ledger URL (use memory://, sqlite:///path or redis://host:port/db)")
    )
