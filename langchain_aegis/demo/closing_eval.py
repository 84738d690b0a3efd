"""The table ``aegis demo`` ends with: ``aegis eval`` over the shipped legal extraction dataset.

Without ``--config`` the same small local model (SmolLM2-135M) stands in for
``local_ollama`` and ``ollama_cloud``, and the table says so: it shows how the
comparison works (scores, intervals, cost, privacy skips), not how good real
providers are. A handful of items and a short answer cap keep it to seconds.

It must not score or call providers itself: it runs
:func:`~langchain_aegis.eval.runner.run_eval` and prints its table.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langchain_aegis.config.models import AegisConfig

__all__ = ["DEMO_ITEMS", "closing_eval_table", "dataset_path", "print_closing_eval"]

DEMO_ITEMS = 7
"""Items the demo evaluates: en-01 … en-07, the last private by its facts (so it shows a privacy skip)."""

MAX_TOKENS = 48
"""Answer cap: enough for a short JSON object from SmolLM2, small enough to keep the demo quick."""

_PROVIDERS = ("local_ollama", "ollama_cloud")
_DATASET = "legal_extraction.jsonl"


def dataset_path() -> Path | None:
    """The shipped dataset: packaged with the demo, else ``examples/eval/`` of a source checkout."""
    packaged = resources.files(__package__ or "langchain_aegis.demo").joinpath(_DATASET)
    if packaged.is_file():
        return Path(str(packaged))
    source = Path(__file__).resolve().parents[2] / "examples" / "eval" / _DATASET
    return source if source.is_file() else None


def closing_eval_table(config: AegisConfig, *, label: str, limit: int = DEMO_ITEMS, progress: bool = False) -> str:
    """Run ``aegis eval`` (token_f1, baseline local_ollama) on the first ``limit`` items and render it.

    Args:
        config: a config with ``local_ollama`` and ``ollama_cloud`` providers.
        label: the honest line above the table (what stands in for what).
        limit: how many dataset items to run.
        progress: draw the progress bar on stderr.
    """
    from langchain_aegis._terminal import Progress
    from langchain_aegis.chat_models import AegisChatModel
    from langchain_aegis.eval.dataset import load_dataset
    from langchain_aegis.eval.report import render_table
    from langchain_aegis.eval.runner import run_eval
    from langchain_aegis.eval.scorers import token_f1

    path = dataset_path()
    if path is None:
        return "aegis eval: the legal extraction dataset is not installed; see examples/eval/"
    items = load_dataset(path, limit=limit)
    llm = AegisChatModel(config=config, max_tokens=MAX_TOKENS, temperature=0)
    bar = Progress(enabled=progress)
    try:
        result = run_eval(
            llm, items, list(_PROVIDERS), scorer=token_f1, scorer_name="token_f1", baseline="local_ollama",
            progress=bar, label=label,
        )  # fmt: skip
    finally:
        bar.close()
    return render_table(result)


def print_closing_eval(args: argparse.Namespace) -> None:
    """Print the demo's closing eval table (text output only; ``--json`` stays one JSON document)."""
    if args.json:
        return
    if args.config is not None:
        print(f"\nCompare your providers on the shipped dataset: aegis eval {dataset_path() or 'DATASET'} "
              f"--config {args.config} --providers local_ollama,openai --scorer field_f1")  # fmt: skip
        return
    from langchain_aegis.demo.pipeline import local_stand_in

    print(
        "\n== aegis eval: legal extraction, first items (token_f1: a 135M model rarely finishes the JSON) ==",
        flush=True,
    )
    with local_stand_in() as stand_in:
        label = (
            f"{stand_in.model_name} (SmolLM2-135M on 127.0.0.1) stands in for BOTH local_ollama and ollama_cloud: "
            "this shows the comparison, not real provider quality"
        )
        print(closing_eval_table(stand_in.config, label=label, progress=not args.no_progress))
    sys.stdout.flush()
