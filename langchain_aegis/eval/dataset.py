"""Evaluation datasets: one JSON object per line.

Each line holds:

- ``id`` (string or number, unique): names the item in reports;
- ``messages`` (a list of ``{"role": ..., "content": ...}``) **or** ``input`` (a string);
- ``expected`` (optional): the reference answer, text or any JSON value;
- ``facts`` (optional): request facts as sent in ``metadata["aegis"]``
  (``task_type``, ``quality``, ``data_classification``, ...);
- ``schema`` (optional): a JSON schema the answer must satisfy (``json_valid``).

Blank lines and lines starting with ``#`` are skipped. A bad line raises
:class:`DatasetError` naming the file, the line, the field and the fix.

It reads and checks files; it must not call a model or score answers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, convert_to_messages

from langchain_aegis.errors import ConfigError, RoutingError
from langchain_aegis.facts import parse_facts

__all__ = ["DatasetError", "EvalItem", "load_dataset", "parse_item"]

_KNOWN = frozenset({"id", "messages", "input", "expected", "facts", "schema"})


class DatasetError(ConfigError):
    """A dataset line is not a valid evaluation item; the message names file, line, field and fix."""


@dataclass(frozen=True)
class EvalItem:
    """One evaluation item.

    Attributes:
        id: the item's name in reports.
        messages: the conversation sent to each provider.
        expected: the reference answer (text or JSON value), if any.
        facts: request facts for routing, as in ``metadata["aegis"]``.
        schema: a JSON schema for ``json_valid``, if any.
        source: ``file:line`` where the item was read.
    """

    id: str
    messages: tuple[BaseMessage, ...]
    expected: Any = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    schema: Mapping[str, Any] | None = None
    source: str = ""

    @property
    def prompt(self) -> str:
        """The text of the last message, for judges and reports."""
        return str(self.messages[-1].content) if self.messages else ""


def parse_item(data: Any, where: str) -> EvalItem:
    """Validate one decoded line.

    Args:
        data: the decoded JSON value.
        where: ``file:line``, for error messages.

    Raises:
        DatasetError: a field is missing or has the wrong shape.
    """
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: each line must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise DatasetError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KNOWN))}")
    raw_id = data.get("id")
    if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool) or str(raw_id) == "":
        raise DatasetError(f'{where}: field "id" is missing or empty; give each item a unique "id": "clause-01"')
    return EvalItem(
        id=str(raw_id),
        messages=_messages(data, where),
        expected=data.get("expected"),
        facts=_facts(data.get("facts"), where),
        schema=_schema(data.get("schema"), where),
        source=where,
    )


def load_dataset(path: str | Path, *, limit: int | None = None) -> list[EvalItem]:
    """Read a JSONL dataset.

    Args:
        path: the ``.jsonl`` file.
        limit: keep only the first ``limit`` items.

    Raises:
        DatasetError: the file is missing, a line is invalid, an id repeats, or there are no items.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read the dataset ({exc.strerror or exc})") from None
    items: list[EvalItem] = []
    seen: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DatasetError(
                f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); one object per line"
            ) from None
        item = parse_item(data, where)
        if item.id in seen:
            raise DatasetError(
                f'{where}: field "id" {item.id!r} is already used at {seen[item.id]}; ids must be unique'
            )
        seen[item.id] = where
        items.append(item)
        if limit is not None and len(items) >= limit:
            break
    if not items:
        raise DatasetError(f"{path}: no items; write one JSON object per line")
    return items


def _messages(data: Mapping[str, Any], where: str) -> tuple[BaseMessage, ...]:
    has_messages, has_input = "messages" in data, "input" in data
    if has_messages == has_input:
        raise DatasetError(
            f'{where}: give exactly one of "messages" (a list of {{"role", "content"}}) or "input" (a string)'
        )
    if has_input:
        text = data["input"]
        if not isinstance(text, str) or not text.strip():
            raise DatasetError(f'{where}: field "input" must be a non-empty string')
        return (HumanMessage(text),)
    raw = data["messages"]
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise DatasetError(f'{where}: field "messages" must be a non-empty list of {{"role": ..., "content": ...}}')
    for i, message in enumerate(raw):
        if not isinstance(message, dict) or not isinstance(message.get("content"), str) or "role" not in message:
            raise DatasetError(
                f'{where}: field "messages[{i}]" must be an object with "role" (system, user, assistant) '
                'and a string "content"'
            )
    try:
        return tuple(convert_to_messages(raw))
    except (ValueError, NotImplementedError) as exc:
        raise DatasetError(f'{where}: field "messages": {exc}; roles are system, user, assistant') from None


def _facts(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DatasetError(f'{where}: field "facts" must be an object such as {{"task_type": "extraction"}}')
    try:
        parse_facts(raw, where=f'{where}: field "facts": ')
    except RoutingError as exc:
        raise DatasetError(str(exc)) from None
    return dict(raw)


def _schema(raw: Any, where: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DatasetError(f'{where}: field "schema" must be a JSON schema object such as {{"type": "object"}}')
    return dict(raw)
