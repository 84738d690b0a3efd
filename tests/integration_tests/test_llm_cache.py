"""LangChain's LLM cache with AegisChatModel: hits like ChatOllama, keys without raw data or per-call state."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from langchain_core.caches import InMemoryCache
from langchain_core.globals import get_llm_cache, set_llm_cache
from langchain_core.tools import tool

from langchain_aegis import aegis_config
from tests.integration_tests.privacy_fixtures import Deployment, deployment

IBAN = "DE89 3704 0044 0532 0130 00"
OTHER_IBAN = "GB82 WEST 1234 5698 7654 32"
EMAIL = "anna.schmidt@example.org"
PROMPT = "Review the indemnity clause."


@pytest.fixture(scope="module")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.fixture(autouse=True)
def _fresh(dep: Deployment) -> None:
    dep.reset()


@pytest.fixture
def global_cache() -> Iterator[InMemoryCache]:
    saved = get_llm_cache()
    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        yield cache
    finally:
        set_llm_cache(saved)


def _requests(dep: Deployment) -> int:
    return len(dep.local.chat_requests()) + dep.cloud_requests()


def _keys(cache: InMemoryCache) -> str:
    return json.dumps([list(key) for key in cache._cache], ensure_ascii=False)


def test_identical_clean_calls_hit_the_global_cache(dep: Deployment, global_cache: InMemoryCache) -> None:
    model = dep.model()
    first = model.invoke(PROMPT)
    second = model.invoke(PROMPT)
    assert _requests(dep) == 1
    assert second.content == first.content


async def test_identical_async_calls_hit(dep: Deployment, global_cache: InMemoryCache) -> None:
    model = dep.model()
    first = await model.ainvoke(PROMPT)
    second = await model.ainvoke(PROMPT)
    assert _requests(dep) == 1
    assert second.content == first.content


def test_cache_given_to_the_model_hits_like_chat_ollama(dep: Deployment) -> None:
    from langchain_ollama import ChatOllama

    ollama = ChatOllama(model="gemma", base_url=dep.local.origin, cache=InMemoryCache())
    ollama.invoke(PROMPT)
    ollama.invoke(PROMPT)
    assert len(dep.local.chat_requests()) == 1  # the behaviour a drop-in replacement must keep
    dep.reset()

    model = dep.model(cache=InMemoryCache())
    model.invoke(PROMPT)
    model.invoke(PROMPT)
    assert _requests(dep) == 1


def test_different_parameters_do_not_share_an_entry(dep: Deployment, global_cache: InMemoryCache) -> None:
    model = dep.model()
    model.invoke(PROMPT)
    model.invoke(PROMPT, stop=["\n\n"])
    model.bind(temperature=0.9).invoke(PROMPT)
    assert _requests(dep) == 3


def test_a_private_entry_is_not_served_to_a_call_routed_elsewhere(dep: Deployment, global_cache: InMemoryCache) -> None:
    model = dep.model()
    private = model.invoke(PROMPT, config=aegis_config(data_classification="pii"))
    assert private.response_metadata["aegis"]["served_by"] == "local_ollama"
    to_openai = model.invoke(PROMPT, config=aegis_config(quality="critical", complexity="high"))
    assert to_openai.response_metadata["aegis"]["served_by"] == "openai"
    assert len(dep.openai.chat_requests()) == 1
    # Same provider, but not private: still its own entry.
    model.invoke(PROMPT)
    assert len(dep.local.chat_requests()) == 2
    assert _requests(dep) == 3


def test_keys_hold_no_raw_personal_data_or_call_state(dep: Deployment, global_cache: InMemoryCache) -> None:
    @tool(description=f"Send a letter; replies go to {EMAIL}")
    def send_letter(to: str) -> str:
        return "sent"

    dep.local.script(f"Account {IBAN} is valid.")
    model = dep.model().bind_tools([send_letter])
    reply = model.invoke(f"Check IBAN {IBAN}", stop=[f"STOP {EMAIL}"])
    assert IBAN in str(reply.content)
    keys = _keys(global_cache)
    assert keys != "[]"
    for raw in (IBAN, EMAIL, "3704 0044"):
        assert raw not in keys
    assert "aegis-prompt:" in keys
    assert "aegis-route:local_ollama/gemma/local_only" in keys
    assert "started" not in keys
    assert "perf_counter" not in keys
    assert "_Call" not in keys


def test_two_private_prompts_with_the_same_redacted_form_are_told_apart(
    dep: Deployment, global_cache: InMemoryCache
) -> None:
    model = dep.model()
    dep.local.script(f"First: {IBAN}.", f"Second: {OTHER_IBAN}.")
    first = model.invoke(f"Check IBAN {IBAN}")
    second = model.invoke(f"Check IBAN {OTHER_IBAN}")
    assert len(dep.local.chat_requests()) == 2
    assert IBAN in str(first.content)
    assert OTHER_IBAN in str(second.content)
    assert IBAN not in str(second.content)


def test_a_repeated_private_call_hits_and_gets_what_callbacks_saw(dep: Deployment, global_cache: InMemoryCache) -> None:
    model = dep.model()
    dep.local.script(f"Account {IBAN} is valid.")
    model.invoke(f"Check IBAN {IBAN}")
    again = model.invoke(f"Check IBAN {IBAN}")
    assert len(dep.local.chat_requests()) == 1
    assert IBAN not in str(again.content)  # the cache stores the shown (redacted) answer, as documented
    assert "<IBAN>" in str(again.content)


def test_prompt_digest_is_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from langchain_core.messages import HumanMessage

    from langchain_aegis.privacy import trace_shield as tracing

    messages = [HumanMessage(f"IBAN {IBAN}")]
    digest = tracing.prompt_digest(messages)
    payload = json.dumps([[m.model_dump(mode="json") for m in messages]], sort_keys=True, default=str)
    assert digest != hashlib.sha256(payload.encode()).hexdigest()
    monkeypatch.setattr(tracing, "_DIGEST_KEY", b"another key")
    assert tracing.prompt_digest(messages) != digest
