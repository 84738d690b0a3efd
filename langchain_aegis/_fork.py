"""Objects whose locks and per-process state start afresh in a forked child.

A thread of the parent (the lease keeper renewing, an executor settling) may hold
a lock at the fork, and no thread of the child would ever release it; the
parent's threads and what they keep are not the child's either. Each such object
registers once and is told, in the child, right after the fork.
"""

from __future__ import annotations

import os
import weakref
from typing import Any, Protocol

__all__ = ["ForkAware", "start_afresh_after_fork"]


class ForkAware(Protocol):
    """An object that knows what to drop in a forked child."""

    def after_fork_in_child(self) -> None:
        """Replace locks and per-process state; runs in the child right after the fork."""


_REGISTERED: weakref.WeakSet[Any] = weakref.WeakSet()


def start_afresh_after_fork(obj: ForkAware) -> None:
    """Call ``obj.after_fork_in_child()`` in every child forked from this process while ``obj`` lives."""
    _REGISTERED.add(obj)


def _in_child() -> None:
    for obj in list(_REGISTERED):
        obj.after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_child)
