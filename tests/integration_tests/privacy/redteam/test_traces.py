"""Red team, class 9: raw values of a local-only call reaching LangSmith through other runs of its trace.

The real ``langsmith`` client uploads to the loopback capture server. In
``redact`` mode the guard replaces the exact values the model's shield removed
and runs the detector on every other string. A value that another run of the
same trace holds in a different shape (a field of a structured answer, a piece
of the chain's input dict) is neither an exact match nor something the
detector finds on its own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnableParallel
from pydantic import BaseModel

from tests.integration_tests.privacy.redteam.trace_capture import tracer as _tracer
from tests.integration_tests.privacy.redteam.trace_capture import uploaded as _uploaded
from tests.integration_tests.privacy_fixtures import Deployment
from tests.langsmith_capture import LangSmithCapture

SURNAME = "Anna Kowalczyk"  # a name with no cue word: the detector alone does not flag it
RECORD = f"Patient {SURNAME}, Diagnose F32.1, Sertralin 50 mg"


def _absent(blob: bytes, value: str, where: str) -> None:
    for form in {value, json.dumps(value)[1:-1]}:
        assert form.encode() not in blob, f"{where}: {value!r} reached LangSmith"


def _model(dep: Deployment, mode: str) -> Any:
    return dep.model(config=dep.config(privacy={"tracing": mode}))


class Patient(BaseModel):
    name: str
    diagnosis: str


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_structured_output_fields_of_a_private_answer(dep: Deployment, capture: LangSmithCapture, mode: str) -> None:
    """User path: ``llm.with_structured_output(Patient).invoke(record)`` with a redacting tracer.

    The call is local-only (the detector finds HEALTH in the record). The parser
    run's output is ``{"name": ..., "diagnosis": ...}``: each field alone holds
    no cue, so the detector finds nothing in it, and the shield's removed span
    (the whole HEALTH phrase) never equals one field.
    """
    client, tracer = _tracer(capture)
    dep.local.script(json.dumps({"name": SURNAME, "diagnosis": "F32.1"}))
    out = _model(dep, mode).with_structured_output(Patient).invoke(RECORD, config={"callbacks": [tracer]})
    assert out.name == SURNAME
    assert dep.cloud_requests() == 0
    _absent(_uploaded(capture, client, runs=3), SURNAME, f"structured output parser run ({mode})")


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_prompt_template_input_dict_of_a_private_call(dep: Deployment, capture: LangSmithCapture, mode: str) -> None:
    """User path: ``(prompt | llm).invoke({"name": ..., "note": ...})``.

    The chain and prompt runs hold the input dict; the name field alone is not
    detected and is not the span the model's shield removed.
    """
    client, tracer = _tracer(capture)
    dep.local.script("Noted.")
    prompt = ChatPromptTemplate.from_messages([("human", "Patient {name}. {note}")])
    chain = prompt | _model(dep, mode)
    chain.invoke({"name": SURNAME, "note": "Diagnose F32.1, Sertralin 50 mg"}, config={"callbacks": [tracer]})
    assert dep.cloud_requests() == 0
    blob = _uploaded(capture, client, runs=3)
    _absent(blob, SURNAME, f"chain/prompt input dict ({mode}), in {_runs_holding(capture, SURNAME)}")


@pytest.mark.parametrize("mode", ["redact", "hide"])
def test_parallel_branch_beside_a_private_call(dep: Deployment, capture: LangSmithCapture, mode: str) -> None:
    """User path: ``RunnableParallel(summary=llm, upper=lambda)`` on a private record.

    A sibling branch that transforms the text (here: upper-cases it) produces a
    form of the value that is not the shield's exact removed text.
    """
    client, tracer = _tracer(capture)
    dep.local.script("Summary.")
    chain = RunnableParallel(summary=_model(dep, mode), shout=RunnableLambda(lambda t: t.upper()))
    chain.invoke(RECORD, config={"callbacks": [tracer]})
    assert dep.cloud_requests() == 0
    _absent(_uploaded(capture, client, runs=3), SURNAME.upper(), f"parallel branch ({mode})")


def _runs_holding(capture: LangSmithCapture, value: str) -> list[str]:
    return sorted(
        {f"{r.get('name')}.{k}" for r in capture.runs.values() for k, v in r.items() if value in json.dumps(v)}
    )
