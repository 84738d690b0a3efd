"""The privacy guarantee end to end: personal data never reaches a cloud server.

Loopback servers stand in for each cloud provider and record every request.
Whatever the call path, message type or routing wish, a private call is either
served by the local server or raises PrivacyViolationError.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel

from langchain_aegis import PrivacyViolationError, aegis_config
from langchain_aegis.chat_models import AegisChatModel
from tests.integration_tests.privacy_fixtures import PII_SAMPLES, Deployment, deployment

CLOUD_WISH = {"quality": "critical", "complexity": "high"}  # would go to openai if it were allowed


class Lookup(BaseModel):
    """Look something up."""

    query: str


@pytest.fixture(scope="module")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.fixture(autouse=True)
def _clean(dep: Deployment) -> None:
    dep.reset()


def _run_path(model: AegisChatModel, path: str, messages: list[BaseMessage], config: dict[str, Any]) -> AIMessage:
    if path == "invoke":
        return model.invoke(messages, config=config)  # type: ignore[arg-type]
    if path == "ainvoke":
        return asyncio.run(model.ainvoke(messages, config=config))  # type: ignore[arg-type]
    if path == "stream":
        chunks = list(model.stream(messages, config=config))  # type: ignore[arg-type]
        return sum(chunks[1:], chunks[0])  # type: ignore[return-value]
    if path == "astream":

        async def collect() -> Any:
            chunks = [c async for c in model.astream(messages, config=config)]  # type: ignore[arg-type]
            return sum(chunks[1:], chunks[0])

        return asyncio.run(collect())  # type: ignore[no-any-return]
    if path == "batch":
        return model.batch([messages, messages], config=config)[1]  # type: ignore[arg-type]
    if path == "abatch":
        return asyncio.run(model.abatch([messages], config=config))[0]  # type: ignore[arg-type]
    if path == "tools":
        return model.bind_tools([Lookup]).invoke(messages, config=config)  # type: ignore[arg-type]
    raise AssertionError(path)


PATHS = ["invoke", "ainvoke", "stream", "astream", "batch", "abatch", "tools"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("streaming", [False, True])
def test_metadata_is_seen_on_every_call_path(dep: Deployment, path: str, streaming: bool) -> None:
    model = dep.model(streaming=streaming)
    messages: list[BaseMessage] = [HumanMessage("Summarise the quarterly report.")]

    private = _run_path(model, path, messages, aegis_config(contains_pii=True, **CLOUD_WISH))
    assert private.response_metadata["aegis"]["served_by"] == "local_ollama"
    assert private.response_metadata["aegis"]["privacy"] == "local_only"
    assert dep.cloud_requests() == 0

    public = _run_path(model, path, messages, aegis_config(**CLOUD_WISH))
    assert public.response_metadata["aegis"]["served_by"] == "openai"
    assert len(dep.openai.chat_requests()) >= 1


@pytest.mark.parametrize("path", PATHS)
def test_detected_pii_stays_local_on_every_path(dep: Deployment, path: str) -> None:
    messages: list[BaseMessage] = [HumanMessage("Please review: IBAN DE89 3704 0044 0532 0130 00")]
    result = _run_path(dep.model(), path, messages, aegis_config(**CLOUD_WISH))
    aegis = result.response_metadata["aegis"]
    assert (aegis["served_by"], aegis["local_only_source"], aegis["pii_findings"]) == (
        "local_ollama",
        "detector",
        ["IBAN"],
    )
    assert dep.cloud_requests() == 0


def test_explicit_provider_request_cannot_override_privacy(dep: Deployment) -> None:
    result = dep.model().invoke("Mail anna.schmidt@example.org", config=aegis_config(provider="openai"))
    assert result.response_metadata["aegis"]["served_by"] == "local_ollama"
    assert dep.cloud_requests() == 0


def test_private_call_with_failing_local_provider_raises_and_never_tries_cloud(dep: Deployment) -> None:
    dep.local.inject("unavailable", times=10)
    with pytest.raises(PrivacyViolationError) as info:
        dep.model().invoke("Frau Müller, Diagnose F32.1", config=aegis_config(**CLOUD_WISH))
    assert dep.cloud_requests() == 0
    assert [a.provider for a in info.value.attempts] == ["local_ollama"]


def test_cloud_adapter_refuses_a_local_only_call_even_if_routing_were_wrong(dep: Deployment) -> None:
    from langchain_aegis.providers.registry import ProviderClient

    client = ProviderClient("openai", dep.config().providers["openai"])
    with pytest.raises(PrivacyViolationError):
        client.complete([{"role": "user", "content": "x"}], {}, privacy="local_only")
    assert dep.cloud_requests() == 0


def test_no_local_provider_means_private_calls_raise(dep: Deployment) -> None:
    cfg = dep.config()
    cloud_only = cfg.model_copy(update={"providers": {k: v for k, v in cfg.providers.items() if k != "local_ollama"}})
    model = AegisChatModel(config=cloud_only)
    with pytest.raises(PrivacyViolationError):
        model.invoke("SSN 536-22-1234")
    assert dep.cloud_requests() == 0


# -- property-based: PII anywhere, any path, any wish, with clouds failing -------------------------


def _place(pii: str, where: str, filler: str) -> list[BaseMessage]:
    system = SystemMessage(f"You extract facts. {filler}")
    human = HumanMessage(f"Process the record. {filler}")
    call_id = "call_1"
    ai = AIMessage(content="Looking it up.", tool_calls=[{"name": "Lookup", "args": {"query": filler}, "id": call_id}])
    tool = ToolMessage(f"No result for {filler}", tool_call_id=call_id)
    if where == "system":
        system = SystemMessage(f"You extract facts. Reference: {pii}")
    elif where == "human":
        human = HumanMessage(f"{filler} {pii} {filler}")
    elif where == "ai":
        ai = AIMessage(content=f"Earlier I saw {pii}.", tool_calls=ai.tool_calls)
    elif where == "tool_args":
        ai = AIMessage(content="Looking it up.", tool_calls=[{"name": "Lookup", "args": {"query": pii}, "id": call_id}])
    elif where == "tool_result":
        tool = ToolMessage(f"Found: {pii}", tool_call_id=call_id)
    elif where == "blocks":
        human = HumanMessage(content=[{"type": "text", "text": filler}, {"type": "text", "text": f"Data: {pii}"}])
    return [system, ai, tool, human]


WISHES: list[dict[str, Any]] = [
    CLOUD_WISH,
    {"batch_size": 50},
    {"provider": "openai"},
    {"provider": "ollama_cloud"},
    {},
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pii=st.sampled_from(PII_SAMPLES),
    where=st.sampled_from(["system", "human", "ai", "tool_args", "tool_result", "blocks"]),
    filler=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "Zs"]), max_size=40),
    path=st.sampled_from(PATHS),
    wish=st.sampled_from(WISHES),
    cloud_fails=st.booleans(),
    local_fails=st.booleans(),
)
def test_pii_anywhere_never_reaches_a_cloud_server(
    dep: Deployment,
    pii: str,
    where: str,
    filler: str,
    path: str,
    wish: dict[str, Any],
    cloud_fails: bool,
    local_fails: bool,
) -> None:
    dep.reset()
    if cloud_fails:
        dep.openai.inject("unavailable", times=100)
        dep.ollama_cloud.inject("rate_limit", times=100)
    if local_fails:
        dep.local.inject("server_error", times=100)
    messages = _place(pii, where, filler)
    run: Callable[[], AIMessage] = lambda: _run_path(dep.model(), path, messages, aegis_config(**wish))  # noqa: E731
    try:
        result = run()
    except PrivacyViolationError:
        assert local_fails, "only a failing local provider may end a private call in an error"
    else:
        assert not local_fails
        assert result.response_metadata["aegis"]["served_by"] == "local_ollama"
        assert result.response_metadata["aegis"]["privacy"] == "local_only"
    assert dep.cloud_requests() == 0
