"""The detector: ``detect(text)`` finds personal and health data in one string.

How it stays fast (the detector runs on every call): instead of running one
validating pattern per entity over the whole text, a few cheap prefilter
passes find the few places where an entity can be (runs of four or more
digits, ``@``, IPv6 colons, document-number tokens, salutations), and the
validating patterns, checksums and keyword look-ups run only inside small
windows around those places. Keyword lists (health and special-category terms,
streets, labels, salutations) are looked up in the text's distinct words rather
than tried at every character (:mod:`._prefilter`). All patterns are compiled
once, at import.

Entity types, in the order they win when two findings overlap:

====================  ===============================================================
``IBAN``              ISO 13616, stdnum (mod 97, length, BBAN format), spaces, any case
``CREDIT_CARD``       13 to 19 digits, Luhn checked, spaces or dashes between groups
``DE_TAX_ID``         Steuer-ID: 11 digits, stdnum ``de.idnr`` and the repetition rule
``US_SSN``            ``123-45-6789``, stdnum ``us.ssn`` (plain 9 digits next to "SSN")
``CH_AHV`` ...        Swiss, Austrian, German and UK social and health insurance numbers,
                      the Steuernummer, driver's licences and licence plates (:mod:`._ids`)
``DE_ID_CARD``        Personalausweis: 9 characters + ICAO 7-3-1 check digit, or near "Ausweis"
``DE_PASSPORT``       Reisepass: as above, first letter C F G H J K, or near "Reisepass"
``MEDICAL_RECORD``    a number after MRN, Fallnummer, Patienten-ID, Patient ID, case no., ...
``DATE_OF_BIRTH``     a date after geb., DOB, born ...; ``*1961``, ``Jahrgang 1961``; living only
``EMAIL``             ``local@domain.tld``, not at a reserved domain unless it names a person
``IP_ADDRESS``        globally routable IPv4 and IPv6 (``ipaddress.is_global``), no versions
``PHONE``             candidates validated by Google's ``phonenumbers`` (DE first, then
                      AT CH GB FR NL US); the US 555-01xx fiction range is excluded
``HEALTH``            a person near a diagnosis, medication, dosage, lab value or ICD-10 code
``SPECIAL_CATEGORY``  a person near religion, orientation, ethnicity, politics, union, pay
``ADDRESS``           a street address next to a person's name
``PERSON``            a name after a cue (salutation, ``Name:``, greeting, sign-off, age/sex)
====================  ===============================================================

Before any of this the text is normalized (:mod:`._normalize`); findings are mapped
back to positions in the original text.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from langchain_aegis.privacy._columns import release_tables
from langchain_aegis.privacy._companies import without_company_contacts
from langchain_aegis.privacy._health import scan_people
from langchain_aegis.privacy._name_edges import names_beside, whole_names
from langchain_aegis.privacy._normalize import normalize, spans_to_original
from langchain_aegis.privacy._numbers import Span, scan_numbers
from langchain_aegis.privacy._plates import scan_plates_and_licences
from langchain_aegis.privacy._prefilter import release
from langchain_aegis.privacy._spread import scan_spread_numbers
from langchain_aegis.privacy._tokens import scan_documents, scan_emails, scan_ipv6

__all__ = ["ENTITY_TYPES", "Finding", "detect"]

ENTITY_TYPES: tuple[str, ...] = (
    "IBAN",
    "CREDIT_CARD",
    "DE_TAX_ID",
    "US_SSN",
    "CH_AHV",
    "AT_SVNR",
    "DE_PENSION_ID",
    "DE_KVNR",
    "UK_NINO",
    "UK_NHS",
    "DE_TAX_NUMBER",
    "DE_ID_CARD",
    "DE_PASSPORT",
    "DRIVER_LICENSE",
    "DE_LICENSE_PLATE",
    "MEDICAL_RECORD",
    "DATE_OF_BIRTH",
    "EMAIL",
    "IP_ADDRESS",
    "PHONE",
    "HEALTH",
    "SPECIAL_CATEGORY",
    "ADDRESS",
    "PERSON",
)
"""Every entity type :func:`detect` reports, most specific first."""

# Checksum-validated entities beat look-alikes: a card number is not also a phone number.
_PRIORITY = {entity: rank for rank, entity in enumerate(ENTITY_TYPES)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal or health data: its type and where it is.

    The matched text is deliberately not kept, so a finding can be logged,
    put in metadata or shown in a repr without leaking the value itself; use
    ``text[finding.start:finding.end]`` where the text is at hand.

    Attributes:
        entity: the entity type, one of :data:`ENTITY_TYPES`, e.g. ``"IBAN"``.
        start: index of the first character in the scanned text.
        end: index one past the last character.
    """

    entity: str
    start: int
    end: int


def detect(text: str) -> list[Finding]:
    """Find personal and health data in ``text``.

    Args:
        text: any string: a prompt, a tool result, a model answer.

    Returns:
        Non-overlapping findings ordered by position. Where two candidates
        overlap, the more specific entity (see :data:`ENTITY_TYPES`) and then
        the longer span wins.

    Example:
        .. code-block:: python

            detect("IBAN DE89 3704 0044 0532 0130 00, Tel. 030 12345678")
            # [Finding(entity='IBAN', start=5, end=32), Finding(entity='PHONE', start=39, end=51)]
    """
    if not text:
        return []
    original = text
    text, maps = normalize(text)
    spans: list[Span] = []
    scan_numbers(text, spans)
    scan_spread_numbers(text, spans)
    scan_emails(text, spans)
    scan_ipv6(text, spans)
    scan_documents(text, spans)
    scan_plates_and_licences(text, spans)
    scan_people(text, spans)
    resolved = without_company_contacts(text, _resolve(spans))  # reads names: before the text's caches go
    resolved = whole_names(text, names_beside(text, resolved))  # redaction masks the whole name, and the owner's
    release(text)
    release_tables(text)
    if not maps:
        return [Finding(entity, start, end) for entity, start, end in resolved]
    starts, ends = spans_to_original(maps, [start for _, start, _ in resolved], [end for _, _, end in resolved])
    n = len(original)
    return [Finding(entity, a, b) for (entity, _, _), a, b in zip(resolved, starts, ends, strict=True) if a < b <= n]


def _resolve(spans: list[Span]) -> list[Span]:
    """Keep the best of overlapping spans, ordered by start.

    Most spans overlap nothing: the spans are swept once by start into groups that
    overlap one another, and only a group of two or more is ranked (text dense with
    personal data has thousands of findings). A span never competes with one outside
    its group, so this keeps what ranking every span at once keeps.
    """
    if len(spans) < 2:
        return spans
    ordered = sorted(set(spans), key=_by_start)
    kept: list[Span] = []
    group: list[Span] = [ordered[0]]
    group_end = ordered[0][2]
    for span in ordered[1:]:
        if span[1] >= group_end:
            if len(group) == 1:
                kept.append(group[0])
            else:
                kept += _rank(group)
            group = [span]
            group_end = span[2]
        else:
            group.append(span)
            group_end = max(group_end, span[2])
    kept += group if len(group) == 1 else _rank(group)
    return kept


def _by_start(span: Span) -> tuple[int, int, int]:
    return span[1], span[2], _PRIORITY[span[0]]


def _rank(spans: list[Span]) -> list[Span]:
    """The best of overlapping ``spans``: most specific entity first, then the longest, then the first."""
    # Sorting plain tuples avoids a key function call per span; the priority is
    # unique per entity, so (priority, -length, start) never ties between spans.
    ranked = sorted([(_PRIORITY[entity], start - end, start, entity, end) for entity, start, end in spans])
    starts: list[int] = []
    kept: list[Span] = []
    for _, _, start, entity, end in ranked:
        span = (entity, start, end)
        i = bisect_left(starts, start)
        if i < len(kept) and kept[i][1] < end:
            continue  # overlaps the next kept span
        if i and kept[i - 1][2] > start:
            continue  # overlaps the previous kept span
        starts.insert(i, start)
        kept.insert(i, span)
    return kept
