"""Concurrency slots: a hard cap across threads and event loops, a bounded wait, idempotent release."""

from __future__ import annotations

import asyncio
import threading

from langchain_aegis.dispatch.concurrency import Slots, slots_for


def test_no_more_than_the_limit_and_a_full_wait_gives_up() -> None:
    slots = Slots(2)
    a, b = slots.acquire(0), slots.acquire(0)
    assert a is not None
    assert b is not None
    assert slots.acquire(0.01) is None
    a.release()
    a.release()  # a second release gives nothing back twice
    assert slots.in_flight == 1
    c = slots.acquire(0)
    assert c is not None
    assert slots.acquire(0) is None


def test_a_waiting_thread_gets_the_slot_another_thread_frees() -> None:
    slots = Slots(1)
    held = slots.acquire(0)
    assert held is not None
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire(30)))
    waiter.start()
    held.release()
    waiter.join(30)
    assert got
    assert got[0] is not None


async def test_threads_and_coroutines_share_one_cap() -> None:
    slots = Slots(3)
    peak = 0

    async def use() -> None:
        nonlocal peak
        slot = await slots.aacquire(30)
        assert slot is not None
        peak = max(peak, slots.in_flight)
        await asyncio.sleep(0)
        slot.release()

    def use_sync() -> None:
        nonlocal peak
        slot = slots.acquire(30)
        assert slot is not None
        peak = max(peak, slots.in_flight)
        slot.release()

    await asyncio.gather(*(use() for _ in range(20)), *(asyncio.to_thread(use_sync) for _ in range(20)))
    assert peak <= 3
    assert slots.in_flight == 0


async def test_an_async_wait_gives_up_without_holding_the_loop() -> None:
    slots = Slots(1)
    held = slots.acquire(0)
    assert held is not None
    ran = asyncio.Event()

    async def other() -> None:
        ran.set()

    task = asyncio.create_task(other())
    assert await slots.aacquire(0.05) is None
    assert ran.is_set()  # the other task ran during the wait: a blocking wait would not have let it
    await task
    held.release()


def test_a_dropped_slot_is_given_back() -> None:
    slots = Slots(1)
    slots.acquire(0)  # never released explicitly: garbage-collected at once
    assert slots.in_flight == 0


def test_one_provider_shares_its_slots_across_models() -> None:
    assert slots_for("p", "http://h", 2) is slots_for("p", "http://h", 2)
    assert slots_for("p", "http://h", 2) is not slots_for("p", "http://other", 2)
