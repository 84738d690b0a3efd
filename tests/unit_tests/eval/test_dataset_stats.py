"""Datasets: clear errors for bad lines. Bootstrap intervals: known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from langchain_aegis.eval.dataset import DatasetError, load_dataset
from langchain_aegis.eval.stats import bootstrap_mean, paired_bootstrap_delta, percentile

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_shipped_dataset_loads() -> None:
    items = load_dataset(ROOT / "examples" / "eval" / "legal_extraction.jsonl")
    assert len(items) == 30
    assert {i.id[:2] for i in items} == {"en", "de"}
    assert all(isinstance(i.expected, dict) and set(i.expected) == {"parties", "dates", "amounts"} for i in items)


def test_items_read_messages_input_expected_and_facts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# a comment",
        '{"id": 1, "input": "hi", "expected": "hello"}',
        "",
        '{"id": "b", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}], '
        '"facts": {"task_type": "extraction"}}',
    )
    a, b = load_dataset(path)
    assert (a.id, a.prompt, a.expected) == ("1", "hi", "hello")
    assert [m.type for m in b.messages] == ["system", "human"]
    assert b.facts == {"task_type": "extraction"}
    assert b.source.endswith("d.jsonl:4")
    assert len(load_dataset(path, limit=1)) == 1


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"input": "x"}', 'field "id"'),
        ('{"id": "a"}', 'exactly one of "messages"'),
        ('{"id": "a", "input": "x", "messages": []}', 'exactly one of "messages"'),
        ('{"id": "a", "input": ""}', 'field "input"'),
        ('{"id": "a", "messages": [{"role": "user"}]}', 'field "messages[0]"'),
        ('{"id": "a", "messages": [{"role": "wizard", "content": "x"}]}', 'field "messages"'),
        ('{"id": "a", "input": "x", "facts": {"quality": "superb"}}', 'field "facts"'),
        ('{"id": "a", "input": "x", "facts": "pii"}', 'field "facts"'),
        ('{"id": "a", "input": "x", "schema": 3}', 'field "schema"'),
        ('{"id": "a", "input": "x", "expect": "y"}', "unknown field(s) expect"),
    ],
)
def test_a_bad_line_names_file_line_and_field(tmp_path: Path, line: str, field: str) -> None:
    path = write(tmp_path, '{"id": "ok", "input": "fine"}', line)
    with pytest.raises(DatasetError) as err:
        load_dataset(path)
    assert f"{path}:2" in str(err.value)
    assert field in str(err.value)


def test_duplicate_ids_and_empty_files_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"already used at .*d\.jsonl:1"):
        load_dataset(write(tmp_path, '{"id": "a", "input": "x"}', '{"id": "a", "input": "y"}'))
    with pytest.raises(DatasetError, match="no items"):
        load_dataset(write(tmp_path, "# nothing"))
    with pytest.raises(DatasetError, match="cannot read"):
        load_dataset(tmp_path / "missing.jsonl")


def test_percentile_interpolates() -> None:
    assert percentile([0.0, 10.0], 0.5) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) == pytest.approx(4.8)
    assert percentile([], 0.5) == 0.0


def test_bootstrap_of_constant_scores_is_a_point() -> None:
    ci = bootstrap_mean([0.7] * 20)
    assert (ci.value, ci.low, ci.high) == pytest.approx((0.7, 0.7, 0.7))


def test_bootstrap_interval_brackets_the_mean_and_shrinks_with_n() -> None:
    small = bootstrap_mean([0.0, 1.0] * 5)
    large = bootstrap_mean([0.0, 1.0] * 200)
    assert small.low < 0.5 < small.high
    assert large.low < 0.5 < large.high
    assert (large.high - large.low) < (small.high - small.low) / 3
    # binomial standard error at n=400 is 0.025: the 95% interval is about ±0.049
    assert large.high - large.low == pytest.approx(2 * 1.96 * 0.025, rel=0.2)


def test_paired_bootstrap_keeps_pairs_together() -> None:
    base = [i / 50 for i in range(50)]
    treated = [b + 0.1 for b in base]  # every item exactly 0.1 better
    delta = paired_bootstrap_delta(treated, base)
    assert delta.value == pytest.approx(0.1)
    assert delta.low == pytest.approx(0.1)
    assert delta.high == pytest.approx(0.1)
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap_delta([1.0], [])


def test_bootstrap_is_reproducible() -> None:
    values = [0.1, 0.9, 0.4, 0.6, 0.3]
    assert bootstrap_mean(values) == bootstrap_mean(values)
