"""Generate ``golden_findings.json``: what ``detect`` finds today, kept as a regression check.

``tests/unit_tests/privacy/test_golden.py`` runs the detector again over the same
texts and fails on any difference, so a change meant only to make the detector
faster cannot quietly change what it finds. The texts are every corpus document
as written, all lower case and all upper case (the re-casing of
:mod:`langchain_aegis.privacy._case`), and the benchmark prompts of
``bench/bench_privacy.py`` (1 KB, 10 KB, 100 KB, with and without personal data, and
10 KB and 100 KB of personal data only, 100 KB of corpus documents).

Regenerate it only on purpose, when a change to what is found is intended and
the corpus quality floors still hold::

    python tests/data/privacy/make_golden.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from langchain_aegis.privacy import detect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
GOLDEN = HERE / "golden_findings.json"
VARIANTS: dict[str, Callable[[str], str]] = {"orig": str, "lower": str.lower, "upper": str.upper}


def texts() -> Iterator[tuple[str, str]]:
    """Every (name, text) pair the golden file covers."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_privacy import PROMPTS, prompt

    docs = [json.loads(line) for line in (HERE / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    for variant, fn in VARIANTS.items():
        for doc in docs:
            yield f"{variant}:{doc['id']}", fn(doc["text"])
    names = {"no": "clean", "yes": "pii", "only": "only", "mix": "mix", "log": "log"}
    for size, pii in PROMPTS:
        yield f"bench:{size}:{names[pii]}", prompt(size, pii)


def findings() -> dict[str, list[list[object]]]:
    """Findings per text name, as ``[entity, start, end]`` lists; texts without findings left out."""
    out = {}
    for name, text in texts():
        found = [[f.entity, f.start, f.end] for f in detect(text)]
        if found:
            out[name] = found
    return out


def summary(found: dict[str, list[list[object]]]) -> dict[str, object]:
    """A digest of all findings and the count per group and entity type."""
    digest = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()
    counts: Counter[str] = Counter()
    for name, spans in found.items():
        for entity, _, _ in spans:
            counts[f"{name.split(':')[0]}:{entity}"] += 1
    return {"sha256": digest, "counts": dict(sorted(counts.items()))}


def main() -> None:
    found = findings()
    head = summary(found)
    # One text per line, so a deliberate regeneration shows as a readable diff.
    lines = [f"  {json.dumps(name)}: {json.dumps(spans)}" for name, spans in sorted(found.items())]
    body = "{\n" + ",\n".join(lines) + "\n}"
    GOLDEN.write_text(
        f'{{"sha256": {json.dumps(head["sha256"])},\n"counts": {json.dumps(head["counts"], indent=1)},\n'
        f'"findings": {body}}}\n',
        encoding="utf-8",
    )
    print(f"wrote {GOLDEN} ({sum(map(len, found.values()))} findings in {len(found)} texts)")


if __name__ == "__main__":
    main()
