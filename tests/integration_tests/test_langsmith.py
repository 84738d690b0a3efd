"""What LangSmith receives, captured by a loopback server speaking its ingest API.

Every routed run names the serving provider and rule; private runs are
redacted or hidden as ``privacy.tracing`` says, while the caller gets the
real answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.runnables import RunnableLambda

from langchain_aegis import aegis_config
from langchain_aegis.privacy.trace_shield import HIDDEN
from tests.integration_tests.privacy_fixtures import Deployment, deployment
from tests.langsmith_capture import LangSmithCapture, capture_langsmith, new_tracer

IBAN = "DE89 3704 0044 0532 0130 00"


@pytest.fixture
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.fixture
def capture() -> Iterator[LangSmithCapture]:
    with capture_langsmith() as server:
        yield server


def _llm_run(capture: LangSmithCapture, client: Any) -> dict[str, Any]:
    client.flush(timeout=10)
    return capture.wait_for_run(lambda run: run.get("run_type") == "llm" and "outputs" in run, timeout=10)


def test_routed_run_names_provider_rule_and_cost(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = new_tracer(capture)
    config = aegis_config(quality="critical", complexity="high", config={"callbacks": [tracer]})
    reply = dep.model().invoke("Review the indemnity clause.", config=config)
    run = _llm_run(capture, client)

    assert "aegis:provider=openai" in run["tags"]
    assert "aegis:rule=critical_to_openai" in run["tags"]
    metadata = run["extra"]["metadata"]
    assert metadata["ls_provider"] == "openai"
    assert metadata["ls_model_name"] == "gpt-4o-mini"
    assert metadata["aegis_route"]["reason"].startswith("rule critical_to_openai matched")
    assert metadata["aegis_route"]["privacy"] == "unrestricted"
    outputs = json.dumps(run["outputs"])
    assert '"provider": "openai"' in outputs
    assert '"attempts"' in outputs
    # The caller's usage is LangChain's standard one; the cost reaches LangSmith in the run's outputs.
    usage = reply.usage_metadata
    assert usage is not None
    assert set(usage) <= {
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "input_token_details",
        "output_token_details",
    }
    cost = reply.response_metadata["aegis"]["cost_usd"]
    assert cost > 0
    traced = run["outputs"]["usage_metadata"]
    assert traced["total_cost"] == pytest.approx(cost)
    assert traced["input_cost"] + traced["output_cost"] == pytest.approx(cost)
    assert (traced["input_tokens"], traced["output_tokens"]) == (usage["input_tokens"], usage["output_tokens"])
    assert metadata["usage_metadata"]["total_tokens"] == usage["total_tokens"]
    assert metadata["aegis_cost_usd"] == pytest.approx(cost)


@pytest.mark.parametrize("stream", [False, True])
def test_streamed_run_carries_its_cost(dep: Deployment, capture: LangSmithCapture, stream: bool) -> None:
    client, tracer = new_tracer(capture)
    config = aegis_config(quality="critical", complexity="high", config={"callbacks": [tracer]})
    model = dep.model(streaming=True) if not stream else dep.model()
    if stream:
        chunks = list(model.stream("Review the indemnity clause.", config=config))
        cost = next(c.response_metadata["aegis"]["cost_usd"] for c in chunks if "aegis" in c.response_metadata)
    else:  # invoke() over an internal stream
        cost = model.invoke("Review the indemnity clause.", config=config).response_metadata["aegis"]["cost_usd"]
    run = _llm_run(capture, client)
    assert cost > 0
    assert run["outputs"]["usage_metadata"]["total_cost"] == pytest.approx(cost)


@pytest.mark.parametrize("stream", [False, True])
def test_fallback_shows_the_serving_provider_and_every_attempt(
    dep: Deployment, capture: LangSmithCapture, stream: bool
) -> None:
    client, tracer = new_tracer(capture)
    dep.openai.inject("unavailable", times=5)
    config = aegis_config(quality="critical", complexity="high", config={"callbacks": [tracer]})
    model = dep.model()
    if stream:
        chunks = list(model.stream("Review the indemnity clause.", config=config))
        aegis = next(c.response_metadata["aegis"] for c in chunks if "aegis" in c.response_metadata)
    else:
        aegis = model.invoke("Review the indemnity clause.", config=config).response_metadata["aegis"]
    assert (aegis["provider"], aegis["model"]) == ("ollama_cloud", "gpt-oss:120b")
    assert (aegis["routed_provider"], aegis["routed_model"]) == ("openai", "gpt-4o-mini")
    assert aegis["served_by"] == "ollama_cloud"  # deprecated alias
    assert aegis["reason"].endswith("; openai failed (server: HTTP 503); served by ollama_cloud")
    run = _llm_run(capture, client)
    metadata = run["extra"]["metadata"]
    assert (metadata["ls_provider"], metadata["ls_model_name"]) == ("ollama", "gpt-oss:120b")
    assert metadata["aegis_provider"] == "ollama_cloud"
    assert metadata["aegis_routed_provider"] == "openai"
    assert "aegis:provider=ollama_cloud" in run["tags"]
    assert "aegis:routed_provider=openai" in run["tags"]
    assert "aegis:provider=openai" not in run["tags"]
    assert metadata["aegis_route"]["provider"] == "openai"  # the decision is kept as it was made
    if not stream:
        message = run["outputs"]["generations"][0][0]["message"]["kwargs"]
        attempts = message["response_metadata"]["aegis"]["attempts"]
        assert [(a["provider"], a["outcome"]) for a in attempts] == [("openai", "server"), ("ollama_cloud", "ok")]


@pytest.mark.parametrize("stream", [False, True])
def test_redact_masks_entities_in_traced_inputs_and_outputs(
    dep: Deployment, capture: LangSmithCapture, stream: bool
) -> None:
    client, tracer = new_tracer(capture)
    dep.local.script(f"Your account {IBAN} is valid.")
    model = dep.model()
    config = {"callbacks": [tracer]}
    prompt = f"Please check IBAN {IBAN} for Frau Weber."
    if stream:
        chunks = list(model.stream(prompt, config=config))  # type: ignore[arg-type]
        reply_text = "".join(str(c.content) for c in chunks)
    else:
        reply_text = str(model.invoke(prompt, config=config).content)  # type: ignore[arg-type]
    assert IBAN in reply_text  # the caller gets the real answer

    run = _llm_run(capture, client)
    traced = json.dumps(run["inputs"]) + json.dumps(run["outputs"])
    assert IBAN not in traced
    # No group of the IBAN either; digits around it are another number (a latency of 31.053704... ms).
    assert re.search(r"(?<![0-9])3704(?![0-9])", traced) is None
    assert "<IBAN>" in json.dumps(run["inputs"])
    assert "<IBAN>" in json.dumps(run["outputs"])
    assert "aegis:provider=local_ollama" in run["tags"]
    assert run["extra"]["metadata"]["aegis_route"]["privacy"] == "local_only"


def test_hide_omits_content_but_keeps_routing_metadata(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = new_tracer(capture)
    dep.local.script("The patient Frau Weber takes 20 mg Sertralin.")
    model = dep.model(config=dep.config(privacy={"tracing": "hide"}))
    reply = model.invoke("Frau Weber, Diagnose F32.1, Medikation?", config={"callbacks": [tracer]})
    assert "Sertralin" in str(reply.content)
    run = _llm_run(capture, client)
    traced = json.dumps(run["inputs"]) + json.dumps(run["outputs"])
    assert "Weber" not in traced
    assert "Sertralin" not in traced
    assert HIDDEN in traced
    assert run["extra"]["metadata"]["aegis_route"]["rule"] == "private_data_stays_local"


def test_allow_traces_private_calls_as_they_are(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = new_tracer(capture)
    model = dep.model(config=dep.config(privacy={"tracing": "allow"}))
    model.invoke(f"IBAN {IBAN}", config={"callbacks": [tracer]})
    run = _llm_run(capture, client)
    assert IBAN in json.dumps(run["inputs"])


def test_redaction_applies_inside_a_traced_chain(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = new_tracer(capture)
    chain = RunnableLambda(lambda text: f"Check: {text}") | dep.model()
    reply = chain.invoke(f"IBAN {IBAN}", config={"callbacks": [tracer]})
    assert reply.response_metadata["aegis"]["provider"] == "local_ollama"
    run = _llm_run(capture, client)
    assert IBAN not in json.dumps(run["inputs"])
    assert run.get("parent_run_id")  # nested under the chain's run, not a separate trace


def test_redacting_client_masks_the_chain_runs_around_the_model(dep: Deployment, capture: LangSmithCapture) -> None:
    from langchain_core.tracers import LangChainTracer

    from langchain_aegis.observability.tracing import redacting_langsmith_client

    client = redacting_langsmith_client(api_url=capture.url, api_key="test-key")
    tracer = LangChainTracer(client=client, project_name="aegis-tests")
    chain = RunnableLambda(lambda text: f"Check: {text}") | dep.model()
    chain.invoke(f"IBAN {IBAN}", config={"callbacks": [tracer]})
    client.flush(timeout=10)
    capture.wait_for_run(lambda run: run.get("run_type") == "llm" and "outputs" in run, timeout=10)
    capture.wait_for_run(lambda run: run.get("run_type") == "chain" and "outputs" in run, timeout=10)
    everything = json.dumps(capture.runs)
    assert IBAN not in everything
    assert "<IBAN>" in everything
