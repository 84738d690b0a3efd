# ruff: noqa: RUF001
# (typographic dashes on purpose)
"""Clean text a third set written blind showed the detector flagging (issue 12, 0.4.6), and its personal twins.

By class: an organisation's role mailboxes and brand domains, digit groups no card is written in,
a Fibre Channel WWN, a hotfix's or release notes' version, a barcode, a range of postcodes, a
physical constant, an order number, a UK company number, a company's legal form written as a
word, a public body's or a place's name before an address, a place and its county, an invoice's
"SHIP TO", "z. B." before an address, a wine's vintage and a journal's volume.
"""

from __future__ import annotations

import pytest

from langchain_aegis.privacy import detect


@pytest.mark.parametrize(
    "text",
    [
        "Please send remittance advice to vendors@tailspin-toys.net.",
        "Bitte Rechnungen an fibu@harzer-kunststofftechnik.de, Mahnungen an debitoren@ostsee-tiefkuehl.de.",
        "Rückfragen: vertraege@alpenblick-software.de oder vertrieb@hansa-bueroversorgung.de",
        "Automated mail from no-reply@pennine-water-systems.uk",
        "Terminvereinbarung über buergeramt@mainz.de oder gesundheitsamt@muenchen.de",
        "Goods in: receiving@thamesside-print.co.uk, payroll@fourth-coffee.com",
    ],
)
def test_role_mailboxes_and_brand_domains_are_an_organisations(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Write to anna.schmidt@acme-widgets.com", "anna.schmidt@acme-widgets.com"),
        ("hello@jpadilla.com", "hello@jpadilla.com"),
        ("info@praxis-mueller.de", "info@praxis-mueller.de"),
        ("kontakt@anna-schmidt.de", "kontakt@anna-schmidt.de"),
        ("ap.john.doe@fourth-coffee.com", "ap.john.doe@fourth-coffee.com"),
        ("My personal email is supplier1985@icloud.com.", "supplier1985@icloud.com"),  # a free mail service
        ("Du erreichst mich unter personal@claudiahartmann-online.de.", "personal@claudiahartmann-online.de"),
        ("rathaus@williams-family.com", "rathaus@williams-family.com"),
        ("landratsamt@koch-ralf.de", "landratsamt@koch-ralf.de"),
        ("hello@ronnypfannschmidt.de", "hello@ronnypfannschmidt.de"),
    ],
)
def test_a_persons_mailbox_stays_theirs(text: str, value: str) -> None:
    assert [text[f.start : f.end] for f in detect(text)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        '[2025-01-11T17:36:18.227Z] "POST /api/v1/orders HTTP/2" 200 - 3183 69492 10778 3672 "100.82.70.204"',
        "      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1",
        "Controller B: WWNN 50:0a:09:80:3f:d3:fc:18, mgmt 192.168.24.125",
        "Bekannter Fehler, behoben in Hotfix 3.6.15.9. Verteilung folgt.",
        "Driver package: 6.14.27.4 | Installer checksum on the download page",
        'vars:\n  kassen_version: "5.7.11.4"\n  ntp_server: 192.168.16.85',
        "Upgrade path: from 7.21.2.8 or later; older releases must first upgrade to 4.1.9.2.",
        'sku,gtin,title,price_usd\n4DU-43542,0472852573443,"Compressor annual service",329.10',
        "Basisdaten: Postleitzahlen 02826–02829 · Vorwahl 03581",
        "N_A = 6,022 140 76·10²³ mol⁻¹",
        "Hallo, meine Bestellung B-2024-098912 ist seit 9 Tagen in Bearbeitung.",
        "Greystone Facilities Limited, registered in England and Wales no. 08750945, registered office Sheffield",
        "Vistola Meble Sp. z o.o., ul. Prosta 1, Warszawa, tel. +48 22 574 51 00",
    ],
)
def test_numbers_that_are_no_persons(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Karte 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("Amex 3782 822463 10005", "3782 822463 10005"),
        ("card 5555-5555-5555-4444", "5555-5555-5555-4444"),
        ("client 2a02:810d:4b40:7b8:1c2f:9a11:fe3c:22d1 connected", "2a02:810d:4b40:7b8:1c2f:9a11:fe3c:22d1"),
        ("Login from 84.12.34.56 failed", "84.12.34.56"),
        ("Tel. 0171-123.456.78", "0171-123.456.78"),
        ("Tel.: 030 12345678, 030 87654321", "030 87654321"),
        ("John lives at 12 Corporation Street, Manchester. Phone 0161 496 0000.", "0161 496 0000"),
        ("Limited mobility since the fall. Reach her daughter at 020 7946 0958.", "020 7946 0958"),
        ("name,phone\nAnna,01510000001\nBen,01510000002\nCem,01510000003", "01510000002"),
    ],
)
def test_their_personal_twins_are_found(text: str, value: str) -> None:
    assert value in [text[f.start : f.end] for f in detect(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Gesundheitsamt München – Öffentliche Bekanntmachung\nGesundheitsamt München, Mühlenweg 66, 80331 München",
        "The hearing will be held in Council Chambers, City Hall, 463 Main Street.",
        "Marketing Authorisation Holder: Thameside Pharmaceuticals LLP, Unit 1 Market Street, Manchester M4 6WX",
        "BILL TO\nAccounts Payable Dept.\nAlpine Ski House Corporation\n3705 Research Park Drive\nSan Jose, CA 95113",
        "SHIP TO\nReceiving Dock 3\n3792 Franklin Street, Floor 18\nBoston, MA 02110",
        "Invoice to:\nLakeland Outdoor Supply LLP\nUnit 40 Harbour Road\nEdinburgh\nEH2 2ER",
        "June 9: Charles Dickens died in Higham, Kent, 153 years ago (1870).",
        'VERSION="${1:?Version fehlt, z. B. 4.6.9}"\nHOSTS=(192.168.195.70 10.5.61.242 172.20.221.57)',
    ],
)
def test_organisations_places_and_labels_are_no_persons(text: str) -> None:
    assert detect(text) == []
