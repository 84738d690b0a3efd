"""A service's line or a department's mailbox, named by its organisation or not: no person's contact.

:func:`service_contact` reads one ``PHONE`` or ``EMAIL`` finding in its paragraph (:mod:`._paragraphs`):
a number :func:`._service_lines.service_number` calls a service's, or a landline beside the organisation's own
mailbox (a role's or plain words' local part at a domain that spells a company or a public body the text
names); a mailbox of plain words (:func:`._mailboxes.plain_words_mailbox`) in a text that names a company or a
paragraph that names a public body. Only where the paragraph speaks of no one, holds no customer, guest,
caller or callback, and no other finding; never a mobile number.

Hand-written: no library tells an organisation's contact lines from a person's.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._mailboxes import ROLE_WORDS, freemail, personal_domain, plain_words_mailbox
from langchain_aegis.privacy._paragraphs import CONTACTS, SPLIT, mobile, paragraph, someone, words
from langchain_aegis.privacy._per_text import lowered
from langchain_aegis.privacy._service_lines import service_number

__all__ = ["service_contact"]

Span = tuple[str, int, int]


def service_contact(
    text: str, finding: Span, findings: list[Span], markers: list[int], exchanges: frozenset[str]
) -> bool:
    """Whether a contact finding is a service's, whatever company or body the text names or not.

    In a paragraph that speaks of no one (:func:`_someone`, and no customer, guest, caller or callback either)
    and holds no other finding: a UK 03 line, a conference's dial-in, a landline right after a service's label,
    a switchboard's extension (:func:`._service_lines.service_number`), and, in a text that names a company or a
    paragraph that names a public body, a mailbox of plain words ("ersatzteile@", "credit.control@":
    :func:`._mailboxes.plain_words_mailbox`).
    """
    entity, start, end = finding
    if entity == "PHONE":
        maybe = (
            service_number(text, start, end, exchanges) or _own_mailbox_beside(text, start, end, markers)
        ) and not (mobile(text, start, end))
    elif entity == "EMAIL":
        local, _, domain = text[start:end].partition("@")
        if not domain or not plain_words_mailbox(local, domain):
            return False
        lo, hi = paragraph(text, start, end)  # a company named anywhere, a public body beside it
        maybe = bool(markers) or _PUBLIC_BODY.search(text, lo, hi) is not None
    else:
        return False
    if not maybe:
        return False
    lo, hi = paragraph(text, start, end)
    # Read around the finding, not in it: "credit.control@" has the shape of "kerem.jansen@" that _named reads as
    # a name, and the mailbox test above has found no name in it.
    return (
        not someone(text, lo, start)
        and not someone(text, end, hi)
        and not words(_SERVICE_USERS, text, lo, hi)
        and not any(other[0] not in CONTACTS and other[1] < hi and other[2] > lo for other in findings)
    )


def _own_mailbox_beside(text: str, start: int, end: int, markers: list[int]) -> bool:
    """Whether the organisation's own mailbox stands on the phone number's line: a role's or plain words' mailbox
    ("studienbuero@", "auftrag@") at a domain that spells the name of a company or a public body the text names
    ("auftrag@weserland-verpackung.de" beside "Weserland Verpackung GmbH"). A private domain names no such body
    ("kontakt@familie-krause.de"), and a bare role word at any domain says too little (a red team's third round)."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    line = text[lo : hi if hi != -1 else len(text)]
    if "@" not in line or not any(
        _organisations(text, local, domain.lower()) for local, domain in _ADDRESS.findall(line)
    ):
        return False
    if markers:
        return True
    # A public body named in the paragraph or the letterhead (a search of the whole text cost 10 ms per 100 KB).
    para_lo, para_hi = paragraph(text, start, end)
    return _PUBLIC_BODY.search(text, para_lo, para_hi) is not None or _PUBLIC_BODY.search(text, 0, 300) is not None


def _organisations(text: str, local: str, domain: str) -> bool:
    """Whether ``local@domain`` is an organisation's role or department mailbox at a domain the text names."""
    if freemail(domain) or personal_domain(domain):
        return False
    roles = all(part in ROLE_WORDS for part in SPLIT.split(local.lower()) if part)
    return (roles or plain_words_mailbox(local, domain)) and _domain_named(text, domain)


_ADDRESS = re.compile(r"([\w.+\-]+)@([\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,})")


def _domain_named(text: str, domain: str) -> bool:
    """Whether a word of four letters or more of the domain's name ("weserland" of "weserland-verpackung.de") is
    written in the text as a capitalised word, umlauts spelled out or not ("Altmühltal" for "altmuehltal")."""
    labels = domain.split(".")[:-1]
    words = {w for label in labels for w in label.split("-") if len(w) >= 4 and w.isalpha()}
    low = lowered(text)[0]
    return any(_written(text, low, spelling) for word in words for spelling in _spellings(word))


def _spellings(word: str) -> set[str]:
    """``word`` and the word with its spelled-out umlauts written as umlauts ("altmuehltal", "altmühltal")."""
    umlauts = word
    for plain, letter in (("ae", "ä"), ("oe", "ö"), ("ue", "ü")):
        umlauts = umlauts.replace(plain, letter)
    return {word, umlauts}


def _written(text: str, low: str, word: str) -> bool:
    """Whether ``word`` starts a capitalised word of ``text`` (not a mailbox's or a domain's part)."""
    i = low.find(word)
    while i != -1:
        if text[i].isupper() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "@.-_")):
            return True
        i = low.find(word, i + 1)
    return False


# Who a service's line is given for, beside it ("Rückrufnummer des Kunden", "guest contact number", "Frau Schulz"):
# then it is that person's.
_SERVICE_USERS = re.compile(
    r"(?:Kunde[n]?|[Cc]ustomer(?![ ](?:[Ss]ervices?|[Cc]are|[Ss]upport))|[Cc]aller|Anrufer(?:in)?|[Gg]uest|Gast"
    r"|Anwohner(?:in)?|[Hh]omeowner|Absender(?:in)?"
    r"|Herrn?|Frau|Hr\.|Fr\.|Mr|Mrs|Ms|Dr|Inhaber(?:in)?|Vermieter(?:in)?|[Ll]andlord|Kontoinhaber(?:in)?"
    r"|Rückruf\w*|[Cc]all[ -]?back|contact[ ]number|Kontaktnummer|Festnetz\w*|[Hh]ome|[Oo]wn[ ]number|Durchwahl"
    r"|Lieferkontakt|Lieferung[ ]an|Empfänger(?:in)?|[Rr]ecipient|[Dd]eliver[ ]to|Ansprechpartner(?:in)?"
    r"|[Cc]ontact[ ]person|Besteller(?:in)?|Auftraggeber(?:in)?|[Bb]uyer|[Oo]rdered[ ]by"
    r"|[Dd]irect[ ](?:line|dial)|\w+['\u2019]s[ ](?:desk|phone|line|mobile|number|extension))"
    r"(?![\w])"
)
# A public body's name: its departments' mailboxes are no one's either ("bauleitplanung@markt-kirchdorf.de").
_PUBLIC_BODY = re.compile(
    r"\b(?:Stadt|Gemeinde|Landkreis|Landratsamt|Bezirksamt|Ministerium|Behörde|Council|Authority|Ministry|Agency"
    r"|NHS|Club|Federation|Association|Hochschule|Universität|University|College|Schule|School|Institut|Institute"
    r"|Bibliothek|Library|Stadtwerke|Landesamt|Bundesamt)\b|\w(?:verband|verein)(?:e?s)?\b|(?:^|\n)Markt[ ][A-ZÄÖÜ]"
    r"|\w(?:museum|bibliothek|hochschule|schule)\b|\.(?:gov|edu|ac|nhs)(?:\.[a-z]{2})?\b"
    r"|\b(?:Bau|Ordnungs|Standes|Jugend|Sozial|Gesundheits|Finanz|Einwohnermelde|Bürger|Umwelt|Kataster|Grundbuch"
    r"|Vermessungs|Straßenverkehrs|Ausländer|Schul|Kultur|Sport|Haupt|Personal)amt\b"
)
