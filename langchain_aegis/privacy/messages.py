"""Scan a LangChain conversation for personal and health data.

It must not decide a route: it says what it found, and routing decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage

from langchain_aegis.privacy._scan import find_personal_data

__all__ = ["scan_messages"]


def scan_messages(messages: Sequence[BaseMessage]) -> tuple[str, ...]:
    """The entity types found anywhere in a conversation.

    Reads what the egress gate reads (one walker serves both, see
    :mod:`langchain_aegis.privacy._walk`): every message type and every field a
    provider receives (content and content blocks, ``name``, tool calls with
    their ids and arguments, invalid tool calls, ``tool_call_id``,
    ``additional_kwargs``), text data URLs and base64 text decoded, only binary
    bytes skipped. Message content is also read as one running text across
    blocks and consecutive messages, so a value split over two is found.

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
    return tuple(sorted({found.entity for found in find_personal_data(list(messages))}))
