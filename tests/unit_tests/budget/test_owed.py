"""A settlement journaled while the ledger was down counts against its cap until it is replayed.

Its reservation holds the headroom only until its lease ends. If the ledger
comes back later than that, a call admitted before the replay must not take
the headroom the replay is about to spend: the money soak against SQLite saw
exactly this pass the cap ($0.020022 against $0.020).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from langchain_aegis.budget.accounting import LedgerAccounting
from langchain_aegis.budget.ledger import Reservation
from langchain_aegis.budget.memory import MemoryLedger
from langchain_aegis.budget.owed import Owed
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import BudgetExceededError, LedgerUnavailableError
from tests.unit_tests.budget.conftest import priced_config

CAP = 1.0
T0 = 1_767_225_600.0  # 2026-01-01


def _config(tmp_path: Path) -> AegisConfig:
    return priced_config(tmp_path, cap=CAP)


class SettleOutage(MemoryLedger):
    """A ledger that takes reservations but cannot record spend while ``down`` (a write outage)."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.during_reserve: list[Any] = []  # callbacks run inside the next reserve, then dropped

    def _check(self, op: str) -> None:
        if self.down:
            raise LedgerUnavailableError("memory://", op)

    def settle(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        self._check("settle")
        return super().settle(reservation, actual_cost, now=now)

    def record_once(self, reservation: Reservation, actual_cost: float, *, now: float | None = None) -> bool:
        self._check("record")
        return super().record_once(reservation, actual_cost, now=now)

    def reserve(self, *args: Any, **kwargs: Any) -> Reservation:
        r = super().reserve(*args, **kwargs)
        while self.during_reserve:
            self.during_reserve.pop(0)()
        return r


def _spent(ledger: MemoryLedger, period: str) -> float:
    return ledger.snapshot(period, now=T0)["openai"].spent


def test_a_journaled_settlement_keeps_its_headroom_after_its_lease_ends(tmp_path: Path) -> None:
    clock = [T0]
    ledger = SettleOutage()
    accounting = LedgerAccounting(_config(tmp_path), ledger, clock=lambda: clock[0])
    first = accounting.reserve("openai", 6, 1)  # $0.60
    assert first is not None
    ledger.down = True
    accounting.settle("openai", first, {"input_tokens": 6, "output_tokens": 0})  # journaled
    clock[0] += 5.0  # the lease has ended; the ledger still cannot record (the replay fails)
    with pytest.raises(BudgetExceededError) as caught:
        accounting.reserve("openai", 6, 1)  # another $0.60 would pass the cap once the $0.60 lands
    assert caught.value.limit == CAP  # the error names the real cap, with what is owed counted as spent
    assert caught.value.spent == pytest.approx(0.6)
    assert accounting.reserve("openai", 3, 1) is not None  # what fits beside the owed $0.60 is admitted
    ledger.down = False
    accounting.settle("openai", None, {"input_tokens": 0})  # nothing to settle; the next reserve replays
    assert accounting.reserve("openai", 1, 1) is not None
    assert _spent(ledger, first.period) == pytest.approx(0.6)
    assert accounting.owed.snapshot("openai")[0] == 0.0  # replayed, no longer owed


def test_without_the_owed_count_the_same_sequence_passes_the_cap(tmp_path: Path) -> None:
    """The scenario is real: admitting against the ledger alone lets the replay pass the cap."""
    clock = [T0]
    ledger = SettleOutage()
    accounting = LedgerAccounting(_config(tmp_path), ledger, clock=lambda: clock[0])
    first = accounting.reserve("openai", 6, 1)
    assert first is not None
    ledger.down = True
    accounting.settle("openai", first, {"input_tokens": 6, "output_tokens": 0})
    clock[0] += 5.0
    second = ledger.reserve("openai", 0.6, limit=CAP, period=first.period, lease_seconds=1.0, now=clock[0])
    ledger.down = False
    ledger.settle(second, 0.6, now=clock[0])
    accounting.journal.replay(ledger)
    assert _spent(ledger, first.period) > CAP


def test_a_settlement_journaled_during_a_reservation_sends_it_back_to_admission(tmp_path: Path) -> None:
    clock = [T0]
    ledger = SettleOutage()
    accounting = LedgerAccounting(_config(tmp_path), ledger, clock=lambda: clock[0])
    first = accounting.reserve("openai", 6, 1)
    assert first is not None
    clock[0] += 5.0  # first's lease has ended

    def settle_first_while_down() -> None:
        ledger.down = True
        accounting.settle("openai", first, {"input_tokens": 6, "output_tokens": 0})
        ledger.down = False

    # The reservation below reads the owed amount (nothing), then this settlement is journaled while
    # its ledger call runs: the accounting notices, gives the reservation back and admits again.
    ledger.during_reserve.append(settle_first_while_down)
    with pytest.raises(BudgetExceededError):
        accounting.reserve("openai", 6, 1)
    assert ledger.snapshot(first.period, now=clock[0])["openai"].reserved == 0.0  # nothing left held


def test_owed_counts_and_versions() -> None:
    owed = Owed()
    assert owed.snapshot("p") == (0.0, 0)
    owed.record(lambda: None, "p", 0.25)
    amount, version = owed.snapshot("p")
    assert amount == 0.25
    assert not owed.grew_since("p", version)
    owed.record(lambda: None, "q", 1.0)
    assert not owed.grew_since("p", version)  # another provider's settlement does not concern p
    owed.record(lambda: None, "p", 0.0)  # a release journals nothing owed
    assert not owed.grew_since("p", version)
    owed.recount(lambda: {"q": 1.0})
    assert owed.snapshot("p")[0] == 0.0
    assert owed.grew_since("p", version)
    assert Owed.cap(1.0, 0.25) == 0.75
    assert Owed.cap(1.0, 2.0) == 0.0
    assert Owed.cap(None, 2.0) is None


def test_an_open_request_past_its_lease_keeps_its_headroom_until_it_settles(tmp_path: Path) -> None:
    """A settle that lands after the lease ends (a busy executor, a stream closed late) must still fit."""
    clock = [T0]
    ledger = SettleOutage()
    accounting = LedgerAccounting(_config(tmp_path), ledger, clock=lambda: clock[0])
    first = accounting.reserve("openai", 6, 1)  # $0.60, lease 1 s
    assert first is not None
    clock[0] += 5.0  # still running; the ledger no longer counts its lease
    assert ledger.snapshot(first.period, now=clock[0])["openai"].reserved == 0.0
    with pytest.raises(BudgetExceededError):
        accounting.reserve("openai", 6, 1)
    accounting.settle("openai", first, {"input_tokens": 6, "output_tokens": 0})  # lands late
    second = accounting.reserve("openai", 4, 1)  # $0.40 fits beside the $0.60 now spent
    assert second is not None
    accounting.settle("openai", second, {"input_tokens": 4, "output_tokens": 0})
    assert _spent(ledger, first.period) == pytest.approx(CAP)


def test_a_released_request_owes_nothing(tmp_path: Path) -> None:
    clock = [T0]
    accounting = LedgerAccounting(_config(tmp_path), SettleOutage(), clock=lambda: clock[0])
    first = accounting.reserve("openai", 6, 1)
    clock[0] += 5.0
    accounting.release(first)
    assert accounting.owed.snapshot("openai", clock[0])[0] == 0.0
    assert accounting.reserve("openai", 10, 1) is not None  # the whole cap is free again


def test_models_sharing_a_ledger_see_each_others_money_past_its_lease(tmp_path: Path) -> None:
    """Two models of one process (LangGraph nodes built from one config) share the ledger object."""
    clock = [T0]
    ledger = SettleOutage()
    config = _config(tmp_path)
    first_model = LedgerAccounting(config, ledger, clock=lambda: clock[0])
    second_model = LedgerAccounting(config, ledger, clock=lambda: clock[0])
    held = first_model.reserve("openai", 6, 1)
    assert held is not None
    clock[0] += 5.0
    with pytest.raises(BudgetExceededError):
        second_model.reserve("openai", 6, 1)
    first_model.settle("openai", held, {"input_tokens": 6, "output_tokens": 0})
    ledger.down = True
    late = second_model.reserve("openai", 2, 1)  # $0.20 fits
    second_model.settle("openai", late, {"input_tokens": 2, "output_tokens": 0})  # journaled by the second model
    ledger.down = False
    with pytest.raises(BudgetExceededError):
        first_model.reserve("openai", 3, 1)  # $0.30 would pass the cap once the journaled $0.20 lands
    assert first_model.reserve("openai", 2, 1) is not None
