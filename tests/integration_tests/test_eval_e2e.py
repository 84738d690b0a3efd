"""``aegis eval`` end to end against loopback servers whose answers are scripted.

The OpenAI stand-in answers every item perfectly; the local stand-in gets a
known set of items wrong. The report's delta must contain that margin, private
items must never reach the cloud server, and budgets must hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from langchain_aegis.budget import budget_rows, open_ledger
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.cli import main
from langchain_aegis.config.loading import load_config, parse_config
from langchain_aegis.eval.dataset import EvalItem, load_dataset
from langchain_aegis.eval.scorers import resolve_scorer
from langchain_aegis.testing import ChatRequest, OllamaServer, OpenAIServer

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "examples" / "eval" / "legal_extraction.jsonl"
ITEMS = load_dataset(DATASET)
PRIVATE = {"en-07", "de-09", "en-15", "de-12"}  # two by facts (pii), two by the detector (e-mail, IBAN)
PUBLIC = [i for i in ITEMS if i.id not in PRIVATE]
WRONG_LOCALLY = {i.id for i in PUBLIC[::3]}  # 9 of the 26 public items
MARGIN = len(WRONG_LOCALLY) / len(PUBLIC)  # field_f1: 1 for a perfect answer, 0 for "{}" (every gold has leaves)


class ScriptedBrain:
    """Answers each dataset item with its expected JSON, or ``{}`` for the items in ``wrong``."""

    def __init__(self, items: list[EvalItem], wrong: set[str]) -> None:
        self.by_prompt = {i.prompt: i for i in items}
        self.wrong = wrong

    def __call__(self, request: ChatRequest) -> str:
        found = self.by_prompt.get(request.last_user_text)
        if found is None:
            return "7"  # a judge's grade
        return "{}" if found.id in self.wrong else json.dumps(found.expected, ensure_ascii=False)


@pytest.fixture
def servers() -> Iterator[tuple[OllamaServer, OpenAIServer]]:
    with (
        OllamaServer(brain=ScriptedBrain(ITEMS, WRONG_LOCALLY)) as local,
        OpenAIServer(brain=ScriptedBrain(ITEMS, set())) as cloud,
    ):
        yield local, cloud


def config_data(local: OllamaServer, cloud: OpenAIServer, **extra: Any) -> dict[str, Any]:
    return {
        "providers": {
            "local_ollama": {"type": "ollama", "base_url": local.origin, "model": "gemma", "locality": "local"},
            "openai": {
                "type": "openai", "base_url": cloud.base_url, "api_key": "sk-eval-secret",
                "model": "gpt-4o-mini", "locality": "cloud",
            },
        },
        "resilience": {"max_retries": 0, "backoff_base": 0.001, "deadline": 10},
        **extra,
    }  # fmt: skip


def write_config(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "llm_config.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_eval_reports_the_scripted_margin_and_keeps_private_items_local(
    servers: tuple[OllamaServer, OpenAIServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local, cloud = servers
    cfg = write_config(tmp_path, config_data(local, cloud, budgets={"ledger": f"sqlite:///{tmp_path}/l.db"}))
    args = [str(DATASET), "--config", str(cfg), "--providers", "local_ollama,openai", "--baseline", "local_ollama"]
    code = main(["eval", *args, "--scorer", "field_f1", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    base, treated = out["providers"]
    assert base["provider"] == "local_ollama"
    assert base["scored"] == 30
    assert base["skipped_private"] == 0
    assert treated["scored"] == 26
    assert treated["skipped_private"] == 4
    assert treated["failures"] == 0
    assert treated["mean"]["value"] == pytest.approx(1.0)
    delta = treated["delta_to_baseline"]
    assert delta["value"] == pytest.approx(MARGIN)
    assert delta["low"] <= MARGIN <= delta["high"]
    assert delta["low"] > 0  # 9 of 26 items better, none worse: the interval excludes zero
    assert treated["paired_items"] == 26
    assert treated["cost_usd"] > 0
    assert base["cost_usd"] == 0
    # Private items never reached the cloud server, not even a single request.
    sent = "\n".join(m["content"] for e in cloud.chat_requests() for m in e.body["messages"])
    assert len(cloud.chat_requests()) == 26
    for item in ITEMS:
        assert (item.prompt in sent) == (item.id not in PRIVATE)
    assert "jane.doe@oakridge-lettings.co.uk" not in sent
    assert "DE89" not in sent


def test_eval_table_markdown_and_progress(
    servers: tuple[OllamaServer, OpenAIServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local, cloud = servers
    cfg = write_config(tmp_path, config_data(local, cloud, budgets={"ledger": "memory://"}))
    common = [str(DATASET), "--config", str(cfg), "--providers", "local_ollama,openai", "--scorer", "field_f1"]
    assert main(["eval", *common, "--limit", "8"]) == 0  # en-01..en-08; en-07 is private
    captured = capsys.readouterr()
    assert "Δ baseline [95% CI]" in captured.out
    assert "openai (cloud)" in captured.out
    assert "private items (by facts or the detector) ran on local providers only; skipped on openai: 1" in captured.out
    assert "16/16" in captured.err  # the progress bar, on stderr
    assert main(["eval", *common, "--limit", "3", "--markdown", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("_config: ")
    assert "| provider | n |" in captured.out
    assert captured.err == ""


def test_budgets_apply_to_evaluation_calls(
    servers: tuple[OllamaServer, OpenAIServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local, cloud = servers
    ledger_url = f"sqlite:///{tmp_path}/budget.db"
    limit = 0.0006  # the reservation of a 512-token answer is ~$0.0003: a few calls fit, then refusals
    data = config_data(local, cloud, budgets={"ledger": ledger_url, "monthly_limits": {"openai": limit}})
    cfg = write_config(tmp_path, data)
    code = main(["eval", str(DATASET), "--config", str(cfg), "--providers", "openai", "--scorer", "field_f1", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # some calls were refused
    (summary,) = out["providers"]
    refused = [o for o in out["outcomes"] if o["status"] == "failed"]
    assert summary["failures"] == len(refused) > 0
    assert summary["scored"] - len(refused) > 0  # and some were answered
    assert all("BudgetExceeded" in o["error"] or "fallback" in o["error"] for o in refused)
    assert summary["cost_usd"] <= limit
    loaded = load_config(cfg)  # the file's budgets live in its own namespace
    with open_ledger(ledger_url, namespace=loaded.budgets.ledger_namespace) as ledger:
        row = next(r for r in budget_rows(loaded, ledger, datetime.now(UTC)) if r["provider"] == "openai")
    assert 0 < row["spent"] <= limit
    assert row["reserved"] == 0
    assert len(cloud.chat_requests()) == len(PUBLIC) - len(refused)


def test_llm_judge_on_a_private_item_is_judged_locally(servers: tuple[OllamaServer, OpenAIServer]) -> None:
    local, cloud = servers
    judge = AegisChatModel(config=parse_config(config_data(local, cloud)), defaults={"provider": "openai"})
    scorer = resolve_scorer("llm_judge", judge=judge)
    private = next(i for i in ITEMS if i.id == "en-15")
    public = next(i for i in ITEMS if i.id == "en-01")
    assert scorer(public, "{}") == pytest.approx(0.7)
    assert len(cloud.chat_requests()) == 1
    assert len(local.chat_requests()) == 0
    assert scorer(private, "{}") == pytest.approx(0.7)
    assert len(cloud.chat_requests()) == 1
    assert len(local.chat_requests()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--providers", "local_ollama,nope"], "nope not configured"),
        (["--baseline", "openai", "--providers", "local_ollama"], "--baseline 'openai' must be one of"),
        (["--scorer", "nope"], "unknown scorer 'nope'"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    servers: tuple[OllamaServer, OpenAIServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    local, cloud = servers
    cfg = write_config(tmp_path, config_data(local, cloud))
    assert main(["eval", str(DATASET), "--config", str(cfg), "--no-progress", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_a_bad_dataset_line_exits_2_naming_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "input": "x"}\n{"id": "b"}\n', encoding="utf-8")
    assert main(["eval", str(bad), "--no-progress"]) == 2
    assert f"{bad}:2" in capsys.readouterr().err
