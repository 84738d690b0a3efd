"""Scan a LangChain conversation for personal and health data."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from langchain_core.messages import AIMessage, BaseMessage

from langchain_aegis.privacy._walk import iter_strings
from langchain_aegis.privacy.detector import detect

__all__ = ["scan_messages"]

# Between messages: a line break ends every number, address and keyword window,
# so two messages never join into one false entity.
_SEPARATOR = "\n\n"


def scan_messages(messages: Sequence[BaseMessage]) -> tuple[str, ...]:
    """The entity types found anywhere in a conversation.

    Every message type is scanned: system, human, AI (its content, the
    arguments of its tool calls, including invalid ones, and its
    ``additional_kwargs``) and tool results. Content may be a string or a
    list of content blocks; every string inside blocks and nested dicts or
    lists is scanned, except inline binary data (``data:`` URLs and base64
    image, audio or file payloads).

    Args:
        messages: the conversation, as passed to a chat model.

    Returns:
        Sorted unique entity types, e.g. ``("EMAIL", "IBAN")``; empty when
        nothing was found.

    Example:
        .. code-block:: python

            scan_messages([HumanMessage("Meine IBAN ist DE89 3704 0044 0532 0130 00")])
            # ('IBAN',)
    """
    text = _SEPARATOR.join(_message_strings(messages))
    return tuple(sorted({finding.entity for finding in detect(text)}))


def _message_strings(messages: Sequence[BaseMessage]) -> Iterator[str]:
    for message in messages:
        yield from iter_strings(message.content)
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                yield from iter_strings(call.get("args"))
            for invalid in message.invalid_tool_calls:
                yield from iter_strings(invalid.get("args"))
        yield from iter_strings(message.additional_kwargs)
