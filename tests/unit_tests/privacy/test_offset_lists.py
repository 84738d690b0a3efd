"""Findings mapped back to the original text a list at a time land where one at a time they land.

:func:`._normalize.spans_to_original` maps all the findings of a text through the
normalization's offset maps at once; :func:`._normalize.to_original` maps one span.
Generated maps hold edits that shrink, grow, delete and insert, next to each other
and at both ends of the text; the positions probe every side of every edit.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy._normalize import OffsetMap, spans_to_original, to_original


@st.composite
def offset_maps(draw: st.DrawFn) -> list[OffsetMap]:
    maps: list[OffsetMap] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=60), max_size=10)))
        edits: list[tuple[int, int, str]] = []
        for a, b in zip(cuts[::2], cuts[1::2], strict=False):
            if not edits or a >= edits[-1][1]:
                edits.append((a, b, "x" * draw(st.integers(min_value=0, max_value=4))))
        maps.append(OffsetMap(edits))
    return maps


@settings(max_examples=1000, deadline=None)
@given(offset_maps(), st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=30))
def test_spans_mapped_as_lists_match_spans_mapped_one_by_one(
    maps: list[OffsetMap], spans: list[tuple[int, int]]
) -> None:
    spans = [(min(a, b), max(a, b)) for a, b in spans]
    starts, ends = spans_to_original(maps, [a for a, _ in spans], [b for _, b in spans])
    assert list(zip(starts, ends, strict=True)) == [to_original(maps, a, b) for a, b in spans]


def test_a_finding_after_a_folded_character_maps_to_the_original() -> None:
    from langchain_aegis.privacy import detect

    text = "Tel.\u00a0030\u200b 12345678, IBAN DE89 3704 0044 0532 0130 00"
    found = detect(text)
    assert [text[f.start : f.end] for f in found] == ["030\u200b 12345678", "DE89 3704 0044 0532 0130 00"]
