"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from langchain_aegis.testing import OllamaServer, OpenAIServer


@pytest.fixture(autouse=True, scope="session")
def _isolated_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the default SQLite ledger (``sqlite://``) out of the user's state directory."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    yield
    mp.undo()


@pytest.fixture
def ollama_server() -> Iterator[OllamaServer]:
    """A fresh Ollama-protocol server on loopback, with an empty journal."""
    with OllamaServer() as server:
        yield server


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    """A fresh OpenAI-protocol server on loopback, with an empty journal."""
    with OpenAIServer() as server:
        yield server


@pytest.fixture
def cloud_server() -> Iterator[OpenAIServer]:
    """A second OpenAI-protocol server standing in for a cloud provider."""
    with OpenAIServer() as server:
        yield server
