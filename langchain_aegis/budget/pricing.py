"""Prices and costs: from a model's token usage to US dollars.

Prices are USD per one million tokens (:class:`~langchain_aegis.config.providers.Pricing`).
A provider's price comes from its ``pricing`` block in the config when given,
else from the small built-in :data:`PRICE_TABLE`, else it is zero:

* a ``locality: local`` provider costs nothing unless it is priced in config
  (the hardware is already paid for);
* a cloud model missing from the table also costs zero rather than failing,
  so an unknown model never blocks a call. Its budget then only counts calls
  priced in config; price every cloud provider you cap.

The budget settles each request once (:mod:`langchain_aegis.budget.accounting`)
and returns a :class:`SettledCost`: the dollars recorded, with their input and
output split, which the chat model hands to ``response_metadata`` and LangSmith
as they are. This module only prices; it never reads or writes a ledger.

Example:
    >>> from langchain_aegis.config.providers import Pricing
    >>> cost_from_usage({"input_tokens": 1000, "output_tokens": 500, "total_tokens": 1500},
    ...                 Pricing(input=0.15, output=0.60)).total_cost
    0.00045
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.messages.ai import UsageMetadata

from langchain_aegis.config.providers import Pricing, ProviderConfig, is_cloud_model

__all__ = [
    "FREE",
    "PRICE_TABLE",
    "Cost",
    "SettledCost",
    "cost_from_usage",
    "estimate_tokens",
    "price_for_model",
    "pricing_for",
    "worst_case_cost",
]

PER_TOKENS = 1_000_000
"""Prices are quoted per this many tokens."""

FREE = Pricing(input=0.0, output=0.0)
"""The price of a local model, and of a cloud model nobody priced."""

# List prices (USD per 1M tokens) for the default models. They go stale and do
# not know about negotiated discounts or batch tiers: override them with a
# provider's ``pricing`` block in llm_config.yml. Ollama Cloud bills by plan,
# not per token, so its gpt-oss entries are the going per-token rates of other
# hosts for the same open weights: an estimate to keep budgets meaningful.
PRICE_TABLE: Mapping[str, Pricing] = MappingProxyType(
    {
        "gpt-4o-mini": Pricing(input=0.15, output=0.60, cached_input=0.075),
        "gpt-4o": Pricing(input=2.50, output=10.00, cached_input=1.25),
        "gpt-4.1-mini": Pricing(input=0.40, output=1.60, cached_input=0.10),
        "gpt-oss:120b": Pricing(input=0.15, output=0.60),
        "gpt-oss:20b": Pricing(input=0.05, output=0.20),
    }
)


def price_for_model(model: str, table: Mapping[str, Pricing] = PRICE_TABLE) -> Pricing | None:
    """Look a model name up in a price table.

    Tries the exact name, then the name without Ollama's ``-cloud``/``:cloud``
    suffix, then the longest table entry the name extends with ``-``, so a
    dated snapshot such as ``gpt-4o-mini-2024-07-18`` takes ``gpt-4o-mini``'s
    price and not ``gpt-4o``'s.

    Args:
        model: the model name a provider serves or reports.
        table: model name to price; the built-in table by default.

    Returns:
        The price, or ``None`` when the table has no entry for the model.
    """
    if model in table:
        return table[model]
    if is_cloud_model(model):  # one rule for Ollama's cloud names: config's
        bases = [name for name in table if _is_cloud_suffix(model[len(name) :]) and model.startswith(name)]
        if bases:
            return table[max(bases, key=len)]
    prefixes = [name for name in table if model.startswith(name + "-")]
    return table[max(prefixes, key=len)] if prefixes else None


def _is_cloud_suffix(rest: str) -> bool:
    """Whether ``rest`` is only Ollama's cloud suffix (``-cloud``, ``:cloud``, with or without a tag)."""
    return rest[:1] in (":", "-") and rest[1:6].lower() == "cloud" and is_cloud_model(rest)


# The most prompt tokens one image can be billed, by model family (OpenAI's published image rules:
# a high-detail image is scaled to fit 2048x2048, then to 768 on its short side, so at most 8 tiles
# of 512 px). gpt-4o-mini counts each tile ~33 times: 2,833 + 8 x 5,667. The 4.1 and o4 minis count
# patches (at most 1,536) times a multiplier. Other models get IMAGE_TOKENS, gpt-4o's 85 + 8 x 170
# rounded up: an allowance for models whose rules are not known, which ``pricing.image_tokens`` overrides.
_IMAGE_TOKENS_BY_MODEL = (("gpt-4o-mini", 48_200), ("gpt-4.1-nano", 3_800), ("gpt-4.1-mini", 2_500), ("o4-mini", 2_700))


def image_tokens_for(provider: ProviderConfig, model: str | None = None) -> int:
    """The most prompt tokens one image sent to ``provider`` (or to ``model`` there) can be billed."""
    from langchain_aegis.budget.bounds import IMAGE_TOKENS

    if provider.pricing is not None and provider.pricing.image_tokens is not None:
        return provider.pricing.image_tokens
    name = (model or provider.model).lower()
    return next((tokens for family, tokens in _IMAGE_TOKENS_BY_MODEL if family in name), IMAGE_TOKENS)


def pricing_for(provider: ProviderConfig) -> Pricing:
    """The price of one configured provider.

    Config wins over the built-in table; a local provider is free unless
    priced; an unknown cloud model is free (see the module docstring).

    Args:
        provider: the provider's configuration.

    Returns:
        Its price in USD per one million tokens.
    """
    if provider.pricing is not None:
        return provider.pricing
    if provider.locality == "local":
        return FREE
    return price_for_model(provider.model) or FREE


@dataclass(frozen=True, slots=True)
class Cost:
    """The dollar cost of one call, or of many added together.

    Attributes:
        input_cost: USD for prompt tokens, cached ones at the cached price.
        output_cost: USD for completion tokens, reasoning tokens included.
        total_cost: ``input_cost + output_cost``.
    """

    input_cost: float = 0.0
    output_cost: float = 0.0
    total_cost: float = 0.0

    def __add__(self, other: Cost) -> Cost:
        """Sum two costs field by field."""
        return Cost(
            self.input_cost + other.input_cost,
            self.output_cost + other.output_cost,
            self.total_cost + other.total_cost,
        )


class SettledCost(float):
    """The dollars one request was settled at (a ``float``), with their input/output split.

    :meth:`LedgerAccounting.settle <langchain_aegis.budget.accounting.LedgerAccounting.settle>`
    returns it, so whoever reports the cost (``response_metadata``, LangSmith)
    reads the one figure the ledger recorded instead of pricing the usage again.
    Arithmetic on it gives a plain ``float``: a sum is no longer one settlement.

    Attributes:
        input_cost: USD for prompt tokens.
        output_cost: USD for completion tokens.
    """

    input_cost: float
    output_cost: float

    def __new__(cls, total: float = 0.0, input_cost: float = 0.0, output_cost: float = 0.0) -> SettledCost:
        """Make ``total`` dollars split into ``input_cost`` and ``output_cost``."""
        settled = super().__new__(cls, total)
        settled.input_cost, settled.output_cost = input_cost, output_cost
        return settled

    @classmethod
    def of(cls, cost: Cost) -> SettledCost:
        """The settled form of a priced :class:`Cost`."""
        return cls(cost.total_cost, cost.input_cost, cost.output_cost)

    @property
    def split(self) -> Cost:
        """The same figures as a :class:`Cost`."""
        return Cost(self.input_cost, self.output_cost, float(self))


def _count(details: Any, key: str) -> int:
    if not isinstance(details, Mapping):
        return 0
    value = details.get(key)
    return int(value) if isinstance(value, int | float) and value > 0 else 0


def cost_from_usage(usage: UsageMetadata | Mapping[str, Any], pricing: Pricing) -> Cost:
    """The cost of one call from LangChain's ``usage_metadata``.

    LangChain's convention is that ``input_tokens`` and ``output_tokens`` are
    totals and the ``*_token_details`` break them down. So cached prompt tokens
    (``input_token_details.cache_read``) are taken *out of* ``input_tokens`` and
    charged at ``cached_input`` (or the full input price when the model has no
    cached price), and reasoning tokens
    (``output_token_details.reasoning``) are already inside ``output_tokens``
    and charged once, at the output price, like every other output token.

    Args:
        usage: a message's ``usage_metadata`` (missing counts are zero).
        pricing: the model's price.

    Returns:
        The call's cost in USD.
    """
    input_tokens = _count(usage, "input_tokens")
    output_tokens = _count(usage, "output_tokens")
    cached = min(_count(usage.get("input_token_details"), "cache_read"), input_tokens)
    cached_price = pricing.input if pricing.cached_input is None else pricing.cached_input
    input_cost = ((input_tokens - cached) * pricing.input + cached * cached_price) / PER_TOKENS
    output_cost = output_tokens * pricing.output / PER_TOKENS
    return Cost(input_cost, output_cost, input_cost + output_cost)


# Chat formats add a few tokens per message (role, separators) and a few to
# prime the reply; 4 and 3 are OpenAI's documented figures, rounded up.
_PER_MESSAGE = 4
_PER_REQUEST = 3
# Tokenizers average about four characters per English token; three
# over-counts on purpose, since a budget reservation must not be too small.
_CHARS_PER_TOKEN = 3
# An image is billed by size, not by its base64 length; 1,600 tokens covers a
# high-detail 2048x2048 image at OpenAI's tile rates.
_IMAGE_TOKENS = 1600


def _content_chars(content: Any) -> tuple[int, int]:
    """Characters of text and the number of images in a message's content."""
    if isinstance(content, str):
        return len(content), 0
    chars = images = 0
    for block in content if isinstance(content, list) else [content]:
        if isinstance(block, str):
            chars += len(block)
        elif isinstance(block, Mapping):
            kind = block.get("type")
            if kind in ("image", "image_url", "input_image"):
                images += 1
            elif isinstance(block.get("text"), str):
                chars += len(block["text"])
            else:
                chars += len(json.dumps(block, default=str))
        else:
            chars += len(str(block))
    return chars, images


def estimate_tokens(messages: Iterable[BaseMessage | str | Mapping[str, Any]]) -> int:
    """A fast, deliberately high estimate of a prompt's token count.

    No tokenizer is loaded: characters / 3, plus a per-message and a
    per-request overhead, plus a fixed allowance per image. Tool calls and
    their arguments are counted as JSON text.

    Args:
        messages: LangChain messages, plain strings, or OpenAI-style dicts.

    Returns:
        An upper estimate of the prompt tokens.
    """
    chars = images = count = 0
    for message in messages:
        count += 1
        if isinstance(message, BaseMessage):
            text, pics = _content_chars(message.content)
            tool_calls = getattr(message, "tool_calls", None)
            if tool_calls:
                text += len(json.dumps(tool_calls, default=str))
        elif isinstance(message, str):
            text, pics = len(message), 0
        else:
            text, pics = _content_chars(message.get("content", ""))
            if message.get("tool_calls"):
                text += len(json.dumps(message["tool_calls"], default=str))
        chars += text
        images += pics
    return math.ceil(chars / _CHARS_PER_TOKEN) + count * _PER_MESSAGE + _PER_REQUEST + images * _IMAGE_TOKENS


def worst_case_cost(prompt_tokens: int, max_tokens: int, pricing: Pricing) -> float:
    """The most a call can cost: every prompt token uncached, every output token used.

    This is what a budget reserves before a call; the actual cost settles it.

    Args:
        prompt_tokens: the prompt's (estimated) token count.
        max_tokens: the completion limit sent with the call.
        pricing: the model's price.

    Returns:
        USD.
    """
    return (max(prompt_tokens, 0) * pricing.input + max(max_tokens, 0) * pricing.output) / PER_TOKENS
