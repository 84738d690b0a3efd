"""Red team, classes 4-6: personal data a reader still reads, sent to a cloud provider unseen.

Every case asks for a cloud provider (``quality: critical, complexity: high``
goes to OpenAI), so routing would send it there unless the detector, in
routing or in the egress gate, finds the personal data. A failing case is a
leak: the OpenAI loopback server's journal holds the raw value.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from tests.integration_tests.privacy.cases import Case, run_case
from tests.integration_tests.privacy_fixtures import Deployment

CSV = (
    "Name;IBAN;Diagnose\nAnna Müller;DE89 3704 0044 0532 0130 00;F32.1\nHans Meier;DE89 3704 0044 0532 0130 00;E11.9\n"
)


def _h(text: str) -> tuple[BaseMessage, ...]:
    return (HumanMessage(text),)


def _file(encoding: str) -> tuple[BaseMessage, ...]:
    data = base64.b64encode(CSV.encode(encoding)).decode()
    return (
        HumanMessage(
            content=[
                {"type": "text", "text": "Summarise the attached export."},
                {"type": "file", "base64": data, "mime_type": "text/csv", "filename": "export.csv"},
            ]
        ),
    )


def _data_url(encoding: str) -> tuple[BaseMessage, ...]:
    data = base64.b64encode(CSV.encode(encoding)).decode()
    return (
        HumanMessage(
            content=[
                {"type": "text", "text": "Read the attachment."},
                {"type": "image_url", "image_url": {"url": f"data:text/plain;base64,{data}"}},
            ]
        ),
    )


def _b64(encoding: str) -> str:
    return base64.b64encode(CSV.encode(encoding)).decode()


B64_IBAN = base64.b64encode(b"IBAN DE89 3704 0044 0532 0130 00").decode()

# id, class, messages, the raw text that must not reach a cloud
LEAKS: list[tuple[str, int, tuple[BaseMessage, ...], str]] = [
    # 4: a text file that is not UTF-8 is taken for binary and skipped whole
    ("csv_file_cp1252", 4, _file("cp1252"), _b64("cp1252")),  # an Excel CSV export on German Windows
    ("csv_file_latin1", 4, _file("latin-1"), _b64("latin-1")),
    ("csv_file_utf16", 4, _file("utf-16"), _b64("utf-16")),  # Notepad's "Unicode"
    ("text_data_url_cp1252", 4, _data_url("cp1252"), _b64("cp1252")),
    # 4/6: base64 text inside a sentence (a model decodes it at once)
    ("inline_base64_iban", 6, _h(f"Decode this and check the account: {B64_IBAN}"), B64_IBAN),
    # 6: separators and look-alikes a human (and a model) reads through
    ("iban_dashes", 6, _h("IBAN DE89-3704-0044-0532-0130-00"), "0044-0532"),
    ("iban_double_spaces_pdf_copy", 6, _h("IBAN DE89  3704  0044  0532  0130  00"), "0044  0532"),
    ("iban_pairs_read_aloud", 6, _h("IBAN: DE 89 37 04 00 44 05 32 01 30 00"), "00 44 05 32"),
    ("iban_speech_transcript", 6, _h("IBAN D E 8 9 3 7 0 4 0 0 4 4 0 5 3 2 0 1 3 0 0 0"), "0 5 3 2 0 1 3"),
    ("iban_cyrillic_E", 6, _h("IBAN D\u041589 3704 0044 0532 0130 00"), "0044 0532 0130"),
    ("iban_letter_O_for_zero", 6, _h("IBAN DE89 37O4 OO44 O532 O13O OO"), "O532 O13O"),
    ("iban_underscores", 6, _h("IBAN DE89_3704_0044_0532_0130_00"), "0044_0532"),
    ("card_dots", 6, _h("card 4111.1111.1111.1111"), "4111.1111.1111.1111"),
    ("ssn_dots", 6, _h("SSN 536.22.1234"), "536.22.1234"),
    ("ssn_slashes", 6, _h("SSN 536/22/1234"), "536/22/1234"),
    ("steuer_id_dashes", 6, _h("Steuer-ID 860-957-427-19"), "860-957-427-19"),
    ("ip_defanged", 6, _h("client IP 81[.]2[.]69[.]142"), "81[.]2[.]69[.]142"),
    ("email_spaced", 6, _h("Mail anna.schmidt @ gmail . com"), "anna.schmidt @ gmail"),
    ("email_json_escaped_at", 6, _h('{"to": "anna.schmidt\\u0040gmail.com"}'), "anna.schmidt\\u0040gmail"),
    ("email_split_content_and_tool_args", 5, (
        HumanMessage("Write to anna.schmidt@"),
        AIMessage("", tool_calls=[{"name": "note", "args": {"domain": "gmail.com"}, "id": "c1"}]),
        ToolMessage("ok", tool_call_id="c1"),
    ), "anna.schmidt@"),
    # 6: facts a reader reads that no pattern covers
    ("name_without_cue", 6, _h("Please draft a letter to Anna Kowalczyk about her overdue invoice."), "Kowalczyk"),
    ("dob_in_words", 6, _h("Hans Meier was born on the third of April 1961."), "third of April 1961"),
    ("ssn_in_words", 6, _h("my ssn is five three six, twenty-two, one two three four"), "five three six"),
]  # fmt: skip

HELD: list[tuple[str, int, tuple[BaseMessage, ...], str]] = [
    ("csv_file_utf8", 4, _file("utf-8"), _b64("utf-8")),
    ("csv_file_utf8_bom", 4, _file("utf-8-sig"), _b64("utf-8-sig")),
    ("whole_string_base64", 4, _h(B64_IBAN), B64_IBAN),
    ("iban_three_blocks", 5, (HumanMessage(content=[{"type": "text", "text": "IBAN DE89 37"},
        {"type": "text", "text": "04 0044 05"}, {"type": "text", "text": "32 0130 00"}]),), "32 0130 00"),
    ("iban_split_ai_then_human", 5, (AIMessage("Your IBAN is DE89 3704"), HumanMessage("0044 0532 0130 00")),
        "0044 0532 0130 00"),
    ("iban_crlf", 6, _h("IBAN DE89 3704 0044\r\n0532 0130 00"), "0532 0130"),
    ("iban_compact_json", 6, _h('{"iban":"DE89370400440532013000"}'), "DE89370400440532013000"),
    ("phone_with_0_in_parens", 6, _h("Ruf an: +49 (0)30 1234567"), "1234567"),
    ("phone_dots", 6, _h("Ruf an: 030.123.4567"), "123.4567"),
    ("email_plus_tag", 6, _h("anna.schmidt+health@gmail.com"), "anna.schmidt+health"),
    ("email_idn", 6, _h("anna@müller-praxis.de"), "müller-praxis"),
    ("email_punycode", 6, _h("anna@xn--mller-praxis-ulb.de"), "xn--mller"),
    ("email_cyrillic_a", 6, _h("Mail \u0430nna.schmidt@ex\u0430mple.org"), "mple.org"),
    ("email_paren_at", 6, _h("anna.schmidt(at)gmail.com"), "anna.schmidt(at)"),
    ("email_hex_entities", 6, _h("anna.schmidt&#x40;gmail&#46;com"), "anna.schmidt&#x40;"),
    ("email_named_entities", 6, _h("anna.schmidt&commat;gmail&period;com"), "anna.schmidt&commat;"),
    ("email_mailto_percent", 6, _h("mailto:anna.schmidt%40gmail.com"), "anna.schmidt%40"),
    ("card_dashes", 6, _h("4111-1111-1111-1111"), "4111-1111-1111-1111"),
    ("ssn_spaces", 6, _h("SSN 536 22 1234"), "536 22 1234"),
    ("tool_args_umlaut_health", 3, (HumanMessage("go"),
        AIMessage("", tool_calls=[{"name": "note", "args": {"text": "Frau Müller, Diagnose F32.1"}, "id": "c1"}]),
        ToolMessage("ok", tool_call_id="c1")), "Diagnose F32.1"),
    ("tool_result_content_blocks", 3, (HumanMessage("go"),
        AIMessage("", tool_calls=[{"name": "n", "args": {}, "id": "c1"}]),
        ToolMessage(content=[{"type": "text", "text": "IBAN DE89 3704 0044 0532 0130 00"}], tool_call_id="c1")),
        "0044 0532"),
]  # fmt: skip


# Outside what the detector covers, as docs/privacy.md ("What the detector does not find") says:
# a name with no context cue, and numbers and dates spelled out in words.
NOT_COVERED = {
    "name_without_cue": "a name with no context cue is not detected (docs/privacy.md: Names without any context cue)",
    "dob_in_words": "dates spelled out in words are not detected (docs/privacy.md)",
    "ssn_in_words": "numbers spelled out in words are not detected (docs/privacy.md)",
}


def _params(rows: list[tuple[str, int, tuple[BaseMessage, ...], str]]) -> list[Any]:
    return [
        pytest.param(
            Case(id_, cls, messages, secret),
            path,
            id=f"{cls}-{id_}-{path}",
            marks=[pytest.mark.skip(reason=NOT_COVERED[id_])] if id_ in NOT_COVERED else [],
        )
        for id_, cls, messages, secret in rows
        for path in ("invoke", "astream")
    ]


@pytest.mark.parametrize(("case", "path"), _params(LEAKS))
def test_leak_variants_stay_local(dep: Deployment, case: Case, path: str) -> None:
    """Found leaking by the red team; each must end local (or in PrivacyViolationError)."""
    run_case(dep, case, path)


@pytest.mark.parametrize(("case", "path"), _params(HELD))
def test_held_variants_stay_local(dep: Deployment, case: Case, path: str) -> None:
    """Attacks that held: they guard against regressions."""
    run_case(dep, case, path)
