"""Loopback protocol servers shared by the integration tests.

The standard langchain-tests suites read their model parameters from class
properties, which cannot use pytest fixtures, so the servers they talk to are
started lazily once per test process and stopped at exit.
"""

from __future__ import annotations

import atexit

from langchain_aegis.testing import OllamaServer, OpenAIServer

_shared: dict[str, OllamaServer | OpenAIServer] = {}


def shared_ollama() -> OllamaServer:
    """The process-wide Ollama-protocol server."""
    server = _shared.get("ollama")
    if server is None:
        server = _shared["ollama"] = OllamaServer()
        server.start()
        atexit.register(server.stop)
    assert isinstance(server, OllamaServer)
    return server


def shared_openai() -> OpenAIServer:
    """The process-wide OpenAI-protocol server."""
    server = _shared.get("openai")
    if server is None:
        server = _shared["openai"] = OpenAIServer()
        server.start()
        atexit.register(server.stop)
    assert isinstance(server, OpenAIServer)
    return server
