"""A company's own contact data: its phone, e-mail address and IBAN on its invoice, letterhead or legal notice.

Company names, register numbers, VAT IDs and business addresses belong to companies,
not to people (issue 12's principles), and so do the switchboard number, the
``buchhaltung@`` mailbox and the bank account printed beside them. Flagging them pins
every invoice, quote and delivery note to the local model.

The rule, decided on the findings of the whole text: a ``PHONE``, ``EMAIL`` or ``IBAN``
finding is the company's when, in its paragraph (no blank line between, at most
:data:`REACH` characters either side),

- a company is named (a legal form such as ``GmbH``, ``AG``, ``Ltd``, ``Inc.``, also in capitals, a
  register or VAT line such as ``HRB 12345``, ``USt-IdNr.``, ``Company No.``), and
- no person is: no other kind of finding (a name, a date of birth, a tax ID, ...), no patient, client or
  applicant spoken of, no
  first name and surname from the lexicon (``Anna Schmidt`` in an e-mail signature keeps
  her direct line hers, although a name alone is no finding), no e-mail address whose
  local part holds a lexicon name (``miriam.friedrich@``), nobody speaking of their own
  (``mich``, ``mein Konto``, ``my personal email``), and, for a phone, it is no mobile
  number (companies print their landlines; a mobile is someone's).

A number right after "Company No.", "Registered No." or "HRB" is the register's, never a phone. A service's
line or a department's mailbox is no person's wherever it stands (:mod:`._service_contacts`), and the account a
company's letter asks to be paid into is the company's (:func:`_company_letter`). Who a paragraph speaks of is
read in :mod:`._paragraphs`.

A prompt made of several documents keeps them apart by its blank lines: a private note
next to an invoice stays private.

No library tells a company's contact block from a person's, so the rule is written here.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from langchain_aegis.privacy._mailboxes import freemail
from langchain_aegis.privacy._paragraphs import (
    CONTACTS,
    FIRST_PERSON,
    LINES,
    PERSON_ROLES,
    REACH,
    mobile,
    name_in,
    paragraph,
    someone,
    words,
)
from langchain_aegis.privacy._patterns import keyword_pattern
from langchain_aegis.privacy._prefilter import KeywordScan, lowered
from langchain_aegis.privacy._service_contacts import service_contact
from langchain_aegis.privacy._service_lines import switchboards

__all__ = ["REACH", "without_company_contacts"]

# Where a company is named: found through the text's distinct words (:class:`._prefilter.KeywordScan`),
# so a text without any of them costs a set operation. A legal form counts written as one ("AG",
# "GmbH"; "ag" is no company); a register or VAT line in any case.
_LEGAL_FORMS = frozenset(
    {"GmbH", "AG", "KG", "KGaA", "OHG", "UG", "SE", "eG", "Inc", "Ltd", "LLC", "LLP", "Corp", "PLC", "plc", "S.A",
     "B.V", "N.V", "& Söhne", "& Sohn", "& Co", "mbH", "gGmbH", "GesmbH",
     "GbR", "PartG", "Oy", "Oyj", "S.r.l", "S.p.A", "SARL", "A/S", "ApS", "Pty", "S.L", "Sp. z o.o"}
)  # fmt: skip
# Not "Limited", "Corporation", "SAS", "NV": English words, an airline, Nevada ("Limited mobility since
# the fall", "Mum's pension from British Steel Corporation", "Flug SAS 253", "Las Vegas, NV").
# A letterhead in capitals ("HARROW & FINCH LTD."): the longer forms count in capitals too ("AG" is one already;
# "EG" is a ground floor).
_CAPITAL_FORMS = frozenset(form.upper() for form in _LEGAL_FORMS if len(form) > 2 and form[0] != "&")
_REGISTER_WORDS = ("e.k.", "e.v.", "ust-id", "ustid", "uid-nr", "vat reg", "registergericht", "handelsregister",
                   "company no")  # fmt: skip
_REGISTER_CODES = ("hrb", "hra")  # "HRB 12345": whole words ("fahrrad" holds "hra")
_MARKER_WORDS = (*{form.lower() for form in _LEGAL_FORMS}, *_REGISTER_CODES)
_MARKER_SCAN = KeywordScan(
    keyword_pattern(words=_MARKER_WORDS, substrings=_REGISTER_WORDS), (*_MARKER_WORDS, *_REGISTER_WORDS)
)
# "registered in England and Wales (under)": a UK company's registration, before its number.
_UK_REGISTRATION = (
    r"[Rr]egistered[ \t]+in[ \t]+(?:England|Scotland|Wales|Northern[ \t]+Ireland)(?:[ \t]+and[ \t]+Wales)?"
    r"(?:[ \t]+under)?"
)
_REGISTER_BEFORE = re.compile(
    rf"(?:[Cc]ompany|[Rr]egist(?:ered|ration)|[Rr]eg\.|Register|HR[AB]|{_UK_REGISTRATION})"
    r"[ \t]*(?:[Nn]o\.?|[Nn]umber|[Nn]r\.?|nummer)?[ \t]*:?[ \t]*\Z"
)
# A UK company's number after its registration, with or without a company named: not a phone.
_REGISTERED_IN = re.compile(
    rf"{_UK_REGISTRATION}[ \t]*,?[ \t]*(?:[Nn]o\.?|[Nn]umber|[Cc]ompany[ \t]+(?:[Nn]o\.?|[Nn]umber))[ \t]*:?[ \t]*\Z"
)
# The writer asks to be paid into the account that follows ("Bitte überweisen Sie ... auf unser Konto",
# "Bankverbindung:", "Please pay by BACS to"): in a company's letter (:func:`_company_letter`), the company's account.
_PAYEE_BEFORE = re.compile(
    r"(?:auf[ \t]+(?:unser(?:[ \t]+Geschäfts)?|das)(?:[ \t]+folgende)?[ \t]*[Kk]onto|Bankverbindung|Kontoverbindung"
    r"|Bank(?:[ \t]+details)?[ \t]*:|Payment[ \t]+details[ \t]*:|BACS|[Pp]lease[ \t]+pay"
    r"|[Pp]repayment[ \t]+requested|[Ii]nternational[ \t]+payments"
    r"|[Pp]ay(?:able)?(?:[ \t]+by(?:[ \t]+\w+){1,2})?[ \t]+to|[Rr]emit(?:tance)?[ \t]+to)"
    r"(?:[^\n]|\n(?![ \t]*\n)){0,200}\Z"  # in the same paragraph, a few lines up at most
)
# Words a company's letter asking to be paid lacks: a customer or tenant, a friend's greeting or sign-off, money
# going to the reader (a refund, a withdrawal, "überweisen wir", "we will transfer").
_NOT_A_COMPANYS_LETTER = re.compile(
    r"(?:Kunde|Kundin|[Cc]ustomer|[Tt]enant|[Mm]ieter(?:in)?|Hi|Hallo|Hey|Liebe[rs]?|LG|VG|Gru(?:ß|ss)|Cheers|Thanks"
    r"|Danke|Sent[ ]from|Gesendet[ ]von|[Ee]rstatt\w*|[Rr]efund\w*|[Rr]ückerstatt\w*|gutgeschrieben|angegeben"
    r"|Widerruf\w*|Rücksendung|(?:überweisen|zahlen)[ ]wir|[Ww]ir[ ](?:überweisen|zahlen)"
    r"|[Ww]e(?:'ll|[ ]will|[ ]have)?[ ](?:transfer|pay|send)\w*|Lastschrift\w*|SEPA-Lastschrift\w*|Mandat\w*"
    r"|[Dd]irect[ ]debit|[Mm]andate|zieht|einziehen|eingezogen)"
    r"(?![\w])"
)
_OBFUSCATED_AT = re.compile(r"@|\s*[(\[{]?at[)\]}]?\s*", re.IGNORECASE)  # "kerem.jansen(at)web.de"

Span = tuple[str, int, int]


def without_company_contacts(text: str, findings: list[Span]) -> list[Span]:
    """``findings`` (ordered by start, none overlapping) without the contact data that is a company's."""
    if not any(entity in CONTACTS for entity, _, _ in findings):
        return findings
    markers = _markers(text)  # where a company is named, found once per text
    phones = [f for f in findings if f[0] == "PHONE"]
    exchanges = switchboards(text) if any("-" in text[a:b] for _, a, b in phones) else frozenset()
    # A service's line or a department's mailbox, named by its organisation or not (._service_contacts).
    findings = [f for f in findings if f[0] not in LINES or not service_contact(text, f, findings, markers, exchanges)]
    if not markers:
        # "Company No. 09876543", "registered in England and Wales no. 08750945": a register's number, not a line
        return [f for f in findings if not (f[0] == "PHONE" and _REGISTERED_IN.search(text, max(0, f[1] - 64), f[1]))]
    # The other findings, by end: the first that ends after a window's start is the one that may
    # reach into it (findings do not overlap, so their ends are in the order of their starts).
    others = [(a, b) for entity, a, b in findings if entity not in CONTACTS]
    ends = [b for _, b in others]
    kept: list[Span] = []
    for finding in findings:
        entity, start, end = finding
        if entity in CONTACTS:
            if entity == "PHONE" and _REGISTER_BEFORE.search(text, max(0, start - 64), start):
                continue  # "Company No. 09876543", "HRB 12345": the register's number, not a line
            lo, hi = paragraph(text, start, end)
            i = bisect_right(ends, lo)
            if (
                (
                    bisect_left(markers, hi) > bisect_left(markers, lo)  # a company named in the paragraph
                    or (entity == "IBAN" and not others and _company_letter(text, start))
                )
                and not _table_row(text, start)  # a CRM export's row: a contact at a company is a person
                and not (i < len(others) and others[i][0] < hi)  # and no other finding
                and not someone(text, lo, hi)
                and not (entity == "PHONE" and mobile(text, start, end))
                and not (entity == "EMAIL" and name_in(_OBFUSCATED_AT.split(text[start:end], 1)[0]))
                and not (entity == "EMAIL" and freemail(_OBFUSCATED_AT.split(text[start:end], 1)[-1].lower()))
            ):
                continue
        kept.append(finding)
    return kept


def _company_letter(text: str, start: int) -> bool:
    """Whether the IBAN at ``start`` is the writer's to be paid into ("Bitte überweisen Sie ... auf unser Konto") and
    the whole text is a company's letter: nobody in it writes in the first person or as a friend, no customer,
    tenant or other person is spoken of, and no money goes back to the reader (a refund's account is theirs)."""
    return (
        _PAYEE_BEFORE.search(text, max(0, start - 240), start) is not None
        and _writer_is_a_company(text)
        and not words(FIRST_PERSON, text)
        and not words(PERSON_ROLES, text)
        and not words(_NOT_A_COMPANYS_LETTER, text)
    )


def _writer_is_a_company(text: str) -> bool:
    """Whether the text's letterhead (its first line) or its footer (its last four lines) names a company: a line
    that is no sentence ("Ostsee Software UG · Carl-Benz-Straße 116", not "Abgelesen durch Westnetz GmbH.")."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return any(
        len(line) <= 120 and not line.endswith(".") and _A_COMPANY.search(line) for line in {*lines[:1], *lines[-4:]}
    )


# A company named in one line (the text's word caches, :func:`._per_text.lowered`, are kept for the whole text).
_A_COMPANY = re.compile(
    r"(?<![\w])(?:"
    + "|".join(re.escape(form) for form in sorted(_LEGAL_FORMS | _CAPITAL_FORMS, key=len, reverse=True))
    + r")(?![\w])|\bHR[AB][ ]?[0-9]|(?i:ust-?id|vat[ ]reg|company[ ]no)"
)


def _markers(text: str) -> list[int]:
    """Where a company is named in ``text`` (a legal form as written, or a register or VAT line), in order."""
    found = []
    for a, b in _MARKER_SCAN.spans(*lowered(text)):
        word = text[a:b].strip()
        if word in _LEGAL_FORMS or word in _CAPITAL_FORMS or word.lower() in _REGISTER_WORDS or word in ("HRB", "HRA"):
            found.append(a)
    return found


def _table_row(text: str, start: int) -> bool:
    """Whether the line holding ``text[start]`` is a row of a table (CSV, TSV, Markdown): a record about someone.

    Not a letterhead's or an invoice's footer: its register with a number and its labelled values on the line
    ("HRB 36660 | USt-IdNr. DE435384652 | Tel. ... | IBAN ..."), or the register on the line above and this one
    opening with a label ("Tel. ... | IBAN ..."). A table's rows open with a value (a name, a number), and a
    header that names a register column holds no number.
    """
    first = text.rfind("\n", 0, start) + 1
    line = text[first : (text.find("\n", start) + 1 or len(text) + 1) - 1]
    if not (line.count(";") >= 2 or line.count("\t") >= 2 or line.count("|") >= 2):
        return False
    if _REGISTER_LINE.search(line) and _LABELLED.search(line):
        return False
    above = text[text.rfind("\n", 0, max(0, first - 1)) + 1 : first]
    return not (_REGISTER_LINE.search(above) and _LABELLED.match(line.lstrip()))


_REGISTER_LINE = re.compile(
    r"\bHR[AB][ \t]*[0-9]|(?i:ust\.?-?id(?:nr)?\.?|vat[ \t]+(?:reg(?:istration)?\.?[ \t]+)?(?:no\.?|number))[ \t:]*"
    r"(?:DE|ATU|GB|CHE)[ \t]?[0-9]|(?i:company[ \t]+no\.?)[ \t:]*[0-9]|(?:Amtsgericht|Registergericht)[ \t]+[A-ZÄÖÜ]"
)
_LABELLED = re.compile(r"(?:Tel|Fax|IBAN|BIC|E-Mail|Email|Phone)\b")
