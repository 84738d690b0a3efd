"""Recall and false-positive rate of the PII/PHI detector on the test corpora.

Usage::

    python bench/privacy_quality.py            # summary table
    python bench/privacy_quality.py --verbose  # also every miss and false positive

Reads ``tests/data/privacy/positive.tsv`` (labelled samples, including
invalid-checksum variants that must stay undetected) and
``tests/data/privacy/negative.txt`` (realistic lines without personal data).
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from langchain_aegis.privacy import detect

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy"


@dataclass(frozen=True)
class Sample:
    """One labelled line: the entity types it must yield (empty: none at all)."""

    expected: frozenset[str]
    text: str


@dataclass
class Quality:
    """What the detector got right and wrong on both corpora."""

    per_entity: Counter[str] = field(default_factory=Counter)
    per_entity_hits: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[Sample, set[str]]] = field(default_factory=list)
    invalid_total: int = 0
    invalid_flagged: list[tuple[Sample, set[str]]] = field(default_factory=list)
    negative_total: int = 0
    negative_flagged: list[tuple[str, set[str]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = sum(self.per_entity.values())
        return sum(self.per_entity_hits.values()) / total if total else 1.0

    @property
    def false_positive_rate(self) -> float:
        total = self.negative_total + self.invalid_total
        return (len(self.negative_flagged) + len(self.invalid_flagged)) / total if total else 0.0


def load_positive(path: Path = DATA / "positive.tsv") -> list[Sample]:
    """Parse the labelled corpus."""
    samples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, text = line.split("\t", 1)
        expected = frozenset() if label == "-" else frozenset(label.split(","))
        samples.append(Sample(expected, text))
    return samples


def load_negative(path: Path = DATA / "negative.txt") -> list[str]:
    """Parse the negative corpus: one line per sample, ``#`` starts a comment line."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def measure() -> Quality:
    """Run the detector over both corpora."""
    q = Quality()
    for sample in load_positive():
        found = {f.entity for f in detect(sample.text)}
        if not sample.expected:
            q.invalid_total += 1
            if found:
                q.invalid_flagged.append((sample, found))
            continue
        for entity in sample.expected:
            q.per_entity[entity] += 1
            q.per_entity_hits[entity] += entity in found
        if not sample.expected <= found:
            q.misses.append((sample, found))
    for line in load_negative():
        q.negative_total += 1
        found = {f.entity for f in detect(line)}
        if found:
            q.negative_flagged.append((line, found))
    return q


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print every miss and false positive")
    args = parser.parse_args()
    q = measure()
    print(f"{'entity':<16} {'samples':>7} {'found':>6} {'recall':>7}")
    for entity in sorted(q.per_entity):
        total, hits = q.per_entity[entity], q.per_entity_hits[entity]
        print(f"{entity:<16} {total:>7} {hits:>6} {hits / total:>7.1%}")
    print(f"{'all':<16} {sum(q.per_entity.values()):>7} {sum(q.per_entity_hits.values()):>6} {q.recall:>7.1%}")
    print()
    print(f"invalid-checksum/shape variants flagged: {len(q.invalid_flagged)}/{q.invalid_total}")
    print(f"negative corpus lines flagged:           {len(q.negative_flagged)}/{q.negative_total}")
    print(f"false-positive rate (both):              {q.false_positive_rate:.1%}")
    if args.verbose:
        for sample, found in q.misses:
            print(f"MISS  expected {sorted(sample.expected)} found {sorted(found)}: {sample.text}")
        for sample, found in q.invalid_flagged:
            print(f"FP    invalid variant flagged {sorted(found)}: {sample.text}")
        for line, found in q.negative_flagged:
            print(f"FP    negative line flagged {sorted(found)}: {line}")


if __name__ == "__main__":
    main()
