"""A business's own lines, accounts and tax numbers stay clean; a person's beside them are still found.

Three classes from clean text written blind (0.4.7): UK ``03`` numbers (non-geographic lines only
businesses, public bodies and charities rent), a company letter's "please pay to" account when the
company is named in the letterhead rather than the paragraph, and an invoice footer or a till receipt
that holds the register or VAT number beside the account or the Steuernummer. Each has twins that
keep a person's number found, many of them from a red team's attack on the first cut: the same digits
in German text or about a person in Leipzig (0341 and 0345 are German area codes too), a first person,
a person named, a refund, friends splitting a company's bill, an account to be debited, a CRM export's
row, a tax adviser's client.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect


def _found(text: str, value: str) -> bool:
    i = text.index(value)
    return any(f.start < i + len(value) and f.end > i for f in detect(text))


@pytest.mark.parametrize(
    "text",
    [
        "Please remit any overdue balance (£1,240.00). Credit control: 0345 233 5872",
        "For opening hours call our customer service line on 0344 561 5440.",
        "Contact the council's housing team on 0300 123 7035 (Mon-Fri 9am-5pm).",
        "Job ref X46944. Questions about the role? Ring the recruitment team: 0333 300 2264",
        "Lines are open 8am to 8pm. From abroad dial +44 345 703 3789.",
        "Queries: accounts@kestrel-precision.co.uk | 0330 812 6940",
        "Support hotline (UK): +44 (0)370 010 0222",
    ],
)
def test_uk_non_geographic_lines_are_no_ones(text: str) -> None:
    assert [f for f in detect(text) if f.entity == "PHONE"] == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # Halle (0345) and Chemnitz (0371) are German area codes as well: in German text, a person's line.
        ("Rufen Sie mich bitte unter 0345 703 3789 an, ich bin ab 17 Uhr zu Hause.", "0345 703 3789"),
        ("Frau Wagner ist unter 0371 244 1587 erreichbar.", "0371 244 1587"),
        # ... and in English text about a person there, with or without a UK sign near.
        ("Hi, I'm selling my bike, pick-up in Leipzig. Call me on 0341 234 5678 after 6pm.", "0341 234 5678"),
        ("My wife and I live in Potsdam now; our landline is 0331-270-4455.", "0331-270-4455"),
        ("The customer (paid £40 by card) asks us to call her back on 0345 678 1234.", "0345 678 1234"),
        (
            "> could you please send us your contact details?\nKlar, meine Festnetznummer ist 0371 355 8812.",
            "0371 355 8812",
        ),
        # A German writer groups a five-digit area code on its own: Naumburg, not a UK line.
        ("Tel. privat: 03445 615440", "03445 615440"),
        # UK personal numbers: a mobile and a geographic line.
        ("Call me on my mobile 07912 345678 after six.", "07912 345678"),
        ("You can reach me at home on 0161 832 4471.", "0161 832 4471"),
    ],
)
def test_a_persons_number_with_the_same_digits_is_found(text: str, number: str) -> None:
    assert _found(text, number)


_DUNNING = (
    "Ostsee Software UG (haftungsbeschränkt) · Carl-Benz-Straße 116 · 59174 Kamen\n"
    "An Rheinland Software OHG, Buchhaltung, Am Hafen 10, 04129 Leipzig\n\n"
    "Sehr geehrte Damen und Herren,\n\n"
    "folgende Rechnung ist noch offen: RE-2023-87162 vom 30.10.2023, 4.882,83 EUR.\n\n"
    "Bitte überweisen Sie den Betrag bis zum 21.01.2024 {payee} IBAN DE82 3704 0044 9201 3930 73.\n\n"
    "Mit freundlichen Grüßen\n{signature}"
)
_IBAN = "DE82 3704 0044 9201 3930 73"


@pytest.mark.parametrize("payee", ["auf unser Konto", "auf das Konto", "auf das folgende Konto"])
def test_a_company_letters_account_to_pay_into_is_the_companys(payee: str) -> None:
    text = _DUNNING.format(payee=payee, signature="Ihre Debitorenbuchhaltung")
    assert detect(text) == []


@pytest.mark.parametrize(
    ("payee", "signature"),
    [
        ("auf mein Konto", "Ihre Debitorenbuchhaltung"),  # someone speaking of their own account
        ("auf das Konto", "Sabine Krüger"),  # a person signs: her account, or her data beside it
        ("auf das Konto meiner Mutter,", "Ihre Debitorenbuchhaltung"),
    ],
)
def test_a_persons_account_in_such_a_letter_is_found(payee: str, signature: str) -> None:
    assert _found(_DUNNING.format(payee=payee, signature=signature), _IBAN)


@pytest.mark.parametrize(
    "text",
    [
        # a company's refund to a customer: the customer's account
        "Sehr geehrte Kundin, sehr geehrter Kunde,\ndanke für Ihre Rücksendung.\n\nDie Erstattung erfolgt auf das Konto "
        f"{_IBAN}, das Sie angegeben haben.\n\nShop GmbH · HRB 33445",
        # a customer's withdrawal, quoting the shop's footer
        "Sehr geehrte Damen und Herren,\nich habe die Bestellung 30411 widerrufen.\n\nBitte überweisen Sie den Betrag "
        f"auf das Konto {_IBAN}.\n\n-- \nShop GmbH · Amtsgericht Berlin HRB 123456",
        # friends sharing a bill that a company sent
        "Hi, du schuldest mir noch 45 € für die Konzertkarten (über CTS Eventim AG & Co. KGaA).\n\nBitte auf das "
        f"Konto {_IBAN} überweisen.\n\nLG J.",
        "Hi all, the restaurant (Vapiano SE) charged 312 € for the team dinner.\n\nPlease pay to GB29 NWBK 6016 1331 "
        "9268 19 by Friday.\n\nSent from my iPhone",
        # a private landlord passing on a company's bill
        "Dear tenant, the service charge invoice from British Gas Services Ltd is enclosed. Balance due: 120 €.\n\n"
        f"Bank details: {_IBAN}",
    ],
)
def test_a_persons_account_in_a_text_that_names_a_company_is_found(text: str) -> None:
    iban = _IBAN if _IBAN in text else "GB29 NWBK 6016 1331 9268 19"
    assert _found(text, iban)


def test_an_account_to_pay_into_without_any_company_named_is_found() -> None:
    text = "Hallo zusammen,\n\nbitte überweist die 40 Euro für das Geschenk auf das Konto IBAN " + _IBAN + ".\n\nDanke!"
    assert _found(text, _IBAN)


def test_an_account_to_be_debited_is_found_even_in_a_company_letter() -> None:
    text = (
        "Stadtwerke Kamen GmbH · Postfach 12 · 59174 Kamen\n\n"
        "Wir ziehen den Abschlag von 84,00 EUR am 01.03. von Ihrem Konto IBAN " + _IBAN + " ein."
    )
    assert _found(text, _IBAN)


_FOOTER = (
    "Zahlbar innerhalb 30 Tagen ohne Abzug.\n"
    "Feldhaus Druck AG | HRB 36660, Amtsgericht Duisburg | USt-IdNr. DE435384652\n"
    "Tel. +49 341 77388-0 | info@feldhaus-druck.com | IBAN DE16 2505 0180 5350 9712 51 | BIC HYVEDEMMXXX"
)


def test_an_invoice_footer_in_columns_is_the_companys() -> None:
    assert detect(_FOOTER) == []


def test_a_crm_export_row_at_a_company_is_still_a_persons() -> None:
    text = (
        "name | company | phone | iban\n"
        "Anna Schmidt | Feldhaus Druck AG | +49 341 77388-14 | DE16 2505 0180 5350 9712 51\n"
    )
    assert _found(text, "DE16 2505 0180 5350 9712 51")


def test_a_receipts_steuernummer_beside_its_vat_number_is_the_shops() -> None:
    text = (
        "Getränkemarkt Quelle GmbH, Filiale 142\nRobert-Bosch-Straße 164b, 90402 Nürnberg\n\n"
        "SUMME EUR 224,79\n\nSt.-Nr. 378/030/36615   USt-IdNr. DE572143885\n"
        "Wir freuen uns auf Ihren nächsten Besuch."
    )
    assert detect(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Meine Steuernummer ist 378/030/36615, bitte für die Erklärung verwenden.",
        "Steuerberatung Kurz GmbH\nMandant: Jonas Petersen, St.-Nr. 378/030/36615",
        "Kanzlei Weber Steuerberatungsgesellschaft mbH · Markt 1 · 04109 Leipzig\nEinkommensteuer 2023, St.-Nr. 378/030/36615",
        "Müller & Partner Steuerberater PartG mbB\nBetreff: Ihre Einkommensteuererklärung 2023 (St.-Nr. 378/030/36615)",
        "Übungsleiter-Vereinbarung TSV Leipzig 1890 e.V.\nSt.-Nr. des Übungsleiters: 378/030/36615",
        # a freelancer's invoice: a VAT number, no legal form
        "Rechnung 17/2024\nBetrag: 850,00 €\n\nSt.-Nr. 378/030/36615 | USt-IdNr. DE136695976",
    ],
)
def test_a_persons_steuernummer_is_found(text: str) -> None:
    assert _found(text, "378/030/36615")


@settings(max_examples=60, deadline=None)
@given(
    first=st.sampled_from(["0300", "0330", "0333", "0343", "0344", "0370", "0372"]),
    middle=st.integers(100, 999),
    last=st.integers(0, 9999),
    sep=st.sampled_from([" ", "-"]),
    lead=st.sampled_from(["Call us on ", "Tel. ", "Rufen Sie uns an: ", "", "Helpline: "]),
)
def test_uk_lines_of_prefixes_no_german_writer_groups_so_are_clean(
    first: str, middle: int, last: int, sep: str, lead: str
) -> None:
    number = f"{first}{sep}{middle}{sep}{last:04d}"
    assert [f for f in detect(f"{lead}{number}") if f.entity == "PHONE"] == []


@pytest.mark.parametrize(
    "text",
    [
        "From: Billing Team <billing@fabrikam.net>\nTo: Accounts Payable <ap@fourth-coffee.com>\nSubject: RE: invoice",
        'To: "Accounts Receivable" <ar@wide-world-importers.net>',
        "An: Debitorenbuchhaltung <debitoren@vogtland-zerspanung.de>",
        "Cc: Credit Control <cc@harbourlight-foods.co.uk>",
    ],
)
def test_an_address_shown_behind_a_departments_name_is_the_departments(text: str) -> None:
    assert [f for f in detect(text) if f.entity == "EMAIL"] == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("To: Anna Schmidt <ap@fourth-coffee.com>", "ap@fourth-coffee.com"),
        ("From: Billing Team <anna.schmidt@fabrikam.net>", "anna.schmidt@fabrikam.net"),  # a person's own address
        ("To: Accounts Payable <ap1985@gmail.com>", "ap1985@gmail.com"),  # a user's account at a free service
        ("Cc: Payroll <jp@smith-family.de>", "jp@smith-family.de"),  # a family's own domain
    ],
)
def test_a_persons_address_behind_a_role_or_a_name_is_found(text: str, address: str) -> None:
    assert _found(text, address)


@pytest.mark.parametrize(
    "text",
    [
        "Kontakte\n  Konferenzbrücke: +49 30 14491-932, PIN 621145#",
        "Einwahl (DE): 069 5095 2871, Konferenz-ID 88412",
        "Dial-in number: +1 415 839 2671, access code 7741",
    ],
)
def test_a_conferences_dial_in_is_no_ones(text: str) -> None:
    assert [f for f in detect(text) if f.entity == "PHONE"] == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Bitte ruf mich nach der Konferenz unter 0171 2233445 an.", "0171 2233445"),
        ("Dial-in: my mobile 0171 2233445 if the bridge fails", "0171 2233445"),
        ("Konferenz: 0171 2233445 (Handy von Jens)", "0171 2233445"),
    ],
)
def test_a_persons_number_near_a_conference_is_found(text: str, number: str) -> None:
    assert _found(text, number)
