"""Moved to :mod:`langchain_aegis.observability.metrics`; kept because the docs name this path.

It must not grow logic of its own.
"""

from langchain_aegis.observability.metrics import AegisMetrics, start_metrics_server

__all__ = ["AegisMetrics", "start_metrics_server"]
