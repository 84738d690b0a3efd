"""E-mail addresses that are nobody's, or an organisation's: not a person's.

The detector reports an e-mail address because it reaches a person. Four kinds
of address reach no one in particular, and flagging them would pin ordinary
business and technical text (an invoice's footer, a package's metadata, a
translation file's header) to the local model:

- **reserved domains** (RFC 2606/6761): ``user@example.com``, ``*.test``,
  ``*.invalid``, ``localhost``;
- **placeholders** in templates: ``deine@email.de``, ``contact@yourcompany.com``;
- **role mailboxes** (RFC 2142 and their everyday German and English kin):
  ``info@``, ``kontakt@``, ``support-team@``, ``rechnung@``, ``noreply@``, unless the
  domain spells a person's name (``hello@jpadilla.com``, ``info@praxis-mueller.de``);
- **mailing lists**: ``numpy-discussion@python.org``, ``…@lists.debian.org``.

A local part that spells a person's first name and surname from the lexicon
(``anna.schmidt@example.org``, ``info.anna.schmidt@``) always counts: the
address then names the person, whatever the domain. No library keeps lists of
role mailboxes or placeholder domains, so the words are kept here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from langchain_aegis.privacy._lexicon import first_names, surnames, wide_names

__all__ = ["ROLE_WORDS", "freemail", "nobodys", "personal_domain", "plain_words_mailbox", "role_display_name"]

_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
_SYSTEMD_UNITS = frozenset({"service", "socket", "timer", "target", "mount", "automount", "path", "slice", "scope",
                            "device", "swap"})  # fmt: skip
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost", "local", "localdomain", "internal", "arpa"})

# The local part of an organisation's mailbox: RFC 2142's (abuse, noc, security, postmaster,
# hostmaster, webmaster, info, marketing, sales, support), automatic senders, and the
# departments and functions German and English businesses, practices and projects publish.
ROLE_WORDS = frozenset(
    {
        "abuse", "noc", "security", "postmaster", "hostmaster", "webmaster", "info", "marketing", "sales",
        "support", "noreply", "donotreply", "no", "reply", "do", "not", "mailer", "daemon", "bounce", "bounces",
        "notifications", "notification", "notify", "alerts", "newsletter", "news", "admin", "administrator", "root",
        "contact", "kontakt", "hello", "hallo", "hi", "office", "team", "service", "services", "kundenservice",
        "customerservice", "customer", "care", "help", "hilfe", "helpdesk", "feedback", "enquiries", "inquiries",
        "press", "presse", "media", "redaktion", "editor", "editors", "verlag", "legal", "privacy", "datenschutz",
        "compliance", "impressum", "billing", "accounts", "accounting", "buchhaltung", "rechnung", "rechnungen",
        "invoice", "invoices", "orders", "order", "bestellung", "bestellungen", "shop", "store", "vertrieb",
        "verkauf", "einkauf", "jobs", "careers", "karriere", "bewerbung", "bewerbungen", "hr", "recruiting",
        "personalabteilung", "mail", "post", "poststelle", "buero", "büro", "sekretariat", "verwaltung", "empfang",
        "zentrale", "praxis", "kanzlei", "anmeldung", "termine", "termin", "dev", "developers", "devs", "oss",
        "opensource", "maintainers", "maintainer", "community", "staff", "general", "allgemein",
        "ir", "investors", "investor", "relations", "pr", "dpo", "dsb", "purchasing", "procurement", "logistics",
        "logistik", "shipping", "versand", "returns", "retoure", "retouren", "it", "ops", "operations", "finance",
        "finanzen", "tax", "steuern", "export", "import", "booking", "bookings", "buchung", "reservations",
        "reservierung", "reception", "rezeption", "events", "event", "partners", "partner", "partnerships",
        "payments", "payment", "zahlungen", "claims", "schaden", "warranty", "garantie", "reklamation", "quality",
        "qualitaet", "qm", "tech", "technik", "technical", "kundendienst", "auftrag", "auftraege", "angebote",
        "quotes", "wholesale", "dispatch", "disposition", "lager", "warehouse", "ticket", "tickets", "servicedesk",
        # a blind set's: accounts payable and receivable, suppliers, goods-in, contracts, payroll, a town's offices
        "payable", "receivable", "vendor", "vendors", "supplier", "suppliers", "lieferanten",
        "receiving", "wareneingang", "fibu", "debitoren", "kreditoren", "vertrag", "vertraege", "contracts",
        "payroll", "lohnbuero", "personal", "kasse", "stadtkasse", "buergeramt", "buergerbuero", "gesundheitsamt",
        "ordnungsamt", "standesamt", "jugendamt", "sozialamt", "bauamt", "rathaus", "stadtverwaltung",
        "landratsamt", "behoerde", "amt", "communications", "kommunikation", "newsroom", "hotline", "facilities",
        "hausverwaltung", "registrar", "admissions", "edv", "hosting", "training", "schulung", "akademie",
        "recruitment", "library", "bibliothek", "tiefbau", "hochbau", "build", "builds", "bot", "ci",
        "deploy", "release", "releases", "automation",
    }
)  # fmt: skip
# A mailing list is a project's name and one of these ("numpy-discussion", "bug-gnulib", "distutils-sig").
_LIST_WORDS = frozenset(
    {
        "discuss", "discussion", "devel", "users", "announce", "announcements", "l10n", "i18n", "commits",
        "bug", "bugs", "patches", "request", "owner", "talk", "digest", "subscribe", "unsubscribe", "list", "lists",
        "sig", "translators", "contributors", "maintainers", "interest", "members",
    }
)  # fmt: skip
_LIST_HOSTS = ("lists.", "list.", "listserv.", "groups.", "mailman.")
_LIST_DOMAINS = ("googlegroups.com", "groups.io", "freelists.org")
# Template placeholders: a local part that stands for the reader's own ("deine@", "your.name@")
# and a domain that does ("yourcompany.com", "ihre-firma.de", "mydomain.org").
_PLACEHOLDER_LOCAL = frozenset(
    {
        "your", "yourname", "deine", "dein", "ihre", "ihr", "name", "vorname", "nachname", "firstname",
        "lastname", "first", "last", "email", "mail", "user", "username", "benutzer", "someone", "somebody",
        "jemand",
    }
)  # fmt: skip
_PLACEHOLDER_DOMAIN = re.compile(
    r"(?:your|my|deine?|ihre?|meine?)-?(?:company|domain|site|website|server|host|shop|firma|unternehmen|"
    r"seite|webseite|mail|email|organisation|organization|org|business|name)\."
)
_PARTS = re.compile(r"[._\-]+")


@lru_cache(maxsize=4096)  # the same addresses come back on every call of a conversation
def nobodys(local: str, domain: str) -> bool:
    """Whether ``local@domain`` reaches no person: reserved, a placeholder, a role mailbox or a list.

    Args:
        local: the part before the ``@``, as written.
        domain: the part after it, as written.

    Returns:
        ``False`` whenever the local part holds a lexicon first name and surname.
    """
    low = local.lower().split("+", 1)[0]  # "support+invoices@": the tag says which, not who
    parts = [word for part in _PARTS.split(low) if (word := part.rstrip("0123456789"))]  # "info2", "team_42"
    if parts[:2] == ["e", "mail"]:
        parts[:2] = ["email"]  # "e-mail@": the word, not an initial
    if any(c.isdecimal() for c in low) and freemail(domain.lower()):
        return False  # "supplier1985@icloud.com": a user's account (the service's own is "kontakt@web.de")
    return _unpersonal(parts, domain.lower()) and not _names_person(parts)


@lru_cache(maxsize=4096)
def plain_words_mailbox(local: str, domain: str) -> bool:
    """Whether ``local@domain`` may be a department's: every part of the local part a word of five letters or more
    that holds no name ("ersatzteile", "bauleitplanung", "credit.control", "frankfurt" for a branch), at a
    domain that is no free mail service's and spells no one's name.

    A name, from the wide lexicon, is no such word, nor two names or an initial and a surname glued
    ("nguyenthanh", "jpadilla"). Only a maybe: an initial and a surname the lexicon lacks look the same
    ("jstroebele"), so the caller asks for a company's text around it (:mod:`._companies`). ``ROLE_WORDS``
    keeps the common roles, which count anywhere.
    """
    low = domain.lower()
    if freemail(low) or personal_domain(low):
        return False
    parts = _PARTS.split(local.lower().split("+", 1)[0])
    names = wide_names()
    return bool(parts) and all(
        len(part) >= 5
        and part.isalpha()
        and part.capitalize() not in names
        and not _glued_name(part)
        and not any(part[:i].capitalize() in names and part[i:].capitalize() in names for i in range(2, len(part) - 1))
        for part in parts
    )


def _unpersonal(parts: list[str], domain: str) -> bool:
    tld = domain.rsplit(".", 1)[-1]
    if tld in _SYSTEMD_UNITS:
        return True  # "getty@tty1.service", "postgresql@15-main.service": a systemd template unit
    if tld in _RESERVED_TLDS or any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS):
        return True
    if domain.startswith(_LIST_HOSTS) or any(domain == d or domain.endswith("." + d) for d in _LIST_DOMAINS):
        return True
    if _PLACEHOLDER_DOMAIN.match(domain):
        return True
    if parts and all(part in _PLACEHOLDER_LOCAL for part in parts):
        return not personal_domain(domain)  # "deine@email.de", "your.name@gmail.com": a template's
    if parts and all(part in ROLE_WORDS for part in parts):
        if freemail(domain) and not all(part in _SERVICE_WORDS for part in parts):
            return False  # "payable@btinternet.com": a user's name for their account, not the service's own
        return not personal_domain(domain)
    # A project's list: its name and a list word ("numpy-discussion", "bug-gnulib"), no first name in it.
    return (
        len(parts) >= 2
        and any(part in _LIST_WORDS for part in parts)
        and not any(part.capitalize() in first_names() for part in parts)
    )


@lru_cache(maxsize=4096)
def personal_domain(domain: str) -> bool:
    """Whether a label of ``domain`` is a name and a surname glued (``jpadilla.com``, ``praxis-mueller.de``).

    ``hello@ronnypfannschmidt.de`` is one person's mailbox, and ``info@praxis-mueller.de``
    reaches Dr. Müller; a label that is the surname alone (``pustet.de``) is a company's.
    """
    return any(_glued_name(label) for label in domain.split(".")[:-1])


_PRACTICES = frozenset(
    {"praxis", "dr", "kanzlei", "zahnarzt", "arzt", "physio", "hausarzt", "anwalt", "ra", "familie", "family"}
)


def _glued_name(label: str) -> bool:
    """Whether a domain label is an initial or a first name glued to a surname, or a practice's name.

    ``jpadilla``, ``ronnypfannschmidt`` (a first name opens it), ``praxis-mueller``. Not a brand that
    ends in a short surname (``rossmann`` is "Ross" and "Mann", ``greenfield`` ends in "Field"): after a
    first name the surname must have five letters or more.
    """
    parts = label.split("-")
    firsts, lasts = first_names(), surnames()
    # "praxis-mueller", "thomas-weber", "anna-schmidt", "familie-weber", "j-smith": a person's own domain.
    if len(parts) > 1 and any(
        b.capitalize() in lasts and (a in _PRACTICES or a.capitalize() in firsts or len(a) <= 2)
        for a, b in pairwise(parts)
    ):
        return True
    # "williams-family", "schulz-online", "koch-ralf": a surname beside a word of a family's own domain or a first name
    if len(parts) > 1 and any(
        a.capitalize() in lasts and (b in _OWN_DOMAIN_WORDS or b.capitalize() in firsts) for a, b in pairwise(parts)
    ):
        return True
    # An initial glued to a surname ("jpadilla") in a domain of one word, beside a family's word
    # ("sroberts-family"), or with a surname of six letters or more ("yoga-aschmidt"): a brand's words
    # ("hansa-bueroversorgung", "vistola-meble") often start with a letter and a short surname's letters.
    initials = len([part for part in parts if part not in _OWN_DOMAIN_WORDS]) == 1
    for part in parts:
        for i in range(1, len(part) - 3):
            head, rest = part[:i], part[i:].capitalize()
            if (
                rest in lasts
                and (
                    (i <= 2 and (initials or len(rest) >= 6))
                    # a first name before it, whole or with a middle initial ("claudiahartmann", "annakschmidt"), or
                    # a long one opening a longer surname ("ronny" + "pfannschmidt"); not a brand's short prefix
                    # ("landmaschinen" holds "Lan" and the surname "Chinen")
                    or (
                        len(rest) >= 5
                        and (
                            head.capitalize() in firsts
                            or head[:-1].capitalize() in firsts
                            or any(head[:j].capitalize() in firsts for j in range(5, i))
                        )
                    )
                )
            ):
                return True
    return False


# The mailboxes a free mail service keeps for itself ("kontakt@web.de", "abuse@gmx.net", "noreply@gmail.com").
_SERVICE_WORDS = frozenset(
    {
        "abuse", "noc", "security", "postmaster", "hostmaster", "webmaster", "info", "kontakt", "contact", "support",
        "noreply", "donotreply", "no", "reply", "do", "not", "mailer", "daemon", "bounce", "bounces", "press",
        "presse", "privacy", "datenschutz", "legal", "impressum", "help", "hilfe", "service", "kundenservice",
        "newsletter", "news", "notifications", "notification", "notify", "alerts", "feedback",
    }
)  # fmt: skip
_OWN_DOMAIN_WORDS = frozenset({"family", "familie", "online", "home", "privat", "private", "net", "web", "mail"})
# Free mail services: a mailbox there with digits in it is a user's, whatever its words ("supplier1985@icloud.com").
_FREEMAIL = re.compile(
    r"(?:^|\.)(?:gmail|googlemail|outlook|hotmail|live|msn|icloud|me|mac|yahoo|ymail|aol|gmx|web|t-online|posteo"
    r"|mailbox|freenet|proton|protonmail|pm|tutanota|tuta|yandex|mail|zoho|btinternet|sky|virginmedia|bluewin"
    r"|hispeed|gmx-topmail|arcor|vodafone|o2online|kabelmail|online|email|seznam|wp|onet|interia|o2|libero|orange"
    r"|free|laposte|sfr|wanadoo|telenet|ziggo|kpnmail|hetnet|chello|a1|aon|inode|eircom|comcast|verizon|att|sbcglobal"
    r"|bellsouth|cox|charter|earthlink|optonline|optusnet|bigpond|shaw|rogers|sympatico|ntlworld|talktalk|tiscali"
    r"|blueyonder|virgin|juno|netzero|rocketmail|fastmail|hey|unitybox|htp-tel|ewetel|osnanet|netcologne|unitymedia"
    r"|kabelbw|1und1|versanet|nexgo|ish|vr-web|rr|centurylink|frontier|plus|zen|talk21|btopenworld|runbox|riseup"
    r"|disroot|hushmail|eclipso|mindspring|netcom|mail2world|inbox|vodafonemail|mnet-online|wtnet|kabeldeutschland"
    r"|tele2|pipex|lineone|aliceadsl|alice|htp|nefkom|ewe|gmx-mail|online-club)"
    r"\.[a-z.]{2,6}\Z"
)


def freemail(domain: str) -> bool:
    """Whether ``domain`` is a free mail service's (a person's own mailbox, "info1985@gmx.de")."""
    # A university's student mailboxes ("stud.uni-heidelberg.de") are its students' own too.
    return _FREEMAIL.search(domain) is not None or domain.startswith(("stud.", "student.", "students.", "alumni."))


def _names_person(parts: list[str]) -> bool:
    """Whether the parts hold a first name followed, later, by a surname (``anna.schmidt``)."""
    firsts, lasts = first_names(), surnames()
    for i, part in enumerate(parts):
        if part.capitalize() in firsts:
            return any(later.capitalize() in lasts for later in parts[i + 1 :])
    return False


# A display name or a label that says which department reads the mailbox ("Accounts Payable <ap@fourth-coffee.com>",
# "Debitorenbuchhaltung <debitoren@...>", "Buchhaltung: fibu@..."): a department's words and nothing else. Not a
# purpose a person writes in for ("Bewerbung:", "Reservierung:", "Kontakt:") nor "Customer" or "Personal".
_DISPLAY_WORDS = frozenset(
    {"accounts", "payable", "receivable", "billing", "invoices", "invoicing", "accounting", "buchhaltung", "fibu",
     "finanzbuchhaltung", "debitoren", "debitorenbuchhaltung", "kreditoren", "kreditorenbuchhaltung", "payroll",
     "lohnbuchhaltung", "credit", "control", "finance", "finanzen", "purchasing", "procurement", "einkauf", "vertrieb",
     "sales", "marketing", "support", "helpdesk", "servicedesk", "service", "kundenservice", "kundendienst", "it",
     "legal", "compliance", "datenschutz", "press", "presse", "team", "department", "dept", "abteilung",
     "sekretariat", "logistics", "logistik", "versand", "shipping", "warehouse", "lager", "wareneingang", "receiving",
     "supplier", "suppliers", "vendor", "vendors", "onboarding", "quality", "qm", "technik", "technical",
     "operations", "facilities", "hausverwaltung", "the", "of", "and", "und", "&", "-"}
)  # fmt: skip
_DISPLAY_SPLIT = re.compile(r"[\s,/]+")
_CONNECTIVES = frozenset({"the", "of", "and", "und", "&", "-"})


def role_display_name(display: str, local: str, domain: str) -> bool:
    """Whether an address shown as ``display <local@domain>`` (or after the label ``display:``) is a department's:
    the display name is a department's words (:data:`_DISPLAY_WORDS`), the address is at a company's own domain
    (no free mail service, no one's name), and its local part is a role's, an initialism's ("ap@", "ar@") or plain
    words' (:func:`plain_words_mailbox`), not a person's ("mueller.petra@", "jdoe@")."""
    words = [w for w in _DISPLAY_SPLIT.split(display.strip(" \t\"'").lower()) if w]
    if not words or not all(w in _DISPLAY_WORDS for w in words) or all(w in _CONNECTIVES for w in words):
        return False
    low = domain.lower()
    if freemail(low) or personal_domain(low):
        return False
    head = local.lower().split("+", 1)[0]
    parts = [part for part in _PARTS.split(head) if part]
    return (
        (len(head) <= 3 and head.isalpha())
        or all(part in ROLE_WORDS for part in parts)
        or plain_words_mailbox(local, domain)
    )
