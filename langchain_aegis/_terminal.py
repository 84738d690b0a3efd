"""Plain-text output for terminals: aligned tables and a one-line progress bar.

One renderer for every table the CLI, the demo and the reports print, so
their columns line up the same way everywhere.

It must not read state or decide anything: callers hand it strings.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TextIO

__all__ = ["Progress", "render_table", "shorten"]


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: max(width - 1, 0)] + "…"


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """Render rows under a header, columns separated by two spaces.

    Args:
        header: column titles.
        rows: cells, already formatted as strings.
        right: indexes of columns to right-align (numbers).

    Returns:
        The table, without a trailing newline or trailing spaces.
    """
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def fmt(line: Sequence[str]) -> str:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        return "  ".join(cells).rstrip()

    return "\n".join(fmt(line) for line in [header, *rows])


class Progress:
    """A one-line progress bar on a terminal stream, redrawn in place; silent when disabled.

    Args:
        stream: where to draw (stderr, so ``--json`` output stays clean).
        enabled: draw at all.
        width: characters of the bar itself.
    """

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True, width: int = 24) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.width = width
        self._started = time.perf_counter()
        self._drawn = False

    def __call__(self, done: int, total: int, label: str) -> None:
        """Redraw the bar after ``done`` of ``total`` calls; ``label`` names the last one."""
        if not self.enabled or total <= 0:
            return
        filled = round(self.width * done / total)
        elapsed = time.perf_counter() - self._started
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {elapsed:5.1f}s {label[:40]:<40}"
        self.stream.write(line)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
