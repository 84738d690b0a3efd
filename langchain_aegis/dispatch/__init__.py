"""Dispatch: carrying out one route decision.

``dispatcher`` chains the providers of a decision with LangChain's
``with_fallbacks``; ``attempt`` is one provider's turn (checks, the request
with retries, settlement); ``resilience`` says which failures fall back or
retry and keeps the circuit breakers; ``limits``, ``quota`` and
``concurrency`` apply a provider's own limits; ``records`` holds the record
of each attempt. Nothing here decides a route or reaches back into the chat
model. This package imports nothing at import time, so ``errors`` can use its
records without a cycle.
"""
