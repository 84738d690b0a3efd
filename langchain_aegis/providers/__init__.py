"""Providers: one any-llm client per configured provider.

``registry`` builds and caches the clients and sends each request through
the egress gate; ``messages`` converts LangChain messages to provider
payloads and answers back; ``stream_usage`` keeps a stream's usage total.
Providers are configuration, never code: a new provider is a YAML entry.
Nothing here routes, retries or charges.
"""
