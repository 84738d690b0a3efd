"""The ``providers`` section: one named model behind an any-llm provider, and its prices.

It owns :class:`ProviderConfig`, :class:`Pricing`, the list of any-llm
provider types and the one rule that says a model is served from Ollama's
cloud (:func:`is_cloud_model`, read by config validation and the egress gate
alike). It must not build clients or open connections: that is
``providers/registry.py``; here a provider is data.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr, field_validator, model_validator

from langchain_aegis._secrets import mask_url
from langchain_aegis.config._frozen import FrozenModel

__all__ = ["DEFAULT_OLLAMA_URL", "Pricing", "ProviderConfig", "is_cloud_model", "known_provider_types"]

DEFAULT_OLLAMA_URL = "http://localhost:11434"


_CLOUD_MODEL = re.compile(r"[:-]cloud(?::[^:/]*)?\s*$", re.IGNORECASE)


def is_cloud_model(model: str | None) -> bool:
    """Whether Ollama serves ``model`` from ollama.com even through a local server.

    The one rule, used by config validation and the egress gate: a name ending
    in ``cloud`` after ``:`` or ``-``, in any case, with or without a tag
    (``gpt-oss:120b-cloud``, ``x:cloud``, ``X-CLOUD``, ``qwen3-coder:480b-cloud:latest``).
    It applies to every provider type, since Ollama's OpenAI-compatible endpoint
    serves the same models.

    Args:
        model: a model name, or ``None``.
    """
    return model is not None and _CLOUD_MODEL.search(model) is not None


@cache
def known_provider_types() -> frozenset[str]:
    """any-llm's provider ids, read from its package folders.

    Importing ``any_llm`` to read its enum costs about 1.7 s, so the folder
    names are listed instead: each provider is one sub-package there.
    """
    spec = importlib.util.find_spec("any_llm")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a hard dependency
        return frozenset({"ollama", "openai"})
    root = Path(next(iter(spec.submodule_search_locations))) / "providers"
    return frozenset(p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists())


class Pricing(FrozenModel):
    """Prices in USD per one million tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    image_tokens: int | None = Field(default=None, gt=0)
    """Prompt tokens one image can be billed at most; by default from the model (see ``budget/pricing.py``)."""


class ProviderConfig(FrozenModel):
    """One named provider, reached through any-llm.

    Attributes:
        type: an any-llm provider id (``ollama``, ``openai``, ``mistral``, ...).
        model: the model name the provider serves.
        locality: ``local`` if calls never leave this machine or network, else ``cloud``.
        base_url: the API base; the provider's default when unset.
        api_key: a secret; never printed.
        timeout: seconds for one HTTP request.
        context_window: tokens the model accepts; a context-length failure
            falls back only to a provider with a larger window.
        client_args: extra keyword arguments for the SDK client.
        max_concurrency: at most this many requests in flight to the provider
            from this process; a request beyond it waits up to ``queue_timeout``
            seconds for a free slot, then the call falls back. Unlimited by default.
        queue_timeout: seconds a request waits for a free ``max_concurrency`` slot
            (never longer than the call's deadline).
        quota_recheck: after a "usage limit reached" answer, try the provider
            again after at most this many seconds, even when its window may not
            have reset yet (one more unbilled 429 at worst). By default the
            provider is skipped until the stated reset, else the window's end.
    """

    type: str
    model: str = Field(min_length=1)
    locality: Literal["local", "cloud"]
    base_url: str | None = None
    api_key: SecretStr | None = None
    organization: str | None = None
    timeout: float = Field(default=60.0, gt=0)
    pricing: Pricing | None = None
    context_window: int | None = Field(default=None, gt=0)
    client_args: dict[str, Any] = Field(default_factory=dict)
    max_concurrency: int | None = Field(default=None, gt=0)
    queue_timeout: float = Field(default=1.0, ge=0)
    quota_recheck: float | None = Field(default=None, gt=0)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in known_provider_types():
            raise ValueError(
                f"{value!r} is not an any-llm provider type (known: {', '.join(sorted(known_provider_types()))})"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{mask_url(repr(value))} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("organization")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("api_key", mode="before")
    @classmethod
    def _empty_key_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @model_validator(mode="after")
    def _cloud_models_are_not_local(self) -> ProviderConfig:
        # Ollama serves ``*:cloud`` / ``*-cloud`` models from ollama.com even through localhost.
        if self.locality == "local" and is_cloud_model(self.model):
            raise ValueError(
                f"model {self.model!r} is served from Ollama's cloud even through a local server; "
                "declare this provider 'locality: cloud'"
            )
        return self
