"""Red team, classes 1, 2, 7, 8: facts, model names and fallbacks the user composes.

A failing test is a leak: a call the user marked private, or holding personal
data, reached a cloud server (the loopback journals say which).
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

from langchain_aegis import PrivacyViolationError, RoutingError
from tests.integration_tests.privacy.cases import CLOUD_WISH, MARKER, cloud_requests
from tests.integration_tests.privacy_fixtures import Deployment

PRIVATE = "Patient Frau Müller, Diagnose F32.1, IBAN DE89 3704 0044 0532 0130 00"


def _cloud(dep: Deployment) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-4o-mini", base_url=dep.openai.base_url, api_key="sk-test", max_retries=0)  # type: ignore[arg-type]


def _ends_private(dep: Deployment, call: Any) -> None:
    try:
        out = call()
    except (PrivacyViolationError, RoutingError):
        pass
    else:
        served = getattr(out, "response_metadata", {}).get("aegis", {}).get("served_by")
        assert served == "local_ollama", f"served by {served or 'a fallback'}"
    assert cloud_requests(dep) == [], "a private call reached a cloud server"


# -- 8: fallbacks the user composes ------------------------------------------------------


def _leaking_fallbacks(dep: Deployment) -> dict[str, Any]:
    from langchain.agents import create_agent
    from langchain.agents.middleware import ModelFallbackMiddleware

    model, cloud = dep.model(), _cloud(dep)
    prompt = ChatPromptTemplate.from_messages([("human", "{x}")])
    return {
        # the most common resilience idiom: retry, then fall back; on the model itself
        "with_retry_then_with_fallbacks": lambda: (
            model.with_retry(stop_after_attempt=2).with_fallbacks([cloud]).invoke(PRIVATE)
        ),
        # documented gap (docs/privacy.md "Fallbacks you compose yourself")
        "chain_with_fallbacks": lambda: (prompt | model).with_fallbacks([prompt | cloud]).invoke({"x": PRIVATE}),
        # documented gap: LangChain v1's own agent middleware
        "create_agent_model_fallback_middleware": lambda: create_agent(
            model, tools=[], middleware=[ModelFallbackMiddleware(cloud)]
        ).invoke({"messages": [HumanMessage(PRIVATE)]})["messages"][-1],
    }


_GENERIC = (
    "a generic wrapper around a chain or an agent catches every Exception and calls the fallback with the "
    "private input; Aegis cannot see it (docs/privacy.md: Fallbacks you compose yourself)"
)


@pytest.mark.parametrize(
    "how",
    [
        "with_retry_then_with_fallbacks",
        pytest.param("chain_with_fallbacks", marks=pytest.mark.skip(reason=_GENERIC)),
        pytest.param("create_agent_model_fallback_middleware", marks=pytest.mark.skip(reason=_GENERIC)),
    ],
)
def test_user_fallback_never_gets_a_private_call(dep: Deployment, how: str) -> None:
    dep.local.inject("unavailable", times=100)  # no local provider can serve it
    _ends_private(dep, _leaking_fallbacks(dep)[how])


@pytest.mark.parametrize("how", ["structured_with_fallbacks", "with_config_with_retry_with_fallbacks"])
def test_user_fallback_held(dep: Deployment, how: str) -> None:
    dep.local.inject("unavailable", times=100)
    model, cloud = dep.model(), _cloud(dep)
    schema = {"title": "X", "type": "object", "properties": {"a": {"type": "string"}}}
    runnable = {
        "structured_with_fallbacks": model.with_structured_output(schema).with_fallbacks([cloud]),
        "with_config_with_retry_with_fallbacks": model.with_config(tags=["x"]).with_retry().with_fallbacks([cloud]),
    }[how]
    _ends_private(dep, lambda: runnable.invoke(PRIVATE))


# -- 1/2: a privacy fact the user wrote, that routing never reads --------------------------

MISREAD: dict[str, Any] = {
    "typo_data_clasification": {"aegis": {"data_clasification": "phi"}},
    "case_Data_Classification": {"aegis": {"Data_Classification": "phi"}},
    "top_level_data_classification": {"data_classification": "phi"},
    "top_level_contains_pii": {"contains_pii": True},
}


@pytest.mark.parametrize("how", sorted(MISREAD))
def test_misspelled_privacy_fact_fails_closed(dep: Deployment, how: str) -> None:
    """The issue: "a malformed privacy fact fails closed ... never silently ignored".

    Today a misspelled privacy key only warns (UnknownKeyWarning) and the call goes to OpenAI.
    """
    model = dep.model(defaults=CLOUD_WISH)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _ends_private(dep, lambda: model.invoke(MARKER, config={"metadata": MISREAD[how]}))


HELD_FACTS: dict[str, Any] = {
    "upper_PII": {"aegis": {"data_classification": "PII"}},
    "padded_phi": {"aegis": {"data_classification": " phi "}},
    "unknown_class_sensitive": {"aegis": {"data_classification": "sensitive"}},
    "contains_pii_True_padded": {"aegis": {"contains_pii": "True "}},
    "contains_pii_2": {"aegis": {"contains_pii": 2}},
    "list_phi": {"aegis": {"data_classification": ["phi"]}},
}


@pytest.mark.parametrize("how", sorted(HELD_FACTS))
def test_odd_privacy_fact_values_held(dep: Deployment, how: str) -> None:
    model = dep.model(defaults=CLOUD_WISH)
    _ends_private(dep, lambda: model.invoke(MARKER, config={"metadata": HELD_FACTS[how]}))


# -- 7: cloud model names through the local server -----------------------------------------

CLOUD_NAMES = ["gpt-oss:120b-cloud ", "GPT-OSS:120B-CLOUD", "ollama.com/library/gpt-oss:120b-cloud",
               "gpt-oss-cloud", "gpt-oss:120b-cloud:"]  # fmt: skip


@pytest.mark.parametrize("name", CLOUD_NAMES)
@pytest.mark.parametrize("where", ["per_call", "bind", "structured_bind"])
def test_cloud_model_names_held(dep: Deployment, name: str, where: str) -> None:
    model = dep.model()
    text = "Mail anna.schmidt@example.org"
    call: Any = {
        "per_call": lambda: model.invoke(text, model=name),
        "bind": lambda: model.bind(model=name).invoke(text),
        "structured_bind": lambda: (
            model.bind(model=name)
            .with_structured_output({"title": "X", "type": "object", "properties": {"a": {"type": "string"}}})
            .invoke(text)
        ),
    }[where]
    with contextlib.suppress(PrivacyViolationError, RoutingError, AttributeError):
        call()
    assert cloud_requests(dep) == []
