"""Usage bookkeeping for streams: the running total, with each chunk left as the provider sent it.

This module owns :class:`StreamUsage`, the sum LangChain's ``add_usage`` makes of
a stream's usage chunks. It must not price or charge that usage: the budget
does that (:mod:`langchain_aegis.budget`).
"""

from __future__ import annotations

from langchain_core.messages import AIMessageChunk
from langchain_core.messages.ai import UsageMetadata, add_usage
from langchain_core.outputs import ChatGenerationChunk

__all__ = ["StreamUsage"]


class StreamUsage:
    """Sums a stream's usage without touching the chunks.

    Usage rides on the chunk that reports it (for Ollama and OpenAI the last
    one), as in ChatOllama, so summing the chunks as they arrive, aggregating
    them at the end, and ``UsageMetadataCallbackHandler`` all see the same
    totals. ``usage_metadata`` holds only LangChain's integer token fields,
    so chunk addition never fails on it.

    Attributes:
        holder: the stream's first chunk (its id names the traced run).
        total: the usage summed so far, ``None`` until the provider reports any.
    """

    def __init__(self) -> None:
        self.holder: AIMessageChunk | None = None
        self.total: UsageMetadata | None = None

    def take(self, chunk: ChatGenerationChunk) -> None:
        """Note one chunk as it passes."""
        message = chunk.message
        if self.holder is None and isinstance(message, AIMessageChunk):
            self.holder = message
        reported = getattr(message, "usage_metadata", None)
        if reported:
            self.total = add_usage(self.total, reported) if self.total is not None else reported
