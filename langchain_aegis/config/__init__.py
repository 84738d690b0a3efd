"""Configuration: the pydantic models of ``llm_config.yml`` and its loader.

``models`` holds the models and :func:`load_config`; ``_env`` reads
``${VAR}``, ``_yaml`` reads YAML with line numbers, ``_errors`` rewrites
pydantic's errors for a person editing the file, and ``typos`` gives unknown
keys a voice. Everything downstream receives these typed objects, never raw
dicts. Nothing here imports routing, dispatch or providers.
"""

from langchain_aegis.config.models import (
    DEFAULT_OLLAMA_URL,
    AegisConfig,
    BudgetsConfig,
    MatchConfig,
    Pricing,
    PrivacyConfig,
    ProviderConfig,
    ResilienceConfig,
    RolloutConfig,
    RoutingConfig,
    RuleConfig,
    ShadowConfig,
    is_cloud_model,
    known_provider_types,
    load_budgets,
    load_config,
    namespace_for,
    parse_config,
)

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
    "known_provider_types",
    "load_budgets",
    "load_config",
    "namespace_for",
    "parse_config",
]
