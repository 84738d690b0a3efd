"""create_agent (LangChain v1) and LangGraph nodes that pass their own config (class 1 and the rest)."""

from __future__ import annotations

from typing import Any, TypedDict

import pytest
from langchain.agents import create_agent
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from langgraph.graph import END, START, StateGraph

from langchain_aegis import PrivacyViolationError, aegis_config
from tests.integration_tests.privacy.cases import CASES, MARKER, cloud_requests, leaked
from tests.integration_tests.privacy_fixtures import Deployment

WISH = {"quality": "critical", "complexity": "high"}
NODES = {"patient_intake": {"data_classification": "phi"}}


class State(TypedDict, total=False):
    text: str
    served: str


def _graph(model: Any, call: Any) -> Any:
    def patient_intake(state: State, config: RunnableConfig) -> State:
        reply = call(model, state["text"], config)
        return {"served": reply.response_metadata["aegis"]["served_by"]}

    builder = StateGraph(State)
    builder.add_node("patient_intake", patient_intake)
    builder.add_edge(START, "patient_intake")
    builder.add_edge("patient_intake", END)
    return builder.compile()


NODE_CALLS = {
    "aegis_config": lambda m, text, _: m.invoke(text, config=aegis_config(task_type="extraction", **WISH)),
    "doc_id": lambda m, text, _: m.invoke(text, config={"metadata": {"doc_id": 42}}),
    "own_config_passed_on": lambda m, text, cfg: m.invoke(text, config=aegis_config(task_type="x", config=cfg)),
    "with_config_and_call": lambda m, text, _: m.with_config(metadata={"aegis": {"quality": "critical"}}).invoke(
        text, config=aegis_config(complexity="high")
    ),
    "structured": lambda m, text, _: m.with_structured_output(dict_schema(), include_raw=True).invoke(
        text, config=aegis_config(**WISH)
    )["raw"],
    "bind_tools_stream": lambda m, text, _: _joined(m.bind_tools([lookup]).stream(text, config=aegis_config(**WISH))),
}


def dict_schema() -> dict[str, Any]:
    return {"title": "Out", "type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]}


def _joined(chunks: Any) -> Any:
    chunks = list(chunks)
    return sum(chunks[1:], chunks[0])


@tool
def lookup(query: str) -> str:
    """Look something up."""
    return f"nothing found for {query}"


@pytest.mark.parametrize("how", sorted(NODE_CALLS))
def test_node_facts_survive_the_nodes_own_config(dep: Deployment, how: str) -> None:
    model = dep.model(config=dep.config(routing={"nodes": NODES}), defaults=WISH)
    result = _graph(model, NODE_CALLS[how]).invoke({"text": MARKER})
    assert result["served"] == "local_ollama"
    assert cloud_requests(dep) == []


@pytest.mark.parametrize("how", sorted(NODE_CALLS))
def test_graph_level_pii_survives_the_nodes_own_config(dep: Deployment, how: str) -> None:
    model = dep.model(defaults=WISH)
    graph = _graph(model, NODE_CALLS[how])
    result = graph.invoke({"text": MARKER}, config={"metadata": {"aegis": {"contains_pii": "true"}}})
    assert result["served"] == "local_ollama"
    assert cloud_requests(dep) == []


async def test_graph_streamed_async_keeps_node_facts(dep: Deployment) -> None:
    model = dep.model(config=dep.config(routing={"nodes": NODES}), defaults=WISH)

    async def patient_intake(state: State) -> State:
        reply = await model.ainvoke(state["text"], config={"metadata": {"doc_id": 1}})
        return {"served": reply.response_metadata["aegis"]["served_by"]}

    builder = StateGraph(State)
    builder.add_node("patient_intake", patient_intake)
    builder.add_edge(START, "patient_intake")
    builder.add_edge("patient_intake", END)
    served = [u async for u in builder.compile().astream({"text": MARKER}, stream_mode="updates")]
    assert served[-1]["patient_intake"]["served"] == "local_ollama"
    assert cloud_requests(dep) == []


PAYLOAD_CASES = [c for c in CASES if c.has_pii_in_payload and not c.normalization and not c.schema and not c.model]


@pytest.mark.parametrize("case", PAYLOAD_CASES, ids=[c.id for c in PAYLOAD_CASES])
def test_graph_node_with_personal_data_in_the_request(dep: Deployment, case: Any) -> None:
    model = dep.model(defaults=WISH)
    runnable: Any = model.bind_tools(list(case.tools)) if case.tools else model
    if case.bind:
        runnable = runnable.bind(**case.bind)

    def node(state: State, config: RunnableConfig) -> State:
        try:
            reply = runnable.invoke(list(case.messages), config={"metadata": {"doc_id": 7}}, **case.kwargs)
        except PrivacyViolationError:
            return {"served": "PrivacyViolationError"}
        return {"served": reply.response_metadata["aegis"]["served_by"]}

    builder = StateGraph(State)
    builder.add_node("n", node)
    builder.add_edge(START, "n")
    builder.add_edge("n", END)
    assert builder.compile().invoke({"text": ""})["served"] in ("local_ollama", "PrivacyViolationError")
    assert leaked(dep, case.secret) == []
    assert cloud_requests(dep) == []


@pytest.mark.parametrize(
    ("prompt", "metadata"),
    [
        ("Look up the account of anna.schmidt@example.org", None),
        ("Look up IBAN DE89 3704 0044 0532 0130 00", None),
        (MARKER, {"aegis": {"data_classification": "phi"}}),
    ],
)
def test_create_agent_with_a_tool_stays_local(dep: Deployment, prompt: str, metadata: Any) -> None:
    agent = create_agent(dep.model(defaults=WISH), tools=[lookup])
    config: Any = {"metadata": metadata} if metadata else None
    result = agent.invoke({"messages": [{"role": "user", "content": prompt}]}, config=config)
    answers = [m for m in result["messages"] if m.type == "ai"]
    assert len(answers) >= 2  # it called the tool, then answered
    assert {m.response_metadata["aegis"]["served_by"] for m in answers} == {"local_ollama"}
    assert cloud_requests(dep) == []


async def test_create_agent_streamed_async_stays_local(dep: Deployment) -> None:
    agent = create_agent(dep.model(defaults=WISH), tools=[lookup])
    async for _ in agent.astream({"messages": [{"role": "user", "content": "Mail anna.schmidt@example.org"}]}):
        pass
    assert dep.local.chat_requests()
    assert cloud_requests(dep) == []
