# ruff: noqa: RUF001
# (the text this module handles is Unicode on purpose)
"""What a name-shaped span is not: a company, a law, an eponym, a brand, or the name of a thing.

The name layer (:mod:`._names`) finds names by their capitals and their context; these tests
take back what looks like a name and is none: ``Müller GmbH``, ``the Patient Protection and
Affordable Care Act``, ``Morbus Crohn``, ``Dr Pepper``, and ``Name: Flask`` in a record whose
other labels (``Version:``, ``Model:``, ``Hersteller:``) say it is about a thing.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._lexicon import is_first_name
from langchain_aegis.privacy._name_words import (
    BRANDS_AFTER_TITLE,
    BUILDING_WORDS,
    CLAUSE_VERBS,
    EPONYMS,
    NOT_NAMES,
    NOUN_ENDINGS,
)
from langchain_aegis.privacy._patterns import HEALTH_TERMS

__all__ = [
    "COMPANY_ANYWHERE",
    "STREET_WORDS",
    "SURNAME_SHAPE",
    "is_excluded",
    "noun_shaped",
    "street_after_house_number",
    "thing_record",
]

_LAW = re.compile(
    r"(?:[ \t]+(?:and|of|for|the|on|und|für|zur|zum|&|[A-Z][\w\-]*))*[ \t]+"
    r"(?:Act|Gesetz|Law|Bill|Amendment|Verordnung|Directive|Richtlinie|Rule|Regulation)(?![\w])"
)
_COMPANY = re.compile(
    r"(?:[ \t]+[\w&.\-]+){0,3}?[ \t]*(?:GmbH|AG|KG|KGaA|OHG|UG|SE|e\.K\.|e\.V\.|Inc\.?|Ltd\.?|LLC|LLP|Corp\.?|PLC|plc"
    r"|S\.A\.|B\.V\.|N\.V\.|& Söhne|& Sohn|& Co\.?|& Partner|Group|Holding|Stiftung|Verlag|Bank"
    r"|Apotheke|Klinik"
    r"|Clinic|Hospital|Foundation|University|Universität|Institut|Institute|Award|Prize|Preis)(?![\w])"
)
# Legal forms that are English words too end a company's name only right after it ("Alpine Ski House
# Corporation"), not three words on ("John Smith joined the Company in 2019").
_COMPANY_WORD = re.compile(r"[ \t]+(?:Corporation|Incorporated|Company)(?![\w])")
COMPANY_ANYWHERE = re.compile(
    r"GmbH|\bAG\b|\bKG\b|\bOHG\b|\bUG\b|\bSE\b|\bInc\b|\bLtd\b|\bLLC\b|\bCorp\b|\bPLC\b|& Söhne|& Sohn|& Co\b|e\.K\."
    r"|\bLLP\b|\bLimited\b|\bCo\.|\bCorporation\b|\bIncorporated\b|\bS\.A\.|\bB\.V\.|\bN\.V\.|\bGbR\b|\be\.V\."
    # a letterhead in capitals ("OAKFIELD FABRICATION LTD")
    r"|\b(?:GMBH|LTD|LIMITED|INC|LLC|CORP|CORPORATION|PLC)\b"
    # a public body's name: "Gesundheitsamt München", "Landratsamt", "City Hall", "Stadtverwaltung"
    r"|\b[A-ZÄÖÜ][a-zäöüß]+amt\b|\b(?:City|Town)[ ]Hall\b|\bRathaus\b|\bStadtverwaltung\b|\bMinisterium\b"
)
# Not "-Haus", "-Preis", "-Platz" or "-Schule": "Schmitz-Haus" and "Müller-Preis" are double surnames too.
_INSTITUTION_COMPOUNDS = ("-Institut", "-Institute", "-Klinik", "-Klinikum", "-Krankenhaus", "-Stiftung",
                          "-Gymnasium", "-Universität", "-Gesellschaft")  # fmt: skip
_NUMBER_AFTER = re.compile(r",?[ \t]*\r?\n?[ \t]*[0-9]")
_CLAUSE_VERB_AFTER = re.compile(r"[ ](?:" + "|".join(sorted(CLAUSE_VERBS)) + r")(?![\w])")
_SAINT_BEFORE = re.compile(r"(?<![\w])[0-9]{1,4}[a-z]?[ ]St\.?[ ]\Z")
_EPONYM_AFTER = re.compile(r"(?:'s|’s|s)?[ \t\-]+(?:disease|syndrome|Krankheit|Syndrom|Erkrankung|Thyreoiditis)", re.I)


def is_excluded(text: str, start: int, end: int, cue: str = "") -> bool:
    """Whether the name at ``text[start:end]`` is a company, a law, an eponym or a brand."""
    words = text[start:end].split()
    if not words:
        return True
    if cue in ("Dr", "Dr.") and words[0] in BRANDS_AFTER_TITLE:
        return True
    if any(w in EPONYMS for w in words) or _EPONYM_AFTER.match(text, end):
        return True
    if text[max(0, start - 7) : start].rstrip().endswith("Morbus"):
        return True
    if COMPANY_ANYWHERE.search(text, start, end):
        return True  # "Applicant: Acme Corp": the suffix is inside the span
    if not cue and _CLAUSE_VERB_AFTER.match(text, end) is None:  # "Tjark House hat HIV" is a person
        if (
            len(words) > 1
            and words[-1] in BUILDING_WORDS
            and not is_first_name(words[0])
            and _NUMBER_AFTER.match(text, end)
        ):
            return True  # "Pemberton House, 3 Market Street" (but "Emily House", "Mr. Tower"): a building's address
        if words[-1].endswith(_INSTITUTION_COMPOUNDS):
            return True  # "Robert Koch-Institut", "Max-Planck-Gesellschaft": an institution named after someone
        if _SAINT_BEFORE.search(text, max(0, start - 12), start):
            return True  # "30 St Mary Axe": a street named after a saint, after its house number
    hi = min(len(text), end + 80)
    return (
        _COMPANY.match(text, end, hi) is not None
        or (_COMPANY_WORD.match(text, end, hi) is not None and not is_first_name(text[start:end].split()[0]))
        or _LAW.match(text, end, hi) is not None
    )


# Labels of a record about a thing (``pip show``, a product sheet, an inventory, a package's control file):
# its "Name:" names the thing ("Name: Flask\nVersion: 3.0.2", "Name: Widget Pro\nModel: WP-300").
_THING_LABELS = re.compile(
    r"(?m)^[ \t]*(?:Version|Model|Modell|Summary|Home-?page|License|Lizenz|SKU|EAN|GTIN|Hersteller|Manufacturer"
    r"|Vendor|Publisher|Architecture|Artikelnummer|Release|Requires|Required-by"
    r"|Serial|Seriennummer|Firmware|Platform|Plattform|Package|Paket|Installed-Size|Depends)[ \t]*:"
)
# A person's labels in the same block make it a record about a person who owns the thing (a warranty
# claim, a vehicle's keeper, a hearing aid's wearer).
_PERSON_LABELS = re.compile(
    r"(?mi)^[ \t]*(?:E-?Mail|Telefon|Tel\.?|Phone|Mobil\w*|Handy|Geburtsdatum|Date of birth|DOB|Geb\.|Adresse"
    r"|Address|Anschrift|Stra(?:ß|ss)e|PLZ|Wohnort|Kennzeichen|Halter|Mitgliedsnummer|Kundennummer|IBAN|Vorname"
    r"|Nachname|Patient\w*|Versicherte\w*)[ \t]*:"
)
_RECORD_REACH = 300


def thing_record(text: str, at: int) -> bool:
    """Whether the "Name:" label at ``at`` opens or sits in a record about a thing (:data:`_THING_LABELS`)."""
    lo, hi = max(0, at - _RECORD_REACH), min(len(text), at + _RECORD_REACH)
    before, after = text.rfind("\n\n", lo, at), text.find("\n\n", at, hi)  # the record's own block only
    lo, hi = lo if before < 0 else before, hi if after < 0 else after
    return _THING_LABELS.search(text, lo, hi) is not None and _PERSON_LABELS.search(text, lo, hi) is None


# Surname endings that look like a noun's: North German and Danish patronymics ("Thomsen", "Petersen";
# not "Wesen", "Wissen", "Klassen"), Croatian "Horvat".
SURNAME_SHAPE = re.compile(r"[^aeiouäöüs]sen\Z|vat\Z")


_STRONG_NOUN_ENDINGS = ("ung", "heit", "keit", "ion", "tät", "schaft", "ismus", "ness", "ment", "nahme", "gabe")


def noun_shaped(word: str, *, strict: bool = True) -> bool:
    """Whether a capitalised word not in the lexicon reads as a common noun (its ending) or a health term.

    ``strict=False``: only the endings no surname has ("-ung", "-heit"), for a cue that stands before
    names alone ("Pat. Celik", where "-ik" would read "Celik" as "Musik").
    """
    endings = NOUN_ENDINGS if strict else _STRONG_NOUN_ENDINGS
    if word in NOT_NAMES or (word.endswith(endings) and SURNAME_SHAPE.search(word) is None):
        return True
    return HEALTH_TERMS.match(word.lower()) is not None


STREET_WORDS = frozenset(
    {"Lane", "Street", "Road", "Avenue", "Drive", "Way", "Court", "Place", "Close", "Hill", "Park", "Row", "Gardens",
     "Green", "Terrace", "Crescent", "Walk", "Square", "Grove", "View", "Rise", "Mews", "Parade", "Boulevard"}
)  # fmt: skip
_HOUSE_NUMBER_BEFORE = re.compile(r"(?:^|[\s,])[0-9]{1,5}[a-zA-Z]?[ ]\Z")


def street_after_house_number(text: str, start: int, second: str) -> bool:
    """Whether the word at ``start`` and ``second`` after it name a street after its house number ("17 Mill Lane")."""
    return second in STREET_WORDS and _HOUSE_NUMBER_BEFORE.search(text, max(0, start - 8), start) is not None
