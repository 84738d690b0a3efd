"""The demo's sample documents: what is ingested, and the facts each one carries.

It owns :class:`Document` and :func:`load_documents`, which reads the bundled
``documents/documents.yml``. It must not call a model or know the graph:
``graph.py`` runs the documents and ``pipeline.py`` the whole demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

__all__ = ["Document", "load_documents"]

_SHORT_WORDS = 20
"""Documents with fewer words skip ``extract_entities``: there is nothing to extract."""


@dataclass(frozen=True, slots=True)
class Document:
    """One sample document.

    Attributes:
        id: a short slug, unique in the set.
        kind: ``routine``, ``legal``, ``batch`` or ``personal``; for the report only.
        title: a human title.
        text: the content sent to the model.
        facts: request facts sent as ``aegis`` metadata with every call about it.
    """

    id: str
    kind: str
    title: str
    text: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def is_short(self) -> bool:
        """Whether the document is too short for entity extraction."""
        return len(self.text.split()) < _SHORT_WORDS


def load_documents() -> list[Document]:
    """The bundled sample documents, in processing order."""
    text = resources.files(__package__ or "langchain_aegis.demo").joinpath("documents/documents.yml").read_text("utf-8")
    raw = yaml.safe_load(text)["documents"]
    return [
        Document(id=d["id"], kind=d["kind"], title=d["title"], text=d["text"].strip(), facts=dict(d.get("facts") or {}))
        for d in raw
    ]
