"""Number-shaped entities: everything the digit-run prefilter can see.

One pass of :data:`~._patterns.NUMBER_RUN` finds runs of four or more digits
(:func:`~._prefilter.number_runs`, which the address scanner reads too).
Each run is then classified by cheap facts (digit count, separators, whether
it is glued to a word) and only the few validators that fit it are run, inside
a small window around it. Keyword-bound entities (date of birth, record
numbers, document numbers near their label, plain SSNs) look back a few dozen
characters for their keyword in a lower-cased slice.
"""

from __future__ import annotations

import ipaddress
import re

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._birth_dates import (
    birth_date_before_verb,
    birth_dates_after_keyword,
    birthdays,
    newborns,
    short_birth_years,
)
from langchain_aegis.privacy._cards import CARD_FIRST, card_prefix_ok, card_written, keyword_card
from langchain_aegis.privacy._checksums import de_tax_id_ok, luhn_ok, us_ssn_ok
from langchain_aegis.privacy._columns import version_column
from langchain_aegis.privacy._glue import glued_left, glued_right
from langchain_aegis.privacy._ibans import IBAN_CHARS, IBAN_REACH, iban_head_before, iban_part_before, ibans
from langchain_aegis.privacy._ids import id_candidate, scan_national_ids
from langchain_aegis.privacy._keyword_runs import LOOKBACK, keyword_runs
from langchain_aegis.privacy._phone_runs import code_first, dialled, digits_of, extended_phone, phones
from langchain_aegis.privacy._phones import date_shaped, scan_keyword_phones
from langchain_aegis.privacy._prefilter import lowered, number_runs
from langchain_aegis.privacy._stars import STAR_REACH, starred_date, year_of_birth

__all__ = [
    "Span",
    "glued_left",
    "glued_right",
    "lower_window",
    "nearest_label",
    "scan_numbers",
]

Span = tuple[str, int, int]
"""An entity type and its ``[start, end)`` character span."""

# GS1 application identifiers and the length of the number after them, written without a space ("(01)" then a
# 14-digit GTIN; Dublin's "(01) 234 5678" has a space and another length).
_GS1 = {"(00)": 18, "(01)": 14, "(02)": 14}


def _diners(digits: str) -> bool:
    """Whether 14 digits are a Diners Club card's (30, 36, 38 and Luhn), whatever stands before them."""
    return len(digits) == 14 and digits[:2] in ("30", "36", "38") and luhn_ok(digits)


_COORDINATES = re.compile(r"[+-](?:[0-9]{4}[+-][0-9]{5}|[0-9]{6}[+-][0-9]{7})(?![0-9])")
# A digit run followed by two more labels of a host name ("061092085098.ctinets.com").
_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def lower_window(text: str, lo: int, hi: int) -> str:
    """``text[lo:hi]`` lower-cased, keeping every character at its index.

    ``str.lower`` may lengthen a few characters (``İ``); those stay as they
    are so offsets found in the window still point into ``text``.
    """
    window = text[lo:hi]
    low = window.lower()
    if len(low) == len(window):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in window)  # rare: only for such characters


_LABELS = (
    ("MEDICAL_RECORD", p.RECORD_KEYWORDS),
    ("DE_ID_CARD", p.ID_CARD_KEYWORDS),
    ("DE_PASSPORT", p.PASSPORT_KEYWORDS),
)
# Any of the labels: one search that finds something exactly where one of the three does, so a
# look-back without a label (two in three) costs one search instead of three.
_ANY_LABEL = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _LABELS))


def nearest_label(low: str, labels: tuple[tuple[str, re.Pattern[str]], ...]) -> tuple[str, int] | None:
    """The entity whose label ends last in ``low`` (the one next to the value), and where it ends."""
    best: tuple[str, int] | None = None
    for entity, pattern in labels:
        for km in pattern.finditer(low):
            if best is None or km.end() > best[1]:
                best = (entity, km.end())
    return best


def scan_numbers(text: str, out: list[Span]) -> None:
    """Append every number-shaped entity in ``text`` to ``out``."""
    n = len(text)
    low_text, words = lowered(text)
    runs = number_runs(text)
    scan_keyword_phones(text, out)
    short_birth_years(text, low_text, words, out)
    newborns(text, out)
    birthdays(text, out)
    # This loop runs once per digit run, so the common case ("2024", "12:03:44.123")
    # must cost a handful of C calls: no lists, cheap gates before every validator.
    for (s, e), keyword in zip(runs, keyword_runs(low_text, words, runs), strict=True):
        if text.find("geboren", e, e + 32) != -1:
            birth_date_before_verb(text, s, e, out)  # "wurde am 18. August 1950 geboren"
        if e - s == 4:
            # Four digits and nothing else (a run has four digits or more), a quarter of all
            # runs: only a keyword, the middle of a NINO or a year or date of birth after a
            # star can stand here; the tests below for longer runs cannot pass.
            if keyword:
                lo = s - LOOKBACK if s > LOOKBACK else 0
                _keyword_bound(text, s, e, lo, low_text[lo:s], out)
            if s >= 2 and text[s - 1] in " ABCDEFGHIJKLMNOPQRSTUVWXYZ":
                a = s - 3 if s >= 3 and text[s - 1] == " " else s - 2
                if a >= 0 and text[a] in _CAPITALS and text[a + 1] in _CAPITALS:
                    lo = s - LOOKBACK if s > LOOKBACK else 0
                    scan_national_ids(text, s, e, 4, low_text[lo:s], out)
            if s and text[s - 1] in "*r" and year_of_birth(text, s, e):
                out.append(("DATE_OF_BIRTH", s, e))
            c = text[s - 1] if s >= 3 else ""
            if (c == "\t" or (c == " " and text[s - 2] == " ")) and iban_head_before(text, s):
                # "GB29\tNWBK\t6016\t1331...", "GB29  NWBK  6016": a spreadsheet's or a PDF's groups, each
                # a run of its own; the IBAN may reach past this one by all the groups after it.
                ibans(text, s, min(n, s + IBAN_REACH + 6), n, out)
            star_lo = s - STAR_REACH if s > STAR_REACH else 0  # "* 14. 10. 1996" holds the run "1996" only
            if text.find("*", star_lo, s) != -1 and not glued_right(text, e):  # "* 25-Nov-1967" is glued left
                starred_date(text, s, e, out)
            continue
        if s and text[s - 1] in "+-" and (_COORDINATES.match(text, s - 1) or text[s - 2 : s] in ("U+", "u+")):
            continue  # "+4953-09709", "-0351-03225": a place on Earth (ISO 6709); "U+0460-0463": code points
        if s >= 4 and text[s - 1] == ")" and _GS1.get(text[s - 4 : s]) == e - s and not _diners(text[s:e]):
            continue  # "(00)050123451609485913", "(01)04263355173249": a GS1 barcode's SSCC or GTIN
        lo = s - LOOKBACK if s > LOOKBACK else 0
        low = low_text[lo:s]
        if keyword:
            _keyword_bound(text, s, e, lo, low, out)
        raw = text[s:e]
        # Most runs are bare; four str.replace calls cost half a translate with a deletion table.
        digit_count = len(raw) if raw.isdecimal() else len(digits_of(raw))
        whole = False  # a national ID is the whole run ("756 3992 9012 03"): no shorter number inside it
        dial = None  # whether a dialling code stands before the run, looked for once and only when needed
        if digit_count >= 6:
            if id_candidate(text, s, e, digit_count, low) and not (dial := dialled(text, s)):  # cheap tests first
                found = len(out)
                scan_national_ids(text, s, e, digit_count, low, out)
                whole = len(out) > found and any(a <= s and b >= e for _, a, b in out[found:])
        elif s >= 2 and text[s - 1] in " ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            # Four or five digits can only be the middle of a NINO ("AB 12 34 56 C"): its two
            # letters must stand before the run, tested here before the call.
            a = s - 3 if s >= 3 and text[s - 1] == " " else s - 2
            if a >= 0 and text[a] in _CAPITALS and text[a + 1] in _CAPITALS:
                scan_national_ids(text, s, e, digit_count, low, out)
        if digit_count == 4 and s and text[s - 1] in "*r" and year_of_birth(text, s, e):
            out.append(("DATE_OF_BIRTH", s, e))
        if (
            digit_count >= 8
            and s >= 2
            and (
                text[s - 1].isalpha()
                or (
                    text[s - 1] in " \t\n-"
                    and (text[s - 2] in IBAN_CHARS or (text[s - 2] in " \t\n-" and iban_part_before(text, s)))
                )
            )
            and iban_head_before(text, s)
        ):
            # An IBAN's country code, and any letters of its bank code, stand just before
            # the digit run; tested before the glue test as letters may follow ("... 3M02 606").
            ibans(text, s, e, n, out)
        if glued_right(text, e):
            if text[e] == "x" and (digit_count >= 10 or (digit_count == 7 and text[s - 1 : s] in (")", " "))):
                extended_phone(text, s, e, out)  # "001-201-331-5450x8988"
            continue
        if digit_count >= 5:
            before = text[s - 8 if s > 8 else 0 : s]
            # Phones start with 0, +, 00 or an area code in parentheses, or have ten digits (US).
            if (
                raw[0] == "0"
                or digit_count == 10
                or (digit_count == 11 and raw[0] == "1")
                or "+" in before
                or "(" in before
                or before.endswith(" / ")  # "030 / 1234 5678": a short area code is no run of its own
            ):
                phones(text, s, e, out)
        if glued_left(text, s):
            continue
        if "." in raw:
            if raw.count(".") == 3:
                _ipv4(text, raw, s, out)
        elif digit_count >= 9 and not whole and not (" " in (raw[6:7], raw[8:9]) and date_shaped(raw)):
            # Not a log's "250101 000001 1" (passes Luhn by chance); after a dialling code ("+49 1512...",
            # "0049 1512..."), the run's first two groups are a phone's, though a card may follow on the next line.
            if dial is None:
                dial = dialled(text, s)
            code = dial or (text.startswith("00", s) and code_first(text, s))
            _separated_numbers(text, s, raw, out, 2 if code else 0)
            if digit_count in (12, 13, 15):
                keyword_card(s, raw, low, out)
        if "*" in low[-3:]:
            starred_date(text, s, e, out)


def _keyword_bound(text: str, s: int, e: int, lo: int, low: str, out: list[Span]) -> None:
    """Entities that count only next to their keyword."""
    n = len(text)
    birth_dates_after_keyword(text, s, e, lo, low, out)
    label = nearest_label(low, _LABELS) if _ANY_LABEL.search(low) else None
    if label is not None:
        entity, label_end = label
        value = p.RECORD_VALUE if entity == "MEDICAL_RECORD" else p.DOC_VALUE
        vm = value.match(text, lo + label_end, min(n, e + 8))
        if vm and vm.end(1) > s and not glued_right(text, vm.end(1)) and any(c.isdecimal() for c in vm.group(1)):
            out.append((entity, vm.start(1), vm.end(1)))
    sm = p.SSN_SHAPE.match(text, s, e)  # the shape is one cheap match; the keyword list scans the look-back
    if sm and sm.end() == e and us_ssn_ok(sm.group(1), sm.group(3), sm.group(4)) and p.SSN_KEYWORDS.search(low):
        out.append(("US_SSN", s, e))


def digit_count_of(text: str, s: int, e: int) -> int:
    """Digits in ``text[s:e]``."""
    return sum(1 for c in text[s:e] if c.isdecimal())


_PUBLIC_RESOLVERS = frozenset(
    {"1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "149.112.112.112", "208.67.222.222", "208.67.220.220",
     "1.1.1.2", "1.0.0.2", "1.1.1.3", "1.0.0.3", "9.9.9.10", "94.140.14.14", "94.140.15.15", "76.76.2.0"}
)  # fmt: skip
"""Cloudflare's, Google's, Quad9's, OpenDNS's and AdGuard's resolvers: in configs and docs, never a person."""


def _ipv4(text: str, raw: str, s: int, out: list[Span]) -> None:
    im = p.IPV4.match(raw)
    if im is None or (im.end() < len(raw) and raw[im.end()] != "/"):
        return
    parts = im.group().split(".")
    if any(len(x) > 1 and x[0] == "0" for x in parts):
        return  # "8.8.8.08": not an IPv4 address (ipaddress rejects the ambiguous leading zero)
    octets = [int(x) for x in parts]
    if max(octets) > 255 or octets[0] in (0, 127, 255):
        return  # unspecified, loopback and netmasks say nothing about a person
    end = s + im.end()
    if end < len(text) and text[end] == "/":
        return  # a CIDR block names a network, not a connection
    if im.group() in _PUBLIC_RESOLVERS:
        return  # a public DNS resolver's anycast address is a service everyone uses, no one's connection
    address = ipaddress.IPv4Address(im.group())
    if not address.is_global or address.is_multicast:
        return  # RFC 1918, CGNAT, link-local, documentation, multicast: machines, not people
    small = max(octets) < 100  # "2.2.1.2", "1.6.5.2": a section's or a release's parts, not an address's
    line_start = text.rfind("\n", 0, s) + 1
    if (
        small
        and (text[end : end + 1] == " " or (text[end : end + 1] == "." and max(octets) < 10))  # "2.1.2.2. Size"
        and _HEADING_AFTER.match(text, end)
        and not text[line_start:s].strip(" \t#*")
    ):
        return  # a numbered heading at a line's start, not a login
    if small and _release_context(text, s, line_start):
        return  # "broken since 1.6.5.2", "seit Dpkg 1.4.1.17", "(version >= 3.6.1.1)": a release
    if octets[3] == 0 or _version_context(text, s) or _VERSION_AFTER.match(text, end) or version_column(text, s, end):
        return  # "x.y.0.0" names a network or a version (also under a table's Version header); a host ends not in .0
    out.append(("IP_ADDRESS", s, end))


_VERSION_BEFORE = re.compile(
    r"(?:version|release|build|firmware|patch|rev|ver|v|==|~=|>=|<=|@|<assemblyversion>|<fileversion>|"
    r"assemblyversion\(\"|\": \"|\":\"|=\"|= \"|')[ =:]{0,3}\Z"
    # A changelog's "Update from 1.2.99.2 to 1.2.99.4", "bump libfoo-2 from ...", "update V8 to ...":
    # the word between (if any) is a package's name, never a plain word ("updated profile from 85.x"
    # is a login).
    r"|(?:updat|upgrad|bump|downgrad)[a-z]*(?:[ ][a-z]*[\-_0-9][\w.\-]*|[ ]path:?)?[ ]from[ ]"
    r"(?:[0-9][0-9.]*[ ]to[ ])?\Z"
    r"|(?:updat|upgrad|bump|downgrad)[a-z]*[ ][a-z]*[\-_0-9][\w.\-]*[ ]to[ ]\Z"  # "to" after a package only
    # A document's numbered parts: "RFC 5890, section 2.3.2.4", "Abschnitt 4.1.2.3"; CMake's "find_package(Foo ".
    r"|(?:section|sect\.|chapter|clause|abschnitt|kapitel|ziffer|§)[ ]?\Z|find_package\([\w\-]+[ ]\Z"
)
# "broken since 1.6.5.2", "seit Dpkg 1.4.1.17", "Major changes in 3.31.0.2": a release in a changelog's
# prose (when its parts are small).
_RELEASE_BEFORE = re.compile(
    r"(?:since|seit|until|prior[ ]to)[ ](?:[a-z][\w\-]*[ ])?\Z"
    r"|(?:changes|fixed|introduced|released|deprecated)[ ]in[ ]\Z"
    r"|(?:fixed|behoben|released|introduced|enthalten|shipped)[ ]in[ ](?:hotfix|bugfix|patch|service[ ]pack)[ ]\Z"
    r"|(?:behoben|fixed|resolved|gelöst)[ ]in:[ ]?\Z"
    # "Driver package: 6.14.27.4", 'kassen_version: "5.7.11.4"', "must first upgrade to 4.1.9.2"
    r"|(?:package|paket):[ ]?\Z|version[ ]?[:=][ ]?[\"']\Z|(?:upgrad|downgrad)[a-z]*[ ]to[ ]\Z"
)
# "Standards-Version): update to 3.5.6.1", "(version >= 3.6.1.1)", "Versionsnummer 7.4.3.2": a version word
# earlier on the line, and between it and the number only words that speak of versions, no number and no
# cell's border ("Browser version: Firefox 118, IP 84.12.34.56", "Version/17.2 Mobile Safari", "version 5.1;84...").
_VERSION_EARLIER = re.compile(r"\b(?:version|firmware)\w*(?P<between>(?:(?!version)[^\n/0-9;|\t]){0,24})\Z")
_BETWEEN_WORDS = frozenset(
    {
        "update",
        "updated",
        "to",
        "before",
        "after",
        "below",
        "above",
        "prior",
        "older",
        "newer",
        "than",
        "nummer",
        "bis",
        "ab",
        "einschließlich",
        "inklusive",
        "vor",
        "älter",
        "neuer",
        "als",
        "or",
        "including",
        "up",
    }
)
_WORD = re.compile(r"[^\W\d_]+")


def _release_context(text: str, s: int, line_start: int) -> bool:
    low = text[max(line_start, s - 48) : s].lower()
    if _RELEASE_BEFORE.search(low[-32:]):
        return True
    earlier = _VERSION_EARLIER.search(low)
    return earlier is not None and all(w in _BETWEEN_WORDS for w in _WORD.findall(earlier.group("between")))


# A document's numbered heading at a line's start: "2.2.1.2 An Example of Context Format".
_HEADING_AFTER = re.compile(r"\.?[ \t]+[A-ZÄÖÜ][a-zäöüß]")


_VERSION_AFTER = re.compile(r"[ \-]?(?:style )?(?:version|release|build|-?rc|-?beta|-?alpha)", re.IGNORECASE)


def _version_context(text: str, s: int) -> bool:
    """Whether a dotted quad is a version: after "version", "v", "==", "@", in a package pin."""
    low = text[max(0, s - 48) : s].lower()
    return _VERSION_BEFORE.search(low) is not None


def _separated_numbers(text: str, s: int, raw: str, out: list[Span], skip: int = 0) -> None:
    """Cards, tax IDs and SSNs: consecutive digit groups of the run that begin and end at a space.

    ``skip``: how many of the run's first space-separated segments no number may start in.
    """
    if raw.isdecimal():  # one group: only the whole run can be a card or a tax ID, never an SSN
        if skip:
            return
        if 14 <= len(raw) <= 19:  # 13 digits: an EAN barcode as often as an old Visa card (keyword_card)
            if raw[0] in CARD_FIRST and card_prefix_ok(raw) and luhn_ok(raw):
                out.append(("CREDIT_CARD", s, s + len(raw)))
        elif len(raw) == 11 and de_tax_id_ok(raw):
            out.append(("DE_TAX_ID", s, s + len(raw)))
        return
    # A number begins and ends where the run has a space, so the candidates are the runs of
    # consecutive space-separated segments; a segment may hold groups joined by "-", "." or "/".
    # Per segment: where it ends, its digits, its groups, whether its separators are only dashes
    # (a card's) and whether it has none (a tax ID's).
    segments = []
    end = s - 1
    for segment in raw.split(" "):
        start = end + 1
        end = start + len(segment)
        if segment.isdecimal():
            segments.append((start, end, segment, 1, True, True))
        else:
            digits = digits_of(segment)  # every separator joins two groups
            dashes_only = "." not in segment and "/" not in segment
            segments.append((start, end, digits, 1 + len(segment) - len(digits), dashes_only, False))
    for i, (start, _, _, _, _, _) in enumerate(segments):
        if i < skip:
            continue
        digits = ""
        groups = 0
        card_layout = tax_layout = True
        for _, b, segment_digits, segment_groups, dashes_only, plain in segments[i:]:
            digits += segment_digits
            if len(digits) > 19:
                break
            groups += segment_groups
            card_layout = card_layout and dashes_only
            tax_layout = tax_layout and plain
            if len(digits) < 9:
                continue
            if 14 <= len(digits) <= 19:
                if (
                    digits[0] in CARD_FIRST
                    and card_layout
                    and card_prefix_ok(digits)
                    and luhn_ok(digits)
                    and card_written(text, start, b, digits)
                ):
                    out.append(("CREDIT_CARD", start, b))
            elif len(digits) == 11:
                if tax_layout and de_tax_id_ok(digits):
                    out.append(("DE_TAX_ID", start, b))
            elif len(digits) == 9 and groups == 3:
                sm = p.SSN_SHAPE.fullmatch(text, start, b)
                if sm and sm.group(2) and us_ssn_ok(sm.group(1), sm.group(3), sm.group(4)):
                    out.append(("US_SSN", start, b))
