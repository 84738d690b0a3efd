"""Cost of the egress gate per cloud call.

Usage::

    python bench/bench_egress.py                # median microseconds per call
    python bench/bench_egress.py --json out.json

The gate runs on every request to a cloud provider, on the exact keyword
arguments handed to any-llm. A typical call is measured: a system prompt and a
user prompt of about 2 KB in total, an earlier assistant turn with a tool call
and its result, three bound tools with JSON schemas, a structured-output
``response_format`` and stop sequences. Variants add an inline PNG (binary,
skipped after sniffing its first bytes) and a 20 KB prompt. Each figure is the
median of repeated rounds; tests never assert on timings.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from langchain_aegis.privacy.egress import check_egress

PROSE = (
    "Please summarise the key findings of the attached quarterly report in three bullet points. "
    "Die Besprechung wurde auf Donnerstag verschoben, weil der Kunde noch Rückfragen zur Lieferung hat. "
    "Revenue grew slightly last quarter compared with the same period last year (version 2.4.1, room 101). "
)


def _tool(name: str, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": f"{name.replace('_', ' ').capitalize()} for the current document.",
            "parameters": {
                "type": "object",
                "properties": {k: {"type": "string", "description": v} for k, v in fields.items()},
                "required": list(fields),
            },
        },
    }


def typical_request(prompt_chars: int = 2000, image: bool = False) -> dict[str, Any]:
    """The keyword arguments of a typical tool-calling request with ~``prompt_chars`` of prompt."""
    user = (PROSE * (prompt_chars // len(PROSE) + 1))[: prompt_chars - 200]
    content: Any = user
    if image:
        png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400).decode()
        content = [
            {"type": "text", "text": user},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{png}"}},
        ]
    return {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a careful analyst. Answer in English, cite sections."},
            {"role": "user", "content": "Find the revenue table."},
            {"role": "assistant", "content": "", "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": {"name": "search_document", "arguments": '{"query": "revenue table"}'}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "Section 4.2: revenue by region, Q1 to Q4."},
            {"role": "user", "content": content},
        ],
        "tools": [
            _tool("search_document", {"query": "what to look for", "section": "optional section id"}),
            _tool("extract_table", {"section": "the section holding the table", "columns": "columns to keep"}),
            _tool("summarise_section", {"section": "the section", "style": "bullet points or prose"}),
        ],
        "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {
            "type": "object", "properties": {"summary": {"type": "string", "description": "three bullet points"}}}}},
        "stop": ["\n\nObservation:"],
        "temperature": 0.2,
        "max_tokens": 1024,
        "timeout": 60.0,
    }  # fmt: skip


def measure(kwargs: dict[str, Any], *, rounds: int = 21, calls: int = 200) -> float:
    """Median microseconds of one ``check_egress`` call."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            check_egress("openai", kwargs, privacy="unrestricted")
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args(argv)
    cases = {
        "typical (2 KB prompt, 3 tools, schema, stop)": typical_request(),
        "typical + 100 KB inline PNG": typical_request(image=True),
        "20 KB prompt, 3 tools": typical_request(20_000),
    }
    results = {}
    for name, kwargs in cases.items():
        size = len(json.dumps(kwargs))
        us = measure(kwargs, rounds=args.rounds)
        results[name] = {"payload_bytes": size, "us_per_call": round(us, 1)}
        print(f"{name:48s} {size:>8d} B  {us:8.1f} µs/call")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
