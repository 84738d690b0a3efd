"""Identifiers with valid checksums, rendered with varied separators and context, for the fuzzer.

Used by ``scripts/fuzz_detector.py`` (the detector's differential fuzzer); not a script of its own.
``build_pools`` draws, per kind, up to ``k`` values that pass the working tree's own validators in
``langchain_aegis.privacy._checksums`` (German tax ID, tax number, KVNR and RVNR; Austrian SVNR; Swiss AHV;
UK NHS number and NINO; US SSN). ``render`` writes one of them as a prompt might contain it: grouped,
lower-cased, glued to neighbouring characters, with or without its keyword.

A value the fuzzer builds from these and on which the two detectors disagree is a mismatch: ``detect()``
differs from the reference: a finding lost is personal data sent to a cloud; investigate before merging.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable

from langchain_aegis.privacy import _checksums as c

CAPS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _date6(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"


def _find(make: Callable[[], str], ok: Callable[[str], bool], tries: int = 20000) -> str | None:
    """The first of ``tries`` values from ``make`` that ``ok`` accepts, or None."""
    for _ in range(tries):
        v = make()
        with contextlib.suppress(Exception):
            if ok(v):
                return v
    return None


def build_pools(rng: random.Random, k: int = 60) -> dict[str, list[str]]:
    """Up to ``k`` valid values per kind of identifier; kinds with none found are left out."""
    makers: dict[str, tuple[Callable[[], str], Callable[[str], bool]]] = {
        "taxid": (lambda: str(rng.randint(1, 9)) + _d(rng, 10), c.de_tax_id_ok),
        "svnr": (lambda: str(rng.randint(1, 9)) + _d(rng, 3) + _date6(rng), c.at_svnr_ok),
        "nhs": (lambda: _d(rng, 10), c.uk_nhs_ok),
        "kvnr": (lambda: rng.choice(CAPS) + _d(rng, 9), c.de_kvnr_ok),
        "rvnr": (lambda: _d(rng, 2) + _date6(rng) + rng.choice(CAPS) + _d(rng, 3), c.de_rvnr_ok),
        "ahv": (lambda: "756" + _d(rng, 10), c.ch_ahv_ok),
        "nino": (
            lambda: (
                rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ") + _d(rng, 6) + rng.choice("ABCD")
            ),
            c.uk_nino_ok,
        ),
        "stnr": (lambda: _d(rng, rng.choice([10, 11, 12, 13])), c.de_tax_number_ok),
        "ssn": (lambda: _d(rng, 9), lambda v: c.us_ssn_ok(v[:3], v[3:5], v[5:])),
    }
    pools: dict[str, list[str]] = {}
    for kind, (make, ok) in makers.items():
        found = [v for v in (_find(make, ok) for _ in range(k)) if v]
        if found:
            pools[kind] = found
    return pools


def _groups(rng: random.Random, s: str, sizes: list[int] | None = None) -> list[str]:
    """``s`` cut into groups of ``sizes`` (the rest as a last group), or of 1 to 5 characters at random."""
    out: list[str] = []
    i = 0
    if sizes:
        for n in sizes:
            out.append(s[i : i + n])
            i += n
        if i < len(s):
            out.append(s[i:])
        return out
    while i < len(s):
        n = rng.randint(1, 5)
        out.append(s[i : i + n])
        i += n
    return out


def render(rng: random.Random, pools: dict[str, list[str]]) -> str:
    """One value from ``pools`` as text: grouped, maybe lower-cased, glued or keyworded."""
    kind = rng.choice(list(pools))
    v = rng.choice(pools[kind])
    sep = rng.choice([" ", " ", "", ".", "-", "/", "  "])
    if kind == "taxid":
        body = rng.choice([v, " ".join(_groups(rng, v, [2, 3, 3, 3])), sep.join(_groups(rng, v))])
        ctx = rng.choice(["Steuer-ID", "Steuerliche Identifikationsnummer:", "IdNr", "TIN", "", "Nr."])
    elif kind == "svnr":
        body = rng.choice([v, v[:4] + " " + v[4:], sep.join(_groups(rng, v))])
        ctx = rng.choice(["SVNR", "Sozialversicherungsnummer", "SV-Nr.", "sv nr", "vsnr:", "", "Versicherungsnummer"])
    elif kind == "nhs":
        body = rng.choice(
            [v, v[:3] + " " + v[3:6] + " " + v[6:], v[:3] + "-" + v[3:6] + "-" + v[6:], sep.join(_groups(rng, v))]
        )
        ctx = rng.choice(["NHS", "NHS number", "NHS no", "", "nhs:"])
    elif kind == "kvnr":
        body = rng.choice([v, v[0] + " " + v[1:], v[0] + sep.join(_groups(rng, v[1:]))])
        ctx = rng.choice(["KVNR", "Versichertennummer", "", "Krankenversicherung"])
    elif kind == "rvnr":
        body = rng.choice(
            [v, v[:2] + " " + v[2:8] + " " + v[8] + " " + v[9:], v[:8] + " " + v[8:], sep.join(_groups(rng, v))]
        )
        ctx = rng.choice(["Rentenversicherungsnummer", "RVNR", "SVNR", ""])
    elif kind == "ahv":
        parts = (v[:3], v[3:7], v[7:11], v[11:])
        body = rng.choice([v, ".".join(parts), " ".join(parts), sep.join(_groups(rng, v))])
        ctx = rng.choice(["AHV", "AHV-Nr.", "AVS", ""])
    elif kind == "nino":
        body = rng.choice(
            [v, " ".join((v[:2], v[2:4], v[4:6], v[6:8], v[8])), v[:2] + " " + v[2:8] + " " + v[8], v[:8]]
        )
        ctx = rng.choice(["NINO", "National Insurance number", ""])
    elif kind == "stnr":
        body = rng.choice(
            [v, v[:3] + "/" + v[3:6] + "/" + v[6:], v[:2] + "/" + v[2:5] + "/" + v[5:], sep.join(_groups(rng, v))]
        )
        ctx = rng.choice(["Steuernummer", "St.-Nr.", "StNr", "St. Nr.", "tax number", "", "Steuer-Nr"])
    else:
        body = rng.choice(
            [v, v[:3] + "-" + v[3:5] + "-" + v[5:], v[:3] + " " + v[3:5] + " " + v[5:], sep.join(_groups(rng, v))]
        )
        ctx = rng.choice(["SSN", "Social Security Number", ""])
    if rng.random() < 0.2:
        body = body.lower()
    pre = rng.choice(["", "", " ", "x", "X", "-", "/", "A", "Z ", "(", "1", "_", "."])
    post = rng.choice(["", "", " ", "x", "X", "A", "C ", "-", ".", ")", "1", "/", " A", "_"])
    join = rng.choice([" ", ": ", "", "\n", " Nr. ", ":\t", " " * rng.randint(2, 40)])
    out = (ctx + join if ctx and rng.random() < 0.7 else "") + pre + body + post
    if rng.random() < 0.15:
        out += rng.choice([" GmbH", " AG", " & Co"])
    return out
