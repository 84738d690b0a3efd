"""The demo's LangGraph graph: ``classify`` -> ``extract_entities`` -> ``summarize`` around one model.

It owns the nodes' prompts, the graph itself and :class:`CallRow`, what one
node's call did as read from the reply's ``response_metadata["aegis"]``. Every
node calls the same ``AegisChatModel`` with the document's own request facts
as ``aegis`` metadata; short documents skip ``extract_entities``. It must not
choose providers, start servers or open ledgers: routing decides where each
call goes, and ``pipeline.py`` sets up the run.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import RunnableConfig

from langchain_aegis.demo.documents import Document
from langchain_aegis.errors import AegisError
from langchain_aegis.facts import aegis_config

if TYPE_CHECKING:
    from langchain_aegis.chat_models import AegisChatModel

__all__ = ["MAX_TOKENS", "NODES", "CallRow", "ProgressFn", "build_graph", "run_pipeline"]

NODES: tuple[str, ...] = ("classify", "extract_entities", "summarize")
"""The graph's nodes, in order."""

MAX_TOKENS = 24
"""Completion limit of every call: enough for a label, a list or a sentence, and quick on a CPU."""

_CATEGORIES = ["legal", "medical", "hr", "product", "meeting", "procurement", "support", "other"]
_CATEGORY_SCHEMA: dict[str, Any] = {
    "title": "DocumentCategory",
    "type": "object",
    "properties": {"category": {"type": "string", "enum": _CATEGORIES}},
    "required": ["category"],
}

_SYSTEM = "You read business documents for an ingestion pipeline. Answer briefly."

ProgressFn = Callable[[int, int, "Document"], None]


@dataclass(frozen=True, slots=True)
class CallRow:
    """What one node's call did, read from the reply's ``response_metadata["aegis"]``.

    Attributes:
        document: the document id.
        kind: the document kind.
        node: the LangGraph node that made the call.
        provider: the provider that answered (``None`` if the call failed).
        requested: the provider the routing decision chose first.
        rule: the rule that fired.
        reason: the decision's explanation.
        privacy: ``local_only`` or ``unrestricted``.
        pii_findings: entity types the detector found.
        attempts: every provider attempt, as ``Attempt.as_dict()``.
        input_tokens: prompt tokens reported by the provider.
        output_tokens: completion tokens reported by the provider.
        cost_usd: the settled cost.
        output: the model's answer, or the error message.
        error: ``None``, or why the call failed: the error kind (``connection``, ...) or class.
    """

    document: str
    kind: str
    node: str
    provider: str | None
    requested: str
    rule: str
    reason: str
    privacy: str
    pii_findings: tuple[str, ...] = ()
    attempts: tuple[dict[str, Any], ...] = ()
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    output: str = ""
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["pii_findings"] = list(self.pii_findings)
        data["attempts"] = [dict(a) for a in self.attempts]
        return data


class DocState(TypedDict, total=False):
    """The graph state of one document."""

    document: Document
    category: str
    entities: str
    summary: str
    calls: Annotated[list[CallRow], operator.add]


def _messages(node: str, doc: Document) -> list[BaseMessage]:
    task = {
        "classify": "Classify the document. Answer with JSON.",
        "extract_entities": "List the organisations, products, places and dates it names, comma-separated.",
        "summarize": "Summarise the document in one short sentence.",
    }[node]
    # The task comes last, so the three calls about one document share their
    # prefix and a local server can reuse the prompt it already processed.
    return [SystemMessage(_SYSTEM), HumanMessage(f"Document: {doc.title}\n\n{doc.text}\n\nTask: {task}")]


def _row(node: str, doc: Document, message: AIMessage) -> CallRow:
    meta = message.response_metadata.get("aegis") or {}
    usage: Mapping[str, Any] = message.usage_metadata or {}
    return CallRow(
        document=doc.id,
        kind=doc.kind,
        node=node,
        provider=meta.get("provider"),
        requested=str(meta.get("routed_provider", meta.get("provider", ""))),
        rule=str(meta.get("rule", "")),
        reason=str(meta.get("reason", "")),
        privacy=str(meta.get("privacy", "")),
        pii_findings=tuple(meta.get("pii_findings") or ()),
        attempts=tuple(meta.get("attempts") or ()),
        input_tokens=int(usage.get("input_tokens", 0)),
        output_tokens=int(usage.get("output_tokens", 0)),
        cost_usd=float(meta.get("cost_usd") or 0.0),
        output=" ".join(str(message.content).split()),
    )


def _failed_row(
    llm: AegisChatModel, node: str, doc: Document, messages: list[BaseMessage], config: RunnableConfig, exc: AegisError
) -> CallRow:
    requested, rule, reason, privacy = "-", "-", str(exc), "-"
    try:
        decision = llm.explain(messages, config)
        requested, rule, reason, privacy = decision.provider, decision.rule, decision.reason, decision.privacy
    except AegisError:
        pass  # the row still says why the call failed
    attempts = tuple(a.as_dict() for a in getattr(exc, "attempts", ()))
    return CallRow(
        document=doc.id,
        kind=doc.kind,
        node=node,
        provider=None,
        requested=requested,
        rule=rule,
        reason=reason,
        privacy=privacy,
        attempts=attempts,
        output=str(exc),
        error=str(getattr(exc, "kind", None) or type(exc).__name__),
    )


def build_graph(llm: AegisChatModel) -> Any:
    """Compile the ingestion graph around one shared model.

    Args:
        llm: the model every node calls.

    Returns:
        A compiled LangGraph graph; invoke it with ``{"document": doc, "calls": []}``.
    """
    from langgraph.graph import END, START, StateGraph

    classifier = llm.with_structured_output(_CATEGORY_SCHEMA, include_raw=True)

    def call(node: str, state: DocState, config: RunnableConfig) -> tuple[CallRow, str]:
        doc = state["document"]
        messages = _messages(node, doc)
        # The LangGraph config carries langgraph_node; the document adds its own facts.
        cfg = aegis_config(**doc.facts, config=config)
        try:
            if node == "classify":
                out = classifier.invoke(messages, cfg)
                parsed = out.get("parsed") or {}
                row = _row(node, doc, out["raw"])
                return row, str(parsed.get("category", "?")) if isinstance(parsed, dict) else "?"
            message = llm.invoke(messages, cfg)
            row = _row(node, doc, message)
            return row, row.output
        except AegisError as exc:
            return _failed_row(llm, node, doc, messages, cfg, exc), ""

    def classify(state: DocState, config: RunnableConfig) -> DocState:
        row, category = call("classify", state, config)
        return {"category": category, "calls": [row]}

    def extract_entities(state: DocState, config: RunnableConfig) -> DocState:
        row, entities = call("extract_entities", state, config)
        return {"entities": entities, "calls": [row]}

    def summarize(state: DocState, config: RunnableConfig) -> DocState:
        row, summary = call("summarize", state, config)
        return {"summary": summary, "calls": [row]}

    def after_classify(state: DocState) -> str:
        return "summarize" if state["document"].is_short else "extract_entities"

    graph = StateGraph(DocState)
    graph.add_node("classify", classify)
    graph.add_node("extract_entities", extract_entities)
    graph.add_node("summarize", summarize)
    graph.add_edge(START, "classify")
    graph.add_conditional_edges("classify", after_classify, ["extract_entities", "summarize"])
    graph.add_edge("extract_entities", "summarize")
    graph.add_edge("summarize", END)
    return graph.compile()


def run_pipeline(
    llm: AegisChatModel, documents: Sequence[Document], *, progress: ProgressFn | None = None
) -> list[CallRow]:
    """Run every document through the graph, one after another.

    Sequential on purpose: budgets are spent in document order, so the run is
    reproducible.

    Args:
        llm: the shared model.
        documents: what to ingest.
        progress: called as ``progress(i, n, document)`` before each document.

    Returns:
        One row per node call.
    """
    graph = build_graph(llm)
    rows: list[CallRow] = []
    for i, doc in enumerate(documents, start=1):
        if progress is not None:
            progress(i, len(documents), doc)
        state = graph.invoke({"document": doc, "calls": []})
        rows.extend(state["calls"])
    return rows
