"""``recase`` re-cases each distinct stretch between spaces once: the same text as the word loop over the whole text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _case

# The whole-text form recase had before it worked stretch by stretch.
_ICD = re.compile(r"(?<![0-9a-z])[a-tv-z](?=[0-9]{2}\.[0-9])")
_STATE_ZIP = re.compile(r"(?<=, )[a-z]{2}(?= [0-9]{5}(?![0-9]))")


# In a text typed in capitals, letters glued to digits keep them ("RG1 5AQ"), but for a house number's one letter.
_CODE = re.compile(r"(?<=[0-9])[^\W\d_]{2,}|(?<=[0-9])[^\W\d_](?=[ ][0-9])|[^\W\d_]+(?=[0-9])")


def _whole_text_recase(text: str) -> str:
    low = _case._lower(text)
    chars = list(_case._recase_words(low))
    if text.isupper():
        for m in _CODE.finditer("".join(chars)):
            upper = m.group().upper()
            if len(upper) == len(m.group()):
                chars[m.start() : m.end()] = list(upper)
    for m in _ICD.finditer(low):
        chars[m.start()] = m.group().upper()
    for m in _STATE_ZIP.finditer(low):
        chars[m.start() : m.end()] = list(m.group().upper())
    return _case.recase_cues("".join(chars))


_PIECES = st.sampled_from(
    [
        " ", "  ", ". ", ".", ":", ": ", "\n", ".\n", "\t", ".\t", "\r", "-", "_", "/", "@", "=", "\\", ", ",
        "f32.1", "j44.", "u07.1", "a12.3", "12.34.5", "co 80202", ", co 80202", ", ny 100011", "İ", "ß", "ü",
        "frau", "müller", "herr", "dr", "anna", "schmidt", "gmbh", "ag", "the", "patient", "app-config", "x",
        "eu-central-1", "user_name", "smith.", "smith:", "diabetes", "Frau", "MÜLLER", "7", "2024", "RG1 5AQ", "79A",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES | st.text(alphabet="abfjuz0129 .:-_\nÜRGAQ", max_size=6), max_size=40))
def test_recase_is_the_whole_text_word_loop(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _case.recase(text) == _whole_text_recase(text)


def test_a_stretch_repeated_in_different_places_is_recased_by_its_own_neighbours() -> None:
    # "smith." ends a sentence before a space, and is an identifier's part at the end of the text.
    text = "dr smith. met anna schmidt. dr smith."
    assert _case.recase(text) == _whole_text_recase(text)
    assert _case.recase("diagnose f32.1, denver, co 80202") == _whole_text_recase("diagnose f32.1, denver, co 80202")
    assert "F32.1" in _case.recase("diagnose f32.1")
    assert ", CO 80202" in _case.recase("denver, co 80202")
