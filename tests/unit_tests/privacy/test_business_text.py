"""Clean business and technical text that a red-team found flagged, each family with its personal twin.

Found on 1,822 clean documents the project had never seen (man and info pages, API docs, invoices,
order confirmations, product sheets, journals): role mailboxes the list lacked, brands that end in a
short surname, systemd template units read as e-mail addresses, EAN-13 barcodes that pass Luhn,
the FSF's ZIP+4 after two spaces, routing numbers and barcodes after their label, numbered headings
and versions "since" a release, legal forms the company rule did not know, a sentence opening
with "Ihre Bestellung" read as a name, and ``Name:`` in a record about a thing.
"""

from __future__ import annotations

import pytest

from tests.unit_tests.privacy.test_real_text import found


@pytest.mark.parametrize(
    "text",
    [
        "Investor Relations: ir@acme-widgets.com",
        "Returns: retoure@nordwerk-industrie.de",
        "Data protection officer: dpo@acme-widgets.com",
        "Contact: info@rossmann.de",
        "Contact our billing team at billing@greenfield.com.",
        "Started getty@tty1.service - Getty on tty1.",
        "postgresql@15-main.service: Consumed 8.005s CPU time.",
        "systemctl restart wg-quick@wg0.service",
    ],
)
def test_an_organisations_mailbox_or_a_unit_is_no_persons_address(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text", ["hello@jpadilla.com", "hello@ronnypfannschmidt.de", "info@praxis-mueller.de", "anna.schmidt@acme.de"]
)
def test_a_mailbox_that_names_a_person_stays_found(text: str) -> None:
    assert [entity for entity, _ in found(text)] == ["EMAIL"]


@pytest.mark.parametrize("text", ["EAN: 4003275849073", '{"sku": "SKU-66412", "gtin": "4234844979451"}'])
def test_an_ean_barcode_is_no_card(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("text", ["Visa 4222222222222", "Kreditkarte: 4222 2222 2222 2"])
def test_a_thirteen_digit_visa_after_a_card_word_stays_a_card(text: str) -> None:
    assert [entity for entity, _ in found(text)] == ["CREDIT_CARD"]


@pytest.mark.parametrize(
    "text",
    [
        "Free Software Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA  02110-1301, USA.",
        "ABA routing: 026009593   Account: 1234567890",
        "UPC: 060087361609",
        "aws ecr get-login --registry-ids 012345678910 023456789012",
        "Seriennummer: 0151234567",
    ],
)
def test_a_labelled_number_is_no_phone(text: str) -> None:
    assert found(text) == []


def test_a_phone_after_its_own_label_next_to_an_account_number_stays_found() -> None:
    assert found("Tel.: 0151 2345678, Kontonummer: 0123456789") == [("PHONE", "0151 2345678")]


@pytest.mark.parametrize(
    "text",
    ["2.2.1.2 An Example of Context Format", "## 4.2.1.3 Installation", "It was broken since 1.6.5.2.",
     "seit Dpkg 1.4.1.17 unterstützt"],
)  # fmt: skip
def test_a_heading_number_or_a_release_is_no_ip_address(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text", ['85.214.132.117 - - [10/Oct/2025:13:55:36] "GET /"', "Login von 85.214.132.117 um 14 Uhr"]
)
def test_a_login_address_stays_found(text: str) -> None:
    assert [entity for entity, _ in found(text)] == ["IP_ADDRESS"]


@pytest.mark.parametrize(
    "text",
    [
        "Spreewerk Medien mbH, Tel. 030 2789 4410",
        "Acme GmbH, Tel. 040 2360 8800\nIhre Bestellung wurde versandt.",
        "Nordlicht Oy, puh. +358 9 4257 1100",
    ],
)
def test_a_companys_own_line_is_no_persons(text: str) -> None:
    assert found(text) == []


def test_a_mobile_at_a_company_stays_a_persons() -> None:
    assert [entity for entity, _ in found("Spreewerk Medien mbH, Mobil 0151 23456789")] == ["PHONE"]


@pytest.mark.parametrize(
    "text",
    ["Name: Widget Pro\nModel: WP-300", "$ pip show flask\nName: Flask\nVersion: 3.0.2",
     "Origin: Name\n           Der Name der Distribution"],
)  # fmt: skip
def test_a_name_label_in_a_record_about_a_thing_is_no_person(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text", ["Name: Oltmanns\nGeburtsdatum: 03.04.1961", "Name: Oltmanns\nVersion: 2\n\nName: Anna Schmidt"]
)
def test_a_name_label_in_a_persons_record_stays_found(text: str) -> None:
    assert "PERSON" in {entity for entity, _ in found(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Northbridge Packaging Ltd.\n17 Mill Lane\nLeeds LS10 1AB\nUnited Kingdom\nPhone +44 113 496 0877",
        "Greenfield Supplies LLC\n1200 Commerce Drive, Suite 400\nColumbus, OH 43215\nUSA\nPhone +1 614 228 9100",
    ],
)
def test_an_english_letterhead_is_the_companys(text: str) -> None:
    # "Mill Lane" after its house number is a street, not a person; a North American number may be
    # a landline or a mobile, and on a letterhead it is the company's.
    assert found(text) == []


def test_a_name_after_a_list_number_stays_a_name() -> None:
    assert ("HEALTH", "Anna Schmidt") in found("1 Anna Schmidt hat Diabetes")
