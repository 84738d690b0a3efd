"""Observability: what each run says about itself.

``metrics`` exports Prometheus counters and histograms, ``callbacks`` holds
the LangChain cost callback handler, and ``tracing`` marks a run with its
provider, rule and cost for LangSmith and keeps local-only text out of
callbacks (the shield; the upload guard is in :mod:`langchain_aegis.privacy`).
Nothing here changes where a call goes.
"""
