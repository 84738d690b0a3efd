"""Typos that would silently change routing warn with a suggestion, or fail under routing.strict (issue 14 point 4)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from langchain_aegis import AegisChatModel, UnknownKeyWarning
from langchain_aegis.cli import main
from langchain_aegis.config import typos as typos_module
from langchain_aegis.config.loading import load_config, parse_config
from langchain_aegis.errors import ConfigError, RoutingError

PROVIDERS = {
    "local_ollama": {"type": "ollama", "model": "m", "locality": "local"},
    "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud", "api_key": "sk-x"},
}


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(typos_module, "_warned", set())


def model(routing: dict[str, Any] | None = None) -> AegisChatModel:
    return AegisChatModel(config=parse_config({"providers": PROVIDERS, "routing": routing or {}}), ledger="memory://")


def messages_of(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, UnknownKeyWarning)]


def test_unknown_key_under_aegis_metadata_warns_once_with_suggestion() -> None:
    llm = model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            decision = llm.explain("hi", config={"metadata": {"aegis": {"qualty": "critical"}}})
    found = messages_of(caught)
    assert len(found) == 1
    assert "metadata['aegis'].qualty: unknown key (value 'critical'); did you mean 'quality'?" in found[0]
    assert decision.provider == "local_ollama"  # still ignored, but no longer silently


def test_fact_at_top_level_of_metadata_warns() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model().explain("hi", config={"metadata": {"quality": "critical", "langgraph_step": 1}})
    found = messages_of(caught)
    assert len(found) == 1
    assert "metadata['quality']: request facts are read only under metadata['aegis']" in found[0]


def test_known_keys_do_not_warn() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model().explain("hi", config={"metadata": {"aegis": {"quality": "high", "contains_pii": False}, "x": 1}})
    assert messages_of(caught) == []


def test_strict_makes_metadata_typos_errors() -> None:
    llm = model({"strict": True})
    with pytest.raises(RoutingError, match=r"did you mean 'quality'.*routing\.strict"):
        llm.explain("hi", config={"metadata": {"aegis": {"qualty": "critical"}}})
    with pytest.raises(RoutingError, match="read only under"):
        llm.explain("hi", config={"metadata": {"complexity": "high"}})


@pytest.mark.parametrize(
    ("routing", "where"),
    [
        ({"nodes": {"summarize": {"qualty": "high"}}}, "routing.nodes.summarize.qualty"),
        ({"defaults": {"complexty": "high"}}, "routing.defaults.complexty"),
    ],
)
def test_unknown_keys_in_nodes_and_defaults_warn_at_load(routing: dict[str, Any], where: str) -> None:
    with pytest.warns(UnknownKeyWarning, match=rf"{where}: unknown key .*did you mean"):
        parse_config({"providers": PROVIDERS, "routing": routing})
    with pytest.raises(ConfigError, match=rf"{where}: unknown key .*routing.strict"):
        parse_config({"providers": PROVIDERS, "routing": {**routing, "strict": True}})


def test_node_no_graph_call_used_warns_after_the_grace_calls() -> None:
    llm = model({"nodes": {"entity_extration": {"quality": "high"}}})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(typos_module.NODE_GRACE_CALLS):
            llm.explain("hi", config={"metadata": {"langgraph_node": "entity_extraction"}})
    found = messages_of(caught)
    assert len(found) == 1
    assert "routing.nodes.entity_extration: no graph call used this node" in found[0]
    assert "did you mean 'entity_extraction'?" in found[0]


def test_unused_node_is_quiet_without_graph_calls() -> None:
    llm = model({"nodes": {"summarize": {"quality": "high"}}})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(typos_module.NODE_GRACE_CALLS + 5):
            llm.explain("hi")
    assert messages_of(caught) == []


def test_strict_unused_node_is_an_error() -> None:
    llm = model({"strict": True, "nodes": {"entity_extration": {"quality": "high"}}})
    graph_call = {"metadata": {"langgraph_node": "entity_extraction"}}
    for _ in range(typos_module.NODE_GRACE_CALLS - 1):
        llm.explain("hi", config=graph_call)
    with pytest.raises(RoutingError, match="entity_extration"):
        llm.explain("hi", config=graph_call)


# -- CLI -------------------------------------------------------------------------------------


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "c.yml"
    path.write_text(
        "providers:\n  local_ollama: {type: ollama, model: m, locality: local, base_url: 'http://127.0.0.1:9'}\n"
        "budgets: {ledger: 'memory://'}\n"
        "routing:\n  nodes:\n    entity_extraction: {qualty: high}\n"
    )
    return path


def test_check_reports_typos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--config", str(config_file(tmp_path)), "--timeout", "0.2", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert any(
        "routing.nodes.entity_extraction.qualty" in w and "did you mean 'quality'" in w for w in data["warnings"]
    )


def test_check_text_shows_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--config", str(config_file(tmp_path)), "--timeout", "0.2"])
    out = capsys.readouterr().out
    assert "1 warning" in out
    assert "warning: routing.nodes.entity_extraction.qualty" in out


def test_explain_rejects_unknown_node_with_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", "hi", "--config", str(config_file(tmp_path)), "--node", "entity_extration"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no node named 'entity_extration'; did you mean 'entity_extraction'?" in err


def test_explain_rejects_unknown_metadata_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", "hi", "--config", str(config_file(tmp_path)), "--metadata", '{"qualty": "critical"}'])
    assert code == 2
    assert "did you mean 'quality'" in capsys.readouterr().err


def test_shipped_config_loads_without_typo_warnings() -> None:
    shipped = Path(__file__).parents[3] / "config" / "llm_config.yml"
    if not shipped.exists():
        pytest.skip("no shipped config in this checkout")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownKeyWarning)
        load_config(shipped, env={"OPENAI_API_KEY": "x", "OLLAMA_API_KEY": "x"})
