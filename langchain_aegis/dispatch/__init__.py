"""Dispatch: carrying out one route decision.

``dispatcher`` chains the providers of a decision with LangChain's
``with_fallbacks`` and builds, once, the ``context`` every attempt gets
(clients, limits, breaker, accounting, clock); ``attempt`` is one provider's
turn (checks, the request with retries, settlement); ``plan`` holds what a
call hands in (``CallPlan``) and what it writes back (``CallLog``, each
request's ``Books``); ``retry`` says which failures fall back or retry and
how long to wait; ``breaker`` keeps the circuit breakers; ``limits``,
``quota`` and ``concurrency`` apply a provider's own limits; ``records``
holds the record of each attempt. Nothing here decides a route or reaches
back into the chat model, and an attempt never reaches back into the
dispatcher. This package imports nothing at import time, so ``errors`` can
use its records without a cycle.
"""
