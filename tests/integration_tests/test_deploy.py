"""The Grafana dashboard and Prometheus rules in ``deploy/`` match the metrics the package exposes.

``promtool`` comes with ``apt-get install prometheus``; its checks are skipped visibly without it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from langchain_aegis.dispatch.records import Attempt, CallRecord
from langchain_aegis.eval.quality_metrics import QualityMetrics
from langchain_aegis.observability.metrics import AegisMetrics

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = REPO / "deploy" / "grafana" / "aegis-dashboard.json"
ALERTS = REPO / "deploy" / "prometheus" / "aegis-alerts.yml"
SCRAPE_CONFIG = REPO / "deploy" / "prometheus" / "prometheus.yml"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(PROMTOOL is None, reason="promtool not on PATH (apt-get install prometheus)")

_PROMQL_WORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    "inf", "nan", "Inf", "NaN",
}  # fmt: skip


def metric_names_in(promql: str) -> set[str]:
    """Series names a PromQL expression selects (a small lexer, enough for our own files)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', promql)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range and subquery durations
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    text = re.sub(r"\$\{?\w+\}?", "", text)  # Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w:.])([A-Za-z_:][\w:]*)(\s*\()?", text):
        name, is_call = match.group(1), match.group(2)
        if not is_call and name not in _PROMQL_WORDS:
            names.add(name)
    return names


def exposed_names() -> set[str]:
    """Every sample and family name AegisMetrics exposes once each metric has a series."""
    registry = CollectorRegistry()
    metrics = AegisMetrics(registry)
    metrics.observe(
        CallRecord(
            "openai",
            "local_ollama",
            "r",
            "ok",
            0.5,
            1,
            1,
            0.01,
            (Attempt("openai", "timeout", 1.0), Attempt("local_ollama", "ok", 1.0)),
            local_only_source="metadata",
        )
    )
    metrics.set_budget("openai", 1.0, 2.0)
    metrics.set_rollout_share("r", 0.5)
    quality = QualityMetrics(registry)
    quality.set_score("openai", "r", 0.5)
    quality.count_feedback("openai", "r")
    quality.shadow_call("r", "local_ollama", "ok", 0.01)
    names = set()
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        names.add(family.name)
        names.update(s.name for s in family.samples)
    return names


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    # Variables use Grafana's label_values(series, label), not PromQL; keep the series part.
    exprs += [
        re.sub(r"^label_values\((.*),\s*\w+\)$", r"\1", v["definition"])
        for v in dashboard["templating"]["list"]
        if v.get("type") == "query"
    ]
    return exprs


def rules() -> list[dict[str, str]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def test_lexer_finds_series_names() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (provider, le) (rate(llm_latency_seconds_bucket{provider=~"$provider"}'
        "[$__rate_interval]))) > on () group_left() aegis:limit and time() % 86400 > 1e3"
    )
    assert metric_names_in(expr) == {"llm_latency_seconds_bucket", "aegis:limit"}


def test_dashboard_is_an_importable_grafana_dashboard() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert 36 <= dashboard["schemaVersion"] <= 41
    assert [i["name"] for i in dashboard["__inputs"]] == ["DS_PROMETHEUS"]
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    for panel in panels:
        assert panel["datasource"]["uid"] == "${DS_PROMETHEUS}", panel["title"]
        assert panel["targets"], panel["title"]
    types = {p["title"]: p["type"] for p in panels}
    assert types["Provider distribution"] == "piechart"
    assert types["Budget utilisation"] == "gauge"
    assert types["Projected monthly cost"] == "stat"
    gauge = next(p for p in panels if p["type"] == "gauge")
    assert 0.8 in [s["value"] for s in gauge["fieldConfig"]["defaults"]["thresholds"]["steps"]]


def test_dashboard_uses_only_exposed_metrics() -> None:
    exposed = exposed_names()
    used = set().union(*(metric_names_in(e) for e in dashboard_exprs()))
    assert used, "no metric names found in the dashboard"
    assert used <= exposed, f"not exposed by AegisMetrics: {sorted(used - exposed)}"
    # Every public metric has a panel.
    assert {n.removesuffix("_bucket") for n in used} >= {
        "llm_requests_total",
        "llm_cost_usd_total",
        "llm_latency_seconds",
        "llm_fallbacks_total",
        "llm_budget_spent_usd",
        "llm_budget_limit_usd",
        "llm_rollout_share",
        "llm_privacy_local_only_total",
        "llm_quality_score",
        "llm_shadow_calls_total",
        "llm_shadow_cost_usd_total",
    }


def test_rules_use_only_exposed_or_recorded_metrics() -> None:
    recorded = {r["record"] for r in rules() if "record" in r}
    used = set().union(*(metric_names_in(r["expr"]) for r in rules()))
    unknown = used - exposed_names() - recorded
    assert not unknown, f"not exposed by AegisMetrics nor recorded: {sorted(unknown)}"
    alerts = {r["alert"] for r in rules() if "alert" in r}
    assert alerts == {
        "AegisDailyCostHigh",
        "AegisErrorRateHigh",
        "AegisFallbackRateHigh",
        "AegisOpenAILatencyHigh",
        "AegisBudgetUtilisationHigh",
        "AegisQualityRegression",
    }


@needs_promtool
def test_promtool_check_rules() -> None:
    assert PROMTOOL is not None
    result = subprocess.run(
        [PROMTOOL, "check", "rules", str(ALERTS)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_check_example_config() -> None:
    assert PROMTOOL is not None
    result = subprocess.run(
        [PROMTOOL, "check", "config", "--syntax-only", str(SCRAPE_CONFIG)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


ALERT_TESTS = """
rule_files: [{rules}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      # 2% of openai calls fail, one fallback per 10 calls, p95 of openai well above 600 ms,
      # 5 USD a minute (over the 50 USD daily default after 10 minutes), openai at 87.5% of budget.
      - series: 'llm_requests_total{{provider="openai", status="ok"}}'
        values: '0+98x30'
      - series: 'llm_requests_total{{provider="openai", status="timeout"}}'
        values: '0+2x30'
      - series: 'llm_requests_total{{provider="local_ollama", status="budget"}}'
        values: '0+50x30'
      - series: 'llm_fallbacks_total{{from_provider="openai", to_provider="local_ollama", reason="timeout"}}'
        values: '0+15x30'
      - series: 'llm_latency_seconds_bucket{{provider="openai", le="0.5"}}'
        values: '0+10x30'
      - series: 'llm_latency_seconds_bucket{{provider="openai", le="1.0"}}'
        values: '0+100x30'
      - series: 'llm_latency_seconds_bucket{{provider="openai", le="+Inf"}}'
        values: '0+100x30'
      - series: 'llm_cost_usd_total{{provider="openai"}}'
        values: '0+5x30'
      - series: 'llm_budget_spent_usd{{provider="openai"}}'
        values: '70x30'
      - series: 'llm_budget_limit_usd{{provider="openai"}}'
        values: '80x30'
      - series: 'llm_budget_spent_usd{{provider="local_ollama"}}'
        values: '1x30'
      - series: 'llm_budget_limit_usd{{provider="local_ollama"}}'
        values: '80x30'
    # Which alerts fire, without their annotations (the cost summary depends on rule-group order).
    promql_expr_test:
      - expr: ALERTS{{alertstate="firing"}}
        eval_time: 8m
        exp_samples:
          - labels: >-
              ALERTS{{alertname="AegisBudgetUtilisationHigh", alertstate="firing",
              provider="openai", severity="warning"}}
            value: 1
      - expr: ALERTS{{alertstate="firing"}}
        eval_time: 25m
        exp_samples:
          - labels: >-
              ALERTS{{alertname="AegisBudgetUtilisationHigh", alertstate="firing",
              provider="openai", severity="warning"}}
            value: 1
          - labels: ALERTS{{alertname="AegisDailyCostHigh", alertstate="firing", severity="warning"}}
            value: 1
          - labels: ALERTS{{alertname="AegisErrorRateHigh", alertstate="firing", provider="openai", severity="warning"}}
            value: 1
          - labels: ALERTS{{alertname="AegisFallbackRateHigh", alertstate="firing", severity="warning"}}
            value: 1
          - labels: ALERTS{{alertname="AegisOpenAILatencyHigh", alertstate="firing", severity="warning"}}
            value: 1
    # One alert in full, to check that the annotation templates render.
    alert_rule_test:
      - eval_time: 20m
        alertname: AegisErrorRateHigh
        exp_alerts:
          - exp_labels: {{severity: warning, provider: openai}}
            exp_annotations:
              summary: "openai: 2% of calls fail"
              description: More than 1% of calls answered by or aimed at openai failed over the last 5 minutes.
"""


@needs_promtool
def test_alerts_fire_on_synthetic_series(tmp_path: Path) -> None:
    assert PROMTOOL is not None
    tests = tmp_path / "aegis-alerts.test.yml"
    tests.write_text(ALERT_TESTS.format(rules=json.dumps(str(ALERTS))))
    result = subprocess.run(
        [PROMTOOL, "test", "rules", str(tests)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


QUALITY_ALERT_TESTS = """
rule_files: [{rules}]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      # openai scores 0.76 against the local baseline's 0.85 (-10.6%), two scores a minute each.
      - series: 'llm_quality_score{{provider="openai", rule="critical_to_openai"}}'
        values: '0.76x60'
      - series: 'llm_quality_score{{provider="local_ollama", rule="default"}}'
        values: '0.85x60'
      - series: 'llm_quality_feedback_total{{provider="openai", rule="critical_to_openai"}}'
        values: '0+2x60'
      - series: 'llm_quality_feedback_total{{provider="local_ollama", rule="default"}}'
        values: '0+2x60'
      # ollama_cloud is only 2% below the baseline: noise, not a regression.
      - series: 'llm_quality_score{{provider="ollama_cloud", rule="r"}}'
        values: '0.833x60'
      - series: 'llm_quality_feedback_total{{provider="ollama_cloud", rule="r"}}'
        values: '0+2x60'
    alert_rule_test:
      # 30 scores are reached after 15 minutes, then the alert waits its 15 minutes.
      - eval_time: 20m
        alertname: AegisQualityRegression
        exp_alerts: []
      - eval_time: 40m
        alertname: AegisQualityRegression
        exp_alerts:
          - exp_labels: {{severity: warning, provider: openai}}
            exp_annotations:
              summary: "openai quality is -10.59% against the baseline"
              description: >-
                The mean quality feedback score (llm_quality_score) of openai has been more
                than 5% below the baseline provider's for 15 minutes. See the "Quality by provider" panel;
                a rollout with max_quality_regression rolls back on the same signal.
"""


@needs_promtool
def test_quality_regression_alert_fires_on_synthetic_series(tmp_path: Path) -> None:
    assert PROMTOOL is not None
    tests = tmp_path / "aegis-quality.test.yml"
    tests.write_text(QUALITY_ALERT_TESTS.format(rules=json.dumps(str(ALERTS))))
    result = subprocess.run(
        [PROMTOOL, "test", "rules", str(tests)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dashboard_has_the_quality_panel_with_its_delta() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    (panel,) = [p for p in dashboard["panels"] if p["title"] == "Quality by provider"]
    exprs = [t["expr"] for t in panel["targets"]]
    assert any("llm_quality_score" in e and "$baseline" in e and " - on () group_left" in e for e in exprs)
    assert any("llm_requests_total" in e for e in exprs)  # error rate by provider
