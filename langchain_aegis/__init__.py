"""langchain-aegis: a policy router behind one LangChain chat model.

.. code-block:: python

    from langchain_aegis import AegisChatModel, Quality, Complexity, aegis_config

    llm = AegisChatModel(config="config/llm_config.yml")
    llm.invoke("...", config=aegis_config(quality=Quality.CRITICAL, complexity=Complexity.HIGH))

Optional pieces that need extras are imported from their modules:
``langchain_aegis.observability.metrics`` (``prometheus-client``), ``langchain_aegis.testing``
(loopback protocol servers) and ``langchain_aegis.demo``.

It only re-exports; it must not hold logic of its own.
"""

from importlib import metadata

from langchain_aegis.budget import Ledger, open_ledger
from langchain_aegis.chat_models import AegisChatModel
from langchain_aegis.config.loading import load_config
from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.typos import UnknownKeyWarning
from langchain_aegis.dispatch.records import Attempt, CallRecord
from langchain_aegis.errors import (
    AegisError,
    AllProvidersFailedError,
    BudgetExceededError,
    CircuitOpenError,
    ConfigError,
    LedgerUnavailableError,
    PrivacyViolationError,
    ProviderCallError,
    RoutingError,
    StreamInterruptedError,
)
from langchain_aegis.eval.feedback import record_feedback
from langchain_aegis.facts import Complexity, DataClass, Quality, RequestFacts, TaskType, aegis_config
from langchain_aegis.observability.callbacks import AegisCostCallbackHandler
from langchain_aegis.observability.tracing import redacting_langsmith_client
from langchain_aegis.routing.policy import RouteDecision

try:
    __version__ = metadata.version(__package__ or "langchain_aegis")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = ""

__all__ = [
    "AegisChatModel",
    "AegisConfig",
    "AegisCostCallbackHandler",
    "AegisError",
    "AllProvidersFailedError",
    "Attempt",
    "BudgetExceededError",
    "CallRecord",
    "CircuitOpenError",
    "Complexity",
    "ConfigError",
    "DataClass",
    "Ledger",
    "LedgerUnavailableError",
    "PrivacyViolationError",
    "ProviderCallError",
    "Quality",
    "RequestFacts",
    "RouteDecision",
    "RoutingError",
    "StreamInterruptedError",
    "TaskType",
    "UnknownKeyWarning",
    "__version__",
    "aegis_config",
    "load_config",
    "open_ledger",
    "record_feedback",
    "redacting_langsmith_client",
]
