"""Find personal data in a whole payload, the way its reader will read it.

Two views of the same strings are scanned, so neither a boundary nor a split
hides a value:

- **separated**: every string on its own (joined with a separator no entity
  crosses), so text next to a value cannot glue onto it and break its checksum;
- **joined**: message content as one running text, blocks and consecutive
  messages concatenated as the model reads them, so an IBAN split over two
  text blocks or an e-mail address over two messages is found whole.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, NamedTuple

from langchain_aegis.privacy._walk import Path, Segment, path_parts, walk
from langchain_aegis.privacy.detector import detect

__all__ = ["Found", "describe_path", "find_personal_data"]

# Between strings in the separated view: a blank line and a bar that no pattern (nor any
# normalization of spaces, dashes or line breaks) joins across.
_SEPARATOR = "\n\n|\n\n"

_FIELD_NAMES = frozenset(
    {
        "messages", "content", "text", "name", "tool_calls", "function", "arguments", "tool_call_id", "tools",
        "description", "parameters", "properties", "response_format", "json_schema", "schema", "stop", "image_url",
        "url", "file", "file_data", "filename", "additional_kwargs", "args", "invalid_tool_calls", "input_audio",
        "data", "items", "enum", "default", "title", "examples", "refusal", "reasoning_content", "tool_choice",
    }
)  # fmt: skip
"""Keys shown in a finding's path; any other key (it may be user text) is shown as ``…``."""


class Found(NamedTuple):
    """One entity type found, and the field it was found in (never the value)."""

    entity: str
    path: str


def describe_path(path: Path) -> str:
    """A field path for messages and errors, e.g. ``messages[1].name``; unknown keys become ``…``."""
    out = ""
    for part in path_parts(path):
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f"{'.' if out else ''}{part if part in _FIELD_NAMES else '…'}"
    return out or "(root)"


def _scan(parts: list[Segment], separator: str) -> list[Found]:
    if not parts:
        return []
    starts: list[int] = []
    pos = 0
    for seg in parts:
        starts.append(pos)
        pos += len(seg.text) + len(separator)
    findings = detect(separator.join(seg.text for seg in parts))
    return [Found(f.entity, describe_path(parts[bisect_right(starts, f.start) - 1].path)) for f in findings]


def find_personal_data(value: Any) -> list[Found]:
    """Every entity type found in ``value`` (a provider payload, messages, any nested value).

    Args:
        value: what to scan; see :func:`langchain_aegis.privacy._walk.walk` for what is read.

    Returns:
        One :class:`Found` per finding, separated view first; empty when nothing was found.
    """
    segments = walk(value)
    found = _scan(segments, _SEPARATOR)
    prose = [seg for seg in segments if seg.prose]
    if len(prose) > 1:
        found += _scan(prose, "")
    return found
