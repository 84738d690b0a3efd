"""Usage bookkeeping for streams: one usage dict, on the first chunk."""

from __future__ import annotations

from typing import Any, cast

from langchain_core.messages import AIMessageChunk
from langchain_core.messages.ai import UsageMetadata, add_usage
from langchain_core.outputs import ChatGenerationChunk

__all__ = ["StreamUsage"]


class StreamUsage:
    """Keeps a stream's usage on its first chunk.

    ``AIMessageChunk`` addition turns two chunks without usage into a zero
    usage dict, and then fails on the float cost fields LangSmith reads
    (``input_cost`` ...). So usage rides on the first chunk, whose dict object
    is completed in place when the provider reports usage; every later chunk
    carries none, and any sum of the chunks sees the one complete dict.
    """

    def __init__(self) -> None:
        self.holder: AIMessageChunk | None = None
        self.total: UsageMetadata | None = None

    def take(self, chunk: ChatGenerationChunk) -> None:
        message = chunk.message
        reported = message.usage_metadata  # type: ignore[attr-defined]
        if self.holder is None:
            self.holder = message  # type: ignore[assignment]
            self.total = message.usage_metadata = reported or UsageMetadata(  # type: ignore[attr-defined]
                input_tokens=0, output_tokens=0, total_tokens=0
            )
            return
        if reported:
            message.usage_metadata = None  # type: ignore[attr-defined]
            merged = add_usage(self.total, reported)
            total = cast("dict[str, Any]", self.total)
            total.clear()
            total.update(merged)
