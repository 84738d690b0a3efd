"""A real Prometheus scrapes ``start_metrics_server`` and answers queries over what it scraped.

Needs the ``prometheus`` binary (``apt-get install prometheus``); skipped visibly without it.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from langchain_aegis.dispatch.records import Attempt, CallRecord
from langchain_aegis.observability.metrics import AegisMetrics, start_metrics_server

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "deploy" / "grafana" / "aegis-dashboard.json"
ALERTS = REPO / "deploy" / "prometheus" / "aegis-alerts.yml"
PROMETHEUS = shutil.which("prometheus")
WAIT_SECONDS = 30.0

pytestmark = pytest.mark.skipif(PROMETHEUS is None, reason="prometheus binary not on PATH (apt-get install prometheus)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.loads(resp.read())


def _query(base: str, promql: str) -> Any:
    return _get(f"{base}/api/v1/query?{urllib.parse.urlencode({'query': promql})}")


@pytest.fixture
def metrics_endpoint() -> Iterator[tuple[AegisMetrics, int]]:
    registry = CollectorRegistry()
    server, thread = start_metrics_server(0, registry=registry)
    try:
        yield AegisMetrics(registry), int(server.server_port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def prometheus(metrics_endpoint: tuple[AegisMetrics, int], tmp_path: Path) -> Iterator[str]:
    assert PROMETHEUS is not None
    _, target_port = metrics_endpoint
    shutil.copy(ALERTS, tmp_path / "aegis-alerts.yml")
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "rule_files: [aegis-alerts.yml]\n"
        "scrape_configs:\n"
        f"  - job_name: aegis\n    static_configs: [{{targets: ['127.0.0.1:{target_port}']}}]\n"
    )
    port = _free_port()
    log = (tmp_path / "prometheus.log").open("wb")
    proc = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"prometheus exited with {proc.returncode}:\n{(tmp_path / 'prometheus.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"prometheus not ready after {WAIT_SECONDS}s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def _record_calls(metrics: AegisMetrics) -> None:
    ok = CallRecord("openai", "openai", "r", "ok", 0.4, 10, 5, 0.001, (Attempt("openai", "ok", 400.0),))
    fallback = CallRecord(
        "openai",
        "local_ollama",
        "r",
        "ok",
        1.2,
        attempts=(Attempt("openai", "rate_limit", 200.0), Attempt("local_ollama", "ok", 1000.0)),
    )
    for record in (ok, ok, ok, fallback, fallback):
        metrics.observe(record)
    metrics.set_budget("openai", spent=70.0, limit=80.0)
    metrics.set_rollout_share("r", 0.3)


def _wait_for_value(base: str, promql: str, expected: float) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    last: Any = None
    while time.monotonic() < deadline:
        last = _query(base, promql)
        result = last["data"]["result"]
        if result and float(result[0]["value"][1]) == expected:
            return
        time.sleep(0.5)
    pytest.fail(f"{promql} did not reach {expected} within {WAIT_SECONDS}s; last answer: {last}")


def test_prometheus_scrapes_the_metrics_server(metrics_endpoint: tuple[AegisMetrics, int], prometheus: str) -> None:
    metrics, _ = metrics_endpoint
    _record_calls(metrics)
    _wait_for_value(prometheus, "sum(llm_requests_total)", 5.0)
    by_provider = _query(prometheus, "sum by (provider) (llm_requests_total)")["data"]["result"]
    assert {r["metric"]["provider"]: float(r["value"][1]) for r in by_provider} == {"openai": 3.0, "local_ollama": 2.0}
    fallbacks = _query(prometheus, "llm_fallbacks_total")["data"]["result"]
    assert [(r["metric"]["reason"], float(r["value"][1])) for r in fallbacks] == [("rate_limit", 2.0)]


def _dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    # Grafana's macros, filled in as Grafana would.
    return [re.sub(r"\$__(rate_interval|range|interval)", "1m", e).replace("$provider", ".*") for e in exprs]


def test_dashboard_queries_are_valid_promql(metrics_endpoint: tuple[AegisMetrics, int], prometheus: str) -> None:
    metrics, _ = metrics_endpoint
    _record_calls(metrics)
    _wait_for_value(prometheus, "sum(llm_requests_total)", 5.0)
    for expr in _dashboard_queries():
        answer = _query(prometheus, expr)
        assert answer["status"] == "success", (expr, answer)
    utilisation = _query(
        prometheus, "max by (provider) (llm_budget_spent_usd) / max by (provider) (llm_budget_limit_usd > 0)"
    )
    assert [(r["metric"], float(r["value"][1])) for r in utilisation["data"]["result"]] == [
        ({"provider": "openai"}, 0.875)
    ]


def test_alert_rules_load(prometheus: str) -> None:
    groups = _get(f"{prometheus}/api/v1/rules")["data"]["groups"]
    names = {r["name"] for g in groups for r in g["rules"]}
    assert {
        "AegisDailyCostHigh",
        "AegisErrorRateHigh",
        "AegisFallbackRateHigh",
        "AegisOpenAILatencyHigh",
        "AegisBudgetUtilisationHigh",
    } <= names
