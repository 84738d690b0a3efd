"""Rebuild ``names.txt.gz``, the first-name and surname lexicon of the person-name layer.

Source: the person providers of Faker (https://pypi.org/project/Faker/, MIT
licence), locales de_DE, de_AT, de_CH, en_US, en_GB, en_IE: the first and last
names Faker draws from, which are the common names of those countries. The
lexicon is trimmed to names of two or more letters and written as two sorted
sections, gzip-compressed, so the package carries data, not code.

Run (Faker is only needed here, not at run time)::

    pip install faker
    python langchain_aegis/privacy/data/build_names.py
"""

from __future__ import annotations

import gzip
import importlib
from pathlib import Path

LOCALES = ("de_DE", "de_AT", "de_CH", "en_US", "en_GB", "en_IE")
OUT = Path(__file__).with_name("names.txt.gz")


def _names(attr: str) -> set[str]:
    found: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for name in getattr(provider, attr, ()):
            for part in str(name).replace("-", " ").split():
                if len(part) >= 2 and part[0].isupper() and part.isalpha():
                    found.add(part)
    return found


def main() -> None:
    first = _names("first_names")
    last = _names("last_names")
    lines = ["# first", *sorted(first), "# last", *sorted(last)]
    OUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    print(f"wrote {OUT}: {len(first)} first names, {len(last)} surnames")


if __name__ == "__main__":
    main()
