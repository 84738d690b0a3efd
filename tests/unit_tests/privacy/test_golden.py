"""The detector finds exactly what it found when the golden file was written.

``tests/data/privacy/golden_findings.json`` holds every finding (entity, start,
end) on the evaluation corpus, its lower- and upper-case variants and the
benchmark prompts. Speed work on the detector must not change a single one; a
change that means to is followed by ``python tests/data/privacy/make_golden.py``
and a look at the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "privacy"
sys.path.insert(0, str(DATA))

from make_golden import GOLDEN, findings, summary  # noqa: E402


def test_findings_match_the_golden_file() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = findings()
    if found != golden["findings"]:
        changed = sorted(
            name for name in set(found) | set(golden["findings"]) if found.get(name) != golden["findings"].get(name)
        )
        now = summary(found)["counts"]
        diff = {k: (golden["counts"].get(k, 0), now.get(k, 0)) for k in set(now) | set(golden["counts"])}
        diff = {k: v for k, v in sorted(diff.items()) if v[0] != v[1]}
        raise AssertionError(f"{len(changed)} texts changed, e.g. {changed[:8]}; counts (golden, now): {diff}")
    assert summary(found)["sha256"] == golden["sha256"]
