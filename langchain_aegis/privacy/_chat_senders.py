"""Who wrote a line of a chat: a messenger's export names the sender before each message.

WhatsApp writes ``[13.05.24, 10:22] Elena: ...`` (or ``13.05.24, 10:22 - Elena: ...``), Slack and
Teams ``Cody Jennings [11:04 AM]: ...``; a chat copied without dates ``15:47 Panagiotis: ...`` or
``Steven 14:46: ...``. A sender whose first word the lexicon knows as a name is a
person (not "System:", "Bot:", "Netflix:"), and what they write about themselves sits next to their
name: "war beim Arzt ... Sertralin 50 mg", "my ALT 198 U/L apparently". So a sender counts as a cue,
like "Patient:".

No library reads chat exports into senders offline, so the two layouts are matched here. Each is
found from a time's minutes before ``"] "`` or ``" - "``, and from ``"]: "`` (Slack's), each checked
only there.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._name_words import SOFTWARE
from langchain_aegis.privacy._names import Person, is_known

__all__ = ["chat_senders"]

# Before "] " or " - ": a date, a comma and a time at the start of a line ("[13.05.24, 10:22",
# "5/13/24, 9:41 PM"); a log's stamp has no comma ("[2024-05-01 10:22:01] worker: ...").
_STAMP_BEFORE = re.compile(
    r"(?:^|\n)\[?[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{2,4},[ ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ ]?[AaPp][Mm])?\Z"
)
# A sender: one to four words, the first capitalised and not in capitals (a log's "INFO:").
_NAME_WORDS = r"([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'\u2019.\-][\w'\u2019.\-]*(?:[ ][\w'\u2019.\-]+){0,3})"
# After the stamp: the sender, then a colon ("Elena:", "Tante Gabi:", "Marta Zając:").
_SENDER = re.compile(rf"{_NAME_WORDS}[ ]?:[ ]")
# Slack's and Teams' "Cody Jennings [11:04 AM]: ": the sender from the line's start to the bracket.
_SLACK_TIME = re.compile(r"[ ]\[[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ ]?[AaPp][Mm])?\]\Z")
_SLACK_SENDER = re.compile(rf"(?:^|\n){_NAME_WORDS}\Z")
_REACH = 40  # characters a stamp or a sender may take
# Senders that are programs although the lexicon knows the word as a name (here only: "Name: Mary Jenkins" is one).
_BOTS = frozenset({"Jenkins", "Travis", "Renovate", "Dependabot", "Slackbot", "Cron", "Sentry"})
# Where a stamp's time ends and the sender follows: the minutes (and seconds, "AM"/"PM"), then "] " or " - ".
# It leads with the colon, a literal re skips ahead to in C (a loop over every " - " of a text cost 60 µs
# per 10 KB; a pattern led by a digit class four times as much as this one).
_AFTER_TIME = re.compile(r":[0-5][0-9](?::[0-5][0-9])?(?:[ ]?[AaPp][Mm])?(\]|[ ]-)[ ]")


# A chat copied without its dates, a time at the line's start or after the sender ("15:47 Panagiotis: ...",
# "Steven 14:46: ..."). Both led by the minutes' colon, as _AFTER_TIME is (a pattern led by the line break
# tried the sender's words at every line, 2.8 ms per 100 KB); the hour and the line's start are checked after.
_MINUTES_SENDER = re.compile(rf":[0-5][0-9][ ]{_NAME_WORDS}[ ]?:[ ]")
_MINUTES_COLON = re.compile(r":[0-5][0-9][ ]?:[ ]")
_HOUR = re.compile(r"[0-2]?[0-9]")
_SENDER_HOUR = re.compile(rf"(?:^|\n){_NAME_WORDS}[ ][0-2]?[0-9]\Z")
_FIRST_PERSON = re.compile(r"\b(?i:ich|mich|mir|mein\w*|i|i'm|i've|me|my)\b")


def _named(sender: str) -> bool:
    """Whether a sender's first word is a name the lexicon knows, and not a bot's ("Jenkins:", "Renovate:")."""
    word = sender.split()[0]
    return is_known(word) and word not in SOFTWARE and word not in _BOTS


def _first_person_sender(text: str, sender: Person, after: int, found: list[Person]) -> None:
    line_end = text.find("\n", after)
    if _named(text[sender[0] : sender[1]]) and _FIRST_PERSON.search(
        text, after, line_end if line_end != -1 else len(text)
    ):
        found.append(sender)


def chat_senders(text: str) -> list[Person]:
    """The senders a chat export names at the start of its lines, in order."""
    found: list[Person] = []
    for m in _AFTER_TIME.finditer(text):
        i = m.start(1)  # where "] " or " - " starts, after the time
        stamp = _STAMP_BEFORE.search(text, max(0, i - _REACH), i)
        sender = _SENDER.match(text, m.end()) if stamp is not None else None
        if sender is not None and _named(sender.group(1)):
            found.append(sender.span(1))
    i = text.find("]: ")
    while i != -1:
        time = _SLACK_TIME.search(text, max(0, i - 12), i + 1)
        if time is not None:
            sender = _SLACK_SENDER.search(text, max(0, time.start() - _REACH), time.start())
            if sender is not None and _named(sender.group(1)):
                found.append(sender.span(1))
        i = text.find("]: ", i + 1)
    # Without a date, a time and a name also open an agenda's or a dev chat's lines ("09:12 Laura: the diabetes
    # dashboard build is green"): such a sender counts only when the line speaks in the first person.
    for m in _MINUTES_SENDER.finditer(text):
        line = text.rfind("\n", 0, m.start()) + 1
        if _HOUR.fullmatch(text, line, m.start()):
            _first_person_sender(text, m.span(1), m.end(), found)
    for m in _MINUTES_COLON.finditer(text):
        sender = _SENDER_HOUR.search(text, max(0, m.start() - _REACH - 3), m.start())
        if sender is not None:
            _first_person_sender(text, sender.span(1), m.end(), found)
    return sorted(set(found))
