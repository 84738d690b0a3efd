"""The comparison an evaluation reports: per provider, against the baseline.

Per provider: items scored, mean score with its 95% bootstrap interval, the
delta to the baseline with its paired-bootstrap interval (over the items both
ran), cost, latency p50/p95, failures, and private items skipped. As a
terminal table (:func:`render_table`), JSON (:func:`report_json`) or Markdown
(:func:`render_markdown`).

It must not call providers; it summarises what
:func:`~langchain_aegis.eval.runner.run_eval` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from langchain_aegis._terminal import render_table as _render
from langchain_aegis.eval.stats import Interval, bootstrap_mean, paired_bootstrap_delta, percentile

if TYPE_CHECKING:
    from langchain_aegis.eval.runner import EvalResult

__all__ = ["ProviderSummary", "render_markdown", "render_table", "report_json", "summarize"]


@dataclass(frozen=True, slots=True)
class ProviderSummary:
    """One provider's line of the report.

    Attributes:
        provider: the provider.
        local: whether it is declared ``locality: local``.
        scored: items that ran (answered or failed), i.e. not skipped.
        mean: mean score and its interval.
        delta: mean of (provider - baseline) over the items both ran; ``None`` for the baseline.
        paired: how many items the delta is over.
        cost_usd: total settled cost.
        p50_s, p95_s: latency percentiles of the calls that ran.
        failures: calls that failed or were answered by a fallback.
        skipped_private: private items not sent to this (cloud) provider.
    """

    provider: str
    local: bool
    scored: int
    mean: Interval
    delta: Interval | None
    paired: int
    cost_usd: float
    p50_s: float
    p95_s: float
    failures: int
    skipped_private: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict."""
        return {
            "provider": self.provider,
            "locality": "local" if self.local else "cloud",
            "scored": self.scored,
            "mean": self.mean.as_dict(),
            "delta_to_baseline": None if self.delta is None else self.delta.as_dict(),
            "paired_items": self.paired,
            "cost_usd": self.cost_usd,
            "latency_p50_s": self.p50_s,
            "latency_p95_s": self.p95_s,
            "failures": self.failures,
            "skipped_private": self.skipped_private,
        }


def summarize(result: EvalResult) -> list[ProviderSummary]:
    """One summary per provider, in the order given."""
    ran = {p: {o.item_id: o for o in result.of(p) if o.status != "skipped_private"} for p in result.providers}
    base = ran[result.baseline]
    out = []
    for provider in result.providers:
        mine = ran[provider]
        scores = [o.score for o in mine.values()]
        latencies = sorted(o.latency_s for o in mine.values())
        delta = None
        shared = [i for i in mine if i in base]
        if provider != result.baseline:
            delta = paired_bootstrap_delta([mine[i].score for i in shared], [base[i].score for i in shared])
        out.append(
            ProviderSummary(
                provider=provider,
                local=provider in result.local_providers,
                scored=len(mine),
                mean=bootstrap_mean(scores),
                delta=delta,
                paired=len(shared),
                cost_usd=sum(o.cost_usd for o in result.of(provider)),
                p50_s=percentile(latencies, 0.5),
                p95_s=percentile(latencies, 0.95),
                failures=sum(1 for o in mine.values() if o.status == "failed"),
                skipped_private=sum(1 for o in result.of(provider) if o.status == "skipped_private"),
            )
        )
    return out


_HEADER = [
    "provider",
    "n",
    "mean [95% CI]",
    "Δ baseline [95% CI]",
    "cost $",
    "p50 s",
    "p95 s",
    "failed",
    "private skipped",
]


def _rows(result: EvalResult) -> list[list[str]]:
    rows = []
    for s in summarize(result):
        name = f"{s.provider} ({'local' if s.local else 'cloud'})"
        if s.provider == result.baseline:
            delta = "baseline"
        elif s.delta is None or s.paired == 0:
            delta = "n/a"
        else:
            delta = f"{s.delta.value:+.3f} [{s.delta.low:+.3f}, {s.delta.high:+.3f}]"
        rows.append([
            name,
            str(s.scored),
            f"{s.mean.value:.3f} [{s.mean.low:.3f}, {s.mean.high:.3f}]",
            delta,
            f"{s.cost_usd:.4f}",
            f"{s.p50_s:.2f}",
            f"{s.p95_s:.2f}",
            str(s.failures),
            str(s.skipped_private),
        ])  # fmt: skip
    return rows


def _notes(result: EvalResult) -> list[str]:
    notes = [f"{len(result.items)} items, scorer {result.scorer}, baseline {result.baseline}"]
    skipped = {s.provider: s.skipped_private for s in summarize(result) if s.skipped_private}
    if skipped:
        counts = ", ".join(f"{p}: {n}" for p, n in skipped.items())
        notes.append(f"private items (by facts or the detector) ran on local providers only; skipped on {counts}")
    notes.append("failed calls score 0; skipped items are left out of the mean and the delta")
    return notes


def render_table(result: EvalResult) -> str:
    """The report as an aligned terminal table with notes."""
    head = [result.label] if result.label else []
    table = _render(_HEADER, _rows(result), right=(1, 4, 5, 6, 7, 8))
    return "\n".join([*head, table, "", *_notes(result)])


def render_markdown(result: EvalResult) -> str:
    """The report as a Markdown table with notes."""
    lines = [f"_{result.label}_", ""] if result.label else []
    lines.append("| " + " | ".join(_HEADER) + " |")
    lines.append("|" + "|".join("---:" if i in (1, 4, 5, 6, 7, 8) else "---" for i in range(len(_HEADER))) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in _rows(result)]
    return "\n".join([*lines, "", *(f"- {n}" for n in _notes(result))])


def report_json(result: EvalResult) -> dict[str, Any]:
    """The report, with every outcome, as JSON-friendly data."""
    return {
        "label": result.label,
        "scorer": result.scorer,
        "baseline": result.baseline,
        "items": len(result.items),
        "providers": [s.as_dict() for s in summarize(result)],
        "outcomes": [
            {
                "id": o.item_id,
                "provider": o.provider,
                "status": o.status,
                "score": o.score,
                "latency_s": o.latency_s,
                "cost_usd": o.cost_usd,
                "error": o.error,
            }
            for o in result.outcomes
        ],
    }
