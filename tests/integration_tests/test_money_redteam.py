"""Red-team tests of the money guarantee: a cap is never exceeded, and every bill is recorded.

Each test plays a provider (or a caller, or a ledger) the way it can behave in
production, counts what the loopback server billed from the replies it sent,
and compares it with what the ledger recorded and with the cap. Attacks
already covered by ``test_money_exits.py``, ``test_ledger_faults.py`` and
friends are not repeated here.

"Billed" is the fake server's own count (words, see
:mod:`langchain_aegis.testing.exchange`) of what it generated, which is what
a provider charges for: a real provider bills the tokens it produced even
when the client stopped reading them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from langchain_aegis import aegis_config
from langchain_aegis.budget import Ledger, open_ledger, period_for
from langchain_aegis.budget.memory import MemoryLedger
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.models import Pricing
from langchain_aegis.errors import LedgerUnavailableError
from langchain_aegis.testing import OllamaServer, OpenAIServer, Reply
from langchain_aegis.testing.exchange import ChatRequest, count_tokens
from tests.integration_tests.privacy_fixtures import Deployment, deployment

CLOUDS = ("openai", "ollama_cloud")
PROMPT = "Tell me a story about a dragon."
CEILING = 64  # budgets.default_max_tokens: small, so one reservation is easy to reason about
IN_PRICE, OUT_PRICE = 1.0, 2.0  # USD per 1M tokens
PER_M = 1_000_000


@pytest.fixture(scope="module")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.fixture(autouse=True)
def _clean(dep: Deployment) -> None:
    dep.reset()


def _server(dep: Deployment, cloud: str) -> OllamaServer | OpenAIServer:
    return dep.openai if cloud == "openai" else dep.ollama_cloud


def _model(
    dep: Deployment,
    cloud: str,
    limit: float,
    *,
    price: Pricing | None = None,
    ledger: Ledger | None = None,
    budgets: dict[str, Any] | None = None,
    **kwargs: Any,
) -> tuple[AegisChatModel, Ledger]:
    cfg = dep.config(
        budgets={
            "monthly_limits": {cloud: limit},
            "ledger": "memory://",
            "default_max_tokens": CEILING,
            **(budgets or {}),
        },
        routing={"fallback_chain": [cloud, "local_ollama"]},
    )
    providers = dict(cfg.providers)
    providers[cloud] = providers[cloud].model_copy(
        update={"pricing": price or Pricing(input=IN_PRICE, output=OUT_PRICE)}
    )
    ledger = ledger or open_ledger("memory://")
    return dep.model(config=cfg.model_copy(update={"providers": providers}), ledger=ledger, **kwargs), ledger


def _spend(ledger: Ledger, cloud: str, now: float | None = None) -> tuple[float, float]:
    when = datetime.now(UTC) if now is None else datetime.fromtimestamp(now, UTC)
    found = ledger.snapshot(period_for(when, "UTC"), now=now).get(cloud)
    return (found.spent, found.reserved) if found else (0.0, 0.0)


def _words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


def _billed(prompt_words: int, output_words: int, price: Pricing | None = None) -> float:
    """USD the fake server charges for a request: its word counts at the provider's price."""
    p = price or Pricing(input=IN_PRICE, output=OUT_PRICE)
    return (prompt_words * p.input + output_words * p.output) / PER_M


def _reservation(
    model: AegisChatModel,
    text: str,
    max_tokens: int = CEILING,
    price: Pricing | None = None,
    params: dict[str, Any] | None = None,
) -> float:
    from langchain_aegis.budget.bounds import prompt_bound
    from langchain_aegis.budget.pricing import worst_case_cost
    from langchain_aegis.providers.messages import to_provider_messages

    messages = to_provider_messages(model._convert_input(text).to_messages())
    bound = prompt_bound(messages, params or {})
    return worst_case_cost(bound, max_tokens, price or Pricing(input=IN_PRICE, output=OUT_PRICE))


def _on(cloud: str) -> Any:
    return aegis_config(provider=cloud)


# -- 1. a stopped stream: the provider billed the whole generation ---------------------


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("how", ["break", "aclose"])
async def test_a_stopped_stream_records_what_the_provider_already_generated(
    dep: Deployment, cloud: str, how: str
) -> None:
    """The server wrote the whole answer before the caller read its first chunk; it bills all of it."""
    model, ledger = _model(dep, cloud, 10.0, budgets={"default_max_tokens": 2048})
    server = _server(dep, cloud)
    answer = _words(1500)  # fits the output ceiling: the server generates every word
    server.script(answer)
    if how == "break":
        for _ in model.stream(PROMPT, config=_on(cloud)):
            break
    else:
        agen: Any = model.astream(PROMPT, config=_on(cloud))
        await anext(agen)
        await agen.aclose()
    billed = _billed(count_tokens(PROMPT), count_tokens(answer))
    spent, reserved = _spend(ledger, cloud)
    assert reserved == pytest.approx(0.0, abs=1e-15)
    assert spent >= billed, (
        f"{cloud} generated and billed {count_tokens(answer)} output tokens (${billed:.9f}); "
        f"the ledger recorded ${spent:.9f} for the stopped stream"
    )


# -- 2. money held by an open stream: the lease expires while the caller holds it ------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_stream_held_past_its_lease_does_not_let_others_spend_its_money(dep: Deployment, cloud: str) -> None:
    """A UI that stalls on a stream for longer than ``lease_seconds``: its money stays held.

    The ledger stops counting the lease, but the process still owes what the
    open stream may be billed (``budget/owed.py``), so only what fits beside it
    is admitted.
    """
    price = Pricing(input=0.0, output=OUT_PRICE)  # each full answer costs exactly one reservation
    per_call = CEILING * OUT_PRICE / PER_M
    limit = 3 * per_call
    model, ledger = _model(dep, cloud, limit, price=price)
    accounting: Any = model._runtime.accounting
    now = [datetime(2026, 12, 4, 12, tzinfo=UTC).timestamp()]
    accounting.clock = lambda: now[0]
    server = _server(dep, cloud)
    server.script(*([_words(CEILING)] * 4))  # every answer fills the ceiling
    held: Any = model.stream(PROMPT, config=_on(cloud))
    next(held)  # the caller reads one chunk, then stalls
    now[0] += model.aegis_config.budgets.lease_seconds + 1
    served = [model.invoke(PROMPT, config=_on(cloud)).response_metadata["aegis"]["served_by"] for _ in range(3)]
    assert served.count(cloud) == 2  # the third would pass the cap once the held stream settles
    held.close()
    spent, _ = _spend(ledger, cloud, now[0])
    cloud_calls = len(server.chat_requests())
    assert spent <= limit + 1e-12, (
        f"{cloud_calls} paid requests under a cap that fits 3: spent ${spent:.9f} > cap ${limit:.9f}"
    )


# -- 3. a journaled settlement is not counted by the next reservation ----------------------------


class _SwitchLedger(MemoryLedger):
    """A memory ledger that can be made unreachable, as Redis going down."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.url = "redis://ledger.invalid:6379/0"

    def _check(self, op: str) -> None:
        if self.down:
            raise LedgerUnavailableError(self.url, op, ConnectionError("connection refused"))

    def reserve(self, *args: Any, **kwargs: Any) -> Any:
        self._check("reserve")
        return super().reserve(*args, **kwargs)

    def settle(self, *args: Any, **kwargs: Any) -> bool:
        self._check("settle")
        return super().settle(*args, **kwargs)

    def record_once(self, *args: Any, **kwargs: Any) -> bool:
        self._check("record_once")
        return super().record_once(*args, **kwargs)

    def release(self, *args: Any, **kwargs: Any) -> None:
        self._check("release")
        super().release(*args, **kwargs)


def test_a_journaled_settlement_counts_before_the_next_reservation(dep: Deployment, tmp_path: Any) -> None:
    """The ledger fails between the answer and settle, stays down past the lease, then comes back."""
    cloud = "openai"
    price = Pricing(input=0.0, output=OUT_PRICE)
    per_call = CEILING * OUT_PRICE / PER_M
    limit = 1.5 * per_call  # fits one full answer
    ledger = _SwitchLedger()
    model, _ = _model(dep, cloud, limit, price=price, ledger=ledger, budgets={"journal": str(tmp_path / "j.jsonl")})
    accounting: Any = model._runtime.accounting
    now = [datetime(2026, 12, 4, 12, tzinfo=UTC).timestamp()]
    accounting.clock = lambda: now[0]
    server = _server(dep, cloud)

    def answer_then_ledger_down(chat: ChatRequest) -> Reply:
        ledger.down = True  # the provider has the request; the ledger dies before settle
        return Reply(content=_words(CEILING))

    server.script(answer_then_ledger_down, _words(CEILING))
    first = model.invoke(PROMPT, config=_on(cloud))
    assert first.response_metadata["aegis"]["served_by"] == cloud
    assert accounting.journal.pending(), "the first settlement should wait in the journal"
    now[0] += model.aegis_config.budgets.lease_seconds + 60  # a long outage
    ledger.down = False
    second = model.invoke(PROMPT, config=_on(cloud))
    spent, _ = _spend(ledger, cloud, now[0])
    served = [r.response_metadata["aegis"]["served_by"] for r in (first, second)]
    assert spent <= limit + 1e-12, (
        f"served by {served}: spent ${spent:.9f} > cap ${limit:.9f} (the journaled answer was not counted "
        "when the second call reserved)"
    )


# -- 4. images billed at the model's own rate -------------------------------------------------

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
GPT_4O_MINI_HIGH_DETAIL = 25_501  # 2,833 base + 4 tiles x 5,667: a 2048x2048 image on gpt-4o-mini


def test_an_image_billed_at_gpt_4o_mini_rates_stays_under_the_cap(
    dep: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    cloud = "openai"  # gpt-4o-mini in the deployment
    server = dep.openai
    original = server.protocol._usage  # type: ignore[attr-defined]

    def usage(chat: ChatRequest, reply: Reply) -> dict[str, Any]:
        found: dict[str, Any] = dict(original(chat, reply))
        images = json.dumps(chat.body).count('"type": "image_url"')
        found["prompt_tokens"] += GPT_4O_MINI_HIGH_DETAIL * images
        found["total_tokens"] = found["prompt_tokens"] + found["completion_tokens"]
        return found

    monkeypatch.setattr(server.protocol, "_usage", usage)
    message = HumanMessage(
        content=[
            {"type": "text", "text": "Describe the image."},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}", "detail": "high"}},
        ]
    )
    from langchain_aegis.budget.bounds import prompt_bound
    from langchain_aegis.budget.pricing import worst_case_cost
    from langchain_aegis.providers.messages import to_provider_messages

    reservation = worst_case_cost(
        prompt_bound(to_provider_messages([message]), {}), CEILING, Pricing(input=IN_PRICE, output=OUT_PRICE)
    )
    limit = 5 * reservation
    model, ledger = _model(dep, cloud, limit)

    async def run() -> list[Any]:
        return list(await asyncio.gather(*(model.ainvoke([message], config=_on(cloud)) for _ in range(10))))

    replies = asyncio.run(run())
    on_cloud = [r for r in replies if r.response_metadata["aegis"]["served_by"] == cloud]
    billed = (
        sum(
            r.usage_metadata["input_tokens"] * IN_PRICE + r.usage_metadata["output_tokens"] * OUT_PRICE
            for r in on_cloud
        )
        / PER_M
    )
    spent, _ = _spend(ledger, cloud)
    assert spent >= billed - 1e-12
    assert spent <= limit + 1e-12, (
        f"{len(on_cloud)} image calls admitted; billed ${billed:.6f}, recorded ${spent:.6f}, cap ${limit:.6f}"
    )


# -- 5. a provider that ignores max_tokens ------------------------------------------------------


@pytest.mark.skip(
    reason="the output bound assumes the provider honours max_tokens (OpenAI, Ollama and the providers any-llm "
    "supports do); tokens cannot be counted client-side, so a provider that ignores it is billed as it reports"
)
@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_stream_past_the_output_ceiling_is_not_read_past_the_cap(
    dep: Deployment, cloud: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OpenAI-compatible gateway (or a model) that does not honour ``max_tokens``.

    A non-streamed answer cannot be stopped by the client, but a stream can:
    the client counts the output bytes and knows when the ceiling it reserved
    for has been passed.
    """
    import langchain_aegis.testing.server as server_module
    from langchain_aegis.testing.exchange import finalize

    def ignore_cap(reply: Any, request: ChatRequest) -> Reply:
        return finalize(reply, dataclasses.replace(request, max_tokens=None))

    monkeypatch.setattr(server_module, "finalize", ignore_cap)
    probe, _ = _model(dep, cloud, 1.0)
    limit = 2 * _reservation(probe, PROMPT)
    model, ledger = _model(dep, cloud, limit)
    server = _server(dep, cloud)
    answer = _words(10 * CEILING)
    server.script(answer)
    chunks = list(model.stream(PROMPT, config=_on(cloud)))
    billed = _billed(count_tokens(PROMPT), count_tokens(answer))
    spent, reserved = _spend(ledger, cloud)
    assert reserved == pytest.approx(0.0, abs=1e-15)
    assert spent >= billed - 1e-12, "the provider's own count must be recorded"
    assert spent <= limit + 1e-12, (
        f"{len(chunks)} chunks read past a ceiling of {CEILING}: billed ${billed:.9f}, recorded ${spent:.9f}, "
        f"cap ${limit:.9f}"
    )


# -- 6. usage reports that cannot be right --------------------------------------------------------


def _bad_usage(server: OllamaServer | OpenAIServer, variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    protocol: Any = server.protocol
    if isinstance(server, OpenAIServer):
        original = protocol._usage

        def usage(chat: ChatRequest, reply: Reply) -> dict[str, Any]:
            found = dict(original(chat, reply))
            if variant == "zero":
                found.update(prompt_tokens=0, completion_tokens=0, total_tokens=0)
            elif variant == "negative":
                found.update(prompt_tokens=-500, completion_tokens=-500, total_tokens=-1000)
            elif variant == "nan":
                found.update(prompt_tokens=math.nan, completion_tokens=math.nan, total_tokens=math.nan)
            return found

        monkeypatch.setattr(protocol, "_usage", usage)
        return
    original_final = protocol._final

    def final(chat: ChatRequest, reply: Reply) -> dict[str, Any]:
        found = dict(original_final(chat, reply))
        if variant == "zero":
            found.update(prompt_eval_count=0, eval_count=0)
        elif variant == "negative":
            found.update(prompt_eval_count=-500, eval_count=-500)
        elif variant == "missing":  # Ollama leaves the counts out (e.g. a prompt served from its cache)
            found.pop("prompt_eval_count", None)
            found.pop("eval_count", None)
        return found

    monkeypatch.setattr(protocol, "_final", final)


@pytest.mark.parametrize(
    ("cloud", "variant"),
    [
        ("openai", "zero"),
        ("openai", "negative"),
        ("openai", "nan"),
        ("ollama_cloud", "zero"),
        ("ollama_cloud", "negative"),
        ("ollama_cloud", "missing"),
    ],
)
@pytest.mark.parametrize("path", ["invoke", "stream"])
def test_an_answer_with_an_impossible_usage_report_is_not_recorded_at_zero(
    dep: Deployment, cloud: str, variant: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 words came back; the usage says 0 (or less, or NaN, or nothing): the estimate must be charged."""
    server = _server(dep, cloud)
    _bad_usage(server, variant, monkeypatch)
    model, ledger = _model(dep, cloud, 10.0)
    answer = _words(40)
    server.script(answer)
    text, error = "", None
    try:
        if path == "invoke":
            text = str(model.invoke(PROMPT, config=_on(cloud)).content)
        else:
            text = "".join(str(c.content) for c in model.stream(PROMPT, config=_on(cloud)))
    except Exception as exc:  # an unusable answer may fail; it must still be charged, and typed
        error = exc
    assert error is None or type(error).__module__.startswith("langchain_aegis"), f"untyped error {error!r}"
    billed = _billed(count_tokens(PROMPT), count_tokens(answer))
    spent, reserved = _spend(ledger, cloud)
    assert reserved == pytest.approx(0.0, abs=1e-15)
    assert spent >= billed, (
        f"{cloud} answered {len(text.split())} words with {variant} usage: billed ${billed:.9f}, recorded ${spent:.9f}"
    )


# -- attacks that held ------------------------------------------------------------------------------


@pytest.mark.parametrize("cloud", CLOUDS)
def test_usage_above_the_reservation_is_recorded_in_full_and_closes_the_cap(dep: Deployment, cloud: str) -> None:
    """A provider bills more than was reserved: the excess is recorded, not capped, and no call follows."""
    server = _server(dep, cloud)
    protocol: Any = server.protocol
    big = 50_000
    with pytest.MonkeyPatch.context() as mp:
        if isinstance(server, OpenAIServer):
            original = protocol._usage

            def usage(chat: ChatRequest, reply: Reply) -> dict[str, Any]:
                return {**original(chat, reply), "prompt_tokens": big, "total_tokens": big}

            mp.setattr(protocol, "_usage", usage)
        else:
            original_final = protocol._final

            def final(chat: ChatRequest, reply: Reply) -> dict[str, Any]:
                return {**original_final(chat, reply), "prompt_eval_count": big}

            mp.setattr(protocol, "_final", final)
        probe, _ = _model(dep, cloud, 1.0)
        limit = 3 * _reservation(probe, PROMPT)
        model, ledger = _model(dep, cloud, limit)
        first = model.invoke(PROMPT, config=_on(cloud))
    got = first.usage_metadata
    assert got is not None
    billed = (got["input_tokens"] * IN_PRICE + got["output_tokens"] * OUT_PRICE) / PER_M
    spent, _ = _spend(ledger, cloud)
    assert got["input_tokens"] == big
    assert spent == pytest.approx(billed, abs=1e-12)
    second = model.invoke(PROMPT, config=_on(cloud))
    assert second.response_metadata["aegis"]["served_by"] == "local_ollama"
    assert len(server.chat_requests()) == 1


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("how", ["bind_max_tokens", "kwarg_max_tokens", "bind_num_predict", "max_completion_tokens"])
async def test_a_callers_output_limit_is_reserved_and_sent(dep: Deployment, cloud: str, how: str) -> None:
    """Ten concurrent long streams under a cap that fits two of their reservations."""
    big = 1000
    answer = _words(900)
    probe, _ = _model(dep, cloud, 1.0)
    reserved_for = CEILING if how == "max_completion_tokens" else big
    limit = 2 * _reservation(probe, PROMPT, max_tokens=reserved_for)
    model, ledger = _model(dep, cloud, limit)
    server = _server(dep, cloud)
    server.script(*([answer] * 10))
    runnable: Any = model
    kwargs: dict[str, Any] = {}
    if how == "bind_max_tokens":
        runnable = model.bind(max_tokens=big)
    elif how == "kwarg_max_tokens":
        kwargs = {"max_tokens": big}
    elif how == "bind_num_predict":
        runnable = model.bind(num_predict=big)
    else:  # not a parameter the providers take: dropped, and the default ceiling is sent instead
        runnable = model.bind(max_completion_tokens=100_000)

    async def one() -> str:
        return "".join([str(c.content) async for c in runnable.astream(PROMPT, config=_on(cloud), **kwargs)])

    await asyncio.gather(*(one() for _ in range(10)))
    sent = server.chat_requests()
    assert sent
    for entry in sent:
        body = entry.body
        cap = (
            body.get("max_completion_tokens", body.get("max_tokens"))
            if cloud == "openai"
            else body["options"]["num_predict"]
        )
        assert cap == reserved_for
    spent, reserved = _spend(ledger, cloud)
    assert spent <= limit + 1e-12
    assert reserved == pytest.approx(0.0, abs=1e-15)
    billed = len(sent) * _billed(count_tokens(PROMPT), min(900, reserved_for))
    assert spent >= billed - 1e-12


@pytest.mark.parametrize("cloud", CLOUDS)
async def test_abatch_of_50_under_a_cap_that_fits_5(dep: Deployment, cloud: str) -> None:
    probe, _ = _model(dep, cloud, 1.0)
    limit = 5 * _reservation(probe, PROMPT)
    model, ledger = _model(dep, cloud, limit)
    server = _server(dep, cloud)
    replies = await model.abatch([PROMPT] * 50, config=_on(cloud))
    on_cloud = [r for r in replies if r.response_metadata["aegis"]["served_by"] == cloud]
    billed = sum(r.response_metadata["aegis"]["cost_usd"] for r in on_cloud)
    spent, reserved = _spend(ledger, cloud)
    assert len(server.chat_requests()) == len(on_cloud)
    assert 0 < len(on_cloud) <= 50
    assert spent == pytest.approx(billed, abs=1e-12)
    assert spent <= limit + 1e-12
    assert reserved == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_keyboard_interrupt_in_a_sync_stream_consumer_is_charged(dep: Deployment, cloud: str) -> None:
    model, ledger = _model(dep, cloud, 10.0)
    with pytest.raises(KeyboardInterrupt):  # noqa: PT012 - the interrupt comes from the consumer's body
        for _ in model.stream(PROMPT, config=_on(cloud)):
            raise KeyboardInterrupt
    spent, reserved = _spend(ledger, cloud)
    assert spent > 0
    assert reserved == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("cloud", CLOUDS)
async def test_astream_events_stopped_after_the_first_token_is_charged(dep: Deployment, cloud: str) -> None:
    model, ledger = _model(dep, cloud, 10.0)
    events = model.astream_events(PROMPT, config=_on(cloud), version="v2")
    async for event in events:
        if event["event"] == "on_chat_model_stream":
            break
    await events.aclose()  # type: ignore[attr-defined]
    spent, reserved = _spend(ledger, cloud)
    assert spent > 0
    assert reserved == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("path", ["invoke", "stream"])
def test_a_429_then_success_is_recorded_once(dep: Deployment, cloud: str, path: str) -> None:
    model, ledger = _model(dep, cloud, 10.0, max_retries=2)
    server = _server(dep, cloud)
    server.inject("rate_limit", retry_after=0.01)
    if path == "invoke":
        reply = model.invoke(PROMPT, config=_on(cloud))
        usage = reply.usage_metadata
    else:
        merged: Any = None
        for chunk in model.stream(PROMPT, config=_on(cloud)):
            merged = chunk if merged is None else merged + chunk
        usage = merged.usage_metadata
    assert len(server.chat_requests()) == 2
    spent, reserved = _spend(ledger, cloud)
    assert usage is not None
    assert spent == pytest.approx((usage["input_tokens"] * IN_PRICE + usage["output_tokens"] * OUT_PRICE) / PER_M)
    assert reserved == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_deadline_that_passes_while_waiting_for_a_paid_answer_charges_the_reservation(
    dep: Deployment, cloud: str
) -> None:
    model, ledger = _model(dep, cloud, 10.0, timeout=0.5)
    server = _server(dep, cloud)
    server.inject("hang", delay=3.0)
    reply = model.invoke(PROMPT, config=_on(cloud))
    assert reply.response_metadata["aegis"]["served_by"] == "local_ollama"
    spent, reserved = _spend(ledger, cloud)
    assert spent == pytest.approx(_reservation(model, PROMPT), abs=1e-12)
    assert reserved == pytest.approx(0.0, abs=1e-15)
    assert len(dep.ollama_cloud.chat_requests()) + len(dep.openai.chat_requests()) == 1, "no second paid call"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_cache_hit_costs_nothing_and_a_miss_is_recorded(dep: Deployment, cloud: str) -> None:
    from langchain_core.caches import InMemoryCache

    model, ledger = _model(dep, cloud, 10.0, cache=InMemoryCache())
    first = model.invoke(PROMPT, config=_on(cloud))
    after_miss = _spend(ledger, cloud)[0]
    second = model.invoke(PROMPT, config=_on(cloud))
    assert second.content == first.content
    assert len(_server(dep, cloud).chat_requests()) == 1
    assert after_miss == pytest.approx(first.response_metadata["aegis"]["cost_usd"], abs=1e-12)
    assert after_miss > 0
    assert _spend(ledger, cloud)[0] == after_miss


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_stream_that_crosses_month_end_counts_in_the_month_it_reserved(dep: Deployment, cloud: str) -> None:
    per_call = _reservation(_model(dep, cloud, 1.0)[0], PROMPT)
    model, ledger = _model(dep, cloud, 1.5 * per_call)
    accounting: Any = model._runtime.accounting
    november = datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC).timestamp()
    now = [november]
    accounting.clock = lambda: now[0]
    stream = model.stream(PROMPT, config=_on(cloud))
    next(stream)
    now[0] = november + 2  # December
    for _ in stream:
        pass
    nov_spent, nov_reserved = _spend(ledger, cloud, november)
    dec_spent, dec_reserved = _spend(ledger, cloud, now[0])
    assert nov_spent > 0
    assert nov_reserved == dec_reserved == pytest.approx(0.0, abs=1e-15)
    assert dec_spent == 0
    reply = model.invoke(PROMPT, config=_on(cloud))  # December's cap is whole
    assert reply.response_metadata["aegis"]["served_by"] == cloud


# -- 7. tools and schemas the SDK expands after the bound was taken --------------------------------


def lookup_customer_record(
    customer_id: str, region: str, include_history: bool, max_rows: int, sort_by: str, language: str
) -> str:
    """Look up a customer's record in the archive."""
    return "ok"


lookup_customer_record.__doc__ = (lookup_customer_record.__doc__ or "") + (
    " The archive holds every order, invoice, delivery note and support ticket since 1998. " * 60
)


class Invoice(BaseModel):
    """An invoice extracted from the text."""

    number: str = Field(description="The invoice number, as printed on the invoice. " * 20)
    total: float = Field(description="The grand total including every tax and fee. " * 20)
    currency: str = Field(description="The ISO 4217 code of the currency of the total. " * 20)
    lines: list[str] = Field(description="Each line item as it appears, in order. " * 20)


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("how", ["bind_tools_callable", "invoke_tools_callable", "response_format_class"])
async def test_python_tools_and_schema_classes_the_sdk_expands_are_reserved(
    dep: Deployment, cloud: str, how: str
) -> None:
    """any-llm turns a callable in ``tools`` (and a pydantic ``response_format``) into a JSON schema.

    The bound is taken from the params as the chat model holds them, where a
    callable is ``str(callable)``: a few dozen bytes for a schema the provider
    bills in thousands of tokens.
    """
    probe, _ = _model(dep, cloud, 1.0)
    expanded = {"response_format": Invoice} if how == "response_format_class" else {"tools": [lookup_customer_record]}
    limit = 5 * _reservation(probe, PROMPT, params=expanded)  # a cap that fits 5 calls as they are sent
    model, ledger = _model(dep, cloud, limit)
    server = _server(dep, cloud)
    runnable: Any = model
    kwargs: dict[str, Any] = {}
    if how == "bind_tools_callable":
        runnable = model.bind(tools=[lookup_customer_record])
    elif how == "invoke_tools_callable":
        kwargs = {"tools": [lookup_customer_record]}
    else:
        kwargs = {"response_format": Invoice}
    replies = await asyncio.gather(*(runnable.ainvoke(PROMPT, config=_on(cloud), **kwargs) for _ in range(10)))
    on_cloud = [r for r in replies if r.response_metadata["aegis"]["served_by"] == cloud]
    sent = server.chat_requests()
    assert on_cloud, "no call reached the provider"
    assert all(e.body.get("tools") or e.body.get("response_format") or e.body.get("format") for e in sent), (
        "the SDK should send the expanded schema"
    )
    billed = (
        sum(
            r.usage_metadata["input_tokens"] * IN_PRICE + r.usage_metadata["output_tokens"] * OUT_PRICE
            for r in on_cloud
        )
        / PER_M
    )
    spent, reserved = _spend(ledger, cloud)
    assert reserved == pytest.approx(0.0, abs=1e-15)
    assert spent >= billed - 1e-12
    assert spent <= limit + 1e-12, (
        f"{len(on_cloud)} calls admitted; each billed ~{on_cloud[0].usage_metadata['input_tokens']} prompt tokens; "
        f"billed ${billed:.9f}, recorded ${spent:.9f}, cap ${limit:.9f}"
    )


# -- fallbacks between two paid providers --------------------------------------------------------


@pytest.mark.parametrize("after_chunks", [0, 1, 3])
def test_a_paid_stream_cut_mid_answer_never_pays_a_second_provider_for_the_same_answer(
    dep: Deployment, after_chunks: int
) -> None:
    """openai breaks mid-stream; ollama_cloud (paid too) may take over only if openai delivered nothing."""
    from langchain_aegis import StreamInterruptedError

    cfg = dep.config(
        budgets={
            "monthly_limits": {"openai": 10.0, "ollama_cloud": 10.0},
            "ledger": "memory://",
            "default_max_tokens": CEILING,
        },
        routing={"fallback_chain": ["openai", "ollama_cloud", "local_ollama"]},
    )
    providers = {
        name: p.model_copy(update={"pricing": Pricing(input=IN_PRICE, output=OUT_PRICE)})
        if name != "local_ollama"
        else p
        for name, p in cfg.providers.items()
    }
    ledger = open_ledger("memory://")
    model = dep.model(config=cfg.model_copy(update={"providers": providers}), ledger=ledger)
    dep.openai.inject("stream_cut", after_chunks=after_chunks)
    delivered: list[str] = []
    error: BaseException | None = None
    try:
        for chunk in model.stream(PROMPT, config=_on("openai")):
            delivered.append(str(chunk.content))
    except StreamInterruptedError as exc:
        error = exc
    openai_spent, openai_reserved = _spend(ledger, "openai")
    cloud_spent, _ = _spend(ledger, "ollama_cloud")
    second = len(dep.ollama_cloud.chat_requests())
    assert openai_spent > 0, "the cut request was sent and may be billed"
    assert openai_reserved == pytest.approx(0.0, abs=1e-15)
    if error is not None:  # openai delivered content: the caller has it, no second paid answer
        assert second == 0
        assert cloud_spent == 0
    else:
        assert second == 1
        assert cloud_spent > 0


# -- non-Latin scripts ----------------------------------------------------------------------------

_SCRIPTS = st.text(
    # Lone surrogates are left out: no client can encode them, so no such request is ever sent or billed.
    alphabet=st.sampled_from(list('你好世界日本語한국어👩‍👩‍👧🎉ﷺ𒀀́e a\n\t"\\'))
    | st.characters(exclude_categories=["Cs"]),
    min_size=1,
    max_size=300,
).filter(lambda t: t.strip() and "\x00" not in t)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_prompts_in_any_script_are_billed_within_their_reservation(dep: Deployment, cloud: str) -> None:
    """CJK (3 bytes a character), emoji sequences (up to 25 bytes), combining marks, escapes."""
    from langchain_aegis.budget.bounds import prompt_bound
    from langchain_aegis.providers.messages import to_provider_messages

    model, ledger = _model(dep, cloud, 10.0)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=_SCRIPTS)
    def check(text: str) -> None:
        before = _spend(ledger, cloud)[0]
        reply = model.invoke(text, config=_on(cloud))
        usage = reply.usage_metadata
        assert usage is not None
        bound = prompt_bound(to_provider_messages(model._convert_input(text).to_messages()), {})
        assert usage["input_tokens"] <= bound
        assert usage["output_tokens"] <= CEILING
        recorded = _spend(ledger, cloud)[0] - before
        assert recorded == pytest.approx(
            (usage["input_tokens"] * IN_PRICE + usage["output_tokens"] * OUT_PRICE) / PER_M
        )

    check()
