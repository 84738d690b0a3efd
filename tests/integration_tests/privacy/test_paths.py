"""Every adversarial case on every call path ends locally or in PrivacyViolationError, never in the cloud."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration_tests.privacy.cases import CASES, PATHS, Case, run_case
from tests.integration_tests.privacy_fixtures import Deployment


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks: list[Any] = []
        for path in PATHS:
            if path == "structured" and (case.tools or case.bind or case.bound):
                continue  # with_structured_output builds its own binding of the model
            if case.schema is not None and path != "structured":
                continue  # the personal data is in the schema: only structured output sends it
            params.append(pytest.param(case, path, id=f"{case.cls}-{case.id}-{path}", marks=marks))
    return params


@pytest.mark.parametrize(("case", "path"), _params())
def test_case_never_reaches_a_cloud(dep: Deployment, case: Case, path: str) -> None:
    run_case(dep, case, path)


def test_the_suite_can_fail_clean_calls_reach_the_cloud(dep: Deployment) -> None:
    """The same runners send a clean call to the cloud: the journals would show a leak."""
    from tests.integration_tests.privacy.cases import build, served_by

    clean = Case("clean", 0, CASES[0].messages, "x", call=None)
    for path in ("invoke", "stream", "structured", "bind_tools"):
        dep.reset()
        runnable = build(dep, clean, path)
        out = runnable.invoke(list(clean.messages)) if path != "stream" else None
        if path == "stream":
            chunks = list(runnable.stream(list(clean.messages)))
            out = sum(chunks[1:], chunks[0])
        assert served_by(out) == "openai", path
        assert len(dep.openai.chat_requests()) == 1, path
