"""No raw value of a local-only call reaches LangSmith through any run of its trace.

The real ``langsmith`` client uploads to a loopback capture server; every
test searches every request body (decompressed when zstd was used) for the
raw values, in plain and JSON-escaped form.
"""

from __future__ import annotations

import asyncio
import json
import operator
from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypedDict

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.tools import tool
from langchain_core.tracers import LangChainTracer
from pydantic import BaseModel

from langchain_aegis import aegis_config
from langchain_aegis.observability.tracing import redacting_langsmith_client
from langchain_aegis.privacy.trace_shield import HIDDEN
from langchain_aegis.testing import Reply, ToolCall
from tests.integration_tests.privacy_fixtures import Deployment, deployment
from tests.langsmith_capture import (
    DUMMY_API_KEY,
    LangSmithCapture,
    capture_langsmith,
    new_tracer,
    wait_until_compressing,
)

IBAN = "DE89 3704 0044 0532 0130 00"
EMAIL = "anna.schmidt@example.org"
# Private only because the call says so: the detector finds nothing here.
ADDRESS = "Hans Meier, Lindenstrasse 7"

Mode = Literal["redact", "hide"]


@pytest.fixture(scope="module")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.fixture(autouse=True)
def _fresh(dep: Deployment) -> None:
    dep.reset()


@pytest.fixture
def capture() -> Iterator[LangSmithCapture]:
    with capture_langsmith() as server:
        yield server


def _model(dep: Deployment, mode: Mode = "redact") -> Any:
    return dep.model(config=dep.config(privacy={"tracing": mode}))


def _redacting_tracer(capture: LangSmithCapture) -> tuple[Any, LangChainTracer]:
    client = redacting_langsmith_client(api_url=capture.url, api_key=DUMMY_API_KEY)
    return client, LangChainTracer(client=client, project_name="aegis-tests")


def _uploaded(capture: LangSmithCapture, client: Any, *, runs: int) -> bytes:
    """Everything the client sent, once at least ``runs`` ended runs have arrived."""
    client.flush(timeout=10)
    capture.wait_for_run(lambda _: len([r for r in capture.runs.values() if r.get("end_time")]) >= runs)
    return b"".join(capture.bodies)


def _assert_absent(blob: bytes, *values: str) -> None:
    for value in values:
        for form in {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}:
            assert form.encode() not in blob, f"{value!r} reached LangSmith"
    # A fragment too: a value cut in two by redaction would still leak.
    for value in values:
        assert value[len(value) // 3 : 2 * len(value) // 3].encode() not in blob


def _chain(model: Any) -> Runnable[Any, Any]:
    return RunnableLambda(lambda text: f"Check: {text}") | model | RunnableLambda(lambda m: m.content)


# -- chains, every entry point, both modes, compressed or not --------------------------


@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream", "astream", "batch", "abatch", "astream_events"])
def test_every_entry_point_through_a_chain(dep: Deployment, capture: LangSmithCapture, how: str) -> None:
    client, tracer = _redacting_tracer(capture)
    dep.local.script(f"Your account {IBAN} is valid.")
    chain = _chain(_model(dep))
    config: Any = {"callbacks": [tracer]}
    prompt = f"Please check IBAN {IBAN}."

    async def run_async() -> str:
        if how == "ainvoke":
            return str(await chain.ainvoke(prompt, config=config))
        if how == "abatch":
            return str((await chain.abatch([prompt], config=config))[0])
        if how == "astream_events":
            ends = [e async for e in chain.astream_events(prompt, config=config) if e["event"] == "on_chain_end"]
            return str(ends[-1]["data"]["output"])
        return "".join([str(c) async for c in chain.astream(prompt, config=config)])

    if how == "invoke":
        answer = str(chain.invoke(prompt, config=config))
    elif how == "batch":
        answer = str(chain.batch([prompt], config=config)[0])
    elif how == "stream":
        answer = "".join(str(c) for c in chain.stream(prompt, config=config))
    else:
        answer = asyncio.run(run_async())
    assert IBAN in answer  # the caller gets the real answer
    blob = _uploaded(capture, client, runs=4)
    _assert_absent(blob, IBAN)
    assert b"<IBAN>" in blob


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_compressed_uploads_hold_no_raw_value(dep: Deployment, mode: Mode) -> None:
    with capture_langsmith(compress=True) as capture:
        client, tracer = _redacting_tracer(capture)
        wait_until_compressing(client)
        dep.local.script(f"Your account {IBAN} is valid.")
        assert IBAN in _chain(_model(dep, mode)).invoke(f"IBAN {IBAN}", config={"callbacks": [tracer]})
        blob = _uploaded(capture, client, runs=4)
        assert capture.encodings
        assert set(capture.encodings) == {"zstd"}  # every upload of the trace was compressed
    _assert_absent(blob, IBAN)
    assert (HIDDEN if mode == "hide" else "<IBAN>").encode() in blob


# -- private by metadata ---------------------------------------------------------------------


def test_private_by_metadata_is_hidden_even_in_redact_mode(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = _redacting_tracer(capture)
    dep.local.script(f"Noted: {ADDRESS}.")
    config = aegis_config(data_classification="pii", config={"callbacks": [tracer]})
    answer = _chain(_model(dep, "redact")).invoke(f"Store {ADDRESS}", config=config)
    assert ADDRESS in answer
    blob = _uploaded(capture, client, runs=4)
    _assert_absent(blob, ADDRESS)
    llm = capture.wait_for_run(lambda r: r.get("run_type") == "llm" and r.get("outputs") is not None)
    assert HIDDEN in json.dumps(llm["inputs"])
    assert llm["extra"]["metadata"]["aegis_route"]["local_only_source"] == "metadata"


def test_root_call_private_by_metadata_with_a_plain_client(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = new_tracer(capture)
    dep.local.script(f"Noted: {ADDRESS}.")
    config = aegis_config(data_classification="phi", config={"callbacks": [tracer]})
    reply = _model(dep, "redact").invoke(f"Store {ADDRESS}", config=config)
    assert ADDRESS in str(reply.content)
    _assert_absent(_uploaded(capture, client, runs=1), ADDRESS)


# -- every field of the model's own run --------------------------------------------------------


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_names_kwargs_artifacts_tools_and_stop_of_the_model_run(
    dep: Deployment, capture: LangSmithCapture, mode: Mode
) -> None:
    client, tracer = new_tracer(capture)  # a plain client: the model's own run is shielded at the source

    @tool(description=f"Send a letter; replies go to {EMAIL}")
    def send_letter(to: str) -> str:
        return "sent"

    messages = [
        SystemMessage(f"The user is {EMAIL}", name=EMAIL),
        HumanMessage(f"IBAN {IBAN}", name=EMAIL, additional_kwargs={"sender": EMAIL}),
        AIMessage(
            "",
            tool_calls=[{"name": "send_letter", "args": {"to": EMAIL}, "id": "call_1"}],
            additional_kwargs={"note": EMAIL},
        ),
        ToolMessage("sent", tool_call_id="call_1", artifact={"owner": EMAIL}, name=EMAIL),
    ]
    dep.local.script(f"Done, {EMAIL} was informed.")
    model = _model(dep, mode).bind_tools([send_letter])
    reply = model.invoke(messages, config={"callbacks": [tracer]}, stop=[f"STOP {EMAIL}"])
    assert EMAIL in str(reply.content)
    assert dep.cloud_requests() == 0
    sent = dep.local.chat_requests()[-1].body
    assert f"STOP {EMAIL}" in json.dumps(sent)  # the real stop sequence still reaches the local model
    _assert_absent(_uploaded(capture, client, runs=1), EMAIL, IBAN)


# -- a failed structured-output parse ----------------------------------------------------------


class Account(BaseModel):
    iban: str
    owner: str


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_structured_output_parse_failure(dep: Deployment, capture: LangSmithCapture, mode: Mode) -> None:
    client, tracer = _redacting_tracer(capture)
    dep.local.script(f"Sorry, no JSON today: the account is {IBAN}.")
    structured = _model(dep, mode).with_structured_output(Account)
    with pytest.raises(OutputParserException) as caught:
        structured.invoke(f"Extract the account from: IBAN {IBAN}", config={"callbacks": [tracer]})
    assert IBAN in str(caught.value)  # the caller's own exception keeps the answer
    blob = _uploaded(capture, client, runs=3)
    _assert_absent(blob, IBAN)
    failed = [r for r in capture.runs.values() if r.get("error")]
    assert any("OutputParserException" in r["error"] for r in failed)


def test_structured_output_include_raw_parsing_error(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = _redacting_tracer(capture)
    dep.local.script(f"Sorry, no JSON today: the account is {IBAN}.")
    structured = _model(dep).with_structured_output(Account, include_raw=True)
    out = structured.invoke(f"Extract the account from: IBAN {IBAN}", config={"callbacks": [tracer]})
    assert out["parsed"] is None
    assert IBAN in str(out["parsing_error"])
    blob = _uploaded(capture, client, runs=4)
    _assert_absent(blob, IBAN)
    assert b"parsing_error" in blob


# -- create_agent with a tool ------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_create_agent_with_a_tool(dep: Deployment, capture: LangSmithCapture, mode: Mode) -> None:
    from langchain.agents import create_agent

    @tool
    def check_account(iban: str) -> str:
        """Look up whether an account is open."""
        return f"Account {iban} is open."

    client, tracer = _redacting_tracer(capture)
    dep.local.script(
        Reply(tool_calls=(ToolCall("check_account", {"iban": IBAN}),)),
        f"The account {IBAN} is open.",
    )
    agent = create_agent(_model(dep, mode), tools=[check_account])
    state = agent.invoke({"messages": [HumanMessage(f"Is {IBAN} open?")]}, config={"callbacks": [tracer]})
    assert IBAN in str(state["messages"][-1].content)
    assert dep.cloud_requests() == 0
    blob = _uploaded(capture, client, runs=5)
    assert any(r.get("run_type") == "tool" for r in capture.runs.values())
    _assert_absent(blob, IBAN)


# -- a LangGraph graph whose nodes return Command and Send --------------------------------------


class _State(TypedDict, total=False):
    text: str
    notes: Annotated[list[str], operator.add]


def _graph(model: Any) -> Any:
    from langgraph.graph import END, START, StateGraph
    from langgraph.types import Command, Send

    def intake(state: _State) -> Command[Any]:
        answer = str(model.invoke(state["text"]).content)
        return Command(update={"notes": [answer]}, goto=[Send("review", {"text": f"Review: {answer}"})])

    def review(state: _State) -> dict[str, Any]:
        answer = model.invoke(state["text"], config={"metadata": {"doc_id": 42}})  # the node's own config
        return {"notes": [str(answer.content)]}

    graph = StateGraph(_State)
    graph.add_node("intake", intake, destinations=("review",))
    graph.add_node("review", review)
    graph.add_edge(START, "intake")
    graph.add_edge("review", END)
    return graph.compile()


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_langgraph_command_and_send(dep: Deployment, capture: LangSmithCapture, mode: Mode) -> None:
    client, tracer = _redacting_tracer(capture)
    dep.local.script(f"Account {IBAN} checked.", f"Review of {IBAN} done.")
    out = _graph(_model(dep, mode)).invoke({"text": f"Check {IBAN}"}, config={"callbacks": [tracer]})
    assert all(IBAN in note for note in out["notes"])
    blob = _uploaded(capture, client, runs=5)
    _assert_absent(blob, IBAN)


def test_langgraph_private_by_graph_metadata(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = _redacting_tracer(capture)
    dep.local.script(f"Stored {ADDRESS}.", f"Reviewed {ADDRESS}.")
    config = aegis_config(data_classification="pii", config={"callbacks": [tracer]})
    out = _graph(_model(dep, "redact")).invoke({"text": f"Store {ADDRESS}"}, config=config)
    assert all(ADDRESS in note for note in out["notes"])
    assert dep.cloud_requests() == 0
    _assert_absent(_uploaded(capture, client, runs=5), ADDRESS)


# -- a tracer with a plain client, and environment-configured tracing ----------------------------


def test_env_configured_tracing_with_a_configured_redacting_client(dep: Deployment, capture: LangSmithCapture) -> None:
    import langsmith

    client = redacting_langsmith_client(api_url=capture.url, api_key=DUMMY_API_KEY)
    langsmith.configure(client=client)  # capture_langsmith restores the default client afterwards
    dep.local.script(f"Account {IBAN} ok.")
    assert IBAN in _chain(_model(dep)).invoke(f"IBAN {IBAN}")  # no callbacks: LANGSMITH_TRACING=true
    blob = _uploaded(capture, client, runs=4)
    _assert_absent(blob, IBAN)
    assert b"<IBAN>" in blob


def test_plain_client_is_guarded_from_the_first_private_call_on(dep: Deployment, capture: LangSmithCapture) -> None:
    client, tracer = new_tracer(capture)
    chain = _chain(_model(dep))
    dep.local.script(f"Account {IBAN} ok.", f"Account {IBAN} ok.")
    chain.invoke(f"IBAN {IBAN}", config={"callbacks": [tracer]})
    _uploaded(capture, client, runs=4)
    first = json.dumps(capture.runs)
    # The first trace's chain run was posted before the private call started; its later runs
    # and the model's own run are guarded. Every later trace is guarded from its start.
    llm = capture.wait_for_run(lambda r: r.get("run_type") == "llm" and r.get("outputs") is not None)
    _assert_absent(json.dumps(llm).encode(), IBAN)
    assert IBAN in first  # the documented gap: use redacting_langsmith_client() to close it
    seen = len(capture.bodies)
    chain.invoke(f"IBAN {IBAN}", config={"callbacks": [tracer]})
    client.flush(timeout=10)
    tracer.client.flush(timeout=10)
    capture.wait_for_run(lambda _: len([r for r in capture.runs.values() if r.get("end_time")]) >= 8)
    _assert_absent(b"".join(capture.bodies[seen:]), IBAN)


def test_runs_still_held_at_exit_are_uploaded_scrubbed(capture: LangSmithCapture) -> None:
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import uuid
        from langchain_aegis.observability.tracing import redacting_langsmith_client
        client = redacting_langsmith_client(api_url={capture.url!r}, api_key={DUMMY_API_KEY!r})
        root = uuid.uuid4()
        # A trace whose root never ends in this process: held until exit, then released.
        client.create_run(id=root, trace_id=root, dotted_order="20260101T000000000000Z" + str(root),
                          name="never_ends", inputs={{"text": "IBAN {IBAN}"}}, run_type="chain")
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, env=None)
    run = capture.wait_for_run(lambda r: r.get("name") == "never_ends", timeout=20)
    assert run["inputs"] == {"text": "IBAN <IBAN>"}
    _assert_absent(b"".join(capture.bodies), IBAN)
