"""Configuration: the pydantic models of ``llm_config.yml`` and its loader.

``providers`` holds the provider models and the cloud-model rule, ``models``
the whole :class:`AegisConfig` and its other sections, ``loading``
:func:`load_config` and the YAML+env pipeline; ``_env`` reads
``${VAR}``, ``_yaml`` reads YAML with line numbers, ``_errors`` rewrites
pydantic's errors for a person editing the file, and ``typos`` gives unknown
keys a voice. Everything downstream receives these typed objects, never raw
dicts. Nothing here imports the routing, dispatch or providers packages.
"""

from langchain_aegis.config.loading import load_budgets, load_config, namespace_for, parse_config
from langchain_aegis.config.models import (
    AegisConfig,
    BudgetsConfig,
    MatchConfig,
    PrivacyConfig,
    ResilienceConfig,
    RolloutConfig,
    RoutingConfig,
    RuleConfig,
    ShadowConfig,
)
from langchain_aegis.config.providers import (
    DEFAULT_OLLAMA_URL,
    Pricing,
    ProviderConfig,
    is_cloud_model,
    known_provider_types,
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
