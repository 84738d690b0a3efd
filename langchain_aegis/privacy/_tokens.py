"""Token-shaped entities the digit prefilter cannot see on its own.

E-mail addresses are found from their ``@`` (a plain ``str.find``), IPv6
addresses from a ``::`` or ``:hex:`` hint, and German ID card and passport
numbers from nine characters of their alphabet. Each hint is rare in ordinary
text, so the validating work stays small.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy._checksums import icao_check_digit
from langchain_aegis.privacy._mailboxes import nobodys, role_display_name
from langchain_aegis.privacy._numbers import Span, glued_left, glued_right, lower_window, nearest_label
from langchain_aegis.privacy._prefilter import WordScan, lowered

__all__ = ["scan_documents", "scan_emails", "scan_ipv6"]

_PASSPORT_FIRST = frozenset("CFGHJK")  # German passports; ID cards start with the other letters
_DOC_LABELS = (("DE_ID_CARD", p.ID_CARD_TOKEN_KEYWORDS), ("DE_PASSPORT", p.PASSPORT_KEYWORDS))
_SSH_USERS = frozenset({"git"})  # git@github.com:org/repo is a remote, not a mailbox


def scan_emails(text: str, out: list[Span]) -> None:
    """Append every e-mail address in ``text`` to ``out``."""
    n = len(text)
    at = text.find("@")
    while at != -1:
        start = _suffix_start(text, max(0, at - 64), at, _LOCAL_CHARS)  # EMAIL_LOCAL.search(text, at - 64, at)
        if start != at:
            domain = p.EMAIL_DOMAIN.match(text, at + 1, min(n, at + 256))
            while start < at and text[start] == ".":
                start += 1
            if domain is not None and start < at and text[start:at] not in _SSH_USERS and not _url_key(text, start, at):
                local, host = text[start:at], text[at + 1 : domain.end()]
                if not nobodys(local, host) and not _department(text, start, local, host):
                    out.append(("EMAIL", start, domain.end()))
        at = text.find("@", at + 1)


def _department(text: str, start: int, local: str, host: str) -> bool:
    """Whether the address at ``start`` is shown behind a department's name: as a display name ("Accounts Payable
    <ap@...>") or as a list's label on its line ("Accounts payable .. ap@...", "Buchhaltung: fibu@...")."""
    line = text.rfind("\n", 0, start) + 1
    if text.endswith("<", 0, start):
        display = _DISPLAY.search(text, line, start - 1)
    else:
        display = _LABEL.match(text, line, start)
    return display is not None and role_display_name(display.group(1), local, host)


# The display name before "<": after a header's "From:" or "To:", or a list's comma.
_DISPLAY = re.compile(r"([^\n:,;<>]{1,60})[ \t]*\Z")
# A label that opens the line, then dots, a colon or a dash, then the address.
_LABEL = re.compile(r"[ \t]*([^\W\d_][^\n:<>.\-\u2013]{0,40}?)[ \t]*(?:\.{2,}|:|[\u2013-])[ \t]*\Z")
_HEX_KEY = re.compile(r"[0-9a-f]{32,}")


def _url_key(text: str, start: int, at: int) -> bool:
    """Whether ``text[start:at]`` is a URL's key in its user part ("https://c26a5dc1d8878ec3...@o386003.ingest.sentry.io",
    a Sentry DSN): 32 or more hex digits right after "https://", nobody's mailbox."""
    return text.endswith(("https://", "http://"), 0, start) and _HEX_KEY.fullmatch(text, start, at) is not None


# EMAIL_LOCAL and IPV6_HEAD are searched for in a window ending at a hint: as patterns ending in
# \Z, re tries them at every start in the window, each to the window's end. The same start is
# where the run of their characters that ends at the hint begins, read backwards once.
_LOCAL_CHARS = re.compile(r"[\w.%+\-]*")
_HEX_COLON = "0123456789abcdefABCDEF:"


def _suffix_start(text: str, lo: int, hi: int, chars: re.Pattern[str]) -> int:
    """Where the run of ``chars`` that ends at ``hi`` starts, not before ``lo`` (``hi``: no such run)."""
    m = chars.match(text[lo:hi][::-1])
    return hi - (m.end() if m else 0)


def scan_ipv6(text: str, out: list[Span]) -> None:
    """Append every global IPv6 address in ``text`` to ``out``."""
    n = len(text)
    done = -1
    for hint in p.IPV6_HINT.finditer(text):
        h = hint.start()
        if h < done:
            continue  # a later colon of an address already found
        # IPV6_HEAD.search(text, h - 40, h): the hex digits and colons that end at the hint.
        lo = max(0, h - 40)
        head = lo + len(text[lo:h].rstrip(_HEX_COLON))
        cm = p.IPV6.match(text, head, min(n, h + 48))
        if cm is None:
            continue
        done = cm.end()
        candidate = cm.group()
        try:
            address = ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        # Loopback, "::" and bare slices like x[1::2] carry no person; real
        # addresses have at least three groups or an IPv4 tail.
        groups = sum(1 for g in candidate.split("%")[0].split(":") if g)
        # Only globally routable addresses identify a connection: not ULA, link-local,
        # documentation (2001:db8::/32) or multicast.
        if not address.is_global or address.is_multicast or (groups < 3 and "." not in candidate):
            continue
        if address in _PUBLIC_RESOLVERS_V6 or _BYTE_PAIRS.fullmatch(candidate):
            continue  # a public resolver; a Fibre Channel WWN or an EUI-64 ("50:0a:09:80:3f:d3:fc:18")
        out.append(("IP_ADDRESS", cm.start(), cm.end()))


_BYTE_PAIRS = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7}")


_PUBLIC_RESOLVERS_V6 = frozenset(
    ipaddress.IPv6Address(a)
    for a in ("2606:4700:4700::1111", "2606:4700:4700::1001", "2001:4860:4860::8888", "2001:4860:4860::8844",
              "2620:fe::fe", "2620:fe::9", "2620:119:35::35", "2620:119:53::53", "2a10:50c0::ad1:ff",
              "2a10:50c0::ad2:ff")
)  # fmt: skip
"""Cloudflare's, Google's, Quad9's, OpenDNS's and AdGuard's IPv6 resolvers (as ``_numbers`` lists their IPv4 ones)."""


# DOC_TOKEN leads with a capital letter and is tried at each. Its matches lie inside one word, so
# it runs only in the words whose lower-cased form has such a run: nine characters without a
# vowel, which no German or English word has.
_DOC_WORDS = WordScan(re.compile(r"[cfghjklmnprtvwxyz][0-9cfghjklmnprtvwxyz]{8}"))


def _doc_tokens(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``DOC_TOKEN.finditer(text)``."""
    for a, b in _DOC_WORDS.spans(*lowered(text)):
        yield from p.DOC_TOKEN.finditer(text, a, b)


def scan_documents(text: str, out: list[Span]) -> None:
    """Append German ID card and passport numbers to ``out``.

    A number counts on its own when it has ten characters whose last is the
    ICAO 7-3-1 check digit of the first nine (and two digits among them), and
    without a check digit, or of letters only, when a keyword (Ausweis,
    Reisepass, passport, ...) stands just before it.
    """
    n = len(text)
    for m in _doc_tokens(text):
        s, e = m.span()
        if glued_left(text, s):
            continue
        body = m.group()
        # "T220001293D": the old card's machine-readable zone puts the nationality after the check digit.
        if _VAT_BEFORE.search(text, max(0, s - 24), s):
            continue  # "VAT CZ26502275": a company's VAT ID whose digits pass the ICAO check by chance
        ticket = body.startswith("CHG") and text[s + 3 : e + 1].isdecimal()
        if ticket and _TICKET_BEFORE.search(text, max(0, s - 40), s):
            continue  # "Change ticket: CHG6140767": ServiceNow's change number, not a passport
        if e < n and text[e].isdecimal() and (not glued_right(text, e + 1) or _nationality_after(text, e + 1)):
            if icao_check_digit(body) == int(text[e]) and sum(c.isdecimal() for c in body) >= 2:
                out.append(("DE_PASSPORT" if body[0] in _PASSPORT_FIRST else "DE_ID_CARD", s, e + 1))
                continue
            e += 1  # a ten-character number with a wrong check digit still counts next to its keyword
        elif glued_right(text, e):
            continue
        label = nearest_label(lower_window(text, max(0, s - 40), s), _DOC_LABELS)
        if label is not None:
            out.append((label[0], s, e))


_TICKET_BEFORE = re.compile(r"(?i:ticket|change|änderung|request|rfc|cab)[^\n]{0,20}\Z")
_VAT_BEFORE = re.compile(
    r"\b(?i:vat|ust|umsatzsteuer|mwst|tva|iva|di[cč])(?i:[ \-]?(?:id|reg))?(?i:[ \-.]?(?:no|nr|number|nummer|idnr))?"
    r"\.?[ \t]*[:#]?[ \t]*\Z"
)


def _nationality_after(text: str, i: int) -> bool:
    """Whether ``text[i]`` is the "D" for German nationality, standing on its own after it."""
    return text[i : i + 1] == "D" and not glued_right(text, i + 1)
