"""Config that cannot start half-broken (issue 13 point 7) and messages a person can act on (issue 14 point 9)."""

from __future__ import annotations

import logging
import math
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.load import dumpd

from langchain_aegis import AegisChatModel
from langchain_aegis._secrets import mask_url
from langchain_aegis.config.loading import load_config, parse_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import ConfigError

BASE = """\
providers:
  local_ollama: {type: ollama, model: m, locality: local}
  openai: {type: openai, model: gpt-4o-mini, locality: cloud, api_key: sk-x}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "llm_config.yml"
    path.write_text(text)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return str(info.value)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- duplicate keys ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "where", "line"),
    [
        ("budgets:\n  monthly_limits: {openai: 5}\nbudgets:\n  alert_threshold: 0.5\n", "budgets", 6),
        ("budgets:\n  monthly_limits: {openai: 5, openai: 50}\n", "budgets.monthly_limits.openai", 5),
        ("routing:\n  nodes:\n    a: {quality: high}\n    a: {quality: low}\n", "routing.nodes.a", 7),
    ],
    ids=["top-level", "nested-flow", "node"],
)
def test_duplicate_keys_are_rejected_at_any_level(tmp_path: Path, extra: str, where: str, line: int) -> None:
    message = error_of(write(tmp_path, BASE + extra))
    assert f"llm_config.yml:{line}: {where}: duplicate key" in message


# -- non-finite numbers ---------------------------------------------------------------


@pytest.mark.parametrize("literal", [".nan", ".inf", "-.inf", ".NaN", ".Inf"])
def test_nan_and_inf_limits_are_rejected_in_yaml(tmp_path: Path, literal: str) -> None:
    message = error_of(write(tmp_path, BASE + f"budgets:\n  monthly_limits: {{openai: {literal}}}\n"))
    assert "llm_config.yml:5: budgets.monthly_limits.openai" in message
    assert "not a finite number" in message


@given(st.sampled_from([math.nan, math.inf, -math.inf]), st.sampled_from(["limit", "timeout", "deadline", "price"]))
@settings(max_examples=20, deadline=None)
def test_nan_and_inf_are_rejected_in_every_float_field(value: float, field: str) -> None:
    data: dict[str, object] = {"providers": {"openai": {"type": "openai", "model": "x", "locality": "cloud"}}}
    if field == "limit":
        data["budgets"] = {"monthly_limits": {"openai": value}}
    elif field == "timeout":
        data["providers"]["openai"]["timeout"] = value  # type: ignore[index]
    elif field == "deadline":
        data["resilience"] = {"deadline": value}
    else:
        data["providers"]["openai"]["pricing"] = {"input": value, "output": 1.0}  # type: ignore[index]
    with pytest.raises(ConfigError, match="finite"):
        parse_config(data)


# -- lease and deadline -----------------------------------------------------------------


def test_lease_shorter_than_deadline_is_rejected(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, BASE + "budgets: {lease_seconds: 30}\nresilience: {deadline: 60}\n"))
    assert "budgets.lease_seconds: 30.0 is shorter than resilience.deadline (60.0)" in message
    assert "llm_config.yml:4" in message


def test_lease_equal_to_deadline_loads(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, BASE + "budgets: {lease_seconds: 60}\nresilience: {deadline: 60}\n"))
    assert cfg.budgets.lease_seconds == 60


# -- unknown providers anywhere ----------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "where", "line"),
    [
        ("routing:\n  nodes:\n    summarize: {provider: opneai}\n", "routing.nodes.summarize.provider", 6),
        ("routing:\n  defaults: {provider: opneai}\n", "routing.defaults.provider", 5),
        ("routing:\n  fallback_chain: [opneai]\n", "routing.fallback_chain", 5),
        ("routing:\n  rules:\n    - {name: r, provider: opneai}\n", "routing.rules[0].provider", 6),
        ("budgets:\n  monthly_limits: {opneai: 5}\n", "budgets.monthly_limits.opneai", 5),
    ],
    ids=["node", "defaults", "fallback_chain", "rule", "limit"],
)
def test_unknown_providers_fail_at_load_naming_file_line_and_key(
    tmp_path: Path, extra: str, where: str, line: int
) -> None:
    message = error_of(write(tmp_path, BASE + extra))
    assert f"llm_config.yml:{line}: {where}" in message
    assert "'opneai'" in message
    assert "did you mean 'openai'?" in message


# -- pydantic's words (issue 14 point 9) ---------------------------------------------------


def test_extra_key_shows_value_line_and_likely_key(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, BASE + "budgets:\n  monthly_limit: {openai: 80}\n"))
    assert message == (
        f"{tmp_path / 'llm_config.yml'}:5: budgets.monthly_limit: unknown key (value {{'openai': 80}}); "
        "did you mean 'monthly_limits'?"
    )


def test_extra_key_with_no_close_match_lists_valid_keys(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, BASE + "resilience:\n  zzz: 1\n"))
    assert "resilience.zzz: unknown key (value 1); valid keys here: max_retries" in message


def test_extra_key_in_a_provider_suggests_a_provider_field(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, BASE.replace("locality: local}", "locality: local, timout: 5}")))
    assert ":2: providers.local_ollama.timout: unknown key (value 5); did you mean 'timeout'?" in message


def test_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, BASE + "budgets: [unclosed\n"))
    assert "<unicode string>" not in message
    assert str(tmp_path / "llm_config.yml") in message
    assert "not valid YAML" in message


def test_bad_value_names_line_and_value(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, BASE + "budgets:\n  alert_threshold: 7\n"))
    assert ":5: budgets.alert_threshold:" in message
    assert "(got 7)" in message


# -- secrets in URLs ---------------------------------------------------------------------------


SECRET = "hunter2-secret"


def test_repr_of_config_masks_the_ledger_password() -> None:
    cfg = parse_config(
        {
            "providers": {"local_ollama": {"type": "ollama", "model": "m", "locality": "local"}},
            "budgets": {"ledger": f"redis://:{SECRET}@127.0.0.1:1/0"},
        }
    )
    for text in (repr(cfg), str(cfg), repr(cfg.budgets)):
        assert SECRET not in text
    assert "redis://:***@127.0.0.1:1/0" in repr(cfg.budgets)


def test_bad_ledger_url_error_masks_the_password() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(
            {
                "providers": {"local_ollama": {"type": "ollama", "model": "m", "locality": "local"}},
                "budgets": {"ledger": f"ftp://u:{SECRET}@h/0"},
            }
        )
    assert SECRET not in str(info.value)


def test_repr_and_serialized_payload_of_model_mask_passwords() -> None:
    url = f"redis://:{SECRET}@127.0.0.1:{closed_port()}/0"
    model = AegisChatModel(model="m", base_url=f"http://user:{SECRET}@127.0.0.1:9", ledger="memory://")
    model.ledger = url  # as a user might pass it; it must not show either way
    assert SECRET not in repr(model)
    assert SECRET not in str(dumpd(model))  # what LangSmith receives as ``serialized``


@pytest.mark.parametrize(
    "text",
    [
        f"redis://:{SECRET}@h:6379/0",
        f"rediss://user:{SECRET}@h/0",
        f"error connecting to redis://u:{SECRET}@h:1: refused",
        f"redis://h:6379/0?password={SECRET}",
    ],
)
def test_mask_url_hides_passwords(text: str) -> None:
    assert SECRET not in mask_url(text)


# -- an unreachable ledger at construction ------------------------------------------------------


def redis_config(**budgets: object) -> AegisConfig:
    return parse_config(
        {
            "providers": {"local_ollama": {"type": "ollama", "model": "m", "locality": "local"}},
            "budgets": {"ledger": f"redis://:{SECRET}@127.0.0.1:{closed_port()}/0", **budgets},
        }
    )


def with_policy(cfg: AegisConfig, policy: str) -> AegisConfig:
    # budgets.on_ledger_error is the money branch's field; the probe reads it with getattr.
    budgets = cfg.budgets.model_copy(update={"on_ledger_error": policy})
    return cfg.model_copy(update={"budgets": budgets})


def test_unreachable_ledger_with_fail_is_a_config_error_with_masked_url() -> None:
    with pytest.raises(ConfigError) as info:
        AegisChatModel(config=with_policy(redis_config(), "fail"))
    message = str(info.value)
    assert "budgets.ledger: cannot reach the ledger at redis://:***@127.0.0.1:" in message
    assert SECRET not in message


@pytest.mark.parametrize("policy", ["local_only", "allow"])
def test_unreachable_ledger_goes_on_with_a_warning(policy: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="langchain_aegis"):
        model = AegisChatModel(config=with_policy(redis_config(), policy), metrics=False)
    try:
        assert any("cannot reach the ledger" in r.getMessage() for r in caplog.records)
        assert SECRET not in caplog.text
    finally:
        model.close()
