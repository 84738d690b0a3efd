"""What a run says about itself in LangSmith: which provider served it, why, and what it cost.

:func:`mark_served` and :func:`mark_cost` add the routing and cost metadata to
the run a LangChain tracer is recording; :func:`redacting_langsmith_client`
builds a LangSmith client whose uploads pass the trace guard. Keeping a
local-only call's text out of traces is the privacy package's job
(:mod:`langchain_aegis.privacy.trace_shield` and
:mod:`langchain_aegis.privacy.trace_guard`); this module only labels runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["mark_cost", "mark_served", "redacting_langsmith_client"]


def redacting_langsmith_client(**kwargs: Any) -> Any:
    """A ``langsmith.Client`` that keeps private data out of every run of every trace it uploads.

    Use it for the tracer of the whole trace, including the chains, agents and
    graphs around AegisChatModel, whose runs record the user's input as it is::

        from langchain_core.tracers import LangChainTracer
        tracer = LangChainTracer(client=redacting_langsmith_client())
        graph.invoke(state, config={"callbacks": [tracer]})

        import langsmith                      # or for env-configured tracing
        langsmith.configure(client=redacting_langsmith_client())

    It holds each trace's runs until the trace's root run ends (or
    ``flush()``), then uploads them: every run of a trace that holds a
    local-only call scrubbed as ``privacy.tracing`` says (see
    :mod:`langchain_aegis.privacy.trace_guard`), every other run with each entity the
    detector finds masked.

    Args:
        **kwargs: passed to ``langsmith.Client`` (``api_url``, ``api_key``, ...).
    """
    from langchain_aegis.privacy.trace_guard import GuardedClient

    return GuardedClient(redact_all=True, **kwargs)


def mark_served(
    tracers: Sequence[Any], run_id: object, *, provider: str, provider_type: str, model: str, routed: str
) -> None:
    """Name the provider that actually served a run in its trace, before the run is sent.

    ``ls_provider``, ``ls_model_name`` and the ``aegis:provider=`` tag are set
    when a run starts, from the decision's first provider; after a fallback
    another one answered. The tracer uploads the run's metadata and tags again
    when it ends, so they are corrected here, just before that. The policy's
    choice stays visible as ``aegis:routed_provider=`` and ``aegis_routed_provider``.
    """
    for tracer in tracers:
        run = tracer.run_map.get(str(run_id))
        if run is None:
            continue
        metadata = run.extra.setdefault("metadata", {})
        metadata.update(
            {
                "ls_provider": provider_type,
                "ls_model_name": model,
                "aegis_provider": provider,
                "aegis_routed_provider": routed,
                "aegis_served_by": provider,
            }
        )
        tags = [t for t in (run.tags or []) if not t.startswith(("aegis:provider=", "aegis:routed_provider="))]
        run.tags = [*tags, f"aegis:provider={provider}", f"aegis:routed_provider={routed}"]


def mark_cost(tracers: Sequence[Any], run_id: object, usage: Mapping[str, Any]) -> None:
    """Give LangSmith the run's settled cost, in the tracer's view of the run only.

    LangSmith reads cost from ``usage_metadata`` with ``input_cost``,
    ``output_cost`` and ``total_cost`` (its ``ExtractedUsageMetadata``) in a
    run's outputs. The message the caller gets keeps LangChain's integer-only
    ``UsageMetadata``, so ``add_usage`` and ``UsageMetadataCallbackHandler``
    keep working. The tracer merges its outputs into what is already on the
    run when it ends, so setting them here, before the end, survives.
    """
    for tracer in tracers:
        run = tracer.run_map.get(str(run_id))
        if run is None:
            continue
        run.outputs = {**(run.outputs or {}), "usage_metadata": dict(usage)}
        run.extra.setdefault("metadata", {})["aegis_cost_usd"] = usage.get("total_cost", 0.0)
