"""A LangGraph ingestion graph whose nodes are routed by config, not by code.

Three nodes share one ``AegisChatModel``: ``vlm_annotation`` describes a
scanned page (text and image), ``entity_extraction`` extracts entities with
``with_structured_output``, and ``summarize`` writes a one-line summary.
No node passes routing config: the router reads the node's name from
LangGraph and applies ``routing.nodes.<node>`` from
``examples/config/ingestion_graph.yml``:

- ``vlm_annotation`` is ``confidential``, so it stays on ``local_ollama``;
- ``entity_extraction`` is ``critical`` and ``high`` complexity, so ``openai`` serves it;
- ``summarize`` matches no special rule and stays local.

Run it against real servers (a local Ollama with a vision model such as
``gemma-3-4b-it-Q8_0``, and ``OPENAI_API_KEY``)::

    python examples/ingestion_graph.py

Needs ``langgraph`` (``pip install "langchain-aegis[langgraph]"``).
"""

from __future__ import annotations

import argparse
import operator
import textwrap
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import END, START, StateGraph
from pydantic import BaseModel, Field

from langchain_aegis import AegisChatModel, AegisError

DEFAULT_CONFIG = Path(__file__).parent / "config" / "ingestion_graph.yml"

# A 1x1 PNG standing in for a scanned page; a real pipeline reads the page image from storage.
PAGE_IMAGE_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
PAGE_TEXT = (
    "Supply contract between Acme GmbH and Globex Corporation for 4,000 sensor units, "
    "delivered to the Hamburg warehouse by September 2025."
)


class Entities(BaseModel):
    """Entities found on the page."""

    organizations: list[str] = Field(description="Companies and institutions")
    locations: list[str] = Field(description="Places")


class State(TypedDict, total=False):
    """The graph's state. ``served`` collects, per node, the provider that answered."""

    text: str
    image_b64: str
    annotation: str
    entities: Entities
    summary: str
    served: Annotated[dict[str, str], operator.or_]


def _served(node: str, message: AIMessage) -> dict[str, str]:
    aegis = message.response_metadata["aegis"]
    return {node: f"{aegis['provider']} (rule {aegis['rule']})"}


def build_graph(llm: AegisChatModel) -> Any:
    """The ingestion graph. Note that no node passes ``config=``: routing comes from the YAML."""

    def vlm_annotation(state: State) -> State:
        page = HumanMessage(
            content=[
                {"type": "text", "text": "Describe this scanned page: layout, stamps, signatures."},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{state['image_b64']}"}},
            ]
        )
        reply = llm.invoke([page])
        return {"annotation": str(reply.content), "served": _served("vlm_annotation", reply)}

    def entity_extraction(state: State) -> State:
        out = llm.with_structured_output(Entities, include_raw=True).invoke(
            f"List the organizations and locations in this document:\n\n{state['text']}"
        )
        return {"entities": out["parsed"], "served": _served("entity_extraction", out["raw"])}

    def summarize(state: State) -> State:
        reply = llm.invoke(f"Summarize in one sentence:\n\n{state['text']}\n\nPage notes: {state['annotation']}")
        return {"summary": str(reply.content), "served": _served("summarize", reply)}

    builder = StateGraph(State)
    builder.add_node("vlm_annotation", vlm_annotation)
    builder.add_node("entity_extraction", entity_extraction)
    builder.add_node("summarize", summarize)
    builder.add_edge(START, "vlm_annotation")
    builder.add_edge("vlm_annotation", "entity_extraction")
    builder.add_edge("entity_extraction", "summarize")
    builder.add_edge("summarize", END)
    return builder.compile()


def main(argv: list[str] | None = None) -> int:
    """Ingest one page through the graph and print which provider served each node."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="routing config (YAML)")
    args = parser.parse_args(argv)

    try:
        llm = AegisChatModel(config=args.config, temperature=0)
        result = build_graph(llm).invoke({"text": PAGE_TEXT, "image_b64": PAGE_IMAGE_B64, "served": {}})
    except AegisError as exc:
        print(f"error: {exc}")
        return 1

    for node in ("vlm_annotation", "entity_extraction", "summarize"):
        print(f"{node:<18} -> {result['served'][node]}")
    entities = result["entities"]
    print(f"organizations: {', '.join(entities.organizations) or '-'}")
    print(f"locations:     {', '.join(entities.locations) or '-'}")
    print(f"summary:       {textwrap.shorten(result['summary'], width=100)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
