"""What ``aegis demo`` prints: the per-call table, budgets, metrics, or all of it as JSON.

Pure formatting over a :class:`~langchain_aegis.demo.pipeline.DemoRun`; it must
not call a model or read a clock.

It must not call a model or change state: it only formats a finished run.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from langchain_aegis._terminal import render_table
from langchain_aegis.budget import render_budget_table

if TYPE_CHECKING:
    from langchain_aegis.demo.graph import CallRow
    from langchain_aegis.demo.pipeline import DemoRun, StandIn

__all__ = ["TABLE_WIDTH", "call_table", "fallback_events", "metric_lines", "render_report", "report_json"]

TABLE_WIDTH = 120
"""Columns the default call table fits in; ``wide=True`` (``aegis demo --wide``) puts every cell in the table."""
# "rule X matched (conditions)": the rule has its own column, so the table keeps only the conditions.
_RULE_MATCHED = re.compile(r"rule \S+ matched \((.*?)\)(?=;|$)")


def fallback_events(attempts: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Each move down the fallback chain: a failed attempt and the one after it.

    Args:
        attempts: ``response_metadata["aegis"]["attempts"]`` of one call.

    Returns:
        ``{"from": ..., "to": ..., "reason": ...}`` per move, in order.
    """
    seq = list(attempts)
    return [
        {"from": str(failed["provider"]), "to": str(nxt["provider"]), "reason": str(failed["outcome"])}
        for failed, nxt in pairwise(seq)
        if failed.get("outcome") != "ok"
    ]


def _event_text(event: Mapping[str, str]) -> str:
    return f"{event['from']}→{event['to']} ({event['reason']})"


def metric_lines(exposition: str) -> list[str]:
    """The ``llm_*`` samples of a Prometheus exposition, without histogram buckets or ``_created``.

    Args:
        exposition: ``prometheus_client.generate_latest(registry).decode()``.
    """
    return [
        line
        for line in exposition.splitlines()
        if line.startswith("llm_") and "_bucket{" not in line and "_created" not in line.split("{")[0]
    ]


def _rule_counts(rows: Sequence[CallRow]) -> dict[str, int]:
    return dict(Counter(row.rule for row in rows))


def _fallback_counts(rows: Sequence[CallRow]) -> dict[str, int]:
    return dict(Counter(_event_text(e) for row in rows for e in fallback_events(row.attempts)))


def _stand_in_note(stand_in: StandIn) -> list[str]:
    from langchain_aegis.budget.pricing import pricing_for

    def describe(name: str) -> str:
        provider = stand_in.config.providers[name]
        price = pricing_for(provider)
        priced = price.input or price.output
        cost = f", priced ${price.input:g}/${price.output:g} per 1M tokens in/out" if priced else ""
        limit = stand_in.config.budgets.monthly_limits.get(name)
        cap = f", monthly limit ${limit:g}" if limit is not None else ""
        return f"{name} ({provider.locality}{cost}{cap})"

    names = ", ".join(describe(n) for n in stand_in.config.providers)
    return [
        "NOTE: one small local model stands in for every provider.",
        f"  SmolLM2-135M-Instruct, served by llama.cpp at {stand_in.model_url}, answers for {names}.",
        "  Routing, prices, budgets and privacy are real; every answer comes from the same tiny model,",
        "  so expect short, odd text. Nothing leaves this machine.",
        f"  Arranged to show failure handling: openai points at a closed port ({stand_in.dead_url}),",
        "  and ollama_cloud's limit covers only part of the batch.",
    ]


def _reason(row: CallRow) -> str:
    return " ".join(_RULE_MATCHED.sub(r"\1", row.reason).split())


def _row_cells(row: CallRow) -> list[str]:
    events = fallback_events(row.attempts)
    return [
        row.document,
        row.node,
        row.provider or f"FAILED ({row.error})",
        row.rule,
        f"{row.input_tokens}/{row.output_tokens}",
        f"${row.cost_usd:.6f}",
        ", ".join(_event_text(e) for e in events) or "-",
        _reason(row),
    ]


def call_table(rows: Sequence[CallRow], *, wide: bool = False, width: int = TABLE_WIDTH) -> str:
    """The per-call table, with every reason shown whole.

    By default the table fits ``width`` columns (for the bundled documents):
    each call points to its reason (``[1]``, ...), and the distinct reasons,
    each ending with its fallback story, are listed under the table, wrapped.
    With ``wide`` every call is one line with its fallbacks and reason.

    Args:
        rows: the run's calls.
        wide: one line per call with every cell.
        width: the width to fit when not ``wide``.
    """
    header = ["document", "node", "provider", "rule", "tokens in/out", "cost", "fallbacks", "reason"]
    cells = [_row_cells(r) for r in rows]
    if wide:
        return render_table(header, cells, right=(4, 5))
    reasons = list(dict.fromkeys(c[7] for c in cells))
    refs = {reason: f"[{i}]" for i, reason in enumerate(reasons, 1)}
    table = render_table([*header[:4], "in/out", "cost", "why"], [[*c[:6], refs[c[7]]] for c in cells], right=(4, 5))
    legend = [
        textwrap.fill(f"{refs[r]} {r}", width=width, subsequent_indent=" " * (len(refs[r]) + 1), break_on_hyphens=False)
        for r in reasons
    ]
    title = "why (a reason ends with its fallbacks; `aegis demo --wide` puts them in the table):"
    return "\n".join([table, "", title, *legend])


def _fill(text: str, wide: bool) -> str:
    return text if wide else textwrap.fill(text, width=TABLE_WIDTH, subsequent_indent="  ", break_on_hyphens=False)


def render_report(run: DemoRun, *, wide: bool = False) -> str:
    """The demo's text report: the call table, a summary, budgets and metrics.

    Args:
        run: the finished run.
        wide: one table line per call with every cell, instead of fitting 120 columns.
    """
    lines: list[str] = []
    if run.stand_in is not None:
        lines += [*_stand_in_note(run.stand_in), ""]
    else:
        lines += [f"Real providers from {run.config_source}.", ""]
    documents = len(dict.fromkeys(row.document for row in run.rows))
    plural = "s" if documents != 1 else ""
    intro = (
        f"{documents} document{plural} through the LangGraph pipeline classify → extract_entities → summarize "
        "(short documents skip extract_entities); every node calls one shared AegisChatModel."
    )
    lines += [_fill(intro, wide), "", call_table(run.rows, wide=wide), ""]
    summary_start = len(lines)

    total_cost = sum(r.cost_usd for r in run.rows)
    failed = sum(1 for r in run.rows if r.error)
    lines.append(f"{len(run.rows)} calls in {run.seconds:.1f} s, ${total_cost:.6f} spent, {failed} failed.")
    if failed:
        lines.append("Some calls failed; `aegis check` probes every provider.")
    rules = ", ".join(f"{rule} {n}" for rule, n in _rule_counts(run.rows).items())
    lines.append(f"Rules fired (calls): {rules}.")
    fallbacks = ", ".join(f"{text} {n}" for text, n in _fallback_counts(run.rows).items()) or "none"
    lines.append(f"Fallbacks (calls): {fallbacks}.")
    private = sorted({r.provider or "FAILED" for r in run.rows if r.privacy == "local_only"})
    if private:
        lines.append(f"Calls with personal data were served by: {', '.join(private)}.")
    lines[summary_start:] = [_fill(line, wide) for line in lines[summary_start:]]
    lines.append("")

    period = run.budget[0]["period"] if run.budget else "-"
    lines += [f"Budgets (period {period}):", render_budget_table(run.budget), ""]
    lines.append("Prometheus metrics (llm_* series; histogram buckets omitted):")
    lines += metric_lines(run.metrics_text)
    return "\n".join(lines)


def report_json(run: DemoRun) -> dict[str, Any]:
    """The run as a JSON-ready dict.

    Keys: ``config``, ``stand_in`` (``None`` with real providers), ``seconds``,
    ``rows`` (each :meth:`CallRow.as_dict` plus ``fallbacks``), ``summary``
    (``rules``, ``fallbacks``, ``calls``, ``failed``, ``cost_usd``),
    ``budget`` and ``metrics`` (the ``llm_*`` lines).
    """
    stand_in = None
    if run.stand_in is not None:
        stand_in = {
            "model": "SmolLM2-135M-Instruct",
            "model_url": run.stand_in.model_url,
            "dead_url": run.stand_in.dead_url,
            "startup_seconds": run.stand_in.startup_seconds,
            "note": "one small local model stands in for every provider",
        }
    return {
        "config": run.config_source,
        "stand_in": stand_in,
        "seconds": run.seconds,
        "rows": [{**row.as_dict(), "fallbacks": fallback_events(row.attempts)} for row in run.rows],
        "summary": {
            "calls": len(run.rows),
            "failed": sum(1 for r in run.rows if r.error),
            "cost_usd": sum(r.cost_usd for r in run.rows),
            "rules": _rule_counts(run.rows),
            "fallbacks": _fallback_counts(run.rows),
        },
        "budget": run.budget,
        "metrics": metric_lines(run.metrics_text),
    }
