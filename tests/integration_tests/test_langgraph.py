"""Per-node routing inside a LangGraph graph, from ``routing.nodes`` in config."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypedDict

import pytest
from langgraph.graph import END, START, StateGraph

from langchain_aegis.chat_models import AegisChatModel
from tests.integration_tests.privacy_fixtures import Deployment, deployment


class State(TypedDict, total=False):
    text: str
    served: dict[str, str]


@pytest.fixture
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


def _graph(model: AegisChatModel) -> Any:
    def node(name: str) -> Any:
        def run(state: State) -> State:
            reply = model.invoke(f"{name}: {state['text']}")  # no per-call config: the node decides
            return {"served": {**state.get("served", {}), name: reply.response_metadata["aegis"]["served_by"]}}

        return run

    builder = StateGraph(State)
    for name in ("vlm_annotation", "entity_extraction", "summarize", "batch_classify"):
        builder.add_node(name, node(name))
    builder.add_edge(START, "vlm_annotation")
    builder.add_edge("vlm_annotation", "entity_extraction")
    builder.add_edge("entity_extraction", "summarize")
    builder.add_edge("summarize", "batch_classify")
    builder.add_edge("batch_classify", END)
    return builder.compile()


NODES = {
    "vlm_annotation": {"task_type": "vlm", "data_classification": "confidential"},
    "entity_extraction": {"task_type": "extraction", "quality": "critical", "complexity": "high"},
    "batch_classify": {"task_type": "classification", "batch_size": 40},
}


def test_each_node_is_routed_by_its_config(dep: Deployment) -> None:
    model = dep.model(config=dep.config(routing={"nodes": NODES}))
    result = _graph(model).invoke({"text": "Quarterly report of the Berlin office."})
    assert result["served"] == {
        "vlm_annotation": "local_ollama",
        "entity_extraction": "openai",
        "summarize": "local_ollama",
        "batch_classify": "ollama_cloud",
    }


async def test_nodes_route_the_same_way_when_streamed_async(dep: Deployment) -> None:
    model = dep.model(config=dep.config(routing={"nodes": NODES}))
    served: dict[str, str] = {}
    async for update in _graph(model).astream({"text": "Quarterly report."}, stream_mode="updates"):
        for value in update.values():
            served.update(value["served"])
    assert served["entity_extraction"] == "openai"
    assert served["batch_classify"] == "ollama_cloud"


def test_personal_data_overrides_every_node(dep: Deployment) -> None:
    model = dep.model(config=dep.config(routing={"nodes": NODES}))
    result = _graph(model).invoke({"text": "Patient Herr Otto Krause, Diagnose E11.9, Metformin 500 mg."})
    assert set(result["served"].values()) == {"local_ollama"}
    assert dep.cloud_requests() == 0


def test_call_metadata_beats_node_defaults(dep: Deployment) -> None:
    model = dep.model(config=dep.config(routing={"nodes": NODES}))
    result = _graph(model).invoke(
        {"text": "Press release."}, config={"metadata": {"aegis": {"quality": "low", "batch_size": 1}}}
    )
    assert result["served"]["entity_extraction"] == "local_ollama"
    assert result["served"]["batch_classify"] == "local_ollama"
