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

A number right after "Company No.", "Registered No." or "HRB" is the register's, never a phone. A UK
``03`` number (``0344 561 5440``) and a conference's dial-in are a service's lines wherever they stand
(:func:`._phones.service_line`).

A prompt made of several documents keeps them apart by its blank lines: a private note
next to an invoice stays private.

No library tells a company's contact block from a person's, so the rule is written here.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from langchain_aegis.privacy._lexicon import ends_in_surname, lexicon_names
from langchain_aegis.privacy._lexicon_names import lexicon_persons
from langchain_aegis.privacy._mailboxes import ROLE_WORDS, freemail, personal_domain, plain_words_mailbox
from langchain_aegis.privacy._patterns import keyword_pattern
from langchain_aegis.privacy._phones import is_mobile
from langchain_aegis.privacy._prefilter import KeywordScan, lowered
from langchain_aegis.privacy._service_lines import service_number, switchboards

__all__ = ["REACH", "without_company_contacts"]

REACH = 300
"""At most this many characters either side of a contact finding are read (its paragraph, if shorter)."""

_CONTACTS = frozenset({"PHONE", "EMAIL", "IBAN"})
_LINES = frozenset({"PHONE", "EMAIL"})  # what a service or a department reads: a line or a mailbox
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
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")  # symmetric, so it also finds a blank line in reversed text
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
# Someone speaking of their own number or account ("Rufen Sie mich unter ... an", "auf mein Konto",
# "my personal email"): a company writes "wir", "unser", "our".
_FIRST_PERSON = re.compile(
    r"(?:[Ii]ch|[Mm]ich|[Mm]ir|[Mm]ein|[Mm]eine|[Mm]einen|[Mm]einem|[Mm]einer|[Mm]y|[Mm]e|I|I'm|[Pp]rivat\w*|[Pp]rivate"
    r"|[Pp]ersonal|[Pp]ersönlich\w*|[Zz]uhause|[Zz]u[ ][Hh]ause|[Dd]aheim)(?![\w])"
)
# Someone other than the company spoken of ("Bitte rufen Sie die Patientin unter ... zurück", "Der Mieter zahlt
# von DE89 ...", "unser Sohn", "his wife"): a company's paragraph about a person holds that person's number.
_PERSON_ROLES = re.compile(
    r"(?:[Pp]atient(?:in|en)?|Kundin|Mandant(?:in)?|Bewerber(?:in)?|Versicherte[rn]?|Bewohner(?:in)?|Angehörige[rn]?"
    r"|Mieter(?:in)?|Mitarbeiter(?:in)?|Antragsteller(?:in)?|Beklagte[rn]?|Kläger(?:in)?|Schuldner(?:in)?"
    r"|Steuerpflichtige[rn]?|Besucher(?:in)?|Leser(?:in)?|Student(?:in)?|Schüler(?:in)?|Reisende[rn]?"
    r"|Tochter|Sohn|Ehefrau|Ehemann|Vater|Mutter|Eltern|ihn|ihm|ihre[mnrs]?"
    r"|[Aa]pplicant|[Cc]lient|[Rr]esident|[Rr]elative|[Tt]enant|[Ee]mployee|[Cc]omplainant|[Dd]efendant|[Cc]laimant"
    r"|[Ss]tudent|[Tt]raveller|[Tt]raveler|[Vv]isitor|[Ww]ife|[Hh]usband|[Ss]on|[Dd]aughter|[Pp]arents?|him|his|her)"
    r"(?![\w])"
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
_MOBILE_LABEL = re.compile(r"(?i:handy|mobil\w*|cell\w*|mob\.)[^\n0-9+]{0,6}\Z")


def _mobile(text: str, start: int, end: int) -> bool:
    """A mobile number, by libphonenumber or by its label ("Handy: +1 415 ...": North America's are unknowable)."""
    return is_mobile(text[start:end]) or _MOBILE_LABEL.search(text, max(0, start - 16), start) is not None


_LOCAL_PARTS = re.compile(r"([\w.+\-]+)@")  # "jane.doe+billing@": the name is before the tag
_SPLIT = re.compile(r"[._+\-]+")
_FIRST_DOT_LAST = re.compile(r"[^\W\d_]{2,}[._][^\W\d_]{2,}[0-9]*")
_OBFUSCATED_AT = re.compile(r"@|\s*[(\[{]?at[)\]}]?\s*", re.IGNORECASE)  # "kerem.jansen(at)web.de"

Span = tuple[str, int, int]


def without_company_contacts(text: str, findings: list[Span]) -> list[Span]:
    """``findings`` (ordered by start, none overlapping) without the contact data that is a company's."""
    if not any(entity in _CONTACTS for entity, _, _ in findings):
        return findings
    # A UK 03 number or a conference's dial-in is a service's line, named or not (no person rents one); a number
    # whose digits a German area code shares (0345 Halle) only in a UK text that speaks of no one.
    markers = _markers(text)  # where a company is named, found once per text
    phones = [f for f in findings if f[0] == "PHONE"]
    exchanges = switchboards(text) if any("-" in text[a:b] for _, a, b in phones) else frozenset()
    findings = [f for f in findings if f[0] not in _LINES or not _service(text, f, findings, markers, exchanges)]
    if not markers:
        # "Company No. 09876543", "registered in England and Wales no. 08750945": a register's number, not a line
        return [f for f in findings if not (f[0] == "PHONE" and _REGISTERED_IN.search(text, max(0, f[1] - 64), f[1]))]
    # The other findings, by end: the first that ends after a window's start is the one that may
    # reach into it (findings do not overlap, so their ends are in the order of their starts).
    others = [(a, b) for entity, a, b in findings if entity not in _CONTACTS]
    ends = [b for _, b in others]
    kept: list[Span] = []
    for finding in findings:
        entity, start, end = finding
        if entity in _CONTACTS:
            if entity == "PHONE" and _REGISTER_BEFORE.search(text, max(0, start - 64), start):
                continue  # "Company No. 09876543", "HRB 12345": the register's number, not a line
            lo, hi = _paragraph(text, start, end)
            i = bisect_right(ends, lo)
            if (
                (
                    bisect_left(markers, hi) > bisect_left(markers, lo)  # a company named in the paragraph
                    or (entity == "IBAN" and not others and _company_letter(text, start))
                )
                and not _table_row(text, start)  # a CRM export's row: a contact at a company is a person
                and not (i < len(others) and others[i][0] < hi)  # and no other finding
                and not _someone(text, lo, hi)
                and not (entity == "PHONE" and _mobile(text, start, end))
                and not (entity == "EMAIL" and _name_in(_OBFUSCATED_AT.split(text[start:end], 1)[0]))
                and not (entity == "EMAIL" and freemail(_OBFUSCATED_AT.split(text[start:end], 1)[-1].lower()))
            ):
                continue
        kept.append(finding)
    return kept


def _service(text: str, finding: Span, findings: list[Span], markers: list[int], exchanges: frozenset[str]) -> bool:
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
        ) and not (_mobile(text, start, end))
    elif entity == "EMAIL":
        local, _, domain = text[start:end].partition("@")
        if not domain or not plain_words_mailbox(local, domain):
            return False
        lo, hi = _paragraph(text, start, end)  # a company named anywhere, a public body beside it
        maybe = bool(markers) or _PUBLIC_BODY.search(text, lo, hi) is not None
    else:
        return False
    if not maybe:
        return False
    lo, hi = _paragraph(text, start, end)
    # Read around the finding, not in it: "credit.control@" has the shape of "kerem.jansen@" that _named reads as
    # a name, and the mailbox test above has found no name in it.
    return (
        not _someone(text, lo, start)
        and not _someone(text, end, hi)
        and not _words(_SERVICE_USERS, text, lo, hi)
        and not any(other[0] not in _CONTACTS and other[1] < hi and other[2] > lo for other in findings)
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
    para_lo, para_hi = _paragraph(text, start, end)
    return _PUBLIC_BODY.search(text, para_lo, para_hi) is not None or _PUBLIC_BODY.search(text, 0, 300) is not None


def _organisations(text: str, local: str, domain: str) -> bool:
    """Whether ``local@domain`` is an organisation's role or department mailbox at a domain the text names."""
    if freemail(domain) or personal_domain(domain):
        return False
    roles = all(part in ROLE_WORDS for part in _SPLIT.split(local.lower()) if part)
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


def _someone(text: str, lo: int, hi: int) -> bool:
    """Whether the paragraph ``text[lo:hi]`` speaks of a person: in the first person, by a role, by name."""
    return bool(_words(_FIRST_PERSON, text, lo, hi) or _words(_PERSON_ROLES, text, lo, hi)) or _named(text, lo, hi)


def _company_letter(text: str, start: int) -> bool:
    """Whether the IBAN at ``start`` is the writer's to be paid into ("Bitte überweisen Sie ... auf unser Konto") and
    the whole text is a company's letter: nobody in it writes in the first person or as a friend, no customer,
    tenant or other person is spoken of, and no money goes back to the reader (a refund's account is theirs)."""
    return (
        _PAYEE_BEFORE.search(text, max(0, start - 240), start) is not None
        and _writer_is_a_company(text)
        and not _words(_FIRST_PERSON, text)
        and not _words(_PERSON_ROLES, text)
        and not _words(_NOT_A_COMPANYS_LETTER, text)
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


def _words(pattern: re.Pattern[str], text: str, lo: int = 0, hi: int | None = None) -> list[int]:
    """Where ``pattern`` matches in ``text[lo:hi]`` as a whole word (not inside another word)."""
    return [
        m.start()
        for m in pattern.finditer(text, lo, len(text) if hi is None else hi)
        if not (m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"))
    ]


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph around ``text[start:end]``, at most :data:`REACH` characters either side."""
    lo, hi = max(0, start - REACH), min(len(text), end + REACH)
    before = _BLANK_LINE.search(text[lo:start][::-1])  # the nearest blank line before, read backwards
    after = _BLANK_LINE.search(text, end, hi)
    first, last = (start - before.start() if before else lo), (after.start() if after else hi)
    if before and _CONTACT_BLOCK.fullmatch(text, first, last):
        # A letterhead or legal notice sets its phone, fax and e-mail lines apart from the name and
        # address above them: the block belongs to the paragraph before it, when that one ends in
        # the postcode and city of an address (a ticket's or a letter's text above does not).
        above_end = start - before.end()  # where the blank line before the block starts
        if _CITY_LINE_END.search(text, max(lo, above_end - 60), above_end):
            above = _BLANK_LINE.search(text[lo:above_end][::-1])
            first = above_end - above.start() if above else lo
    return first, last


# Lines that hold only a contact channel's label and its bare value ("Telefon: 0751 36 12 40",
# "E-Mail: info@...", "Web: www..."); "Telefon Kundin: ..." or "Mobil: ..." are no letterhead's.
_CONTACT_BLOCK = re.compile(
    r"(?:[ \t]*(?:Tel(?:efon)?|Telefax|Fax|Phone|E-?Mail|Mail|Web|Internet|Website|Homepage)\.?[ \t]*:?[ \t]*"
    r"(?:\+?[0-9()][0-9()\-/. ]{5,}[0-9]|[\w.+\-]+@[\w.\-]+\.[a-z]{2,}|(?:https?://)?[\w\-]+(?:\.[\w\-]+)+\S*)"
    r"[ \t]*\r?\n?)+"
)
_CITY_LINE_END = re.compile(r"(?:^|\n)[ \t]*(?:D-|A-|CH-)?[0-9]{4,5}[ ]+[A-ZÄÖÜ][\w\-äöüß. ]*[ \t]*\Z")


def _named(text: str, lo: int, hi: int) -> bool:
    """Whether ``text[lo:hi]`` names a person: a lexicon name (:func:`lexicon_persons`), or one in an address."""
    if lexicon_persons(text, lo, hi):
        return True
    return any(_name_in(local) for local in _LOCAL_PARTS.findall(text, lo, hi))


def _name_in(local: str) -> bool:
    """Whether an address's local part holds a lexicon name, also glued ("peterbecker", "jpadilla", "kerem.jansen")."""
    names = lexicon_names()
    low = local.lower()
    if _FIRST_DOT_LAST.fullmatch(low) and not any(part in ROLE_WORDS for part in _SPLIT.split(low)):
        return True  # "kerem.jansen": a first name and a surname, whether or not the lexicon knows them
    for part in _SPLIT.split(low):
        part = part.rstrip("0123456789")
        if part in ROLE_WORDS:
            continue  # "presse@", "buchhaltung@": a role, whatever surname its letters end in ("Resse", "Tung")
        if part.capitalize() in names:
            return True
        # A surname after a first name or an initial: "peterbecker", "pbecker".
        if ends_in_surname(part):
            return True
    return False


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
