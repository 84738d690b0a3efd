"""Families of clean real-world text that were flagged, and the personal data next to them that must stay found.

Each family was found by scanning ~600 real files the project had never seen (Debian changelogs,
package metadata, `/etc` files, loghub log samples, translation files, time-zone tables,
encyclopedic excerpts): 7.2 % of the clean ones were flagged, 1.1 % after these fixes. Each test
states the family and varies it; each has a positive twin, so a fix that merely stops finding
anything fails.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect
from langchain_aegis.privacy._mailboxes import nobodys


def found(text: str) -> list[tuple[str, str]]:
    return [(f.entity, text[f.start : f.end]) for f in detect(text)]


# --- e-mail addresses that reach no person -------------------------------------------------

_ROLES = ["info", "kontakt", "contact", "support", "team", "verlag", "rechnung", "noreply", "no-reply", "presse"]
_LIST_ADDRESSES = [
    "numpy-discussion@python.org",
    "debian-l10n-german@lists.debian.org",
    "bug-gnulib@gnu.org",
    "distutils-sig@python.org",
    "procps@freelists.org",
    "pgsql-bugs@lists.postgresql.org",
]


@settings(max_examples=60, deadline=None)
@given(
    role=st.sampled_from(_ROLES),
    tail=st.sampled_from(["", "-team", "_42", "+invoices", "2"]),
    domain=st.sampled_from(["pustet.de", "explosion.ai", "redis.com", "stadtwerke-ulm.de", "acme-gmbh.com"]),
    frame=st.sampled_from(["Kontakt: {}", "Author-email: Team <{}>", "Bestellungen unter {}.", '"email": "{}"']),
)
def test_an_organisations_role_mailbox_is_not_a_person(role: str, tail: str, domain: str, frame: str) -> None:
    text = frame.format(f"{role}{tail}@{domain}")
    assert found(text) == []


@pytest.mark.parametrize("address", _LIST_ADDRESSES)
def test_a_mailing_list_is_not_a_person(address: str) -> None:
    assert found(f'"Language-Team: German <{address}>\\n"') == []


@pytest.mark.parametrize("address", ["deine@email.de", "contact@yourcompany.com", "name@ihre-firma.de"])
def test_a_templates_placeholder_address_is_nobodys(address: str) -> None:
    assert found(f"E-Mail: [{address}]") == []


@pytest.mark.parametrize(
    "address",
    [
        "anna.schmidt@pustet.de",  # a person at a company
        "info.anna.schmidt@web.de",  # a role word, but the person's name too
        "hello@ronnypfannschmidt.de",  # a role word at a domain that is a person's name
        "support-team_42@kanzlei-brandt.de",  # the lawyer's own firm
        "info@praxis-mueller.de",  # Dr. Müller's practice
        "j.padilla@gmail.com",
        "mueller.k@t-online.de",
    ],
)
def test_a_persons_address_is_still_found(address: str) -> None:
    assert found(f"Bitte an {address} schreiben.") == [("EMAIL", address)]


def test_role_words_do_not_hide_names_in_the_lexicon() -> None:
    assert not nobodys("anna.schmidt", "example.org")  # a reserved domain, but a real name
    assert not nobodys("kontakt.mueller", "web.de")
    assert nobodys("kontakt", "web.de")


# --- numbers that libphonenumber accepts and nobody dials ------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    year=st.integers(1990, 2035),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    hour=st.integers(0, 23),
    before=st.sampled_from(["2.14.1-4\n", "amd64 1.0-1\n", "", "ok\n"]),
    sep=st.sampled_from(["-", "/", "."]),
)
def test_a_log_lines_date_and_hour_is_no_phone(
    year: int, month: int, day: int, hour: int, before: str, sep: str
) -> None:
    iso = f"{year}{sep}{month:02d}{sep}{day:02d} {hour:02d}:39:09 status installed fontconfig:amd64"
    german = f"{day:02d}.{month:02d}.{year} {hour:02d}:39 Uhr Termin"
    assert [e for e, _ in found(before + iso)] == []
    assert [e for e, _ in found(before + german)] == []


@settings(max_examples=60, deadline=None)
@given(
    date=st.tuples(st.integers(0, 99), st.integers(1, 12), st.integers(1, 28)),
    time=st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)),
    thread=st.integers(1, 999),
)
def test_an_hdfs_log_timestamp_is_no_phone(date: tuple[int, int, int], time: tuple[int, int, int], thread: int) -> None:
    y, m, d = date
    hh, mm, ss = time
    text = f"{y:02d}{m:02d}{d:02d} {hh:02d}{mm:02d}{ss:02d} {thread} INFO dfs.DataNode$PacketResponder: done"
    assert found(text) == []


@pytest.mark.parametrize(
    "line",
    [
        "BR\t-0351-03225\tAmerica/Noronha",
        "CA\t+4953-09709\tAmerica/Winnipeg",
        "CA\t+682059-1334300\tAmerica/Inuvik",
        "US\t+404251-0740023\tAmerica/New_York",
        "AQ\t-6617+11031\tAntarctica/Casey",
    ],
)
def test_iso_6709_coordinates_are_neither_phone_nor_card(line: str) -> None:
    assert found(line) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Tel. 0351-03225", "0351-03225"),
        ("Tel +4930-1234567", "+4930-1234567"),
        ("Fax 030-1234567", "030-1234567"),
        ("Mobil 0171 2345678.Bitte zurückrufen", "0171 2345678"),
        ("call 0811 092036", "0811 092036"),
    ],
)
def test_phones_near_those_shapes_are_still_found(text: str, value: str) -> None:
    assert found(text) == [("PHONE", value)]


def test_digits_of_a_host_name_and_an_identifier_are_no_entity() -> None:
    assert found("sshd: authentication failure; rhost=061092085098.ctinets.com") == []
    assert found("for block blk_-6952295868487656571 terminating") == []
    assert found("Karte 4111 1111 1111 1111") == [("CREDIT_CARD", "4111 1111 1111 1111")]


# --- technical words and historical people ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Delete leftover symlinks pointing at crosswrapper.\n -- Andrej Shadura",
        '{"type": "password", "ui_name": "Secret Key"}',
        'msgstr "Passwortqualität für Frau Weber prüfen"',
    ],
)
def test_ssw_inside_a_word_is_no_pregnancy(text: str) -> None:
    assert not any(entity == "HEALTH" for entity, _ in found(text))


def test_ssw_as_a_word_still_is() -> None:
    assert ("HEALTH", "SSW") in found("Claudia Scholz ist in der 20. SSW schwanger.")


@pytest.mark.parametrize("machine", ["certificate", "TLS peer certificate", "SSH key", "host key", "SHA256"])
def test_a_machines_fingerprint_is_no_biometric_data(machine: str) -> None:
    assert found(f"{machine} fingerprint (Alan Cohen)") == []


def test_a_persons_fingerprint_still_is() -> None:
    assert ("SPECIAL_CATEGORY", "Herr Maier") in found("Herr Maier, Fingerabdruck und fingerprint gespeichert")


@pytest.mark.parametrize(
    "text",
    [
        "nbp 2/ddp # Name Binding Protocol",
        "domain 53/tcp # Domain Name Server",
        "(validName, Name.Variable)",
        "Metadata-Version: 2.4\nName: PyJWT\nVersion: 2.8.0",
    ],
)
def test_the_word_name_before_an_identifier_is_no_cue(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Name: Anna Schmidt", "Name: Anna Schmidt"),
        ("Name: Horvatovic", "Name: Horvatovic"),
        ("Name\tOltmanns", "Name\tOltmanns"),
        ("Name Anna Schmidt", "Name Anna Schmidt"),
        ("Name: McDonald", "Name: McDonald"),
    ],
)
def test_a_name_field_still_introduces_a_name(text: str, person: str) -> None:
    assert found(text) == [("PERSON", person)]


@pytest.mark.parametrize(
    "text",
    [
        "Im Jahre 1882 veröffentlichte Dr. Robert Koch seine Entdeckung des Erregers der Tuberkulose.",
        "In 1882, Dr. Robert Koch described the cause of tuberculosis.",
        "Marie Curie died in 1934 from aplastic pernicious anaemia.",
        "Robert Koch (1843-1910) beschrieb die Tuberkulose.",
        "Der Mediziner Robert Koch ist bekannt als Entdecker der Tuberkulose. "
        + "Er forschte weiter. " * 12
        + "Dabei sollte Robert Koch, der am 11. Dezember 1843 in Clausthal geboren wurde, Arzt werden.",
    ],
)
def test_a_person_who_died_long_ago_is_not_a_living_ones_health_data(text: str) -> None:
    assert found(text) == []


def test_a_historical_surname_spreads_through_one_document_only() -> None:
    article = (
        "Der Mediziner Dr. Koch war an Tuberkulose interessiert. "
        + "Er forschte weiter. " * 12
        + "Dabei sollte Robert Koch, der am 11. Dezember 1843 in Clausthal geboren wurde, Arzt werden."
    )
    assert found(article) == []
    # A prompt of many documents (over 12,000 characters) may name a living Dr. Koch elsewhere.
    prompt = "Dr. Koch hat Tuberkulose. " + "Die Besprechung wurde verschoben. " * 400 + article[56:]
    assert ("HEALTH", "Dr. Koch") in found(prompt)


@pytest.mark.parametrize(
    "text",
    [
        "Herr Müller verstarb 2019 an Krebs.",  # died recently: still protected
        "Frau Schmidt hat Diabetes. Der Vater starb 1975 an einem Herzinfarkt.",  # a relative's death
        "Frau Koch hat Diabetes Typ 2.",
    ],
)
def test_the_living_and_the_recently_dead_are_still_found(text: str) -> None:
    assert any(entity == "HEALTH" for entity, _ in found(text))


@pytest.mark.parametrize(
    "text",
    ["* Update from 1.2.99.2 to 1.2.99.4", "Bump libfoo-2 from 3.14.2.11 to 3.14.2.12", "upgraded from 1.2.99.2"],
)
def test_a_changelogs_version_update_is_no_ip_address(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "User updated profile from 85.214.132.117",
        "login from 85.214.132.117 to 85.214.132.118",
        "update: connection from 91.198.174.192",
    ],
)
def test_a_login_from_an_address_is_still_one(text: str) -> None:
    assert found(text)
    assert all(entity == "IP_ADDRESS" for entity, _ in found(text))


# --- a company's own contact data ---------------------------------------------------------

_FOOTERS = [
    "Nordlicht Software GmbH · Am Sandtorkai 41 · 20457 Hamburg\nTel.: +49 40 3007 4410 · E-Mail: "
    "rechnung@nordlicht-software.de\nIBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX · HRB 123456",
    "Kestrel Analytics Ltd, 12 Park Row, Leeds LS1 5HD\nCompany No. 09876543 · VAT Reg. No. GB 314 1592 65\n"
    "Tel: +44 113 496 0000",
    "Elektro Ostwind GmbH & Co. KG\nTelefon 0391 5554 2210 · Telefax 0391 5554 2219\n"
    "Bankverbindung: Volksbank Magdeburg eG · IBAN DE02 1203 0000 0000 2020 51",
]


@pytest.mark.parametrize("footer", _FOOTERS)
def test_a_companys_own_contact_block_is_not_personal(footer: str) -> None:
    assert found(f"Rechnung Nr. 2024-118\n\n{footer}\n") == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # An employee's signature: her name makes the direct line hers.
        ("Mit freundlichen Grüßen\nAnna Schmidt\nVertrieb, Muster GmbH\nTel. 030 12345678", "030 12345678"),
        # A private note next to an invoice, in one prompt: the blank line keeps them apart.
        (
            "kurze Info: meine neue Handynummer ist 0172-6488339.\nLG Miriam\n\n"
            "INVOICE #67662\nBlue Harbor Ltd.\nCompany No. 4745812",
            "0172-6488339",
        ),
        # A person's own address in the local part, beside a company.
        ("Kontakt: miriam.friedrich@outlook.com, Blue Harbor Ltd.", "miriam.friedrich@outlook.com"),
        # A cue names the person in the same block.
        ("Kunde Muster GmbH, Ansprechpartner Herr Maier, Tel. 030 12345678", "030 12345678"),
        # Someone speaking of their own number or account, beside a company's name.
        ("Rufen Sie mich unter 030 12345678 an. Becker Logistik AG", "030 12345678"),
        (
            "PS: Die Kaution bitte auf mein Konto DE17 5409 8093 4168 2211 32, Fischer Consulting AG",
            "DE17 5409 8093 4168 2211 32",
        ),
        (
            "new number is 020 7634 6343, my personal email is sarahwright@icloud.com. Schmidt & Söhne KG",
            "020 7634 6343",
        ),
        # A mobile number is someone's, even on a company's letterhead.
        ("Muster GmbH, Hauptstraße 5, Mobil 0171 2345678", "0171 2345678"),
        # A CRM export's row: a contact at a company is a person.
        ("Peter;Becker;peterbecker@mailbox.org;(030) 3284189;Acme Widgets Inc.", "(030) 3284189"),
        # A first.last address, in or outside the lexicon, also obfuscated, and a glued name.
        ("Kontakt: kerem.jansen(at)web.de, Müller GmbH, Hauptstraße 5", "kerem.jansen(at)web.de"),
        ("Becker Logistik AG, Ansprechpartner pbecker@becker-logistik.de, Tel. 030 1234567", "030 1234567"),
        # A tag after the name ("+billing") does not hide it.
        ("Muster GmbH. Contact me at jane.doe+billing@mail.example.co.uk", "jane.doe+billing@mail.example.co.uk"),
    ],
)
def test_a_persons_contact_data_beside_a_company_is_still_found(text: str, kept: str) -> None:
    assert kept in [value for _, value in found(text)]


# --- encyclopedic and business text, round 2 ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Robert Koch entdeckte den Erreger der Tuberkulose. Er starb am 27. Mai 1910, vermutlich an einem Herzinfarkt.",
        "Paula Modersohn-Becker wurde 1876 in Dresden geboren und verstarb am 20. November 1907 in Worpswede.",
        "First described by Burrill B. Crohn, MD, in 1932, the disease is chronic.",
        "Die Firma wird von den Nachkommen der Familie von Robert Bosch gehalten.",
        "Symptoms can vary from person to person, such as paralysis or chronic fatigue.",
        "People with MS may experience paresthesias and chronic pain.",
        "vendor patch 3.1.0.6 expected 20 Sep",
    ],
)
def test_encyclopedic_and_business_text_stays_clean(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Frau Schmidt hat Diabetes. Der Vater starb am 3. Mai 1975 an einem Herzinfarkt.", "HEALTH", "Frau Schmidt"),
        ("Herzinfarkt, Patientin: Laureen Bradford, Mutter † 1962", "HEALTH", "Patientin: Laureen Bradford"),
        ("Herr Maier hat Diabetes. Seine Mutter ist 1968 gestorben.", "HEALTH", "Herr Maier"),
        ("John Smith, b. 1961", "DATE_OF_BIRTH", "1961"),
        ("Frau Schmidt, geb. 03.04.1961", "DATE_OF_BIRTH", "03.04.1961"),
        ("Anna Roth: Gehalt 4.850 EUR brutto", "SPECIAL_CATEGORY", "Gehalt"),
        ("Frau Weber bekommt eine Gehaltserhöhung", "SPECIAL_CATEGORY", "Gehaltserhöhung"),
        ("can yilmaz hat diabetes", "HEALTH", "can yilmaz"),
        ("Patient May Smith, chronic kidney disease", "HEALTH", "Patient May Smith"),
    ],
)
def test_their_personal_twins_are_still_found(text: str, entity: str, value: str) -> None:
    assert (entity, value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["ref. 0068/279091", "Belegnummer 0071/204518", "Rechnungsnr.: 030 12345678", "Kundennummer 0301234567",
     "Order No. 0151 23456789", "Sendungsnummer 0301234567"],
)  # fmt: skip
def test_a_number_a_label_calls_a_reference_is_no_phone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text", ["Bei Rückfragen zur Rechnung: 030 12345678", "Telefonnummer 030 12345678", "Tel.-Nr. 030 12345678"]
)
def test_a_phone_after_a_phone_label_or_a_plain_word_still_is(text: str) -> None:
    assert [entity for entity, _ in found(text)] == ["PHONE"]
