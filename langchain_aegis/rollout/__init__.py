"""Gradual rollout of cloud routes, with automatic rollback.

``policy`` is pure: window statistics in, advance or rollback out, over the
samples and quality figures ``evidence`` summarises. ``guard``
is its adapter: it samples finished calls, keeps windows in memory and state
in the shared :mod:`langchain_aegis.state` store, and applies the policy.
Nothing here may send a request: routing only reads the share.
"""
