"""Differential fuzzer of the PII/PHI detector: the working tree's ``detect()`` against a git commit's.

Usage, from the repository root::

    PYTHONPATH=. .venv/bin/python scripts/fuzz_detector.py --against REF [--seconds S] [--seed N]
        [--long-every K] [--out DIR]

The candidate is ``langchain_aegis`` of the working tree this script lives in (asserted on import); the
reference is ``bench_privacy.detector_at(REF)``, the detector of commit ``REF`` imported next to it under
another name. Both run on the same generated texts: corpus splices (``tests/data/privacy``), numbers in
every shape (IBANs, card numbers, phones, dates, years with their words), names with salutations, health
terms, addresses, ages, and identifiers with valid checksums (``scripts/_fuzz_values.py``); mostly short
texts, one 10 to 100 KB text every ``--long-every`` short ones, some with their case changed.

A mismatch is a text on which the findings (entity, start, end) differ: ``detect()`` differs from the
reference: a finding lost is personal data sent to a cloud; investigate before merging. Every mismatch
counts; a deliberate change of the detector shows up as mismatches too, which its author must explain.

Output in ``--out`` (default: a new temporary directory, printed at start; never the repository):
``mismatch-<seed>.jsonl``, one line per mismatch, the first few per signature (the entity types that
differ) shrunk to a minimal text, with both detectors' findings; ``crashes-<seed>.jsonl``, texts on which
a detector raised (the same exception from both counts as agreement); ``summary-<seed>.json``, rewritten
as the run goes and at its end. Progress lines go to stdout. Exit status 1 when there was a mismatch.
Run it for every detector change, at least ~15 minutes (``--seconds 900``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "privacy"
NAMES = ROOT / "langchain_aegis" / "privacy" / "data" / "names.txt.gz"

Detect = Callable[[str], Any]
Outcome = list[tuple[Any, ...]]

# ---------------------------------------------------------------- material
SEPS = [" ", "\n", ", ", "\t", "", ". ", "; ", " - ", "\n\n", ": "]
SALUT = [
    "Herr", "Frau", "Dr.", "Dr", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Prof.", "Patient:", "Patientin:", "Hallo",
    "Name:", "Sehr geehrter Herr", "Sehr geehrte Frau", "Dear", "herr", "frau", "HERR", "FRAU", "dr", "mr",
    "Patient", "patient:", "Pat.", "Kunde:", "Herrn",
]  # fmt: skip
HEALTH = [
    "Diabetes", "HbA1c 9.1%", "Metformin 500 mg", "HIV-positiv", "HIV positive", "Depression", "Krebs",
    "Brustkrebs", "Asthma", "Hypertonie", "Bluthochdruck", "Diagnose: E11.9", "Diagnosis: type 2 diabetes",
    "Chemotherapie", "Insulin 10 IE", "ICD F32.1", "E11.9", "schwanger", "pregnant", "Herzinfarkt",
    "Leukämie", "Hepatitis C", "arbeitsunfähig", "Krankschreibung", "Befund", "Therapie", "Medikation",
    "Ibuprofen 400 mg", "Blutdruck 150/95 mmHg", "Kreatinin 1.4 mg/dl", "depressiv", "Tumor", "Metastasen",
    "Gewerkschaft", "katholisch", "muslimisch", "homosexuell", "ver.di-Mitglied", "Parteimitglied der SPD",
    "Anamnese", "Symptome", "Klinik", "Krankenhaus", "diabetes mellitus", "HIV", "AIDS", "Schizophrenie",
]  # fmt: skip
STREETS = [
    "Hauptstraße 5, 10115 Berlin", "Am Markt 19, 80331 München", "Bahnhofstr. 12a\n20095 Hamburg",
    "Lindenweg 3, 50667 Köln", "221B Baker Street, London NW1 6XE", "123 Main St, Springfield, IL 62704",
    "Goethestraße 7 60311 Frankfurt am Main", "Schillerplatz 1, 01067 Dresden", "Kirchgasse 4, 8001 Zürich",
    "Ringstraße 100, 1010 Wien", "Musterstr. 1", "10115 Berlin", "Hauptstr 5",
]  # fmt: skip
AGES = [
    "54M", "54 M", "54 Jahre", "54-jährige", "54-jähriger", "(54 J.)", "81 y/o", "45-year-old", "m, 54",
    "54 years old", "54yo", ", 54 Jahre", "(w, 33)", "33F", "33 f",
]  # fmt: skip
YEAR_WORDS = [
    "geb.", "geboren", "born", "Jahrgang", "*", "(", "-", "in", "died", "starb", "im Jahr", "seit", "um",
    "year", "Januar", "Jan", "März", "Mar", "March", "Mai", "May", "Juni", "July", "Aug.", "September",
    "Septembertagen", "Okt", "October", "Nov", "Dezember", "Dec", "†", "\u2013", "erstmals", "wurde", "was",
    "first", "entdeckt", "beschrieb", ")", ";", "* 21. März", "(geb.", "r", "Jg.", "Jahr",
]  # fmt: skip
MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
    "November", "Dezember", "January", "March", "June", "October", "December",
]  # fmt: skip
NUMSEPS = [" ", ".", "-", "/", "", "  ", " / ", "\n"]
KEYWORDS = [
    "IBAN", "IBAN:", "Tel.", "Tel:", "Telefon", "phone", "Mobil", "Fax", "SSN", "SVNR", "Steuer-ID",
    "Steuernummer", "St.-Nr.", "tax id", "NHS", "NHS number", "Versicherungsnummer", "KVNR",
    "Rentenversicherungsnummer", "AHV", "AHV-Nr.", "Pass", "Reisepass", "Personalausweis", "Konto",
    "Kreditkarte", "card", "Visa", "BIC", "geb.", "DOB", "Geburtsdatum", "date of birth", "IP", "Kunden-Nr.",
    "Rechnung", "Bestellung", "Order", "ID", "Nr.", "Aktenzeichen", "PLZ", "USt-IdNr.", "TIN", "NINO",
    "Führerschein", "Kennzeichen", "Versichertennummer", "Patienten-ID", "MRN", "Fallnummer",
]  # fmt: skip
FILLER = (
    "Die Besprechung wurde auf Donnerstag verschoben, weil der Kunde noch Rückfragen hat. "
    "The meeting was moved to Thursday because the customer still has questions about delivery. "
    "Bitte fassen Sie die wichtigsten Punkte des Berichts zusammen. We aligned the requirements. "
)
KNOWN_GOOD = [
    "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19",
    "CH93 0076 2011 6238 5295 7", "AT61 1904 3002 3457 3201", "NL91 ABNA 0417 1643 00",
    "4111 1111 1111 1111", "4111-1111-1111-1111", "5500 0000 0000 0004", "3782 822463 10005",
    "030 12345678", "+49 30 12345678", "+49 (0)30 1234567", "0151 23456789", "(030) 1234567",
    "+41 44 668 18 00", "+1 (555) 123-4567", "555-123-4567", "078-05-1120", "123-45-6789",
    "756.1234.5678.97", "756.9217.0769.85", "12 345 678 903", "65 070649 M 032", "A123456780",
    "943 476 5919", "AB 12 34 56 C", "QQ123456C", "192.168.1.1", "8.8.8.8", "85.214.132.117",
    "12.03.1985", "1985-03-12", "03/12/1985", "* 12.03.1985", "r 1985", "*1985", "T22000129",
    "L01X00T47", "M-AB 1234", "B-XY 123E", "86095742719", "47 036 892 816", "1234567890",
    "2024-05-17", "12:03:44.123", "v1.2.3.4", "20240517", "000123456789",
]  # fmt: skip


class Material:
    """Texts and names from the repository: corpus lines, negatives, first and last names."""

    def __init__(self) -> None:
        self.positive = [
            line.split("\t", 1)[1]
            for line in (DATA / "positive.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and "\t" in line
        ]
        self.negative = [
            line
            for line in (DATA / "negative.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        self.corpus = [
            json.loads(line)["text"]
            for line in (DATA / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        with gzip.open(NAMES, "rt", encoding="utf-8") as fh:
            names = fh.read().splitlines()
        last_at = names.index("# last")
        self.first = [n for n in names[1:last_at] if n and not n.startswith("#")]
        self.last = [n for n in names[last_at + 1 :] if n and not n.startswith("#")]


class Texts:
    """Generator of fuzz texts, all drawn from one seeded ``random.Random``."""

    def __init__(self, rng: random.Random, material: Material, values: ModuleType, pools: dict[str, list[str]]):
        self.rng = rng
        self.m = material
        self.values = values
        self.pools = pools

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    @staticmethod
    def luhn_complete(body: str) -> str:
        s = 0
        for i, ch in enumerate(reversed(body)):
            d = int(ch)
            if i % 2 == 0:
                d *= 2
                if d > 9:
                    d -= 9
            s += d
        return body + str((10 - s % 10) % 10)

    def iban_like(self) -> str:
        rng = self.rng
        cc = rng.choice(["DE", "GB", "CH", "AT", "NL", "FR", "de", "De", "XX", "IT", "ES", "BE", "PL"])
        bban = self.digits(rng.choice([10, 12, 14, 16, 18, 20, 22]))
        if rng.random() < 0.6:  # valid check digits
            num = "".join(str(int(ch, 36)) for ch in (bban + cc.upper() + "00"))
            s = f"{cc}{98 - int(num) % 97:02d}{bban}"
        else:
            s = cc + self.digits(2) + bban
        if rng.random() < 0.6:
            sep = rng.choice([" ", " ", "\n", "-", ""])
            s = sep.join(s[i : i + 4] for i in range(0, len(s), 4))
        return s

    def grouped(self, ds: str) -> str:
        rng = self.rng
        out = []
        i = 0
        while i < len(ds):
            k = rng.randint(1, 5)
            out.append(ds[i : i + k])
            i += k
        sep = rng.choice(NUMSEPS)
        if rng.random() < 0.3:
            return "".join(g + rng.choice(NUMSEPS) for g in out)[:-1] or ds
        return sep.join(out)

    def number_piece(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return rng.choice(KNOWN_GOOD)
        if r < 0.25:
            return self.iban_like()
        if r < 0.35:
            card = self.luhn_complete(rng.choice("3456") + self.digits(rng.choice([12, 14, 15, 17])))
            return self.grouped(card) if rng.random() < 0.7 else card
        if r < 0.45:
            prefix = rng.choice(["0", "+49 ", "+41 ", "0049 ", "(0", "+1 ", "+44 ", "00"])
            return prefix + self.grouped(self.digits(rng.randint(4, 12)))
        if r < 0.58:
            d, m, y = rng.randint(0, 35), rng.randint(0, 13), rng.randint(1000, 2030)
            return rng.choice(
                [
                    f"{d:02d}.{m:02d}.{y}",
                    f"{y}-{m:02d}-{d:02d}",
                    f"{m}/{d}/{y}",
                    f"{d}. {rng.choice(MONTHS)} {y}",
                    f"{rng.choice(MONTHS)} {y}",
                    str(y),
                    f"({y}-{rng.randint(1000, 2030)})",
                    f"{y}\u2013{y + rng.randint(1, 90)}",
                ]
            )
        if r < 0.72:
            y = str(rng.randint(1000, 2030))
            w = rng.choice(YEAR_WORDS)
            return rng.choice(
                [w + " " + y, w + y, y + " " + w, y + w, "(" + y + ")", y + rng.choice(["", "3", ".", ",", "0"])]
            )
        if r < 0.85:
            return self.grouped(self.digits(rng.randint(4, 22)))
        return (
            rng.choice(KEYWORDS)
            + rng.choice([" ", ": ", "", " Nr. ", "\n"])
            + self.grouped(self.digits(rng.randint(6, 14)))
        )

    def name(self) -> str:
        rng, m = self.rng, self.m
        r = rng.random()
        if r < 0.45:
            return rng.choice(m.first) + " " + rng.choice(m.last)
        if r < 0.6:
            return rng.choice(m.last)
        if r < 0.7:
            return rng.choice(m.last) + ", " + rng.choice(m.first)
        if r < 0.8:
            return rng.choice(m.first)
        if r < 0.9:
            return rng.choice(m.first) + " " + rng.choice(m.last) + "-" + rng.choice(m.last)
        return rng.choice(
            ["Ioana Brennecke", "Anna Schmidt", "Müller", "Smith", "Ayşe Johnson", "Braun, Anna", "Oliver Rodriguez"]
        )

    def people_piece(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            return rng.choice(SALUT) + " " + self.name()
        if r < 0.5:
            return self.name() + rng.choice(
                [" hat ", " has ", " ist ", " is ", " leidet an ", " (", " war ", " wurde ", " "]
            )
        if r < 0.7:
            return rng.choice(HEALTH)
        if r < 0.8:
            return rng.choice(STREETS)
        if r < 0.9:
            return rng.choice(AGES)
        return (
            self.name()
            + " "
            + rng.choice(
                [
                    "(" + str(rng.randint(1000, 2030)) + "-" + str(rng.randint(1000, 2030)) + ")",
                    "geb. " + str(rng.randint(1000, 2030)),
                    "born " + str(rng.randint(1000, 2030)),
                    "* " + str(rng.randint(1, 28)) + ". März " + str(rng.randint(1000, 2030)),
                ]
            )
        )

    def corpus_piece(self) -> str:
        rng, m = self.rng, self.m
        t = rng.choice(rng.choice((m.positive, m.positive, m.negative, m.corpus)))
        if rng.random() < 0.4 and len(t) > 4:
            a = rng.randrange(len(t))
            b = rng.randrange(a, len(t) + 1)
            t = t[a:b]
        return t

    def id_piece(self) -> str:
        return str(self.values.render(self.rng, self.pools))

    def filler(self, n: int) -> str:
        if n <= 0:
            return ""
        a = self.rng.randrange(len(FILLER))
        return (FILLER * (n // len(FILLER) + 2))[a : a + n]

    def case_mut(self, t: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.55 or not t:
            return t
        if r < 0.65:
            return t.lower()
        if r < 0.72:
            return t.upper()
        if r < 0.77:
            return t.title()
        for _ in range(rng.randint(1, 4)):
            a = rng.randrange(len(t))
            b = min(len(t), a + rng.randint(1, 60))
            f = rng.choice([str.lower, str.upper, str.title, str.swapcase])
            t = t[:a] + f(t[a:b]) + t[b:]
        return t

    def piece(self, kind: str) -> str:
        rng = self.rng
        if kind == "splice":
            return self.corpus_piece()
        if kind == "num":
            if rng.random() < 0.8:
                return self.number_piece()
            return self.corpus_piece() if rng.random() < 0.5 else rng.choice(self.m.last)
        if kind == "ids":
            r = rng.random()
            return self.id_piece() if r < 0.7 else (self.number_piece() if r < 0.85 else self.people_piece())
        if kind == "people":
            r = rng.random()
            return self.people_piece() if r < 0.75 else (self.number_piece() if r < 0.9 else self.corpus_piece())
        return rng.choice((self.corpus_piece, self.number_piece, self.people_piece, self.id_piece))()

    def short_text(self) -> tuple[str, str]:
        rng = self.rng
        kind = rng.choice(["splice", "num", "people", "mix", "people", "num", "ids", "ids"])
        parts = []
        for _ in range(rng.randint(1, 8)):
            parts.append(self.piece(kind))
            r = rng.random()
            if r < 0.6:
                parts.append(rng.choice(SEPS))
            elif r < 0.85:
                parts.append(rng.choice(SEPS) + self.filler(rng.randint(0, 80)) + rng.choice(SEPS))
            else:
                parts.append(" " + self.filler(rng.randint(180, 320)) + " ")
        t = "".join(parts)
        if rng.random() < 0.3 and len(t) > 2:  # cut at random points
            a = rng.randrange(len(t) // 2)
            b = rng.randrange(a + 1, len(t) + 1)
            t = t[a:b]
        return kind, self.case_mut(t)

    def long_text(self) -> tuple[str, str]:
        rng = self.rng
        target = rng.randint(10_000, 100_000)
        kind = rng.choice(["splice", "num", "people", "mix", "ids"])
        dense = rng.random() < 0.5
        parts: list[str] = []
        n = 0
        while n < target:
            p = self.piece(kind)
            if rng.random() < 0.1:
                p = self.case_mut(p)
            parts.append(p)
            sep = rng.choice(SEPS) if dense or rng.random() < 0.5 else " " + self.filler(rng.randint(10, 300)) + " "
            parts.append(sep)
            n += len(p) + len(sep)
        t = "".join(parts)
        if rng.random() < 0.2:
            t = self.case_mut(t)
        return "long-" + kind, t


# ---------------------------------------------------------------- comparing and shrinking
def outcome(detect: Detect, text: str) -> Outcome:
    """The findings as (entity, start, end), or one ("EXC", type, message) when ``detect`` raised."""
    try:
        return [(f.entity, f.start, f.end) for f in detect(text)]
    except Exception as exc:  # the same exception from both detectors counts as agreement; recorded apart
        return [("EXC", type(exc).__name__, str(exc)[:80])]


def shrink(text: str, still_fails: Callable[[str], bool], budget: int = 4000, seconds: float = 30) -> str:
    """A shorter text on which ``still_fails`` holds, by deleting ever smaller chunks (ddmin-like)."""
    calls = 0
    deadline = time.time() + seconds
    n = 2
    while len(text) >= 2 and calls < budget and time.time() < deadline:
        size = max(1, len(text) // n)
        changed = False
        i = 0
        while i < len(text) and calls < budget:
            candidate = text[:i] + text[i + size :]
            calls += 1
            if candidate and still_fails(candidate):
                text = candidate
                changed = True
            else:
                i += size
        if not changed:
            if size == 1:
                break
            n = min(len(text), n * 2)
    return text


def load_detectors(ref: str) -> tuple[Detect, Detect, ModuleType]:
    """The working tree's ``detect``, the one of commit ``ref``, and ``scripts/_fuzz_values``."""
    sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "scripts")]
    import langchain_aegis

    pkg = Path(langchain_aegis.__file__).resolve().parent
    assert pkg == ROOT / "langchain_aegis", f"imported {pkg}, not the working tree's {ROOT / 'langchain_aegis'}"
    import _fuzz_values
    import bench_privacy

    from langchain_aegis.privacy import detect

    reference = bench_privacy.detector_at(ref)
    assert reference.__module__.startswith("aegis_privacy_"), reference.__module__
    return detect, reference, _fuzz_values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", required=True, metavar="REF", help="git commit of the reference detector")
    parser.add_argument("--seconds", type=float, default=600, help="how long to generate texts (default 600)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--long-every", type=int, default=1500, help="one long text per this many short ones")
    parser.add_argument("--max-shrinks", type=int, default=40, help="shrink at most this many mismatches")
    parser.add_argument("--out", type=Path, help="output directory (default: a new temporary directory)")
    args = parser.parse_args()

    out_dir: Path = args.out or Path(tempfile.mkdtemp(prefix="aegis-fuzz-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    mismatch_path = out_dir / f"mismatch-{args.seed}.jsonl"
    crash_path = out_dir / f"crashes-{args.seed}.jsonl"
    summary_path = out_dir / f"summary-{args.seed}.json"
    print(f"fuzzing {ROOT / 'langchain_aegis'} against {args.against}; output in {out_dir}", flush=True)

    cand, ref, values = load_detectors(args.against)
    texts = Texts(random.Random(args.seed), Material(), values, values.build_pools(random.Random(12345)))

    def differs(t: str) -> bool:
        return outcome(ref, t) != outcome(cand, t)

    kinds: dict[str, int] = {}
    signatures: dict[str, int] = {}
    crashes: dict[str, int] = {}
    chars = found = i = 0
    t0 = time.time()

    def summary(partial: bool) -> dict[str, Any]:
        return {
            "against": args.against,
            "seed": args.seed,
            "texts": i,
            "chars": chars,
            "kinds": kinds,
            "mismatches": found,
            "signatures": signatures,
            "crashes": crashes,
            "seconds": round(time.time() - t0, 1),
            "partial": partial,
        }

    while time.time() - t0 < args.seconds:
        i += 1
        kind, t = texts.long_text() if i % args.long_every == 0 else texts.short_text()
        kinds[kind] = kinds.get(kind, 0) + 1
        chars += len(t)
        if i % 20000 == 0:
            summary_path.write_text(json.dumps(summary(True), indent=1))
        if i % 5000 == 0:
            print(f"[{time.time() - t0:.0f}s] {i} texts, {chars / 1e6:.1f} MB, {found} mismatches", flush=True)
        a, b = outcome(ref, t), outcome(cand, t)
        for who, res in (("ref", a), ("cand", b)):
            if res and res[0][0] == "EXC":
                crash = f"{who}:{res[0][1]}"
                crashes[crash] = crashes.get(crash, 0) + 1
                if crashes[crash] <= 5:
                    print("CRASH", crash, res[0][2], repr(t[:200]), flush=True)
                    with crash_path.open("a", encoding="utf-8") as fh:
                        rec = {"detector": who, "kind": kind, "error": res[0], "ref": a[:5], "cand": b[:5], "text": t}
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        if a == b:
            continue
        sig = repr(sorted({str(x[0]) for x in set(a) ^ set(b)}))
        signatures[sig] = signatures.get(sig, 0) + 1
        found += 1
        rec: dict[str, Any] = {"kind": kind, "sig": sig, "len": len(t)}
        if signatures[sig] <= 3 and found <= args.max_shrinks:
            small = shrink(t, differs)
            rec.update(
                text=small, ref=outcome(ref, small), cand=outcome(cand, small), orig=t if len(t) < 3000 else None
            )
        else:
            rec.update(text=t if len(t) < 3000 else t[:3000] + "...", ref=a[:50], cand=b[:50])
        with mismatch_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print("MISMATCH", sig, len(t), repr(rec["text"][:200]), flush=True)

    final = summary(False)
    summary_path.write_text(json.dumps(final, indent=1))
    print(json.dumps(final, indent=1), flush=True)
    print(f"{found} mismatches; output in {out_dir}", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
