"""Request facts: typed helpers, plain strings, precedence and bad values."""

from __future__ import annotations

import pytest

from langchain_aegis import Complexity, DataClass, Quality, RoutingError, TaskType, aegis_config
from langchain_aegis.facts import RequestFacts, merge_aegis_metadata, merge_facts, parse_facts, run_metadata


def test_aegis_config_builds_runnable_config_with_plain_values() -> None:
    cfg = aegis_config(quality=Quality.CRITICAL, complexity=Complexity.HIGH, task_type=TaskType.EXTRACTION)
    assert cfg["metadata"]["aegis"] == {"quality": "critical", "complexity": "high", "task_type": "extraction"}


def test_aegis_config_keeps_existing_config() -> None:
    base = {"tags": ["t"], "metadata": {"user": "u", "aegis": {"batch_size": 3}}}
    cfg = aegis_config(quality="high", config=base)  # type: ignore[arg-type]
    assert cfg["tags"] == ["t"]
    assert cfg["metadata"]["user"] == "u"
    assert cfg["metadata"]["aegis"] == {"batch_size": 3, "quality": "high"}


def test_typo_fails_at_the_call_site() -> None:
    with pytest.raises(RoutingError, match=r"quality='urgent'.*low, standard, high, critical"):
        aegis_config(quality="urgent")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"quality": "critical"}, RequestFacts(quality=Quality.CRITICAL)),
        ({"quality": "CRITICAL"}, RequestFacts(quality=Quality.CRITICAL)),
        ({"contains_pii": True}, RequestFacts(data_classification=DataClass.PII)),
        ({"contains_pii": True, "data_classification": "phi"}, RequestFacts(data_classification=DataClass.PHI)),
        ({"contains_pii": False}, RequestFacts()),
        ({"task_type": "my-own-task"}, RequestFacts(task_type="my-own-task")),
        ({"batch_size": 12, "routing_key": 7}, RequestFacts(batch_size=12, routing_key="7")),
        ({"unknown_key": "ignored", "provider": "openai"}, RequestFacts(provider="openai")),
        (None, RequestFacts()),
    ],
)
def test_parse_facts(raw: dict[str, object] | None, expected: RequestFacts) -> None:
    assert parse_facts(raw) == expected


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"quality": "urgent"}, "quality"),
        ({"complexity": "extreme"}, "complexity"),
        ({"data_classification": "secret"}, "data_classification"),
        ({"batch_size": -1}, "batch_size"),
        ({"batch_size": "many"}, "batch_size"),
    ],
)
def test_bad_values_name_key_and_allowed_values(raw: dict[str, object], key: str) -> None:
    with pytest.raises(RoutingError) as info:
        parse_facts(raw)
    assert f"{key}=" in str(info.value)
    assert "allowed values" in str(info.value)


def test_merge_precedence_highest_first() -> None:
    call = RequestFacts(quality=Quality.LOW)
    node = RequestFacts(quality=Quality.HIGH, complexity=Complexity.HIGH)
    instance = RequestFacts(complexity=Complexity.LOW, task_type="extraction")
    defaults = RequestFacts(task_type="generation", batch_size=1)
    merged = merge_facts(call, node, instance, defaults)
    assert merged == RequestFacts(quality=Quality.LOW, complexity=Complexity.HIGH, task_type="extraction", batch_size=1)


# -- privacy facts: most restrictive wins, malformed fails closed (issue 11, class 2) ---------------


@pytest.mark.parametrize("truthy", [True, "true", "True", " yes ", "1", 1, "on", "y"])
def test_contains_pii_in_any_truthy_form_means_pii(truthy: object) -> None:
    assert parse_facts({"contains_pii": truthy}).data_classification == DataClass.PII
    # ... and it beats a weaker classification in the same dict
    assert parse_facts({"contains_pii": truthy, "data_classification": "internal"}).data_classification == DataClass.PII
    assert parse_facts({"contains_pii": truthy, "data_classification": "phi"}).data_classification == DataClass.PHI


@pytest.mark.parametrize("falsy", [False, "false", "no", "0", 0, "off", "", None])
def test_contains_pii_false_forms(falsy: object) -> None:
    assert parse_facts({"contains_pii": falsy}).data_classification is None


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"contains_pii": "maybe"}, "contains_pii"),
        ({"contains_pii": 2}, "contains_pii"),
        ({"contains_pii": ["yes"]}, "contains_pii"),
        ({"data_classification": "secret"}, "data_classification"),
        ({"data_classification": 3}, "data_classification"),
        ({"data_classification": {"level": "pii"}}, "data_classification"),
    ],
)
def test_malformed_privacy_fact_fails_closed_naming_the_key(raw: dict[str, object], key: str) -> None:
    with pytest.raises(RoutingError, match=key):
        parse_facts(raw)


def test_no_layer_downgrades_pii_or_phi() -> None:
    pii, phi = RequestFacts(data_classification=DataClass.PII), RequestFacts(data_classification=DataClass.PHI)
    internal = RequestFacts(data_classification=DataClass.INTERNAL, quality=Quality.LOW)
    public = RequestFacts(data_classification=DataClass.PUBLIC)
    assert merge_facts(internal, pii).data_classification == DataClass.PII
    assert merge_facts(public, RequestFacts(), phi).data_classification == DataClass.PHI
    assert merge_facts(pii, phi).data_classification == DataClass.PHI
    assert merge_facts(internal, pii).quality == Quality.LOW  # other facts keep their precedence


def test_aegis_dicts_merge_key_by_key_and_privacy_never_loosens() -> None:
    assert merge_aegis_metadata({"data_classification": "phi", "quality": "low"}, {"task_type": "x"}) == {
        "data_classification": "phi",
        "quality": "low",
        "task_type": "x",
    }
    assert merge_aegis_metadata({"data_classification": "pii"}, {"data_classification": "public"}) == {
        "data_classification": "pii"
    }
    assert merge_aegis_metadata({"contains_pii": "yes"}, {"contains_pii": False})["contains_pii"] is True
    assert merge_aegis_metadata({"data_classification": "internal"}, {"data_classification": "public"}) == {
        "data_classification": "public"
    }
    # A malformed value survives the merge, so parsing fails on it.
    with pytest.raises(RoutingError, match="contains_pii"):
        parse_facts(merge_aegis_metadata({"contains_pii": "perhaps"}, {"contains_pii": True}))
    with pytest.raises(RoutingError, match="mapping"):
        merge_aegis_metadata("pii", {})


def test_run_metadata_reads_the_context_under_the_call() -> None:
    from langchain_core.runnables import RunnableLambda

    seen: dict[str, object] = {}

    def inner(_: object) -> None:
        seen.update(run_metadata({"metadata": {"doc_id": 42, "aegis": {"task_type": "extraction"}}}))

    RunnableLambda(inner).invoke(None, config={"metadata": {"langgraph_node": "n", "aegis": {"contains_pii": True}}})
    assert seen["doc_id"] == 42
    assert seen["langgraph_node"] == "n"
    assert seen["aegis"] == {"contains_pii": True, "task_type": "extraction"}
