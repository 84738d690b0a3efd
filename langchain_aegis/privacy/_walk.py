"""Every string of a value that a reader (a model, a provider) can read, and where it sits.

Shared by routing's :func:`~langchain_aegis.privacy.scan_messages`, the egress
gate (:mod:`langchain_aegis.privacy.egress`) and redaction, so all three see
the same text. The rules:

- Every string is visited: dict values **and keys**, list and tuple items,
  LangChain messages (content, ``name``, tool calls, ``tool_call_id``,
  ``additional_kwargs`` and any other field a message class adds), pydantic
  models and dataclasses, numbers inside payloads (a card number may be an
  int), bytes that decode as text. An unknown object is read as ``str(obj)``:
  what cannot be walked is scanned, never skipped.
- Only truly binary data is skipped: base64 (bare in a binary field such as
  ``data``/``base64``/``file_data``, or in a ``;base64`` data URL) whose bytes
  are not text. What is skipped is decided by the bytes, not by a label: a
  ``data:image/png;base64,...`` that decodes to text is text.
- Text that is encoded is decoded and read: ``data:text/plain,...`` (percent
  encoded), ``data:...;base64,...`` with text bytes, base64 text file blocks.
  A string that merely starts with ``data:`` (``data: {"iban": ...}``, an SSE
  line) is text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple
from urllib.parse import unquote

__all__ = ["Path", "Segment", "is_binary", "iter_strings", "path_parts", "text_views", "walk"]

_DATA_URL = re.compile(r"data:([\w.+-]+/[\w.+-]+)?((?:;[\w.+-]+=[^;,]*)*)(;base64)?,", re.IGNORECASE)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+={0,2}")
_MIN_BASE64 = 16  # shorter base64-looking strings are words and ids; they are scanned as they are
_MIN_BLOB = 128  # a bare base64 string this long in a binary field is a payload, not a word
_SNIFF = 4096  # base64 characters decoded to decide text or binary (3 KB of bytes)
_BINARY_FIELDS = frozenset({"data", "base64", "file_data", "image", "images", "audio", "bytes", "url", "image_url"})
"""Keys under which content blocks carry inline payloads (LangChain, OpenAI, Ollama, Anthropic shapes)."""
_STRUCTURAL = frozenset(
    {"type", "role", "mime_type", "media_type", "source_type", "detail", "format", "cache_control", "id", "index"}
)
"""Keys of content blocks whose values are labels, not text the model reads as part of the prose."""
_KNOWN_KEYS = _STRUCTURAL | frozenset(
    {"messages", "content", "text", "name", "tool_calls", "function", "arguments", "tool_call_id", "tools",
     "description", "parameters", "properties", "response_format", "json_schema", "schema", "stop", "image_url",
     "url", "file", "file_data", "filename", "additional_kwargs", "args", "invalid_tool_calls", "required",
     "strict", "additionalProperties", "items", "title", "model", "stream", "tool_choice", "max_tokens",
     "temperature", "timeout", "stream_options", "include_usage", "data", "error", "enum", "anyOf", "$defs"}
)  # fmt: skip
"""Keys of the request format itself: they hold no one's data, so they are not scanned."""
_MESSAGE_SKIP = frozenset({"response_metadata", "usage_metadata", "type", "id", "artifact", "example"})
"""Message fields that are never sent to a provider (``artifact`` stays with the tool)."""


_PROSE_KEYS = frozenset({"content", "tool_calls", "arguments", "args"})
"""What a model reads as the conversation's running text: message content and the tool calls' arguments
(an address begun in the content and finished in a tool call is one address to its reader)."""
_ARGUMENTS = frozenset({"arguments"})
"""Keys whose string value is JSON (OpenAI's tool-call arguments): read as the values it holds."""


def _json_or_text(value: str) -> Any:
    if value[:1] in "{[":
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


Path = tuple[Any, ...]
"""Where a string sits, as a linked list ``(parent_path, key)``; ``()`` is the root. See :func:`path_parts`."""


class Segment(NamedTuple):
    """One readable string and where it sits.

    Attributes:
        path: the linked path (see :func:`path_parts` for its keys and indexes).
        text: the string, decoded when it was encoded (data URL, base64 text).
        prose: whether it is part of a message's content, which the model reads
            as one running text across blocks and consecutive messages.
    """

    path: Path
    text: str
    prose: bool


def path_parts(path: Path) -> list[str | int]:
    """The keys and indexes of a linked path, from the root, e.g. ``["messages", 1, "name"]``."""
    parts: list[str | int] = []
    while path:
        path, key = path
        parts.append(key)
    return parts[::-1]


def _decode_text(raw: bytes) -> str | None:
    """``raw`` as text if it is text in a common encoding and (nearly all) printable, else ``None``.

    UTF-8 first; then UTF-16/32 by their byte-order mark, or UTF-16 without one
    when every other byte is NUL; then Windows-1252 (a CSV exported by Excel on
    German or English Windows) when there is no NUL byte. Binary data (images,
    audio, compressed PDF streams) fails the printable test in every encoding.
    """
    if not raw:
        return None
    for text in _decodings(raw):
        readable = sum(1 for ch in text[:_SNIFF] if ch.isprintable() or ch in "\t\n\r\f")
        if text and readable >= 0.95 * min(len(text), _SNIFF):
            return text
    return None


def _decodings(raw: bytes) -> Iterator[str]:
    with contextlib.suppress(UnicodeDecodeError):
        yield raw.decode("utf-8")
        return
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        yield raw.decode("utf-32", errors="replace")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield raw.decode("utf-16", errors="replace")
    elif len(raw) > 1 and raw[1::2].count(0) >= 0.9 * (len(raw) // 2):
        yield raw.decode("utf-16-le", errors="replace")
    elif len(raw) > 1 and raw[0::2].count(0) >= 0.9 * (len(raw) // 2):
        yield raw.decode("utf-16-be", errors="replace")
    elif 0 not in raw:
        yield raw.decode("cp1252", errors="replace")


def _b64decode(value: str) -> bytes | None:
    padded = value + "=" * (-len(value) % 4)
    try:
        if "-" in value or "_" in value:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _base64_text(value: str) -> str | bool | None:
    """Decode base64: its text, ``None`` when it is binary, ``False`` when it is not base64."""
    head = value[:_SNIFF] if len(value) > _SNIFF else value
    if len(value) > _SNIFF:
        head = head[: len(head) - len(head) % 4]
    raw = _b64decode(head)
    if raw is None:
        return False
    # Decide text or binary on the sniffed head (a cut inside a multi-byte character is not binary).
    if _decode_text(raw if head is value else raw[: max(1, len(raw) - 4)]) is None:
        return None
    full = raw if head is value else _b64decode(value)
    return _decode_text(full) if full is not None else False


# Base64 inside running text ("Decode this: SUJBTiBERTg5..."): a model decodes it at once.
_INLINE_BASE64 = re.compile(r"(?<![\w+/=])[A-Za-z0-9+/]{20,}={0,2}(?![\w+/=])")


def _inline_base64(value: str) -> list[str]:
    texts = []
    for m in _INLINE_BASE64.finditer(value):
        token = m.group()
        if token.isalpha():
            continue  # a long word, not an encoding
        decoded = _base64_text(token)
        if isinstance(decoded, str):
            texts.append(decoded)
    return texts


def text_views(value: str, key: str | int | None = None) -> tuple[str, ...]:
    """The texts to scan for one string: itself, its decoded form, or nothing if it is binary.

    Args:
        value: the string.
        key: the key it sits under (decides whether a bare base64 string may be a payload).
    """
    if value.startswith(("data:", "DATA:", "Data:")) and (m := _DATA_URL.match(value)):
        payload = value[m.end() :]
        if m.group(3):  # ;base64
            decoded = _base64_text(payload)
            if decoded is None:
                return ()  # binary bytes: an image, audio, a PDF
            return (decoded,) if isinstance(decoded, str) else (value,)
        return (unquote(payload),)
    if len(value) >= _MIN_BASE64 and _BASE64.fullmatch(value):
        decoded = _base64_text(value)
        if isinstance(decoded, str):
            return (value, decoded)
        if decoded is None and len(value) >= _MIN_BLOB and key in _BINARY_FIELDS:
            return ()
    elif len(value) > 20:
        return (value, *_inline_base64(value))
    return (value,)


def is_binary(value: str) -> bool:
    """Whether a string is inline binary data (base64 bytes that are not text), which is not scanned."""
    return not text_views(value, "data")


def _number_text(value: float) -> str:
    """A number as its digits: a JSON float that is a whole number ("4111111111111111.0") as an int."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def walk(value: Any, path: Path = (), *, prose: bool = False) -> list[Segment]:
    """Every readable string in ``value``, depth first, in the order a serializer writes it.

    Args:
        value: a payload (dicts, lists, messages, models, scalars).
        path: where ``value`` sits, prefixed to every segment's path.
        prose: whether ``value`` is message content.
    """
    out: list[Segment] = []
    _collect(value, path, prose, out)
    return out


def _collect(value: Any, path: Path, prose: bool, out: list[Segment]) -> None:
    # A plain recursive function appending to one list (generators cost a frame per level per
    # item), with exact-type fast paths first: ABC isinstance checks dominate on small payloads.
    kind = type(value)
    if kind is str:
        if value:
            key = path[1] if path else None
            mark = prose and key not in _STRUCTURAL
            if len(value) < _MIN_BASE64 and not value.startswith("data:"):
                out.append(Segment(path, value, mark))
            else:
                for text in text_views(value, key):
                    out.append(Segment(path, text, mark))
        return
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        for key, item in value.items():
            if type(key) is str:
                if key not in _KNOWN_KEYS:  # a key is text too (a schema's property name)
                    out.append(Segment(path, key, False))
            else:
                _collect(key, path, False, out)
                key = str(key)
            if key in _ARGUMENTS and type(item) is str:
                item = _json_or_text(item)
            _collect(item, (path, key), prose or key in _PROSE_KEYS, out)
        return
    if kind is list or kind is tuple:
        for i, item in enumerate(value):
            _collect(item, (path, i), prose, out)
        return
    if value is None or kind is bool:
        return
    if kind is int or kind is float:
        out.append(Segment(path, _number_text(value), False))
        return
    if isinstance(value, str):  # a str subclass (an enum member)
        _collect(str(value), path, prose, out)
    elif isinstance(value, list | tuple):
        _collect(list(value), path, prose, out)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out.append(Segment(path, _number_text(value), False))
    elif isinstance(value, set | frozenset):
        for item in sorted(value, key=repr):
            _collect(item, path, prose, out)
    else:
        _collect_object(value, path, prose, out)


def _collect_object(value: Any, path: Path, prose: bool, out: list[Segment]) -> None:
    from langchain_core.messages import BaseMessage
    from pydantic import BaseModel

    if isinstance(value, BaseMessage):
        for name, item in vars(value).items():
            if name not in _MESSAGE_SKIP and item:
                _collect(item, (path, name), name in _PROSE_KEYS, out)
        return
    if isinstance(value, BaseModel):
        _collect(value.model_dump(mode="python"), path, prose, out)
    elif isinstance(value, type) and issubclass(value, BaseModel):
        _collect(value.model_json_schema(), path, prose, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _collect(dataclasses.asdict(value), path, prose, out)
    elif isinstance(value, bytes | bytearray | memoryview):
        text = _decode_text(bytes(value))
        if text is not None:
            out.append(Segment(path, text, prose))
    else:
        _collect(str(value), path, prose, out)


def iter_strings(value: Any) -> Iterator[str]:
    """Every readable string in ``value`` (see :func:`walk`), without positions."""
    for segment in walk(value):
        yield segment.text
