"""The adversarial cases of issue 11, and how to run one on every call path.

Each :class:`Case` is a call that must stay on this machine: its personal data
sits somewhere the router used to miss (class 3-7), or its privacy comes from
a fact LangChain used to drop or a layer used to downgrade (class 1-2). Every
case also asks for a cloud provider (``quality: critical, complexity: high``
goes to OpenAI by the default rules), so a leak would show in the cloud
servers' journals. :func:`run_case` runs a case on one path and checks the
only two acceptable endings: served by the local provider, or
``PrivacyViolationError``; and that no cloud server received a request.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, Field

from langchain_aegis import PrivacyViolationError, RoutingError
from langchain_aegis.config.models import is_cloud_model
from tests.integration_tests.privacy_fixtures import Deployment

CLOUD_WISH = {"quality": "critical", "complexity": "high"}  # routed to openai, were it allowed
MARKER = "Summarise the ward notes for the morning handover."  # private by metadata only
IBAN = "DE89 3704 0044 0532 0130 00"
EMAIL = "anna.schmidt@example.org"


class Lookup(BaseModel):
    """Look something up."""

    query: str


class Answer(BaseModel):
    """The answer."""

    summary: str = Field(description="one sentence")


def _pay_tool(description: str) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": "pay",
            "description": description,
            "parameters": {"type": "object", "properties": {"amount": {"type": "number"}}},
        },
    }


@dataclass(frozen=True)
class Case:
    """One adversarial call.

    Attributes:
        id: a short name.
        cls: the issue's class (1-8).
        messages: the conversation.
        secret: raw text that must never reach a cloud server.
        call: the call's own ``aegis`` facts (its ``config``), or ``None`` for no config.
        call_metadata: other metadata on the call's config.
        parent: metadata of an enclosing run (a LangGraph node or graph), or ``None``.
        bound: ``with_config(metadata=...)`` on the model.
        nodes: ``routing.nodes`` in config.
        defaults: the instance's ``defaults=``.
        bind: ``.bind(...)`` keyword arguments (``stop``, ``model``).
        kwargs: per-call keyword arguments (``model``).
        tools: tools to bind.
        schema: a structured-output schema for the structured-output path.
        model: the constructor's ``model=`` override.
        error: an error other than ``PrivacyViolationError`` that is an acceptable end.
        normalization: the case needs the detector's Unicode normalization.
    """

    id: str
    cls: int
    messages: tuple[BaseMessage, ...]
    secret: str
    call: dict[str, Any] | None = None
    call_metadata: dict[str, Any] = field(default_factory=dict)
    parent: dict[str, Any] | None = None
    bound: dict[str, Any] | None = None
    nodes: dict[str, Any] | None = None
    defaults: dict[str, Any] | None = field(default_factory=lambda: dict(CLOUD_WISH))
    bind: dict[str, Any] = field(default_factory=dict)
    kwargs: dict[str, Any] = field(default_factory=dict)
    tools: tuple[Any, ...] = ()
    schema: Any = None
    model: str | None = None
    error: type[Exception] | None = None
    normalization: bool = False

    @property
    def has_pii_in_payload(self) -> bool:
        """Whether the personal data is in the request itself (not private by metadata only)."""
        return self.secret != MARKER


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isalnum() and c.isascii() else c for c in text)


def _h(text: str) -> tuple[BaseMessage, ...]:
    return (HumanMessage(text),)


PHI_NODE = {"patient_intake": {"data_classification": "phi"}}
IN_NODE = {"langgraph_node": "patient_intake"}

CASES: list[Case] = [
    # -- 1: node and graph facts lost when node code passes its own config -----------------------
    Case("node_phi_call_aegis_config", 1, _h(MARKER), MARKER, call={"task_type": "extraction"},
         parent=IN_NODE, nodes=PHI_NODE),
    Case("node_phi_call_doc_id", 1, _h(MARKER), MARKER, call_metadata={"doc_id": 42}, parent=IN_NODE, nodes=PHI_NODE),
    Case("graph_pii_call_doc_id", 1, _h(MARKER), MARKER, call_metadata={"doc_id": 42},
         parent={"aegis": {"contains_pii": True}}),
    Case("graph_pii_call_aegis_config", 1, _h(MARKER), MARKER, call={"task_type": "extraction"},
         parent={"aegis": {"data_classification": "pii"}}),
    Case("with_config_phi_call_aegis", 1, _h(MARKER), MARKER, call={"task_type": "extraction", **CLOUD_WISH},
         bound={"aegis": {"data_classification": "phi"}}),
    # -- 2: layers downgrade each other ---------------------------------------------------------
    Case("call_internal_over_node_pii", 2, _h(MARKER), MARKER, call={"data_classification": "internal"},
         parent=IN_NODE, nodes={"patient_intake": {"data_classification": "pii"}}),
    Case("call_confidential_over_instance_phi", 2, _h(MARKER), MARKER, call={"data_classification": "confidential"},
         defaults={**CLOUD_WISH, "data_classification": "phi"}),
    Case("call_public_over_node_phi", 2, _h(MARKER), MARKER, call={"data_classification": "public"},
         parent=IN_NODE, nodes=PHI_NODE),
    Case("contains_pii_beats_internal", 2, _h(MARKER), MARKER,
         call={"contains_pii": True, "data_classification": "internal"}),
    Case("contains_pii_string_true", 2, _h(MARKER), MARKER, call={"contains_pii": "true"}),
    Case("contains_pii_one", 2, _h(MARKER), MARKER, call={"contains_pii": 1}),
    Case("contains_pii_yes_on_graph", 2, _h(MARKER), MARKER, parent={"aegis": {"contains_pii": "yes"}},
         call={"data_classification": "internal"}),
    Case("contains_pii_malformed", 2, _h(MARKER), MARKER, call={"contains_pii": "maybe"}, error=RoutingError),
    # -- 3: fields that are sent but were never scanned -----------------------------------------
    Case("message_name", 3, (HumanMessage("Summarise the notes.", name="anna.schmidt_at_example.org "
         "anna.schmidt@example.org"),), EMAIL),
    Case("tool_call_id", 3, (
        HumanMessage("Pay the invoice."),
        AIMessage("", tool_calls=[{"name": "Lookup", "args": {"query": "x"}, "id": "SSN 536-22-1234"}]),
        ToolMessage("done", tool_call_id="SSN 536-22-1234"),
    ), "536-22-1234"),
    Case("tool_result_name", 3, (
        HumanMessage("Pay the invoice."),
        AIMessage("", tool_calls=[{"name": "Lookup", "args": {"query": "x"}, "id": "c1"}]),
        ToolMessage("done", tool_call_id="c1", name=f"lookup for {EMAIL}"),
        HumanMessage("Thanks, go on."),
    ), EMAIL),
    Case("additional_kwargs", 3, (HumanMessage("Summarise.", additional_kwargs={"note": f"IBAN {IBAN}"}),), IBAN),
    Case("tool_description", 3, _h("Pay the open invoice."), IBAN, tools=(_pay_tool(f"Pays to IBAN {IBAN}"),)),
    Case("tool_schema_field_description", 3, _h("Pay the open invoice."), EMAIL, tools=({
        "type": "function", "function": {"name": "notify", "description": "Notify someone.", "parameters": {
            "type": "object", "properties": {"to": {"type": "string", "description": f"always {EMAIL}"}}}}},)),
    Case("structured_output_schema", 3, _h("Summarise the invoice."), "+49 30 1234567", schema={
        "title": "Invoice", "type": "object", "description": "Call Tel. +49 30 1234567 if unsure",
        "properties": {"summary": {"type": "string"}}, "required": ["summary"]}),
    Case("stop_sequence", 3, _h("Summarise the card statement."), "4111 1111 1111 1111",
         bind={"stop": ["card 4111 1111 1111 1111"]}),
    # -- 4: text skipped as binary ---------------------------------------------------------------
    Case("sse_data_text", 4, _h(f'data: {{"iban": "{IBAN}"}}'), IBAN),
    Case("text_data_url", 4, (HumanMessage(content=[
        {"type": "text", "text": "Read the attachment."},
        {"type": "image_url", "image_url": {"url": f"data:text/plain,{quote('Kontakt ' + EMAIL)}"}}]),),
        quote(EMAIL)),
    Case("base64_text_file", 4, (HumanMessage(content=[
        {"type": "text", "text": "Read the attached file."},
        {"type": "file", "base64": base64.b64encode(f"IBAN {IBAN}".encode()).decode(), "mime_type": "text/plain",
         "filename": "notes.txt"}]),),
        base64.b64encode(f"IBAN {IBAN}".encode()).decode()),
    # -- 5: text split across content blocks or messages ------------------------------------------
    Case("iban_over_two_blocks", 5, (HumanMessage(content=[
        {"type": "text", "text": "IBAN DE89 3704 00"}, {"type": "text", "text": "44 0532 0130 00"}]),), "0532 0130 00"),
    Case("email_over_two_messages", 5, (HumanMessage("Write to anna.schmidt@"), HumanMessage("example.org today")),
         "example.org today"),
    Case("phone_over_system_and_human", 5, (SystemMessage("Callback number: +49 30"), HumanMessage("1234567")),
         "1234567"),
    # -- 6: obfuscation a human still reads (the detector normalizes first) ------------------------
    Case("zero_width_email", 6, _h("Mail anna.schmidt\u200b@\u200bexample.org"), "example.org", normalization=True),
    Case("fullwidth_iban", 6, _h(f"IBAN {_fullwidth(IBAN)}"), _fullwidth("0532"), normalization=True),
    Case("nbsp_iban", 6, _h("IBAN DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000"), "0532", normalization=True),
    Case("at_dot_email", 6, _h("Mail anna.schmidt [at] example [dot] org"), "example [dot] org", normalization=True),
    Case("entity_email", 6, _h("Mail anna.schmidt&#64;example.org"), "&#64;example.org", normalization=True),
    Case("en_dash_ssn", 6, _h("SSN 536\u201322\u20131234"), "536\u201322", normalization=True),
    Case("line_break_card", 6, _h("card 4111 1111\n1111 1111"), "1111\n1111", normalization=True),
    # -- 7: a cloud model behind a local server ---------------------------------------------------
    Case("per_call_cloud_model", 7, _h(f"Mail {EMAIL}"), EMAIL, defaults=None, kwargs={"model": "gpt-oss:120b-cloud"}),
    Case("bound_cloud_model_upper", 7, _h(f"IBAN {IBAN}"), IBAN, defaults=None, bind={"model": "gpt-oss:120b-CLOUD"}),
    Case("tagged_cloud_model", 7, _h(f"IBAN {IBAN}"), IBAN, defaults=None, bind={"model": "qwen3-coder:480b-cloud:latest"}),
    Case("constructor_cloud_model", 7, _h(f"Mail {EMAIL}"), EMAIL, defaults=None, model="deepseek-v3.1:671b-cloud"),
    Case("private_metadata_cloud_model", 7, _h(MARKER), MARKER, defaults=None, call={"contains_pii": True},
         kwargs={"model": "x:cloud"}),
]  # fmt: skip

PATHS = ["invoke", "ainvoke", "stream", "astream", "batch", "abatch", "astream_events", "structured", "bind_tools"]


def cloud_requests(dep: Deployment) -> list[Any]:
    """Every request that reached a cloud: the cloud servers', and the local server's for a cloud model."""
    bodies = [e.body for e in dep.ollama_cloud.chat_requests() + dep.openai.chat_requests()]
    bodies += [e.body for e in dep.local.chat_requests() if is_cloud_model((e.body or {}).get("model"))]
    return bodies


def leaked(dep: Deployment, secret: str) -> list[Any]:
    """Cloud requests whose body holds ``secret`` (as sent, JSON-escaped or not)."""
    escaped = json.dumps(secret)[1:-1]
    out = []
    for body in cloud_requests(dep):
        text = json.dumps(body, ensure_ascii=False)
        if secret in text or escaped in text or secret in json.dumps(body):
            out.append(body)
    return out


def build(dep: Deployment, case: Case, path: str) -> Runnable[Any, Any]:
    """The runnable a user would write for ``case`` on ``path``."""
    config = dep.config(routing={"nodes": case.nodes}) if case.nodes else dep.config()
    model = dep.model(config=config, defaults=case.defaults, **({"model": case.model} if case.model else {}))
    runnable: Runnable[Any, Any] = model
    if path == "structured":
        return model.with_structured_output(case.schema or Answer, include_raw=True)
    if path == "bind_tools" or case.tools:
        runnable = model.bind_tools([*case.tools] or [Lookup])
    if case.bind:
        runnable = runnable.bind(**case.bind)
    if case.bound:
        runnable = runnable.with_config(metadata=case.bound)
    return runnable


def call_config(case: Case) -> dict[str, Any] | None:
    """The ``config=`` the call passes itself (``None`` when it passes none)."""
    if case.call is None and not case.call_metadata:
        return None
    config: dict[str, Any] = {"metadata": dict(case.call_metadata)}
    if case.call is not None:
        config["metadata"]["aegis"] = dict(case.call)
    return config


def served_by(output: Any) -> str | None:
    """Who answered, from a message, a structured-output ``{"raw": ...}`` or stream events."""
    if isinstance(output, dict) and "raw" in output:
        output = output["raw"]
    return output.response_metadata["aegis"]["served_by"]  # type: ignore[no-any-return]


async def _events(runnable: Runnable[Any, Any], messages: list[BaseMessage], config: Any, kwargs: Any) -> Any:
    ends = [
        e["data"]["output"]
        async for e in runnable.astream_events(messages, config=config, version="v2", **kwargs)
        if e["event"] == "on_chat_model_end"
    ]
    return ends[-1]


def _run(runnable: Runnable[Any, Any], path: str, messages: list[BaseMessage], config: Any, kwargs: Any) -> Any:
    if path in ("invoke", "structured", "bind_tools"):
        return runnable.invoke(messages, config=config, **kwargs)
    if path == "ainvoke":
        return asyncio.run(runnable.ainvoke(messages, config=config, **kwargs))
    if path == "stream":
        chunks = list(runnable.stream(messages, config=config, **kwargs))
        return sum(chunks[1:], chunks[0])
    if path == "astream":

        async def collect() -> Any:
            chunks = [c async for c in runnable.astream(messages, config=config, **kwargs)]
            return sum(chunks[1:], chunks[0])

        return asyncio.run(collect())
    if path == "batch":
        return runnable.batch([messages, messages], config=config, **kwargs)[1]
    if path == "abatch":
        return asyncio.run(runnable.abatch([messages], config=config, **kwargs))[0]
    if path == "astream_events":
        return asyncio.run(_events(runnable, messages, config, kwargs))
    raise AssertionError(path)


def run_in_parent(case: Case, call: Callable[[], Any]) -> Any:
    """Run ``call`` inside an enclosing run with the case's parent metadata (as a LangGraph node does)."""
    if case.parent is None:
        return call()
    return RunnableLambda(lambda _: call()).invoke(None, config={"metadata": case.parent})


def run_case(dep: Deployment, case: Case, path: str, *, private: bool = True) -> str:
    """Run ``case`` on ``path``; return how it ended (``local``, ``cloud`` or the error's name).

    Always asserts that no cloud request holds the case's personal data. With
    ``private`` (the router is working), the call must also end locally or in
    ``PrivacyViolationError``, with no cloud request at all.
    """
    runnable = build(dep, case, path)
    messages = list(case.messages)
    try:
        output = run_in_parent(case, lambda: _run(runnable, path, messages, call_config(case), case.kwargs))
    except PrivacyViolationError:
        ending = "PrivacyViolationError"
    except Exception as exc:
        if case.error is None or not isinstance(exc, case.error):
            raise
        ending = type(exc).__name__
    else:
        ending = "local" if served_by(output) == "local_ollama" else "cloud"
    assert leaked(dep, case.secret) == [], f"{case.id} on {path}: personal data reached a cloud server"
    if private:
        assert ending != "cloud", f"{case.id} on {path}: served by {served_by(output)}"
        assert cloud_requests(dep) == [], f"{case.id} on {path}: a private call reached a cloud server"
    return ending
