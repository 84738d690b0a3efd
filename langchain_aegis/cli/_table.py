"""Aligned plain-text tables for terminal output."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["render_table", "shorten"]


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
