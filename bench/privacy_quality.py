# ruff: noqa: SIM102
# (the text this module handles is Unicode on purpose; nested ifs keep the cheap test first)
"""Recall and false-positive rate of the PII/PHI detector on the test corpora.

Usage::

    python bench/privacy_quality.py             # document corpus, with Presidio as comparison
    python bench/privacy_quality.py --verbose   # also every miss and false positive
    python bench/privacy_quality.py --no-presidio
    python bench/privacy_quality.py --lines     # the line corpora (positive.tsv, negative.txt)

The document corpus is ``tests/data/privacy/corpus.jsonl`` (see
``tests/data/privacy/make_corpus.py``): about 1,000 German and English
documents, half of them clean hard negatives. It reports, at document level:

* recall of all personal-data documents (anything found in a document that
  holds personal data) and the false-positive rate on clean documents
  (anything found in a clean one);
* recall per kind (the document's label kind was found) and recall/FPR per
  document type.

A ``PERSON`` label is met by a ``PERSON``, ``HEALTH``, ``SPECIAL_CATEGORY``
or ``ADDRESS`` finding (the detector reports the person inside those).

Presidio runs on the same corpus as the comparison row, with every
predefined pattern recognizer for English and German (the ``De*``
recognizers added explicitly) and its phone recognizer; its spaCy NER is
not used because no spaCy model can be installed offline. Its entity types
are mapped to ours where they match (``DATE_TIME`` counts as a date of
birth); every other type it reports (URL, postcode, VAT ID, ...) counts as a
flag. Findings below a score of 0.4 are ignored.

The line corpora ``positive.tsv`` (labelled lines, including invalid-checksum
variants that must stay undetected) and ``negative.txt`` (realistic lines
without personal data) are the per-line regression set of the unit tests.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


# --- the document corpus ------------------------------------------------------------------

_PERSON_LIKE = frozenset({"PERSON", "HEALTH", "SPECIAL_CATEGORY", "ADDRESS"})


@dataclass(frozen=True)
class Document:
    """One corpus document and the kinds of personal data it holds (empty: clean)."""

    id: str
    lang: str
    doc_type: str
    text: str
    labels: frozenset[str]


def load_corpus(path: Path = DATA / "corpus.jsonl") -> list[Document]:
    """Parse the document corpus."""
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            docs.append(Document(raw["id"], raw["lang"], raw["doc_type"], raw["text"], frozenset(raw["labels"])))
    return docs


@dataclass
class CorpusQuality:
    """Document-level counts for one detector."""

    name: str
    positive: int = 0
    positive_hit: int = 0
    clean: int = 0
    clean_flagged: int = 0
    kind_total: Counter[str] = field(default_factory=Counter)
    kind_hit: Counter[str] = field(default_factory=Counter)
    type_total: Counter[str] = field(default_factory=Counter)
    type_hit: Counter[str] = field(default_factory=Counter)
    type_clean: Counter[str] = field(default_factory=Counter)
    type_flagged: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[Document, set[str]]] = field(default_factory=list)
    false_positives: list[tuple[Document, set[str]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.positive_hit / self.positive if self.positive else 1.0

    @property
    def false_positive_rate(self) -> float:
        return self.clean_flagged / self.clean if self.clean else 0.0

    def kind_recall(self, kind: str) -> float:
        return self.kind_hit[kind] / self.kind_total[kind] if self.kind_total[kind] else 1.0

    def type_recall(self, doc_type: str) -> float:
        return self.type_hit[doc_type] / self.type_total[doc_type] if self.type_total[doc_type] else float("nan")

    def type_fpr(self, doc_type: str) -> float:
        return self.type_flagged[doc_type] / self.type_clean[doc_type] if self.type_clean[doc_type] else float("nan")


def _has_kind(kind: str, found: set[str]) -> bool:
    return kind in found or (kind == "PERSON" and bool(found & _PERSON_LIKE))


def measure_corpus(
    find: Callable[[str], set[str]], name: str = "aegis", docs: Iterable[Document] | None = None
) -> CorpusQuality:
    """Run ``find`` (text -> kinds found) over the document corpus."""
    q = CorpusQuality(name)
    for doc in load_corpus() if docs is None else docs:
        found = find(doc.text)
        if doc.labels:
            q.positive += 1
            q.type_total[doc.doc_type] += 1
            if found:
                q.positive_hit += 1
                q.type_hit[doc.doc_type] += 1
            for kind in doc.labels:
                q.kind_total[kind] += 1
                q.kind_hit[kind] += _has_kind(kind, found)
            if not all(_has_kind(k, found) for k in doc.labels):
                q.misses.append((doc, found))
        else:
            q.clean += 1
            q.type_clean[doc.doc_type] += 1
            if found:
                q.clean_flagged += 1
                q.type_flagged[doc.doc_type] += 1
                q.false_positives.append((doc, found))
    return q


def aegis_kinds(text: str) -> set[str]:
    """The entity types :func:`~langchain_aegis.privacy.detect` finds."""
    return {f.entity for f in detect(text)}


_PRESIDIO_KINDS = {
    "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "IBAN_CODE": "IBAN", "CREDIT_CARD": "CREDIT_CARD",
    "US_SSN": "US_SSN", "UK_NHS": "UK_NHS", "UK_NINO": "UK_NINO", "IP_ADDRESS": "IP_ADDRESS",
    "US_DRIVER_LICENSE": "DRIVER_LICENSE", "DE_FUEHRERSCHEIN": "DRIVER_LICENSE", "DE_TAX_ID": "DE_TAX_ID",
    "DE_TAX_NUMBER": "DE_TAX_NUMBER", "DE_HEALTH_INSURANCE": "DE_KVNR", "DE_SOCIAL_SECURITY": "DE_PENSION_ID",
    "DE_ID_CARD": "DE_ID_CARD", "DE_PASSPORT": "DE_PASSPORT", "DE_KFZ": "DE_LICENSE_PLATE",
    "DATE_TIME": "DATE_OF_BIRTH", "PERSON": "PERSON",
}  # fmt: skip


def presidio_kinds() -> Callable[[str], set[str]] | None:
    """Presidio's pattern recognizers (EN and DE) as a ``text -> kinds`` function, or None if not installed."""
    try:
        import presidio_analyzer.predefined_recognizers as predefined  # type: ignore[import-not-found]
        from presidio_analyzer import EntityRecognizer, RecognizerRegistry
    except ImportError:
        return None
    try:  # Presidio's e-mail check asks tldextract, which would fetch the suffix list online
        import tldextract  # type: ignore[import-not-found]

        tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    except ImportError:
        pass
    registry = RecognizerRegistry(supported_languages=["en", "de"])
    registry.load_predefined_recognizers(languages=["en", "de"])
    recognizers: list[Any] = [r for r in registry.recognizers if type(r).__name__ != "SpacyRecognizer"]
    loaded = {type(r).__name__ for r in recognizers}
    for name in dir(predefined):
        cls = getattr(predefined, name)
        if name.startswith(("De", "Uk")) and name not in loaded and isinstance(cls, type):
            if issubclass(cls, EntityRecognizer):
                try:
                    recognizers.append(cls(supported_language="de" if name.startswith("De") else "en"))
                except TypeError:
                    recognizers.append(cls())

    def find(text: str) -> set[str]:
        kinds: set[str] = set()
        for recognizer in recognizers:
            for result in recognizer.analyze(text, recognizer.supported_entities, None) or []:
                if result.score >= 0.4:
                    kinds.add(_PRESIDIO_KINDS.get(result.entity_type, result.entity_type))
        return kinds

    return find


def _report(rows: list[CorpusQuality], verbose: bool) -> None:
    print(f"{'detector':<10} {'PII docs':>8} {'recall':>7} {'clean':>6} {'FPR':>6}")
    for q in rows:
        print(f"{q.name:<10} {q.positive:>8} {q.recall:>7.1%} {q.clean:>6} {q.false_positive_rate:>6.1%}")
    print()
    header = f"{'kind':<18} {'docs':>5}" + "".join(f" {q.name:>9}" for q in rows)
    print(header)
    for kind in sorted(rows[0].kind_total):
        line = f"{kind:<18} {rows[0].kind_total[kind]:>5}" + "".join(f" {q.kind_recall(kind):>9.1%}" for q in rows)
        print(line)
    print()
    print(f"{'doc type':<16} {'docs':>5}" + "".join(f" {q.name + ' rec':>12} {q.name + ' FPR':>12}" for q in rows))
    types = sorted(set(rows[0].type_total) | set(rows[0].type_clean))
    for t in types:
        n = rows[0].type_total[t] + rows[0].type_clean[t]
        cells = ""
        for q in rows:
            rec = q.type_recall(t)
            fpr = q.type_fpr(t)
            cells += f" {'-' if rec != rec else f'{rec:.1%}':>12} {'-' if fpr != fpr else f'{fpr:.1%}':>12}"
        print(f"{t:<16} {n:>5}{cells}")
    if verbose:
        q = rows[0]
        for doc, found in q.misses:
            print(f"\nMISS {doc.id} {doc.doc_type} labels {sorted(doc.labels)} found {sorted(found)}:\n{doc.text}")
        for doc, found in q.false_positives:
            print(f"\nFP   {doc.id} {doc.doc_type} found {sorted(found)}:\n{doc.text}")


def _lines_report(verbose: bool) -> None:
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
    if verbose:
        for sample, found in q.misses:
            print(f"MISS  expected {sorted(sample.expected)} found {sorted(found)}: {sample.text}")
        for sample, found in q.invalid_flagged:
            print(f"FP    invalid variant flagged {sorted(found)}: {sample.text}")
        for line, found in q.negative_flagged:
            print(f"FP    negative line flagged {sorted(found)}: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print every miss and false positive")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio comparison row")
    parser.add_argument("--lines", action="store_true", help="report the line corpora instead")
    args = parser.parse_args()
    if args.lines:
        _lines_report(args.verbose)
        return
    rows = [measure_corpus(aegis_kinds)]
    presidio = None if args.no_presidio else presidio_kinds()
    if presidio is not None:
        rows.append(measure_corpus(presidio, "presidio"))
    elif not args.no_presidio:
        print("Presidio comparison skipped: presidio-analyzer is not installed.\n")
    _report(rows, args.verbose)


if __name__ == "__main__":
    main()
