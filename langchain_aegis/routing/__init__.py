"""Routing: where a call goes, and why.

``policy`` is the pure core: request facts and a snapshot of state in, a
:class:`RouteDecision` out, with no I/O, clock or global state. ``router``
assembles its inputs for one call (facts from metadata and the LangGraph
node, the detector's verdict, the breaker and rollout snapshot) and calls it
once. Nothing here sends a request or touches the ledger.
"""

from langchain_aegis.routing.policy import (
    FactLayers,
    Privacy,
    PrivacyVerdict,
    RouteDecision,
    RouterState,
    decide,
    needs_detection,
    privacy_verdict,
    traffic_sample,
)

__all__ = [
    "FactLayers",
    "Privacy",
    "PrivacyVerdict",
    "RouteDecision",
    "RouterState",
    "decide",
    "needs_detection",
    "privacy_verdict",
    "traffic_sample",
]
