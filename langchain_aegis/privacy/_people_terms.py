"""The health and special-category keywords: what a named person beside them makes personal data.

Plain data, lower-case: ``substrings`` are stems matched anywhere, also inside compounds
("krebs" finds "Brustkrebs"); ``words`` are matched as whole words only ("hiv", "gay").
:mod:`._patterns` compiles them (``HEALTH_TERMS``, ``SPECIAL_TERMS``, ``PEOPLE_TERMS``).

Hand-written: no maintained package on PyPI ships German and English clinical, Art. 9 and
Art. 10 vocabulary for offline matching. A keyword with an inner space must not start with a
very common word ("is", "mit", "her"): every occurrence of that word in a text would cost a
regex search (``tests/unit_tests/privacy/test_keyword_heads.py``).
"""

from __future__ import annotations

__all__ = ["HEALTH_ARGS", "SPECIAL_ARGS"]

HEALTH_ARGS: dict[str, tuple[str, ...]] = dict(
    substrings=(
        # German
        "diagnos", "befund", "therapie", "therapeut", "medikation", "medikament", "verordnet", "verschrieben",
        "erkrank", "krankheit", "krankenhaus", "klinik", "symptom", "anamnese", "arztbrief", "krankschreibung",
        "arbeitsunfähig", "diabetes", "diabetik", "depression", "depressiv", "krebs", "karzinom", "tumor",
        "metasta", "leukämie", "hepatitis", "asthma", "bluthochdruck", "hypertonie", "herzinfarkt",
        "schlaganfall", "demenz", "alzheimer", "parkinson", "epilep", "schizophren", "bipolar", "autis",
        "angststörung", "panikstörung", "burnout", "burn-out", "essstörung", "anorexi", "bulimi",
        "alkoholabhängig", "drogenabhängig", "suchterkrank", "sklerose", "rheuma", "arthritis", "arthrose",
        "migräne", "allergi", "pneumonie", "lungenentzündung", "infektion", "tuberkulose", "niereninsuff",
        "dialyse", "insulin", "metformin", "ibuprofen", "antidepress", "sertralin", "citalopram", "methotrexat",
        "chemotherap", "bestrahlung", "psychotherap", "psychiatr", "schwanger", "fehlgeburt", "blutzucker",
        "blutdruck", "laborwert", "röntgen", "entzündung", "schmerzmittel", "behandelt wegen",
        "herzinsuffizienz", "vorhofflimmern", "adipositas", "hypothyreose", "hyperthyreose", "sepsis", "anämie",
        "thrombose", "embolie", "koronar", "apoplex", "gastritis", "zirrhose", "kolitis", "divertikul",
        "pankreatitis", "harnwegsinfekt", "psoriasis", "neurodermitis", "hörsturz", "tinnitus", "glaukom",
        "osteoporose", "bandscheibe", "gicht", "fraktur", "ramipril", "bisoprolol", "metoprolol", "simvastatin",
        "atorvastatin", "pantoprazol", "thyroxin", "marcumar", "apixaban", "rivaroxaban", "kreatinin",
        "hämoglobin", "leukozyten", "troponin", "entlassung", "stationär", "aufnahmebefund", "zustand nach",
        "hiv-positiv", "hiv positiv", "schwangerschaft", "krankgeschrieben", "arbeitsunfähigkeit",
        "reha", "pflegegrad", "schwerbehindert", "behinderung", "insulinpflichtig", "typ-2-diabetes",
        "morbus", "colitis", "myokard", "infarkt", "insuffizienz",  # "Morbus Crohn", "Z.n. Myokardinfarkt"
        # English
        "medication", "prescri", "therapy", "disease", "disorder", "syndrome", "illness", "chronic", "depress",
        "cancer", "tumour", "carcinoma", "leukemia", "leukaemia", "lymphoma", "hypertension", "blood pressure",
        "heart attack", "myocardial", "dementia", "epilepsy", "autism", "anxiety", "panic attack", "anorexia",
        "bulimia", "addiction", "alcoholism", "substance abuse", "multiple sclerosis", "migraine", "allerg",
        "pneumonia", "covid", "tuberculosis", "kidney failure", "dialysis", "psychiatric", "pregnan",
        "miscarriage", "blood sugar", "biopsy", "surgery", "treated for", "hospitali", "infection",
        "diabetes", "asthma", "heart failure", "atrial fibrillation", "obesity", "hypothyroid", "sepsis",
        "anemia", "anaemia", "thrombosis", "seizure", "arthritis", "osteoporosis", "hepatitis", "fracture",
        "lisinopril", "amlodipine", "warfarin", "metformin", "insulin", "sertraline", "fluoxetine",
        "creatinine", "hemoglobin", "haemoglobin", "cholesterol", "discharge summary", "admitted with",
        "diagnosed", "positive for", "sick leave", "sick note", "disability", "rehab", "chemo", "overdose",
        # conditions people write in notes and tickets (a red-team's misses), and pregnancy said another way
        "bandscheibenvorfall", "slipped disc", "herniated disc", "gürtelrose", "shingles", "sleep apnea",
        "sleep apnoea", "schlafapnoe", "gallenstein", "gallstone", "nierenstein", "kidney stone",
        "katarakt", "cataract", "grauer star", "grüner star", "leistenbruch", "hernia", "mandelentzündung",
        "tonsillitis", "bronchitis", "sinusitis", "otitis", "cystitis", "blasenentzündung", "sodbrennen",
        "heartburn", "ulcer", "magengeschwür", "lupus", "fibromyalg", "endometrios", "hypoglyk",
        "hyperglyk", "hypoglyc", "hyperglyc", "arrhythm", "tachykard", "bradykard", "tachycard", "bradycard",
        "angina", "emphysem", "mukoviszidose", "cystic fibrosis", "hämophilie", "haemophilia", "hemophilia",
        "sichelzell", "sickle cell", "thalass", "zöliakie", "coeliac", "celiac", "laktoseintoleranz",
        # a blind set's (0.4.7): an operation abroad, a stay as an inpatient
        "appendicitis", "appendectomy", "appendicectomy", "blinddarm",
        "lactose intolerance", "neuropath", "skoliose", "scoliosis", "tendinitis", "sehnenscheidenentzündung",
        "karpaltunnel", "carpal tunnel", "knee replacement", "hüft-tep", "knie-tep", "herzschrittmacher",
        "pacemaker", "amputation", "dekubitus", "inkontinenz", "incontinence", "dysphag", "aphasi", "tremor",
        "vertigo", "hörgerät", "hearing aid", "sehbehindert", "gehörlos", "rollstuhl", "wheelchair", "suizid",
        "suicid", "selbstverletz", "self-harm", "psychose", "psychosis", "psychotic", "zwangsstörung",
        "posttraumat", "dyslex", "legasthen", "syndrom", "mutterschutz", "maternity leave", "entbindung",
        "expecting a baby", "expecting a child", "expecting their first", "expecting her first",
        "erwartet ein kind", "erwartet ein baby", "erwartet ihr", "anderen umständen",
        # symptoms and injuries, and conditions a blind set found missing
        "chest pain", "shortness of breath", "brustschmerz", "thoraxschmerz", "luftnot", "atemnot", "dyspnoe",
        "dyspnea", "dyspnoea", "schwindelig", "schwindelanfäll", "schwindelgefühl", "drehschwindel", "night sweats",
        "nachtschweiß", "embolism", "hyperthyroid", "krampfanfall", "concussion", "gehirnerschütterung", "melanom",
        "biopsie", "broken wrist", "broken arm", "broken leg", "broken ankle", "armbruch", "handgelenksbruch",
        *(f"broke {whose} {part}" for whose in ("his", "her", "their") for part in ("wrist", "arm", "leg", "ankle")),
        "rückenschmerz", "kopfschmerz", "headache", "bauchschmerz",
        "abdominal pain", "blood in stool", "blut im stuhl", "übelkeit", "nausea", "erbrechen", "vomiting",
        "stenosis", "stenose", "wheez", "neutrophil", "proteinuria",
        # fertility treatment and a pregnancy's loss
        "in-vitro", "künstliche befruchtung", "kinderwunschbehandlung", "fertility treatment", "miscarried",
        # a third blind set's: injuries, stomach bugs, numbness, a degree of disability, a sick call
        "food poisoning", "lebensmittelvergiftung", "gastroenteritis", "norovirus", "durchfall", "diarrh",
        "taubheitsgefühl", "numbness", "bänderriss", "außenbandriss", "kreuzbandriss", "achillessehne", "ruptur",
        "collarbone", "schlüsselbein", "degree burn", "called in sick", "krankgemeldet", "krank gemeldet",
        "merkzeichen", "grad der behinderung",
    ),
    words=(
        "ivf", "hiv", "copd", "adhs", "adhd", "ptsd", "mrt", "mri", "icd", "icd-10", "hba1c", "stroke", "aids", "khk",
        "ekg", "ecg", "crp", "tsh", "gfr", "ldl", "a1c", "nstemi", "stemi", "ct", "bmi", "ass", "op",
        "mg/dl", "mmol/l", "pregnant", "ocd", "ptbs", "polyp", "polypen", "polyps", "stent", "stents",
        "gout", "fieber", "fever", "husten", "cough", "krank", "ng/ml", "pg/ml", "pmol/l", "µg/l", "ug/l", "miu/l",
        "mu/l", "u/l", "iu/l", "g/l", "g/dl", "mmol/mol", "x10^9/l", "x10^12/l", "gdb",
        "ssw",  # Schwangerschaftswoche ("20. SSW"); a word, as "password" and "Passwort" hold it
    ),
)  # fmt: skip

SPECIAL_ARGS: dict[str, tuple[str, ...]] = dict(
    substrings=(
        # religion or belief
        "katholisch", "evangelisch", "muslimisch", "jüdisch", "konfession", "religionszugehörigkeit",
        "kirchensteuer", "religion", "glaubensgemeinschaft", "catholic", "protestant", "jewish", "buddhist",
        "hindu", "atheist", "religious", "jehova", "mormon", "alevit", "moslem", "scientolog", "agnostiker",
        "agnostic", "kirchenaustritt",
        # "orthodox" alone is also a method ("an orthodox approach"): only a church or a believer
        "-orthodox", "greek orthodox", "russian orthodox", "eastern orthodox", "orthodox christ", "orthodox jew",
        "orthodoxe christ", "orthodoxer christ", "orthodoxe jüd", "orthodoxer jude", "orthodoxen kirche",
        "orthodox church",
        # a conversion, not a mention of a faith ("Fragen zum Islam")
        "zum islam konvert", "konvertiert zum islam", "konvertierte zum islam", "zum islam übergetreten",
        "zum judentum konvert", "zum christentum konvert", "converted to islam", "converted to judaism",
        "converted to christianity", "converted to catholicism", "converted to buddhism",
        # sexual orientation and gender identity
        "homosexu", "heterosexu", "bisexuell", "schwul", "lesbisch", "sexuelle orientierung", "pansexu",
        "transgender", "transsexu", "transident", "lesbian", "bisexual", "sexual orientation", "nicht-binär",
        "nichtbinär", "non-binary", "nonbinary", "genderqueer", "genderfluid", "intersex", "intergeschlecht",
        "geschlechtsangleich", "gender identity", "geschlechtsidentität",
        # ethnic origin, politics, unions, biometrics, genetics
        "ethnisch", "ethnic", "parteimitglied", "party member", "gewerkschaft", "trade union", "union member",
        "politische", "political opinion", "genetisch", "genetic", "fingerabdr", "fingerprint", "biometri",
        "bündnis 90", "linkspartei", "ig metall", "ig bce", "ig bau", "ver.di", "marburger bund",
        "union rep", "union steward", "shop steward", "labor union", "labour union", "joined the union",
        "member of the union", "union membership", "member of unison", "unison member", "joined unison",
        "teamsters", "afl-cio", "registered republican", "registered democrat", "votes republican",
        "votes democrat", "labour party member", "member of the labour party", "member of the conservative party",
        "tory party member",
        # ethnic origin named by the group
        "migrationshintergrund", "afroamerikan", "african american", "african-american", "hispanic", "latino",
        "latina", "kurdischer herkunft", "kurdish", "türkischstämmig", "russlandstämmig", "polnischstämmig",
        "arabischstämmig", "afrikanischstämmig", "italienischstämmig", "griechischstämmig", "kurdischstämmig",
        "vietnamesischstämmig", "roma descent", "irish descent", "african descent", "asian descent",
        "mexican descent", "turkish descent", "polish descent", "italian descent", "indian descent", "arab descent",
        "hispanic descent", "chinese descent", "korean descent", "japanese descent", "pakistani descent",
        "sinteza", "sintiza", "aborigin", "indigenous", "native american", "jesid", "yazidi",
        "uigur", "uyghur",
        # pay (not Art. 9, but what employees expect to stay private)
        "gehalts", "gehälter", "bruttogehalt", "nettogehalt", "monatsgehalt", "jahresgehalt", "grundgehalt",
        "festgehalt", "fixgehalt", "zielgehalt", "einstiegsgehalt", "startgehalt",  # not "gehalten" (held)
        "salary", "bruttolohn", "nettolohn", "stundenlohn", "jahreseinkommen", "einkommen", "vergütung",
        "annual income", "earns", "verdient",
        # what a blind set wrote that the lists lacked: parties by name, votes, pay slips and pay scales,
        # a place of worship, a headscarf, a minority
        "democratic party", "republican party", "conservative party", "green party", "labour party", "lib dems",
        "liberal democrats", "reform uk", "plaid cymru", "sinn féin", "sinn fein",
        "scottish independence", "wähle seit", "wählt seit", "wählte die", "parteibuch", "payslip",
        "gross pay", "gehaltserhöhung",
        "entgeltgruppe", "tvöd", "tv-l e", "lohnabrechnung", "gehaltsabrechnung", "mosque", "moschee",
        "synagogue", "synagoge", "hijab", "kopftuch", "minderheit an", "minority group", "voted leave",
        "voted remain", "extinction rebellion", "coming-out",
        # criminal convictions and offences (GDPR Art. 10: as protected as Art. 9's categories)
        "convicted", "convictions", "conviction for", "conviction in", "driving conviction", "criminal record",
        "criminal conviction", "pleaded guilty", "pleaded not guilty", "pled guilty", "pleads guilty",
        "suspended sentence", "custodial sentence", "prison sentence", "jail sentence", "sentenced to",
        "imprisonment", "probation officer", "police caution", "received a caution", "accepted a caution",
        "arrested", "offender", "defendant", "vorstrafe", "vorbestraft", "verurteilt wegen", "rechtskräftig verurteilt",
        "freiheitsstrafe", "haftstrafe", "bewährungsstrafe", "bewährungshelfer", "bewährungszeit", "strafbefehl",
        "strafregister", "bundeszentralregister", "angeklagte", "beschuldigte", "inhaftiert", "untersuchungshaft",
        "straftäter", "straffällig",
        # coming out, a partner of the same sex, a union by its dues, pay on a payslip's lines
        "geoutet", "outed as", "came out as", "coming out as", "same-sex", "gleichgeschlechtlich",
        "eingetragene lebenspartnerschaft", "eingetragener lebenspartner", "union dues", "uniondues",
        "gesamtbrutto", "bruttobezüge", "bruttoentgelt", "nettoentgelt", "steuerklasse", "gross annual",
        "grossannual", "annual gross", "remuneration", "jahresbrutto", "monatsbrutto",
        # a change of the gender entry (SBGG), a partnership of the same sex, a faith's prayers and fast
        "geschlechtseintrag", "selbstbestimmungsgesetz", "lebenspartnerschaft", "jumu\u2019ah", "jumu'ah", "jumuah",
        "jummah", "freitagsgebet", "friday prayer", "ramadan",
        # a blind set's (0.4.7): a transition, a conviction in a German file, unions by name
        "gender recognition certificate", "geldstrafe von", "joined neu", "mitglied bei evg", "mitglied der evg",
        "joined rcn", "rcn member", "joined siptu", "siptu member", "member of siptu", "joined the cwu",
    ),
    words=(
        "gehalt", "muslim", "muslima", "muslime", "muslimin", "sikh", "sikhs", "jüdin", "queer", "lgbt", "lgbtq", "gay",
        "lesbe", "trans frau", "trans mann", "transfrau", "transmann", "trans woman", "trans man", "afd", "spd",
        "cdu", "csu", "fdp", "grüne", "grünen", "linke", "linken", "verdi", "gew-mitglied", "mitglied der gew",
        "kurde", "kurdin", "kurden", "roma", "sinti", "seiu", "uaw", "snp", "bsw", "tories", "unison",
        "usdaw", "afscme", "nasuwt", "gmb", "ngg", "gdl", "u-haft", "sbgg", "verurteilung",
    ),
)  # fmt: skip
"""Special categories of personal data (GDPR Art. 9), criminal convictions (Art. 10) and pay, next to a named person."""
