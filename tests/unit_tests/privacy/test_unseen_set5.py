"""Two sets written blind for 0.4.7, by class: what they showed missed and what they showed flagged wrongly.

Personal data (420 documents, first sight 90.5 % found): a chat copied without its dates ("15:47 Panagiotis:"),
a birthday told with the age ("I officially turned 40 on 11th November"), a residential address after its
label, a transition, a conviction in a German personnel file, unions by name, an operation abroad.
Clean text (540 documents, first sight 21.7 % flagged): a company's service lines after their label, its
departments' mailboxes ("ersatzteile@", "credit.control@", "Accounts payable .. ap@"), the account a UK
invoice asks to be paid into, a letterhead in capitals ("OAKFIELD FABRICATION LTD"), a change ticket read
as a passport. Every clean class has a twin in which a person is spoken of, and is found.
"""

from __future__ import annotations

import pytest

from langchain_aegis.privacy import detect


def _found(text: str, value: str, entity: str | None = None) -> bool:
    i = text.index(value)
    return any(f.start < i + len(value) and f.end > i and entity in (None, f.entity) for f in detect(text))


# --- found now -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "15:47 Panagiotis: kann ich dir was erzählen?\n15:50 Rigo: klar\n"
            "15:51 Panagiotis: ich bin schwul. und ich bin seit einem halben jahr mit Jonas zusammen",
            "schwul",
        ),
        (
            "#pride-network\nAlexei 14:40: welcome Steven!! glad you joined\n"
            "Steven 14:46: thanks! bit nervous tbh. I'm a lesbian and only a couple of people know.",
            "lesbian",
        ),
    ],
)
def test_a_chat_copied_without_dates_names_its_senders(text: str, value: str) -> None:
    assert _found(text, value, "SPECIAL_CATEGORY")


@pytest.mark.parametrize(
    "text",
    [
        "10:22:01 worker: started job 5\n10:22:02 Scheduler: done",  # a log's stamps and programs
        "Meeting at 10:30 Berlin: agenda below",
        "09:00 Standup: blockers\n09:15 Review: release notes",
    ],
)
def test_a_log_or_an_agenda_with_times_names_no_one(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "birthday"),
    [
        ("For the record, yes, I officially turned 40 on 11th November and no, I don't feel older.", "turned 40"),
        ("My son turns 18 on the 3rd of May, party at ours!", "turns 18"),
        ("Paul Morris turned 60 on 26th June.", "turned 60"),
    ],
)
def test_a_birthday_with_its_age_is_a_date_of_birth(text: str, birthday: str) -> None:
    assert _found(text, birthday, "DATE_OF_BIRTH")


@pytest.mark.parametrize(
    "text", ["The app turned 5 on March 3rd this year.", "Our company turns 25 on the 3rd of May!"]
)
def test_a_things_anniversary_is_no_birth(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "street"),
    [
        (
            "Spoke with the member re: returned mail. Member confirmed new residential address as "
            "161 Elmwood Road, Brighton BN1 8BN, effective today.",
            "161 Elmwood Road",
        ),
        ("Home address: 12 Sandymount Road, Leeds LS6 4DL", "12 Sandymount Road"),
        ("Meldeadresse: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5"),
    ],
)
def test_an_address_after_a_persons_address_label_is_theirs(text: str, street: str) -> None:
    assert _found(text, street, "ADDRESS")


def test_a_companys_new_address_is_not_a_residence() -> None:
    assert detect("Our company address is 5 Main Street, London N1 9GU.") == []


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Maya Mccoy: Gender Recognition Certificate application in progress.", "SPECIAL_CATEGORY"),
        ("Julia Jansson (HGV driver) joined SIPTU in March and asked for representation.", "SPECIAL_CATEGORY"),
        ("Mario Börner aus der Logistik ist seit letzter Woche Mitglied bei EVG.", "SPECIAL_CATEGORY"),
        (
            "Betrifft: Mária Virág. Eintragung: Verurteilung durch das Amtsgericht Dortmund wegen Betrug.",
            "SPECIAL_CATEGORY",
        ),
        ("Claimant: Priya Banerjee. Acute appendicitis requiring appendectomy, 5 nights as an inpatient.", "HEALTH"),
    ],
)
def test_new_terms_beside_a_name(text: str, entity: str) -> None:
    assert any(f.entity == entity for f in detect(text))


# --- left alone now --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Service und Ersatzteile: 0351 4866-400. Geben Sie bei Bestellungen die Seriennummer an.",
        "Servicehotline: 0911 5435-500 (Mo-Fr 7-18 Uhr)",
        "Störungsannahme (24/7): 030 76048-855",
        "Informationen: Störungshotline (24 Stunden): 03135 711-827",
        "Customer support: 0121 834 0594 (Mon-Fri 9am-5pm)",
        "Airport information desk: +49 89 975-00 (Munich)",
    ],
)
def test_a_service_line_after_its_label_is_the_services(text: str) -> None:
    assert [f for f in detect(text) if f.entity == "PHONE"] == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Hotline-Mitarbeiterin Frau Kessler ist direkt unter 0351 4866-412 erreichbar.", "0351 4866-412"),
        ("Die Hotline hat mich gebeten, meine Nummer zu hinterlassen: 0351 4866412", "0351 4866412"),
        ("Support: please call me back on 0161 832 4471, I'm at home all day.", "0161 832 4471"),
        ("Kundendienst - Rückruf an Kundin Anna Schmidt, Tel. 0351 4866412", "0351 4866412"),
        ("Hotline: 0171 2233445", "0171 2233445"),  # a mobile is someone's
    ],
)
def test_a_persons_number_near_a_service_word_is_found(text: str, number: str) -> None:
    # and a red team's: the customer, a guest, a callback, a first person on the line, a title
    assert _found(text, number)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Kundendienst - Rückrufnummer des Kunden: +49 201 7925685", "+49 201 7925685"),
        ("Reservations: guest contact number 0118 496 0570", "0118 496 0570"),
        ("Einwahl: 0911/4296973 (das ist meine Festnetznummer, bitte nicht weitergeben)", "0911/4296973"),
        ("Conference line: 069 58699623 - this is my home number, I'm working from home today", "069 58699623"),
        ("Konferenzleitung (Frau Schulz): 0911 4296973", "0911 4296973"),
        ("Call me on 0330 928 5883, that's my own number.", "0330 928 5883"),
    ],
)
def test_a_persons_number_behind_a_service_label_is_found(text: str, number: str) -> None:
    assert _found(text, number)


@pytest.mark.parametrize(
    "text",
    [
        "Quadrat Maschinenbau GmbH\n\nService und Ersatzteile: ersatzteile@quadrat-maschinenbau.de",
        "Lakeshore Controls Inc.\n\nRemittance advice: credit.control@lakeshore-controls.com.",
        "Pharmazeutischer Unternehmer: Vitrum Pharma GmbH, E-Mail: arzneimittelsicherheit@vitrum.de",
        "Bekanntmachung der Gemeinde Kirchdorf: Stellungnahmen elektronisch an bauleitplanung@gemeinde-kirchdorf.de",
        "Accounts payable .. ap@riverbend-systems.com · ext. 4",
        "Buchhaltung: fibu@firma.de",
    ],
)
def test_a_departments_mailbox_is_the_departments(text: str) -> None:
    assert [f for f in detect(text) if f.entity == "EMAIL"] == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Bitte wenden Sie sich an Herrn Ströbele: jstroebele@nordwind-energie.de", "jstroebele@nordwind-energie.de"),
        ("Ask me anything at sunshine@gmx.de", "sunshine@gmx.de"),  # a free mail service's user
        ("Contact: perezl@verizon.net", "perezl@verizon.net"),  # an internet provider's customer
        ("Anna Schmidt: ap@firma.de", "ap@firma.de"),
        ("Payroll - jp@smith-family.de", "jp@smith-family.de"),
    ],
)
def test_a_persons_mailbox_is_found(text: str, address: str) -> None:
    assert _found(text, address)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Bewerbung: d.patel@gmail.com", "d.patel@gmail.com"),
        ("From: Customer <k.yilmaz@gmail.com>", "k.yilmaz@gmail.com"),
        ("Reservierung: k.yilmaz@web.de", "k.yilmaz@web.de"),
        ("Kontakt <mueller.petra@gmail.com>", "mueller.petra@gmail.com"),
        ("Buchhaltung: mueller.petra@firma.de", "mueller.petra@firma.de"),
        ("Absender: sunshine@unitymedia.de\nBetreff: Kündigung zum 31.12.", "sunshine@unitymedia.de"),
        (
            "Kinderwagen zu verkaufen, 80 €, Abholung in Köln. Anfragen an dragonfly@mindspring.com",
            "dragonfly@mindspring.com",
        ),
    ],
)
def test_a_persons_mailbox_behind_a_label_or_a_purpose_is_found(text: str, address: str) -> None:
    assert _found(text, address)


def test_a_uk_invoices_account_to_pay_into_is_the_companys() -> None:
    text = (
        "STONEBRIDGE SOFTWARE LTD\nUnit 3, 229 Victoria Street, London N1 9GU\n\nINVOICE INV-2291\n"
        "Total due: £1,240.00\n\nPlease pay by BACS quoting the invoice number:\n"
        "Barclays Bank | Sort code 96-24-34 | Account 60379281\nIBAN GB93 BARC 9624 3460 3792 81 | BIC BARCGB22"
    )
    assert detect(text) == []


def test_a_letterhead_in_capitals_is_no_person_at_an_address() -> None:
    text = "OAKFIELD FABRICATION LTD\n26 Nelson Court, Leeds LS11 5BQ"
    assert detect(text) == []


def test_a_change_ticket_is_no_passport_and_a_passport_number_still_is() -> None:
    assert detect("Promotion to staging requires a passing load test. Change ticket: CHG6140767.") == []
    assert _found("Reisepass: C01X00T47", "C01X00T47", "DE_PASSPORT")


# --- a red team's second round against this release, both directions ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Paket angekommen am 04.04.2024: Gewicht 3.363 g, Maße 49 cm. Absender: Babymarkt GmbH",
        "Order arrived 18 September 2024. Parcel weight 7lb 3oz, size 40 x 30 cm. Welcome to Parcelhub tracking.",
        "Müller & Sohn GmbH - Lieferschein vom 11.11.2024\nPos. 1 Stahlwinkel 1.777 g - 49 cm",
        "The Preston office turned 20 on 3 May, and we celebrated with customers.",
        "Julia turned 10 on 14 February: the language now powers scientific computing.",
        "09:12 Laura: the diabetes dashboard build is green\n09:14 Tom: ok, merging",
        "Konferenzprogramm\n11:54 Felix: Keynote: advances in cancer immunotherapy\n12:00 Kaffeepause",
        "Prepared by Sarah Jones. Appendices A-C contain the benchmark tables.",
        "Der Bericht von John Smith kritisiert die Vorverurteilung des Unternehmens in den Medien.",
        "Ticket RCN-4411 assigned to John Smith.",
        "Paul Becker presented the gender recognition module of the HR system.",
        "Angaben des leistenden Unternehmers: Gamma AG, Steuernummer 21/815/08150",
        "Persönlich haftende Gesellschafterin: Muster Verwaltungs GmbH, Steuernummer 21/815/08150",
    ],
)
def test_the_new_rules_leave_business_and_technical_text_alone(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a private landlord, seller or tutor who names a company in a sentence: their own account
        (
            "Garagenmiete Juli bis Dezember, 6 x 45 EUR. Stromzähler abgelesen durch Westnetz GmbH.\n\n"
            "Bankverbindung: DE75 5001 0517 1955 0453 88",
            "DE75 5001 0517 1955 0453 88",
        ),
        (
            "Piano lessons, spring term, 10 x £30. Sheet music from Music Sales Ltd.\n\n"
            "Please pay by bank transfer to GB60 NWBK 2004 1568 7451 34",
            "GB60 NWBK 2004 1568 7451 34",
        ),
        # a person's row under a company's register line
        (
            "Amtsgericht Köln HRB 98765 | USt-IdNr DE123456789\n"
            "Kontoinhaber Vermieter (Wohnung 3) | IBAN DE15 3704 0044 3973 8256 59 | BIC COLSDE33",
            "DE15 3704 0044 3973 8256 59",
        ),
        (
            "Alpha Bau GmbH | HRB 12345 | Tel 0221 1234567\nSelbständige Reinigungskraft | - | Tel (0221) 8623350 | Fax -",
            "(0221) 8623350",
        ),
        # a passport number that looks like a change ticket, without a ticket's word
        ("Dokumentnummer CHG8912814", "CHG8912814"),
        ("Bridge line (Anna's desk): (0231) 4486244", "(0231) 4486244"),
    ],
)
def test_a_persons_data_the_new_exclusions_first_hid_is_found(text: str, value: str) -> None:
    assert _found(text, value)
