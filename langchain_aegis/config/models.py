"""Configuration: pydantic models for ``llm_config.yml`` and the loader.

Config is data, validated once. Everything downstream receives these typed,
frozen objects, never raw dicts. See ``docs/configuration.md`` for every key.

Example:
    .. code-block:: yaml

        providers:
          local_ollama: {type: ollama, base_url: "http://localhost:11434", model: "gemma-3-4b-it-Q8_0", locality: local}
          openai: {type: openai, api_key: "${OPENAI_API_KEY}", model: "gpt-4o-mini", locality: cloud}
        budgets:
          monthly_limits: {openai: 80.0}
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from langchain_aegis._secrets import mask_url
from langchain_aegis.config._env import UndefinedVariableError, interpolate
from langchain_aegis.config._errors import format_validation_error
from langchain_aegis.config._yaml import Lines, load_yaml, suggest
from langchain_aegis.config.typos import unknown_fact_keys
from langchain_aegis.errors import ConfigError, RoutingError
from langchain_aegis.facts import Complexity, DataClass, Quality, RequestFacts, parse_facts

__all__ = [
    "AegisConfig",
    "BudgetsConfig",
    "MatchConfig",
    "Pricing",
    "PrivacyConfig",
    "ProviderConfig",
    "ResilienceConfig",
    "RolloutConfig",
    "RoutingConfig",
    "RuleConfig",
    "ShadowConfig",
    "is_cloud_model",
    "load_budgets",
    "load_config",
    "namespace_for",
]

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


class _Frozen(BaseModel):
    # NaN and infinity would load, then fail (or never fail) every comparison at call time.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def __repr_args__(self) -> Any:
        # URLs may carry passwords (a Redis ledger, a proxy); repr() reaches logs and traces.
        for key, value in super().__repr_args__():
            if isinstance(value, str):
                yield key, mask_url(value)
            elif key == "client_args" and isinstance(value, dict):
                yield key, {k: "***" for k in value}
            else:
                yield key, value


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


class Pricing(_Frozen):
    """Prices in USD per one million tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    image_tokens: int | None = Field(default=None, gt=0)
    """Prompt tokens one image can be billed at most; by default from the model (see ``pricing.py``)."""


class ProviderConfig(_Frozen):
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


class BudgetsConfig(_Frozen):
    """Monthly spend caps and the ledger that enforces them.

    Attributes:
        on_ledger_error: what a call does while the ledger cannot be reached:
            ``local_only`` (capped cloud providers are skipped, the call stays
            local), ``fail`` (raise ``LedgerUnavailableError``) or ``allow``
            (go on uncapped, logged; spend is journaled and replayed).
        namespace: whose accounts in the ledger this config uses; by default
            derived from the config file's path (``"default"`` without a file).
        journal: the local file for settlements the ledger could not take;
            by default ``journal.jsonl`` next to the default SQLite ledger.
        lock_timeout: seconds a SQLite call waits for another process's lock
            before the ledger counts as unavailable.
    """

    monthly_limits: dict[str, float] = Field(default_factory=dict)
    alert_threshold: float = Field(default=0.8, gt=0, le=1)
    timezone: str = "UTC"
    ledger: str = "sqlite://"
    default_max_tokens: int = Field(default=1024, gt=0)
    lease_seconds: float = Field(default=300.0, gt=0)
    on_ledger_error: Literal["local_only", "fail", "allow"] = "local_only"
    namespace: str | None = Field(default=None, min_length=1, max_length=200)
    journal: str | None = Field(default=None, min_length=1)
    lock_timeout: float = Field(default=0.25, gt=0, le=60)

    @property
    def ledger_namespace(self) -> str:
        """``namespace``, or ``"default"`` for a config built in code."""
        return self.namespace or "default"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone (e.g. UTC, Europe/Berlin)") from None
        return value

    @field_validator("ledger")
    @classmethod
    def _ledger_url(cls, value: str) -> str:
        if not value.startswith(("memory://", "sqlite://", "redis://", "rediss://", "unix://")):
            raise ValueError(
                f"{mask_url(repr(value))} is not a ledger URL (memory://, sqlite:///path, redis://host:port/db)"
            )
        return value

    @field_validator("monthly_limits")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for name, limit in value.items():
            if limit < 0:
                raise ValueError(f"limit for {name!r} is {limit}, must be >= 0")
        return value


class MatchConfig(_Frozen):
    """When a rule applies. Every condition given must hold; none given matches all."""

    privacy: Literal["local_only", "unrestricted"] | None = None
    task_type: list[str] | None = None
    quality: list[str] | None = None
    complexity: list[str] | None = None
    data_classification: list[str] | None = None
    batch_size_over: int | None = None
    node: list[str] | None = None

    @field_validator("task_type", "quality", "complexity", "data_classification", "node", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("quality", "complexity", "data_classification")
    @classmethod
    def _known_values(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        # A typo here would load fine and silently never match.
        enum = {"quality": Quality, "complexity": Complexity, "data_classification": DataClass}[str(info.field_name)]
        allowed = [m.value for m in enum]
        for item in value or []:
            if item not in allowed:
                raise ValueError(f"{item!r} is not a {info.field_name}; allowed values: {', '.join(allowed)}")
        return value


class RuleConfig(_Frozen):
    """One routing rule. Rules are tried in order; the first match wins."""

    name: str = Field(min_length=1)
    when: MatchConfig = Field(default_factory=MatchConfig)
    provider: str
    traffic: float | None = Field(default=None, ge=0, le=1)
    fallbacks: list[str] | None = None


class ShadowConfig(_Frozen):
    """Shadow comparison: a share of a rule's non-private calls is also sent to a baseline, in the background."""

    share: float = Field(default=0.05, ge=0, le=1)
    baseline: str = Field(min_length=1)
    scorer: str = "token_f1"


class RolloutConfig(_Frozen):
    """A rule's traffic schedule and the limits that roll it back."""

    steps: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=lambda: [0.1, 0.3, 0.5, 0.75, 1.0], min_length=1
    )
    hold_seconds: float = Field(default=3600.0, ge=0)
    max_error_rate: float = Field(default=0.05, ge=0, le=1)
    max_p95_latency_ms: float = Field(default=1000.0, gt=0)
    max_cost_overrun: float = Field(default=0.5, ge=0)
    window_seconds: float = Field(default=300.0, gt=0)
    min_calls: int = Field(default=20, ge=1)
    max_quality_regression: float | None = Field(default=None, ge=0, le=1)
    min_quality_gain: float | None = Field(default=None, ge=-1, le=1)
    min_quality_samples: int = Field(default=30, ge=2)
    shadow: ShadowConfig | None = None


class RoutingConfig(_Frozen):
    """Rules, fallback chain and per-node defaults."""

    rules: list[RuleConfig] | None = None
    fallback_chain: list[str] | None = None
    defaults: dict[str, Any] = Field(default_factory=dict)
    nodes: dict[str, dict[str, Any]] = Field(default_factory=dict)
    rollouts: dict[str, RolloutConfig] = Field(default_factory=dict)
    strict: bool = False
    """Make unknown fact keys and unused node names errors instead of warnings."""


class PrivacyConfig(_Frozen):
    """The built-in personal-data detector and how traces treat private calls."""

    detection: bool = True
    tracing: Literal["redact", "hide", "allow"] = "redact"


class ResilienceConfig(_Frozen):
    """Retries, deadlines and circuit breakers."""

    max_retries: int = Field(default=1, ge=0)
    backoff_base: float = Field(default=0.25, ge=0)
    backoff_max: float = Field(default=4.0, ge=0)
    retry_after_cap: float = Field(default=10.0, ge=0)
    deadline: float = Field(default=120.0, gt=0)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _backoff_order(self) -> ResilienceConfig:
        if self.backoff_base > self.backoff_max:
            raise ValueError(f"backoff_base ({self.backoff_base}) is larger than backoff_max ({self.backoff_max})")
        return self


class AegisConfig(_Frozen):
    """The whole configuration. Build it from YAML with :func:`load_config`."""

    providers: dict[str, ProviderConfig] = Field(min_length=1)
    budgets: BudgetsConfig = Field(default_factory=BudgetsConfig)
    routing: RoutingConfig = Field(default_factory=RoutingConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    resilience: ResilienceConfig = Field(default_factory=ResilienceConfig)

    @model_validator(mode="after")
    def _names_exist(self) -> AegisConfig:
        names = set(self.providers)
        for name in self.budgets.monthly_limits:
            if name not in names:
                raise ValueError(
                    f"budgets.monthly_limits.{name}: no provider named {name!r}{suggest(name, names)} "
                    f"(have: {', '.join(sorted(names))})"
                )
        seen: set[str] = set()
        for i, rule in enumerate(self.routing.rules or []):
            if rule.name in seen:
                raise ValueError(f"routing.rules[{i}]: the rule name {rule.name!r} is used twice")
            seen.add(rule.name)
            for ref in [rule.provider, *(rule.fallbacks or [])]:
                if ref not in names:
                    raise ValueError(f"routing.rules[{i}].provider: no provider named {ref!r}{suggest(ref, names)}")
        for ref in self.routing.fallback_chain or []:
            if ref not in names:
                raise ValueError(f"routing.fallback_chain: no provider named {ref!r}{suggest(ref, names)}")
        facts = [("routing.defaults", self.routing.defaults)]
        facts += [(f"routing.nodes.{node}", raw) for node, raw in self.routing.nodes.items()]
        for where, raw in facts:
            found = raw.get("provider") if isinstance(raw, Mapping) else None
            if found is not None and found not in names:
                raise ValueError(
                    f"{where}.provider: no provider named {found!r}{suggest(str(found), names)} "
                    f"(have: {', '.join(sorted(names))})"
                )
            if isinstance(raw, Mapping):
                unknown_fact_keys(raw, where=where, strict=self.routing.strict)
        if self.budgets.lease_seconds < self.resilience.deadline:
            raise ValueError(
                f"budgets.lease_seconds: {self.budgets.lease_seconds} is shorter than resilience.deadline "
                f"({self.resilience.deadline}): a reservation could expire while its call still runs and the "
                f"spend would escape the cap; set lease_seconds to at least {self.resilience.deadline}"
            )
        for rule_name, rollout in self.routing.rollouts.items():
            if rule_name not in {r.name for r in self.effective_rules()}:
                raise ValueError(f"routing.rollouts.{rule_name}: no rule named {rule_name!r}")
            if rollout.shadow is not None and rollout.shadow.baseline not in names:
                raise ValueError(
                    f"routing.rollouts.{rule_name}.shadow.baseline: no provider named {rollout.shadow.baseline!r}"
                    f"{suggest(rollout.shadow.baseline, names)}"
                )
        try:
            parse_facts(self.routing.defaults, where="routing.defaults: ")
            for node, raw in self.routing.nodes.items():
                parse_facts(raw, where=f"routing.nodes.{node}: ")
        except RoutingError as exc:
            raise ValueError(str(exc)) from None
        return self

    # -- derived views -------------------------------------------------

    def local_providers(self) -> list[str]:
        """Names of providers declared ``locality: local``, in config order."""
        return [n for n, p in self.providers.items() if p.locality == "local"]

    def default_provider(self) -> str:
        """The provider of last resort: the first local one, else the first configured."""
        local = self.local_providers()
        return local[0] if local else next(iter(self.providers))

    def effective_fallback_chain(self) -> list[str]:
        """``routing.fallback_chain``, or ``[openai, ollama_cloud, local_ollama]`` filtered to configured names."""
        if self.routing.fallback_chain is not None:
            return list(self.routing.fallback_chain)
        preferred = [n for n in ("openai", "ollama_cloud", "local_ollama") if n in self.providers]
        default = self.default_provider()
        return preferred + ([default] if default not in preferred else [])

    def effective_rules(self) -> list[RuleConfig]:
        """``routing.rules``, or the team's four default rules for the configured providers."""
        if self.routing.rules is not None:
            return list(self.routing.rules)
        local = self.default_provider()
        rules = [
            RuleConfig(
                name="private_data_stays_local",
                when=MatchConfig(privacy="local_only"),
                provider=local,
            )
        ]
        if "openai" in self.providers:
            rules.append(
                RuleConfig(
                    name="critical_to_openai",
                    when=MatchConfig(quality=["critical"], complexity=["high"]),
                    provider="openai",
                )
            )
        if "ollama_cloud" in self.providers:
            rules.append(
                RuleConfig(name="large_batch_to_cloud", when=MatchConfig(batch_size_over=10), provider="ollama_cloud")
            )
        rules.append(RuleConfig(name="default_local", provider=local))
        return rules

    def node_facts(self, node: str | None) -> RequestFacts:
        """The defaults configured for a LangGraph node (empty if none)."""
        if node is None or node not in self.routing.nodes:
            return RequestFacts()
        return parse_facts(self.routing.nodes[node], where=f"routing.nodes.{node}: ")

    def default_facts(self) -> RequestFacts:
        """``routing.defaults`` as facts."""
        return parse_facts(self.routing.defaults, where="routing.defaults: ")

    @classmethod
    def single_ollama(cls, model: str, base_url: str | None = None, **provider: Any) -> AegisConfig:
        """A one-provider, local-only config, as ``ChatOllama(model=...)`` would use.

        Without ``base_url`` the server is the one ``OLLAMA_HOST`` names (read as
        the ``ollama`` client reads it), else ``http://localhost:11434``.
        """
        from langchain_aegis.config._ollama_host import ollama_host

        url = base_url or ollama_host() or DEFAULT_OLLAMA_URL
        local = ProviderConfig(type="ollama", model=model, base_url=url, locality="local", **provider)
        return cls(providers={"local_ollama": local})


def parse_config(
    data: Any, *, source: str = "<config>", env: Mapping[str, str] | None = None, lines: Lines | None = None
) -> AegisConfig:
    """Validate an already-parsed YAML/JSON tree into an :class:`AegisConfig`.

    Args:
        data: the parsed tree.
        source: the file it came from, for messages.
        env: variables for ``${VAR}``; ``os.environ`` by default.
        lines: the line of each key path (from the YAML loader), for messages.

    Raises:
        ConfigError: naming ``source`` and line, the field path, the bad value
            and, for an unknown key, the closest valid one.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        data = interpolate(data, os.environ if env is None else env)
    except UndefinedVariableError as exc:
        raise ConfigError(
            f"{source}: {exc.path}: environment variable {exc.name} is not set and has no default "
            f"(write ${{{exc.name}:-}} to allow it to be empty)"
        ) from None
    try:
        return AegisConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, source, AegisConfig, lines or {})) from None


def namespace_for(path: str | os.PathLike[str]) -> str:
    """The default ``budgets.namespace`` of a config file: its name and a hash of its resolved path.

    Two config files on one machine never share a budget unless they name the
    same ``budgets.namespace``; the same file always gets the same one.

    Example:
        >>> namespace_for("/srv/app/llm_config.yml")  # doctest: +SKIP
        'llm_config-5d41402abc'
    """
    resolved = Path(path).resolve()
    return f"{resolved.stem}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:10]}"


def _with_namespace(config: AegisConfig, source: str) -> AegisConfig:
    if config.budgets.namespace is not None:
        return config
    budgets = config.budgets.model_copy(update={"namespace": namespace_for(source)})
    return config.model_copy(update={"budgets": budgets})


def load_budgets(path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> AegisConfig:
    """Load only what ``aegis budget`` needs: the ``budgets`` section and the provider names.

    ``${VAR}`` references outside ``budgets`` (API keys, hosts) need not be
    set: reading the ledger does not use them. Providers get a placeholder
    model and are otherwise empty.

    Raises:
        ConfigError: the file cannot be read, or ``budgets`` is invalid.
    """
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read config file ({exc.strerror})") from None
    data, lines = load_yaml(text, source)
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    names = data.get("providers")
    stub_provider = {"type": "ollama", "model": "-", "locality": "local"}
    budgets = data.get("budgets") or {}
    if isinstance(budgets, Mapping):
        # lease_seconds is checked against resilience.deadline, which is not loaded here.
        budgets = {k: v for k, v in budgets.items() if k != "lease_seconds"}
    stub = {
        "providers": {str(name): stub_provider for name in (names if isinstance(names, Mapping) else {})}
        or {"-": stub_provider},
        "budgets": budgets,
    }
    return _with_namespace(parse_config(stub, source=source, env=env, lines=lines), source)


def load_config(path: str | os.PathLike[str], *, env: Mapping[str, str] | None = None) -> AegisConfig:
    """Load and validate a YAML config file.

    Args:
        path: the YAML file.
        env: variables for ``${VAR}`` interpolation; ``os.environ`` by default.

    Raises:
        ConfigError: the file is missing, is not YAML, repeats a key, or a
            field is invalid. The message names the file and line, the field
            path and the value.
    """
    source = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read config file ({exc.strerror})") from None
    data, lines = load_yaml(text, source)
    return _with_namespace(parse_config(data, source=source, env=env, lines=lines), source)
