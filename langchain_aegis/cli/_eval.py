"""``aegis eval``: compare providers on a JSONL dataset (see :mod:`langchain_aegis.eval`).

It parses options and prints; it must not call providers or score answers
itself (:mod:`langchain_aegis.eval` does).
"""

from __future__ import annotations

import argparse
import json

from langchain_aegis._terminal import Progress
from langchain_aegis.cli._commands import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError, resolve_config

__all__ = ["add_eval_parser", "eval_command"]


def add_eval_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register ``aegis eval`` on the command's subparsers."""
    p = commands.add_parser(
        "eval",
        parents=[common],
        help="compare providers on a JSONL dataset",
        description="Run every dataset item through each provider (forced with the provider fact, so budgets "
        "and privacy apply), score the answers and report mean score with a 95% bootstrap interval, the delta "
        "to the baseline, cost, latency p50/p95 and failures. Private items run on local providers only.",
    )
    p.add_argument("dataset", metavar="DATASET", help="a JSONL file: one {id, messages|input, expected, facts} a line")
    p.add_argument("--providers", metavar="A,B", help="providers to compare (default: every configured provider)")
    p.add_argument("--baseline", metavar="NAME", help="the provider the others are compared to (default: the first)")
    p.add_argument(
        "--scorer",
        default="token_f1",
        metavar="NAME",
        help="exact_match, json_valid, field_f1, token_f1 (default), llm_judge, ragas, or package.module:function",
    )
    p.add_argument("--judge-provider", metavar="NAME", help="force the llm_judge/ragas judge to this provider")
    p.add_argument("--limit", type=int, metavar="N", help="evaluate only the first N items")
    p.add_argument("--max-tokens", type=int, default=512, metavar="N", help="output cap per answer (default: 512)")
    p.add_argument("--markdown", action="store_true", help="print the report as a Markdown table")
    p.add_argument("--no-progress", action="store_true", help="do not draw the progress bar on stderr")
    p.set_defaults(handler=eval_command)


def eval_command(args: argparse.Namespace) -> int:
    """``aegis eval``: exit 0 when every call answered, 1 when some failed, 2 on a usage error."""
    from langchain_aegis.chat_models import AegisChatModel
    from langchain_aegis.eval.dataset import load_dataset
    from langchain_aegis.eval.report import render_markdown, render_table, report_json
    from langchain_aegis.eval.runner import run_eval
    from langchain_aegis.eval.scorers import resolve_scorer

    if args.limit is not None and args.limit < 1:
        raise CommandError("--limit must be at least 1", EXIT_USAGE)
    if args.max_tokens < 1:
        raise CommandError("--max-tokens must be at least 1", EXIT_USAGE)
    config, source = resolve_config(args.config)
    providers = (
        [p.strip() for p in args.providers.split(",") if p.strip()] if args.providers else list(config.providers)
    )
    items = load_dataset(args.dataset, limit=args.limit)
    llm = AegisChatModel(config=config, max_tokens=args.max_tokens, temperature=0)
    judge = llm
    if args.judge_provider:
        if args.judge_provider not in config.providers:
            raise CommandError(f"--judge-provider: no provider named {args.judge_provider!r}", EXIT_USAGE)
        judge = AegisChatModel(config=config, max_tokens=16, temperature=0, defaults={"provider": args.judge_provider})
    scorer = resolve_scorer(args.scorer, judge=judge)
    progress = Progress(enabled=not args.no_progress and not args.json)
    try:
        result = run_eval(
            llm, items, providers, scorer=scorer, scorer_name=args.scorer, baseline=args.baseline,
            progress=progress, label=f"config: {source}",
        )  # fmt: skip
    finally:
        progress.close()
    if args.json:
        print(json.dumps(report_json(result), indent=2))
    elif args.markdown:
        print(render_markdown(result))
    else:
        print(render_table(result))
    return EXIT_FAILURE if any(o.status == "failed" for o in result.outcomes) else EXIT_OK
