"""The routing policy as tables: request facts and state in, decision out."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_aegis.config.loading import parse_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import PrivacyViolationError, RoutingError
from langchain_aegis.facts import parse_facts
from langchain_aegis.routing.policy import (
    FactLayers,
    PrivacyVerdict,
    RouterState,
    decide,
    needs_detection,
    privacy_verdict,
    traffic_sample,
)

TEAM = {
    "providers": {
        "local_ollama": {"type": "ollama", "model": "gemma-3-4b-it-Q8_0", "locality": "local"},
        "ollama_cloud": {
            "type": "ollama",
            "base_url": "https://ollama.com",
            "model": "gpt-oss:120b",
            "locality": "cloud",
        },
        "openai": {"type": "openai", "model": "gpt-4o-mini", "locality": "cloud"},
    },
    "routing": {
        "nodes": {
            "vlm_annotation": {"task_type": "vlm", "data_classification": "phi"},
            "entity_extraction": {"quality": "critical", "complexity": "high"},
        }
    },
}


@pytest.fixture
def team() -> AegisConfig:
    return parse_config(TEAM)


def _route(
    cfg: AegisConfig,
    call: dict[str, Any] | None = None,
    *,
    node: str | None = None,
    instance: dict[str, Any] | None = None,
    findings: tuple[str, ...] | None = None,
    state: RouterState | None = None,
    draw: float = 0.0,
) -> Any:
    layers = FactLayers(
        call=parse_facts(call),
        node=cfg.node_facts(node),
        instance=parse_facts(instance),
        defaults=cfg.default_facts(),
        node_name=node,
    )
    verdict = privacy_verdict(layers, detection_enabled=cfg.privacy.detection, findings=findings)
    return decide(cfg, layers, verdict, state=state, random_draw=draw)


@pytest.mark.parametrize(
    ("call", "provider", "rule", "fallbacks", "privacy"),
    [
        # Rule 1: PII or PHI stays local, whatever else the call says.
        (
            {"contains_pii": True, "quality": "critical", "complexity": "high"},
            "local_ollama",
            "private_data_stays_local",
            (),
            "local_only",
        ),
        (
            {"data_classification": "phi", "batch_size": 50},
            "local_ollama",
            "private_data_stays_local",
            (),
            "local_only",
        ),
        # Rule 2: critical quality with high complexity goes to OpenAI.
        (
            {"quality": "critical", "complexity": "high"},
            "openai",
            "critical_to_openai",
            ("ollama_cloud", "local_ollama"),
            "unrestricted",
        ),
        ({"quality": "critical", "complexity": "medium"}, "local_ollama", "default_local", (), "unrestricted"),
        ({"quality": "high", "complexity": "high"}, "local_ollama", "default_local", (), "unrestricted"),
        # Rule 3: batches over 10 go to Ollama Cloud.
        ({"batch_size": 11}, "ollama_cloud", "large_batch_to_cloud", ("local_ollama",), "unrestricted"),
        ({"batch_size": 10}, "local_ollama", "default_local", (), "unrestricted"),
        # Rule 4: everything else stays local.
        ({}, "local_ollama", "default_local", (), "unrestricted"),
        ({"data_classification": "confidential"}, "local_ollama", "default_local", (), "unrestricted"),
        # Rule order: critical+high beats batch.
        (
            {"quality": "critical", "complexity": "high", "batch_size": 50},
            "openai",
            "critical_to_openai",
            ("ollama_cloud", "local_ollama"),
            "unrestricted",
        ),
        # An explicit provider is honoured, and privacy still wins over it.
        ({"provider": "ollama_cloud"}, "ollama_cloud", "explicit_provider", ("local_ollama",), "unrestricted"),
        ({"provider": "openai", "contains_pii": True}, "local_ollama", "explicit_provider", (), "local_only"),
    ],
)
def test_four_rules(
    team: AegisConfig, call: dict[str, Any], provider: str, rule: str, fallbacks: tuple[str, ...], privacy: str
) -> None:
    decision = _route(team, call)
    assert (decision.provider, decision.rule, decision.fallbacks, decision.privacy) == (
        provider,
        rule,
        fallbacks,
        privacy,
    )
    assert decision.model == team.providers[provider].model
    assert decision.reason


def test_detector_findings_make_a_call_local_and_say_so(team: AegisConfig) -> None:
    decision = _route(team, {"quality": "critical", "complexity": "high"}, findings=("EMAIL", "IBAN"))
    assert decision.provider == "local_ollama"
    assert decision.privacy == "local_only"
    assert decision.local_only_source == "detector"
    assert decision.pii_findings == ("EMAIL", "IBAN")
    assert decision.rule == "private_data_stays_local"
    assert "personal data found (EMAIL, IBAN)" in decision.reason


def test_public_switches_detection_off_and_is_recorded(team: AegisConfig) -> None:
    layers = FactLayers(call=parse_facts({"data_classification": "public"}))
    assert not needs_detection(layers, detection_enabled=True)
    decision = _route(
        team, {"data_classification": "public", "quality": "critical", "complexity": "high"}, findings=None
    )
    assert decision.provider == "openai"
    assert decision.detection == "off (data_classification=public)"


def test_detection_off_in_config_is_recorded() -> None:
    cfg = parse_config({**TEAM, "privacy": {"detection": False}})
    decision = _route(cfg, {"quality": "critical", "complexity": "high"})
    assert decision.detection == "off (config)"


@pytest.mark.parametrize(
    ("call", "node", "instance", "provider", "source"),
    [
        ({}, "vlm_annotation", None, "local_ollama", "node"),  # node says phi
        ({}, "entity_extraction", None, "openai", None),  # node says critical+high
        ({"quality": "low"}, "entity_extraction", None, "local_ollama", None),  # call beats node
        ({}, None, {"contains_pii": True}, "local_ollama", "explicit"),  # instance default
        ({}, "entity_extraction", {"quality": "low"}, "openai", None),  # node beats instance
        ({"data_classification": "public"}, "vlm_annotation", None, "local_ollama", "node"),  # public never beats phi
        ({"data_classification": "internal"}, "vlm_annotation", None, "local_ollama", "node"),  # nor internal
        ({"data_classification": "confidential"}, None, {"contains_pii": "yes"}, "local_ollama", "explicit"),
    ],
)
def test_precedence_call_node_instance_defaults(
    team: AegisConfig,
    call: dict[str, Any],
    node: str | None,
    instance: dict[str, Any] | None,
    provider: str,
    source: str | None,
) -> None:
    decision = _route(team, call, node=node, instance=instance)
    assert decision.provider == provider
    assert decision.local_only_source == source
    assert decision.node == node


def test_config_defaults_are_lowest() -> None:
    cfg = parse_config(
        {**TEAM, "routing": {**TEAM["routing"], "defaults": {"quality": "critical", "complexity": "high"}}}
    )
    assert _route(cfg, {}).provider == "openai"
    assert _route(cfg, {"quality": "low"}).provider == "local_ollama"
    assert _route(cfg, {}, instance={"complexity": "low"}).provider == "local_ollama"


def test_unknown_explicit_provider_is_an_error(team: AegisConfig) -> None:
    with pytest.raises(RoutingError, match=r"provider='anthropic'.*local_ollama, ollama_cloud, openai"):
        _route(team, {"provider": "anthropic"})


def test_local_only_without_local_provider_raises() -> None:
    cfg = parse_config({"providers": {"openai": {"type": "openai", "model": "m", "locality": "cloud"}}})
    with pytest.raises(PrivacyViolationError):
        _route(cfg, {"contains_pii": True})


def test_local_only_chain_never_contains_a_cloud_provider() -> None:
    cfg = parse_config(
        {
            "providers": {
                "openai": {"type": "openai", "model": "m", "locality": "cloud"},
                "gpu_box": {"type": "ollama", "model": "big", "locality": "local"},
                "laptop": {"type": "ollama", "model": "small", "locality": "local"},
            },
            "routing": {
                "rules": [{"name": "everything_to_openai", "provider": "openai", "fallbacks": ["openai", "gpu_box"]}],
            },
        }
    )
    decision = _route(cfg, {"contains_pii": True})
    assert decision.provider == "gpu_box"
    assert decision.chain == ("gpu_box", "laptop")
    assert all(cfg.providers[p].locality == "local" for p in decision.chain)


def test_open_circuit_skips_provider_and_says_why(team: AegisConfig) -> None:
    state = RouterState(open_circuits=frozenset({"openai"}))
    decision = _route(team, {"quality": "critical", "complexity": "high"}, state=state)
    assert decision.provider == "ollama_cloud"
    assert decision.fallbacks == ("local_ollama",)
    assert "openai skipped: circuit open" in decision.reason


def test_local_provider_always_ends_the_chain(team: AegisConfig) -> None:
    cfg = parse_config({**TEAM, "routing": {"fallback_chain": ["openai", "ollama_cloud"]}})
    assert _route(cfg, {"quality": "critical", "complexity": "high"}).chain == (
        "openai",
        "ollama_cloud",
        "local_ollama",
    )


# -- traffic sampling -----------------------------------------------------------------

ROLLOUT = {
    **TEAM,
    "routing": {
        "rules": [
            {"name": "private", "when": {"privacy": "local_only"}, "provider": "local_ollama"},
            {"name": "canary_openai", "when": {"task_type": "summarization"}, "provider": "openai", "traffic": 0.10},
            {"name": "default_local", "provider": "local_ollama"},
        ]
    },
}


def test_traffic_sampling_is_deterministic_by_routing_key() -> None:
    cfg = parse_config(ROLLOUT)
    first = [_route(cfg, {"task_type": "summarization", "routing_key": f"doc-{i}"}).provider for i in range(200)]
    again = [
        _route(cfg, {"task_type": "summarization", "routing_key": f"doc-{i}"}, draw=0.99).provider for i in range(200)
    ]
    assert first == again


def test_traffic_share_within_tolerance_over_10000_keys() -> None:
    cfg = parse_config(ROLLOUT)
    hits = sum(
        _route(cfg, {"task_type": "summarization", "routing_key": f"doc-{i}"}).provider == "openai"
        for i in range(10_000)
    )
    # 10% of 10,000 with a binomial sd of 30: allow 4 sd.
    assert 880 <= hits <= 1120


def test_traffic_without_key_uses_the_random_draw() -> None:
    cfg = parse_config(ROLLOUT)
    assert _route(cfg, {"task_type": "summarization"}, draw=0.05).provider == "openai"
    skipped = _route(cfg, {"task_type": "summarization"}, draw=0.5)
    assert skipped.provider == "local_ollama"
    assert "outside its 10% traffic share" in skipped.reason


def test_rollout_share_from_state_overrides_config() -> None:
    cfg = parse_config(ROLLOUT)
    state = RouterState(rollout_shares={"canary_openai": 1.0})
    assert _route(cfg, {"task_type": "summarization"}, draw=0.99, state=state).provider == "openai"
    state = RouterState(rollout_shares={"canary_openai": 0.0})
    assert _route(cfg, {"task_type": "summarization"}, draw=0.0, state=state).provider == "local_ollama"


def test_traffic_sample_is_uniform_and_rule_specific() -> None:
    assert traffic_sample("a", "k", 0.3) == traffic_sample("a", "k", 0.9)
    assert traffic_sample("a", "k", 0.0) != traffic_sample("b", "k", 0.0)
    assert 0.0 <= traffic_sample("a", "k", 0.0) < 1.0
    assert traffic_sample("a", None, 0.42) == 0.42


def test_decision_metadata_is_json_friendly_and_has_no_values(team: AegisConfig) -> None:
    import json

    decision = _route(team, {"quality": "critical"}, findings=("IBAN",))
    meta = decision.as_metadata()
    json.dumps(meta)
    assert meta["pii_findings"] == ["IBAN"]
    assert set(meta) >= {"provider", "model", "rule", "reason", "fallbacks", "privacy", "pii_findings"}


def test_privacy_verdict_sources() -> None:
    assert privacy_verdict(FactLayers(), detection_enabled=True, findings=()) == PrivacyVerdict("unrestricted")
    verdict = privacy_verdict(
        FactLayers(call=parse_facts({"contains_pii": True})), detection_enabled=True, findings=None
    )
    assert (verdict.privacy, verdict.source) == ("local_only", "metadata")
