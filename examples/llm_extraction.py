"""Entity and relation extraction: from ``ChatOllama`` to ``AegisChatModel`` in one line.

This is the team's ``llm_extraction.py`` after the migration. The extraction
code (pydantic schemas, ``with_structured_output``, ``invoke``) is unchanged;
only the line that builds the model differs. Each call then goes where the
policy in ``examples/config/llm_extraction.yml`` sends it:

- the legal document is marked critical and complex with ``aegis_config`` and
  is served by ``openai`` (rule ``critical_to_openai``);
- the routine document passes no facts and stays on ``local_ollama``.

Run it against real servers (a local Ollama with ``gemma-3-4b-it-Q8_0``, and
``OPENAI_API_KEY`` for the legal document)::

    python examples/llm_extraction.py
    python examples/llm_extraction.py --baseline   # the old ChatOllama, for comparison

See ``examples/README.md`` for running it against loopback servers instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, Field

from langchain_aegis import AegisChatModel, AegisError, Complexity, Quality, aegis_config, load_config

DEFAULT_CONFIG = Path(__file__).parent / "config" / "llm_extraction.yml"
MODEL = "gemma-3-4b-it-Q8_0"


class Entity(BaseModel):
    """A named thing mentioned in the document."""

    name: str = Field(description="The entity as written in the text")
    type: Literal["ORGANIZATION", "PERSON", "LOCATION", "DATE", "LAW", "OTHER"] = Field(description="Entity type")


class Relation(BaseModel):
    """A directed relation between two entities."""

    source: str = Field(description="Name of the source entity")
    relation: str = Field(description="The relation, e.g. 'indemnifies', 'located in'")
    target: str = Field(description="Name of the target entity")


class Extraction(BaseModel):
    """Everything extracted from one document."""

    entities: list[Entity] = Field(description="Entities in the document")
    relations: list[Relation] = Field(description="Relations between the entities")


# (label, text, routing facts). Only the legal document says anything about routing.
DOCUMENTS: list[tuple[str, str, RunnableConfig | None]] = [
    (
        "legal",
        "Master Services Agreement between Acme GmbH and Globex Corporation. Acme GmbH shall indemnify "
        "Globex Corporation against all third-party claims. This agreement is governed by the laws of Germany.",
        aegis_config(quality=Quality.CRITICAL, complexity=Complexity.HIGH),
    ),
    (
        "routine",
        "Facilities update: the Berlin office moves to the Hafenstrasse building in March. "
        "Initech Logistics handles the move.",
        None,
    ),
]

PROMPT = "Extract the entities and the relations between them from this document:\n\n{text}"


def build_model(config_path: Path, *, baseline: bool) -> Any:
    """The extraction model: the new AegisChatModel, or the old ChatOllama with ``baseline``."""
    if baseline:
        # Before the migration. ChatOllama has no policy: every document goes to the local model.
        from langchain_ollama import ChatOllama

        local_url = load_config(config_path).providers["local_ollama"].base_url
        return ChatOllama(model=MODEL, base_url=local_url, temperature=0)
    # After: the one changed line. Same model, same arguments, plus a routing config.
    return AegisChatModel(model=MODEL, config=config_path, temperature=0)


def extract(llm: Any, text: str, config: RunnableConfig | None) -> tuple[Extraction, dict[str, Any]]:
    """Extract from one document; return the result and the routing metadata of the answer."""
    # include_raw keeps the AIMessage, whose response_metadata says who served the call.
    out = llm.with_structured_output(Extraction, include_raw=True).invoke(PROMPT.format(text=text), config=config)
    if out["parsing_error"] is not None:
        raise ValueError(f"the model's answer is not a valid Extraction: {out['parsing_error']}")
    return out["parsed"], out["raw"].response_metadata.get("aegis", {})


def main(argv: list[str] | None = None) -> int:
    """Run the extraction over the bundled documents and print who served each one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="routing config (YAML)")
    parser.add_argument("--baseline", action="store_true", help="use ChatOllama as before the migration")
    args = parser.parse_args(argv)

    if args.baseline:
        try:
            import langchain_ollama  # noqa: F401
        except ImportError:
            parser.error("--baseline needs langchain-ollama (pip install langchain-ollama)")

    try:
        llm = build_model(args.config, baseline=args.baseline)
        for label, text, config in DOCUMENTS:
            result, aegis = extract(llm, text, config)
            print(f"[{label}] provider={aegis.get('provider', 'ChatOllama')} rule={aegis.get('rule', '-')}")
            print("  entities: " + ", ".join(f"{e.name} ({e.type})" for e in result.entities))
            for r in result.relations:
                print(f"  relation: {r.source} --{r.relation}--> {r.target}")
    except AegisError as exc:  # config errors, privacy violations, every provider failing...
        print(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
