"""The egress gate: the last check on a request before it leaves for a cloud provider.

Routing decides where a call should go and explains why; this gate makes the
guarantee. :class:`~langchain_aegis.providers.registry.ProviderClient` calls
:func:`check_egress` at the one place every request goes through (sync and
async, streaming or not), on the exact keyword arguments handed to any-llm:
``model``, ``messages``, ``tools``, ``response_format``, ``stop`` and every
other parameter. Whatever field personal data sits in (a message ``name``, a
tool-call id, a tool's JSON schema, a stop sequence, a text data URL), the
gate reads it, because it reads everything that is sent.

Two checks, for a provider whose locality is cloud (its declared locality, or
the model actually requested: see :func:`~langchain_aegis.config.providers.is_cloud_model`):

1. the call's privacy: a ``local_only`` call never passes;
2. the detector, on every string of the payload, each on its own and message
   content joined across blocks and messages (see
   :mod:`langchain_aegis.privacy._scan`).

Either refuses with :class:`~langchain_aegis.errors.PrivacyViolationError`
before a byte is sent; the dispatcher records the attempt as ``privacy`` (not
a provider failure) and the chain moves on to the next provider. The error
names the entity types and fields, never the values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_aegis.errors import PrivacyViolationError

__all__ = ["check_egress", "egress_findings"]

_PARAMETERS = frozenset(
    {"temperature", "top_p", "top_k", "seed", "max_tokens", "num_ctx", "timeout", "presence_penalty",
     "frequency_penalty", "top_logprobs", "logprobs", "parallel_tool_calls", "stream", "repeat_penalty",
     "repeat_last_n", "mirostat", "num_gpu", "min_p", "tfs_z"}
)  # fmt: skip
"""Numeric or boolean parameters: read only when they are not numbers (a seed is not a phone number)."""


def egress_findings(kwargs: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The personal data in a request's keyword arguments, as ``(entity, field)`` pairs.

    Args:
        kwargs: the keyword arguments handed to any-llm's ``acompletion``.
    """
    from langchain_aegis.privacy._scan import find_personal_data

    payload = {
        key: value
        for key, value in kwargs.items()
        if not (key in _PARAMETERS and isinstance(value, int | float | bool | type(None)))
    }
    return [(found.entity, found.path) for found in find_personal_data(payload)]


def check_egress(provider: str, kwargs: Mapping[str, Any], *, privacy: str, detect: bool = True) -> None:
    """Refuse a request to a cloud provider that must not leave, before it is sent.

    Call it only for a cloud destination; it does not look at locality.

    Args:
        provider: the configured provider name (for the error message).
        kwargs: the exact keyword arguments about to be handed to any-llm.
        privacy: the decision's privacy, ``local_only`` or ``unrestricted``.
        detect: run the detector (``privacy.detection`` in config).

    Raises:
        PrivacyViolationError: the call is local-only, or the payload holds personal data.
    """
    model = kwargs.get("model")
    if privacy == "local_only":
        raise PrivacyViolationError(
            f"egress gate: provider {provider!r} (model {model!r}) is a cloud destination and refused "
            "a local_only call before sending it"
        )
    if not detect:
        return
    try:
        found = egress_findings(kwargs)
    except Exception as exc:
        # Fail closed: a payload the gate cannot read does not leave.
        raise PrivacyViolationError(
            f"egress gate: the request to cloud provider {provider!r} could not be scanned "
            f"({type(exc).__name__}); refused before sending it"
        ) from None
    if found:
        entities = ", ".join(sorted({entity for entity, _ in found}))
        fields = ", ".join(dict.fromkeys(path for _, path in found))
        raise PrivacyViolationError(
            f"egress gate: personal data ({entities}) in {fields} of the request to cloud provider "
            f"{provider!r} (model {model!r}); refused before sending it"
        )
