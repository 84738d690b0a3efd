"""Class 8: the user's own fallbacks never receive a private call."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_openai import ChatOpenAI

from langchain_aegis import PrivacyViolationError, aegis_config
from tests.integration_tests.privacy.cases import Lookup
from tests.integration_tests.privacy_fixtures import Deployment

PRIVATE = "Patient Frau Müller, Diagnose F32.1, IBAN DE89 3704 0044 0532 0130 00"


def _cloud(dep: Deployment) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-4o-mini", base_url=dep.openai.base_url, api_key="sk-test", max_retries=0)  # type: ignore[arg-type]


def _run(runnable: Any, path: str, config: Any = None) -> Any:
    if path == "invoke":
        return runnable.invoke(PRIVATE, config=config)
    if path == "ainvoke":
        return asyncio.run(runnable.ainvoke(PRIVATE, config=config))
    if path == "stream":
        return list(runnable.stream(PRIVATE, config=config))
    if path == "astream":

        async def go() -> Any:
            return [c async for c in runnable.astream(PRIVATE, config=config)]

        return asyncio.run(go())
    if path == "batch":
        return runnable.batch([PRIVATE, PRIVATE], config=config)
    if path == "abatch":
        return asyncio.run(runnable.abatch([PRIVATE], config=config))
    if path == "astream_events":

        async def events() -> Any:
            return [e async for e in runnable.astream_events(PRIVATE, config=config, version="v2")]

        return asyncio.run(events())
    raise AssertionError(path)


PATHS = ["invoke", "ainvoke", "stream", "astream", "batch", "abatch", "astream_events"]


@pytest.mark.parametrize("shape", ["model", "bind_tools", "with_config", "structured"])
@pytest.mark.parametrize("path", PATHS)
def test_a_private_call_is_never_handed_to_a_user_fallback(dep: Deployment, path: str, shape: str) -> None:
    dep.local.inject("unavailable", times=100)  # no local provider can serve it
    model = dep.model()
    base: Any = {
        "model": model,
        "bind_tools": model.bind_tools([Lookup]),
        "with_config": model.with_config(metadata={"aegis": {"task_type": "x"}}),
        "structured": model.with_structured_output(Lookup),
    }[shape]
    guarded = base.with_fallbacks([_cloud(dep)])
    with pytest.raises(PrivacyViolationError):
        _run(guarded, path, aegis_config(quality="critical", complexity="high"))
    assert dep.cloud_requests() == 0


def test_batch_with_return_exceptions_returns_the_privacy_error(dep: Deployment) -> None:
    dep.local.inject("unavailable", times=100)
    guarded = dep.model().with_fallbacks([_cloud(dep)])
    out = guarded.batch([PRIVATE], return_exceptions=True)
    assert isinstance(out[0], PrivacyViolationError)
    assert dep.cloud_requests() == 0


def test_other_failures_still_fall_back(dep: Deployment) -> None:
    """The guard is not a blanket: a public call whose providers all fail goes to the user's fallback."""
    for server in (dep.local, dep.openai, dep.ollama_cloud):
        server.inject("unavailable", times=100)
    guarded = dep.model().with_fallbacks([_cloud(dep)])
    dep.openai.reset()  # the fallback's own server answers
    for server in (dep.local, dep.ollama_cloud):
        server.inject("unavailable", times=100)
    dep.openai.inject("unavailable", times=1)  # Aegis's own openai attempt fails once
    out = guarded.invoke("Summarise the quarterly report.", config=aegis_config(quality="critical", complexity="high"))
    assert "aegis" not in out.response_metadata  # served by the plain ChatOpenAI fallback
