"""Config loading: the team's shape loads, and bad configs name file, field and value."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from langchain_aegis.config.loading import load_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import ConfigError

TEAM_CONFIG = """
providers:
  local_ollama: {type: ollama, base_url: "http://localhost:11434", model: "gemma-3-4b-it-Q8_0", locality: local}
  ollama_cloud: {type: ollama, base_url: "https://ollama.com", api_key: "${OLLAMA_API_KEY}", model: "gpt-oss:120b", locality: cloud}
  openai:       {type: openai, api_key: "${OPENAI_API_KEY}", organization: "${OPENAI_ORG_ID:-}", model: "gpt-4o-mini", locality: cloud}
budgets:
  monthly_limits: {ollama_cloud: 120.0, openai: 80.0}
"""
ENV = {"OLLAMA_API_KEY": "ollama-secret-key", "OPENAI_API_KEY": "sk-secret-openai"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "llm_config.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_team_config_loads_as_is(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, TEAM_CONFIG), env=ENV)
    assert set(cfg.providers) == {"local_ollama", "ollama_cloud", "openai"}
    assert cfg.providers["ollama_cloud"].api_key is not None
    assert cfg.providers["ollama_cloud"].api_key.get_secret_value() == "ollama-secret-key"
    assert cfg.providers["openai"].organization is None  # ${OPENAI_ORG_ID:-} -> empty -> unset
    assert cfg.budgets.monthly_limits == {"ollama_cloud": 120.0, "openai": 80.0}
    assert [r.name for r in cfg.effective_rules()] == [
        "private_data_stays_local",
        "critical_to_openai",
        "large_batch_to_cloud",
        "default_local",
    ]
    assert cfg.effective_fallback_chain() == ["openai", "ollama_cloud", "local_ollama"]


def test_shipped_example_config_loads_without_any_env() -> None:
    cfg = load_config(Path(__file__).parents[3] / "config" / "llm_config.yml", env={})
    assert cfg.default_provider() == "local_ollama"
    assert cfg.local_providers() == ["local_ollama"]


def test_secrets_never_printed(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, TEAM_CONFIG), env=ENV)
    for text in (repr(cfg), str(cfg), cfg.model_dump_json()):
        assert "sk-secret-openai" not in text
        assert "ollama-secret-key" not in text


def test_env_default_is_used(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        providers:
          local: {type: ollama, base_url: "${HOST:-http://127.0.0.1:9999}", model: m, locality: local}
        """,
    )
    assert load_config(path, env={}).providers["local"].base_url == "http://127.0.0.1:9999"
    assert load_config(path, env={"HOST": "http://h:1"}).providers["local"].base_url == "http://h:1"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        pytest.param(
            "providers:\n  local: {type: ollama, locality: local}\n",
            ["providers.local.model", "field required"],
            id="missing-model",
        ),
        pytest.param(
            "providers:\n  x: {type: not-a-provider, model: m, locality: cloud}\n",
            ["providers.x.type", "'not-a-provider'", "not an any-llm provider type"],
            id="unknown-provider-type",
        ),
        pytest.param(
            "providers:\n  x: {type: ollama, base_url: 'localhost:11434', model: m, locality: local}\n",
            ["providers.x.base_url", "'localhost:11434'", "not an http(s) URL"],
            id="bad-url",
        ),
        pytest.param(
            "providers:\n  x: {type: ollama, model: 'gpt-oss:120b-cloud', locality: local}\n",
            ["providers.x", "gpt-oss:120b-cloud", "locality: cloud"],
            id="cloud-model-declared-local-dash",
        ),
        pytest.param(
            "providers:\n  x: {type: ollama, model: 'deepseek-v3.1:671b:cloud', locality: local}\n",
            ["providers.x", "deepseek-v3.1:671b:cloud", "locality: cloud"],
            id="cloud-model-declared-local-colon",
        ),
        pytest.param(
            "providers:\n  x: {type: openai, api_key: '${MISSING_KEY}', model: m, locality: cloud}\n",
            ["providers.x.api_key", "MISSING_KEY", "not set"],
            id="undefined-env-var",
        ),
        pytest.param(
            "providers:\n  x: {type: ollama, model: m, locality: local}\nbudgets:\n  monthly_limits: {openai: 80}\n",
            ["budgets.monthly_limits.openai", "'openai'"],
            id="budget-for-unknown-provider",
        ),
        pytest.param(
            "providers:\n  x: {type: ollama, model: m, locality: moon}\n",
            ["providers.x.locality", "'moon'"],
            id="bad-locality",
        ),
        pytest.param(
            "providers:\n  x: {type: ollama, model: m, locality: local}\nrouting:\n  rules:\n"
            "    - {name: r, provider: nowhere}\n",
            ["routing.rules[0]", "'nowhere'"],
            id="rule-names-unknown-provider",
        ),
        pytest.param(
            "providers:\n  x: {type: ollama, model: m, locality: local}\nrouting:\n  nodes:\n"
            "    extract: {quality: urgent}\n",
            ["routing.nodes.extract", "quality='urgent'", "critical"],
            id="bad-node-default",
        ),
        pytest.param("providers: {}\n", ["providers"], id="no-providers"),
        pytest.param("- just\n- a list\n", ["expected a mapping"], id="not-a-mapping"),
        pytest.param("providers: [unclosed\n", ["not valid YAML"], id="bad-yaml"),
    ],
)
def test_bad_config_names_file_field_and_value(tmp_path: Path, yaml_text: str, expected: list[str]) -> None:
    path = _write(tmp_path, yaml_text)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "nope.yml")


def test_secret_is_not_echoed_in_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, "providers:\n  x: {type: openai, api_key: [sk-listed-secret], model: m, locality: cloud}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert "providers.x.api_key" in str(info.value)
    assert "sk-listed-secret" not in str(info.value)


def test_single_ollama_is_local_only() -> None:
    cfg = AegisConfig.single_ollama("gemma-3-4b-it-Q8_0")
    assert cfg.local_providers() == ["local_ollama"]
    assert cfg.providers["local_ollama"].base_url == "http://localhost:11434"
    assert [r.name for r in cfg.effective_rules()] == ["private_data_stays_local", "default_local"]
