"""What one request to a provider is charged, however it ends.

Every request an attempt sends ends in exactly one :class:`Exit`, and
:func:`charge` turns that exit into the usage the ledger settles (or ``None``:
release, nothing was billed). It is the one place that decides what a request
costs, for ``invoke``, ``ainvoke``, ``stream`` and ``astream`` alike; the
table is in docs/operations.md ("What each exit records"):

=====================  =====================================================
exit                   charged
=====================  =====================================================
``complete``           the provider's usage; without one, the estimate
``stopped``            the caller stopped reading (``break``, ``close``,
                       ``aclose``, garbage collection, cancellation): the
                       whole reservation (prompt bound and output ceiling),
                       since the provider may have generated more than the
                       caller read
``cut``                the stream broke or ended without its end marker:
                       as ``stopped``
``unusable``           the provider answered but the answer was malformed,
                       empty or withheld: as ``stopped``
``in_flight``          the request was sent and no answer came (timeout, a
                       connection lost after sending): as ``stopped``
``not_sent``           refused before any generation (HTTP error status, no
                       connection, the egress gate): released, $0
=====================  =====================================================

"Estimate" means upper bound: the prompt bound of :mod:`langchain_aegis.budget.bounds`
and, for a whole answer, the UTF-8 bytes of its output; for any other exit the
output ceiling that was sent. A usage report that cannot be true (no prompt
tokens, negative counts, no output tokens for output received) counts as
missing. So a request the provider may bill is never recorded at $0, and
never below what the provider can have billed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGenerationChunk

from langchain_aegis.budget.bounds import output_bytes
from langchain_aegis.errors import AegisError, ProviderCallError, status_of

__all__ = ["Exit", "Meter", "charge", "exit_of"]


class Exit(StrEnum):
    """How one request to a provider ended; see the module docstring for what each is charged."""

    COMPLETE = "complete"
    STOPPED = "stopped"
    CUT = "cut"
    UNUSABLE = "unusable"
    IN_FLIGHT = "in_flight"
    NOT_SENT = "not_sent"


_UNUSABLE_KINDS = frozenset({"malformed", "empty_stream", "content_filter", "truncated"})
"""Failures raised on an answer the provider produced (so it billed the prompt, at least)."""

_CONNECT_PHASE = ("ConnectError", "ConnectTimeout", "ConnectionRefusedError", "gaierror")
"""Exceptions raised before a request reached the provider."""


@dataclass
class Meter:
    """What one request has produced so far: chunks, bytes of output, usage, end marker.

    Attributes:
        delivered: chunks handed to the caller.
        chars: characters of text content handed to the caller.
        output_bytes: UTF-8 bytes of everything generated and received (text,
            reasoning, tool names and arguments): at least its token count.
        usage: the provider's own usage report, when one arrived.
        finished: whether the protocol's end marker (a finish reason) arrived.
        saw_tools: whether a tool call chunk arrived (Ollama then says ``stop``).
    """

    delivered: int = 0
    chars: int = 0
    output_bytes: int = 0
    usage: UsageMetadata | None = None
    finished: bool = False
    saw_tools: bool = False

    def add(self, gen: ChatGenerationChunk) -> None:
        """Count one chunk received from the provider."""
        message = gen.message
        chunks = getattr(message, "tool_call_chunks", None) or ()
        self.output_bytes += output_bytes(message.content, chunks, message.additional_kwargs.get("reasoning_content"))
        self.usage = getattr(message, "usage_metadata", None) or self.usage
        self.saw_tools = self.saw_tools or bool(chunks)
        self.finished = self.finished or bool((gen.generation_info or {}).get("finish_reason"))

    def deliver(self, gen: ChatGenerationChunk) -> None:
        """Count one chunk handed to the caller."""
        self.delivered += 1
        if isinstance(gen.message.content, str):
            self.chars += len(gen.message.content)

    def add_message(self, message: Any) -> None:
        """Count a whole answer (non-streaming)."""
        calls = getattr(message, "tool_calls", None) or ()
        reasoning = getattr(message, "additional_kwargs", {}).get("reasoning_content")
        self.output_bytes += output_bytes(getattr(message, "content", ""), calls, reasoning)
        self.usage = getattr(message, "usage_metadata", None) or self.usage
        self.finished = True


def _names(exc: BaseException) -> set[str]:
    """Class names along ``exc``'s cause and context chain."""
    names: set[str] = set()
    seen: BaseException | None = exc
    while seen is not None and len(names) < 16:
        names.add(type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    return names


def exit_of(exc: BaseException | None, meter: Meter, *, kind: str | None = None) -> Exit:
    """The exit of a request that ended with ``exc`` (``None``: it completed).

    Args:
        exc: what ended the request, or ``None``.
        meter: what the request produced before it ended.
        kind: the classified error kind of ``exc`` (``timeout``, ``rate_limit``...).
    """
    if exc is None:
        return Exit.COMPLETE
    if not isinstance(exc, Exception):  # GeneratorExit, CancelledError, KeyboardInterrupt
        return Exit.STOPPED if meter.delivered or meter.output_bytes else Exit.IN_FLIGHT
    if meter.delivered:
        return Exit.CUT
    if isinstance(exc, AegisError) and not isinstance(exc, ProviderCallError):
        return Exit.NOT_SENT  # budget, privacy: refused before the request left
    # The attempt passes the SDK's own exception: its status is on it (or on what it wraps).
    status = exc.status if isinstance(exc, ProviderCallError) else status_of(exc)
    if status is not None:
        return Exit.NOT_SENT  # an error status: providers do not bill a refused request
    if kind in _UNUSABLE_KINDS or meter.usage is not None or meter.output_bytes:
        return Exit.UNUSABLE
    if kind == "connection" and _names(exc).intersection(_CONNECT_PHASE):
        return Exit.NOT_SENT
    if kind in ("timeout", "connection", "unknown", "server", None):
        return Exit.IN_FLIGHT
    return Exit.NOT_SENT


def charge(exit: Exit, meter: Meter, *, prompt_bound: int, output_ceiling: int | None) -> UsageMetadata | None:
    """The usage to settle a request with, or ``None`` to release its reservation.

    Args:
        exit: how the request ended.
        meter: what it produced.
        prompt_bound: the prompt's upper bound (see :func:`~langchain_aegis.budget.bounds.prompt_bound`).
        output_ceiling: the ``max_tokens`` sent, when one was.
    """
    if exit is Exit.NOT_SENT:
        return None
    if _believable(meter.usage, meter):
        return meter.usage  # the provider's own count, which arrives with its end marker
    if exit is Exit.COMPLETE:
        # Usage missing (or impossible): the answer is whole, so its bytes bound its tokens.
        output = meter.output_bytes
    else:
        # Stopped, cut, unusable or unanswered: the provider may have generated more than
        # arrived (a stream is written ahead of what the caller reads, and generation goes on
        # until the provider notices), so the whole output ceiling it was allowed.
        output = output_ceiling if output_ceiling is not None else meter.output_bytes
    return UsageMetadata(input_tokens=prompt_bound, output_tokens=output, total_tokens=prompt_bound + output)


def _believable(usage: UsageMetadata | None, meter: Meter) -> bool:
    """Whether a provider's usage report can be true: a prompt has tokens, and so has received output."""
    if not usage:
        return False
    prompt, output = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
    if not isinstance(prompt, int) or not isinstance(output, int) or prompt <= 0 or output < 0:
        return False
    return output > 0 or meter.output_bytes == 0
