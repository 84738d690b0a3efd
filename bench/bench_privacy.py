"""Throughput of the PII/PHI detector.

Usage::

    python bench/bench_privacy.py                 # table of MB/s and ms per prompt
    python bench/bench_privacy.py --json out.json # also write the results
    python bench/bench_privacy.py --rounds 31     # more rounds, steadier medians
    python bench/bench_privacy.py --cpu           # CPU time instead of wall time (a shared machine)
    python bench/bench_privacy.py --against 66becda  # CPU time against the detector of a commit

Measures ``detect`` on 1 KB, 10 KB and 100 KB prompts of mixed German and
English text (prose, source code, log lines, numbers), once without personal
data and once with about one entity per 400 characters; and on 10 KB and 100 KB
made of personal data only (PII "only": the corpus's positive lines one after
another, an entity every 30 to 60 characters, as in a CRM export or a stack of
clinical notes); and 100 KB of the evaluation corpus's documents one after another (PII
"mix": letters, tickets, clinical notes, logs and code, half of them without personal data;
a far larger vocabulary than the other prompts); and 100 KB of a JSON service log (PII "log": epoch
timestamps, ten-digit order numbers, durations, every number new, so no validator's cache helps; the
other prompts draw their values from fixed lists, which warm those caches after the first round).
Each figure is the
median of repeated rounds. When ``presidio-analyzer`` is importable, its
regex-based recognizers run on the same text, without an NLP engine or spaCy
model, and the speed ratio is printed. Timings are for information only;
tests never assert on them.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_aegis.privacy import detect

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "privacy"
SIZES = (1_000, 10_000, 100_000)
# (size, PII): without, an entity per PII_EVERY characters, and personal data only.
PROMPTS = (
    *((size, pii) for size in SIZES for pii in ("no", "yes")),
    (10_000, "only"),
    (100_000, "only"),
    (100_000, "mix"),
    (100_000, "log"),
)
PII_EVERY = 400  # characters of ordinary text per inserted entity in the "with PII" prompts

PROSE = (
    "Die Besprechung wurde auf Donnerstag verschoben, weil der Kunde noch Rückfragen zur Lieferung hat.",
    "Bitte fassen Sie die wichtigsten Punkte des Berichts in drei Sätzen zusammen.",
    "Wir haben die Anforderungen mit dem Fachbereich abgestimmt und den Zeitplan angepasst.",
    "Die neue Version der Anwendung enthält zahlreiche Verbesserungen bei der Suche.",
    "Könnten Sie prüfen, ob die Schnittstelle auch bei hoher Last stabil bleibt?",
    "Im letzten Quartal ist der Umsatz im Vergleich zum Vorjahr leicht gestiegen.",
    "Der Entwurf für die Präsentation liegt im gemeinsamen Ordner bereit.",
    "Übersetze den folgenden Absatz ins Englische und achte auf einen sachlichen Ton.",
    "Die Migration der Datenbank ist für das kommende Wochenende geplant.",
    "Extrahiere alle Produktnamen und Preise aus der folgenden Tabelle.",
    "The meeting was moved to Thursday because the customer still has questions about delivery.",
    "Please summarise the key findings of the attached report in three bullet points.",
    "We aligned the requirements with the business team and adjusted the timeline.",
    "The new release ships with many improvements to search and filtering.",
    "Could you check whether the API stays stable under heavy load?",
    "Revenue grew slightly last quarter compared with the same period last year.",
    "Classify each support ticket as billing, technical or account related.",
    "Rewrite the paragraph below in a friendly but professional tone.",
    "The migration of the database is scheduled for the coming weekend.",
    "Extract every product name and price from the following table.",
)


def _negative_lines() -> list[str]:
    lines = (DATA / "negative.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _pii_lines() -> list[str]:
    samples = []
    for line in (DATA / "positive.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            if label != "-":
                samples.append(text)
    return samples


def make_prompt(size: int, *, with_pii: bool, seed: int = 7, only_pii: bool = False) -> str:
    """A reproducible prompt of ``size`` characters: prose with technical lines, optionally PII.

    ``only_pii``: personal-data lines only, no prose or technical lines between them.
    """
    rng = random.Random(seed)

    technical, pii = _negative_lines(), _pii_lines()
    parts: list[str] = []
    length = since_pii = 0
    while length < size:
        if only_pii or (with_pii and since_pii >= PII_EVERY):
            piece, since_pii = rng.choice(pii), 0
        else:
            piece = rng.choice(technical) if rng.random() < 0.3 else rng.choice(PROSE)
        parts.append(piece)
        length += len(piece) + 1
        since_pii += len(piece) + 1
    return "\n".join(parts)[:size]


def corpus_prompt(size: int, *, seed: int = 7) -> str:
    """A reproducible prompt of ``size`` characters: corpus documents one after another, blank lines between."""
    rng = random.Random(seed)
    docs = [json.loads(line)["text"] for line in (DATA / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(rng.choice(docs))
        length += len(parts[-1]) + 2
    return "\n\n".join(parts)[:size]


def log_prompt(size: int, *, seed: int = 7) -> str:
    """A reproducible JSON service log of ``size`` characters, every number in it new (no personal data)."""
    rng = random.Random(seed)
    lines: list[str] = []
    length, ts = 0, 1_733_380_000 + seed * 1_000_000
    while length < size:
        ts += rng.randrange(1, 50)
        lines.append(
            f'{{"ts": {ts}, "level": "{rng.choice(("info", "warn", "debug"))}", "msg": "request served", '
            f'"order": {rng.randrange(10**9, 10**10)}, "trace": "{rng.getrandbits(64):016x}", '
            f'"status": {rng.choice((200, 201, 304, 404, 500))}, "ms": {rng.randrange(1, 900)}}}'
        )
        length += len(lines[-1]) + 1
    return "\n".join(lines)[:size]


def prompt(size: int, pii: str, *, seed: int = 7) -> str:
    """The prompt of one row of :data:`PROMPTS`."""
    if pii == "log":
        return log_prompt(size, seed=seed)
    if pii == "mix":
        return corpus_prompt(size, seed=seed)
    return make_prompt(size, with_pii=pii != "no", only_pii=pii == "only", seed=seed)


def _median_seconds(fn: Callable[[str], Any], text: str, rounds: int, clock: Callable[[], float]) -> float:
    # Repeat small inputs inside a round so each round lasts a few milliseconds.
    inner = max(1, 200_000 // max(len(text), 1))
    fn(text)  # warm caches
    timings = []
    for _ in range(rounds):
        start = clock()
        for _ in range(inner):
            fn(text)
        timings.append((clock() - start) / inner)
    return statistics.median(timings)


def _presidio() -> Callable[[str], Any] | None:
    """Presidio's regex-based recognizers, without an NLP engine, or None when not installed."""
    try:
        from presidio_analyzer import PatternRecognizer, RecognizerRegistry  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:  # Presidio's e-mail check asks tldextract, which would fetch the suffix list online
        import tldextract  # type: ignore[import-not-found,unused-ignore]

        tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    except ImportError:
        pass
    registry = RecognizerRegistry(supported_languages=["en", "de"])
    registry.load_predefined_recognizers(languages=["en", "de"])
    recognizers = [r for r in registry.recognizers if isinstance(r, PatternRecognizer)]

    def analyze(text: str) -> list[Any]:
        results: list[Any] = []
        for recognizer in recognizers:
            results.extend(recognizer.analyze(text, recognizer.supported_entities, None) or [])
        return results

    return analyze


def run(rounds: int, *, cpu: bool = False) -> dict[str, Any]:
    """Measure every size with and without PII; returns JSON-friendly results.

    Args:
        rounds: rounds per measurement; the median is reported.
        cpu: measure CPU time of this process (``time.process_time``) instead of wall time,
            which on a shared, loaded machine also counts the time other processes ran.
    """
    clock = time.process_time if cpu else time.perf_counter
    presidio = _presidio()
    rows = []
    for size, pii in PROMPTS:
        text = prompt(size, pii)
        nbytes = len(text.encode("utf-8"))
        seconds = _median_seconds(detect, text, rounds, clock)
        row: dict[str, Any] = {
            "size": size,
            "pii": pii,
            "bytes": nbytes,
            "findings": len(detect(text)),
            "ms": seconds * 1e3,
            "ms_per_kb": seconds * 1e3 / (nbytes / 1000),
            "mb_per_s": nbytes / seconds / 1e6,
        }
        if presidio is not None:
            p_seconds = _median_seconds(presidio, text, max(3, rounds // 3), clock)
            row["presidio_ms"] = p_seconds * 1e3
            row["presidio_mb_per_s"] = nbytes / p_seconds / 1e6
            row["speedup_vs_presidio"] = p_seconds / seconds
        rows.append(row)
    return {
        "python": sys.version.split()[0],
        "rounds": rounds,
        "clock": "cpu" if cpu else "wall",
        "presidio": presidio is not None,
        "results": rows,
    }


_ROOT = Path(__file__).resolve().parent.parent


def detector_at(ref: str) -> Callable[[str], Any]:
    """``detect`` of ``langchain_aegis/privacy`` as of git commit ``ref``, importable next to today's.

    The package is copied out of git into a temporary directory under another name, its
    imports of itself renamed, so both detectors run in one process and see the same load.
    """
    name = "aegis_privacy_" + "".join(c for c in ref if c.isalnum())
    root = Path(tempfile.mkdtemp(prefix="aegis-bench-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    target = root / name
    listing = subprocess.run(
        ["git", "-C", str(_ROOT), "ls-tree", "-r", "--name-only", ref, "langchain_aegis/privacy"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    for path in listing:
        content = subprocess.run(["git", "-C", str(_ROOT), "show", f"{ref}:{path}"], check=True, capture_output=True)
        out = target / Path(path).relative_to("langchain_aegis/privacy")
        out.parent.mkdir(parents=True, exist_ok=True)
        data = content.stdout
        if path.endswith(".py"):
            data = data.replace(b"langchain_aegis.privacy", name.encode())
        out.write_bytes(data)
    sys.path.append(str(target.parent))
    return importlib.import_module(f"{name}.detector").detect  # type: ignore[no-any-return]


def compare(ref: str, rounds: int) -> list[dict[str, Any]]:
    """CPU time of today's detector against the one at ``ref``, alternating round by round."""
    before = detector_at(ref)
    rows = []
    for size, pii in PROMPTS:
        timings: dict[str, list[float]] = {"before": [], "after": []}
        sizes: list[int] = []
        for i in range(rounds):
            # a fresh prompt each round
            text = prompt(size, pii, seed=1000 + i)
            sizes.append(len(text.encode("utf-8")))
            inner = max(1, 50_000 // size)
            for key, fn in (("before", before), ("after", detect)):
                start = time.process_time()
                for _ in range(inner):
                    fn(text)
                timings[key].append((time.process_time() - start) / inner)
        b, a = statistics.median(timings["before"]), statistics.median(timings["after"])
        nbytes = statistics.median(sizes)
        rows.append(
            {
                "size": size,
                "pii": pii,
                "before_ms": b * 1e3,
                "after_ms": a * 1e3,
                "before_mb_per_s": nbytes / b / 1e6,
                "after_mb_per_s": nbytes / a / 1e6,
                "speedup": b / a,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="rounds per measurement (median is reported)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--cpu", action="store_true", help="CPU time of this process instead of wall time")
    parser.add_argument("--against", metavar="REF", help="compare CPU time with the detector at git commit REF")
    args = parser.parse_args()
    if args.against:
        print(
            f"{'prompt':>8} {'PII':>4} {'before ms':>10} {'after ms':>9} "
            f"{'before MB/s':>12} {'after MB/s':>11} {'speed-up':>9}"
        )
        for row in compare(args.against, args.rounds):
            print(
                f"{row['size'] // 1000:>6}KB {row['pii']:>4} {row['before_ms']:>10.3f} "
                f"{row['after_ms']:>9.3f} {row['before_mb_per_s']:>12.1f} {row['after_mb_per_s']:>11.1f} "
                f"{row['speedup']:>8.2f}x"
            )
        return
    report = run(args.rounds, cpu=args.cpu)
    header = f"{'prompt':>8} {'PII':>4} {'findings':>8} {'ms':>9} {'ms/KB':>8} {'MB/s':>8}"
    if report["presidio"]:
        header += f" {'presidio MB/s':>14} {'speed-up':>9}"
    print(header)
    for row in report["results"]:
        line = (
            f"{row['size'] // 1000:>6}KB {row['pii']:>4} {row['findings']:>8} "
            f"{row['ms']:>9.3f} {row['ms_per_kb']:>8.4f} {row['mb_per_s']:>8.1f}"
        )
        if report["presidio"]:
            line += f" {row['presidio_mb_per_s']:>14.2f} {row['speedup_vs_presidio']:>8.1f}x"
        print(line)
    if not report["presidio"]:
        print("\nPresidio comparison skipped: presidio-analyzer is not installed (pip install presidio-analyzer).")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
