"""Built-in PII/PHI detection and redaction.

``detect`` finds personal and health data in a string, ``scan_messages`` says
which entity types a LangChain conversation contains (that is what routing
uses to keep a call local), and ``redact_text`` / ``redact_value`` mask what
was found, for traces and logs::

    >>> from langchain_aegis.privacy import detect, redact_text
    >>> detect("Mail an max.mustermann@example.de")
    [Finding(entity='EMAIL', start=8, end=33)]
    >>> redact_text("Patientin Frau Schulz, Diagnose F32.1")
    '<HEALTH>, <HEALTH> <HEALTH>'

Detection is pure pattern matching with checksums and keywords: no model, no
network, and fast enough to run on every call (see ``bench/bench_privacy.py``).
It errs on the side of finding too much, since a false positive only keeps a
call on a local provider.

The package must not import routing, dispatch or providers: it is a leaf the egress gate and the router both call.
"""

from langchain_aegis.privacy.detector import ENTITY_TYPES, Finding, detect
from langchain_aegis.privacy.messages import scan_messages
from langchain_aegis.privacy.redact import redact_text, redact_value

__all__ = ["ENTITY_TYPES", "Finding", "detect", "redact_text", "redact_value", "scan_messages"]
