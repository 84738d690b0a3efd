"""Loopback fake LLM servers that speak the real Ollama and OpenAI wire protocols.

Point the real clients (``ollama``, ``openai``, ``ChatOllama``, ``ChatOpenAI``)
at a server on ``127.0.0.1`` and test a pipeline offline: answers are
deterministic, every request is journaled, and faults (429, 5xx, timeouts,
cut streams...) are injected on demand::

    from langchain_ollama import ChatOllama
    from langchain_aegis.testing import OllamaServer

    with OllamaServer() as server:
        llm = ChatOllama(model="llama3.2", base_url=server.base_url)
        llm.invoke("Hello").content            # 'Hello! How can I help you today?'

        server.inject("rate_limit", times=1)   # the next call gets a 429
        server.script("scripted answer")       # and the one after, this text
        ...
        server.journal[-1].body["messages"]    # what the client sent

Pieces:

- :class:`OllamaServer`, :class:`OpenAIServer`: the servers (context managers
  with ``base_url``, ``start()``, ``stop()``, ``inject()``, ``chaos()``,
  ``script()``, ``journal``, ``request_count``, ``bills``, ``billed_tokens()``,
  ``reset()``).
- :class:`DeterministicBrain`: the default answers; any callable taking a
  :class:`ChatRequest` and returning a :class:`Reply` (or text) can replace it.
- :class:`Fault`, :class:`FaultKind`: what can go wrong.
- :class:`Bill`: one line of a server's invoice (``server.bills``).

The package's call path never imports it: nothing at run time may depend on a
fake server.
"""

from langchain_aegis.testing.billing import Bill
from langchain_aegis.testing.brain import DeterministicBrain
from langchain_aegis.testing.exchange import (
    Brain,
    ChatMessage,
    ChatRequest,
    Reply,
    ResponseFormat,
    ToolCall,
    ToolSpec,
    count_tokens,
)
from langchain_aegis.testing.faults import Fault, FaultKind
from langchain_aegis.testing.journal import JournalEntry
from langchain_aegis.testing.ollama_protocol import OllamaServer
from langchain_aegis.testing.openai_protocol import OpenAIServer
from langchain_aegis.testing.schema_sample import sample_from_schema
from langchain_aegis.testing.server import FakeLLMServer

__all__ = [
    "Bill",
    "Brain",
    "ChatMessage",
    "ChatRequest",
    "DeterministicBrain",
    "FakeLLMServer",
    "Fault",
    "FaultKind",
    "JournalEntry",
    "OllamaServer",
    "OpenAIServer",
    "Reply",
    "ResponseFormat",
    "ToolCall",
    "ToolSpec",
    "count_tokens",
    "sample_from_schema",
]
