"""The egress gate alone holds the guarantee: routing's privacy checks switched off, nothing leaks.

Two ways routing could be wrong, each patched in:

- its detector and privacy facts are ignored (every call ``unrestricted``): the
  gate's own detector must stop every case whose personal data is in the request;
- its local-only routing is ignored (a ``local_only`` call is sent to OpenAI
  with Ollama Cloud as fallback): the gate must refuse every private-by-metadata
  case, since it never lets a ``local_only`` call out.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from langchain_aegis.routing import router as _call
from langchain_aegis.routing.policy import PrivacyVerdict, RouteDecision
from tests.integration_tests.privacy.cases import CASES, PATHS, Case, run_case
from tests.integration_tests.privacy_fixtures import Deployment

# LangChain joins a message's text blocks with a line break before they are sent
# (convert_to_openai_messages), so for iban_over_two_blocks the gate reads
# "DE89 3704 00\n44 0532 ...": the detector's IBAN scanner allows a line break between groups.


def _params(cases: list[Case]) -> list[Any]:
    out = []
    for case in cases:
        marks: list[Any] = []
        for path in PATHS:
            if path == "structured" and (case.tools or case.bind or case.bound):
                continue
            if case.schema is not None and path != "structured":
                continue
            out.append(pytest.param(case, path, id=f"{case.cls}-{case.id}-{path}", marks=marks))
    return out


@pytest.fixture
def routing_sees_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_call, "needs_detection", lambda *a, **k: False)
    monkeypatch.setattr(_call, "privacy_verdict", lambda *a, **k: PrivacyVerdict("unrestricted", detection="off"))


@pytest.fixture
def routing_sends_private_calls_to_the_cloud(monkeypatch: pytest.MonkeyPatch) -> None:
    decide = _call.decide

    def wrong(*args: Any, **kwargs: Any) -> RouteDecision:
        decision = decide(*args, **kwargs)
        if decision.privacy != "local_only":
            return decision
        return dataclasses.replace(decision, provider="openai", model="gpt-4o-mini", fallbacks=("ollama_cloud",))

    monkeypatch.setattr(_call, "decide", wrong)


@pytest.mark.usefixtures("routing_sees_nothing")
@pytest.mark.parametrize(("case", "path"), _params([c for c in CASES if c.has_pii_in_payload and not c.error]))
def test_gate_alone_stops_personal_data(dep: Deployment, case: Case, path: str) -> None:
    # A field the provider never receives (additional_kwargs) may go: the data does not.
    ending = run_case(dep, case, path, private=False)
    if case.id != "additional_kwargs":
        assert ending in ("local", "PrivacyViolationError"), f"{case.id} on {path} was not stopped"


@pytest.mark.usefixtures("routing_sends_private_calls_to_the_cloud")
@pytest.mark.parametrize(("case", "path"), _params([c for c in CASES if not c.error]))
def test_gate_alone_refuses_local_only_calls(dep: Deployment, case: Case, path: str) -> None:
    ending = run_case(dep, case, path)
    assert ending == "PrivacyViolationError", f"{case.id} on {path} was served, although routing was wrong"


@pytest.mark.usefixtures("routing_sees_nothing")
def test_routing_off_really_sends_clean_calls_to_the_cloud(dep: Deployment) -> None:
    model = dep.model(defaults={"quality": "critical", "complexity": "high"})
    out = model.invoke("Summarise the report.", config={"metadata": {"aegis": {"contains_pii": True}}})
    assert out.response_metadata["aegis"]["served_by"] == "openai"  # the patch works: only the gate is left
