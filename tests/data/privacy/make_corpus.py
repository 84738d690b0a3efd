# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose; nested ifs keep the cheap test first)
"""Generate ``corpus.jsonl``: the document-level evaluation corpus of the privacy detector.

Each line is ``{"id", "lang", "doc_type", "text", "labels"}``; ``labels`` lists the
kinds of personal data the document holds (entity type names of
``langchain_aegis.privacy.ENTITY_TYPES``), or ``[]`` for a clean document.

The documents are written from hand-made templates (e-mails, letters, tickets,
Arztbriefe and clinical notes, HR notes, forms, chats; and as hard negatives:
logs, code, configs, invoices, technical tickets, release notes, encyclopedic
notes, CSV and JSON) filled from word lists. The identifiers are generated
with valid check digits by their own definitions (Luhn, mod 97, ICAO, ...),
never from the detector's patterns, and the fillers include names outside the
detector's lexicon. Run it again to rebuild the corpus (deterministic seed)::

    python tests/data/privacy/make_corpus.py
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from pathlib import Path

from stdnum import ean, iban
from stdnum.at import vnr

OUT = Path(__file__).with_name("corpus.jsonl")
R = random.Random(20261202)

# --- fillers -----------------------------------------------------------------------------

FIRST_DE = [
    "Anna",
    "Lena",
    "Sophie",
    "Marie",
    "Julia",
    "Laura",
    "Sarah",
    "Katrin",
    "Sabine",
    "Petra",
    "Monika",
    "Ursula",
    "Jana",
    "Miriam",
    "Heike",
    "Claudia",
    "Greta",
    "Emma",
    "Mia",
    "Frieda",
    "Thomas",
    "Michael",
    "Andreas",
    "Stefan",
    "Peter",
    "Klaus",
    "Jürgen",
    "Uwe",
    "Frank",
    "Jens",
    "Tobias",
    "Lukas",
    "Jonas",
    "Felix",
    "Maximilian",
    "Paul",
    "Niklas",
    "Florian",
    "Matthias",
    "Wolfgang",
]
FIRST_EN = [
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Emily",
    "Olivia",
    "Chloe",
    "Grace",
    "Oliver",
    "Harry",
    "George",
    "Jack",
    "Noah",
    "Ethan",
]
FIRST_OTHER = [
    "Mehmet",
    "Ayşe",
    "Fatma",
    "Emre",
    "Piotr",
    "Agnieszka",
    "Giulia",
    "Marco",
    "Dimitrios",
    "Ioana",
    "Ngoc",
    "Sven",
    "Bjarne",
    "Zeynep",
    "Elif",
    "Kerem",
    "Luca",
]
LAST_DE = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
]
LAST_EN = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Evans",
    "Turner",
]
LAST_OTHER = [
    "Yılmaz",
    "Kaya",
    "Demir",
    "Öztürk",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Rossi",
    "Esposito",
    "Papadopoulos",
    "Popescu",
    "Nguyen",
    "Petrović",
    "Horvat",
    "Jansen",
    "Lindqvist",
    "Brennecke",
    "Tiedemann",
    "Oltmanns",
    "Wübbena",
]
STREETS_DE = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenweg",
    "Schillerstraße",
    "Goethestraße",
    "Lindenallee",
    "Kirchgasse",
    "Am Markt",
    "Rosenweg",
    "Birkenweg",
    "Mozartstraße",
    "Ringstraße",
    "Schulstr.",
    "Uferstraße",
    "Bergstraße",
    "Friedrich-Ebert-Str.",
    "Alte Dorfstraße",
    "Im Winkel",
]
CITIES_DE = [
    ("10115", "Berlin"),
    ("80331", "München"),
    ("20095", "Hamburg"),
    ("50667", "Köln"),
    ("60311", "Frankfurt am Main"),
    ("70173", "Stuttgart"),
    ("04109", "Leipzig"),
    ("01067", "Dresden"),
    ("90402", "Nürnberg"),
    ("28195", "Bremen"),
    ("30159", "Hannover"),
    ("44135", "Dortmund"),
    ("48143", "Münster"),
    ("79098", "Freiburg"),
    ("24103", "Kiel"),
]
STREETS_EN = [
    "Baker Street",
    "Oak Avenue",
    "Maple Drive",
    "High Street",
    "Church Road",
    "Elm Street",
    "Park Lane",
    "Station Road",
    "Pine Street",
    "Victoria Road",
    "Main Street",
    "Cedar Lane",
]
CITIES_EN = [
    "Springfield, IL 62704",
    "Austin, TX 78701",
    "Portland, OR 97205",
    "Boston, MA 02108",
    "London NW1 6XE",
    "Manchester M1 1AE",
    "Leeds LS1 4AP",
    "Denver, CO 80202",
]
DIAG_DE = [
    ("Diabetes mellitus Typ 2", "E11.9"),
    ("arterielle Hypertonie", "I10"),
    ("mittelgradige depressive Episode", "F32.1"),
    ("Asthma bronchiale", "J45.9"),
    ("chronische Niereninsuffizienz Stadium 3", "N18.3"),
    ("Vorhofflimmern", "I48.9"),
    ("Pneumonie", "J18.9"),
    ("Hypothyreose", "E03.9"),
    ("Migräne ohne Aura", "G43.0"),
    ("Lumbago", "M54.5"),
    ("Herzinsuffizienz NYHA II", "I50.9"),
    ("COPD GOLD 2", "J44.9"),
]
DIAG_EN = [
    ("type 2 diabetes", "E11.9"),
    ("hypertension", "I10"),
    ("major depressive disorder", "F32.1"),
    ("asthma", "J45.9"),
    ("chronic kidney disease stage 3", "N18.3"),
    ("atrial fibrillation", "I48.9"),
    ("community-acquired pneumonia", "J18.9"),
    ("hypothyroidism", "E03.9"),
    ("migraine", "G43.9"),
    ("COPD", "J44.9"),
]
MEDS = [
    "Metformin 1000 mg 1-0-1",
    "Ramipril 5 mg 1-0-0",
    "Bisoprolol 2,5 mg",
    "L-Thyroxin 75 µg",
    "Sertralin 50 mg",
    "Apixaban 5 mg 1-0-1",
    "Pantoprazol 40 mg",
    "Salbutamol bei Bedarf",
    "Atorvastatin 20 mg",
]
MEDS_EN = [
    "metformin 500 mg twice daily",
    "lisinopril 10 mg daily",
    "sertraline 50 mg",
    "atorvastatin 40 mg at night",
    "levothyroxine 75 mcg",
    "apixaban 5 mg bid",
    "albuterol inhaler as needed",
]
COMPANIES = [
    "Müller Maschinenbau GmbH",
    "Schmidt & Söhne KG",
    "Becker Logistik AG",
    "Nordlicht Software GmbH",
    "Acme Widgets Inc.",
    "Blue Harbor Ltd.",
    "Weber Elektro GmbH & Co. KG",
    "Fischer Consulting AG",
]
DE_AREAS = [
    "030",
    "089",
    "040",
    "0221",
    "069",
    "0711",
    "0341",
    "0351",
    "0911",
    "0421",
    "0511",
    "0231",
    "0251",
    "0761",
    "0431",
]
MOBILE = [("0151", 8), ("0160", 7), ("0170", 7), ("0171", 7), ("0172", 7), ("0176", 8), ("0157", 8), ("0162", 7)]


def person(lang: str) -> tuple[str, str]:
    firsts = (FIRST_DE if lang == "de" else FIRST_EN) + FIRST_OTHER
    lasts = (LAST_DE if lang == "de" else LAST_EN) + LAST_OTHER
    return R.choice(firsts), R.choice(lasts)


def ascii_fold(s: str) -> str:
    table = str.maketrans(
        {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ş": "s", "ś": "s", "ć": "c", "Ö": "Oe"}
    )
    return s.translate(table).lower()


def email_of(first: str, last: str) -> str:
    domain = R.choice(
        ["web.de", "gmx.de", "posteo.de", "t-online.de", "gmail.com", "outlook.com", "mailbox.org", "icloud.com"]
    )
    sep = R.choice([".", "_", ""])
    return f"{ascii_fold(first)}{sep}{ascii_fold(last)}{R.choice(['', '', str(R.randint(1, 99))])}@{domain}"


def birth_date(lang: str) -> str:
    y, m, d = R.randint(1935, 2005), R.randint(1, 12), R.randint(1, 28)
    months_de = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
    months_en = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    if lang == "de":
        return R.choice([f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d}. {months_de[m - 1]} {y}"])
    return R.choice([f"{months_en[m - 1]} {d}, {y}", f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}"])


def phone_de() -> str:
    if R.random() < 0.4:
        p, size = R.choice(MOBILE)
        rest = str(R.randint(10 ** (size - 1), 10**size - 1))
        return R.choice([f"{p} {rest}", f"{p}-{rest}", f"{p}/{rest}", f"+49 {p[1:]} {rest}"])
    a, rest = R.choice(DE_AREAS), str(R.randint(2000000, 8999999))
    return R.choice(
        [f"{a} {rest}", f"{a}/{rest[:3]} {rest[3:]}", f"+49 {a[1:]} {rest}", f"({a}) {rest}", f"{a}-{rest}"]
    )


def phone_en() -> str:
    area, ex, line = R.choice(["415", "212", "312", "617", "206", "303"]), R.randint(201, 899), R.randint(1000, 9999)
    if ex == 555:
        ex = 556
    if R.random() < 0.3:
        return R.choice(
            [
                f"020 7{R.randint(100, 999)} {R.randint(1000, 9999)}",
                f"+44 20 7{R.randint(100, 999)} {R.randint(1000, 9999)}",
            ]
        )
    return R.choice(
        [
            f"({area}) {ex}-{line}",
            f"{area}-{ex}-{line}",
            f"+1 {area} {ex} {line}",
            f"1-{area}-{ex}-{line}",
            f"{area}.{ex}.{line}",
        ]
    )


def de_iban() -> str:
    bban = f"{R.randint(10000000, 89999999)}{R.randint(0, 9999999999):010d}"
    check = iban.calc_check_digits("DE00" + bban)
    raw = f"DE{check}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4)) if R.random() < 0.7 else raw


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for c in string.digits:
        digits = body + c
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return digits
    raise AssertionError


def card() -> str:
    n = luhn_complete(R.choice(["4", "51", "55", "22"]), 16)
    return R.choice(
        [" ".join(n[i : i + 4] for i in range(0, 16, 4)), "-".join(n[i : i + 4] for i in range(0, 16, 4)), n]
    )


def tax_id() -> str:
    from stdnum.de import idnr

    while True:
        digits = list(str(R.randint(1, 9)) + "".join(R.choice(string.digits) for _ in range(9)))
        body = "".join(digits)
        product = 10
        for ch in body:
            total = (int(ch) + product) % 10 or 10
            product = total * 2 % 11
        cand = body + str((11 - product) % 10)
        if idnr.is_valid(cand) and not any(cand[i] == cand[i + 1] == cand[i + 2] for i in range(8)):
            return R.choice([cand, f"{cand[:2]} {cand[2:5]} {cand[5:8]} {cand[8:]}"])


def ssn() -> str:
    area = R.choice([R.randint(1, 665), R.randint(667, 899)])
    return f"{area:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"


def kvnr() -> str:
    letter = R.choice(string.ascii_uppercase)
    body = "".join(R.choice(string.digits) for _ in range(8))
    digits = f"{ord(letter) - 64:02d}" + body
    total = sum((lambda x: x // 10 + x % 10)(int(d) * (1 if i % 2 == 0 else 2)) for i, d in enumerate(digits))
    return f"{letter}{body}{total % 10}"


def rvnr() -> str:
    head = f"{R.choice([12, 13, 15, 65, 53, 28])}{R.randint(1, 28):02d}{R.randint(1, 12):02d}{R.randint(40, 99):02d}"
    letter, serial = R.choice("ABDEFGHKLMNRSTW"), f"{R.randint(0, 99):02d}"
    digits = head + f"{ord(letter) - 64:02d}" + serial
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum((lambda x: x // 10 + x % 10)(int(d) * w) for d, w in zip(digits, weights, strict=True))
    return R.choice([f"{head[:2]} {head[2:]} {letter} {serial}{total % 10}", f"{head}{letter}{serial}{total % 10}"])


def ahv() -> str:
    body = "756" + "".join(R.choice(string.digits) for _ in range(9))
    n = body + ean.calc_check_digit(body)
    return R.choice([f"{n[:3]}.{n[3:7]}.{n[7:11]}.{n[11:]}", n])


def svnr() -> str:
    while True:
        serial = f"{R.randint(100, 999)}"
        born = f"{R.randint(1, 28):02d}{R.randint(1, 12):02d}{R.randint(40, 99):02d}"
        check = vnr.calc_check_digit(serial + "0" + born)
        if check != "10" and len(check) == 1:
            return f"{serial}{check} {born}"


def nhs() -> str:
    while True:
        body = "".join(R.choice(string.digits) for _ in range(9))
        check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
        if check == 11:
            check = 0
        if check != 10:
            n = body + str(check)
            return f"{n[:3]} {n[3:6]} {n[6:]}"


def nino() -> str:
    first = R.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = R.choice("ABCEGHJKLMNPRSTWXYZ")
    d = "".join(R.choice(string.digits) for _ in range(6))
    return R.choice(
        [f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {R.choice('ABCD')}", f"{first}{second}{d}{R.choice('ABCD')}"]
    )


def id_card() -> str:
    alphabet = "CFGHJKLMNPRTVWXYZ0123456789"
    while True:
        body = R.choice("LMNPRTVWXYZ") + "".join(R.choice(alphabet) for _ in range(8))
        if sum(c.isdigit() for c in body) >= 2:
            check = sum(int(ch, 36) * (7, 3, 1)[i % 3] for i, ch in enumerate(body)) % 10
            return body + str(check)


def plate() -> str:
    return f"{R.choice(['B', 'M', 'HH', 'K', 'F', 'S', 'D', 'HB', 'L', 'DD', 'N'])}-{R.choice(string.ascii_uppercase)}{R.choice(string.ascii_uppercase)} {R.randint(1, 9999)}"


def public_ip() -> str:
    return R.choice(["85.214.132.", "91.198.174.", "62.157.140.", "79.140.42.", "217.160.0.", "46.4.100."]) + str(
        R.randint(2, 250)
    )


# --- positive documents --------------------------------------------------------------------


def pos_email_de() -> tuple[str, list[str]]:
    f, lname = person("de")
    kinds = ["EMAIL", "PHONE"]
    mail, tel = email_of(f, lname), phone_de()
    body = R.choice(
        [
            f"Hallo zusammen,\n\nich bin ab Montag wieder erreichbar. Für Rückfragen zur Wohnungsübergabe: {tel} oder {mail}.\n\nViele Grüße\n{f} {lname}",
            f"Sehr geehrte Damen und Herren,\n\nbitte senden Sie die Unterlagen an {mail}. Telefonisch bin ich unter {tel} zu erreichen.\n\nMit freundlichen Grüßen\n{f} {lname}",
            f"Hi,\nkurze Info: meine neue Handynummer ist {tel}, Mail bleibt {mail}.\nLG {f}",
        ]
    )
    if R.random() < 0.3:
        body += f"\n\nPS: Die Kaution bitte auf mein Konto {de_iban()} zurücküberweisen."
        kinds.append("IBAN")
    return body, kinds


def pos_email_en() -> tuple[str, list[str]]:
    f, lname = person("en")
    mail, tel = email_of(f, lname), phone_en()
    body = R.choice(
        [
            f"Hi team,\n\nI'll be out of office until Friday. If anything urgent comes up, call me on {tel} or write to {mail}.\n\nThanks,\n{f} {lname}",
            f"Dear Sir or Madam,\n\nplease update my contact details: phone {tel}, e-mail {mail}.\n\nKind regards,\n{f} {lname}",
            f"hey, it's {f} - new number is {tel}. my personal email is {mail} btw",
        ]
    )
    return body, ["EMAIL", "PHONE"]


def pos_letter_de() -> tuple[str, list[str]]:
    f, lname = person("de")
    street, (plz, city) = R.choice(STREETS_DE), R.choice(CITIES_DE)
    head = R.choice([f"{f} {lname}", f"Familie {lname}", f"{f} {lname}"])
    text = R.choice(
        [
            f"{head}\n{street} {R.randint(1, 120)}\n{plz} {city}\n\nKündigung meines Mietvertrags\n\nHiermit kündige ich fristgerecht zum Monatsende.",
            f"Absender: {f} {lname}, {street} {R.randint(1, 80)}{R.choice(['', 'a', 'b'])}, {plz} {city}\n\nWiderspruch gegen den Bescheid vom 12. Mai",
            f"Lieferadresse: {f} {lname}, {street} {R.randint(1, 99)}, {plz} {city}. Bitte beim Nachbarn abgeben, falls niemand öffnet.",
            f"Die Zeugin {f} {lname}, wohnhaft {street} {R.randint(1, 60)} in {plz} {city}, gab an, den Unfall beobachtet zu haben.",
        ]
    )
    return text, ["ADDRESS"]


def pos_letter_en() -> tuple[str, list[str]]:
    f, lname = person("en")
    text = R.choice(
        [
            f"{f} {lname}\n{R.randint(1, 999)} {R.choice(STREETS_EN)}\n{R.choice(CITIES_EN)}\n\nRe: Account closure\n\nPlease close my account effective immediately.",
            f"Ship to: {f} {lname}, {R.randint(1, 999)} {R.choice(STREETS_EN)}, {R.choice(CITIES_EN)}",
            f"Tenant {f} {lname} of {R.randint(1, 400)} {R.choice(STREETS_EN)}, {R.choice(CITIES_EN)} reported a leak in the bathroom.",
        ]
    )
    return text, ["ADDRESS"]


def pos_arztbrief() -> tuple[str, list[str]]:
    f, lname = person("de")
    (d1, icd1), (d2, icd2) = R.sample(DIAG_DE, 2)
    dob = birth_date("de")
    sex = R.choice(["Frau", "Herr"])
    patient = "Patientin" if sex == "Frau" else "Patienten"
    kinds = ["HEALTH", "DATE_OF_BIRTH"]
    parts = [
        R.choice(
            [
                f"Sehr geehrte Frau Kollegin, sehr geehrter Herr Kollege,\n\nwir berichten über {sex} {f} {lname}, geb. {dob}, die/der sich vom 03.02. bis 11.02. in unserer stationären Behandlung befand.",
                f"Arztbrief\n\n{patient}: {lname}, {f}, * {dob}\nAufnahme: 03.02.2026, Entlassung: 11.02.2026",
                f"Entlassungsbericht für {sex} {lname} (geboren am {dob})",
                f"Wir entlassen heute {lname}, {f} (geb. {dob}) in die hausärztliche Weiterbehandlung.",
            ]
        ),
        f"Diagnosen:\n- {d1} ({icd1})\n- {d2} ({icd2})",
        "Medikation bei Entlassung:\n" + "\n".join(f"- {m}" for m in R.sample(MEDS, 3)),
        R.choice(
            [
                "Labor: HbA1c 8,4 %, Kreatinin 1,3 mg/dl, CRP < 5 mg/l.",
                "Im EKG Sinusrhythmus, keine Erregungsrückbildungsstörungen.",
                "Der Verlauf war komplikationslos.",
            ]
        ),
        "Mit freundlichen kollegialen Grüßen\nDr. med. " + R.choice(LAST_DE) + ", Oberarzt",
    ]
    if R.random() < 0.35:
        parts.insert(1, f"Versichertennummer: {kvnr()}")
        kinds.append("DE_KVNR")
    if R.random() < 0.3:
        parts.insert(1, f"Fallnummer {R.randint(2020, 2026)}/{R.randint(10000, 99999)}")
        kinds.append("MEDICAL_RECORD")
    return "\n\n".join(parts), kinds


def pos_clinical_en() -> tuple[str, list[str]]:
    f, lname = person("en")
    d, icd = R.choice(DIAG_EN)
    age, sex = R.randint(19, 90), R.choice(["M", "F"])
    text = R.choice(
        [
            f"Pt. {f} {lname}, {age}{sex}, presents with poorly controlled {d}. HbA1c {R.randint(70, 110) / 10}%. Plan: {R.choice(MEDS_EN)}.",
            f"{f} {lname} ({age} y/o {'male' if sex == 'M' else 'female'}) was admitted with {d}. Started on {R.choice(MEDS_EN)}.",
            f"Progress note: Mrs. {lname} reports improved sleep since starting {R.choice(MEDS_EN)} for {d}.",
            f"Discharge summary - patient {f} {lname}. Diagnosis: {d} ({icd}). Follow-up with GP in 2 weeks.",
            f"{lname} has {d} and takes {R.choice(MEDS_EN)}; BP 150/95 today.",
        ]
    )
    return text, ["HEALTH"]


def pos_health_short_de() -> tuple[str, list[str]]:
    f, lname = person("de")
    d, _ = R.choice(DIAG_DE)
    text = R.choice(
        [
            f"{lname} hat {d} und bekommt seit März {R.choice(MEDS)}.",
            f"Kurze Info fürs Team: {f} {lname} ist bis Ende der Woche krankgeschrieben ({d}).",
            f"Bewohnerin {f} {lname}, Zimmer 12: Blutzucker heute 240 mg/dl, Insulin nach Schema.",
            f"{f} {lname} ist in der 20. SSW schwanger und möchte ab Juni in Elternzeit.",
            f"Herr {lname} ist HIV-positiv und wird antiretroviral behandelt.",
        ]
    )
    return text, ["HEALTH"]


def pos_special() -> tuple[str, list[str]]:
    lang = R.choice(["de", "en"])
    f, lname = person(lang)
    if lang == "de":
        text = R.choice(
            [
                f"Personalakte {f} {lname}: Konfession römisch-katholisch, Kirchensteuer 9 %.",
                f"{f} {lname} verdient derzeit 4.850 € brutto im Monat; die Gehaltserhöhung wurde abgelehnt.",
                f"Vertraulich: {f} {lname} ist Mitglied der Gewerkschaft ver.di und im Betriebsrat aktiv.",
                f"Frau {lname} hat sich im Team als lesbisch geoutet und bittet um Diskretion.",
            ]
        )
    else:
        text = R.choice(
            [
                f"HR note: {f} {lname}'s annual salary is $92,000 plus bonus.",
                f"{f} {lname} is a practising Muslim and asked for a prayer room.",
                f"Confidential: Mr. {lname} disclosed that he is gay and a union member.",
            ]
        )
    return text, ["SPECIAL_CATEGORY"]


def pos_hr_ids() -> tuple[str, list[str]]:
    f, lname = person("de")
    choice = R.randint(0, 3)
    if choice == 0:
        return f"Neue Mitarbeiterin: {f} {lname}\nSteuer-ID: {tax_id()}\nIBAN: {de_iban()}\nRV-Nummer: {rvnr()}", [
            "DE_TAX_ID",
            "IBAN",
            "DE_PENSION_ID",
        ]
    if choice == 1:
        return (
            f"Für die Lohnabrechnung brauchen wir noch Ihre Sozialversicherungsnummer. Laut Ausweis lautet sie {rvnr()}.",
            ["DE_PENSION_ID"],
        )
    if choice == 2:
        return f"Bitte überweisen Sie die Erstattung auf {de_iban()} (Kontoinhaber {f} {lname}).", ["IBAN"]
    return f"Personalausweisnummer {id_card()}, ausgestellt in {R.choice(CITIES_DE)[1]}.", ["DE_ID_CARD"]


def pos_us_uk() -> tuple[str, list[str]]:
    f, lname = person("en")
    choice = R.randint(0, 5)
    if choice == 0:
        return f"Applicant: {f} {lname}\nSSN: {ssn()}\nDOB: {birth_date('en')}", ["US_SSN", "DATE_OF_BIRTH"]
    if choice == 1:
        return f"Card on file: {card()}, exp 09/28. Please charge the deposit.", ["CREDIT_CARD"]
    if choice == 2:
        return f"Your NHS number is {nhs()}. Bring it to your appointment on Tuesday.", ["UK_NHS"]
    if choice == 3:
        return f"National Insurance number: {nino()} - please add it to the payroll record for {f}.", ["UK_NINO"]
    if choice == 4:
        return (
            f"Driver's license no. {R.choice(string.ascii_uppercase)}{R.randint(1000000, 9999999)} (CA), issued to the claimant.",
            ["DRIVER_LICENSE"],
        )
    return f"Login alert: new sign-in for {email_of(f, lname)} from {public_ip()} (Chrome on Windows).", [
        "EMAIL",
        "IP_ADDRESS",
    ]


def pos_dach() -> tuple[str, list[str]]:
    choice = R.randint(0, 3)
    if choice == 0:
        return f"AHV-Nummer: {ahv()}\nBitte auf dem Anmeldeformular eintragen.", ["CH_AHV"]
    if choice == 1:
        return f"Versicherungsnummer (SVNR) {svnr()}, ÖGK Wien.", ["AT_SVNR"]
    if choice == 2:
        return (
            f"Das Fahrzeug mit dem Kennzeichen {plate()} parkte zwei Stunden im Halteverbot; die Halterin wurde angeschrieben.",
            ["DE_LICENSE_PLATE"],
        )
    return f"Meine Krankenversichertennummer ist {kvnr()}, Karte liegt bei.", ["DE_KVNR"]


def pos_form_csv() -> tuple[str, list[str]]:
    rows = ["name;email;telefon;geburtsdatum"]
    for _ in range(R.randint(2, 5)):
        f, lname = person("de")
        rows.append(f"{f} {lname};{email_of(f, lname)};{phone_de()};{birth_date('de')}")
    return "\n".join(rows), ["EMAIL", "PHONE"]


def pos_chat_obfuscated() -> tuple[str, list[str]]:
    f, lname = person(R.choice(["de", "en"]))
    local = ascii_fold(f) + "." + ascii_fold(lname)
    return R.choice(
        [
            (f"schreib mir einfach: {local} [at] posteo [dot] de", ["EMAIL"]),
            (f"Kontakt: {local}(at)web.de", ["EMAIL"]),
            (f"Meine IBAN: {de_iban().replace(' ', chr(0xA0))}", ["IBAN"]),
            (f"call me at {phone_en().replace('-', chr(0x2013))}", ["PHONE"]),
            (f"Mail: {local}&#64;gmx.de", ["EMAIL"]),
        ]
    )


def pos_dob_variants() -> tuple[str, list[str]]:
    f, lname = person("de")
    y = R.randint(1940, 2004)
    return R.choice(
        [
            (
                f"{f} {lname}, *{y} in {R.choice(CITIES_DE)[1]}, sucht eine neue Stelle als Buchhalterin.",
                ["DATE_OF_BIRTH"],
            ),
            (
                f"Lebenslauf {f} {lname}\n* {R.randint(1, 28):02d}.{R.randint(1, 12):02d}.{y} in {R.choice(CITIES_DE)[1]}",
                ["DATE_OF_BIRTH"],
            ),
            (f"Bewerber {f} {lname}, Jahrgang {y}, verheiratet.", ["DATE_OF_BIRTH"]),
        ]
    )


POSITIVE: list[tuple[str, str, Callable[[], tuple[str, list[str]]]]] = [
    ("de", "email", pos_email_de), ("en", "email", pos_email_en), ("de", "letter", pos_letter_de),
    ("en", "letter", pos_letter_en), ("de", "arztbrief", pos_arztbrief), ("en", "clinical_note", pos_clinical_en),
    ("de", "clinical_note", pos_health_short_de), ("mixed", "hr_note", pos_special), ("de", "hr_note", pos_hr_ids),
    ("en", "form", pos_us_uk), ("de", "form", pos_dach), ("de", "csv", pos_form_csv), ("mixed", "chat", pos_chat_obfuscated),
    ("de", "cv", pos_dob_variants),
]  # fmt: skip


# --- clean documents (hard negatives) -------------------------------------------------------


def private_ip() -> str:
    return R.choice([
        f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}",
        f"192.168.{R.randint(0, 255)}.{R.randint(1, 254)}",
        f"172.{R.randint(16, 31)}.{R.randint(0, 255)}.{R.randint(1, 254)}",
        f"100.{R.randint(64, 127)}.{R.randint(0, 255)}.{R.randint(1, 254)}",
        "127.0.0.1", f"169.254.{R.randint(0, 255)}.{R.randint(1, 254)}",
        f"203.0.113.{R.randint(1, 254)}", f"198.51.100.{R.randint(1, 254)}",
    ])  # fmt: skip


def version() -> str:
    return f"{R.randint(0, 9)}.{R.randint(0, 30)}.{R.randint(0, 20)}"


def neg_log() -> tuple[str, list[str]]:
    lines = []
    for _ in range(R.randint(4, 9)):
        ts = f"2026-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{R.randint(0, 999):03d}Z"
        lines.append(
            R.choice(
                [
                    f"{ts} INFO  db.pool connected to {private_ip()}:5432 in {R.randint(2, 900)} ms",
                    f"{ts} WARN  http upstream {private_ip()}:{R.randint(1024, 65000)} timed out after 30000 ms (attempt {R.randint(1, 5)})",
                    f"{ts} ERROR worker pid={R.randint(100, 99999)} exited with code 137 (OOMKilled), restarts={R.randint(1, 40)}",
                    f'{private_ip()} - - [02/Dec/2026:10:{R.randint(10, 59)}:01 +0000] "GET /api/v2/orders/{R.randint(10000, 99999)} HTTP/1.1" 200 {R.randint(100, 99999)}',
                    f"{ts} DEBUG cache key=session:{R.randint(10**9, 10**10)} hit ratio=0.{R.randint(10, 99)} size={R.randint(1000, 10**7)}",
                    f"{ts} INFO  request_id={R.randint(10**15, 10**16 - 1):x} trace=0000{R.randint(10**11, 10**12)} span ok",
                    f"kernel: [{R.randint(1000, 99999)}.{R.randint(100000, 999999)}] eth0: link up, 1000 Mbps, full duplex, lpa 0x{R.randint(0, 65535):04X}",
                ]
            )
        )
    return "\n".join(lines), []


def neg_code() -> tuple[str, list[str]]:
    return R.choice(
        [
            'def test_signup(client):\n    resp = client.post("/signup", json={"email": "user@example.com", "password": "hunter2"})\n    assert resp.status_code == 201\n    assert resp.json()["id"] == 4711\n',
            f'import requests\n\nSESSION = requests.Session()\nTIMEOUT = 30.0\nMAX_BYTES = 1048576\n\ndef fetch(order_id: int) -> dict:\n    return SESSION.get(f"http://{private_ip()}:8080/orders/{{order_id}}", timeout=TIMEOUT).json()\n',
            "SELECT o.id, o.total, c.segment FROM orders o JOIN customers c ON c.id = o.customer_id\nWHERE o.created_at >= '2026-01-01' AND o.total > 250.00\nORDER BY o.total DESC LIMIT 100;",
            "const retry = async (fn, attempts = 3) => {\n  for (let i = 0; i < attempts; i++) {\n    try { return await fn(); } catch (e) { await sleep(2 ** i * 250); }\n  }\n};\n// see RFC 7231 section 6.6.4",
            'mail = EmailMessage()\nmail["From"] = "noreply@example.org"\nmail["To"] = "alice@test.example"\nsmtp = smtplib.SMTP("localhost", 1025)\n',
            f"x = np.arange(0, 1000000).reshape(1000, 1000)\nmask = 0xFFFF0000\nseed = {R.randint(10**9, 10**10)}\nprint(x[::2, 1::3].sum())",
            "git clone git@github.com:langchain-ai/langchain.git\ncd langchain && pip install -e libs/core==1.8.3",
        ]
    ), []


def neg_config() -> tuple[str, list[str]]:
    return R.choice(
        [
            f'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  DB_HOST: {private_ip()}\n  DB_PORT: "5432"\n  POD_CIDR: 10.244.0.0/16\n  SERVICE_CIDR: 10.96.0.0/12\n  IMAGE: registry.local/app:{version()}\n',
            f"[server]\nlisten = 0.0.0.0:8443\nupstream = {private_ip()}:9000\nnetmask = 255.255.255.0\ngateway = 192.168.178.1\nworkers = {R.randint(2, 64)}\n",
            f'{{\n  "name": "billing-service",\n  "version": "{version()}",\n  "dependencies": {{\n    "requests": "3.14.2.11",\n    "pydantic": "^2.{R.randint(0, 12)}.0"\n  }},\n  "engines": {{"node": ">=20.12.2"}}\n}}',
            f"<PropertyGroup>\n  <AssemblyVersion>{R.randint(1, 9)}.{R.randint(0, 9)}.0.{R.randint(0, 999)}</AssemblyVersion>\n  <FileVersion>2.1.0.0</FileVersion>\n</PropertyGroup>",
            f"interface GigabitEthernet0/1\n ip address {private_ip()} 255.255.255.0\n ipv6 address fd00:{R.randint(1, 9999)}::1/64\n ipv6 address fe80::1 link-local\n!",
        ]
    ), []


def neg_invoice() -> tuple[str, list[str]]:
    seller, buyer = R.sample(COMPANIES, 2)
    plz, city = R.choice(CITIES_DE)
    lang = R.choice(["de", "en"])
    if lang == "de":
        text = (
            f"{seller}\n{R.choice(STREETS_DE)} {R.randint(1, 99)}, {plz} {city}\nHRB {R.randint(1000, 99999)} Amtsgericht {city}\n"
            f"USt-IdNr. DE{R.randint(100000000, 999999999)}\n\nRechnung Nr. RE-2026-{R.randint(1000, 9999)}\n"
            f"Belegnummer {R.randint(1, 99):04d}/{R.randint(100000, 999999)}\nKundennummer {R.randint(10000, 99999)}\n\n"
            f"An: {buyer}\n\nPos. 1  Wartungsvertrag Q1   1.250,00 EUR\nPos. 2  Ersatzteile          {R.randint(100, 999)},50 EUR\n"
            f"Zwischensumme {R.randint(1000, 9999)},50 EUR, zzgl. 19 % MwSt.\nZahlbar innerhalb von 14 Tagen ohne Abzug."
        )
    else:
        text = (
            f"INVOICE #{R.randint(10000, 99999)}\n{seller}\nCompany No. {R.randint(1000000, 9999999)}, VAT GB{R.randint(100000000, 999999999)}\n"
            f"Bill to: {buyer}\nref. {R.randint(1, 99):04d}/{R.randint(100000, 999999)}\n\n3 x Support hours   $450.00\nLicence renewal     $1,200.00\n"
            f"Total due: $1,650.00 - payment terms net 30."
        )
    return text, []


def neg_ticket() -> tuple[str, list[str]]:
    return R.choice(
        [
            f"Ticket #{R.randint(1000, 99999)}: Build fails on Node 20.12.2\n\nSteps: npm ci && npm test. Error at src/parser.ts:{R.randint(10, 999)}. Reproducible since v{version()}; worked in v{version()}.",
            f"JIRA OPS-{R.randint(100, 9999)}: Disk usage on {private_ip()} at 93 %\nPriority: P2\nComponent: storage\nPlease rotate logs older than 14 days.",
            f"Incident {R.randint(2026000, 2026999)}: latency spike in eu-central-1 between 10:05 and 10:42 UTC, p99 {R.randint(900, 4000)} ms. Root cause: connection pool exhaustion after deploy {version()}.",
            f"Bug: Rechnungsexport bricht bei mehr als {R.randint(1000, 65000)} Zeilen ab. Betroffen: Version {version()}. Workaround: Export in Teilmengen.",
            f"Feature request: allow CIDR ranges like 10.{R.randint(0, 255)}.0.0/16 in the allow-list and show the netmask 255.255.0.0 in the UI.",
        ]
    ), []


def neg_release() -> tuple[str, list[str]]:
    v = version()
    return (
        f"## Release {v} ({R.randint(1, 28):02d}.{R.randint(1, 12):02d}.2026)\n\n"
        f"- Upgrade langchain-core from 1.8.2 to 1.8.3\n- Fix crash when parsing 2.1.0.0 style versions\n"
        f"- Windows build 10.0.19041, Python 3.11.7 and Node 20.12.2 supported\n"
        f"- Docker image ghcr.io/acme/app@sha256:{R.randint(10**15, 10**16):x}\n- Closes #{R.randint(100, 9999)}, #{R.randint(100, 9999)}"
    ), []


def neg_encyclopedic() -> tuple[str, list[str]]:
    return R.choice(
        [
            "Johann Sebastian Bach (* 21. März 1685 in Eisenach; † 28. Juli 1750 in Leipzig) war ein deutscher Komponist des Barock.",
            "Bach, geb. 31.03.1685 in Eisenach, wirkte ab 1723 als Thomaskantor in Leipzig.",
            "Franklin D. Roosevelt was born on January 30, 1882, in Hyde Park, New York.",
            "Marie Curie, born 7 November 1867 in Warsaw, was the first woman to win a Nobel Prize.",
            "Robert Koch (1843-1910) entdeckte 1882 den Erreger der Tuberkulose.",
            "Alois Alzheimer beschrieb 1906 erstmals die nach ihm benannte Krankheit.",
            "Albert Einstein wurde am 14. März 1879 in Ulm geboren.",
            "Dr. Sigmund Freud (geb. 6. Mai 1856) begründete die Psychoanalyse.",
            "Goethe, geboren am 28. August 1749 in Frankfurt am Main, gilt als bedeutendster deutscher Dichter.",
            "Florence Nightingale (born 12 May 1820) founded modern nursing during the Crimean War.",
        ]
    ), []


def neg_medical_general() -> tuple[str, list[str]]:
    return R.choice(
        [
            "Diabetes mellitus Typ 2 wird zunächst mit Metformin behandelt; Zielwert ist ein HbA1c unter 7 %.",
            "Alzheimer's disease and Parkinson's disease are the most common neurodegenerative disorders.",
            "Morbus Crohn und Colitis ulcerosa zählen zu den chronisch-entzündlichen Darmerkrankungen.",
            "Die Hashimoto-Thyreoiditis ist die häufigste Ursache einer Hypothyreose in Deutschland.",
            "Dr Pepper contains 41 mg of caffeine per 12 oz can.",
            "The Patient Protection and Affordable Care Act expanded Medicaid eligibility in 2014.",
            "Ibuprofen 400 mg ist rezeptfrei erhältlich; die Tageshöchstdosis beträgt 1200 mg.",
            "Im Winter steigt die Zahl der Atemwegsinfektionen, besonders bei Kindern unter fünf Jahren.",
            "Dr. Oetker bringt eine neue Tiefkühlpizza mit 30 % weniger Salz auf den Markt.",
        ]
    ), []


def neg_tabular() -> tuple[str, list[str]]:
    if R.random() < 0.5:
        rows = ["sku,product,price_eur,stock,updated"]
        for _ in range(R.randint(3, 8)):
            rows.append(
                f"{R.randint(100000, 999999)},{R.choice(['Schraube M6', 'Kabel 5 m', 'Router AX3000', 'Monitor 27'])},{R.randint(1, 500)}.{R.randint(0, 99):02d},{R.randint(0, 5000)},2026-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}"
            )
        return "\n".join(rows), []
    items = ", ".join(
        f'{{"host": "{private_ip()}", "cpu": {R.randint(1, 99)}.{R.randint(0, 9)}, "mem_mb": {R.randint(512, 65536)}}}'
        for _ in range(R.randint(2, 5))
    )
    return f'{{"cluster": "prod-eu", "nodes": [{items}], "generated": "2026-12-02T10:00:00Z"}}', []


def neg_business() -> tuple[str, list[str]]:
    seller = R.choice(COMPANIES)
    return R.choice(
        [
            f"Hallo Team,\n\ndas Release {version()} ist ausgerollt. Bitte testet bis Donnerstag die Suche und meldet Fehler im Board.\n\nDanke!",
            f"Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie das Angebot der {seller} für 250 Einheiten zum Stückpreis von 12,40 EUR.\n\nMit freundlichen Grüßen\nIhr Vertriebsteam",
            "Meeting notes 02/12: revenue grew 4.2 % QoQ; churn down to 1.8 %. Action items: finalise the Q1 budget, migrate CI to runners in 10.20.0.0/16.",
            f"Die {seller}, Hauptstraße {R.randint(1, 99)}, {R.choice(CITIES_DE)[0]} {R.choice(CITIES_DE)[1]}, liefert ab März auch nach Österreich.",
            "Bitte die Bestellnummer 4500012345 und die Lieferscheinnummer 80012345 im Betreff angeben.",
            "Hotline-Öffnungszeiten: Mo-Fr 8-18 Uhr. Fax-Nr. und Adresse finden Sie im Impressum.",
        ]
    ), []


NEGATIVE: list[tuple[str, str, Callable[[], tuple[str, list[str]]]]] = [
    ("en", "log", neg_log), ("en", "code", neg_code), ("en", "config", neg_config), ("mixed", "invoice", neg_invoice),
    ("mixed", "ticket", neg_ticket), ("en", "release_notes", neg_release), ("mixed", "encyclopedic", neg_encyclopedic),
    ("mixed", "medical_general", neg_medical_general), ("en", "csv_json", neg_tabular), ("mixed", "business", neg_business),
]  # fmt: skip


def _lang(declared: str, text: str) -> str:
    if declared != "mixed":
        return declared
    german = sum(text.count(w) for w in (" der ", " die ", " und ", " ist ", "ä", "ö", "ü", " mit "))
    return "de" if german >= 2 else "en"


def main() -> None:
    docs = []
    seen: set[str] = set()
    for family, count in ((POSITIVE, 540), (NEGATIVE, 540)):
        made = 0
        attempts = 0
        while made < count and attempts < count * 50:
            attempts += 1
            lang, doc_type, make = family[made % len(family)] if attempts < count * 2 else R.choice(family)
            text, labels = make()
            if text in seen:
                continue
            seen.add(text)
            made += 1
            docs.append({"lang": _lang(lang, text), "doc_type": doc_type, "text": text, "labels": sorted(set(labels))})
    R.shuffle(docs)
    with OUT.open("w", encoding="utf-8") as fh:
        for i, doc in enumerate(docs):
            fh.write(json.dumps({"id": f"doc-{i:04d}", **doc}, ensure_ascii=False) + "\n")
    clean = sum(1 for d in docs if not d["labels"])
    print(f"wrote {OUT}: {len(docs)} documents, {clean} clean")


if __name__ == "__main__":
    main()
