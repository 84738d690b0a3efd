"""AegisCostCallbackHandler on ordinary LangChain chat models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, Generation, LLMResult

from langchain_aegis.budget import MemoryLedger
from langchain_aegis.config.models import Pricing
from langchain_aegis.observability.callbacks import INTERNAL_TAG, AegisCostCallbackHandler, CostTotals


def _reply(model: str = "gpt-4o-mini", **usage: Any) -> AIMessage:
    base = {"input_tokens": 1000, "output_tokens": 500, "total_tokens": 1500}
    return AIMessage("ok", usage_metadata={**base, **usage}, response_metadata={"model_name": model})


class FakeOpenAI(GenericFakeChatModel):
    """A fake that reports itself as OpenAI, as ChatOpenAI does."""

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> Any:
        return {"ls_provider": "openai", "ls_model_name": "gpt-4o-mini", "ls_model_type": "chat"}


def _model(replies: list[AIMessage], cls: type[GenericFakeChatModel] = FakeOpenAI) -> GenericFakeChatModel:
    it: Iterator[AIMessage] = iter(replies)
    return cls(messages=it)


def test_prices_a_call_per_provider() -> None:
    costs = AegisCostCallbackHandler()
    _model([_reply(), _reply(input_token_details={"cache_read": 800}, output_token_details={"reasoning": 300})]).batch(
        ["a", "b"], config={"callbacks": [costs]}
    )
    totals = costs.totals["openai"]
    # Call 1: 1000 x 0.15 + 500 x 0.60 = 450 -> $0.00045
    # Call 2: 200 x 0.15 + 800 x 0.075 + 500 x 0.60 = 30 + 60 + 300 = 390 -> $0.00039
    assert totals.calls == 2
    assert totals.input_tokens == 2000
    assert totals.output_tokens == 1000
    assert totals.cached_tokens == 800
    assert totals.reasoning_tokens == 300
    assert totals.total_cost == pytest.approx(0.00084)
    assert totals.input_cost + totals.output_cost == pytest.approx(totals.total_cost)
    assert costs.total_cost == pytest.approx(0.00084)
    costs.reset()
    assert costs.totals == {}


def test_model_name_prefers_the_response_and_override_wins() -> None:
    costs = AegisCostCallbackHandler(pricing={"my-finetune": Pricing(input=1.0, output=1.0)})
    _model([_reply("my-finetune"), _reply("gpt-4o-2024-08-06"), _reply("who-knows")]).batch(
        ["a", "b", "c"], config={"callbacks": [costs], "max_concurrency": 1}
    )
    totals = costs.totals["openai"]
    # 1500 x $1/M + (1000 x 2.5 + 500 x 10)/M + 0
    assert totals.total_cost == pytest.approx(0.0015 + 0.0075)
    assert totals.unpriced_calls == 1


def test_internal_runs_are_skipped() -> None:
    costs = AegisCostCallbackHandler()
    _model([_reply(), _reply()]).invoke("a", config={"callbacks": [costs], "tags": [INTERNAL_TAG]})
    assert costs.totals == {}


class StreamingFakeOpenAI(FakeOpenAI):
    """Streams like ChatOpenAI with ``stream_usage``: usage arrives on the last chunk."""

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        reply = next(self.messages)
        assert isinstance(reply, AIMessage)
        for i, word in enumerate(["o", "k"]):
            last = i == 1
            chunk = AIMessageChunk(
                content=word,
                usage_metadata=reply.usage_metadata if last else None,
                response_metadata=reply.response_metadata if last else {},
            )
            if run_manager:
                run_manager.on_llm_new_token(word, chunk=ChatGenerationChunk(message=chunk))
            yield ChatGenerationChunk(message=chunk)


def test_streaming_is_priced_from_the_aggregated_message() -> None:
    costs = AegisCostCallbackHandler()
    chunks = list(_model([_reply()], StreamingFakeOpenAI).stream("a", config={"callbacks": [costs]}))
    assert "".join(str(c.content) for c in chunks) == "ok"
    assert costs.totals["openai"].total_cost == pytest.approx(0.00045)


async def test_async_and_concurrent_calls_are_all_counted() -> None:
    costs = AegisCostCallbackHandler()
    model = _model([_reply() for _ in range(50)])
    await asyncio.gather(*(model.ainvoke("a", config={"callbacks": [costs]}) for _ in range(50)))
    assert costs.totals["openai"] == CostTotals(
        calls=50,
        input_tokens=50_000,
        output_tokens=25_000,
        input_cost=pytest.approx(0.0075),  # type: ignore[arg-type]
        output_cost=pytest.approx(0.015),  # type: ignore[arg-type]
        total_cost=pytest.approx(0.0225),  # type: ignore[arg-type]
    )


def test_local_ollama_runs_are_free_unless_priced() -> None:
    class FakeOllama(GenericFakeChatModel):
        def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> Any:
            return {"ls_provider": "ollama", "ls_model_name": "gpt-oss:20b", "ls_model_type": "chat"}

    costs = AegisCostCallbackHandler()
    _model([_reply("gpt-oss:20b")], FakeOllama).invoke("a", config={"callbacks": [costs]})
    assert costs.totals["ollama"].total_cost == 0.0
    assert costs.totals["ollama"].unpriced_calls == 0
    # A cloud model through a local Ollama server is billed.
    _model([_reply("gpt-oss:120b-cloud")], FakeOllama).invoke(
        "a", config={"callbacks": [costs], "metadata": {"aegis_locality": "cloud"}}
    )
    assert costs.totals["ollama"].total_cost == pytest.approx((1000 * 0.15 + 500 * 0.60) / 1e6)


def test_provider_from_aegis_metadata_and_ledger_spend() -> None:
    ledger = MemoryLedger()
    clock = datetime(2026, 11, 3, tzinfo=UTC)
    costs = AegisCostCallbackHandler(ledger=ledger, clock=lambda: clock)
    _model([_reply()]).invoke("a", config={"callbacks": [costs], "metadata": {"aegis_provider": "team_openai"}})
    assert set(costs.totals) == {"team_openai"}
    spend = ledger.snapshot("2026-11", now=clock.timestamp())["team_openai"]
    assert spend.spent == pytest.approx(0.00045)
    assert spend.count == 1


def test_errors_and_missing_usage_record_nothing() -> None:
    costs = AegisCostCallbackHandler()
    run_id = uuid4()
    costs.on_chat_model_start({}, [[]], run_id=run_id, metadata={"ls_provider": "openai"})
    costs.on_llm_error(RuntimeError("boom"), run_id=run_id)
    costs.on_llm_end(LLMResult(generations=[[ChatGeneration(message=AIMessage("no usage"))]]), run_id=uuid4())
    assert costs.totals == {}


def test_legacy_token_usage_and_unknown_runs() -> None:
    costs = AegisCostCallbackHandler()
    result = LLMResult(
        generations=[[ChatGeneration(message=AIMessage("x"))]],
        llm_output={"token_usage": {"prompt_tokens": 1000, "completion_tokens": 500}, "model_name": "gpt-4o-mini"},
    )
    costs.on_llm_end(result, run_id=uuid4())
    assert costs.totals["unknown"].total_cost == pytest.approx(0.00045)


def test_n_choices_count_usage_once() -> None:
    costs = AegisCostCallbackHandler()
    run_id = uuid4()
    costs.on_chat_model_start(
        {}, [[]], run_id=run_id, metadata={"ls_provider": "openai", "ls_model_name": "gpt-4o-mini"}
    )
    # LangChain copies the call's usage onto each of the n choices.
    gens: list[Generation] = [ChatGeneration(message=_reply()), ChatGeneration(message=_reply())]
    costs.on_llm_end(LLMResult(generations=[gens]), run_id=run_id)
    assert costs.totals["openai"].input_tokens == 1000
