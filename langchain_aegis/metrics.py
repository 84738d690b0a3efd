"""Moved to :mod:`langchain_aegis.observability.metrics`; kept because the docs name this path.

It must not grow logic of its own.
"""

from langchain_aegis.observability.metrics import (
    LATENCY_BUCKETS,
    LOCAL_ONLY_SOURCES,
    AegisMetrics,
    start_metrics_server,
)

__all__ = ["LATENCY_BUCKETS", "LOCAL_ONLY_SOURCES", "AegisMetrics", "start_metrics_server"]
