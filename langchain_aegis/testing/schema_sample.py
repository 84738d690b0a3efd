"""Build a JSON value that satisfies a JSON schema, filled from hints in the prompt.

The deterministic brain uses this for tool-call arguments and structured
output. Numbers and quoted or capitalised phrases in the user's message are
used first, so ``"What is magic_function(3)?"`` yields ``{"input": 3}`` and
``"Create a customer named 'Acme'"`` yields ``{"customer_name": "Acme", ...}``.

Supported: ``type`` (and type lists), ``$ref`` into ``$defs``/``definitions``,
``anyOf``/``oneOf`` (first non-null branch), ``allOf`` (merged), ``enum``,
``const``, ``default``, string ``format``/``minLength``/``maxLength``,
numeric bounds (inclusive and exclusive), ``multipleOf`` for integers,
array ``items``/``prefixItems``/``minItems``/``maxItems``, object
``properties``/``required``/``additionalProperties``. ``pattern`` is not
honoured.

It must not depend on anything but its inputs: the same schema and prompt
always give the same value.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Mapping
from typing import Any

__all__ = ["PromptHints", "sample_from_schema"]

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"|“([^”]+)”|「([^」]+)」")
_CAPITALISED = re.compile(r"\b[A-Z][\w-]*(?:,?\s+[A-Z][\w-]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)$")
_FORMATS = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
    "hostname": "example.com",
}
_MAX_DEPTH = 8


class PromptHints:
    """Values pulled out of a prompt, handed out in order as a schema is filled.

    Args:
        text: the prompt (usually the last user message).
        exclude: words that must not become string values (e.g. tool names).
    """

    def __init__(self, text: str, exclude: tuple[str, ...] = ()) -> None:
        """Extract numbers, quoted phrases and capitalised phrases from ``text``."""
        self.text = text
        self.numbers: deque[float] = deque(float(m) for m in _NUMBER.findall(text))
        quoted = [next(g for g in m if g) for m in _QUOTED.findall(text)]
        unquoted = _QUOTED.sub(" ", text)
        capitalised = [
            m.group()
            for m in _CAPITALISED.finditer(unquoted)
            # A capital after a full stop is grammar, not a name the user chose.
            if not _SENTENCE_START.search(unquoted[: m.start()]) and m.group() not in {*exclude, "I", "JSON"}
        ]
        self.strings: deque[str] = deque(quoted + capitalised)

    def number(self) -> float | None:
        """The next number from the prompt, if any is left."""
        return self.numbers.popleft() if self.numbers else None

    def string(self) -> str | None:
        """The next phrase from the prompt, if any is left."""
        return self.strings.popleft() if self.strings else None


def sample_from_schema(
    schema: Mapping[str, Any],
    hints: PromptHints | None = None,
    *,
    required_only: bool = False,
) -> Any:
    """A value valid for ``schema``, deterministic for a given schema and hints.

    Args:
        schema: a JSON schema (draft 2020-12 subset, as pydantic emits).
        hints: values from the prompt to use before invented ones.
        required_only: at the top level, fill only ``required`` properties
            (tool calls); nested objects always get every property.

    Returns:
        The sample value.
    """
    root = dict(schema)
    return _Sampler(root, hints or PromptHints("")).value(root, name="value", depth=0, required_only=required_only)


class _Sampler:
    def __init__(self, root: Mapping[str, Any], hints: PromptHints) -> None:
        self.root = root
        self.hints = hints

    def resolve(self, schema: Mapping[str, Any], depth: int) -> Mapping[str, Any]:
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#") or depth > _MAX_DEPTH:
            return schema
        target: Any = self.root
        for part in ref.lstrip("#/").split("/"):
            if part:
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return self.resolve(merged, depth + 1)

    def value(self, schema: Mapping[str, Any], *, name: str, depth: int, required_only: bool = False) -> Any:
        schema = self.resolve(schema, depth)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return self.choose(list(schema["enum"]))
        for key in ("anyOf", "oneOf"):
            if branches := schema.get(key):
                non_null = [b for b in branches if self.resolve(b, depth).get("type") != "null"]
                return self.value((non_null or branches)[0], name=name, depth=depth + 1)
        if branches := schema.get("allOf"):
            merged: dict[str, Any] = {}
            for branch in branches:
                for k, v in self.resolve(branch, depth).items():
                    merged[k] = {**merged[k], **v} if isinstance(v, dict) and isinstance(merged.get(k), dict) else v
            return self.value(merged, name=name, depth=depth + 1, required_only=required_only)
        kind = self.kind(schema)
        if depth > _MAX_DEPTH:
            return None if kind in ("object", "array", "null") else self.scalar(kind, schema, name)
        if kind == "object":
            return self.object(schema, depth, required_only=required_only)
        if kind == "array":
            return self.array(schema, name, depth)
        return self.scalar(kind, schema, name)

    @staticmethod
    def kind(schema: Mapping[str, Any]) -> str:
        declared = schema.get("type")
        if isinstance(declared, list):
            declared = next((t for t in declared if t != "null"), "null")
        if isinstance(declared, str):
            return declared
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return "string"

    def choose(self, options: list[Any]) -> Any:
        # Prefer the option the prompt names, so "classify as 'negative'" works.
        lowered = self.hints.text.lower()
        for option in options:
            if isinstance(option, str) and option.lower() in lowered:
                return option
        return options[0]

    def object(self, schema: Mapping[str, Any], depth: int, *, required_only: bool) -> dict[str, Any]:
        properties: Mapping[str, Any] = schema.get("properties") or {}
        required = list(schema.get("required") or [])
        names = [n for n in properties if n in required] if required_only and required else list(properties)
        names += [n for n in required if n not in names]
        result = {n: self.value(properties.get(n, {}), name=n, depth=depth + 1) for n in names}
        extra = schema.get("additionalProperties")
        if not result and isinstance(extra, dict) and extra and int(schema.get("minProperties", 0)) > 0:
            result["key"] = self.value(extra, name="key", depth=depth + 1)
        return result

    def array(self, schema: Mapping[str, Any], name: str, depth: int) -> list[Any]:
        prefix = list(schema.get("prefixItems") or [])
        items = schema.get("items")
        item_schema: Mapping[str, Any] = items if isinstance(items, dict) else {}
        count = max(int(schema.get("minItems", 1)), len(prefix))
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [
            self.value(prefix[i] if i < len(prefix) else item_schema, name=name, depth=depth + 1) for i in range(count)
        ]

    def scalar(self, kind: str, schema: Mapping[str, Any], name: str) -> Any:
        if kind == "null":
            return None
        if kind == "boolean":
            return bool(schema.get("default", True))
        if kind in ("integer", "number"):
            return self.number(kind, schema)
        return self.string(schema, name)

    def number(self, kind: str, schema: Mapping[str, Any]) -> int | float:
        hinted = self.hints.number()
        default = schema.get("default")
        raw: float = hinted if hinted is not None else (default if isinstance(default, int | float) else 1)
        low, high = schema.get("minimum"), schema.get("maximum")
        xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        step = 1 if kind == "integer" else 0.5
        if isinstance(low, int | float) and raw < low:
            raw = low
        if isinstance(xlow, int | float) and raw <= xlow:
            raw = xlow + step
        if isinstance(high, int | float) and raw > high:
            raw = high
        if isinstance(xhigh, int | float) and raw >= xhigh:
            raw = xhigh - step
        if kind != "integer":
            return raw
        value = math.ceil(raw) if isinstance(xlow, int | float) and raw - step < xlow else round(raw)
        multiple = schema.get("multipleOf")
        if isinstance(multiple, int) and multiple > 0:
            value = (value // multiple) * multiple or multiple
        return int(value)

    def string(self, schema: Mapping[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in _FORMATS:
            return _FORMATS[fmt]
        default = schema.get("default")
        text = self.hints.string() or (default if isinstance(default, str) and default else f"{name} text")
        min_length = int(schema.get("minLength", 0))
        if len(text) < min_length:
            text = text + "x" * (min_length - len(text))
        if "maxLength" in schema:
            text = text[: int(schema["maxLength"])]
        return text
