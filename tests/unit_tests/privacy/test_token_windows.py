"""The e-mail and IPv6 scanners read the run before their hint backwards, as the patterns they replace find it.

``EMAIL_LOCAL`` and ``IPV6_HEAD`` end in ``\\Z`` and were searched for in the window
before an ``@`` or an IPv6 hint; the scanners now read the run of their characters
that ends there backwards. The start must be the same for every window, on text
dense with those characters, their neighbours and non-ASCII word characters.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import _patterns as p
from langchain_aegis.privacy import _tokens as tokens

_ALPHABET = "aZ09fF:._%+-_ @ä漢\u0660\n\t/é\u00b2ǅ"


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=120), st.data())
def test_local_part_start_matches_the_pattern_search(text: str, data: st.DataObject) -> None:
    hi = data.draw(st.integers(min_value=0, max_value=len(text)))
    lo = max(0, hi - 64)
    m = p.EMAIL_LOCAL.search(text, lo, hi)
    assert tokens._suffix_start(text, lo, hi, tokens._LOCAL_CHARS) == (m.start() if m else hi)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80), st.data())
def test_ipv6_head_start_matches_the_pattern_search(text: str, data: st.DataObject) -> None:
    hi = data.draw(st.integers(min_value=0, max_value=len(text)))
    lo = max(0, hi - 40)
    m = p.IPV6_HEAD.search(text, lo, hi)
    assert lo + len(text[lo:hi].rstrip(tokens._HEX_COLON)) == (m.start() if m else hi)


def test_addresses_are_found_from_their_hints() -> None:
    text = "mail anna.schmidt+x@web.de, host 2a00:1450:4001:82b::200e and ::1, time 12:30:45"
    found: list[tuple[str, int, int]] = []
    tokens.scan_emails(text, found)
    tokens.scan_ipv6(text, found)
    assert [(e, text[a:b]) for e, a, b in found] == [
        ("EMAIL", "anna.schmidt+x@web.de"),
        ("IP_ADDRESS", "2a00:1450:4001:82b::200e"),
    ]
