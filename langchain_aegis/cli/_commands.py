"""The ``aegis`` subcommands. Each takes the parsed arguments, prints, and returns an exit code.

Failures the user can fix raise :class:`CommandError` (or a
:class:`~langchain_aegis.errors.ConfigError` / ``RoutingError``);
:func:`langchain_aegis.cli.main` turns them into one line on stderr.

A command must not re-implement what the package does (routing, ledgers,
rollout decisions): it calls the module that owns the concern and formats the
result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_aegis._terminal import render_table, shorten
from langchain_aegis.config.loading import load_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.errors import ConfigError

if TYPE_CHECKING:
    from langchain_aegis.demo.documents import Document
    from langchain_aegis.routing.policy import RouteDecision

__all__ = ["CommandError", "budget", "check", "demo", "explain", "resolve_config", "rollout"]

DEFAULT_CONFIG = Path("config") / "llm_config.yml"
"""Used when neither ``--config`` nor ``AEGIS_CONFIG`` names a file and it exists in the working directory."""

DEFAULT_MODEL = "gemma-3-4b-it-Q8_0"
"""The model of the built-in one-provider config."""

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failure to report as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


# -- shared ------------------------------------------------------------------------


def resolve_config(path: str | None) -> tuple[AegisConfig, str]:
    """The config to use and where it came from.

    Order: ``--config``, then ``$AEGIS_CONFIG``, then ``config/llm_config.yml``
    in the working directory, then a built-in one-provider local config
    (``$OLLAMA_HOST`` or ``http://localhost:11434``).

    Raises:
        ConfigError: the named file is missing or invalid.
    """
    path = path or os.environ.get("AEGIS_CONFIG") or None
    if path:
        return load_config(path), path
    if DEFAULT_CONFIG.is_file():
        return load_config(DEFAULT_CONFIG), str(DEFAULT_CONFIG)
    host = os.environ.get("OLLAMA_HOST") or None
    if host and "://" not in host:
        host = f"http://{host}"
    return AegisConfig.single_ollama(DEFAULT_MODEL, host), "built-in (one local Ollama provider)"


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2, default=str) if args.json else text)


def _safe_url(url: str) -> str:
    """``url`` with any password replaced, for display."""
    from langchain_aegis._secrets import mask_url

    return mask_url(url)


# -- check -------------------------------------------------------------------------


def check(args: argparse.Namespace) -> int:
    """``aegis check``: validate the config and probe every provider."""
    import warnings

    from langchain_aegis.cli._probe import probe_all
    from langchain_aegis.config.typos import UnknownKeyWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownKeyWarning)
        config, source = resolve_config(args.config)
    notes = [str(w.message) for w in caught if issubclass(w.category, UnknownKeyWarning)]
    if args.timeout <= 0:
        raise CommandError(f"--timeout must be > 0, got {args.timeout}", EXIT_USAGE)
    probes = probe_all(config, timeout=args.timeout)
    ok = all(p.reachable is not False for p in probes)

    def yes_no(value: bool | None) -> str:
        return "?" if value is None else ("yes" if value else "no")

    table = render_table(
        ["provider", "type", "locality", "model", "url", "reachable", "detail"],
        [[p.name, p.type, p.locality, p.model, _safe_url(p.url or "-"), yes_no(p.reachable), p.detail] for p in probes],
    )
    unreachable = [p.name for p in probes if p.reachable is False]
    verdict = f"unreachable: {', '.join(unreachable)}" if unreachable else "every provider answered"
    valid = "valid" if not notes else f"valid, {len(notes)} warning{'s' if len(notes) > 1 else ''}"
    text = f"config: {source} ({valid})\n"
    text += "".join(f"\nwarning: {note}" for note in notes) + ("\n" if notes else "")
    text += f"\n{table}\n\n{verdict}"
    data = {"config": source, "valid": True, "warnings": notes, "ok": ok, "providers": [p.as_dict() for p in probes]}
    _emit(args, data, text)
    return EXIT_OK if ok else EXIT_FAILURE


# -- explain -----------------------------------------------------------------------


def _metadata(raw: str | None) -> dict[str, Any]:
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise CommandError(f"--metadata: not valid JSON ({exc})", EXIT_USAGE) from None
    if not isinstance(data, dict):
        raise CommandError(f"--metadata: expected a JSON object, got {type(data).__name__}", EXIT_USAGE)
    from langchain_aegis.config.typos import unknown_fact_keys
    from langchain_aegis.errors import RoutingError
    from langchain_aegis.facts import parse_facts

    unknown_fact_keys(data, where="--metadata", strict=True, error=RoutingError)
    parse_facts(data, where="--metadata: ")  # a bad value raises RoutingError naming the key
    return data


def _decision_text(decision: RouteDecision, config: AegisConfig) -> str:
    provider = config.providers[decision.provider]
    privacy: str = decision.privacy
    if decision.local_only_source:
        privacy += f" (source: {decision.local_only_source})"
    facts = ", ".join(f"{k}={v}" for k, v in decision.facts.as_dict().items())
    rows = [
        ("provider", f"{decision.provider} (model {decision.model}, {provider.locality})"),
        ("rule", decision.rule),
        ("reason", decision.reason),
        ("fallbacks", " → ".join(decision.fallbacks) or "-"),
        ("privacy", privacy),
        ("pii", ", ".join(decision.pii_findings) or "-"),
        ("detection", decision.detection),
        ("facts", facts or "-"),
        ("node", decision.node or "-"),
    ]
    return "\n".join(f"{name:<10}  {value}" for name, value in rows)


def _known_node(node: str, config: AegisConfig) -> None:
    """Reject a ``--node`` that neither ``routing.nodes`` nor any rule's ``when.node`` names."""
    from langchain_aegis.config._yaml import suggest

    known = set(config.routing.nodes) | {n for r in config.effective_rules() for n in (r.when.node or [])}
    if node in known:
        return
    listed = ", ".join(sorted(known)) or "none configured"
    raise CommandError(f"--node: no node named {node!r}{suggest(node, known)} (known: {listed})", EXIT_USAGE)


def explain(args: argparse.Namespace) -> int:
    """``aegis explain TEXT``: show the routing decision without calling a model."""
    from langchain_aegis.chat_models import AegisChatModel

    metadata = _metadata(args.metadata)
    config, _source = resolve_config(args.config)
    # Nothing is spent, so no ledger is needed, except to read rollout shares.
    model = AegisChatModel(config=config, ledger=None if config.routing.rollouts else "memory://")
    run_metadata: dict[str, Any] = {"aegis": metadata}
    if args.node:
        _known_node(args.node, config)
        run_metadata["langgraph_node"] = args.node
    decision = model.explain(args.text, config={"metadata": run_metadata})
    data = {**decision.as_metadata(), "locality": config.providers[decision.provider].locality}
    _emit(args, data, _decision_text(decision, config))
    return EXIT_OK


# -- budget ------------------------------------------------------------------------


def _budget_config(path: str | None) -> tuple[AegisConfig, str]:
    """:func:`resolve_config`, but a file is read for its ``budgets`` and provider names only.

    Reading the ledger needs neither API keys nor hosts, so ``${VAR}`` references
    outside ``budgets`` need not be set for ``aegis budget``.
    """
    from langchain_aegis.config.loading import load_budgets

    path = path or os.environ.get("AEGIS_CONFIG") or None
    if path:
        return load_budgets(path), path
    if DEFAULT_CONFIG.is_file():
        return load_budgets(DEFAULT_CONFIG), str(DEFAULT_CONFIG)
    return resolve_config(None)


def _full_config(path: str | None) -> tuple[AegisConfig | None, str | None]:
    """The whole config, or ``None`` and why (an unset ``${VAR}``, say): ``aegis budget`` goes on without it."""
    try:
        return resolve_config(path)[0], None
    except ConfigError as exc:
        return None, str(exc).splitlines()[0]


def _replay_journal(path: str | None, ledger: Any) -> None:
    """Settlements journaled while the ledger was down belong in the spend shown; a fault here is not fatal."""
    from langchain_aegis.budget.journal import Journal
    from langchain_aegis.budget.ledger import default_journal_path

    journal = Journal(path or default_journal_path())
    if journal.pending():
        try:
            journal.replay(ledger)
        except OSError as exc:
            print(f"aegis: cannot replay the ledger journal {journal.path}: {exc}", file=sys.stderr)


def budget(args: argparse.Namespace) -> int:
    """``aegis budget``: this period's spend per provider against its cap."""
    from langchain_aegis.budget import budget_rows, open_ledger, render_budget_table
    from langchain_aegis.cli._usage import fetch_usage, render_usage
    from langchain_aegis.dispatch.quota import quota_rows

    if args.timeout <= 0:
        raise CommandError(f"--timeout must be > 0, got {args.timeout}", EXIT_USAGE)
    config, source = _budget_config(args.config)
    budgets = config.budgets
    now = datetime.now(UTC)
    # Quota skips and Ollama Cloud's usage need the providers' URLs and keys: the whole config,
    # when its ${VAR}s resolve. The spend table never needs them.
    full, unresolved = _full_config(args.config)
    with open_ledger(budgets.ledger, namespace=budgets.ledger_namespace, lock_timeout=budgets.lock_timeout) as ledger:
        _replay_journal(budgets.journal, ledger)
        rows = budget_rows(config, ledger, now)
        skipped = quota_rows(full, ledger, now) if full is not None else []
    usage = [] if args.no_usage or full is None else fetch_usage(full, timeout=args.timeout)
    period = rows[0]["period"] if rows else None
    ledger_url = _safe_url(config.budgets.ledger)
    text = f"config: {source}, ledger: {ledger_url}\n\n{render_budget_table(rows)}"
    text += "".join(f"\n\nquota: {q['provider']} skipped until {q['until']} ({q['reason']})" for q in skipped)
    if usage:
        text += f"\n\nOllama Cloud usage (GET /api/usage):\n{render_usage(usage)}"
    if unresolved and not args.no_usage:
        text += f"\n\nnote: provider quotas and usage not shown ({unresolved})"
    if ledger_url.startswith("memory:"):
        text += "\n\nnote: a memory:// ledger lives inside one process, so this command always sees it empty"
    data = {"config": source, "ledger": ledger_url, "period": period, "rows": rows, "quota": skipped}
    data["usage"] = [u.as_dict() for u in usage]
    _emit(args, data, text)
    return EXIT_OK


# -- rollout -----------------------------------------------------------------------


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def rollout(args: argparse.Namespace) -> int:
    """``aegis rollout status|advance RULE|rollback RULE``."""
    from langchain_aegis.budget import open_ledger
    from langchain_aegis.rollout.guard import RolloutGuard, load_state, state_to_dict
    from langchain_aegis.rollout.policy import RolloutState

    config, source = resolve_config(args.config)
    rollouts = config.routing.rollouts
    providers = {rule.name: rule.provider for rule in config.effective_rules()}
    now = time.time()
    budgets = config.budgets
    with open_ledger(budgets.ledger, namespace=budgets.ledger_namespace, lock_timeout=budgets.lock_timeout) as ledger:
        if args.action == "status":
            entries = []
            for rule, cfg in rollouts.items():
                stored = load_state(ledger, rule)
                state = stored or RolloutState.initial(rule, cfg, now)
                entry = {**state_to_dict(state), "provider": providers[rule], "steps": list(cfg.steps)}
                entry["started"] = stored is not None
                entries.append(entry)
            rows = [
                [
                    e["rule"],
                    e["provider"],
                    f"{e['share']:.0%}",
                    f"{e['step_index'] + 1}/{len(e['steps'])}",
                    _when(e["since"]) if e["started"] else "not started",
                    shorten(e["reason"] if e["started"] else "at the first step until the first call", 70),
                ]
                for e in entries
            ]
            header = ["rule", "provider", "share", "step", "since", "last reason"]
            table = render_table(header, rows) if rows else "no rollouts configured (routing.rollouts is empty)"
            _emit(args, {"config": source, "rollouts": entries}, f"config: {source}\n\n{table}")
            return EXIT_OK
        if args.rule not in rollouts:
            known = ", ".join(rollouts) or "none"
            raise CommandError(
                f"routing.rollouts: no rollout for rule {args.rule!r} (rules with a rollout: {known})", EXIT_USAGE
            )
        guard = RolloutGuard.from_config(config, ledger)
        reason = args.reason or f"operator {args.action} (aegis CLI)"
        event = (
            guard.advance(args.rule, now, reason)
            if args.action == "advance"
            else guard.rollback(args.rule, now, reason)
        )
        state = guard.state(args.rule, now)
    event_data = {
        "at": event.at,
        "action": event.action,
        "from_share": event.from_share,
        "to_share": event.to_share,
        "reason": event.reason,
    }
    text = f"{args.rule}: {event.action} {event.from_share:.0%} → {event.to_share:.0%} ({event.reason})"
    _emit(args, {"rule": args.rule, "event": event_data, "state": state_to_dict(state)}, text)
    return EXIT_OK


# -- demo --------------------------------------------------------------------------


def _progress(i: int, n: int, doc: Document) -> None:
    print(f"[{i}/{n}] {doc.id} ({doc.kind})", file=sys.stderr, flush=True)


def demo(args: argparse.Namespace) -> int:
    """``aegis demo``: run the LangGraph ingestion pipeline over the bundled documents."""
    try:
        from langchain_aegis.demo.closing_eval import print_closing_eval
        from langchain_aegis.demo.pipeline import run_demo
        from langchain_aegis.demo.report import render_report, report_json
    except ImportError as exc:
        hint = "pip install 'langchain-aegis[demo]'"
        raise CommandError(f"aegis demo needs the demo extra ({exc.name} is missing): {hint}") from None
    if args.config is None and not args.no_progress:
        print("starting the local stand-in model (SmolLM2-135M on 127.0.0.1)...", file=sys.stderr, flush=True)
    try:
        run = run_demo(args.config, progress=None if args.no_progress else _progress)
    except ImportError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print(json.dumps(report_json(run), indent=2, default=str))
    else:
        print(render_report(run, wide=args.wide))
    print_closing_eval(args)
    return EXIT_FAILURE if any(row.error for row in run.rows) else EXIT_OK
