"""The routing policy: request facts and a state snapshot in, a :class:`RouteDecision` out.

Everything here is pure: no network, no clock, no randomness of its own (the
caller passes the random draw used when a call has no ``routing_key``). That
keeps the policy testable as tables and lets ``AegisChatModel.explain()``
answer without calling a model.

The privacy guarantee lives here first: a ``local_only`` decision names a local
provider and a chain of local providers only, whatever the rules say. The
provider adapters check it a second time (see :mod:`langchain_aegis.providers.registry`).

It must not read a clock, the network or global state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_aegis.config.models import AegisConfig, MatchConfig, RuleConfig
from langchain_aegis.errors import PrivacyViolationError, RoutingError
from langchain_aegis.facts import PRIVATE_CLASSES, DataClass, RequestFacts, merge_facts

__all__ = [
    "FactLayers",
    "PrivacyVerdict",
    "RouteDecision",
    "RouterState",
    "decide",
    "privacy_verdict",
    "traffic_sample",
]

Privacy = Literal["local_only", "unrestricted"]


@dataclass(frozen=True, slots=True)
class FactLayers:
    """Request facts from each source, highest precedence first."""

    call: RequestFacts = field(default_factory=RequestFacts)
    node: RequestFacts = field(default_factory=RequestFacts)
    instance: RequestFacts = field(default_factory=RequestFacts)
    defaults: RequestFacts = field(default_factory=RequestFacts)
    node_name: str | None = None

    def merged(self) -> RequestFacts:
        """The effective facts."""
        return merge_facts(self.call, self.node, self.instance, self.defaults)

    def classification_source(self) -> str | None:
        """Which layer set the effective ``data_classification``.

        ``metadata`` (the call), ``node`` (``routing.nodes``), or ``explicit``: set
        by the developer for every call, through the instance's ``defaults=`` or
        the config's ``routing.defaults``. With ``pii``/``phi`` it is the
        highest-precedence layer that says the winning (most restrictive) class.
        """
        effective = self.merged().data_classification
        if effective is None:
            return None
        for name, layer in (("metadata", self.call), ("node", self.node)):
            if layer.data_classification == effective:
                return name
        if effective in (self.instance.data_classification, self.defaults.data_classification):
            return "explicit"
        return None


@dataclass(frozen=True, slots=True)
class PrivacyVerdict:
    """Whether a call must stay local, and why.

    Attributes:
        privacy: ``local_only`` or ``unrestricted``.
        source: what made it local-only: ``metadata``, ``node``, ``explicit`` or ``detector``.
        findings: entity types the detector found (never the values).
        detection: ``on``, ``off (config)``, ``off (data_classification=public)`` or
            ``skipped (already private)``.
    """

    privacy: Privacy
    source: str | None = None
    findings: tuple[str, ...] = ()
    detection: str = "on"


@dataclass(frozen=True, slots=True)
class RouterState:
    """A snapshot of mutable state the policy reads: open breakers and rollout shares."""

    open_circuits: frozenset[str] = frozenset()
    rollout_shares: Mapping[str, float] = field(default_factory=dict)
    rollout_reasons: Mapping[str, str] = field(default_factory=dict)
    """Why each rule under rollout has its share, e.g. the last rollback's cause."""
    quota_skips: Mapping[str, str] = field(default_factory=dict)
    """Providers whose usage limit is used up, each with why and until when."""


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Where one call goes and why. Immutable; travels unchanged into metadata and logs.

    Attributes:
        provider: the configured provider tried first.
        model: that provider's model.
        rule: the rule that fired (``explicit_provider`` for a ``provider`` fact).
        reason: one human sentence.
        fallbacks: providers tried next, in order.
        privacy: ``local_only`` or ``unrestricted``.
        pii_findings: entity types found in the messages (never values).
        local_only_source: why the call is local-only, if it is.
        detection: how the detector was run, see :class:`PrivacyVerdict`.
        facts: the effective request facts.
        node: the LangGraph node, if any.
    """

    provider: str
    model: str
    rule: str
    reason: str
    fallbacks: tuple[str, ...]
    privacy: Privacy
    pii_findings: tuple[str, ...] = ()
    local_only_source: str | None = None
    detection: str = "on"
    facts: RequestFacts = field(default_factory=RequestFacts)
    node: str | None = None

    @property
    def chain(self) -> tuple[str, ...]:
        """The provider first, then its fallbacks."""
        return (self.provider, *self.fallbacks)

    def as_metadata(self) -> dict[str, Any]:
        """A JSON-friendly dict for ``response_metadata["aegis"]`` and LangSmith metadata."""
        data: dict[str, Any] = {
            "provider": self.provider,
            "model": self.model,
            "rule": self.rule,
            "reason": self.reason,
            "fallbacks": list(self.fallbacks),
            "privacy": self.privacy,
            "pii_findings": list(self.pii_findings),
            "detection": self.detection,
            "facts": self.facts.as_dict(),
        }
        if self.local_only_source:
            data["local_only_source"] = self.local_only_source
        if self.node:
            data["node"] = self.node
        return data


def privacy_verdict(layers: FactLayers, *, detection_enabled: bool, findings: tuple[str, ...] | None) -> PrivacyVerdict:
    """Decide privacy from the fact layers and the detector's findings.

    ``findings`` is ``None`` when the detector was not run; call
    :func:`needs_detection` first to know whether to run it.
    """
    facts = layers.merged()
    if facts.data_classification in PRIVATE_CLASSES:
        return PrivacyVerdict("local_only", layers.classification_source(), detection="skipped (already private)")
    if layers.call.data_classification == DataClass.PUBLIC:
        # Only the call itself can vouch that its text is public; a node or instance default cannot.
        return PrivacyVerdict("unrestricted", detection="off (data_classification=public)")
    if not detection_enabled:
        return PrivacyVerdict("unrestricted", detection="off (config)")
    if findings:
        return PrivacyVerdict("local_only", "detector", tuple(findings))
    return PrivacyVerdict("unrestricted")


def needs_detection(layers: FactLayers, *, detection_enabled: bool) -> bool:
    """Whether the detector has to look at the messages for this call."""
    cls = layers.merged().data_classification
    return detection_enabled and cls not in PRIVATE_CLASSES and layers.call.data_classification != DataClass.PUBLIC


def traffic_sample(rule: str, routing_key: str | None, random_draw: float) -> float:
    """A number in [0, 1) that decides whether a call takes a rule with a traffic share.

    With a ``routing_key`` the number is a stable hash of rule and key, so the
    same document always goes the same way; without one it is ``random_draw``.
    """
    if routing_key is None:
        return random_draw
    digest = hashlib.blake2b(f"{rule}\x00{routing_key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _matches(when: MatchConfig, facts: RequestFacts, privacy: Privacy, node: str | None) -> bool:
    def _in(allowed: list[str] | None, value: object) -> bool:
        return allowed is None or (value is not None and str(value) in allowed)

    return (
        (when.privacy is None or when.privacy == privacy)
        and _in(when.task_type, facts.task_type)
        and _in(when.quality, facts.quality)
        and _in(when.complexity, facts.complexity)
        and _in(when.data_classification, facts.data_classification)
        and _in(when.node, node)
        and (when.batch_size_over is None or (facts.batch_size is not None and facts.batch_size > when.batch_size_over))
    )


def _describe(rule: RuleConfig) -> str:
    w = rule.when
    parts = [
        f"{name}={'|'.join(v) if isinstance(v, list) else v}"
        for name, v in (
            ("privacy", w.privacy),
            ("task_type", w.task_type),
            ("quality", w.quality),
            ("complexity", w.complexity),
            ("data_classification", w.data_classification),
            ("node", w.node),
        )
        if v is not None
    ]
    if w.batch_size_over is not None:
        parts.append(f"batch_size>{w.batch_size_over}")
    return " and ".join(parts) or "no conditions (default)"


def _chain_after(chosen: str, chain: list[str]) -> list[str]:
    return chain[chain.index(chosen) + 1 :] if chosen in chain else [p for p in chain if p != chosen]


def decide(
    config: AegisConfig,
    layers: FactLayers,
    verdict: PrivacyVerdict,
    *,
    state: RouterState | None = None,
    random_draw: float = 0.0,
) -> RouteDecision:
    """Route one call.

    Args:
        config: the validated configuration.
        layers: request facts from call, node, instance and config defaults.
        verdict: the privacy verdict, from :func:`privacy_verdict`.
        state: breakers, exhausted budgets and rollout shares; empty by default.
        random_draw: a number in [0, 1) used for traffic sampling when the call
            has no ``routing_key``.

    Raises:
        RoutingError: the call asks for a provider that is not configured.
        PrivacyViolationError: the call is local-only and no local provider is configured.
    """
    state = state or RouterState()
    facts = layers.merged()
    privacy = verdict.privacy
    notes: list[str] = []

    if facts.provider is not None:
        if facts.provider not in config.providers:
            raise RoutingError(
                f"aegis metadata: provider={facts.provider!r} is not configured; "
                f"allowed values: {', '.join(config.providers)}"
            )
        rule_name, chosen, reason = "explicit_provider", facts.provider, f"provider {facts.provider!r} was requested"
        explicit_fallbacks: list[str] | None = None
    else:
        for rule in config.effective_rules():
            if not _matches(rule.when, facts, privacy, layers.node_name):
                continue
            share = state.rollout_shares.get(rule.name, rule.traffic)
            if share is not None and share < 1.0:
                why = state.rollout_reasons.get(rule.name)
                why = f" ({why})" if why else ""
                if traffic_sample(rule.name, facts.routing_key, random_draw) >= share:
                    notes.append(
                        f"rule {rule.name} matched but this call is outside its {share:.0%} traffic share{why}"
                    )
                    continue
                notes.append(f"in the {share:.0%} traffic share{why}")
            rule_name, chosen, explicit_fallbacks = rule.name, rule.provider, rule.fallbacks
            reason = f"rule {rule.name} matched ({_describe(rule)})"
            break
        else:
            chosen = config.default_provider()
            rule_name, explicit_fallbacks = "default", None
            reason = "no rule matched; using the default provider"

    chain = explicit_fallbacks if explicit_fallbacks is not None else config.effective_fallback_chain()
    fallbacks = _chain_after(chosen, chain)
    last_resort = config.default_provider()
    if last_resort != chosen and last_resort not in fallbacks and config.providers[last_resort].locality == "local":
        fallbacks.append(last_resort)  # the local provider always ends the chain

    if privacy == "local_only":
        why = verdict.source or "metadata"
        what = f"personal data found ({', '.join(verdict.findings)})" if verdict.findings else f"private data ({why})"
        local = config.local_providers()
        if not local:
            raise PrivacyViolationError(
                f"{what}: the call must stay local but no provider is declared 'locality: local'"
            )
        if config.providers[chosen].locality != "local":
            notes.append(f"{chosen} is a cloud provider, so the call stays on {local[0]}")
            chosen = local[0]
        fallbacks = [p for p in [*fallbacks, *local] if config.providers[p].locality == "local" and p != chosen]
        fallbacks = list(dict.fromkeys(fallbacks))
        reason = f"{what} must stay local; {reason}"

    # Budgets are not skipped here: a reservation that does not fit is refused at attempt
    # time (no request is sent) and the chain moves on, which the attempts record.
    unavailable = {p: "circuit open" for p in state.open_circuits} | dict(state.quota_skips)
    if chosen in unavailable and fallbacks:
        usable = [p for p in fallbacks if p not in unavailable]
        if usable:
            notes.append(f"{chosen} skipped: {unavailable[chosen]}")
            chosen = usable[0]
            fallbacks = [p for p in fallbacks if p != chosen]
    fallbacks = [p for p in fallbacks if p not in unavailable or p == last_resort]

    if notes:
        reason = f"{reason}; {'; '.join(notes)}"
    return RouteDecision(
        provider=chosen,
        model=config.providers[chosen].model,
        rule=rule_name,
        reason=reason,
        fallbacks=tuple(fallbacks),
        privacy=privacy,
        pii_findings=verdict.findings,
        local_only_source=verdict.source,
        detection=verdict.detection,
        facts=facts,
        node=layers.node_name,
    )
