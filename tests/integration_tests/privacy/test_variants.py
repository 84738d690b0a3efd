"""Hypothesis: split and obfuscated variants of every entity type never reach a cloud server.

Split variants (a value cut at any point over two text blocks or two messages)
are drawn by Hypothesis. Obfuscated variants (Unicode spaces, zero-width
characters, fullwidth digits, dashes, HTML and percent escapes, e-mail
spellings, line breaks, text without capitals) are few enough to try every
entity with every obfuscation.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from langchain_aegis import PrivacyViolationError
from tests.integration_tests.privacy.cases import cloud_requests
from tests.integration_tests.privacy_fixtures import Deployment

ENTITIES = {
    "EMAIL": "anna.schmidt@example.org",
    "IBAN": "IBAN DE89 3704 0044 0532 0130 00",
    "PHONE": "Tel. +49 30 1234567",
    "US_SSN": "SSN 536-22-1234",
    "CREDIT_CARD": "card 4111 1111 1111 1111",
    "DE_TAX_ID": "Steuer-ID 86095742719",
    "DATE_OF_BIRTH": "geb. 03.04.1961",
    "MEDICAL_RECORD": "Patient ID: 4471-22",
    "IP_ADDRESS": "client 81.2.69.142",
    "HEALTH": "Frau Müller, Diagnose F32.1",
}
WISH = {"metadata": {"aegis": {"quality": "critical", "complexity": "high"}}}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _send(dep: Deployment, messages: list[BaseMessage], path: str) -> None:
    model = dep.model()
    try:
        if path == "invoke":
            out = model.invoke(messages, config=WISH)  # type: ignore[arg-type]
        else:
            chunks = list(model.stream(messages, config=WISH))  # type: ignore[arg-type]
            out = sum(chunks[1:], chunks[0])
    except PrivacyViolationError:
        pass
    else:
        assert out.response_metadata["aegis"]["served_by"] == "local_ollama"
    assert cloud_requests(dep) == []


@SETTINGS
@given(
    value=st.sampled_from(sorted(ENTITIES.values())),
    cut=st.floats(min_value=0.05, max_value=0.95),
    shape=st.sampled_from(["blocks", "messages", "system_then_human"]),
    path=st.sampled_from(["invoke", "stream"]),
)
def test_split_variants_never_leak(dep: Deployment, value: str, cut: float, shape: str, path: str) -> None:
    dep.reset()
    i = max(1, min(len(value) - 1, int(len(value) * cut)))
    head, tail = f"Please process: {value[:i]}", f"{value[i:]} thanks"
    messages: list[BaseMessage]
    if shape == "blocks":
        messages = [HumanMessage(content=[{"type": "text", "text": head}, {"type": "text", "text": tail}])]
    elif shape == "messages":
        messages = [HumanMessage(head), HumanMessage(tail)]
    else:
        messages = [SystemMessage(head), HumanMessage(tail)]
    _send(dep, messages, path)


_OBFUSCATIONS: list[Any] = [
    lambda v: v.replace(" ", "\u00a0"),
    lambda v: v.replace(" ", "\u2009"),
    lambda v: "\u200b".join(v),
    lambda v: "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in v),
    lambda v: v.replace("@", "\uff20"),
    lambda v: v.replace("-", "\u2013"),
    lambda v: v.replace("@", " [at] ").replace(".org", " [dot] org"),
    lambda v: v.replace("@", "&#64;"),
    lambda v: v.replace(" ", "%20"),
    lambda v: v.replace(" ", "&nbsp;"),
    lambda v: v.lower(),
    lambda v: v.upper(),
    lambda v: v.replace(" ", "\n", 1),
]


@pytest.mark.parametrize("how", range(len(_OBFUSCATIONS)))
@pytest.mark.parametrize("kind", sorted(ENTITIES))
def test_obfuscated_variants_never_leak(dep: Deployment, kind: str, how: int) -> None:
    dep.reset()
    _send(dep, [HumanMessage(f"Please process: {_OBFUSCATIONS[how](ENTITIES[kind])}")], "invoke")
