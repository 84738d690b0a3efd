"""What a fake server billed: one invoice line per generation request it began answering.

A real provider bills the tokens it processed and generated, whether or not the
client read the answer to the end. The fake servers keep the same invoice, so a
test can check a budget ledger against it ("recorded spend >= billed spend"):

=================================================  ==============================
how the request was answered                       billed
=================================================  ==============================
a normal answer, ``slow``, ``truncate``,           prompt + every completion
``stream_cut``, ``filtered_completion``            token generated (a cut or
                                                   abandoned stream included)
``malformed``, ``empty_stream``, ``hang``          prompt only
an error status (429, 5xx, 4xx), ``disconnect``,   nothing
a body the server cannot parse, an unknown model
=================================================  ==============================

Generation is instantaneous here, so "generated" is the whole reply (after
stop sequences and the ``max_tokens`` cap), even when the client hangs up after
the first chunk: the strictest reading of a provider's invoice.

It must not touch a ledger: it is the provider's side of the bill, which tests
compare the ledger against.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from langchain_aegis.testing.faults import FaultKind

__all__ = ["Bill", "Billing"]


@dataclass(frozen=True, slots=True)
class Bill:
    """One billed generation request.

    Attributes:
        model: the model the request named.
        path: the endpoint called.
        stream: whether the client asked for a stream.
        prompt_tokens: prompt tokens processed (messages, tools and schema).
        completion_tokens: output tokens generated (0 when none were).
        fault: the fault applied to the request, if any.
    """

    model: str
    path: str
    stream: bool
    prompt_tokens: int
    completion_tokens: int
    fault: FaultKind | None = None

    @property
    def total_tokens(self) -> int:
        """``prompt_tokens + completion_tokens``."""
        return self.prompt_tokens + self.completion_tokens


class Billing:
    """A thread-safe, append-only list of :class:`Bill`: the server's invoice."""

    def __init__(self) -> None:
        """Start with nothing billed."""
        self._lock = threading.Lock()
        self._bills: list[Bill] = []

    def add(self, bill: Bill) -> None:
        """Record one billed request.

        Args:
            bill: what it cost in tokens.
        """
        with self._lock:
            self._bills.append(bill)

    def bills(self) -> list[Bill]:
        """A snapshot of the bills, oldest first."""
        with self._lock:
            return list(self._bills)

    def tokens(self) -> tuple[int, int]:
        """Prompt and completion tokens billed so far, summed over every request."""
        with self._lock:
            return sum(b.prompt_tokens for b in self._bills), sum(b.completion_tokens for b in self._bills)

    def clear(self) -> None:
        """Forget every bill."""
        with self._lock:
            self._bills.clear()
