"""Tests for the ``aegis`` command (``langchain_aegis/cli``), run in-process through ``main()``.

Probes go to loopback only: a bound socket that never listens (connection
refused at once) or a tiny stdlib HTTP server in a thread.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from langchain_aegis.budget import open_ledger, period_for
from langchain_aegis.cli import main
from langchain_aegis.config.loading import namespace_for

SECRET = "sk-test-never-print-me"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No config/llm_config.yml from the repository, no AEGIS_CONFIG from the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AEGIS_CONFIG", raising=False)
    monkeypatch.delenv("OLLAMA_HOST", raising=False)


@pytest.fixture
def dead_port() -> Iterator[int]:
    """A loopback port that is bound but never listens: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    seen_auth: list[str | None] = []

    def do_GET(self) -> None:
        _Handler.seen_auth.append(self.headers.get("Authorization"))
        if self.path == "/api/tags":
            body: dict[str, Any] = {"models": [{"name": "tiny:latest", "model": "tiny:latest"}]}
        elif self.path == "/v1/models":
            body = {"object": "list", "data": [{"id": "gpt-test", "object": "model"}]}
        else:
            self.send_error(404)
            return
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def live_port() -> Iterator[int]:
    """A loopback server answering Ollama's /api/tags and OpenAI's /v1/models."""
    _Handler.seen_auth = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _config(tmp_path: Path, local: int, cloud: int, *, extra: str = "", ledger: str = "memory://") -> str:
    return _write(
        tmp_path / "aegis.yml",
        f"""
providers:
  local_ollama: {{type: ollama, base_url: "http://127.0.0.1:{local}", model: "tiny", locality: local}}
  openai: {{type: openai, base_url: "http://127.0.0.1:{cloud}/v1", api_key: "{SECRET}", model: "gpt-test",
            locality: cloud}}
budgets:
  monthly_limits: {{openai: 10.0}}
  ledger: "{ledger}"
routing:
  nodes:
    patient_intake: {{data_classification: phi}}
{extra}
""",
    )


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- help ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check"],
        ["explain"],
        ["budget"],
        ["rollout"],
        ["rollout", "status"],
        ["rollout", "advance"],
        ["rollout", "rollback"],
        ["demo"],
    ],
)
def test_help_works_for_every_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, *argv, "--help")
    assert code == 0
    assert out.startswith("usage: aegis")


def test_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys)
    assert code == 2
    assert "usage: aegis" in err


# -- check ---------------------------------------------------------------------------


def test_check_reports_unreachable_providers_and_exits_1(
    tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    code, out, _ = _run(capsys, "check", "--config", path, "--timeout", "2")
    assert code == 1
    assert "local_ollama" in out
    assert "openai" in out
    assert "unreachable: local_ollama, openai" in out
    assert SECRET not in out


def test_check_json_schema(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    code, out, err = _run(capsys, "check", "--config", path, "--json", "--timeout", "2")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"config", "valid", "warnings", "ok", "providers"}
    assert data["valid"] is True
    assert data["ok"] is False
    by_name = {p["name"]: p for p in data["providers"]}
    assert set(by_name) == {"local_ollama", "openai"}
    for probe in by_name.values():
        assert set(probe) == {"name", "type", "locality", "model", "url", "reachable", "detail"}
        assert probe["reachable"] is False
        assert probe["detail"].startswith("unreachable")
    assert by_name["local_ollama"]["url"] == f"http://127.0.0.1:{dead_port}/api/tags"
    assert by_name["openai"]["url"] == f"http://127.0.0.1:{dead_port}/v1/models"
    assert SECRET not in out + err


def test_check_succeeds_when_every_provider_answers(
    tmp_path: Path, live_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, live_port, live_port)
    code, out, _ = _run(capsys, "check", "--config", path, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True
    assert all(p["reachable"] is True for p in data["providers"])
    assert all("model listed" in p["detail"] for p in data["providers"])
    # The key travels as a bearer token to the openai-type provider, and is never printed.
    assert f"Bearer {SECRET}" in _Handler.seen_auth
    assert SECRET not in out


def test_check_bad_config_exits_2_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path / "bad.yml",
        'providers:\n  local: {type: ollama, base_url: "not a url", model: m, locality: local}\n',
    )
    code, out, err = _run(capsys, "check", "--config", path)
    assert code == 2
    assert out == ""
    assert err.startswith("aegis: error: ")
    assert "bad.yml" in err
    assert "providers.local.base_url" in err
    assert "not a url" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_config_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "budget", "--config", "nope.yml")
    assert code == 2
    assert "nope.yml" in err
    assert "cannot read" in err


def test_aegis_config_env_is_used(
    tmp_path: Path, dead_port: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AEGIS_CONFIG", _config(tmp_path, dead_port, dead_port))
    code, out, _ = _run(capsys, "check", "--json", "--timeout", "2")
    assert code == 1
    assert json.loads(out)["config"].endswith("aegis.yml")


# -- explain -------------------------------------------------------------------------


def test_explain_personal_data_stays_local(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    text = "Arztbrief: Patientin Frau Anna Schneider, geb. 14.02.1968, Diagnose E11.9"
    code, out, _ = _run(capsys, "explain", text, "--config", path, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["privacy"] == "local_only"
    assert data["provider"] == "local_ollama"
    assert data["locality"] == "local"
    assert data["local_only_source"] == "detector"
    assert "HEALTH" in data["pii_findings"]
    assert data["fallbacks"] == []
    for key in ("model", "rule", "reason", "detection", "facts"):
        assert key in data


def test_explain_text_output(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    meta = '{"quality": "critical", "complexity": "high"}'
    code, out, _ = _run(capsys, "explain", "Review this contract", "--config", path, "--metadata", meta)
    assert code == 0
    assert "critical_to_openai" in out
    assert "openai (model gpt-test, cloud)" in out
    assert "fallbacks   local_ollama" in out
    assert "privacy     unrestricted" in out


def test_explain_node_defaults(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    code, out, _ = _run(capsys, "explain", "hello", "--config", path, "--node", "patient_intake", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["node"] == "patient_intake"
    assert data["privacy"] == "local_only"
    assert data["local_only_source"] == "node"


def test_explain_bad_metadata_value_exits_2_naming_the_key(
    tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    code, out, err = _run(capsys, "explain", "hi", "--config", path, "--metadata", '{"quality":"urgent"}')
    assert code == 2
    assert out == ""
    assert "quality" in err
    assert "urgent" in err
    assert "allowed values" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("raw", "expected"), [("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object")])
def test_explain_malformed_metadata_exits_2(
    raw: str, expected: str, tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    code, _, err = _run(capsys, "explain", "hi", "--config", path, "--metadata", raw)
    assert code == 2
    assert "--metadata" in err
    assert expected in err


def test_explain_without_any_config_uses_one_local_provider(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "explain", "What is the capital of France?", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["provider"] == "local_ollama"
    assert data["privacy"] == "unrestricted"


# -- budget --------------------------------------------------------------------------


def test_budget_reads_the_sqlite_ledger(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    path = _config(tmp_path, dead_port, dead_port, ledger=url)
    period = period_for(datetime.now(UTC), "UTC")
    # Accounts are per config (budgets.namespace defaults to one derived from the file's path).
    with open_ledger(url, namespace=namespace_for(path)) as ledger:
        ledger.record("openai", 8.5, period=period)

    code, out, _ = _run(capsys, "budget", "--config", path, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["period"] == period
    rows = {r["provider"]: r for r in data["rows"]}
    assert set(rows) == {"local_ollama", "openai"}
    assert rows["openai"]["spent"] == pytest.approx(8.5)
    assert rows["openai"]["limit"] == 10.0
    assert rows["openai"]["alert"] is True
    assert rows["local_ollama"]["limit"] is None
    for row in rows.values():
        assert set(row) >= {"provider", "period", "spent", "reserved", "limit", "calls", "share_used", "alert"}

    code, out, _ = _run(capsys, "budget", "--config", path)
    assert code == 0
    assert "provider" in out
    assert "openai" in out
    assert "$8.5000" in out
    assert "ALERT" in out


# -- rollout -------------------------------------------------------------------------

_ROLLOUTS = """
  rollouts:
    critical_to_openai: {steps: [0.1, 0.5, 1.0], min_calls: 5}
"""


def test_rollout_status_advance_rollback(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    path = _config(tmp_path, dead_port, dead_port, ledger=url, extra=_ROLLOUTS)

    code, out, _ = _run(capsys, "rollout", "status", "--config", path, "--json")
    assert code == 0
    [entry] = json.loads(out)["rollouts"]
    assert entry["rule"] == "critical_to_openai"
    assert entry["provider"] == "openai"
    assert entry["share"] == pytest.approx(0.1)
    assert entry["started"] is False
    assert entry["steps"] == [0.1, 0.5, 1.0]

    code, out, _ = _run(capsys, "rollout", "advance", "critical_to_openai", "--config", path, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["event"]["action"] == "advance"
    assert data["event"]["from_share"] == pytest.approx(0.1)
    assert data["event"]["to_share"] == pytest.approx(0.5)
    assert data["state"]["share"] == pytest.approx(0.5)

    code, out, _ = _run(capsys, "rollout", "status", "--config", path)
    assert code == 0
    assert "critical_to_openai" in out
    assert "50%" in out
    assert "2/3" in out
    assert "operator advance" in out

    code, out, _ = _run(
        capsys, "rollout", "rollback", "critical_to_openai", "--config", path, "--reason", "p95 too high"
    )
    assert code == 0
    assert out.strip() == "critical_to_openai: rollback 50% → 10% (p95 too high)"

    code, out, _ = _run(capsys, "rollout", "status", "--config", path, "--json")
    [entry] = json.loads(out)["rollouts"]
    assert entry["started"] is True
    assert entry["share"] == pytest.approx(0.1)
    assert entry["reason"] == "p95 too high"
    assert [e["action"] for e in entry["history"]] == ["advance", "rollback"]


def test_rollout_unknown_rule_exits_2(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, dead_port, dead_port, extra=_ROLLOUTS)
    code, _, err = _run(capsys, "rollout", "advance", "no_such_rule", "--config", path)
    assert code == 2
    assert "no_such_rule" in err
    assert "critical_to_openai" in err


def test_rollout_status_without_rollouts(tmp_path: Path, dead_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path, dead_port, dead_port)
    code, out, _ = _run(capsys, "rollout", "status", "--config", path)
    assert code == 0
    assert "no rollouts configured" in out
