"""Fixtures of the red team's trace tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.langsmith_capture import LangSmithCapture, capture_langsmith


@pytest.fixture
def capture() -> Iterator[LangSmithCapture]:
    """A loopback LangSmith server that keeps every upload."""
    with capture_langsmith() as server:
        yield server
