"""What a call hands to dispatch, and what dispatch writes back about it.

This module owns :class:`CallPlan` (the decision and the provider payload, from
the chat model), :class:`CallLog` (the attempts, who served, the cost, and the
committed streams), :class:`Books` (one request's reservation and meter) and
settling the streams a caller abandoned. It holds data and must not send
requests, decide routes or charge anything itself: the attempt does that
(:mod:`langchain_aegis.dispatch.attempt`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_aegis._sync import run_sync
from langchain_aegis.budget.settlement import Meter
from langchain_aegis.dispatch.records import Attempt
from langchain_aegis.routing.policy import RouteDecision

__all__ = ["Books", "CallLog", "CallPlan", "OpenStream", "settle_abandoned", "settle_abandoned_sync"]


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What the chat model hands over: the decision and the provider payload."""

    decision: RouteDecision
    messages: list[dict[str, Any]]
    params: dict[str, Any]
    prompt_tokens: int
    images: int = 0
    """Image blocks in the messages: each is bounded per provider (``pricing.image_tokens_for``)."""
    model_override: str | None = None
    """A per-call ``model=`` override; it applies to the first provider of the chain only."""

    def model_for(self, provider: str) -> str | None:
        """The model to request from ``provider``, or ``None`` for its configured one."""
        return self.model_override if provider == self.decision.provider else None


@dataclass
class Books:
    """One request's reservation, what it produced, and whether it is settled."""

    ceiling: int | None
    reservation: Any = None
    meter: Meter = field(default_factory=Meter)
    closed: bool = False


class OpenStream(Protocol):
    """A committed stream's attempt, which can settle the stream its caller left."""

    async def abandon(self, books: Books) -> None: ...


@dataclass
class CallLog:
    """What happened during one call; read by the chat model when it finishes."""

    attempts: list[Attempt] = field(default_factory=list)
    served_by: str | None = None
    cost: float = 0.0
    started: float = 0.0
    deadline: float = 0.0
    context_window_failed: int | None = None
    context_failed: bool = False
    streams: list[tuple[OpenStream, Books]] = field(default_factory=list)
    """Committed streams, so the dispatcher settles one its caller abandoned without waiting for GC."""


async def settle_abandoned(log: CallLog) -> None:
    """Settle every committed stream of ``log`` that did not close its own books."""
    for attempt, books in log.streams:
        await attempt.abandon(books)


def settle_abandoned_sync(log: CallLog) -> None:
    """Sync :func:`settle_abandoned`; runs only when a stream was left open."""
    if any(not books.closed for _, books in log.streams):
        run_sync(settle_abandoned(log))
