"""The router assembles the policy's inputs from what it is given: facts, detector, state snapshot."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from langchain_core.messages import HumanMessage

from langchain_aegis.config.models import AegisConfig
from langchain_aegis.facts import RequestFacts
from langchain_aegis.routing.router import Router, call_facts


@pytest.fixture
def config(three_providers: AegisConfig) -> AegisConfig:
    return three_providers


CRITICAL: Mapping[str, object] = {"aegis": {"quality": "critical"}}


def test_routes_by_the_call_facts(config: AegisConfig) -> None:
    router = Router(config)
    decision = router.route([HumanMessage("Summarise the weather")], CRITICAL, RequestFacts())
    assert (decision.provider, decision.rule) == ("openai", "to_openai")


def test_an_open_circuit_it_is_told_about_is_passed_over(config: AegisConfig) -> None:
    router = Router(config, open_circuits=lambda: frozenset({"openai"}))
    decision = router.route([HumanMessage("Summarise the weather")], CRITICAL, RequestFacts())
    assert decision.provider == "cloud"


def test_a_quota_skip_it_is_told_about_is_passed_over(config: AegisConfig) -> None:
    router = Router(config, quota_skips=lambda: {"openai": "monthly quota used up until 2026-01-01"})
    decision = router.route([HumanMessage("Summarise the weather")], CRITICAL, RequestFacts())
    assert decision.provider == "cloud"


def test_personal_data_in_the_messages_keeps_the_call_local(config: AegisConfig) -> None:
    router = Router(config)
    decision = router.route([HumanMessage("IBAN DE89 3704 0044 0532 0130 00 please")], CRITICAL, RequestFacts())
    assert decision.privacy == "local_only"
    assert decision.provider == "local"


def test_personal_data_in_what_else_is_sent_keeps_the_call_local(config: AegisConfig) -> None:
    router = Router(config)
    sent = {"stop": ["anna.schmidt@example.com"]}
    decision = router.route([HumanMessage("Summarise the weather")], CRITICAL, RequestFacts(), sent=sent)
    assert decision.privacy == "local_only"


def test_a_failing_detector_fails_closed(config: AegisConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    import langchain_aegis.privacy as privacy

    def broken(*_: object) -> tuple[str, ...]:
        raise RuntimeError("detector bug")

    monkeypatch.setattr(privacy, "scan_messages", broken)
    decision = Router(config).route([HumanMessage("Summarise the weather")], CRITICAL, RequestFacts())
    assert decision.privacy == "local_only"
    assert "DETECTOR_ERROR" in decision.pii_findings


def test_a_top_level_privacy_fact_joins_the_aegis_facts() -> None:
    facts = call_facts(
        {"aegis": {"quality": "critical", "data_classification": "public"}, "data_classification": "phi"}
    )
    assert facts.quality == "critical"
    assert facts.data_classification == "phi"  # privacy only tightens, wherever it is written
