"""langchain-aegis: a policy router behind one LangChain chat model."""

from importlib import metadata

from langchain_aegis.config import AegisConfig, load_config
from langchain_aegis.errors import (
    AegisError,
    AllProvidersFailedError,
    BudgetExceededError,
    CircuitOpenError,
    ConfigError,
    PrivacyViolationError,
    ProviderCallError,
    RoutingError,
    StreamInterruptedError,
)
from langchain_aegis.facts import Complexity, DataClass, Quality, RequestFacts, TaskType, aegis_config

try:
    __version__ = metadata.version(__package__ or "langchain_aegis")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = ""

__all__ = [
    "AegisConfig",
    "AegisError",
    "AllProvidersFailedError",
    "BudgetExceededError",
    "CircuitOpenError",
    "Complexity",
    "ConfigError",
    "DataClass",
    "PrivacyViolationError",
    "ProviderCallError",
    "Quality",
    "RequestFacts",
    "RoutingError",
    "StreamInterruptedError",
    "TaskType",
    "__version__",
    "aegis_config",
    "load_config",
]
