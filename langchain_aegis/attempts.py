"""The record of one provider attempt within a call."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Attempt"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at one provider.

    Attributes:
        provider: configured provider name.
        outcome: ``ok`` or the error kind (``rate_limit``, ``timeout``, ``budget``, ...).
        status: HTTP status when known.
        duration_ms: wall time of the attempt, retries included.
        retries: how many times this provider was retried within the attempt.
        error: the exception's class name, when it failed.
    """

    provider: str
    outcome: str
    duration_ms: float
    status: int | None = None
    retries: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict, as carried in ``response_metadata["aegis"]["attempts"]``."""
        return {k: v for k, v in asdict(self).items() if v is not None}
