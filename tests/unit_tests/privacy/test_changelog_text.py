"""Release notes, specifications and source code read as personal data, each family with its personal twin.

Found on 1,000 real local files (Debian changelogs and NEWS, the xz file format, Python sources):
a release's dotted number after a version word earlier on the line or after "changes in", a
numbered heading that ends in a dot, Unicode code point ranges read as phones, a compact
``yyyymmdd hhmmss`` time stamp read as a card, and ``Token.Name`` in code read as a name label.
"""

from __future__ import annotations

import pytest

from tests.unit_tests.privacy.test_real_text import found


@pytest.mark.parametrize(
    "text",
    [
        "  * debian/control (Standards-Version): update to 3.5.6.1.",
        "  * Update standards version to 4.5.0.2",
        "the definition in Debian Policy Manual (version >= 3.6.1.1), section 4",
        "supported upgrades from versions before 1.7.9.5 (the version in Ubuntu 12.04)",
        "Major changes in 3.31.0.2\n=========================",
        "Fixed in 2.4.1.3: the parser no longer crashes.",
        "2.1.2.2. Backward Size\n\n        Backward Size is stored ...",
    ],
)
def test_a_release_or_a_section_in_release_notes_is_no_ip_address(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Browser version: Firefox 118, IP 84.12.34.56",
        "App-Version 4.2, Login von 84.12.34.56",
        "version 3 user anna 84.12.34.56",
        "84.12.34.56. Anna hat sich eingeloggt",
        "Blocked since 84.132.12.77 kept retrying",
    ],
)
def test_a_login_address_next_to_a_version_word_stays_found(text: str) -> None:
    assert [entity for entity, _ in found(text)] == ["IP_ADDRESS"]


def test_unicode_code_point_ranges_are_no_phones() -> None:
    assert found("U+02D7, U+02EC-U+02EE, U+0346-U+034E, U+03E2-03EF, U+0460-0463, U+0466-U+0486") == []


def test_a_phone_after_a_plus_stays_found() -> None:
    assert found("Anruf von +49 151 23456789") == [("PHONE", "+49 151 23456789")]


@pytest.mark.parametrize("text", ["(e.g., 2008-08-30 17:21:59 or 20080830 172159)", "250101 000001 1 INFO dfs"])
def test_a_compact_time_stamp_is_no_card(text: str) -> None:
    assert found(text) == []


def test_a_card_number_stays_found() -> None:
    assert found("Karte 4111 1111 1111 1111") == [("CREDIT_CARD", "4111 1111 1111 1111")]


def test_an_attribute_called_name_in_code_is_no_name_label() -> None:
    assert found("Keyword = Token.Keyword\nName = Token.Name\nLiteral = Token.Literal\n") == []


def test_a_name_label_on_its_own_line_still_introduces_a_name() -> None:
    assert found("Antrag\nName\nBerit Okonkwo\nStraße\n") == [("PERSON", "Name\nBerit Okonkwo")]
