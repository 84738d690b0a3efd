"""Each scorer against hand-computed values."""

from __future__ import annotations

import builtins
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage

from langchain_aegis.errors import ConfigError
from langchain_aegis.eval.dataset import EvalItem
from langchain_aegis.eval.judge import parse_grade
from langchain_aegis.eval.scorers import (
    clamp_score,
    exact_match,
    field_f1,
    json_valid,
    resolve_scorer,
    token_f1,
)


def item(expected: Any = None, schema: dict[str, Any] | None = None) -> EvalItem:
    return EvalItem(id="x", messages=(HumanMessage("q"),), expected=expected, schema=schema)


@pytest.mark.parametrize(
    ("expected", "answer", "score"),
    [
        ("Paris", "paris.", 1.0),
        ("Paris", "  Paris  ", 1.0),
        ("Paris", "Paris, France", 0.0),
        ({"a": 1, "b": ["x", "y"]}, '```json\n{"b": ["y", "x"], "a": 1}\n```', 1.0),
        ({"a": 1}, '{"a": 2}', 0.0),
        ({"a": 1}, "not json", 0.0),
        (None, "anything", 0.0),
    ],
)
def test_exact_match(expected: Any, answer: str, score: float) -> None:
    assert exact_match(item(expected), answer) == score


@pytest.mark.parametrize(
    ("expected", "answer", "score"),
    [
        # the, cat in common: P = 2/4, R = 2/3, F1 = 4/7
        ("the cat sat", "the cat ran away", 4 / 7),
        ("the cat sat", "The cat sat.", 1.0),
        ("the cat sat", "dogs bark", 0.0),
        # duplicates count once each: gold {a:2, b:1}, pred {a:1}: P = 1, R = 1/3, F1 = 1/2
        ("a a b", "a", 0.5),
        ({"amount": "EUR 500"}, "amount EUR 500", 1.0),
        (None, "x", 0.0),
    ],
)
def test_token_f1(expected: Any, answer: str, score: float) -> None:
    assert token_f1(item(expected), answer) == pytest.approx(score)


def test_field_f1_counts_leaves_by_path_and_value() -> None:
    gold = {"parties": ["A GmbH", "B Ltd"], "dates": ["2025-01-01"], "amounts": []}
    # gold leaves: parties[]=a gmbh, parties[]=b ltd, dates[]=2025-01-01 (3)
    # pred leaves: parties[]=a gmbh, dates[]=2025-01-01, amounts[]=eur 5 (3); common 2 → F1 = 2/3
    pred = json.dumps({"parties": ["a gmbh"], "dates": ["2025-01-01"], "amounts": ["EUR 5"]})
    assert field_f1(item(gold), pred) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("expected", "answer", "score"),
    [
        ({"a": "x", "b": "y"}, '{"b": "y", "a": "x"}', 1.0),
        ({"a": "x", "b": "y"}, '{"a": "x"}', 2 * 1 * 0.5 / 1.5),  # P = 1, R = 1/2
        ([{"n": 1}, {"n": 2}], '[{"n": 2}]', 2 / 3),
        ({"a": "x"}, '{"a": "x", "b": null}', 1.0),  # null leaves are ignored
        ({"a": "x"}, "no json here", 0.0),
        ({"a": "x"}, '{"a": {"deep": "x"}}', 0.0),  # same value, different path
        ({}, "{}", 1.0),
    ],
)
def test_field_f1(expected: Any, answer: str, score: float) -> None:
    assert field_f1(item(expected), answer) == pytest.approx(score)


SCHEMA = {
    "type": "object",
    "required": ["parties"],
    "properties": {"parties": {"type": "array", "items": {"type": "string"}}, "n": {"type": "integer"}},
}


@pytest.mark.parametrize(
    ("answer", "schema", "score"),
    [
        ('{"parties": ["A"]}', SCHEMA, 1.0),
        ('Here you go: {"parties": ["A"], "n": 3}', SCHEMA, 1.0),
        ('{"parties": [1]}', SCHEMA, 0.0),
        ('{"n": 3}', SCHEMA, 0.0),
        ('{"parties": ["A"], "n": true}', SCHEMA, 0.0),
        ("[1, 2]", None, 1.0),
        ("{broken", None, 0.0),
    ],
)
@pytest.mark.parametrize("with_jsonschema", [True, False])
def test_json_valid(
    answer: str, schema: dict[str, Any] | None, score: float, with_jsonschema: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not with_jsonschema:  # the documented subset, used when jsonschema is not installed
        real_import = builtins.__import__

        def no_jsonschema(name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "jsonschema":
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", no_jsonschema)
    assert json_valid(item(schema=schema), answer) == score


@given(st.text(max_size=40), st.text(max_size=40))
def test_text_scorers_stay_in_the_unit_interval(expected: str, answer: str) -> None:
    for scorer in (exact_match, token_f1, field_f1, json_valid):
        assert 0.0 <= scorer(item(expected), answer) <= 1.0


@given(st.text(min_size=1, max_size=40))
def test_token_f1_of_an_answer_with_itself_is_one_or_empty(text: str) -> None:
    assert token_f1(item(text), text) in (0.0, 1.0)


@pytest.mark.parametrize(
    ("text", "grade"), [("7", 0.7), ("Score: 8/10", 0.8), ("10", 1.0), ("9.5", 0.95), ("none", None)]
)
def test_parse_grade(text: str, grade: float | None) -> None:
    assert parse_grade(text) == (None if grade is None else pytest.approx(grade))


def length_scorer(item: EvalItem, answer: str) -> float:
    return min(len(answer) / 10, 1.0)


def test_custom_scorer_by_dotted_path() -> None:
    scorer = resolve_scorer("tests.unit_tests.eval.test_scorers:length_scorer")
    assert scorer(item(), "12345") == 0.5


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nope", "unknown scorer 'nope'"),
        ("tests.unit_tests.eval.test_scorers:missing", "cannot be imported"),
        ("no_such_module_xyz:f", "cannot be imported"),
        ("llm_judge", "needs a judge model"),
    ],
)
def test_bad_scorer_names_are_explained(name: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_scorer(name)


@pytest.mark.parametrize("value", [float("nan"), "0.5", None, True])
def test_a_scorer_returning_a_non_number_is_an_error(value: Any) -> None:
    with pytest.raises(ValueError, match="returns a float"):
        clamp_score(value, "custom")


def test_scores_outside_the_unit_interval_are_clamped() -> None:
    assert clamp_score(1.7, "c") == 1.0
    assert clamp_score(-2, "c") == 0.0


def test_ragas_without_the_extra_names_the_install_command() -> None:
    pytest.importorskip("langchain_aegis.eval.ragas")
    try:
        import ragas  # noqa: F401
    except ImportError:
        from langchain_aegis.eval.ragas import RagasScorer

        with pytest.raises(ImportError, match=r"langchain-aegis\[eval\]"):
            RagasScorer(judge=None)  # type: ignore[arg-type]
    else:
        pytest.skip("ragas is installed; the missing-extra hint cannot be shown")


def test_ragas_adapter_with_ragas_installed() -> None:
    pytest.importorskip("ragas", reason="ragas is not installed (pip install 'langchain-aegis[eval]')")
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from langchain_aegis.eval.ragas import RagasScorer

    scorer = RagasScorer(FakeListChatModel(responses=["{}"]), metric="faithfulness")  # type: ignore[arg-type]
    assert scorer.needs_reference is False
