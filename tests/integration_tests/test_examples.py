"""The scripts in ``examples/`` run end to end against loopback servers.

Each example's ``main([...])`` runs in-process with its own default config,
whose ``${AEGIS_*_URL}`` variables point at a three-provider loopback
deployment (local Ollama, Ollama Cloud, OpenAI). The assertions read what the
script printed, and the servers' journals show what each provider received.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from langchain_aegis.testing import FakeLLMServer
from tests.integration_tests.privacy_fixtures import Deployment, deployment

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ENV_VARS = ("AEGIS_LOCAL_URL", "AEGIS_CLOUD_URL", "AEGIS_OPENAI_URL", "OPENAI_API_KEY", "OLLAMA_API_KEY")


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"aegis_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' postponed annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dep(monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """A loopback deployment, and the environment that points the examples' configs at it."""
    with deployment() as d:
        monkeypatch.setenv("AEGIS_LOCAL_URL", d.local.origin)
        monkeypatch.setenv("AEGIS_CLOUD_URL", d.ollama_cloud.origin)
        monkeypatch.setenv("AEGIS_OPENAI_URL", d.openai.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-example-test")
        monkeypatch.setenv("OLLAMA_API_KEY", "ollama-example-test")
        yield d


def run(name: str, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = load_example(name).main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def bodies(server: FakeLLMServer) -> str:
    return "\n".join(json.dumps(e.body, ensure_ascii=False) for e in server.chat_requests())


# -- llm_extraction.py ---------------------------------------------------------------


def test_llm_extraction_sends_the_legal_document_to_openai(dep: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("llm_extraction", capsys)
    assert "[legal] provider=openai rule=critical_to_openai" in out
    assert "[routine] provider=local_ollama rule=default_local" in out
    assert re.search(r"entities: .*Acme GmbH", out)

    # One document each, and the routine one never left the machine.
    assert "Master Services Agreement" in bodies(dep.openai)
    assert "Berlin office" not in bodies(dep.openai)
    assert "Berlin office" in bodies(dep.local)
    assert dep.ollama_cloud.chat_requests() == []
    # with_structured_output asked OpenAI for a JSON schema answer.
    assert dep.openai.chat_requests()[0].body["response_format"]["type"] == "json_schema"


def test_llm_extraction_baseline_is_plain_chat_ollama(dep: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("langchain_ollama")
    out = run("llm_extraction", capsys, "--baseline")
    assert out.count("provider=ChatOllama rule=-") == 2
    assert len(dep.local.chat_requests()) == 2
    assert dep.cloud_requests() == 0


# -- ingestion_graph.py --------------------------------------------------------------


def test_ingestion_graph_routes_each_node_by_config(dep: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("langgraph")
    out = run("ingestion_graph", capsys)
    assert re.search(r"vlm_annotation\s+-> local_ollama \(rule confidential_stays_local\)", out)
    assert re.search(r"entity_extraction\s+-> openai \(rule critical_to_openai\)", out)
    assert re.search(r"summarize\s+-> local_ollama \(rule default_local\)", out)
    assert "organizations: Acme GmbH" in out

    # The confidential page image went to the local model only.
    image = load_example("ingestion_graph").PAGE_IMAGE_B64
    assert image in bodies(dep.local)
    assert image not in bodies(dep.openai)
    assert len(dep.openai.chat_requests()) == 1
    assert dep.ollama_cloud.chat_requests() == []


# -- coordinator.py ------------------------------------------------------------------


def test_coordinator_keeps_personal_data_local(dep: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("coordinator", capsys)
    blocks = out.split("query: ")[1:]
    assert len(blocks) == 3
    lookup, legal, private = blocks

    assert "classify: lookup   -> local_ollama (classification_stays_local)" in lookup
    assert "answer:   standard/low -> local_ollama (default_local)" in lookup
    assert "classify: legal    -> local_ollama (classification_stays_local)" in legal
    assert "answer:   critical/high -> openai (critical_to_openai)" in legal
    # Classified legal, so it would go to openai, but the detector keeps it local.
    assert "answer:   critical/high -> local_ollama (private_data_stays_local)" in private
    assert "personal data found: EMAIL, IBAN" in private

    # Exactly one call (the legal answer) reached a cloud provider, and no personal data did.
    assert len(dep.openai.chat_requests()) == 1
    assert dep.ollama_cloud.chat_requests() == []
    cloud = bodies(dep.openai) + bodies(dep.ollama_cloud)
    assert "indemnity clause" in cloud
    for secret in ("anna.schmidt@example.org", "DE89", "refund"):
        assert secret not in cloud
    assert "anna.schmidt@example.org" in bodies(dep.local)


def test_coordinator_takes_queries_from_the_command_line(dep: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    out = run("coordinator", capsys, "--query", "Is the legal notice of Initech valid?")
    assert out.count("query: ") == 1
    assert "answer:   critical/high -> openai (critical_to_openai)" in out


# -- cost_report.py ------------------------------------------------------------------


def _costs(out: str) -> dict[str, tuple[int, float]]:
    rows = re.findall(r"^(\w+)\s+(\d+)\s+\d+\s+\d+\s+([\d.]+)$", out, re.MULTILINE)
    return {provider: (int(calls), float(cost)) for provider, calls, cost in rows}


def test_cost_report_prices_chat_openai(dep: Deployment, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("langchain_openai")
    pytest.importorskip("langchain_ollama")
    out = run("cost_report", capsys)
    costs = _costs(out)
    assert costs["openai"][0] == 3
    assert costs["openai"][1] > 0
    assert costs["ollama"] == (3, 0.0)  # local models are free
    assert len(dep.openai.chat_requests()) == 3
    assert len(dep.local.chat_requests()) == 3


def test_cost_report_base_url_flag(
    dep: Deployment, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("langchain_openai")
    monkeypatch.delenv("AEGIS_OPENAI_URL")
    monkeypatch.delenv("AEGIS_LOCAL_URL")
    out = run("cost_report", capsys, "--base-url", dep.openai.base_url)
    assert set(_costs(out)) == {"openai"}
    assert _costs(out)["openai"][1] > 0
    assert len(dep.openai.chat_requests()) == 3


def test_cost_report_offline(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    out = run("cost_report", capsys)
    assert "offline stand-in for gpt-4o-mini" in out
    # 3 calls x (1200 input x $0.15 + 350 output x $0.60) per million tokens.
    costs = _costs(out)
    assert set(costs) == {"openai"}
    assert costs["openai"][0] == 3
    assert costs["openai"][1] == pytest.approx(0.00117)


# -- all examples --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["llm_extraction", "ingestion_graph", "coordinator", "cost_report"])
def test_example_reports_a_bad_config(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if name == "ingestion_graph":
        pytest.importorskip("langgraph")
    missing = tmp_path / "missing.yml"
    assert load_example(name).main(["--config", str(missing)]) == 1
    assert f"error: {missing}: cannot read config file" in capsys.readouterr().out


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_is_short(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 200
