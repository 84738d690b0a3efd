"""Medication names: a person next to one is health data (``Anna Schmidt: Amlodipin 5 mg``).

Most drugs are named by their International Nonproprietary Name, and the WHO builds an INN
from a stem that says the drug's class: ``-pril`` (ACE inhibitors), ``-sartan``, ``-olol``,
``-dipin``, ``-statin``, ``-prazol``, ``-gliptin``, ``-mab`` and so on ("The use of stems in
the selection of INNs", WHO). Matching a word's ending against those stems finds thousands of
drugs in their German and English spelling (``Amlodipin``, ``amlodipine``) from a few dozen
endings; a list of names would always lag behind. Common drugs without a stem and the brands
people write instead (``Marcumar``, ``Eliquis``, ``L-Thyroxin``) are listed.

Hand-written: no maintained package on PyPI ships INN stems or drug names for offline matching.
Each stem below was checked against the English and German word lists of Debian's ``wamerican``
and ``wngerman`` packages (``tests/unit_tests/privacy/test_drugs.py`` keeps a sample): no common
word of at least :data:`_MIN_LENGTH` letters ends with one.

Found through the text's distinct words (:class:`._prefilter.WordScan`), like ICD-10 codes.
"""

from __future__ import annotations

import re

from langchain_aegis.privacy._prefilter import WordScan, folded_words

__all__ = ["DRUG_NAMES", "DRUG_STEMS", "drug_terms", "is_drug"]

DRUG_STEMS = (
    # cardiovascular
    "pril", "sartan", "olol", "dilol", "dipin", "dipine", "statin", "xaban", "gatran", "parin", "dogrel", "sugrel",
    "semid", "thiazid", "thiazide", "tanid", "darone", "daron",
    # diabetes and metabolism
    "gliptin", "gliflozin", "glutid", "glutide", "formin", "glinid", "glitazon", "dronat", "dronate",
    # stomach
    "prazol", "prazole", "tidin", "tidine", "setron", "clopramid",
    # nervous system and mind
    "oxetin", "oxetine", "alopram", "pramin", "pramine", "triptylin", "triptyline", "afaxin", "afaxine", "azepam",
    "zolam", "tiapin", "tiapine", "zapin", "zapine", "peridol", "peridon", "peridone", "rasidon", "rasidone",
    "gabalin", "racetam", "trigin", "trigine", "apentin", "zepin", "zepine", "triptan", "codon", "codone", "morphon",
    "fentanil", "phenidat", "phenidate",
    # infection
    "cillin", "mycin", "floxacin", "cyclin", "cycline", "penem", "conazol", "conazole", "nidazol", "nidazole",
    "ciclovir", "vudin", "vudine", "navir", "tegravir", "buvir", "tamivir",
    # pain and inflammation, steroids, airways, allergy
    "profen", "coxib", "fenac", "oxicam", "nisolon", "nisolone", "metason", "metasone", "cortison", "cortisone",
    "sonid", "sonide", "terol", "tropium", "lukast", "tadin", "tadine", "cetirizin", "cetirizine", "caine", "cain",
    # antibodies, kinase inhibitors, others
    "umab", "ximab", "zumab", "tinib", "ciclib", "parib", "zomib", "rafenib", "afil", "sulfon",
)  # fmt: skip
"""Endings of INNs (WHO stems), in German and English spelling."""

DRUG_NAMES = frozenset(
    {"aspirin", "paracetamol", "acetaminophen", "metamizol", "novalgin", "tramadol", "tilidin", "morphin",
     "morphine", "fentanyl", "oxycodon", "oxycodone", "heparin", "levothyroxin", "levothyroxine", "l-thyroxin",
     "euthyrox", "marcumar", "falithrom", "phenprocoumon", "xarelto", "eliquis", "lixiana", "pradaxa", "clexane",
     "fragmin", "ozempic", "wegovy", "mounjaro", "jardiance", "januvia", "lantus", "novorapid", "humalog",
     "levemir", "tresiba", "prednisolon", "prednisolone", "prednison", "prednisone", "cortison", "allopurinol",
     "colchicin", "colchicine", "furosemid", "furosemide", "lasix", "spironolacton", "spironolactone",
     "digoxin", "digitoxin", "nitroglycerin", "valproat", "valproate", "keppra", "lyrica", "tavor",
     "zopiclon", "zopiclone", "zolpidem", "ritalin", "medikinet", "elvanse", "salbutamol", "albuterol",
     "symbicort", "spiriva", "ventolin", "amoxicillin", "penicillin", "cefuroxim", "cefuroxime", "ceftriaxon",
     "ceftriaxone", "metoclopramid", "metoclopramide", "loperamid", "loperamide", "macrogol", "movicol",
     "lactulose", "mesalazin", "mesalamine", "humira", "tamoxifen", "letrozol", "letrozole", "anastrozol",
     "anastrozole", "finasterid", "finasteride", "tamsulosin", "viagra", "cialis", "estradiol", "progesteron",
     "progesterone", "testosteron", "testosterone", "antibiotikum", "antibiotika", "antibiotic", "antibiotics",
     "opioid", "opioide", "opioids", "benzodiazepin", "benzodiazepine", "bupropion", "quetiapin", "quetiapine",
     "haloperidol", "diazepam", "lorazepam", "melatonin", "cetirizin", "loratadin", "loratadine", "ondansetron",
     "domperidon", "domperidone", "clopidogrel", "ticagrelor", "prasugrel", "amiodaron", "amiodarone",
     "eplerenon", "hydrochlorothiazid", "torasemid", "torasemide", "candesartan", "valsartan", "methadon",
     "methadone", "buprenorphin", "buprenorphine", "naloxon", "naloxone", "ivermectin", "hydroxychloroquin",
     "hydroxychloroquine", "prednisolut", "dexamethason", "dexamethasone", "insulinglargin", "glargin",
     "glargine", "metoprololsuccinat", "seroquel", "zyprexa", "risperdal", "cipralex", "prozac", "zoloft",
     "xanax", "valium", "adderall", "concerta", "truvada", "biktarvy", "paxlovid", "tamiflu", "ibu", "voltaren",
     "diclofenac", "naproxen", "celebrex", "dafalgan", "thomapyrin", "iberogast", "statin", "statine", "statins",
     "suboxone", "subutex"}
)  # fmt: skip
"""Drugs without a stem above, brands written for them, and words for whole drug classes."""

_MIN_LENGTH = 7  # letters: "April" ends with -pril; the shortest INNs with a stem have 7
_PUNCTUATION = "()[]{}.,;:!?\"'`*_/"
_STEM_AT_END = re.compile(rf"(?:{'|'.join(sorted(set(DRUG_STEMS), key=len, reverse=True))})\Z")


def is_drug(word: str) -> bool:
    """Whether ``word`` (lower case, no punctuation around it) names a drug."""
    if word in DRUG_NAMES:
        return True
    return len(word) >= _MIN_LENGTH and word.isalpha() and _STEM_AT_END.search(word) is not None


def _names_a_drug(word: str) -> bool:
    """Whether a word of the text, punctuation and all, names a drug (``Amlodipin,``, ``(Ramipril``, ``L-Thyroxin``)."""
    core = word.strip(_PUNCTUATION)
    return bool(core) and (is_drug(core) or ("-" in core and is_drug(core.rsplit("-", 1)[-1])))


_DRUG_WORDS = WordScan(_names_a_drug)


def drug_terms(low: str, words: set[str]) -> list[tuple[int, int]]:
    """The ``[start, end)`` of each drug named in ``low`` (the text lower-cased; ``words``: its distinct words)."""
    found: list[tuple[int, int]] = []
    for a, b in _DRUG_WORDS.spans(low, words, folded_words(low, words)):
        word = low[a:b]
        core = word.strip(_PUNCTUATION)
        start = a + word.index(core)
        found.append((start, start + len(core)))
    return found
