"""Money on every exit of a provider attempt, against loopback servers of both protocols.

A stream the caller stops early, a stream that ends without its end marker,
and a schema-heavy tool call are each charged, and a cap that fits a few calls
holds however the calls end.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field, create_model

from langchain_aegis import StreamInterruptedError, aegis_config
from langchain_aegis.budget import Ledger, open_ledger, period_for
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.models import Pricing
from langchain_aegis.testing import OllamaServer, OpenAIServer
from tests.integration_tests.privacy_fixtures import Deployment, deployment

CLOUDS = ("openai", "ollama_cloud")  # one provider of each wire protocol
PROMPT = "Tell me a long story about a dragon and a knight who meet at a bridge."
PRICE = Pricing(input=1.0, output=2.0)  # USD per 1M tokens


@pytest.fixture(scope="module")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.fixture(autouse=True)
def _clean(dep: Deployment) -> None:
    dep.reset()


def _model(dep: Deployment, cloud: str, limit: float, **kwargs: Any) -> tuple[AegisChatModel, Ledger]:
    cfg = dep.config(
        # A small output ceiling makes a reservation close to what a stopped stream costs.
        budgets={"monthly_limits": {cloud: limit}, "ledger": "memory://", "default_max_tokens": 64},
        routing={"fallback_chain": [cloud, "local_ollama"]},
    )
    providers = dict(cfg.providers)
    providers[cloud] = providers[cloud].model_copy(update={"pricing": PRICE})
    ledger = open_ledger("memory://")
    return dep.model(config=cfg.model_copy(update={"providers": providers}), ledger=ledger, **kwargs), ledger


def _spend(ledger: Ledger, cloud: str) -> tuple[float, float]:
    found = ledger.snapshot(period_for(datetime.now(UTC), "UTC")).get(cloud)
    return (found.spent, found.reserved) if found else (0.0, 0.0)


def _server(dep: Deployment, cloud: str) -> OllamaServer | OpenAIServer:
    return dep.openai if cloud == "openai" else dep.ollama_cloud


def _one_call_reservation(model: AegisChatModel, cloud: str) -> float:
    """What one call of PROMPT reserves, read from the ledger while it is reserved."""
    from langchain_aegis.budget.bounds import prompt_bound
    from langchain_aegis.budget.pricing import worst_case_cost
    from langchain_aegis.providers.messages import to_provider_messages

    messages = to_provider_messages(model._convert_input(PROMPT).to_messages())
    return worst_case_cost(prompt_bound(messages, {}), model.aegis_config.budgets.default_max_tokens, PRICE)


async def _stop_early(model: AegisChatModel, how: str, cloud: str, *dep_server: OllamaServer | OpenAIServer) -> None:
    config = aegis_config(provider=cloud)
    if how == "break":
        for _ in model.stream(PROMPT, config=config):
            break
    elif how == "close":
        sync = model.stream(PROMPT, config=config)
        next(sync)
        sync.close()
    elif how == "gc":
        abandoned = model.stream(PROMPT, config=config)
        next(abandoned)
        del abandoned
        gc.collect()
    elif how == "aclose":
        agen = model.astream(PROMPT, config=config)
        await anext(agen)
        await agen.aclose()
    elif how in ("cancel", "cancel_holding"):
        started = asyncio.Event()
        server = dep_server[0]
        if how == "cancel":  # the task is cancelled while it waits for the next chunk
            server.inject("slow", delay=0.0, chunk_delay=0.5)

        async def consume() -> None:
            async for _ in model.astream(PROMPT, config=config):
                started.set()
                if how == "cancel_holding":
                    await asyncio.sleep(10)  # cancelled while it holds the stream between chunks

        task = asyncio.create_task(consume())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        if how == "cancel_holding":  # the stream is left to the loop to close, as for "agc"
            gc.collect()
            for _ in range(5):
                await asyncio.sleep(0)
    elif how == "agc":
        agen = model.astream(PROMPT, config=config)
        await anext(agen)
        del agen
        gc.collect()
        for _ in range(5):  # the loop closes a collected async generator in a task
            await asyncio.sleep(0)


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("how", ["break", "close", "gc", "aclose", "cancel", "cancel_holding", "agc"])
async def test_an_early_stopped_stream_is_charged_and_the_cap_holds(dep: Deployment, cloud: str, how: str) -> None:
    probe, _ = _model(dep, cloud, 1.0)
    per_call = _one_call_reservation(probe, cloud)
    limit = 5 * per_call  # fits 5 calls' reservations
    model, ledger = _model(dep, cloud, limit)
    server = _server(dep, cloud)
    served = 0
    for _ in range(20):
        before = _spend(ledger, cloud)[0]
        sent = len(server.chat_requests())
        await _stop_early(model, how, cloud, server)
        spent, reserved = _spend(ledger, cloud)
        assert reserved == pytest.approx(0.0, abs=1e-12), "an abandoned stream keeps its reservation"
        if len(server.chat_requests()) > sent:
            served += 1
            assert spent > before, f"an early-stopped stream ({how}) was recorded at $0"
        assert spent <= limit + 1e-12
    # Stopped streams cost something, so the cap runs out: later calls go local.
    assert 0 < served < 20
    reply = await model.ainvoke(PROMPT, config=aegis_config(provider=cloud))
    assert reply.response_metadata["aegis"]["served_by"] == "local_ollama"
    assert reply.response_metadata["aegis"]["attempts"][0]["outcome"] == "budget"
    assert _spend(ledger, cloud)[0] <= limit + 1e-12


def _single_provider(dep: Deployment, cloud: str, **kwargs: Any) -> tuple[AegisChatModel, Ledger]:
    cfg = dep.config(
        budgets={"monthly_limits": {cloud: 1.0}, "ledger": "memory://"}, routing={"fallback_chain": [cloud]}
    )
    providers = dict(cfg.providers)
    providers[cloud] = providers[cloud].model_copy(update={"pricing": PRICE})
    ledger = open_ledger("memory://")
    return dep.model(config=cfg.model_copy(update={"providers": providers}), ledger=ledger, **kwargs), ledger


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("path", ["stream", "astream", "invoke_streaming", "ainvoke_streaming"])
async def test_a_truncated_stream_raises_and_is_charged(dep: Deployment, cloud: str, path: str) -> None:
    # streaming=False set explicitly would make LangChain's stream() call invoke(): set it only when on.
    model, ledger = _single_provider(dep, cloud, **({"streaming": True} if path.endswith("_streaming") else {}))
    config = aegis_config(provider=cloud)
    _server(dep, cloud).inject("truncate")
    with pytest.raises(StreamInterruptedError) as caught:  # noqa: PT012 - one call path per case
        if path == "stream":
            for _ in model.stream(PROMPT, config=config):
                pass
        elif path == "astream":
            async for _ in model.astream(PROMPT, config=config):
                pass
        elif path == "invoke_streaming":
            model.invoke(PROMPT, config=config)
        else:
            await model.ainvoke(PROMPT, config=config)
    assert caught.value.provider == cloud
    assert caught.value.chunks_delivered > 0
    assert caught.value.chars_delivered > 0
    assert "end marker" in str(caught.value.cause)
    spent, reserved = _spend(ledger, cloud)
    assert spent > 0
    assert reserved == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("cloud", CLOUDS)
async def test_a_complete_stream_is_not_truncated(dep: Deployment, cloud: str) -> None:
    model, ledger = _single_provider(dep, cloud)
    chunks = [c async for c in model.astream(PROMPT, config=aegis_config(provider=cloud))]
    assert "".join(str(c.content) for c in chunks).startswith("Deterministic reply")
    assert _spend(ledger, cloud)[0] > 0


def _big_tools(count: int = 20) -> list[StructuredTool]:
    tools = []
    for i in range(count):
        fields: dict[str, Any] = {
            f"field_{j}": (str, Field(description=f"Field {j} of tool {i}: " + "a detailed explanation " * 6))
            for j in range(15)
        }
        schema: type[BaseModel] = create_model(f"Args{i}", **fields)
        tools.append(
            StructuredTool.from_function(
                func=lambda **kw: "ok",
                name=f"lookup_record_{i}",
                description=f"Look up record kind {i}. " + "It searches the archive thoroughly. " * 10,
                args_schema=schema,
            )
        )
    return tools


@pytest.mark.parametrize("cloud", CLOUDS)
async def test_large_tool_schemas_at_50_concurrent_calls_stay_under_the_cap(dep: Deployment, cloud: str) -> None:
    tools = _big_tools()
    probe, _ = _single_provider(dep, cloud)
    from langchain_aegis.budget.bounds import prompt_bound
    from langchain_aegis.budget.pricing import worst_case_cost
    from langchain_aegis.providers.messages import provider_params, to_provider_messages

    bound = probe.bind_tools(tools)
    kwargs = dict(bound.kwargs)  # type: ignore[attr-defined]
    messages = to_provider_messages(probe._convert_input("Call lookup_record_3 for 'Smith'.").to_messages())
    reservation = worst_case_cost(
        prompt_bound(messages, provider_params(probe, None, kwargs)),
        probe.aegis_config.budgets.default_max_tokens,
        PRICE,
    )
    limit = 10 * reservation  # fits 10 calls' reservations
    model, ledger = _model(dep, cloud, limit)
    agent = model.bind_tools(tools)
    replies = await asyncio.gather(
        *(
            agent.ainvoke(f"Call lookup_record_{i % 20} for 'Smith'.", config=aegis_config(provider=cloud))
            for i in range(50)
        )
    )
    spent, reserved = _spend(ledger, cloud)
    assert spent <= limit + 1e-12
    assert reserved == pytest.approx(0.0, abs=1e-12)
    on_cloud = [r for r in replies if r.response_metadata["aegis"]["served_by"] == cloud]
    assert 0 < len(on_cloud) <= 10
    assert all(r.tool_calls for r in on_cloud)
    # Every call's billed prompt (the server counts tool schemas) fits inside what it reserved.
    billed = [r.usage_metadata["input_tokens"] for r in on_cloud if r.usage_metadata]
    assert billed
    assert min(billed) > 1000, "the fake server should bill the tool schemas"
    per_call_bound = prompt_bound(messages, provider_params(probe, None, kwargs))
    assert max(billed) <= per_call_bound
    assert spent == pytest.approx(sum(r.response_metadata["aegis"]["cost_usd"] for r in on_cloud), abs=1e-12)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_output_ceiling_is_sent_to_a_capped_provider(dep: Deployment, cloud: str) -> None:
    model, _ = _single_provider(dep, cloud)
    model.invoke(PROMPT, config=aegis_config(provider=cloud))
    body = _server(dep, cloud).chat_requests()[-1].body
    sent = (
        body.get("max_completion_tokens", body.get("max_tokens"))
        if cloud == "openai"
        else body["options"]["num_predict"]
    )
    assert sent == model.aegis_config.budgets.default_max_tokens
