"""The trace shield: keep a local-only call's prompt and answer out of callbacks and traces.

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

The shield covers AegisChatModel's own run. The chains, agents, graph nodes,
tools and parsers around it record the same text in their own runs; the trace
guard (:mod:`langchain_aegis.privacy.trace_guard`) holds and scrubs those in the
LangSmith client. A local-only call guards the tracers it finds in its
callbacks; :func:`redacting_langsmith_client` guards a client from the start.

An LLM cache, if one is configured, stores what callbacks see: with
``redact`` or ``hide`` a cache hit for a local-only prompt returns the
redacted answer, never another prompt's answer (the cache key includes a
keyed digest of the real prompt).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Literal, cast

from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk

__all__ = ["HIDDEN", "Removed", "TraceShield", "prompt_digest", "tracers_in"]

HIDDEN = "[hidden: local_only]"
_MIN_NEEDLE = 3  # shorter raw values are not stripped from other runs: they would match everywhere


def _without_cue(value: str) -> str | None:
    """The name in a removed person span, without the salutation or label before it, if it has one."""
    from langchain_aegis.privacy._names import CUES

    cue = CUES.match(value)
    if cue is None:
        return None
    name = value[cue.end() :].lstrip(" \t\n.:")
    for title in ("Dr. ", "Prof. ", "Herr ", "Frau ", "Mr. ", "Mrs. ", "Ms. "):
        name = name.removeprefix(title)
    return name if " " in name.strip() or len(name) >= 6 else None


class Removed:
    """The raw values a shield removed, and what replaced them: what the trace guard strips elsewhere.

    Kept apart from the shield, so the guard's registry never holds a call's real answer.
    """

    def __init__(self, mode: Literal["redact", "hide"]) -> None:
        self.mode = mode
        self._pairs: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember ``(raw value, replacement)`` pairs; values too short to be specific are skipped."""
        found: dict[str, str] = {}
        for value, replacement in pairs:
            found[value] = replacement
            # "Patient Anna Kowalczyk" was removed; a prompt's input dict holds "Anna Kowalczyk".
            if (name := _without_cue(value)) is not None:
                found.setdefault(name, replacement)
        with self._lock:
            self._pairs.update((v, r) for v, r in found.items() if len(v.strip()) >= _MIN_NEEDLE)

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """A snapshot of the pairs (safe to read while another thread adds)."""
        with self._lock:
            return tuple(self._pairs.items())


class TraceShield:
    """The shown/real split for one local-only call.

    Every value callbacks and tracers may see of the call goes through
    :meth:`scrub`: masked entities in ``redact`` mode, a placeholder for every
    string in ``hide`` mode. The raw values it removed are kept (in memory
    only) in :attr:`removed`, so the trace guard can strip them from the other
    runs of the same trace.

    Args:
        mode: ``redact`` or ``hide``. A call that is private by its metadata
            (the detector found nothing to mask) is shielded with ``hide``.
    """

    def __init__(self, mode: Literal["redact", "hide"]) -> None:
        self.mode = mode
        self.real_output: BaseMessage | None = None
        self._real_chunks: dict[int, AIMessageChunk] = {}
        self._summary: AIMessageChunk | None = None
        self.removed = Removed(mode)

    # -- text ------------------------------------------------------------------

    def scrub(self, value: Any) -> Any:
        """The copy of ``value`` (a string, message, dict, tool schema, ...) callbacks may see."""
        from langchain_aegis.privacy.redact import map_strings

        return map_strings(value, self._shown_text)

    def _shown_text(self, text: str) -> str:
        from langchain_aegis.privacy._walk import is_binary

        if self.mode == "hide":
            self.removed.add([(text, HIDDEN)])
            return HIDDEN if text else text
        if is_binary(text):
            return text
        from langchain_aegis.privacy.detector import detect
        from langchain_aegis.privacy.redact import mask

        findings = detect(text)
        if not findings:
            return text
        self.removed.add((text[f.start : f.end], f"<{f.entity}>") for f in findings)
        return mask(text, findings)

    @property
    def needles(self) -> tuple[tuple[str, str], ...]:
        """The raw values this shield removed so far, with what replaced them."""
        return self.removed.pairs()

    # -- inputs and outputs --------------------------------------------------------

    def shown_messages(self, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        """Copies of the input messages as callbacks may see them (every text field scrubbed)."""
        return [self.scrub(message) for message in messages]

    def shown_output(self, message: BaseMessage) -> BaseMessage:
        """Stash the real answer and return the copy callbacks may see."""
        self.real_output = message
        return cast("BaseMessage", self.scrub(message))

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
        summary = AIMessageChunk(content=self.scrub(content))
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


def _digest_key() -> bytes:
    secret = os.environ.get("AEGIS_CACHE_SECRET")
    return secret.encode() if secret else secrets.token_bytes(32)


# Per process unless AEGIS_CACHE_SECRET is set: a plain hash of a short private prompt could be
# reversed by hashing guesses, a keyed one cannot without the key.
_DIGEST_KEY = _digest_key()


def prompt_digest(*parts: Any) -> str:
    """A keyed digest of a private call's real prompt (messages, stop, tools), for LLM cache keys.

    The digest lets a cache tell two private prompts apart whose shown
    (redacted) forms are equal, and cannot be turned back into the prompt.
    """
    payload = json.dumps([_jsonable(p) for p in parts], sort_keys=True, default=str)
    return hmac.new(_DIGEST_KEY, payload.encode(), hashlib.sha256).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseMessage):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def tracers_in(callbacks: Any) -> list[Any]:
    """The LangSmith tracers among ``callbacks`` (a list of handlers or a callback manager)."""
    from langchain_core.callbacks import BaseCallbackManager
    from langchain_core.tracers import LangChainTracer

    handlers = callbacks.handlers if isinstance(callbacks, BaseCallbackManager) else (callbacks or [])
    return [h for h in handlers if isinstance(h, LangChainTracer)]
