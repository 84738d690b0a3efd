"""Providers: one any-llm client per configured provider.

``client`` builds and caches one provider's SDK clients and sends each
request through the egress gate; ``ollama`` adds what any-llm's Ollama
provider lacks; ``registry`` holds the clients by name and preloads any-llm;
``messages`` converts LangChain messages to provider payloads and answers
back; ``stream_usage`` keeps a stream's usage total. Providers are
configuration, never code: a new provider is a YAML entry. Nothing here
routes, retries or charges.
"""
