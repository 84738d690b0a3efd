"""Scorers: ``Scorer(item, answer) -> float in [0, 1]``.

Built in, deterministic:

=================  =========================================================================
``exact_match``    1 when the answer equals ``expected`` (case, spacing and a trailing period
                   ignored; a JSON ``expected`` is compared as parsed JSON)
``json_valid``     1 when the answer is JSON (a fenced code block is accepted) and, when the
                   item has a ``schema``, valid for it
``field_f1``       F1 over the (path, value) leaves of ``expected`` and the answer, both JSON
                   objects or lists; list order does not matter
``token_f1``       F1 over the words of ``expected`` and the answer (SQuAD's measure)
=================  =========================================================================

Model-based: ``llm_judge`` (:mod:`langchain_aegis.eval.judge`) and ``ragas``
(:mod:`langchain_aegis.eval.ragas`, the ``eval`` extra). Any other name of the
form ``package.module:attribute`` is imported: a function ``(item, answer) ->
float`` or a class whose instances are one.

A scorer that needs a reference answer sets ``needs_reference = True``; shadow
comparison then uses the baseline's answer as the reference.

A scorer must return a value in ``[0, 1]`` and must not reach a provider
except through an ``AegisChatModel``.
"""

from __future__ import annotations

import importlib
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from langchain_aegis.errors import ConfigError

if TYPE_CHECKING:
    from langchain_aegis.chat_models import AegisChatModel
    from langchain_aegis.eval.dataset import EvalItem

__all__ = [
    "BUILTIN",
    "Scorer",
    "exact_match",
    "field_f1",
    "json_valid",
    "parse_json_answer",
    "resolve_scorer",
    "token_f1",
]


@runtime_checkable
class Scorer(Protocol):
    """Scores one answer to one item: 0 is worthless, 1 is perfect."""

    def __call__(self, item: EvalItem, answer: str, /) -> float:
        """The score of ``answer`` for ``item``, in ``[0, 1]``."""
        ...


def _reference(func: Callable[[EvalItem, str], float]) -> Callable[[EvalItem, str], float]:
    func.needs_reference = True  # type: ignore[attr-defined]
    return func


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def parse_json_answer(answer: str) -> Any:
    """The JSON value in ``answer``: the whole text, a fenced block, or the first ``{...}``/``[...]`` span.

    Raises:
        ValueError: no JSON value found.
    """
    candidates = [answer.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(answer)]
    for open_, close in (("{", "}"), ("[", "]")):
        start, end = answer.find(open_), answer.rfind(close)
        if 0 <= start < end:
            candidates.append(answer[start : end + 1])
    for text in candidates:
        try:
            return json.loads(text)
        except (json.JSONDecodeError, ValueError):
            continue
    raise ValueError("no JSON value in the answer")


def _norm_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split()).rstrip(".")


@_reference
def exact_match(item: EvalItem, answer: str) -> float:
    """1.0 when ``answer`` equals ``item.expected``, else 0.0 (0.0 when there is no ``expected``)."""
    expected = item.expected
    if expected is None:
        return 0.0
    if isinstance(expected, (dict, list)):
        try:
            return 1.0 if _canonical(parse_json_answer(answer)) == _canonical(expected) else 0.0
        except ValueError:
            return 0.0
    return 1.0 if _norm_text(answer) == _norm_text(expected) else 0.0


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return _norm_text(value) if isinstance(value, str) else value


def json_valid(item: EvalItem, answer: str) -> float:
    """1.0 when ``answer`` holds JSON that satisfies ``item.schema`` (if any), else 0.0.

    With ``jsonschema`` installed the whole JSON Schema language is checked;
    without it a subset: ``type``, ``required``, ``properties``, ``items``
    and ``enum``.
    """
    try:
        value = parse_json_answer(answer)
    except ValueError:
        return 0.0
    if item.schema is None:
        return 1.0
    try:
        import jsonschema
    except ImportError:
        return 1.0 if _subset_valid(value, item.schema) else 0.0
    try:
        jsonschema.validate(value, dict(item.schema))
    except jsonschema.ValidationError:
        return 0.0
    return 1.0


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _subset_valid(value: Any, schema: Any) -> bool:
    if not isinstance(schema, dict):
        return True
    kind = schema.get("type")
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    if kinds:
        ok = any(isinstance(value, _TYPES.get(k, (object,))) for k in kinds)
        if isinstance(value, bool) and "boolean" not in kinds:
            ok = False  # bool is an int in Python, not in JSON
        if not ok:
            return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, dict):
        if any(key not in value for key in schema.get("required", [])):
            return False
        props = schema.get("properties", {})
        return all(_subset_valid(v, props[k]) for k, v in value.items() if k in props)
    if isinstance(value, list) and "items" in schema:
        return all(_subset_valid(v, schema["items"]) for v in value)
    return True


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner, f"{path}[]")
    elif value is not None:
        yield path, _norm_text(value)


def _f1(gold: Counter[Any], pred: Counter[Any]) -> float:
    if not gold and not pred:
        return 1.0
    common = sum((gold & pred).values())
    if common == 0:
        return 0.0
    precision, recall = common / sum(pred.values()), common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


@_reference
def field_f1(item: EvalItem, answer: str) -> float:
    """F1 over the leaves of two JSON values: each leaf is its path (``parties[]``) and normalised value.

    An answer that is not JSON scores 0; ``null`` leaves are ignored.
    """
    if item.expected is None:
        return 0.0
    try:
        predicted = parse_json_answer(answer)
    except ValueError:
        return 0.0
    return _f1(Counter(_leaves(item.expected)), Counter(_leaves(predicted)))


_WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """The lower-cased words of ``text``, punctuation dropped (``"1.500,00 EUR"`` gives 1, 500, 00, eur)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


@_reference
def token_f1(item: EvalItem, answer: str) -> float:
    """F1 over the words of ``answer`` and ``item.expected`` (JSON is compared as its text)."""
    if item.expected is None:
        return 0.0
    expected = item.expected if isinstance(item.expected, str) else json.dumps(item.expected, ensure_ascii=False)
    return _f1(Counter(tokens(expected)), Counter(tokens(answer)))


BUILTIN: dict[str, Scorer] = {
    "exact_match": exact_match,
    "json_valid": json_valid,
    "field_f1": field_f1,
    "token_f1": token_f1,
}
"""The deterministic scorers, by name."""


def resolve_scorer(name: str, *, judge: AegisChatModel | None = None) -> Scorer:
    """The scorer called ``name``: a built-in, ``llm_judge``, ``ragas``, or ``package.module:attribute``.

    Args:
        name: the scorer's name or dotted path.
        judge: the model behind ``llm_judge`` and ``ragas``.

    Raises:
        ConfigError: unknown name, a path that does not import, or a model-based scorer without a judge.
    """
    if name in BUILTIN:
        return BUILTIN[name]
    if name in ("llm_judge", "ragas", "ragas_correctness", "ragas_faithfulness"):
        if judge is None:
            raise ConfigError(f"scorer {name!r} needs a judge model (an AegisChatModel)")
        if name == "llm_judge":
            from langchain_aegis.eval.judge import LLMJudge

            return LLMJudge(judge)
        from langchain_aegis.eval.ragas import RagasScorer

        metric = "faithfulness" if name == "ragas_faithfulness" else "answer_correctness"
        return RagasScorer(judge, metric=metric)
    if ":" not in name:
        known = ", ".join([*BUILTIN, "llm_judge", "ragas"])
        raise ConfigError(f"unknown scorer {name!r}; use one of {known}, or package.module:function")
    module_name, _, attr = name.partition(":")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"scorer {name!r} cannot be imported ({exc}); check the module path and name") from None
    scorer = target() if isinstance(target, type) else target
    if not callable(scorer):
        raise ConfigError(f"scorer {name!r} is not callable; give a function (item, answer) -> float")
    return scorer  # type: ignore[no-any-return]


def clamp_score(value: Any, scorer: str) -> float:
    """``value`` as a float in ``[0, 1]``.

    Raises:
        ValueError: the scorer returned something that is not a number.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"scorer {scorer} returned {value!r}; a scorer returns a float in [0, 1]")
    return min(max(float(value), 0.0), 1.0)
