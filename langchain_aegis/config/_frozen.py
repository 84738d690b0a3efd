"""The base of every config model: frozen, no unknown keys, no NaN, secrets masked in ``repr``.

It owns only the pydantic settings every section shares and the ``repr``
that keeps URLs with passwords and ``client_args`` out of logs and traces. It
must not hold a field, a validator about a section, or anything that reads
files or the environment.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from langchain_aegis._secrets import mask_url


class FrozenModel(BaseModel):
    """A frozen pydantic model that rejects unknown keys and NaN, and masks secrets in ``repr``."""

    # NaN and infinity would load, then fail (or never fail) every comparison at call time.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def __repr_args__(self) -> Any:
        # URLs may carry passwords (a Redis ledger, a proxy); repr() reaches logs and traces.
        for key, value in super().__repr_args__():
            if isinstance(value, str):
                yield key, mask_url(value)
            elif key == "client_args" and isinstance(value, dict):
                yield key, {k: "***" for k in value}
            else:
                yield key, value
