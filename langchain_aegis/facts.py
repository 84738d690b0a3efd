"""Request facts: what a call tells the router about itself.

Facts travel in the call's ``RunnableConfig`` metadata under the ``aegis`` key::

    model.invoke(messages, config={"metadata": {"aegis": {"quality": "critical"}}})

or, with completion and early typo detection::

    model.invoke(messages, config=aegis_config(quality=Quality.CRITICAL, complexity=Complexity.HIGH))

Facts are merged with this precedence: call metadata, then the LangGraph node's
defaults (``routing.nodes.<node>``), then the model instance's ``defaults``,
then the config's ``routing.defaults``. The call's metadata is read the way
the run inherits it (:func:`run_metadata`): graph, node and parent-run
metadata below the call's own, ``aegis`` dicts merged key by key.

Privacy is the exception to precedence: the most restrictive classification
wins. ``pii``/``phi`` from any layer cannot be downgraded by another, and
``contains_pii`` in any truthy form (``True``, ``"true"``, ``1``, ``"yes"``)
means ``pii``. Unknown keys are ignored; a bad value, a malformed privacy fact
included, raises :class:`~langchain_aegis.errors.RoutingError` naming the key
and the allowed values: a privacy fact is never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from langchain_core.runnables import RunnableConfig

from langchain_aegis.errors import RoutingError

__all__ = [
    "AEGIS_METADATA_KEY",
    "KNOWN_FACT_KEYS",
    "PRIVACY_KEYS",
    "Complexity",
    "DataClass",
    "Quality",
    "RequestFacts",
    "TaskType",
    "aegis_config",
    "merge_aegis_metadata",
    "merge_facts",
    "most_restrictive",
    "parse_facts",
    "privacy_key",
    "run_metadata",
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
_RANK = {DataClass.PUBLIC: 0, DataClass.INTERNAL: 1, DataClass.CONFIDENTIAL: 2, DataClass.PII: 3, DataClass.PHI: 4}
_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off", ""})


def most_restrictive(*classes: DataClass | None) -> DataClass | None:
    """The most sensitive of the classifications given (``phi`` > ``pii`` > ``confidential`` > ...)."""
    given = [c for c in classes if c is not None]
    return max(given, key=_RANK.__getitem__) if given else None


def _contains_pii(value: Any, where: str) -> bool:
    """``contains_pii`` as a bool; anything that is not clearly yes or no fails closed."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise RoutingError(
        f"{where}contains_pii={value!r} is not valid; allowed values: true or false "
        "(also 'yes'/'no', 1/0); a privacy fact that cannot be read is never ignored"
    )


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


PRIVACY_KEYS = ("data_classification", "contains_pii")
KNOWN_FACT_KEYS = frozenset({f.name for f in fields(RequestFacts)} | {"contains_pii"})
"""Every key :func:`parse_facts` reads."""


def _fold_key(key: object) -> str:
    return str(key).strip().lower().replace("-", "_").replace(" ", "_")


def privacy_key(key: object) -> str | None:
    """The privacy fact a loosely written key names (``Data_Classification``, ``contains-pii``), if any."""
    norm = _fold_key(key)
    return norm if norm in PRIVACY_KEYS else None


def _read_privacy_keys(raw: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    """``raw`` with privacy facts written loosely read as such; a near miss fails closed.

    ``Data_Classification`` or ``contains-pii`` mean what they say, so they count
    (the most restrictive value wins). ``data_clasification`` is a privacy fact
    routing cannot read: it raises, naming the key, rather than let a call the
    user marked private be routed as an ordinary one.
    """
    odd = [k for k in raw if k not in KNOWN_FACT_KEYS]
    if not odd:
        return raw
    import difflib

    out = dict(raw)
    for key in odd:
        norm = privacy_key(key)
        if norm is not None:
            value = out.pop(key)
            if norm == "contains_pii":
                out[norm] = True if _contains_pii(value, where) or _contains_pii(out.get(norm), where) else value
            else:
                current = out.get(norm)
                chosen = [_enum_value(DataClass, norm, v, where) for v in (value, current) if v is not None]
                out[norm] = most_restrictive(*chosen)
            continue
        close = difflib.get_close_matches(_fold_key(key), PRIVACY_KEYS, n=1, cutoff=0.8)
        if close:
            raise RoutingError(
                f"{where}{key!r}: unknown key, close to the privacy fact {close[0]!r} (value {raw[key]!r}); "
                f"a privacy fact routing cannot read is never ignored: write {close[0]!r}"
            )
    return out


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
    raw = _read_privacy_keys(raw, where)
    data_class = raw.get("data_classification")
    if data_class is not None:
        data_class = _enum_value(DataClass, "data_classification", data_class, where)
    if _contains_pii(raw.get("contains_pii"), where):
        data_class = most_restrictive(data_class, DataClass.PII)  # contains_pii never downgrades phi
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
        data_classification=data_class,
        batch_size=batch_size,
        provider=str(provider) if provider is not None else None,
        routing_key=str(routing_key) if routing_key is not None else None,
    )


def top_level_privacy(metadata: Mapping[str, Any]) -> DataClass | None:
    """A ``pii``/``phi`` privacy fact written at the top of ``metadata`` instead of under ``aegis``.

    Facts are read under ``metadata["aegis"]`` (the rest only draws a typo
    warning), but a privacy fact means what it says wherever it stands: it can
    only make a call more private, never less (``public`` here changes nothing).
    """
    found = {k: metadata[k] for k in PRIVACY_KEYS if k in metadata}
    if not found:
        return None
    data_class = parse_facts(found, where="metadata: ").data_classification
    return data_class if data_class in PRIVATE_CLASSES else None


def merge_facts(*layers: RequestFacts) -> RequestFacts:
    """Merge fact layers, highest precedence first; a ``pii``/``phi`` classification in any layer wins."""
    result = RequestFacts()
    for layer in reversed(layers):
        result = layer.merged_over(result)
    private = most_restrictive(*(f.data_classification for f in layers if f.data_classification in PRIVATE_CLASSES))
    if private is not None and result.data_classification != private:
        result = replace(result, data_classification=private)
    return result


def merge_aegis_metadata(lower: Any, upper: Any, *, where: str = "aegis metadata: ") -> dict[str, Any]:
    """Merge two ``aegis`` metadata dicts key by key: ``upper`` wins, except that privacy never loosens.

    A ``pii``/``phi`` ``data_classification`` and a truthy ``contains_pii`` in
    either survive; a malformed privacy value in either is kept, so that
    :func:`parse_facts` fails on it instead of it being overwritten.

    Raises:
        RoutingError: either is not a mapping.
    """
    for layer in (lower, upper):
        if layer is not None and not isinstance(layer, Mapping):
            raise RoutingError(f"{where}expected a mapping of facts, got {type(layer).__name__}")
    low: Mapping[str, Any] = lower or {}
    up: Mapping[str, Any] = upper or {}
    merged = {**low, **up}
    classes = []
    for layer in (low, up):
        value = layer.get("data_classification")
        try:
            classes.append(_enum_value(DataClass, "data_classification", value, where) if value is not None else None)
        except RoutingError:
            merged["data_classification"] = value  # keep the bad value: parse_facts must fail on it
            break
    else:
        private = most_restrictive(*(c for c in classes if c in PRIVATE_CLASSES))
        if private is not None:
            merged["data_classification"] = str(private)
    pii = [layer["contains_pii"] for layer in (low, up) if layer.get("contains_pii") is not None]
    for value in pii:
        try:
            if _contains_pii(value, where):
                merged["contains_pii"] = True
        except RoutingError:
            merged["contains_pii"] = value
            break
    return merged


def run_metadata(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The metadata a call runs with: what it inherits, under what it was given.

    LangChain replaces the whole ``metadata`` dict when a call passes
    ``config=``, so routing would lose the LangGraph node and graph-level facts
    of ``node`` code that writes ``llm.invoke(text, config=aegis_config(...))``.
    This reads, lowest first: LangGraph's (or any parent runnable's) config
    context (``var_child_runnable_config``), the inheritable metadata of the
    parent run's callback manager (from the context and from ``config``), then
    ``config["metadata"]``. Plain keys: the later wins; ``aegis`` dicts are
    merged key by key with :func:`merge_aegis_metadata`.

    Args:
        config: the ``RunnableConfig`` passed to the call, or ``None``.
    """
    from langchain_core.callbacks.base import BaseCallbackManager
    from langchain_core.runnables.config import var_child_runnable_config

    parent = var_child_runnable_config.get() or {}
    given = config or {}
    layers: list[Any] = [parent.get("metadata")]
    for callbacks in (parent.get("callbacks"), given.get("callbacks")):
        if isinstance(callbacks, BaseCallbackManager):
            layers.append(callbacks.inheritable_metadata)
    layers.append(given.get("metadata"))
    merged: dict[str, Any] = {}
    aegis: dict[str, Any] | None = None
    for layer in layers:
        if not layer:
            continue
        for key, value in layer.items():
            if key == AEGIS_METADATA_KEY:
                aegis = merge_aegis_metadata(aegis, value)
            else:
                merged[key] = value
    if aegis is not None:
        merged[AEGIS_METADATA_KEY] = aegis
    return merged


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
