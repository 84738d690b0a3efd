"""Request facts: what a call tells the router about itself.

Facts travel in the call's ``RunnableConfig`` metadata under the ``aegis`` key::

    model.invoke(messages, config={"metadata": {"aegis": {"quality": "critical"}}})

or, with completion and early typo detection::

    model.invoke(messages, config=aegis_config(quality=Quality.CRITICAL, complexity=Complexity.HIGH))

Facts are merged with this precedence: call metadata, then the LangGraph node's
defaults (``routing.nodes.<node>``), then the model instance's ``defaults``,
then the config's ``routing.defaults``. Unknown keys are ignored; a bad value
raises :class:`~langchain_aegis.errors.RoutingError` naming the key and the
allowed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from langchain_core.runnables import RunnableConfig

from langchain_aegis.errors import RoutingError

__all__ = [
    "AEGIS_METADATA_KEY",
    "Complexity",
    "DataClass",
    "Quality",
    "RequestFacts",
    "TaskType",
    "aegis_config",
    "merge_facts",
    "parse_facts",
]

AEGIS_METADATA_KEY = "aegis"
"""The ``RunnableConfig["metadata"]`` key that holds request facts."""


class TaskType(StrEnum):
    """What the call does. Any other string is accepted too."""

    EXTRACTION = "extraction"
    GENERATION = "generation"
    CLASSIFICATION = "classification"
    SUMMARIZATION = "summarization"
    VLM = "vlm"


class Quality(StrEnum):
    """How much answer quality matters, in increasing order."""

    LOW = "low"
    STANDARD = "standard"
    HIGH = "high"
    CRITICAL = "critical"


class Complexity(StrEnum):
    """How hard the task is, in increasing order."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class DataClass(StrEnum):
    """How sensitive the data in the call is. ``pii`` and ``phi`` never leave the machine."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    PII = "pii"
    PHI = "phi"


PRIVATE_CLASSES = frozenset({DataClass.PII, DataClass.PHI})


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """The typed facts of one call. ``None`` means "not said"."""

    task_type: str | None = None
    quality: Quality | None = None
    complexity: Complexity | None = None
    data_classification: DataClass | None = None
    batch_size: int | None = None
    provider: str | None = None
    routing_key: str | None = None

    def merged_over(self, lower: RequestFacts) -> RequestFacts:
        """Return these facts with every unset field taken from ``lower``."""
        return RequestFacts(
            **{f.name: v if (v := getattr(self, f.name)) is not None else getattr(lower, f.name) for f in fields(self)}
        )

    def as_dict(self) -> dict[str, Any]:
        """The set facts as plain JSON-friendly values."""
        return {
            f.name: str(v) if isinstance(v, StrEnum) else v
            for f in fields(self)
            if (v := getattr(self, f.name)) is not None
        }


def _enum_value(enum: type[StrEnum], key: str, value: Any, where: str) -> Any:
    if isinstance(value, enum):
        return value
    try:
        return enum(str(value).lower()) if isinstance(value, str) else enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise RoutingError(f"{where}{key}={value!r} is not valid; allowed values: {allowed}") from None


def parse_facts(raw: Mapping[str, Any] | None, *, where: str = "aegis metadata: ") -> RequestFacts:
    """Read request facts from a metadata mapping.

    Args:
        raw: the ``aegis`` mapping from metadata or a config section.
        where: prefix for error messages, naming where the facts came from.

    Raises:
        RoutingError: a known key has a value outside its allowed set.
    """
    if not raw:
        return RequestFacts()
    if not isinstance(raw, Mapping):
        raise RoutingError(f"{where}expected a mapping of facts, got {type(raw).__name__}")
    data_class = raw.get("data_classification")
    if data_class is None and raw.get("contains_pii") is True:
        data_class = DataClass.PII
    batch_size = raw.get("batch_size")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 0):
        raise RoutingError(f"{where}batch_size={batch_size!r} is not valid; allowed values: a whole number >= 0")
    task_type = raw.get("task_type")
    provider = raw.get("provider")
    routing_key = raw.get("routing_key")
    return RequestFacts(
        task_type=str(task_type) if task_type is not None else None,
        quality=_enum_value(Quality, "quality", q, where) if (q := raw.get("quality")) is not None else None,
        complexity=_enum_value(Complexity, "complexity", c, where)
        if (c := raw.get("complexity")) is not None
        else None,
        data_classification=_enum_value(DataClass, "data_classification", data_class, where)
        if data_class is not None
        else None,
        batch_size=batch_size,
        provider=str(provider) if provider is not None else None,
        routing_key=str(routing_key) if routing_key is not None else None,
    )


def merge_facts(*layers: RequestFacts) -> RequestFacts:
    """Merge fact layers, highest precedence first."""
    result = RequestFacts()
    for layer in reversed(layers):
        result = layer.merged_over(result)
    return result


def aegis_config(
    *,
    task_type: TaskType | str | None = None,
    quality: Quality | str | None = None,
    complexity: Complexity | str | None = None,
    data_classification: DataClass | str | None = None,
    contains_pii: bool | None = None,
    batch_size: int | None = None,
    provider: str | None = None,
    routing_key: str | None = None,
    config: RunnableConfig | None = None,
) -> RunnableConfig:
    """Build a ``RunnableConfig`` carrying request facts.

    Values are checked at once, so a typo fails at the call site rather than
    inside the model. Pass ``config`` to add the facts to an existing config
    (its tags, callbacks and other metadata are kept).

    Example:
        .. code-block:: python

            model.invoke(text, config=aegis_config(quality=Quality.CRITICAL, complexity="high"))
    """
    raw: dict[str, Any] = {
        k: v
        for k, v in {
            "task_type": task_type,
            "quality": quality,
            "complexity": complexity,
            "data_classification": data_classification,
            "contains_pii": contains_pii,
            "batch_size": batch_size,
            "provider": provider,
            "routing_key": routing_key,
        }.items()
        if v is not None
    }
    parse_facts(raw, where="aegis_config(): ")  # validate now, raise at the call site
    plain = {k: str(v) if isinstance(v, StrEnum) else v for k, v in raw.items()}
    base: RunnableConfig = dict(config or {})  # type: ignore[assignment]
    metadata = dict(base.get("metadata") or {})
    metadata[AEGIS_METADATA_KEY] = {**(metadata.get(AEGIS_METADATA_KEY) or {}), **plain}
    base["metadata"] = metadata
    return base
