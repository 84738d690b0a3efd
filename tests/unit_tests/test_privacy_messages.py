"""Tests for scan_messages and redact_value: every message type, nested blocks, binary data."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_aegis.privacy import redact_value, scan_messages

IBAN = "DE89 3704 0044 0532 0130 00"
EMAIL = "max@web.de"  # example.com is reserved (RFC 2606), nobody's address
IMAGE_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg" * 3


def test_clean_conversation() -> None:
    assert scan_messages([SystemMessage("You are helpful."), HumanMessage("Summarise version 1.2.3 notes.")]) == ()
    assert scan_messages([]) == ()


def test_system_message() -> None:
    assert scan_messages([SystemMessage(f"The user's IBAN is {IBAN}.")]) == ("IBAN",)


def test_human_message() -> None:
    assert scan_messages([HumanMessage(f"Mail me at {EMAIL}")]) == ("EMAIL",)


def test_ai_message_content() -> None:
    assert scan_messages([AIMessage("Ihre Steuer-ID ist 86095742719.")]) == ("DE_TAX_ID",)


def test_ai_message_tool_call_args() -> None:
    message = AIMessage(
        "",
        tool_calls=[{"name": "send", "args": {"to": {"address": EMAIL}, "cc": ["030 12345678"]}, "id": "call_1"}],
    )
    assert scan_messages([message]) == ("EMAIL", "PHONE")


def test_ai_message_invalid_tool_call_args() -> None:
    message = AIMessage(
        "", invalid_tool_calls=[{"name": "pay", "args": f'{{"iban": "{IBAN}"', "id": "call_2", "error": "bad json"}]
    )
    assert scan_messages([message]) == ("IBAN",)


def test_tool_message() -> None:
    assert scan_messages([ToolMessage("Patient Frau Müller, Diagnose F32.1", tool_call_id="call_1")]) == ("HEALTH",)


def test_list_of_blocks_and_nested_values() -> None:
    message = HumanMessage(
        content=[
            {"type": "text", "text": "Hier ist mein Ausweis:"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{IMAGE_B64}"}},
            {"type": "image", "source_type": "base64", "data": IMAGE_B64, "mime_type": "image/png"},
            {"type": "text", "text": "Ausweisnummer T220001293"},
            {"type": "custom", "payload": {"rows": [["SSN", "123-45-6789"]]}},
        ]
    )
    assert scan_messages([message]) == ("DE_ID_CARD", "US_SSN")


def test_binary_data_is_not_scanned() -> None:
    # A base64 payload may contain digit runs; it is not text and must not be scanned.
    blob = "QUJD" * 40 + "4111111111111111" + "QUJD" * 40
    message = HumanMessage(content=[{"type": "image", "source_type": "base64", "data": blob}])
    assert scan_messages([message]) == ()


def test_entities_across_messages_are_merged_and_sorted() -> None:
    messages = [
        SystemMessage("Support bot."),
        HumanMessage(f"IBAN {IBAN}"),
        AIMessage("Danke!"),
        HumanMessage(f"und {EMAIL}"),
    ]
    assert scan_messages(messages) == ("EMAIL", "IBAN")


def test_messages_do_not_join_into_one_number() -> None:
    assert scan_messages([HumanMessage("Zimmer 030"), HumanMessage("1234567 Gäste")]) == ()


def test_redact_value_nested() -> None:
    value = {"input": [f"IBAN {IBAN}", {"mail": EMAIL, "n": 3, "ok": True, "none": None}], "t": ("030 12345678",)}
    assert redact_value(value) == {
        "input": ["IBAN <IBAN>", {"mail": "<EMAIL>", "n": 3, "ok": True, "none": None}],
        "t": ("<PHONE>",),
    }
    assert value["input"][0] == f"IBAN {IBAN}"  # not modified in place


def test_redact_value_leaves_binary_and_other_values() -> None:
    url = f"data:image/png;base64,{IMAGE_B64}"
    assert redact_value(url) == url
    assert redact_value(IMAGE_B64) == IMAGE_B64
    marker = object()
    assert redact_value(marker) is marker
    assert redact_value(42) == 42


def test_redact_value_messages() -> None:
    ai = AIMessage(f"IBAN {IBAN}", tool_calls=[{"name": "send", "args": {"to": EMAIL}, "id": "call_1"}])
    redacted = redact_value([HumanMessage(f"mail {EMAIL}"), ai])
    assert redacted[0].content == "mail <EMAIL>"
    assert redacted[1].content == "IBAN <IBAN>"
    assert redacted[1].tool_calls[0]["args"] == {"to": "<EMAIL>"}
    assert ai.content == f"IBAN {IBAN}"
