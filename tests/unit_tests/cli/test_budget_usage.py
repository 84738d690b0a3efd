"""``aegis budget``: Ollama Cloud's own usage from ``/api/usage``, and providers skipped for a used-up limit."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_aegis.budget import open_ledger
from langchain_aegis.cli import main
from langchain_aegis.cli._usage import parse_usage
from langchain_aegis.config.loading import load_config
from langchain_aegis.dispatch.quota import QuotaBook, UsageLimit
from langchain_aegis.testing import OllamaServer

SECRET = "sk-ollama-never-print-me"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AEGIS_CONFIG", raising=False)


@pytest.fixture
def server() -> Iterator[OllamaServer]:
    with OllamaServer() as running:
        yield running


def _dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _config(tmp_path: Path, cloud_url: str, *, key: str = SECRET) -> str:
    path = tmp_path / "aegis.yml"
    path.write_text(
        f"""
providers:
  local_ollama: {{type: ollama, base_url: "{cloud_url}", model: "tiny", locality: local}}
  ollama_cloud: {{type: ollama, base_url: "{cloud_url}", api_key: "{key}", model: "gpt-oss:120b", locality: cloud}}
budgets:
  ledger: "sqlite:///{tmp_path / "ledger.db"}"
""",
        encoding="utf-8",
    )
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_budget_shows_the_remaining_usage_and_never_the_key(
    tmp_path: Path, server: OllamaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.protocol.usage = {
        "session": {"used_percent": 30, "resets_at": "2026-12-10T19:00:00Z"},
        "weekly": {"used_percent": 85},
    }  # type: ignore[attr-defined]
    path = _config(tmp_path, server.origin)

    code, out, err = _run(capsys, "budget", "--config", path, "--json")
    assert code == 0
    usage = json.loads(out)["usage"]
    assert usage == [
        {
            "provider": "ollama_cloud",
            "url": server.origin,
            "windows": [
                {"window": "session", "used_share": 0.3, "remaining_share": 0.7, "resets_at": "2026-12-10T19:00:00Z"},
                {"window": "weekly", "used_share": 0.85, "remaining_share": pytest.approx(0.15), "resets_at": None},
            ],
            "note": None,
        }
    ]
    code, out, err = _run(capsys, "budget", "--config", path)
    assert code == 0
    assert "Ollama Cloud usage (GET /api/usage):" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["ollama_cloud", "session", "30%", "70%", "2026-12-10T19:00:00Z"] in lines
    assert ["ollama_cloud", "weekly", "85%", "15%", "-"] in lines
    assert SECRET not in out + err
    usage_requests = [e for e in server.journal if e.path == "/api/usage"]
    assert [e.headers["authorization"] for e in usage_requests] == ["Bearer ***", "Bearer ***"]


def test_an_unreachable_host_is_a_short_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "budget", "--config", _config(tmp_path, _dead_url()), "--timeout", "1")
    assert code == 0
    assert "note: ollama_cloud: usage unavailable: cannot reach http://127.0.0.1:" in out
    assert "Traceback" not in out + err
    assert SECRET not in out + err


def test_a_server_without_the_endpoint_or_with_an_odd_body_is_a_note(
    tmp_path: Path, server: OllamaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.protocol.usage = ["not", "an", "object"]  # type: ignore[attr-defined]
    code, out, _ = _run(capsys, "budget", "--config", _config(tmp_path, server.origin))
    assert code == 0
    assert "usage unavailable: /api/usage answered without a used share this version can read" in out


def test_no_usage_sends_no_request(tmp_path: Path, server: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "budget", "--config", _config(tmp_path, server.origin), "--no-usage")
    assert code == 0
    assert "/api/usage" not in out
    assert server.request_count == 0


def test_a_provider_skipped_for_its_usage_limit_is_listed(
    tmp_path: Path, server: OllamaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, server.origin)
    config = load_config(path)
    with open_ledger(config.budgets.ledger, namespace=config.budgets.ledger_namespace) as ledger:
        QuotaBook(config.providers, ledger, clock=lambda: 4_000_000_000.0).record(
            "ollama_cloud", UsageLimit("weekly"), status=429, retry_after=None
        )
    code, out, _ = _run(capsys, "budget", "--config", path, "--no-usage")
    assert code == 0
    assert "quota: ollama_cloud skipped until 2096-10-09T07:06Z (weekly usage limit reached)" in out
    code, out, _ = _run(capsys, "budget", "--config", path, "--no-usage", "--json")
    assert json.loads(out)["quota"] == [
        {"provider": "ollama_cloud", "until": "2096-10-09T07:06Z", "reason": "weekly usage limit reached"}
    ]


@pytest.mark.parametrize(
    ("body", "used", "left"),
    [
        ({"used_percent": 25}, 0.25, 0.75),
        ({"usage": {"used_share": 0.5}}, 0.5, 0.5),
        ({"weekly": {"utilization": 90}}, 0.9, pytest.approx(0.1)),
        ({"weekly": {"used": 30, "limit": 120}}, 0.25, 0.75),
        ({"weekly": {"remaining": 90, "limit": 120}}, 0.25, 0.75),
        ({"limits": [{"window": "weekly", "percent_used": 10}]}, 0.1, 0.9),
        ({"session": {"remaining_percent": 60}}, 0.4, 0.6),
        ({"weekly": {"used_percent": 5, "resets_at": 1e300}}, 0.05, 0.95),  # an absurd reset time is dropped
    ],
)
def test_usage_shapes_that_are_read(body: dict[str, Any], used: float, left: float) -> None:
    [window] = parse_usage(body)
    assert window["used_share"] == pytest.approx(used)
    assert window["remaining_share"] == left


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_any_body_parses_without_raising(body: Any) -> None:
    for window in parse_usage(body):
        assert set(window) == {"window", "used_share", "remaining_share", "resets_at"}
        assert window["used_share"] is not None
