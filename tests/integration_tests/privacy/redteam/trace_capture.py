"""What the red team's trace tests share: a redacting client and tracer, and the uploads (``capture`` is in conftest)."""

from __future__ import annotations

from typing import Any

from langchain_aegis.observability.tracing import redacting_langsmith_client
from tests.langsmith_capture import DUMMY_API_KEY, LangSmithCapture


def tracer(capture: LangSmithCapture) -> tuple[Any, Any]:
    """A redacting LangSmith client pointed at ``capture``, and a LangChain tracer using it."""
    from langchain_core.tracers import LangChainTracer

    client = redacting_langsmith_client(api_url=capture.url, api_key=DUMMY_API_KEY)
    return client, LangChainTracer(client=client, project_name="aegis-tests")


def uploaded(capture: LangSmithCapture, client: Any, *, runs: int) -> bytes:
    """Every byte uploaded once ``runs`` runs have ended."""
    client.flush(timeout=10)
    capture.wait_for_run(lambda _: len([r for r in capture.runs.values() if r.get("end_time")]) >= runs)
    return b"".join(capture.bodies)
