"""Ledger faults are their own kind: typed, bounded, journaled and replayed exactly once; namespaced ledgers.

Real faults wherever the machine allows: a SQLite file locked by another
connection, a tiny tmpfs that fills up or is remounted read-only (skipped
without permission to mount), ``PRAGMA max_page_count`` for a full file
everywhere, and a Redis URL where nothing listens.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.budget import SQLiteLedger, open_ledger, period_for
from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.journal import Journal, Unconfirmed
from langchain_aegis.budget.ledger import Ledger, Reservation
from langchain_aegis.cli import main
from langchain_aegis.config.models import AegisConfig, load_config, namespace_for
from langchain_aegis.errors import AegisError, LedgerUnavailableError
from tests.redis_server import redis_server_fixture, redis_url_fixture  # noqa: F401

P = "2026-11"
NOW = 1_790_000_000.0


@contextmanager
def held_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the write lock of the ledger file."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def tiny_tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A size-limited tmpfs at ``where``; skips the test when this process may not mount."""
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root/CAP_SYS_ADMIN): {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- SQLite: locked, read-only, full -------------------------------------------------------


def test_a_locked_sqlite_file_is_a_ledger_fault_after_a_short_wait(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db", busy_timeout=0.05)
    with held_lock(tmp_path / "l.db"), pytest.raises(LedgerUnavailableError) as caught:
        ledger.reserve("openai", 1.0, limit=10.0, period=P, now=NOW)
    err = caught.value
    assert isinstance(err, AegisError)
    assert err.operation == "reserve"
    assert "locked" in str(err)
    assert str(tmp_path / "l.db") in str(err)
    # Nothing was left behind, and the ledger works again once the lock is gone.
    assert ledger.snapshot(P, now=NOW) == {}
    r = ledger.reserve("openai", 1.0, limit=10.0, period=P, now=NOW)
    assert ledger.settle(r, 0.5, now=NOW) is True
    assert ledger.snapshot(P, now=NOW)["openai"].spent == 0.5


def test_the_default_lock_wait_is_short() -> None:
    assert SQLiteLedger.__init__.__kwdefaults__["busy_timeout"] <= 0.5
    assert (
        AegisConfig(providers={"l": {"type": "ollama", "model": "m", "locality": "local"}}).budgets.lock_timeout <= 0.5
    )


def _fill(ledger: Ledger) -> tuple[list[Reservation], LedgerUnavailableError]:
    held = []
    for _ in range(100_000):
        try:
            held.append(ledger.reserve("openai", 0.001, limit=None, period=P, now=NOW))
        except LedgerUnavailableError as exc:
            return held, exc
    raise AssertionError("the ledger never filled up")


def _check_nothing_half_written(ledger: Ledger, held: list[Reservation]) -> None:
    spend = ledger.snapshot(P, now=NOW).get("openai")
    assert spend is not None
    assert spend.reserved == pytest.approx(0.001 * len(held))  # the failed reserve left no lease


def test_a_full_sqlite_file_is_a_ledger_fault_and_leaves_nothing_behind(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    assert ledger._conn is not None
    pages = ledger._conn.execute("PRAGMA page_count").fetchone()[0]
    ledger._conn.execute(f"PRAGMA max_page_count = {pages + 4}")
    held, err = _fill(ledger)
    assert "full" in str(err)
    # The connection is reopened after a fault (without the page cap): nothing half-written.
    _check_nothing_half_written(ledger, held)


def test_sqlite_on_a_full_disk_is_a_ledger_fault(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "fs", "256k") as fs:
        ledger = SQLiteLedger(fs / "l.db")
        _held, err = _fill(ledger)
        assert err.operation == "reserve"
        assert "full" in str(err) or "I/O" in str(err)
        assert isinstance(err.cause, sqlite3.Error | OSError)
        ledger.close()


def test_sqlite_on_a_read_only_disk_is_a_ledger_fault(tmp_path: Path) -> None:
    with tiny_tmpfs(tmp_path / "fs", "1m") as fs:
        ledger = SQLiteLedger(fs / "l.db")
        r = ledger.reserve("openai", 1.0, limit=None, period=P, now=NOW)
        ledger.close()
        subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
        ledger = SQLiteLedger(fs / "l.db")  # opening never raises: every call reports the fault
        with pytest.raises(LedgerUnavailableError) as caught:
            ledger.settle(r, 0.5, now=NOW)
        assert caught.value.operation == "settle"
        with pytest.raises(LedgerUnavailableError):
            ledger.reserve("openai", 1.0, limit=None, period=P, now=NOW)
        ledger.close()


# -- Redis ----------------------------------------------------------------------------------


def test_an_unreachable_redis_is_a_ledger_fault_with_the_password_masked() -> None:
    ledger = open_ledger(f"redis://:hunter2@127.0.0.1:{_dead_port()}/0")
    for call in (
        lambda: ledger.reserve("openai", 1.0, limit=5.0, period=P),
        lambda: ledger.settle(Reservation("x", "openai", P, 1.0, NOW), 1.0),
        lambda: ledger.snapshot(P),
        lambda: ledger.get_state("k"),
    ):
        with pytest.raises(LedgerUnavailableError) as caught:
            call()
        assert "hunter2" not in str(caught.value)
        assert "***" in str(caught.value)
        assert "redis" not in type(caught.value).__module__


async def test_an_unreachable_redis_is_a_ledger_fault_on_the_async_path() -> None:
    ledger = open_ledger(f"redis://:hunter2@127.0.0.1:{_dead_port()}/0")
    with pytest.raises(LedgerUnavailableError) as caught:
        await ledger.areserve("openai", 1.0, limit=5.0, period=P)
    assert "hunter2" not in str(caught.value)
    await ledger.aclose()


# -- the journal: exactly once ------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    items=st.lists(
        st.tuples(st.floats(min_value=0, max_value=5, allow_nan=False), st.booleans()), min_size=1, max_size=8
    ),
    replays=st.integers(min_value=1, max_value=3),
)
def test_journaled_settlements_count_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, items: list[tuple[float, bool]], replays: int
) -> None:
    tmp = tmp_path_factory.mktemp("j")
    ledger = SQLiteLedger(tmp / "l.db")
    journal = Journal(tmp / "journal.jsonl")
    written: list[tuple[Reservation, float]] = []
    for i, (cost, confirmed) in enumerate(items):
        if confirmed:
            r = ledger.reserve("openai", 5.0, limit=None, period=P, now=NOW)
        else:  # made while the ledger was down (on_ledger_error: allow)
            r = Unconfirmed(f"u{i}", "openai", P, 5.0, NOW + 300)
        written.append((r, cost))
    # Every line written, and replayed, several times (a crash between apply and rewrite, another process).
    for _ in range(replays):
        for r, cost in written:
            journal.append("settle", ledger, r, cost)
        Journal(journal.path).replay(ledger, now=NOW)
    assert not journal.pending()
    spend = ledger.snapshot(P, now=NOW)["openai"]
    assert spend.reserved == 0
    assert spend.count == len(items)
    assert spend.spent == pytest.approx(sum(c for c, _ in items), abs=1e-6)
    ledger.close()


def test_a_replayed_settle_counts_once_and_other_ledgers_lines_are_kept(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    other = SQLiteLedger(tmp_path / "l.db", namespace="someone-else")
    journal = Journal(tmp_path / "journal.jsonl")
    r = ledger.reserve("openai", 1.0, limit=2.0, period=P, now=NOW)
    journal.append("settle", ledger, r, 0.75)
    journal.append("settle", other, Unconfirmed("o1", "openai", P, 1.0, NOW), 0.25)
    assert journal.replay(ledger, now=NOW) == 1
    # The line of the other namespace stays for its own ledger.
    assert [e["ledger"].endswith("#someone-else") for e in journal.entries()] == [True]
    journal.append("settle", ledger, r, 0.75)  # a duplicate line: the lease is gone, nothing is added
    journal.replay(ledger, now=NOW)
    assert ledger.snapshot(P, now=NOW)["openai"].spent == 0.75
    journal.replay(other, now=NOW)
    assert other.snapshot(P, now=NOW)["openai"].spent == 0.25
    assert not journal.pending()


def test_concurrent_replays_count_once(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    path = tmp_path / "journal.jsonl"
    for i in range(50):
        Journal(path).append("settle", ledger, Unconfirmed(f"u{i}", "openai", P, 1.0, NOW), 0.01)
    threads = [threading.Thread(target=Journal(path).replay, args=(ledger,), kwargs={"now": NOW}) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spend = ledger.snapshot(P, now=NOW)["openai"]
    assert spend.count == 50
    assert spend.spent == pytest.approx(0.5)


def test_a_torn_journal_line_is_skipped(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    journal = Journal(tmp_path / "journal.jsonl")
    journal.append("settle", ledger, Unconfirmed("a", "openai", P, 1.0, NOW), 0.5)
    with journal.path.open("a") as f:
        f.write('{"op": "settle", "ledg')  # a crash mid-write
    assert journal.replay(ledger, now=NOW) == 1
    assert ledger.snapshot(P, now=NOW)["openai"].spent == 0.5


# -- the policy, in the accounting layer ----------------------------------------------------


def _config(tmp_path: Path, policy: str) -> AegisConfig:
    return AegisConfig.model_validate(
        {
            "providers": {
                "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud", "api_key": "k"},
                "local": {"type": "ollama", "model": "m", "locality": "local", "pricing": {"input": 1, "output": 1}},
            },
            "budgets": {
                "monthly_limits": {"openai": 10.0},
                "on_ledger_error": policy,
                "journal": str(tmp_path / "journal.jsonl"),
                "lock_timeout": 0.05,
            },
        }
    )


@pytest.mark.parametrize("policy", ["local_only", "fail", "allow"])
def test_on_ledger_error_at_reserve_time(tmp_path: Path, policy: str) -> None:
    cfg = _config(tmp_path, policy)
    ledger = SQLiteLedger(tmp_path / "l.db", busy_timeout=0.05)
    accounting = LedgerAccounting(cfg, ledger)
    with held_lock(tmp_path / "l.db"):
        if policy == "allow":
            r = accounting.reserve("openai", 100, 100)
            assert isinstance(r, Unconfirmed)
        else:
            with pytest.raises(LedgerUnavailableError, match=f"on_ledger_error: {policy}") as caught:
                accounting.reserve("openai", 100, 100)
            assert caught.value.policy == policy
        if policy != "fail":  # a local provider goes on without a reservation under local_only and allow
            assert isinstance(accounting.reserve("local", 100, 100), Unconfirmed)


def test_a_settlement_the_ledger_cannot_take_is_journaled_and_replayed(tmp_path: Path) -> None:
    cfg = _config(tmp_path, "local_only")
    ledger = SQLiteLedger(tmp_path / "l.db", busy_timeout=0.05)
    accounting = LedgerAccounting(cfg, ledger)
    r = accounting.reserve("openai", 1000, 100)
    usage = {"input_tokens": 1000, "output_tokens": 100, "total_tokens": 1100}
    with held_lock(tmp_path / "l.db"):
        cost = accounting.settle("openai", r, usage)  # never raises: the provider has answered
        accounting.release(accounting.reserve("local", 10, 10))  # an unconfirmed release needs nothing
    assert cost > 0
    lines = [json.loads(line) for line in (tmp_path / "journal.jsonl").read_text().splitlines()]
    assert [(e["op"], e["id"], e["confirmed"]) for e in lines] == [("settle", r.id, True)]
    assert "openai" not in ledger.snapshot(r.period) or ledger.snapshot(r.period)["openai"].spent == 0
    accounting.release(accounting.reserve("openai", 10, 10))  # the next success replays
    spend = ledger.snapshot(r.period)["openai"]
    assert spend.spent == pytest.approx(cost)
    assert spend.reserved == 0
    assert not accounting.journal.pending()


# -- namespaces ------------------------------------------------------------------------------


def test_two_namespaces_never_share_a_budget(tmp_path: Path) -> None:
    a = SQLiteLedger(tmp_path / "l.db", namespace="prod")
    b = SQLiteLedger(tmp_path / "l.db", namespace="test-script")
    a.reserve("openai", 8.0, limit=10.0, period=P, now=NOW)
    b.reserve("openai", 8.0, limit=10.0, period=P, now=NOW)  # would not fit in a's account
    b.put_state("breaker:openai", {"open": True})
    assert a.get_state("breaker:openai") is None
    assert a.snapshot(P, now=NOW)["openai"].reserved == 8.0


def test_redis_namespaces_never_share_a_budget(redis_url: str) -> None:
    a = open_ledger(redis_url, namespace="prod")
    b = open_ledger(redis_url, namespace="test-script")
    a.reserve("openai", 8.0, limit=10.0, period=P, now=NOW)
    b.reserve("openai", 8.0, limit=10.0, period=P, now=NOW)
    b.put_state("rollout:x", {"share": 1})
    assert a.get_state("rollout:x") is None
    assert set(b.snapshot(P, now=NOW)) == {"openai"}
    assert a.snapshot(P, now=NOW)["openai"].reserved == 8.0


def test_redis_record_once_counts_once(redis_url: str) -> None:
    ledger = open_ledger(redis_url)
    r = ledger.reserve("openai", 1.0, limit=None, period=P, now=NOW)
    assert ledger.record_once(r, 0.5, now=NOW) is True  # drops the lease too
    assert ledger.record_once(r, 0.5, now=NOW) is False
    u = Unconfirmed("never-reserved", "openai", P, 1.0, NOW)
    assert ledger.record_once(u, 0.25, now=NOW) is True
    assert ledger.record_once(u, 0.25, now=NOW) is False
    spend = ledger.snapshot(P, now=NOW)["openai"]
    assert (spend.spent, spend.reserved, spend.count) == (0.75, 0.0, 2)


def _write(path: Path, budgets: str = "") -> Path:
    path.write_text(
        "providers:\n"
        "  local: {type: ollama, model: m, locality: local}\n"
        "  openai: {type: openai, model: gpt-4o-mini, locality: cloud, api_key: '${UNSET_AEGIS_TEST_KEY}'}\n"
        f"budgets:\n  monthly_limits: {{openai: 10.0}}\n  ledger: 'sqlite://{path.parent}/l.db'\n{budgets}",
        encoding="utf-8",
    )
    return path


def test_namespace_defaults_to_the_config_files_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSET_AEGIS_TEST_KEY", "k")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = load_config(_write(tmp_path / "a" / "llm.yml"))
    two = load_config(_write(tmp_path / "b" / "llm.yml"))
    assert one.budgets.namespace == namespace_for(tmp_path / "a" / "llm.yml")
    assert one.budgets.namespace != two.budgets.namespace
    assert load_config(tmp_path / "a" / "llm.yml").budgets.namespace == one.budgets.namespace
    named = load_config(_write(tmp_path / "c.yml", "  namespace: team-x\n"))
    assert named.budgets.namespace == "team-x"
    assert (
        AegisConfig.model_validate(
            {"providers": {"l": {"type": "ollama", "model": "m", "locality": "local"}}}
        ).budgets.ledger_namespace
        == "default"
    )


def test_aegis_budget_needs_no_unrelated_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("UNSET_AEGIS_TEST_KEY", raising=False)
    path = _write(tmp_path / "llm.yml")
    with open_ledger(f"sqlite://{tmp_path}/l.db", namespace=namespace_for(path)) as ledger:
        ledger.record("openai", 2.5, period=period_for(datetime.now(UTC), "UTC"))
    assert main(["budget", "--config", str(path), "--json"]) == 0
    rows = {r["provider"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["openai"]["spent"] == pytest.approx(2.5)
    assert rows["openai"]["limit"] == 10.0


def test_aegis_budget_includes_journaled_settlements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNSET_AEGIS_TEST_KEY", "k")
    path = _write(tmp_path / "llm.yml", f"  journal: '{tmp_path}/journal.jsonl'\n")
    period = period_for(datetime.now(UTC), "UTC")
    with open_ledger(f"sqlite://{tmp_path}/l.db", namespace=namespace_for(path)) as ledger:
        # A settlement a process could not write while the file was locked.
        Journal(tmp_path / "journal.jsonl").append("settle", ledger, Unconfirmed("j1", "openai", period, 1.0, 0), 1.25)
    assert main(["budget", "--config", str(path), "--json"]) == 0
    rows = {r["provider"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["openai"]["spent"] == pytest.approx(1.25)
    assert not Journal(tmp_path / "journal.jsonl").pending()
