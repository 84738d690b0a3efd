"""A coordinator agent: classify the query cheaply, then answer it at the quality it needs.

Two calls per query, both on one ``AegisChatModel`` with per-call facts from
``aegis_config``:

1. **Query classification**: ``task_type=classification, quality=low``. The
   rule ``classification_stays_local`` keeps it on the local model.
2. **Response generation**: ``task_type=generation`` with a quality and
   complexity chosen from the classification. A ``legal`` query is critical
   and complex, so ``critical_to_openai`` sends it to ``openai``.

A query that contains personal data (an email address, an IBAN) is
classified ``legal`` too, yet both of its calls stay on ``local_ollama``: the
privacy detector finds the data and overrides every rule. Nothing about it
reaches a cloud provider.

Run it against real servers (a local Ollama with ``gemma-3-4b-it-Q8_0``, and
``OPENAI_API_KEY``)::

    python examples/coordinator.py
    python examples/coordinator.py --query "Is the NDA with Initech still valid?"
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Literal

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from langchain_aegis import AegisChatModel, AegisError, Complexity, Quality, TaskType, aegis_config

DEFAULT_CONFIG = Path(__file__).parent / "config" / "coordinator.yml"

QUERIES = [
    "What time does the Berlin office open on Fridays?",
    "Assess the legal exposure created by the indemnity clause in the Acme supply contract.",
    "Draft a legal reply confirming the refund to anna.schmidt@example.org, IBAN DE89 3704 0044 0532 0130 00.",
]


class QueryClass(BaseModel):
    """What kind of query the user asked."""

    category: Literal["lookup", "analysis", "legal"] = Field(
        description="lookup: a simple fact; analysis: needs reasoning over data; legal: contracts, liability, law"
    )


# How much each category needs: (quality, complexity) of the generation call.
NEEDS: dict[str, tuple[Quality, Complexity]] = {
    "lookup": (Quality.STANDARD, Complexity.LOW),
    "analysis": (Quality.HIGH, Complexity.MEDIUM),
    "legal": (Quality.CRITICAL, Complexity.HIGH),
}

CLASSIFIER = SystemMessage("Classify the user's query as lookup, analysis or legal. Answer with the category only.")
RESPONDER = SystemMessage("You are the company's assistant. Answer the query concisely.")


def _route(message: AIMessage) -> str:
    aegis = message.response_metadata["aegis"]
    return f"{aegis['provider']} ({aegis['rule']})"


def handle(llm: AegisChatModel, query: str) -> None:
    """Classify one query, answer it, and print how both calls were routed."""
    # The query goes alone in the user turn, the instructions in the system turn.
    classified = llm.with_structured_output(QueryClass, include_raw=True).invoke(
        [CLASSIFIER, HumanMessage(query)],
        config=aegis_config(task_type=TaskType.CLASSIFICATION, quality=Quality.LOW),
    )
    category = classified["parsed"].category
    quality, complexity = NEEDS[category]

    answer = llm.invoke(
        [RESPONDER, HumanMessage(query)],
        config=aegis_config(task_type=TaskType.GENERATION, quality=quality, complexity=complexity),
    )
    findings = answer.response_metadata["aegis"]["pii_findings"]

    print(f"query: {textwrap.shorten(query, width=90)}")
    print(f"  classify: {category:<8} -> {_route(classified['raw'])}")
    print(f"  answer:   {quality}/{complexity} -> {_route(answer)}")
    if findings:
        print(f"  personal data found: {', '.join(findings)}: kept local")
    print(f"  reply: {textwrap.shorten(str(answer.content), width=90)}")


def main(argv: list[str] | None = None) -> int:
    """Run the coordinator over the sample queries (or ``--query``) and print the routing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="routing config (YAML)")
    parser.add_argument("--query", action="append", help="a query to handle (repeatable); default: the samples")
    args = parser.parse_args(argv)

    try:
        llm = AegisChatModel(config=args.config, temperature=0)
        for query in args.query or QUERIES:
            handle(llm, query)
    except AegisError as exc:
        print(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
