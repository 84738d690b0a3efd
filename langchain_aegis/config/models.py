"""The configuration's pydantic models: the whole :class:`AegisConfig` and its sections.

Config is data, validated once: this module owns the ``budgets``,
``routing`` (rules, rollouts, shadow), ``privacy`` and ``resilience``
sections and the checks that span them (every name refers to a provider, a
lease outlives the deadline), plus the derived views routing reads (default
rules, fallback chain, node facts). The ``providers`` section lives in
``providers.py`` and is re-exported here. It must not read files or the
environment; :mod:`langchain_aegis.config.loading` does, and everything
downstream receives these frozen objects, never raw dicts. See
``docs/configuration.md`` for every key.

Example:
    .. code-block:: yaml

        providers:
          local_ollama: {type: ollama, base_url: "http://localhost:11434", model: "gemma-3-4b-it-Q8_0", locality: local}
          openai: {type: openai, api_key: "${OPENAI_API_KEY}", model: "gpt-4o-mini", locality: cloud}
        budgets:
          monthly_limits: {openai: 80.0}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from langchain_aegis._secrets import mask_url
from langchain_aegis.config._frozen import FrozenModel
from langchain_aegis.config._yaml import suggest
from langchain_aegis.config.providers import DEFAULT_OLLAMA_URL, Pricing, ProviderConfig, is_cloud_model
from langchain_aegis.config.typos import unknown_fact_keys
from langchain_aegis.errors import RoutingError
from langchain_aegis.facts import Complexity, DataClass, Quality, RequestFacts, parse_facts

__all__ = [
    "DEFAULT_OLLAMA_URL",
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
]


class BudgetsConfig(FrozenModel):
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


class MatchConfig(FrozenModel):
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


class RuleConfig(FrozenModel):
    """One routing rule. Rules are tried in order; the first match wins."""

    name: str = Field(min_length=1)
    when: MatchConfig = Field(default_factory=MatchConfig)
    provider: str
    traffic: float | None = Field(default=None, ge=0, le=1)
    fallbacks: list[str] | None = None


class ShadowConfig(FrozenModel):
    """Shadow comparison: a share of a rule's non-private calls is also sent to a baseline, in the background."""

    share: float = Field(default=0.05, ge=0, le=1)
    baseline: str = Field(min_length=1)
    scorer: str = "token_f1"


class RolloutConfig(FrozenModel):
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


class RoutingConfig(FrozenModel):
    """Rules, fallback chain and per-node defaults."""

    rules: list[RuleConfig] | None = None
    fallback_chain: list[str] | None = None
    defaults: dict[str, Any] = Field(default_factory=dict)
    nodes: dict[str, dict[str, Any]] = Field(default_factory=dict)
    rollouts: dict[str, RolloutConfig] = Field(default_factory=dict)
    strict: bool = False
    """Make unknown fact keys and unused node names errors instead of warnings."""


class PrivacyConfig(FrozenModel):
    """The built-in personal-data detector and how traces treat private calls."""

    detection: bool = True
    tracing: Literal["redact", "hide", "allow"] = "redact"


class ResilienceConfig(FrozenModel):
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


class AegisConfig(FrozenModel):
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
