"""One loopback deployment (a local Ollama server and two cloud stand-ins) for the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration_tests.privacy_fixtures import Deployment, deployment


@pytest.fixture(scope="package")
def dep() -> Iterator[Deployment]:
    with deployment() as d:
        yield d


@pytest.fixture(autouse=True)
def _clean(dep: Deployment) -> None:
    dep.reset()
