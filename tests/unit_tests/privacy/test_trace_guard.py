"""The trace shield and guard without a server: what is scrubbed, held and released."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from pydantic import BaseModel

from langchain_aegis.privacy import redact_value
from langchain_aegis.privacy.trace_guard import _Guard, scrub_run
from langchain_aegis.privacy.trace_shield import HIDDEN, TraceShield

IBAN = "DE89 3704 0044 0532 0130 00"
EMAIL = "anna.schmidt@example.org"


# -- redact_value looks into every container a trace can hold --------------------------


def test_redact_value_looks_into_langgraph_command_and_send() -> None:
    from langgraph.types import Command, Send

    command = Command(update={"notes": [f"IBAN {IBAN}"]}, goto=[Send("review", {"text": EMAIL})])
    shown = redact_value(command)
    assert IBAN not in repr(shown)
    assert EMAIL not in repr(shown)
    assert shown.update == {"notes": ["IBAN <IBAN>"]}
    assert shown.goto[0].node == "review"
    assert shown.goto[0].arg == {"text": "<EMAIL>"}
    assert command.update == {"notes": [f"IBAN {IBAN}"]}  # not modified in place


def test_redact_value_looks_into_pydantic_models_and_dataclasses() -> None:
    class Account(BaseModel):
        iban: str

    @dataclasses.dataclass(frozen=True)
    class Letter:
        to: str

    shown = redact_value({"a": Account(iban=IBAN), "b": Letter(to=EMAIL), "c": {EMAIL}})
    assert shown["a"].iban == "<IBAN>"
    assert shown["b"].to == "<EMAIL>"
    assert shown["c"] == {"<EMAIL>"}


def test_redact_value_covers_every_message_field() -> None:
    tool = ToolMessage(f"IBAN {IBAN}", tool_call_id=EMAIL, artifact={"owner": EMAIL}, name=EMAIL)
    human = HumanMessage("hi", name=EMAIL, additional_kwargs={"from": EMAIL})
    for shown in redact_value([tool, human]):
        assert EMAIL not in shown.model_dump_json()
        assert IBAN not in shown.model_dump_json()


# -- the shield ----------------------------------------------------------------------------


def test_hide_shield_hides_every_text_field_and_remembers_the_values() -> None:
    shield = TraceShield("hide")
    ai = AIMessage("", tool_calls=[{"name": "send", "args": {"to": EMAIL}, "id": "call_1"}], name="bot")
    shown = shield.shown_messages([HumanMessage("Hans Meier, Lindenstrasse 7", name="hans"), ai])
    dumped = json.dumps([m.model_dump() for m in shown])
    assert "Lindenstrasse" not in dumped
    assert EMAIL not in dumped
    assert "hans" not in dumped
    assert shown[1].tool_calls[0]["type"] == "tool_call"
    assert ("Hans Meier, Lindenstrasse 7", HIDDEN) in shield.needles


def test_redact_shield_remembers_what_it_masked() -> None:
    shield = TraceShield("redact")
    assert shield.scrub(f"IBAN {IBAN}") == "IBAN <IBAN>"
    assert shield.needles == ((IBAN, "<IBAN>"),)


# -- scrubbing a run operation -----------------------------------------------------------------


def _op(**fields: Any) -> dict[str, Any]:
    return {"id": "r1", "trace_id": "t1", "name": "chain", **fields}


@given(st.sampled_from(["Konto", "IBAN:", "->", "Überweisung an"]), st.sampled_from([" ", "\n", " | "]))
def test_a_needle_is_stripped_where_the_detector_alone_misses_it(prefix: str, sep: str) -> None:
    shield = TraceShield("redact")
    shield.scrub(f"IBAN {IBAN}")
    split = IBAN.replace(" ", "")  # another form: the needle is the exact text, the detector finds this one too
    op = scrub_run(_op(inputs={"x": f"{prefix}{sep}{IBAN}", "y": split}), [shield.removed], redact_all=False)
    assert IBAN not in json.dumps(op)
    assert split not in json.dumps(op)


def test_hidden_trace_keeps_structure_routing_and_the_error_class() -> None:
    shield = TraceShield("hide")
    op = scrub_run(
        _op(
            outputs={"generations": [{"lc": 1, "type": "constructor", "kwargs": {"content": "secret answer"}}]},
            error="OutputParserException('Invalid json output: secret answer')\n\nTraceback ...",
            extra={"metadata": {"aegis_route": {"provider": "local_ollama"}, "note": EMAIL}},
        ),
        [shield.removed],
        redact_all=False,
    )
    text = json.dumps(op)
    assert "secret answer" not in text
    assert EMAIL not in text
    assert op["outputs"]["generations"][0]["type"] == "constructor"
    assert op["error"] == f"OutputParserException: {HIDDEN}"
    assert op["extra"]["metadata"]["aegis_route"] == {"provider": "local_ollama"}


def test_unregistered_traces_pass_untouched_unless_redact_all() -> None:
    op = _op(inputs={"x": f"IBAN {IBAN}"})
    assert scrub_run(op, [], redact_all=False) is op
    assert scrub_run(op, [], redact_all=True)["inputs"] == {"x": "IBAN <IBAN>"}


# -- holding ------------------------------------------------------------------------------------


def test_operations_are_held_until_the_root_run_ends() -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    guard = _Guard(lambda **k: sent.append(("create", k)), lambda **k: sent.append(("update", k)), redact_all=True)
    guard.create_run(id="root", trace_id="root", name="graph", inputs={"text": f"IBAN {IBAN}"}, run_type="chain")
    guard.create_run(id="child", trace_id="root", name="model", inputs={}, run_type="llm")
    guard.update_run("child", trace_id="root", end_time="now", outputs={})
    assert sent == []
    guard.update_run("root", trace_id="root", end_time="now", outputs={"text": "ok"})
    assert [(op, k.get("id") or k.get("run_id")) for op, k in sent] == [
        ("create", "root"),
        ("create", "child"),
        ("update", "child"),
        ("update", "root"),
    ]
    assert sent[0][1]["inputs"] == {"text": "IBAN <IBAN>"}


def test_flush_releases_what_is_held_and_a_failing_upload_does_not_raise() -> None:
    sent: list[dict[str, Any]] = []

    def create(**kwargs: Any) -> None:
        if kwargs["id"] == "bad":
            raise RuntimeError("upload failed")
        sent.append(kwargs)

    guard = _Guard(create, lambda **k: None, redact_all=False)
    guard.create_run(id="bad", trace_id="t", name="n", inputs={}, run_type="chain")
    guard.create_run(id="ok", trace_id="t", name="n", inputs={}, run_type="chain")
    guard.release_all()
    assert [k["id"] for k in sent] == ["ok"]


def test_held_inputs_are_copied_so_later_mutation_is_not_uploaded() -> None:
    sent: list[dict[str, Any]] = []
    guard = _Guard(lambda **k: sent.append(k), lambda **k: None, redact_all=False)
    state = {"notes": ["first"]}
    guard.create_run(id="root", trace_id="root", name="graph", inputs=state, run_type="chain")
    state["notes"].append(f"IBAN {IBAN}")
    guard.release_all()
    assert sent[0]["inputs"] == {"notes": ["first"]}
