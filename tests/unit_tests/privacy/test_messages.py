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


def test_a_value_split_over_two_messages_is_found() -> None:
    # The provider hands the model both messages in one context: it reads the whole value.
    assert scan_messages([HumanMessage("Schreib an anna.schmidt@"), HumanMessage("example.org bitte")]) == ("EMAIL",)
    assert "IBAN" in scan_messages([HumanMessage("IBAN DE89 3704 0044"), HumanMessage("0532 0130 00")])


def test_a_value_split_over_two_blocks_is_found() -> None:
    blocks = [{"type": "text", "text": "IBAN DE89 3704 00"}, {"type": "text", "text": "44 0532 0130 00"}]
    assert "IBAN" in scan_messages([HumanMessage(content=blocks)])


def test_a_value_next_to_another_string_is_still_found_on_its_own() -> None:
    # Joined, "...0130 00" + "12" would break the IBAN's checksum; each string is read alone too.
    assert scan_messages([HumanMessage(f"IBAN {IBAN}"), HumanMessage("12 Stück")]) == ("IBAN",)


def test_fields_beside_content_are_scanned() -> None:
    assert scan_messages([HumanMessage("hi", name="anna.schmidt@example.org")]) == ("EMAIL",)
    assert scan_messages([ToolMessage("ok", tool_call_id="SSN 536-22-1234")]) == ("US_SSN",)
    ai = AIMessage("", tool_calls=[{"name": "pay", "args": {"card": 4111111111111111}, "id": f"id {EMAIL}"}])
    assert scan_messages([ai]) == ("CREDIT_CARD", "EMAIL")


def test_text_that_starts_with_data_is_text() -> None:
    assert scan_messages([HumanMessage(f'data: {{"iban": "{IBAN}"}}')]) == ("IBAN",)


def test_text_data_urls_and_base64_text_files_are_decoded() -> None:
    import base64
    from urllib.parse import quote

    encoded = base64.b64encode(f"Kontakt: {EMAIL}".encode()).decode()
    blocks = [
        {"type": "image_url", "image_url": {"url": f"data:text/plain,{quote('IBAN ' + IBAN)}"}},
        {"type": "file", "source_type": "base64", "mime_type": "text/plain", "data": encoded},
    ]
    assert scan_messages([HumanMessage(content=blocks)]) == ("EMAIL", "IBAN")
    # Labelled as an image, but the bytes are text: the bytes decide.
    assert scan_messages(
        [HumanMessage(content=[{"type": "image_url", "image_url": {"url": f"data:image/png;base64,{encoded}"}}])]
    ) == ("EMAIL",)


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
