"""AegisChatModel's own surface: construction, explain(), and what it never prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from langchain_aegis import AegisChatModel, Complexity, ConfigError, Quality, RoutingError, aegis_config
from langchain_aegis.config.loading import load_config

CONFIG = Path(__file__).parents[2] / "config" / "llm_config.yml"


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> AegisChatModel:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-never-printed")
    monkeypatch.setenv("OLLAMA_API_KEY", "ollama-never-printed")
    return AegisChatModel(config=str(CONFIG), ledger="memory://")


@pytest.mark.parametrize(
    ("text", "config", "provider", "rule"),
    [
        (
            "Frau Müller, geb. 03.04.1961, Diagnose F32.1",
            {"quality": "critical", "complexity": "high"},
            "local_ollama",
            "private_data_stays_local",
        ),
        ("Review the indemnity clause.", {"quality": "critical", "complexity": "high"}, "openai", "critical_to_openai"),
        ("Classify this ticket.", {"batch_size": 12}, "ollama_cloud", "large_batch_to_cloud"),
        ("Summarise the meeting notes.", {}, "local_ollama", "default_local"),
    ],
)
def test_explain_gives_each_of_the_four_rules(
    model: AegisChatModel, text: str, config: dict[str, object], provider: str, rule: str
) -> None:
    decision = model.explain(text, config=aegis_config(**config))  # type: ignore[arg-type]
    assert (decision.provider, decision.rule) == (provider, rule)
    assert decision.model == model.aegis_config.providers[provider].model


def test_explain_reads_the_langgraph_node(model: AegisChatModel) -> None:
    decision = model.explain("Describe the scan.", config={"metadata": {"langgraph_node": "vlm_annotation"}})
    assert decision.node == "vlm_annotation"
    assert decision.facts.task_type == "vlm"
    assert decision.provider == "local_ollama"


def test_instance_defaults_sit_below_call_metadata(model: AegisChatModel) -> None:
    critical = model.model_copy(update={"defaults": {"quality": "critical", "complexity": "high"}})
    rebuilt = AegisChatModel(config=model.aegis_config, defaults=critical.defaults)
    assert rebuilt.explain("x").provider == "openai"
    assert rebuilt.explain("x", config=aegis_config(quality=Quality.LOW)).provider == "local_ollama"
    assert rebuilt.explain("x", config=aegis_config(complexity=Complexity.LOW)).provider == "local_ollama"


def test_bad_instance_default_names_the_key() -> None:
    with pytest.raises(RoutingError, match=r"defaults=.*quality='urgent'"):
        AegisChatModel(model="gemma", defaults={"quality": "urgent"})


def test_bad_call_metadata_names_the_key(model: AegisChatModel) -> None:
    with pytest.raises(RoutingError, match=r"complexity='extreme'.*low, medium, high"):
        model.explain("x", config={"metadata": {"aegis": {"complexity": "extreme"}}})


def test_no_config_is_a_local_only_chatollama_equivalent() -> None:
    llm = AegisChatModel(
        model="gemma-3-4b-it-Q8_0",
        temperature=0.2,
        num_predict=64,
        num_ctx=4096,
        top_p=0.9,
        top_k=40,
        seed=1,
        stop=["</s>"],
        format="json",
        keep_alive="5m",
        reasoning=False,
        timeout=12,
        max_retries=2,
    )
    cfg = llm.aegis_config
    assert list(cfg.providers) == ["local_ollama"]
    assert cfg.providers["local_ollama"].base_url == "http://localhost:11434"
    assert cfg.providers["local_ollama"].timeout == 12
    assert cfg.resilience.max_retries == 2
    assert llm.explain("hello").provider == "local_ollama"


def test_model_argument_overrides_the_default_local_model(model: AegisChatModel) -> None:
    llm = AegisChatModel(config=model.aegis_config, model="llama3.2:3b")
    assert llm.aegis_config.providers["local_ollama"].model == "llama3.2:3b"
    assert llm.aegis_config.providers["openai"].model == "gpt-4o-mini"


def test_model_or_config_is_required() -> None:
    with pytest.raises(ConfigError, match="give model="):
        AegisChatModel()


def test_secrets_never_in_repr_or_dumps(model: AegisChatModel) -> None:
    keyed = AegisChatModel(model="m", api_key="ollama-cloud-secret")  # type: ignore[arg-type]
    for text in (repr(model), str(model), repr(keyed), str(keyed.model_dump()), repr(model.aegis_config)):
        assert "sk-never-printed" not in text
        assert "ollama-never-printed" not in text
        assert "ollama-cloud-secret" not in text


def test_bad_config_file_raises_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("providers:\n  x: {type: ollama, locality: local}\n")
    with pytest.raises(ConfigError, match=r"bad.yml:2: providers.x.model: field required"):
        AegisChatModel(config=str(bad))


def test_validate_model_on_init_names_the_unreachable_provider() -> None:
    with pytest.raises(ConfigError, match="validate_model_on_init: cannot list models of provider 'local_ollama'"):
        AegisChatModel(model="m", base_url="http://127.0.0.1:9", validate_model_on_init=True, timeout=2)


def test_ls_params_name_the_default_provider_without_a_call(model: AegisChatModel) -> None:
    params = model._get_ls_params()
    assert (params["ls_provider"], params["ls_model_name"]) == ("ollama", "gemma-3-4b-it-Q8_0")


def test_example_config_is_what_the_model_loads() -> None:
    assert (
        load_config(CONFIG, env={}).effective_rules()
        == AegisChatModel(config=str(CONFIG), ledger="memory://").aegis_config.effective_rules()
    )


def test_a_failing_detector_keeps_the_call_local(model: AegisChatModel, monkeypatch: pytest.MonkeyPatch) -> None:
    import langchain_aegis.privacy as privacy

    def broken(messages: object) -> tuple[str, ...]:
        raise RuntimeError("detector bug")

    monkeypatch.setattr(privacy, "scan_messages", broken)
    decision = model.explain("Review the clause.", config=aegis_config(quality="critical", complexity="high"))
    assert decision.privacy == "local_only"
    assert decision.provider == "local_ollama"
    assert decision.pii_findings == ("DETECTOR_ERROR",)
