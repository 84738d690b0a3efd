"""``OLLAMA_HOST`` is read exactly as the ``ollama`` client reads it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ollama._client import _parse_host

from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config._ollama_host import ollama_host, parse_ollama_host

CASES = [
    "",
    "1.2.3.4",
    ":56789",
    "1.2.3.4:56789",
    "http://1.2.3.4",
    "https://1.2.3.4",
    "https://example.com:56789/path/",
    "example.com/path",
    "0.0.0.0",
    "0.0.0.0:11500",
    "[0001:002:003:0004::1]",
    "https://[0001:002:003:0004::1]:56789/path",
    "[::1]:8080/",
    "localhost",
]


@pytest.mark.parametrize("host", CASES)
def test_same_url_as_the_ollama_client(host: str) -> None:
    assert parse_ollama_host(host) == _parse_host(host)


_HOSTS = st.one_of(
    st.sampled_from(["localhost", "example.com", "1.2.3.4", "0.0.0.0", "[::1]", "ollama.internal"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5})?", fullmatch=True),
)


@given(
    scheme=st.sampled_from(["", "http://", "https://"]),
    host=_HOSTS,
    port=st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}")),
    path=st.sampled_from(["", "/", "/api", "/a/b/"]),
)
def test_same_url_for_generated_hosts(scheme: str, host: str, port: str, path: str) -> None:
    value = f"{scheme}{host}{port}{path}"
    assert parse_ollama_host(value) == _parse_host(value)


def test_unset_or_empty_means_no_host() -> None:
    assert ollama_host({}) is None
    assert ollama_host({"OLLAMA_HOST": ""}) is None
    assert ollama_host({"OLLAMA_HOST": "gpu-box:11500"}) == "http://gpu-box:11500"


def test_model_without_config_uses_ollama_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "0.0.0.0:11500")
    assert AegisChatModel(model="gemma").aegis_config.providers["local_ollama"].base_url == "http://0.0.0.0:11500"
    # base_url wins, as with ChatOllama
    explicit = AegisChatModel(model="gemma", base_url="http://other:1")
    assert explicit.aegis_config.providers["local_ollama"].base_url == "http://other:1"
    monkeypatch.delenv("OLLAMA_HOST")
    assert AegisChatModel(model="gemma").aegis_config.providers["local_ollama"].base_url == "http://localhost:11434"
