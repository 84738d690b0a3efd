"""Red team, round 2: other entity kinds and obfuscations, other call paths, threads, caches and traces.

Every case asks for a cloud provider (``quality: critical, complexity: high``
goes to OpenAI), so a value the detector and the call's privacy decision both
miss reaches the OpenAI loopback server: its journal holds the raw bytes. A
failing test is a leak. Round 1 (``test_payload_evasion.py``,
``test_composition.py``, ``test_traces.py``) is not repeated here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypedDict

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableConfig, RunnableLambda, RunnableParallel
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from langchain_aegis import PrivacyViolationError, RoutingError
from langchain_aegis.testing import Reply, ToolCall
from tests.integration_tests.privacy.cases import CLOUD_WISH, MARKER, Case, cloud_requests, leaked, run_case
from tests.integration_tests.privacy.redteam.trace_capture import tracer as _tracer
from tests.integration_tests.privacy.redteam.trace_capture import uploaded as _uploaded
from tests.integration_tests.privacy_fixtures import Deployment
from tests.langsmith_capture import LangSmithCapture

IBAN = "DE89 3704 0044 0532 0130 00"
PHI = {"aegis": {"data_classification": "phi"}}


def _h(text: str) -> tuple[BaseMessage, ...]:
    return (HumanMessage(text),)


def _tool_turn(args: dict[str, Any], result: str = "ok") -> tuple[BaseMessage, ...]:
    return (
        HumanMessage("Go on."),
        AIMessage("", tool_calls=[{"name": "save", "args": args, "id": "c1"}]),
        ToolMessage(result, tool_call_id="c1"),
    )


# == 1. entity kinds and obfuscations round 1 did not try =====================================

# id, messages, raw text that must not reach a cloud
LEAKS: list[tuple[str, tuple[BaseMessage, ...], str]] = [
    # all-caps text (EHR exports, fax OCR, legacy systems) inside cased text: the text is "cased"
    # as a whole (privacy/_case.py uncased()), so the capitals are never re-cased
    ("health_all_caps_after_instruction", _h("Please summarise the note below.\n\nPATIENT: ANNA SCHMIDT, DEPRESSION"),
     "ANNA SCHMIDT"),
    ("health_all_caps_after_label", _h("Summary: ANNA MÜLLER HAT DIABETES TYP 2"), "ANNA MÜLLER"),
    ("health_all_caps_age_sex", _h("Note from the ward: JOHN SMITH, 54M, HBA1C 9.1%"), "JOHN SMITH"),
    ("health_all_caps_second_message", (HumanMessage("Please summarise:"),
        HumanMessage("PATIENT ANNA MUELLER, DIAGNOSE F32.1")), "ANNA MUELLER"),
    ("address_all_caps_after_instruction", _h("Ship to:\nANNA SCHMIDT, HAUPTSTRASSE 5, 10115 BERLIN"),
     "HAUPTSTRASSE 5"),
    ("health_in_tool_result_all_caps", (
        HumanMessage("Summarise the record."),
        AIMessage("", tool_calls=[{"name": "fetch", "args": {"id": "r-7"}, "id": "c1"}]),
        ToolMessage("PATIENT: JOHN SMITH, 54M, HBA1C 9.1%", tool_call_id="c1"),
    ), "JOHN SMITH"),
    # an English sign-off line (docs/privacy.md lists the sign-off as a PERSON cue; "Viele Grüße" works)
    ("person_english_sign_off", _h("Thanks for the update.\n\nBest regards\nAnna Schmidt"), "Anna Schmidt"),
    ("person_english_sign_off_comma", _h("See attached.\n\nKind regards,\nAnna Schmidt"), "Anna Schmidt"),
    # phones written out the way IBANs already are read (round 1 fixed spreading for checksummed numbers)
    ("phone_one_digit_at_a_time", _h("Tel. 0 3 0 1 2 3 4 5 6 7"), "0 3 0 1 2 3 4"),
    ("phone_international_spread", _h("Tel. + 4 9 3 0 1 2 3 4 5 6 7"), "3 0 1 2 3 4"),
    ("phone_in_pairs", _h("Tel. 03 01 23 45 67"), "03 01 23 45 67"),
    ("phone_letter_O_for_zero", _h("Tel. O3O 1234567"), "O3O 1234567"),
    ("phone_arabic_indic_digits", _h("Tel. \u0660\u0663\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667"),
     "\u0661\u0662\u0663\u0664"),
    # U+3002 is a dot to IDNA (browsers and mail clients map it); NFKC does not fold it
    ("email_ideographic_full_stop", _h("Mail anna.schmidt@gmail\u3002com"), "anna.schmidt@gmail"),
    ("email_klammeraffe", _h("Mail an anna.schmidt (Klammeraffe) gmail.com"), "anna.schmidt (Klammeraffe)"),
    # a card number a model wrote as a JSON float in a tool call
    ("card_json_float_in_tool_args", _tool_turn({"card": 4111111111111111.0}), "4111111111111111"),
]  # fmt: skip

ALL_CAPS_ALONE: list[tuple[str, tuple[BaseMessage, ...], str]] = [
    ("health_all_caps_patient_label", _h("PATIENT: ANNA SCHMIDT, DEPRESSION"), "ANNA SCHMIDT"),
    ("health_all_caps_clause", _h("ANNA MÜLLER HAT DIABETES TYP 2"), "ANNA MÜLLER"),
    ("address_all_caps", _h("ANNA SCHMIDT, HAUPTSTRASSE 5, 10115 BERLIN"), "HAUPTSTRASSE 5"),
]
"""A message all in capitals on its own: routing re-cases it; the gate sees it next to "user" and the model name."""

HELD: list[tuple[str, tuple[BaseMessage, ...], str]] = [
    *ALL_CAPS_ALONE,
    ("phone_plus49_paren_0_spaced", _h("Tel +49 (0) 30 1234 567"), "1234 567"),
    ("phone_slash_no_keyword", _h("Erreichbar unter 030/1234567"), "030/1234567"),
    ("phone_mobile_dash", _h("meine Nummer ist 0151-23456789"), "0151-23456789"),
    ("phone_us_paren", _h("call (415) 555-2671"), "555-2671"),
    ("phone_0049", _h("0049 30 1234567"), "30 1234567"),
    ("dob_iso", _h("DOB: 1961-04-03"), "1961-04-03"),
    ("dob_en_ordinal", _h("Hans Meier, born 3rd April 1961"), "3rd April 1961"),
    ("dob_de_words_month", _h("Hans Meier, geb. am 3. April 1961"), "3. April 1961"),
    ("dob_star", _h("Hans Meier * 03.04.1961"), "03.04.1961"),
    ("dob_jahrgang", _h("Hans Meier, Jahrgang 1961"), "Jahrgang 1961"),
    ("health_lower_surname_first", _h("diabetes: mueller, anna"), "mueller, anna"),
    ("health_lower_sentence", _h("anna mueller has type 2 diabetes"), "anna mueller"),
    ("health_transliterated", _h("Frau Mueller, Diagnose F32.1"), "Frau Mueller"),
    ("health_hiv_lower", _h("anna schmidt is hiv positive"), "anna schmidt"),
    ("health_pregnancy", _h("Anna Schmidt ist schwanger in der 12. Woche"), "Anna Schmidt"),
    ("health_json_record", _h('{"name": "Anna Müller", "diagnosis": "Depression"}'), "Anna Müller"),
    ("address_transliterated", _h("Anna Mueller, Hauptstrasse 5, 10115 Berlin"), "Hauptstrasse 5"),
    ("email_markdown_mailto", _h("[contact](mailto:anna.schmidt@gmail.com)"), "anna.schmidt@gmail.com"),
    ("email_angle_brackets", _h("Anna <anna.schmidt@gmail.com>"), "anna.schmidt@gmail.com"),
    ("email_url_userinfo", _h("https://anna.schmidt:pw@gmail.com/"), "anna.schmidt:pw@gmail"),
    ("email_fullwidth_full_stop", _h("Mail anna.schmidt@gmail\uff0ecom"), "anna.schmidt@gmail"),
    ("email_small_commercial_at", _h("Mail anna.schmidt\ufe6bgmail.com"), "anna.schmidt\ufe6bgmail"),
    ("email_punkt_words", _h("anna punkt schmidt at gmail punkt com"), "schmidt at gmail"),
    ("email_curly_at_dot", _h("anna.schmidt{at}gmail{dot}com"), "anna.schmidt{at}gmail"),
    ("iban_in_query_string", _h("https://bank.example/pay?iban=DE89370400440532013000&amt=5"),
     "DE89370400440532013000"),
    ("iban_percent_encoded_url", _h("https://bank.example/pay?iban=DE89%203704%200044%200532%200130%2000"),
     "0044%200532"),
    ("iban_superscript_check_digits", _h("IBAN DE\u2078\u2079 3704 0044 0532 0130 00"), "0044 0532 0130"),
    ("card_json_int_in_tool_args", _tool_turn({"card": 4111111111111111}), "4111111111111111"),
    ("card_negative_sign", _h("card -4111111111111111"), "4111111111111111"),
    ("ahv_dotted", _h("AHV 756.9217.0769.85"), "756.9217.0769.85"),
    ("nino_compact", _h("my NINO is AB123456C"), "AB123456C"),
    ("kvnr_with_keyword", _h("Versichertennummer A123456780"), "A123456780"),
    ("plate_berlin", _h("Kennzeichen B-AB 1234"), "B-AB 1234"),
    ("email_over_three_messages", (HumanMessage("Write to anna."), HumanMessage("schmidt@gm"),
        HumanMessage("ail.com today")), "ail.com today"),
    ("iban_over_tool_result_and_next_human", (
        HumanMessage("Pay it."),
        AIMessage("", tool_calls=[{"name": "fetch", "args": {}, "id": "c1"}]),
        ToolMessage("IBAN DE89 3704 0044", tool_call_id="c1"),
        HumanMessage("0532 0130 00"),
    ), "0532 0130 00"),
    ("iban_in_system_message", (SystemMessage(f"Default payee IBAN {IBAN}"), HumanMessage("Pay the bill.")),
     "0532 0130"),
    ("message_name_fullwidth_email", (HumanMessage("hi", name="anna.schmidt\uff20gmail\uff0ecom"),),
     "anna.schmidt\uff20gmail"),
]  # fmt: skip


def _params(rows: list[tuple[str, tuple[BaseMessage, ...], str]]) -> list[Any]:
    return [
        pytest.param(Case(id_, 6, messages, secret), path, id=f"{id_}-{path}")
        for id_, messages, secret in rows
        for path in ("invoke", "astream")
    ]


@pytest.mark.parametrize(("case", "path"), _params(LEAKS))
def test_round2_leak_variants_stay_local(dep: Deployment, case: Case, path: str) -> None:
    """Found leaking in round 2: each must end local (or in PrivacyViolationError)."""
    run_case(dep, case, path)


@pytest.mark.parametrize(("case", "path"), _params(HELD))
def test_round2_held_variants_stay_local(dep: Deployment, case: Case, path: str) -> None:
    """Attacks that held: regression guards."""
    run_case(dep, case, path)


@pytest.fixture
def routing_sees_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Routing's privacy check off, as in test_gate_alone.py: only the egress gate stands."""
    from langchain_aegis.routing import router as _call
    from langchain_aegis.routing.policy import PrivacyVerdict

    monkeypatch.setattr(_call, "needs_detection", lambda *a, **k: False)
    monkeypatch.setattr(_call, "privacy_verdict", lambda *a, **k: PrivacyVerdict("unrestricted", detection="off"))


@pytest.mark.usefixtures("routing_sees_nothing")
@pytest.mark.parametrize(("case", "path"), _params(ALL_CAPS_ALONE))
def test_gate_alone_reads_an_all_caps_message(dep: Deployment, case: Case, path: str) -> None:
    """The gate joins every string of the payload ("user", the model name) before detecting, so the
    text is never all capitals and is not re-cased: the gate alone lets what routing stops through."""
    run_case(dep, case, path, private=False)


# == 2. values in request fields other than messages =========================================

PHONE = "+49 30 1234567"


def _tool_with(prop: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": "notify",
            "description": "Notify someone.",
            "parameters": {"type": "object", "properties": {"to": {"type": "string", **prop}}},
        },
    }


FIELD_CASES = {
    "tool_schema_default": lambda m: m.bind_tools([_tool_with({"default": f"Tel. {PHONE}"})]),
    "tool_schema_examples": lambda m: m.bind_tools([_tool_with({"examples": [f"Tel. {PHONE}"]})]),
    "tool_schema_enum": lambda m: m.bind_tools([_tool_with({"enum": ["anna.schmidt@gmail.com", "x"]})]),
    "tool_schema_const": lambda m: m.bind_tools([_tool_with({"const": IBAN})]),
    "tool_choice_forced": lambda m: m.bind_tools([_tool_with({"description": f"IBAN {IBAN}"})], tool_choice="notify"),
    "response_format_field_description": lambda m: m.with_structured_output(
        {"title": "Out", "type": "object", "properties": {"a": {"type": "string", "description": f"Tel. {PHONE}"}}},
        method="json_schema",
    ),
    "function_calling_schema_title": lambda m: m.with_structured_output(
        {"title": "Out", "description": f"IBAN {IBAN}", "type": "object", "properties": {"a": {"type": "string"}}},
        method="function_calling",
    ),
    "bind_user_kwarg": lambda m: m.bind(user="anna.schmidt@gmail.com"),
    "bind_extra_body_kwarg": lambda m: m.bind(extra_body={"note": f"IBAN {IBAN}"}),
}
FIELD_SECRETS = {
    "tool_schema_enum": "anna.schmidt@gmail.com",
    "bind_user_kwarg": "anna.schmidt@gmail.com",
}


@pytest.mark.parametrize("how", sorted(FIELD_CASES))
def test_values_in_other_request_fields_never_reach_a_cloud(dep: Deployment, how: str) -> None:
    runnable = FIELD_CASES[how](dep.model(defaults=CLOUD_WISH))
    with contextlib.suppress(PrivacyViolationError, RoutingError):
        runnable.invoke("Send the reminder.")
    secret = FIELD_SECRETS.get(how, PHONE if "description" in how or "default" in how or "examples" in how else IBAN)
    assert leaked(dep, secret) == [], f"{how}: reached a cloud server"


# == 3. call paths round 1 did not walk =======================================================

PRIVATE_TEXT = f"Pay the invoice to IBAN {IBAN}."


def _no_private_bytes(dep: Deployment) -> None:
    assert leaked(dep, IBAN) == [], "the IBAN reached a cloud server"
    assert leaked(dep, MARKER) == [], "a call private by metadata reached a cloud server"


class Out(BaseModel):
    """The answer."""

    summary: str = Field(description="one sentence")


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
@pytest.mark.parametrize("include_raw", [True, False])
def test_structured_output_methods(dep: Deployment, method: str, include_raw: bool) -> None:
    dep.local.script(json.dumps({"summary": "ok"}))
    model = dep.model(defaults=CLOUD_WISH)
    runnable = model.with_structured_output(Out, method=method, include_raw=include_raw)  # type: ignore[arg-type]
    with contextlib.suppress(PrivacyViolationError, RoutingError, Exception):
        runnable.invoke(PRIVATE_TEXT)
    with contextlib.suppress(PrivacyViolationError, RoutingError, Exception):
        runnable.invoke(MARKER, config={"metadata": PHI})
    _no_private_bytes(dep)


def test_streaming_field_invoke(dep: Deployment) -> None:
    model = dep.model(defaults=CLOUD_WISH, streaming=True)
    model.invoke(PRIVATE_TEXT)
    model.invoke(MARKER, config={"metadata": PHI})
    _no_private_bytes(dep)
    assert cloud_requests(dep) == []


def test_runnable_parallel_around_the_model(dep: Deployment) -> None:
    model = dep.model(defaults=CLOUD_WISH)
    chain = RunnableParallel(a=model, b=RunnableLambda(lambda x: x) | model)
    chain.invoke(MARKER, config={"metadata": PHI})
    chain.invoke(PRIVATE_TEXT)
    assert cloud_requests(dep) == []


def test_batch_mixed_private_and_clean_inputs(dep: Deployment) -> None:
    """A clean item goes to the cloud; it must never carry another item's data."""
    model = dep.model(defaults=CLOUD_WISH)
    clean = "Write a haiku about autumn."
    model.batch([PRIVATE_TEXT, clean, MARKER, clean], config=[{}, {}, {"metadata": PHI}, {}])
    _no_private_bytes(dep)
    bodies = cloud_requests(dep)
    assert len(bodies) == 2  # the two clean items, as asked
    assert all("autumn" in json.dumps(b) for b in bodies)


@pytest.mark.parametrize("return_exceptions", [True, False])
def test_abatch_when_the_local_provider_is_down(dep: Deployment, return_exceptions: bool) -> None:
    dep.local.inject("unavailable", times=100)
    model = dep.model(defaults=CLOUD_WISH)

    async def go() -> Any:
        return await model.abatch(
            [PRIVATE_TEXT, MARKER], config=[{}, {"metadata": PHI}], return_exceptions=return_exceptions
        )

    with contextlib.suppress(PrivacyViolationError, RoutingError):
        asyncio.run(go())
    _no_private_bytes(dep)
    assert cloud_requests(dep) == []


def test_asyncio_gather_private_and_clean_on_one_model(dep: Deployment) -> None:
    model = dep.model(defaults=CLOUD_WISH)

    async def go() -> list[Any]:
        calls = []
        for i in range(6):
            calls.append(model.ainvoke(PRIVATE_TEXT))
            calls.append(model.ainvoke(MARKER, config={"metadata": PHI}))
            calls.append(model.ainvoke(f"Write haiku number {i} about autumn."))
        return await asyncio.gather(*calls)

    asyncio.run(go())
    _no_private_bytes(dep)
    assert len(cloud_requests(dep)) == 6


def test_threads_sharing_one_model(dep: Deployment) -> None:
    model = dep.model(defaults=CLOUD_WISH)
    inputs: list[tuple[str, Any]] = [(PRIVATE_TEXT, None), (MARKER, {"metadata": PHI}), ("Autumn haiku.", None)] * 5
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda item: model.invoke(item[0], config=item[1]), inputs))
    _no_private_bytes(dep)


def test_astream_events_v2_of_a_chain(dep: Deployment) -> None:
    model = dep.model(defaults=CLOUD_WISH)
    chain = ChatPromptTemplate.from_messages([("human", "{x}")]) | model

    async def go(x: str, config: Any) -> None:
        async for _ in chain.astream_events({"x": x}, config=config, version="v2"):
            pass

    asyncio.run(go(PRIVATE_TEXT, None))
    asyncio.run(go(MARKER, {"metadata": PHI}))
    assert cloud_requests(dep) == []


def test_generate_called_directly_with_private_metadata(dep: Deployment) -> None:
    """``generate()`` is not shielded for traces, but its routing must still hold."""
    model = dep.model(defaults=CLOUD_WISH)
    model.generate([[HumanMessage(MARKER)]], metadata=PHI)
    model.generate([[HumanMessage(PRIVATE_TEXT)]])
    assert cloud_requests(dep) == []


# -- create_agent: the personal data arrives in a tool's result ---------------------------------


def _agent_with_tool_result(dep: Deployment, result: str, secret: str) -> None:
    from langchain.agents import create_agent

    @tool
    def fetch_record(record_id: str) -> str:
        """Fetch a customer record by id."""
        return result

    # The first call is clean: it goes to OpenAI, which asks for the record.
    dep.openai.script(Reply(tool_calls=(ToolCall("fetch_record", {"record_id": "r-7"}),)), "Done.")
    dep.local.script("Done.")
    agent = create_agent(dep.model(defaults=CLOUD_WISH), tools=[fetch_record])
    agent.invoke({"messages": [HumanMessage("Summarise record r-7 for the handover.")]})
    assert len(cloud_requests(dep)) >= 1, "the clean first turn should have gone to the cloud"
    assert leaked(dep, secret) == [], "the tool's result reached a cloud server in the second model call"


def test_create_agent_tool_result_with_an_iban(dep: Deployment) -> None:
    _agent_with_tool_result(dep, f"Customer pays from IBAN {IBAN}.", "0532 0130")


def test_create_agent_tool_result_all_caps_health(dep: Deployment) -> None:
    """A legacy record system answers in capitals: the detector misses it and the second call leaks."""
    _agent_with_tool_result(dep, "PATIENT: ANNA SCHMIDT, DEPRESSION, SERTRALIN 50 MG", "ANNA SCHMIDT")


# -- LangGraph: the graph's pii fact and the node's thread --------------------------------------


class _S(TypedDict, total=False):
    text: str


def _graph(node: Any) -> Any:
    from langgraph.graph import END, START, StateGraph

    builder = StateGraph(_S)
    builder.add_node("summarise", node)
    builder.add_edge(START, "summarise")
    builder.add_edge("summarise", END)
    return builder.compile()


_NO_CONTEXT = (
    "a thread the node starts itself (ThreadPoolExecutor, run_in_executor) does not inherit LangChain's run "
    "context, so the graph's facts cannot reach the model; docs/privacy.md says to pass the node's config"
)


@pytest.mark.skip(reason=_NO_CONTEXT)
def test_graph_pii_node_calls_the_model_in_a_worker_thread(dep: Deployment) -> None:
    """A node offloads a blocking call to a thread pool (not LangChain's context-copying one).

    The graph is marked pii at invoke; the model call runs in a thread where
    LangChain's config context var is not set, so the graph's fact is gone.
    """
    model = dep.model(defaults=CLOUD_WISH)
    pool = ThreadPoolExecutor(1)

    def summarise(state: _S) -> _S:
        return {"text": str(pool.submit(model.invoke, state["text"]).result().content)}

    try:
        _graph(summarise).invoke({"text": MARKER}, config={"metadata": {"aegis": {"contains_pii": True}}})
    finally:
        pool.shutdown()
    assert leaked(dep, MARKER) == [], "the graph's pii fact was lost in the worker thread"


@pytest.mark.skip(reason=_NO_CONTEXT)
def test_graph_pii_async_node_run_in_executor(dep: Deployment) -> None:
    model = dep.model(defaults=CLOUD_WISH)

    async def summarise(state: _S) -> _S:
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(None, model.invoke, state["text"])
        return {"text": str(answer.content)}

    asyncio.run(_graph(summarise).ainvoke({"text": MARKER}, config={"metadata": PHI}))
    assert leaked(dep, MARKER) == [], "the graph's phi fact was lost in run_in_executor"


def test_graph_pii_node_with_context_copying_thread(dep: Deployment) -> None:
    """Held: a thread started with the caller's context keeps the graph's facts."""
    import contextvars

    model = dep.model(defaults=CLOUD_WISH)

    def summarise(state: _S, config: RunnableConfig) -> _S:
        out: list[Any] = []
        ctx = contextvars.copy_context()
        t = threading.Thread(target=lambda: out.append(ctx.run(model.invoke, state["text"])))
        t.start()
        t.join()
        return {"text": str(out[0].content)}

    _graph(summarise).invoke({"text": MARKER}, config={"metadata": PHI})
    assert leaked(dep, MARKER) == []


def test_graph_pii_async_node_ainvoke_and_astream_with_own_config(dep: Deployment) -> None:
    model = dep.model(defaults=CLOUD_WISH)

    async def summarise(state: _S) -> _S:
        a = await model.ainvoke(state["text"], config={"metadata": {"doc_id": 1}})
        chunks = [c async for c in model.astream(state["text"], config={"tags": ["x"]})]
        return {"text": str(a.content) + "".join(str(c.content) for c in chunks)}

    asyncio.run(_graph(summarise).ainvoke({"text": MARKER}, config={"metadata": PHI}))
    assert cloud_requests(dep) == []


# == 4. LLM cache =============================================================================


def test_cache_never_turns_a_private_prompt_into_a_cloud_request(dep: Deployment) -> None:
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import get_llm_cache, set_llm_cache

    before = get_llm_cache()
    set_llm_cache(InMemoryCache())
    try:
        model = dep.model(defaults=CLOUD_WISH)
        for _ in range(2):
            model.invoke(MARKER, config={"metadata": PHI})
            model.invoke(PRIVATE_TEXT)
        assert cloud_requests(dep) == []
    finally:
        set_llm_cache(before)


# == 5. traces ================================================================================

SURNAME = "Anna Kowalczyk"  # no cue: the detector alone does not flag it
ADDRESS = "Hans Meier, Lindenstrasse 7"  # private only because the call says so


def _holding(capture: LangSmithCapture, value: str) -> list[str]:
    return sorted(
        {f"{r.get('name')}.{k}" for r in capture.runs.values() for k, v in r.items() if value in json.dumps(v)}
    )


def _absent(capture: LangSmithCapture, blob: bytes, value: str, where: str) -> None:
    for form in {value, json.dumps(value)[1:-1]}:
        assert form.encode() not in blob, f"{where}: {value!r} reached LangSmith in {_holding(capture, value)}"


def _model(dep: Deployment, mode: str) -> Any:
    return dep.model(config=dep.config(privacy={"tracing": mode}))


LABELS: dict[str, dict[str, Any]] = {
    "metadata": {"metadata": {**PHI, "patient": SURNAME}},
    "tags": {"metadata": PHI, "tags": [f"patient:{SURNAME}"]},
    "run_name": {"metadata": PHI, "run_name": f"handover {SURNAME}"},
}


@pytest.mark.parametrize("label", sorted(LABELS))
@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_user_labels_of_a_private_call(dep: Deployment, capture: LangSmithCapture, mode: str, label: str) -> None:
    """The user labels the run with the patient they marked phi (a common LangSmith filter)."""
    client, tracer = _tracer(capture)
    dep.local.script("Noted.")
    _model(dep, mode).invoke(MARKER, config={"callbacks": [tracer], **LABELS[label]})
    assert dep.cloud_requests() == 0
    _absent(capture, _uploaded(capture, client, runs=1), SURNAME, f"{label} ({mode})")


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_retriever_documents_of_a_private_by_metadata_chain(
    dep: Deployment, capture: LangSmithCapture, mode: str
) -> None:
    """``retriever | prompt | llm`` with the chain marked phi: the retriever run's documents."""
    client, tracer = _tracer(capture)
    dep.local.script("Summary.")

    def retrieve(question: str) -> dict[str, Any]:
        return {"question": question, "docs": [Document(page_content=f"{SURNAME} reported chest pain.")]}

    prompt = ChatPromptTemplate.from_messages([("human", "{question}\n\nContext: {docs}")])
    chain = RunnableLambda(retrieve).with_config(run_name="retriever") | prompt | _model(dep, mode)
    chain.invoke("Who reported what?", config={"callbacks": [tracer], "metadata": PHI})
    assert dep.cloud_requests() == 0
    _absent(capture, _uploaded(capture, client, runs=4), SURNAME, f"retriever output ({mode})")


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_create_agent_tool_args_of_a_private_by_metadata_call(
    dep: Deployment, capture: LangSmithCapture, mode: str
) -> None:
    """The tool run's input is a piece of the private message: not the whole shown text."""
    from langchain.agents import create_agent

    @tool
    def store_address(street: str) -> str:
        """Store a street address."""
        return f"stored {street}"

    client, tracer = _tracer(capture)
    dep.local.script(Reply(tool_calls=(ToolCall("store_address", {"street": "Lindenstrasse 7"}),)), "Stored.")
    agent = create_agent(_model(dep, mode), tools=[store_address])
    agent.invoke({"messages": [HumanMessage(f"Store {ADDRESS}")]}, config={"callbacks": [tracer], "metadata": PHI})
    assert dep.cloud_requests() == 0
    _absent(capture, _uploaded(capture, client, runs=5), "Lindenstrasse 7", f"agent tool run ({mode})")


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_tool_error_quoting_its_input(dep: Deployment, capture: LangSmithCapture, mode: str) -> None:
    """The user's tool raises an error that quotes its argument; the agent run fails."""
    from langchain.agents import create_agent

    @tool
    def lookup_patient(name: str) -> str:
        """Look a patient up."""
        raise ValueError(f"no patient named {name} on ward 3")

    client, tracer = _tracer(capture)
    dep.local.script(Reply(tool_calls=(ToolCall("lookup_patient", {"name": SURNAME}),)), "x")
    agent = create_agent(_model(dep, mode), tools=[lookup_patient])
    with pytest.raises(ValueError, match="no patient"):
        agent.invoke({"messages": [HumanMessage(f"Find {SURNAME}.")]}, config={"callbacks": [tracer], "metadata": PHI})
    assert dep.cloud_requests() == 0
    _absent(capture, _uploaded(capture, client, runs=3), SURNAME, f"tool error text ({mode})")


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_cache_hit_of_a_private_call_is_traced_scrubbed(dep: Deployment, capture: LangSmithCapture, mode: str) -> None:
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import get_llm_cache, set_llm_cache

    before = get_llm_cache()
    set_llm_cache(InMemoryCache())
    try:
        client, tracer = _tracer(capture)
        dep.local.script(f"Stored {ADDRESS}.", f"Stored {ADDRESS}.")
        model = _model(dep, mode)
        for _ in range(2):
            model.invoke(f"Store {ADDRESS}", config={"callbacks": [tracer], "metadata": PHI})
        _absent(capture, _uploaded(capture, client, runs=2), ADDRESS, f"cache hit ({mode})")
    finally:
        set_llm_cache(before)
