"""Money conservation soak: 1,000 calls, 30% faults, ledger outages, early stops; the books must balance.

Three loopback providers (``openai`` on the OpenAI protocol and ``ollama_cloud``
on Ollama's, both priced and capped; ``local_ollama``, free) serve 1,000 calls
through all four paths (``invoke``, ``ainvoke``, ``stream``, ``astream``) and
three early stops (``break`` after the first chunk, ``aclose``, task
cancellation), while the servers fail 30% of their requests (429, 5xx, hangs,
slow answers, cut and truncated streams, malformed and empty bodies,
disconnects) and the ledger goes away twice: a real ``redis-server`` paused and
then stopped and restarted, or a SQLite file locked by another connection.

Once the ledger is back and the settlement journal replayed, for each capped
provider:

* every request its server billed was settled, none released at $0 (the
  ledger's count of settlements >= the server's count of bills: each fake
  server keeps an invoice of every request it began answering);
* recorded spend >= what its server billed, priced with the provider's prices;
* recorded spend <= the cap, and the caps were reached during the soak;
* nothing is left reserved;

and for the calls: none hung, every failure is an ``AegisError``, and no
local-only call reached a cloud server.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import time
from collections.abc import AsyncGenerator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest
from langchain_core.messages import AIMessageChunk
from langchain_core.runnables import RunnableConfig

from langchain_aegis.budget import Ledger, Spend, open_ledger, period_for
from langchain_aegis.budget.journal import Journal
from langchain_aegis.budget.pricing import cost_from_usage, pricing_for
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.models import AegisConfig, Pricing
from langchain_aegis.errors import AegisError
from tests.integration_tests.fault_fixtures import CHAIN, Recorder, Servers, config_for, first, running_servers
from tests.integration_tests.test_ledger_faults import Redis, sqlite_lock

pytestmark = pytest.mark.slow

CALLS = 1_000
CONCURRENCY = 40
FAULT_RATE = 0.3
# Every fault a provider's answer can meet, except the usage-limit 429 (it parks a provider for the window).
# A reset connection is charged as in flight (the provider may have started) but billed nothing by the
# fake, so it is injected on the free local server only: every settlement of a capped provider then
# answers a bill, and a billed request released at $0 shows in the count.
CLOUD_FAULTS = (
    "rate_limit",
    "server_error",
    "bad_gateway",
    "unavailable",
    "gateway_timeout",
    "hang",
    "slow",
    "stream_cut",
    "truncate",
    "malformed",
    "empty_stream",
)
LOCAL_FAULTS = (*CLOUD_FAULTS, "disconnect")
MODES = ("invoke", "ainvoke", "stream", "astream", "break", "aclose", "cancel")
CAPPED = ("openai", "ollama_cloud")
PRICES = {"openai": Pricing(input=1.0, output=4.0), "ollama_cloud": Pricing(input=0.5, output=2.0)}  # USD / 1M
# Caps that run out past the middle of the soak, after both ledger outages (about 55% of what it records uncapped).
CAPS = {"openai": 0.04, "ollama_cloud": 0.02}
TIMEOUT = 2.0  # per request; a hang costs this much
DEADLINE = 5.0
BOUND = DEADLINE + 15.0  # no call may take longer than this: past it, the call hung
OUTAGE = 1.5  # seconds each ledger outage lasts
PII_MARKER = "PII-MARKER"
PASSAGE = (
    "The committee reviewed the quarterly figures and agreed that the new warehouse in the northern district "
    "should open before winter, provided the contractors finish the loading bays and the insurance company "
    "approves the revised fire safety plan that the regional office submitted last month after two inspections "
    "found problems with the sprinkler pipes near the old storage rooms"
)
# Settlements are stored in integer nanodollars: each one may round by half a nanodollar.
ROUNDING = 0.5e-9


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with running_servers() as running:
        yield running


def _config(servers: Servers, ledger: str, tmp_path: Path) -> AegisConfig:
    budgets = {
        "monthly_limits": CAPS,
        "ledger": ledger,
        "namespace": f"money-soak-{tmp_path.name}",
        "journal": str(tmp_path / "journal.jsonl"),
        "default_max_tokens": 64,  # sent to the capped providers: the output a reservation covers
        # As short as the deadline allows: a reserve that Redis ran after the client gave up on it (paused)
        # holds its amount until the lease ends, well before the soak does.
        "lease_seconds": DEADLINE + 1.0,
        "lock_timeout": 0.1,
    }
    cfg = config_for(servers, timeout=TIMEOUT, deadline=DEADLINE, budgets=budgets, breaker_cooldown=0.5)
    providers = {n: p.model_copy(update={"pricing": PRICES[n]}) if n in PRICES else p for n, p in cfg.providers.items()}
    return cfg.model_copy(update={"providers": providers})


# -- the two ledgers and their outages ---------------------------------------------------------------


@dataclass
class LedgerUnderTest:
    """A ledger URL and the outages it goes through, as context managers run on a thread."""

    url: str
    outages: tuple[Callable[[], AbstractContextManager[None]], ...]


@contextmanager
def _redis_paused(redis: Redis) -> Iterator[None]:
    redis.pause(OUTAGE)  # CLIENT PAUSE ALL: every command waits, the client times out
    yield


@contextmanager
def _redis_stopped(redis: Redis) -> Iterator[None]:
    redis.stop()
    try:
        yield
    finally:
        redis.start()  # append-only file with fsync always: nothing settled is lost


@contextmanager
def _ledger(kind: str, tmp_path: Path) -> Iterator[LedgerUnderTest]:
    if kind == "redis":
        redis = Redis(tmp_path)
        redis.start()
        try:
            yield LedgerUnderTest(redis.url, (lambda: _redis_paused(redis), lambda: _redis_stopped(redis)))
        finally:
            redis.stop()
    else:
        db = tmp_path / "ledger.db"
        yield LedgerUnderTest(f"sqlite://{db}", (lambda: sqlite_lock(db), lambda: sqlite_lock(db)))


# -- one call, on any path -----------------------------------------------------------------------------


def _call_sync(model: AegisChatModel, mode: str, text: str, cfg: RunnableConfig) -> str:
    if mode == "invoke":
        model.invoke(text, cfg)
    elif mode == "stream":
        for _ in model.stream(text, cfg):
            pass
    else:  # break: the generator is dropped (and closed) after the first chunk
        for _ in model.stream(text, cfg):
            break
    return mode


async def _call_async(model: AegisChatModel, mode: str, text: str, cfg: RunnableConfig) -> str:
    if mode == "ainvoke":
        await model.ainvoke(text, cfg)
    elif mode == "astream":
        async for _ in model.astream(text, cfg):
            pass
    elif mode == "aclose":
        stream = cast("AsyncGenerator[AIMessageChunk, None]", model.astream(text, cfg))
        try:
            await anext(stream)
        finally:
            await stream.aclose()
    else:
        await _cancel_after_first_chunk(model, text, cfg)
    return mode


async def _cancel_after_first_chunk(model: AegisChatModel, text: str, cfg: RunnableConfig) -> None:
    """Cancel a task reading a stream as soon as a chunk has arrived; an error before that is raised."""
    arrived = asyncio.Event()

    async def consume() -> None:
        async for _ in model.astream(text, cfg):
            arrived.set()

    task = asyncio.create_task(consume())
    signal = asyncio.create_task(arrived.wait())
    await asyncio.wait({task, signal}, return_when=asyncio.FIRST_COMPLETED)
    signal.cancel()
    if not arrived.is_set():
        await task  # it ended before any chunk: its error (or nothing) is the outcome
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


def _text(i: int) -> tuple[str, RunnableConfig]:
    """Every fifth call carries personal data; the others start at each provider in turn.

    A public call asks for 8 to 63 words of English back: a reply about as long
    as its prompt, so a stream stopped after one chunk leaves most of what the
    provider generated (and billed, at the higher output price) unseen, and
    only the prompt bound's slack (UTF-8 bytes, ~6 per word here) covers it.
    """
    if i % 5 == 0:
        pii: RunnableConfig = {"metadata": {"aegis": {"data_classification": "pii"}}}
        return f"{PII_MARKER}-{i}: summarise the patient's file", pii
    words = PASSAGE.split()[: 8 + (i * 7) % 56]
    return "Repeat: " + " ".join(words), first(CHAIN[i % 3])


# -- the books ---------------------------------------------------------------------------------------------


def _billed(servers: Servers, provider: str, config: AegisConfig) -> float:
    """What ``provider``'s server billed, priced as the provider is priced for the ledger."""
    price = pricing_for(config.providers[provider])
    return sum(
        cost_from_usage({"input_tokens": b.prompt_tokens, "output_tokens": b.completion_tokens}, price).total_cost
        for b in servers[provider].bills
    )


def _snapshot(ledger: Ledger) -> dict[str, Spend]:
    return ledger.snapshot(period_for(datetime.now(UTC), "UTC"))


@pytest.mark.parametrize("ledger_kind", ["redis", "sqlite"])
async def test_money_is_conserved_through_faults_outages_and_early_stops(
    servers: Servers, tmp_path: Path, ledger_kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with _ledger(ledger_kind, tmp_path) as under_test:
        await _soak(servers, tmp_path, ledger_kind, under_test, capsys)


async def _soak(
    servers: Servers, tmp_path: Path, kind: str, under_test: LedgerUnderTest, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(servers, under_test.url, tmp_path)
    recorder = Recorder()
    model = AegisChatModel(config=config, metrics=recorder)
    servers.reset()
    for seed, server in enumerate(servers.all()):
        server.chaos(FAULT_RATE, seed=seed, kinds=LOCAL_FAULTS if server is servers.local_ollama else CLOUD_FAULTS)

    gate = asyncio.Semaphore(CONCURRENCY)
    pool = ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="soak-sync")
    outcomes: collections.Counter[str] = collections.Counter()
    untyped: collections.Counter[str] = collections.Counter()
    done = 0
    # The ledger goes away once a fifth of the calls have finished, and again at two fifths.
    milestones = {round(CALLS * share): asyncio.Event() for share in (0.2, 0.4)}

    async def one(i: int) -> None:
        nonlocal done
        text, cfg = _text(i)
        mode = MODES[i % len(MODES)]
        async with gate:
            try:
                if mode in ("invoke", "stream", "break"):
                    work = asyncio.get_running_loop().run_in_executor(pool, _call_sync, model, mode, text, cfg)
                else:
                    work = asyncio.ensure_future(_call_async(model, mode, text, cfg))
                outcomes[await asyncio.wait_for(work, timeout=BOUND)] += 1
            except AegisError as exc:
                outcomes[type(exc).__name__] += 1
            except TimeoutError:
                outcomes["hung"] += 1
            except Exception as exc:  # counted: the soak asserts there are none
                untyped[f"{type(exc).__module__}.{type(exc).__name__}: {exc}"[:200]] += 1
            finally:
                done += 1
                if done in milestones:
                    milestones[done].set()

    async def outages() -> int:
        """Each outage starts at its milestone and lasts OUTAGE seconds, while calls go on."""
        struck = 0
        for reached, outage in zip(milestones.values(), under_test.outages, strict=True):
            await reached.wait()
            manager = outage()
            await asyncio.to_thread(manager.__enter__)
            await asyncio.sleep(OUTAGE)
            await asyncio.to_thread(manager.__exit__, None, None, None)
            struck += 1
        return struck

    started = time.monotonic()
    striker = asyncio.create_task(outages())
    await asyncio.gather(*(one(i) for i in range(CALLS)))
    struck = await striker
    elapsed = time.monotonic() - started
    for server in servers.all():
        server.chaos(0)
    # Streams abandoned by a cancelled task are closed by the loop's finalizer, in a task of their own.
    gc.collect()
    for _ in range(50):
        await asyncio.sleep(0.02)
    pool.shutdown(wait=True)
    await model.aclose()

    # The ledger is back: replay what waits in the journal, as `aegis budget` does, then read the books.
    with open_ledger(under_test.url, namespace=config.budgets.ledger_namespace) as ledger:
        Journal(config.budgets.journal or "").replay(ledger)
        snapshot = _snapshot(ledger)
    left_in_journal = len(Journal(config.budgets.journal or "").entries())

    attempts = collections.Counter((a.provider, a.outcome) for r in recorder.records for a in r.attempts)
    figures = []
    for provider in CAPPED:
        spend = snapshot.get(provider, Spend())
        billed = _billed(servers, provider, config)
        figures.append(
            f"{provider}: billed ${billed:.6f} recorded ${spend.spent:.6f} cap ${CAPS[provider]:.6f} "
            f"reserved ${spend.reserved:.6f} requests {len(servers[provider].chat_requests())} "
            f"bills {len(servers[provider].bills)} settled {spend.count} budget-skips {attempts[(provider, 'budget')]} "
            f"ledger-skips {attempts[(provider, 'ledger')]}"
        )
    with capsys.disabled():
        print(
            f"\nmoney soak ({kind}): {CALLS} calls in {elapsed:.1f}s, {struck} ledger outages; "
            f"hangs {outcomes['hung']}, untyped errors {sum(untyped.values())}; "
            f"journal left {left_in_journal}; outcomes {dict(outcomes)}\n  " + "\n  ".join(figures)
        )

    # Every call ended within the bound, in an answer, an early stop or a typed error.
    assert outcomes["hung"] == 0
    assert not untyped, f"untyped errors escaped: {dict(untyped)}"
    assert sum(outcomes.values()) == CALLS
    assert struck == 2
    assert left_in_journal == 0

    # No personal data reached a cloud server, and no local-only call tried one.
    for cloud in CAPPED:
        assert not [e for e in servers[cloud].chat_requests() if PII_MARKER in str(e.body)]
    for record in recorder.records:
        if record.local_only_source is not None:
            assert {a.provider for a in record.attempts} <= {"local_ollama"}

    for provider in CAPPED:
        spend = snapshot.get(provider, Spend())
        billed = _billed(servers, provider, config)
        requests = len(servers[provider].chat_requests())
        assert billed > 0
        # Nothing the provider billed went unrecorded: every billed request was settled (not released at $0) ...
        assert spend.count >= len(servers[provider].bills), f"{provider}: a billed request was recorded at $0"
        # ... and the dollars cover the invoice ...
        assert spend.spent >= billed - ROUNDING * requests, f"{provider}: recorded < billed"
        # ... the cap held and was reached (later calls were refused by the budget) ...
        assert spend.spent <= CAPS[provider] + 1e-12
        assert attempts[(provider, "budget")] > 0
        # ... and every lease was settled or released.
        assert spend.reserved == pytest.approx(0.0, abs=1e-12)
