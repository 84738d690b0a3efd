"""Request facts: typed helpers, plain strings, precedence and bad values."""

from __future__ import annotations

import pytest

from langchain_aegis import Complexity, DataClass, Quality, RoutingError, TaskType, aegis_config
from langchain_aegis.facts import RequestFacts, merge_facts, parse_facts


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
