"""The ``aegis`` command: check a config, explain a decision, read budgets and rollouts, run the demo.

Usage::

    aegis check    [--config FILE] [--timeout S] [--json]
    aegis explain  TEXT [--config FILE] [--metadata JSON] [--node NAME] [--json]
    aegis budget   [--config FILE] [--json] [--timeout S] [--no-usage]
    aegis rollout  status|advance RULE|rollback RULE [--config FILE] [--reason TEXT] [--json]
    aegis demo     [--config FILE] [--json] [--no-progress] [--wide]
    aegis eval     DATASET [--providers A,B] [--baseline NAME] [--scorer NAME] [--config FILE] [--json|--markdown]

The config is ``--config``, else ``$AEGIS_CONFIG``, else ``config/llm_config.yml``
in the working directory, else one local Ollama provider. ``aegis demo``
without ``--config`` starts a small local model instead.

Exit codes: 0 success, 1 failure (an unreachable provider, a failed call),
2 usage or configuration error. Errors are one line on stderr, never a
traceback (set ``AEGIS_DEBUG=1`` for one) and never a key.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from langchain_aegis.cli._commands import (
    EXIT_FAILURE,
    EXIT_USAGE,
    CommandError,
    budget,
    check,
    demo,
    explain,
    rollout,
)
from langchain_aegis.cli._eval import add_eval_parser
from langchain_aegis.errors import AegisError, ConfigError, RoutingError

__all__ = ["build_parser", "main"]

_PROG = "aegis"


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", metavar="FILE", help="the YAML config (default: $AEGIS_CONFIG, then config/llm_config.yml)"
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log the router's warnings (failed attempts, retries, rollout changes) to stderr",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``aegis`` command."""
    from langchain_aegis import __version__

    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="langchain-aegis: inspect and exercise the policy router behind AegisChatModel.",
        epilog="Exit codes: 0 ok, 1 failure, 2 usage or config error. Run 'aegis COMMAND --help' for details.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__ or 'unknown'}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common()

    p = commands.add_parser(
        "check",
        parents=[common],
        help="validate the config and probe every provider",
        description="Validate the config, then send one short GET to each provider "
        "(Ollama: /api/tags; others: {base_url}/models). Exit 1 if any provider is unreachable.",
    )
    p.add_argument("--timeout", type=float, default=3.0, metavar="S", help="seconds per probe (default: 3)")
    p.set_defaults(handler=check)

    p = commands.add_parser(
        "explain",
        parents=[common],
        help="show where a call would be routed, and why",
        description="Route TEXT as AegisChatModel would and print the decision; no model is called.",
    )
    p.add_argument("text", metavar="TEXT", help="the prompt to route")
    p.add_argument(
        "--metadata",
        metavar="JSON",
        help='request facts, as sent in metadata["aegis"], e.g. \'{"quality": "critical", "complexity": "high"}\'',
    )
    p.add_argument("--node", metavar="NAME", help="the LangGraph node making the call (uses routing.nodes.NAME)")
    p.set_defaults(handler=explain)

    p = commands.add_parser(
        "budget",
        parents=[common],
        help="show this month's spend per provider",
        description="Show each provider's spend in the current budget period against its monthly limit, "
        "providers skipped for a used-up usage limit, and Ollama Cloud's own usage (GET {base_url}/api/usage "
        "for each ollama provider with an api_key).",
    )
    p.add_argument(
        "--timeout", type=float, default=3.0, metavar="S", help="seconds for each /api/usage request (default: 3)"
    )
    p.add_argument("--no-usage", action="store_true", help="do not ask Ollama Cloud for its usage")
    p.set_defaults(handler=budget)

    p = commands.add_parser(
        "rollout",
        help="show, advance or roll back gradual rollouts",
        description="Operate the rollouts listed under routing.rollouts; state lives in the budget ledger.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("status", parents=[common], help="list each rollout's share, step and last reason")
    a.set_defaults(handler=rollout)
    for name, verb in (("advance", "move RULE one step up"), ("rollback", "move RULE one step down")):
        description = f"{name.capitalize()}: {verb} its rollout steps."
        if name == "rollback":
            description += " From the first step, rollback goes to share 0, where only advance restarts it."
        a = actions.add_parser(name, parents=[common], help=verb, description=description)
        a.add_argument("rule", metavar="RULE", help="a rule listed under routing.rollouts")
        a.add_argument("--reason", metavar="TEXT", help="recorded in the rollout's history")
        a.set_defaults(handler=rollout)

    p = commands.add_parser(
        "demo",
        parents=[common],
        help="run the LangGraph ingestion demo",
        description="Run the sample documents through a LangGraph pipeline whose nodes share one AegisChatModel. "
        "Without --config, one small local model (SmolLM2-135M via llama.cpp) stands in for every provider.",
    )
    p.add_argument("--no-progress", action="store_true", help="do not print per-document progress to stderr")
    p.add_argument("--wide", action="store_true", help="show every table cell whole (default: fit 120 columns)")
    p.set_defaults(handler=demo)
    add_eval_parser(commands, common)
    return parser


def _configure_logging(verbose: bool) -> None:
    logger = logging.getLogger("langchain_aegis")
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    else:
        # Fallbacks and refusals are part of each command's own output.
        logger.setLevel(logging.ERROR)


def _fail(message: str) -> None:
    # One line, even for a config with several invalid fields.
    flat = "; ".join(line.strip() for line in message.splitlines() if line.strip())
    print(f"{_PROG}: error: {flat}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``aegis`` command.

    Args:
        argv: the arguments, without the program name; ``sys.argv[1:]`` by default.

    Returns:
        The exit code: 0 ok, 1 failure, 2 usage or config error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    _configure_logging(args.verbose)
    try:
        code: int = args.handler(args)
    except (ConfigError, RoutingError) as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except CommandError as exc:
        _fail(str(exc))
        return exc.code
    except AegisError as exc:
        _fail(str(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except Exception as exc:
        if os.environ.get("AEGIS_DEBUG"):
            raise
        _fail(f"{type(exc).__name__}: {exc}")
        return EXIT_FAILURE
    return code
