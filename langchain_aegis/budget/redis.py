"""A ledger in Redis, shared by every replica of a service.

Each operation is one Lua script, which Redis runs atomically, so the check
and the reservation cannot be split by another client. Per provider and
period there are these keys (amounts in integer nanodollars; ``{ns}`` is the
namespace, ``budgets.namespace``)::

    {prefix}{ns}:{provider}:{period}:acct      hash: spent, count, reserved
    {prefix}{ns}:{provider}:{period}:leases    sorted set: reservation id scored by lease expiry
    {prefix}{ns}:{provider}:{period}:amounts   hash: reservation id -> amount
    {prefix}{ns}:{provider}:{period}:expired   sorted set: leases that expired unsettled
    {prefix}{ns}:{provider}:{period}:recorded  set: settlements replayed from the journal
    {prefix}{ns}:providers:{period}            set: providers with an account this period
    {prefix}{ns}:state:{key}                   string: a JSON blob

``reserved`` is a running total, so a reserve costs O(1) plus the leases that
expired since the last one; those are moved to ``expired`` (so a late settle
still counts, once) and forgotten after a day. Every key is given a TTL of
``retention_seconds`` (100 days) on each write, which outlives its month.

Every failure to reach Redis (refused, reset, paused past the socket timeout)
is raised as :class:`~langchain_aegis.errors.LedgerUnavailableError`. A
command is retried once on a fresh connection (a pooled connection may have
died with a restart); every script is idempotent by reservation id, so a retry
of one that did run changes nothing.

Not for Redis Cluster: a script touches the per-period provider set, which
may live in another slot.

This module owns the keys, the script calls and the connection handling; it
must not decide limits or prices (callers pass them) or read config
(``backends.py`` opens a ledger from its URL).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any, Self
from urllib.parse import urlparse

import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.retry import Retry

from langchain_aegis.budget._redis_scripts import RECORD, RELEASE, RENEW, RESERVE, SETTLE, SNAPSHOT
from langchain_aegis.budget.ledger import (
    DEFAULT_NAMESPACE,
    EXPIRED_GRACE_SECONDS,
    Ledger,
    Reservation,
    Spend,
    check_reserve_args,
    exceeded,
    ledger_faults,
    new_reservation,
    renewed,
    to_dollars,
    to_units,
)

__all__ = ["RedisLedger"]


class _Scripts:
    """The ledger's scripts registered on one client (sync or async)."""

    def __init__(self, client: Any) -> None:
        self.reserve = client.register_script(RESERVE)
        self.settle = client.register_script(SETTLE)
        self.release = client.register_script(RELEASE)
        self.record = client.register_script(RECORD)
        self.renew = client.register_script(RENEW)
        self.snapshot = client.register_script(SNAPSHOT)


def _num(value: float) -> str:
    # repr keeps every digit of a Unix timestamp; Lua would round it to 14.
    return repr(float(value))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisLedger(Ledger):
    """A ledger in Redis. Safe across threads, processes and machines.

    Errors reaching Redis surface as :class:`~langchain_aegis.errors.LedgerUnavailableError`;
    ``budgets.on_ledger_error`` decides whether an unreachable ledger blocks calls.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        prefix: str = "aegis:",
        namespace: str = DEFAULT_NAMESPACE,
        retention_seconds: int = 100 * 86_400,
        max_connections: int = 32,
        timeout: float = 1.0,
    ) -> None:
        """Connect lazily to the Redis server at ``url``.

        Args:
            url: a ``redis://``, ``rediss://`` or ``unix://`` URL.
            prefix: put in front of every key.
            namespace: whose accounts to read and write (part of every key).
            retention_seconds: TTL refreshed on every write to an account.
            max_connections: async connections per event loop; more concurrent
                calls wait for one to free up.
            timeout: seconds to connect and to wait for an answer before the
                ledger counts as unavailable (a paused server); ``?socket_timeout=``
                in the URL overrides it.

        Raises:
            ValueError: the URL cannot be parsed.
        """
        parsed = urlparse(url)
        db = parsed.path.strip("/")
        if parsed.scheme in ("redis", "rediss") and db and not db.isdigit():
            # redis-py would silently ignore this and use database 0.
            raise ValueError(f"database {db!r} is not a number")
        self.url = url
        self.prefix = prefix
        self.namespace = namespace
        self.retention_seconds = retention_seconds
        self.max_connections = max_connections
        # One retry on a fresh connection, not redis-py's ten with backoff: an outage must
        # reach budgets.on_ledger_error within about two timeouts.
        self._options: dict[str, Any] = {
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            "retry": Retry(NoBackoff(), 1),
        }
        self._client = redis.Redis.from_url(url, **self._options)
        self._scripts = _Scripts(self._client)
        # redis.asyncio clients belong to one event loop: one per loop, made on first use.
        self._aclients: dict[asyncio.AbstractEventLoop, tuple[redis.asyncio.Redis, _Scripts]] = {}

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "aegis:", namespace: str = DEFAULT_NAMESPACE) -> Self:
        """Open the ledger at ``url`` (see :func:`~langchain_aegis.budget.ledger.open_ledger`)."""
        return cls(url, prefix=prefix, namespace=namespace)

    @property
    def _ns(self) -> str:
        return f"{self.prefix}{self.namespace}:"

    def _keys(self, provider: str, period: str) -> list[str]:
        base = f"{self._ns}{provider}:{period}:"
        return [base + "acct", base + "leases", base + "amounts", base + "expired", f"{self._ns}providers:{period}"]

    def _record_keys(self, provider: str, period: str) -> list[str]:
        return [*self._keys(provider, period), f"{self._ns}{provider}:{period}:recorded"]

    def _faults(self, operation: str) -> Any:
        return ledger_faults(self.url, operation, (redis.exceptions.RedisError,))

    def _aclient(self) -> tuple[redis.asyncio.Redis, _Scripts]:
        loop = asyncio.get_running_loop()
        found = self._aclients.get(loop)
        if found is None:
            for old in [lp for lp in self._aclients if lp.is_closed()]:
                del self._aclients[old]
            # Waiting for a free connection is queueing, not an outage: the pool's own (longer) wait applies.
            pool = redis.asyncio.BlockingConnectionPool.from_url(
                self.url,
                max_connections=self.max_connections,
                socket_timeout=self._options["socket_timeout"],
                socket_connect_timeout=self._options["socket_connect_timeout"],
            )
            client = redis.asyncio.Redis(connection_pool=pool, retry=redis.asyncio.retry.Retry(NoBackoff(), 1))
            found = self._aclients[loop] = (client, _Scripts(client))
        return found

    # -- arguments and results shared by the sync and async paths ----------

    def _reserve_args(
        self, provider: str, amount: float, limit: float | None, period: str, lease_seconds: float, now: float | None
    ) -> tuple[Reservation, list[str], list[Any]]:
        r, now = new_reservation(provider, amount, period, lease_seconds, now)
        limit_units = -1 if limit is None else to_units(limit)
        args = [
            _num(now),
            self.retention_seconds,
            provider,
            _num(now - EXPIRED_GRACE_SECONDS),
            r.id,
            to_units(amount),
            limit_units,
            _num(r.expires_at),
        ]
        return r, self._keys(provider, period), args

    @staticmethod
    def _reserved(r: Reservation, limit: float | None, result: list[Any]) -> Reservation:
        ok, spent, reserved = (int(x) for x in result)
        if not ok:
            assert limit is not None
            raise exceeded(r.provider, limit, spent, reserved, r.period)
        return r

    def _settle_args(self, r: Reservation, actual_cost: float, now: float | None) -> tuple[list[str], list[Any]]:
        now = time.time() if now is None else now
        args = [_num(now), self.retention_seconds, r.provider, r.id, to_units(actual_cost)]
        return self._keys(r.provider, r.period), args

    def _release_args(self, r: Reservation) -> tuple[list[str], list[Any]]:
        return self._keys(r.provider, r.period), [_num(time.time()), self.retention_seconds, r.provider, r.id]

    @staticmethod
    def _spend(result: list[Any]) -> Spend:
        spent, count, reserved = (int(x) for x in result)
        return Spend(to_dollars(spent), to_dollars(max(reserved, 0)), count)

    def _state_key(self, key: str) -> str:
        return f"{self._ns}state:{key}"

    # -- sync --------------------------------------------------------------

    def reserve(
        self,
        provider: str,
        amount: float,
        *,
        limit: float | None,
        period: str,
        lease_seconds: float = 300.0,
        now: float | None = None,
    ) -> Reservation:
        """See :meth:`Ledger.reserve`."""
        r, keys, args = self._reserve_args(provider, amount, limit, period, lease_seconds, now)
        with self._faults("reserve"):
            result = self._scripts.reserve(keys=keys, args=args)
        return self._reserved(r, limit, result)

    def settle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.settle`."""
        keys, args = self._settle_args(reservation, actual_cost, now)
        with self._faults("settle"):
            return bool(self._scripts.settle(keys=keys, args=args))

    def record_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.record_once`."""
        _, args = self._settle_args(reservation, actual_cost, now)
        keys = self._record_keys(reservation.provider, reservation.period)
        with self._faults("record"):
            return bool(self._scripts.record(keys=keys, args=args))

    def release(self, reservation: Reservation) -> None:
        """See :meth:`Ledger.release`."""
        keys, args = self._release_args(reservation)
        with self._faults("release"):
            self._scripts.release(keys=keys, args=args)

    def renew(self, reservation: Reservation, *, lease_seconds: float, now: float | None = None) -> Reservation | None:
        """See :meth:`Ledger.renew`."""
        check_reserve_args(0.0, lease_seconds)
        r = reservation
        # This process's clock, as for reserve: a lease another caller excluded was swept out by that
        # caller's own reserve script, so a renewal that arrives late finds nothing to revive.
        now = time.time() if now is None else now
        args = [_num(now), self.retention_seconds, r.provider, r.id, _num(lease_seconds)]
        with self._faults("renew"):
            end = self._scripts.renew(keys=self._keys(r.provider, r.period), args=args)
        return None if end is None else renewed(r, float(end))

    def snapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """See :meth:`Ledger.snapshot`."""
        now = time.time() if now is None else now
        with self._faults("snapshot"):
            providers = sorted(_text(p) for p in self._client.smembers(f"{self._ns}providers:{period}"))
            pipe = self._client.pipeline(transaction=False)
            for provider in providers:
                self._scripts.snapshot(keys=self._keys(provider, period)[:3], args=[_num(now)], client=pipe)
            results = pipe.execute()
        return {p: self._spend(res) for p, res in zip(providers, results, strict=True)}

    def get_state(self, key: str) -> dict[str, Any] | None:
        """See :meth:`Ledger.get_state`."""
        with self._faults("get_state"):
            raw = self._client.get(self._state_key(key))
        return None if raw is None else dict(json.loads(raw))

    def put_state(self, key: str, value: dict[str, Any]) -> None:
        """See :meth:`Ledger.put_state`."""
        with self._faults("put_state"):
            self._client.set(self._state_key(key), json.dumps(value))

    def close(self) -> None:
        """Close the sync connections (async ones close with :meth:`aclose`)."""
        self._client.close()

    # -- async -------------------------------------------------------------

    async def areserve(
        self,
        provider: str,
        amount: float,
        *,
        limit: float | None,
        period: str,
        lease_seconds: float = 300.0,
        now: float | None = None,
    ) -> Reservation:
        """See :meth:`Ledger.reserve`."""
        r, keys, args = self._reserve_args(provider, amount, limit, period, lease_seconds, now)
        with self._faults("reserve"):
            _, scripts = self._aclient()
            result = await scripts.reserve(keys=keys, args=args)
        return self._reserved(r, limit, result)

    async def asettle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.settle`."""
        keys, args = self._settle_args(reservation, actual_cost, now)
        with self._faults("settle"):
            _, scripts = self._aclient()
            return bool(await scripts.settle(keys=keys, args=args))

    async def arecord_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        """See :meth:`Ledger.record_once`."""
        _, args = self._settle_args(reservation, actual_cost, now)
        keys = self._record_keys(reservation.provider, reservation.period)
        with self._faults("record"):
            _, scripts = self._aclient()
            return bool(await scripts.record(keys=keys, args=args))

    async def arelease(self, reservation: Reservation) -> None:
        """See :meth:`Ledger.release`."""
        keys, args = self._release_args(reservation)
        with self._faults("release"):
            _, scripts = self._aclient()
            await scripts.release(keys=keys, args=args)

    async def asnapshot(self, period: str, *, now: float | None = None) -> dict[str, Spend]:
        """See :meth:`Ledger.snapshot`."""
        now = time.time() if now is None else now
        with self._faults("snapshot"):
            client, scripts = self._aclient()
            providers = sorted(_text(p) for p in await client.smembers(f"{self._ns}providers:{period}"))
            results = await asyncio.gather(
                *(scripts.snapshot(keys=self._keys(p, period)[:3], args=[_num(now)]) for p in providers)
            )
        return {p: self._spend(res) for p, res in zip(providers, results, strict=True)}

    async def aget_state(self, key: str) -> dict[str, Any] | None:
        """See :meth:`Ledger.get_state`."""
        with self._faults("get_state"):
            client, _ = self._aclient()
            raw = await client.get(self._state_key(key))
        return None if raw is None else dict(json.loads(raw))

    async def aput_state(self, key: str, value: dict[str, Any]) -> None:
        """See :meth:`Ledger.put_state`."""
        with self._faults("put_state"):
            client, _ = self._aclient()
            await client.set(self._state_key(key), json.dumps(value))

    async def aclose(self) -> None:
        """Close this event loop's async connections and the sync ones."""
        found = self._aclients.pop(asyncio.get_running_loop(), None)
        if found is not None:
            with contextlib.suppress(redis.exceptions.RedisError, OSError):
                await found[0].aclose()
        self.close()
