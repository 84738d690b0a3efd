"""Keep a local-only call's prompt and answer out of callbacks and traces.

LangSmith is a cloud service: a traced ``local_only`` call would send its
prompt there, and the privacy guarantee would leak through the side door.
``privacy.tracing`` decides per deployment:

- ``redact`` (default): callbacks and tracers see the messages with each
  detected entity masked, e.g. ``<IBAN>``;
- ``hide``: they see a placeholder instead of any content;
- ``allow``: they see everything.

LangChain hands the same message objects to callbacks and to the caller, so
the shield runs the LangChain pipeline on *shown* copies and hands the caller
the real ones: the chat model routes and calls providers with the real
messages it captured before the run started. Routing metadata and tags stay
visible in both modes. The shield covers ``invoke``, ``stream``, ``batch``
and their async forms; ``generate()`` called directly is not shielded.

The shield covers AegisChatModel's own runs. A chain or graph around it
traces its own inputs (the user's text) in its own runs; to redact those too,
give the tracer a client from :func:`redacting_langsmith_client`.

An LLM cache, if one is configured, stores what callbacks see: with
``redact`` or ``hide`` a cache hit for a local-only prompt returns the
redacted answer, never another prompt's answer (the cache key includes a
digest of the real prompt).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk

__all__ = ["HIDDEN", "TraceShield", "mark_cost", "mark_served", "redacting_langsmith_client", "tracers_in"]

HIDDEN = "[hidden: local_only]"


class TraceShield:
    """The shown/real split for one local-only call.

    Args:
        mode: ``redact`` or ``hide``.
    """

    def __init__(self, mode: Literal["redact", "hide"]) -> None:
        self.mode = mode
        self.real_output: BaseMessage | None = None
        self._real_chunks: dict[int, AIMessageChunk] = {}
        self._summary: AIMessageChunk | None = None

    # -- text ------------------------------------------------------------------

    def _text(self, value: Any) -> Any:
        if self.mode == "hide":
            return HIDDEN if isinstance(value, str) else value
        from langchain_aegis.privacy import redact_value

        return redact_value(value)

    def _content(self, content: Any) -> Any:
        if self.mode == "hide":
            return HIDDEN if content else content
        return self._text(content)

    # -- inputs and outputs --------------------------------------------------------

    def shown_messages(self, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        """Copies of the input messages as callbacks may see them."""
        shown = []
        for message in messages:
            update: dict[str, Any] = {"content": self._content(message.content)}
            if isinstance(message, AIMessage):
                update["tool_calls"] = [
                    {**tc, "args": {} if self.mode == "hide" else self._text(tc["args"])} for tc in message.tool_calls
                ]
                update["additional_kwargs"] = {}
            shown.append(message.model_copy(update=update))
        return shown

    def shown_output(self, message: BaseMessage) -> BaseMessage:
        """Stash the real answer and return the copy callbacks may see."""
        self.real_output = message
        return self.shown_messages([message])[0]

    def restore(self, shown: BaseMessage) -> BaseMessage:
        """The real answer, carrying the id and metadata LangChain gave the shown copy."""
        real = self.real_output
        if real is None:
            return shown
        real.id = shown.id
        real.response_metadata = {**shown.response_metadata, **real.response_metadata}
        return real

    # -- streaming ---------------------------------------------------------------------

    def shown_chunk(self, chunk: ChatGenerationChunk) -> ChatGenerationChunk:
        """An empty stand-in for a real chunk; the real one is handed back by :meth:`real_chunk`."""
        real = chunk.message
        stand_in = AIMessageChunk(
            content="" if isinstance(real.content, str) else [],
            usage_metadata=getattr(real, "usage_metadata", None),
            response_metadata=real.response_metadata,
        )
        self._real_chunks[id(stand_in)] = real  # type: ignore[assignment]
        return ChatGenerationChunk(message=stand_in, generation_info=chunk.generation_info)

    def summary_chunk(self, real_chunks: Sequence[AIMessageChunk]) -> ChatGenerationChunk:
        """One last chunk with the whole answer, redacted, for callbacks' aggregated output."""
        content = "".join(str(c.content) for c in real_chunks if isinstance(c.content, str))
        summary = AIMessageChunk(content=self._content(content))
        self._summary = summary
        return ChatGenerationChunk(message=summary)

    def real_chunk(self, shown: BaseMessage) -> AIMessageChunk | None:
        """The real chunk behind a shown one; ``None`` for the summary chunk (drop it)."""
        if shown is self._summary:
            return None
        real = self._real_chunks.pop(id(shown), None)
        if real is None:
            return shown  # type: ignore[return-value] # a chunk LangChain added itself
        real.id = shown.id
        real.response_metadata = {**shown.response_metadata, **real.response_metadata}
        if getattr(shown, "chunk_position", None):
            real.chunk_position = shown.chunk_position  # type: ignore[attr-defined]
        return real


def prompt_digest(messages: Sequence[BaseMessage]) -> str:
    """A digest of the real prompt, so an LLM cache never serves one prompt's answer to another."""
    payload = json.dumps([m.model_dump(mode="json") for m in messages], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def redacting_langsmith_client(**kwargs: Any) -> Any:
    """A ``langsmith.Client`` that masks detected personal data in every run it uploads.

    Use it for the whole trace, including the chains and graphs around
    AegisChatModel, whose runs record the user's input as it is::

        from langchain_core.tracers import LangChainTracer
        tracer = LangChainTracer(client=redacting_langsmith_client())
        graph.invoke(state, config={"callbacks": [tracer]})

    Args:
        **kwargs: passed to ``langsmith.Client`` (``api_url``, ``api_key``, ...).
    """
    from langsmith import Client

    from langchain_aegis.privacy import redact_value

    return Client(hide_inputs=redact_value, hide_outputs=redact_value, **kwargs)


def tracers_in(callbacks: Any) -> list[Any]:
    """The LangSmith tracers among ``callbacks`` (a list of handlers or a callback manager)."""
    from langchain_core.callbacks import BaseCallbackManager
    from langchain_core.tracers import LangChainTracer

    handlers = callbacks.handlers if isinstance(callbacks, BaseCallbackManager) else (callbacks or [])
    return [h for h in handlers if isinstance(h, LangChainTracer)]


def mark_served(
    tracers: Sequence[Any], run_id: object, *, provider: str, provider_type: str, model: str, routed: str
) -> None:
    """Name the provider that actually served a run in its trace, before the run is sent.

    ``ls_provider``, ``ls_model_name`` and the ``aegis:provider=`` tag are set
    when a run starts, from the decision's first provider; after a fallback
    another one answered. The tracer uploads the run's metadata and tags again
    when it ends, so they are corrected here, just before that. The policy's
    choice stays visible as ``aegis:routed_provider=`` and ``aegis_routed_provider``.
    """
    for tracer in tracers:
        run = tracer.run_map.get(str(run_id))
        if run is None:
            continue
        metadata = run.extra.setdefault("metadata", {})
        metadata.update(
            {
                "ls_provider": provider_type,
                "ls_model_name": model,
                "aegis_provider": provider,
                "aegis_routed_provider": routed,
                "aegis_served_by": provider,
            }
        )
        tags = [t for t in (run.tags or []) if not t.startswith(("aegis:provider=", "aegis:routed_provider="))]
        run.tags = [*tags, f"aegis:provider={provider}", f"aegis:routed_provider={routed}"]


def mark_cost(tracers: Sequence[Any], run_id: object, usage: Mapping[str, Any]) -> None:
    """Give LangSmith the run's settled cost, in the tracer's view of the run only.

    LangSmith reads cost from ``usage_metadata`` with ``input_cost``,
    ``output_cost`` and ``total_cost`` (its ``ExtractedUsageMetadata``) in a
    run's outputs. The message the caller gets keeps LangChain's integer-only
    ``UsageMetadata``, so ``add_usage`` and ``UsageMetadataCallbackHandler``
    keep working. The tracer merges its outputs into what is already on the
    run when it ends, so setting them here, before the end, survives.
    """
    for tracer in tracers:
        run = tracer.run_map.get(str(run_id))
        if run is None:
            continue
        run.outputs = {**(run.outputs or {}), "usage_metadata": dict(usage)}
        run.extra.setdefault("metadata", {})["aegis_cost_usd"] = usage.get("total_cost", 0.0)
