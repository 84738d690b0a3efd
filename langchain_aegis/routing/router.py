"""The assembly of one routing decision: facts, detector verdict and a state snapshot, then the pure policy.

:class:`Router` owns what routing reads for one call: the request facts from
the call's metadata, its LangGraph node, the model instance and the config
defaults; the personal-data detector's findings (failing closed); and a
snapshot of breakers, rollout shares and quota skips, read through small
callables it is given. It then asks :func:`~langchain_aegis.routing.policy.decide`
once. It must not send a request, touch the ledger or import dispatch or the
chat model: the state it reads comes in as callables, so data flows one way.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.messages import BaseMessage

from langchain_aegis.config.models import AegisConfig
from langchain_aegis.config.typos import NodeUsage, check_metadata
from langchain_aegis.facts import AEGIS_METADATA_KEY, RequestFacts, most_restrictive, parse_facts, top_level_privacy
from langchain_aegis.routing.policy import (
    FactLayers,
    RouteDecision,
    RouterState,
    decide,
    needs_detection,
    privacy_verdict,
)

__all__ = ["Router", "call_facts"]

logger = logging.getLogger("langchain_aegis")


def _nothing() -> dict[str, Any]:
    return {}


@dataclass
class Router:
    """Routes calls for one model: the inputs of the pure policy, assembled per call.

    Attributes:
        config: the validated configuration.
        open_circuits: providers whose breaker is open now.
        quota_skips: providers whose usage limit is used up, each with why.
        rollouts: each rule under gradual rollout with its current share and the reason for it.
        nodes: reports configured graph nodes that no call used, or ``None``.
        draw: a uniform draw in [0, 1) per call, for rollout shares (injectable for tests).
    """

    config: AegisConfig
    open_circuits: Callable[[], frozenset[str]] = frozenset
    quota_skips: Callable[[], Mapping[str, str]] = _nothing
    rollouts: Callable[[], Mapping[str, tuple[float, str]]] | None = None
    nodes: NodeUsage | None = None
    draw: Callable[[], float] = random.random
    _node_facts: dict[str | None, RequestFacts] = field(default_factory=dict, repr=False)
    _default_facts: RequestFacts | None = field(default=None, repr=False)

    def route(
        self,
        messages: Sequence[BaseMessage],
        metadata: Mapping[str, Any] | None,
        instance: RequestFacts,
        *,
        sent: Mapping[str, Any] | None = None,
    ) -> RouteDecision:
        """Route one call from its messages and ``RunnableConfig`` metadata.

        Reads the facts from call metadata, the LangGraph node, the model
        instance and config defaults; runs the detector when needed (on the
        messages and on ``sent``: bound tools, schemas, stop sequences); takes
        a snapshot of breakers and rollout shares; and asks the pure policy.

        Args:
            messages: the call's messages.
            metadata: the call's ``RunnableConfig`` metadata.
            instance: the model instance's facts (``defaults=``).
            sent: what else the request carries as text (tools, schemas, stop).
        """
        cfg = self.config
        layers = self._layers(metadata or {}, instance)
        detection = cfg.privacy.detection
        findings = None
        if needs_detection(layers, detection_enabled=detection):
            findings = _scan(messages, sent)
        verdict = privacy_verdict(layers, detection_enabled=detection, findings=findings)
        view = self.rollouts() if self.rollouts is not None else {}
        state = RouterState(
            open_circuits=self.open_circuits(),
            rollout_shares={rule: share for rule, (share, _) in view.items()},
            rollout_reasons={rule: why for rule, (_, why) in view.items()},
            quota_skips=self.quota_skips(),
        )
        return decide(cfg, layers, verdict, state=state, random_draw=self.draw())

    def _layers(self, metadata: Mapping[str, Any], instance: RequestFacts) -> FactLayers:
        cfg = self.config
        node = metadata.get("langgraph_node")
        node = node if isinstance(node, str) else None
        if metadata:
            check_metadata(metadata, strict=cfg.routing.strict)  # typos warn once per key
        if self.nodes is not None:
            self.nodes.seen(node)
        node_facts = self._node_facts.get(node)
        if node_facts is None:  # config is frozen: parse each node's defaults once
            node_facts = self._node_facts[node] = cfg.node_facts(node)
        if self._default_facts is None:
            self._default_facts = cfg.default_facts()
        return FactLayers(
            call=call_facts(metadata),
            node=node_facts,
            instance=instance,
            defaults=self._default_facts,
            node_name=node,
        )


def _scan(messages: Sequence[BaseMessage], sent: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The entity types the detector finds in the messages and in what else is sent; fails closed."""
    from langchain_aegis.privacy import scan_messages

    try:
        findings = scan_messages(messages)
        if sent:
            from langchain_aegis.privacy._scan import find_personal_data

            findings = tuple(sorted({*findings, *(f.entity for f in find_personal_data(dict(sent)))}))
    except Exception:
        # Fail closed: a detector bug must never let personal data out, nor fail the call.
        logger.exception("aegis: the personal-data detector failed; keeping this call local")
        findings = ("DETECTOR_ERROR",)
    return tuple(findings)


def call_facts(metadata: Mapping[str, Any]) -> RequestFacts:
    """The call's facts: ``metadata["aegis"]``, plus a privacy fact written at the top of ``metadata``."""
    facts = parse_facts(metadata.get(AEGIS_METADATA_KEY))
    private = top_level_privacy(metadata)
    if private is None:
        return facts
    return replace(facts, data_classification=most_restrictive(facts.data_classification, private))
