"""Word lists of the person-name layer (:mod:`._names`): words that are not names, and the verbs after one.

Kept apart from the rules that use them, as data: a word added here changes
what counts as a name, never how names are found.
"""

from __future__ import annotations

__all__ = [
    "BRANDS_AFTER_TITLE",
    "CLAUSE_VERBS",
    "CUE_WORDS",
    "DETERMINERS",
    "EPONYMS",
    "GREETINGS",
    "KNOWN_ONLY",
    "NEEDS_DOT",
    "NOT_BEFORE_SURNAME",
    "NOT_NAMES",
    "NOUN_ENDINGS",
    "ORG_UNITS",
    "PERSON_ROLES",
    "ROLE_NOUNS",
    "SALUTES",
    "SOFTWARE",
]

# Words a greeting or label is often followed by that are not names.
NOT_NAMES = frozenset(
    [
        "Team",
        "Zusammen",
        "Alle",
        "Allerseits",
        "Kollegen",
        "Kolleginnen",
        "Leute",
        "Damen",
        "Herren",
        "Sir",
        "Madam",
        "Sirs",
        "Customer",
        "Kunde",
        "Support",
        "Hiring",
        "Manager",
        "Admin",
        "Administrator",
        "Mitarbeiter",
        "Kundenservice",
        "Everyone",
        "All",
        "Folks",
        "There",
        "Welt",
        "World",
        "Patient",
        "Patientin",
        "Patienten",
        "Patients",
        "Name",
        "Vorname",
        "Nachname",
        "Nummer",
        "Number",
        "Geehrte",
        "Geehrter",
        "Damen",
        "Frau",
        "Herr",
        "Doktor",
        "Doctor",
        "Professor",
        "Med",
        "Protection",
        "Care",
        "Zero",
        "Status",
        "Data",
        "Daten",
        "Record",
        "Safety",
        "Portal",
        "Experience",
        "Summary",
        "Information",
        "Informationen",
        "Feedback",
        "Journey",
        "Note",
        "Notes",
        "Care",
        "Id",
        "ID",
        "Liste",
        "List",
        "Datum",
        "Date",
    ]
)
ROLE_NOUNS = frozenset(
    # Whom a letter or a form addresses by role, in both genders ("Sehr geehrte Kundin,", "Liebe Leserin"):
    # the role, not a name; a name may follow it ("Sehr geehrte Kollegin Schmidt").
    f"{role}{ending}"
    for role in (
        "Kund", "Kolleg", "Nutzer", "Benutzer", "Leser", "Teilnehmer", "Nachbar", "Partner", "Empfänger",
        "Interessent", "Abonnent", "Mandant", "Auftraggeber", "Mieter", "Vermieter", "Bewerber", "Mitarbeiter",
        "Bewohner", "Klient", "Patient", "Studierend", "Mitglied", "Spender", "Käufer", "Verkäufer", "Besucher",
    )
    for ending in ("", "e", "in", "innen", "en", "er")
)  # fmt: skip
# Organisations and their units, before an address ("Stadtwerke GmbH\nAbteilung Netze", "Free Software
# Foundation, 51 Franklin Street"): no person's name holds them.
ORG_UNITS = frozenset(
    {"Abteilung", "Department", "Dept", "Referat", "Fachbereich", "Sachgebiet", "Geschäftsstelle", "Niederlassung",
     "Filiale", "Vertrieb", "Einkauf", "Buchhaltung", "Personalabteilung", "Poststelle", "Rechnungsstelle",
     "Rechnungseingang", "Accounts", "Purchasing", "Procurement", "Division", "Bereich", "Foundation", "Institute",
     "Institut", "University", "Universität", "Association", "Society", "Stiftung", "Verein", "Verband", "Ministry",
     "Ministerium", "Klinikum", "Krankenhaus", "Hospital", "Council", "Corporation", "Incorporated", "Limited"}
)  # fmt: skip
NOT_NAMES |= ROLE_NOUNS | ORG_UNITS

# Names that are (almost) only diseases. Common surnames that also name a disease (Wilson,
# Addison, Graves, Down) count as people unless "'s disease", "-Syndrom" or "Morbus" says otherwise.
EPONYMS = frozenset(
    [
        "Alzheimer",
        "Parkinson",
        "Crohn",
        "Hashimoto",
        "Hodgkin",
        "Cushing",
        "Basedow",
        "Asperger",
        "Tourette",
        "Huntington",
        "Bechterew",
        "Menière",
        "Meniere",
        "Raynaud",
        "Sjögren",
        "Kawasaki",
        "Lyme",
        "Guillain",
        "Barré",
        "Kaposi",
        "Creutzfeldt",
        "Duchenne",
        "Marfan",
        "Ehlers",
        "Danlos",
        "Hirschsprung",
        "Whipple",
        "Behçet",
        "Dupuytren",
        "Osgood",
        "Schlatter",
        "Perthes",
        "Scheuermann",
        "Sudeck",
        "Wernicke",
        "Korsakoff",
        "Apgar",
        "Hashimotos",
        "Alzheimers",
        "Parkinsons",
        "Crohns",
        "Ménière",
        "Fallot",
        "Wegener",
        "Charcot",
        "Gehrig",
        "Burkitt",
        "Ewing",
        "Wilms",
    ]
)

# Software, systems and their vendors: "Name: Ubuntu Linux", "Name: Microsoft Edge" in package
# metadata and inventories name a product. None of them is a first name or a common surname.
SOFTWARE = frozenset(
    {"Linux", "Ubuntu", "Debian", "Fedora", "CentOS", "Alpine", "Windows", "Microsoft", "Google", "Chrome",
     "Chromium", "Firefox", "Mozilla", "Thunderbird", "macOS", "iOS", "Android", "Apache", "Nginx",
     "Tomcat", "Oracle", "Java", "Python", "Node", "Kubernetes", "Redis", "PostgreSQL", "Postgres",
     "MySQL", "MariaDB", "SQLite", "MongoDB", "Elasticsearch", "Grafana", "Prometheus",
     "GitLab", "GitHub", "Atlassian", "Jira", "Confluence", "Zoom", "Outlook", "Excel", "PowerPoint",
     "OneDrive", "SharePoint", "Office", "Adobe", "Acrobat", "VMware", "Citrix", "OpenSSL", "OpenSSH", "GNU",
     "Kernel", "Enterprise", "Workstation", "Studio", "Runtime", "Toolkit", "SDK", "Framework",
     "Browser", "Firmware", "Plugin", "Extension", "Edition", "Desktop", "Mobile", "Client",
     "Bot", "Robot", "Daemon", "Automation"}
)  # fmt: skip

BRANDS_AFTER_TITLE = frozenset(
    [
        "Pepper",
        "Oetker",
        "Martens",
        "Best",
        "Who",
        "Dre",
        "Seuss",
        "Scholl",
        "Hauschka",
        "Bronner",
        "Theiss",
        "Kade",
        "Wolff",
        "Beckmann",
        "Jart",
        "Brandt",
    ]
)

# Capitalised words that stand before a surname without being a first name: shops, articles.
NOT_BEFORE_SURNAME = frozenset(
    [
        "Firma",
        "Hotel",
        "Bäckerei",
        "Apotheke",
        "Markt",
        "Supermarkt",
        "Filiale",
        "Autohaus",
        "Gasthaus",
        "Gasthof",
        "Restaurant",
        "Metzgerei",
        "Praxis",
        "Autohaus",
        "Gasthaus",
        "Restaurant",
        "Café",
        "Metzgerei",
        "Haus",
        "Verlag",
        "Kanzlei",
        "Bei",
        "Der",
        "Die",
        "Das",
        "Den",
        "Dem",
        "The",
        "A",
        "An",
        "Ein",
        "Eine",
        "Im",
        "Am",
        "Von",
        "Mit",
        "Für",
        "Und",
        "Oder",
        "Nach",
        "Laut",
        "Über",
        "Herr",
        "Frau",
        "Liebe",
        "Lieber",
        "Dear",
        "Hallo",
        "Hi",
        "Team",
        "Schule",
        "Klinik",
        "Kita",
        "Studio",
        "Salon",
        "Gebrüder",
        "Brüder",
        "Stadt",
        "Bad",
        "St",
        "Sankt",
        "Park",
        "Hof",
    ]
)
# A place's or a building's first word ("San Jose", "Los Angeles", "Old Bailey", "City Hall"), a role's
# ("Marketing Authorisation Holder"); not "Lake", "Port", "Saint", "Little" (Lake Bell, Port Wilson, Saint
# Clair), nor "Sun", a weekday's and a Korean given name.
NOT_BEFORE_SURNAME |= frozenset(
    "San Santa Los Las Old City Town Authorisation Authorization".split()  # noqa: SIM905 - a word list reads better as text
)
NOT_BEFORE_SURNAME |= frozenset("Mon Tue Wed Thu Fri Sat".split())  # noqa: SIM905 - a log's "Sat May 4"

# Determiners and pronouns opening a sentence ("Ihre Bestellung wurde versandt.", "Name\n  Der Name der ...").
DETERMINERS = frozenset(
    """Der Die Das Den Dem Des Ein Eine Einen Einem Einer Eines Ihr Ihre Ihren Ihrem Ihrer Unser Unsere Unseren
    Unserem Unserer Mein Meine Meinen Dein Deine Sein Seine Seinen Diese Dieser Dieses Diesen Diesem Jede Jeder Jedes
    Alle Keine Kein Welche Welcher Jene The A An This That These Those Our Your My His Her Their Its Each Every Some
    Any No All""".split()  # noqa: SIM905 - a word list reads better as text
)
NOT_BEFORE_SURNAME |= DETERMINERS
# Words before a capitalised word that make no name of the two in running text, though a census surname
# may follow: a pronoun of address, a weekday ("bewahren Sie Arzneimittel", "on Monday January 29"), a place's
# first word ("New York"). Months that are given names too (April, June, August, Juli) are not among them.
NOT_BEFORE_IN_PROSE = frozenset(
    """Sie Ihnen Euch Wir Uns Monday Tuesday Wednesday Thursday Friday Saturday Sunday Montag Dienstag Mittwoch
    Donnerstag Freitag Samstag Sonntag January February September October November December Januar Februar
    März Oktober Dezember New""".split()  # noqa: SIM905
)
# Words after a capitalised word that make the two a building, not a person ("Pemberton House").
BUILDING_WORDS = frozenset({"House", "Centre", "Center", "Tower", "Building", "Airport", "Estate", "Mansions"})

CLAUSE_VERBS = frozenset(
    [
        "hat",
        "ist",
        "leidet",
        "wurde",
        "wird",
        "nimmt",
        "erhält",
        "bekommt",
        "litt",
        "war",
        "zeigt",
        "klagt",
        "berichtet",
        "erhielt",
        "muss",
        "sollte",
        "has",
        "is",
        "was",
        "takes",
        "suffers",
        "suffered",
        "received",
        "receives",
        "reports",
        "complains",
        "had",
        "presented",
        "presents",
        "stopped",
        "started",
        "underwent",
        "developed",
        "needs",
        "stellte",
        "unterzog",
        "entwickelte",
        "braucht",
        "benötigt",
        "zeigte",
        "klagte",
        "berichtete",
    ]
)

# Endings of German and English common nouns; a surname rarely has one.
NOUN_ENDINGS = (
    "ung", "heit", "keit", "ion", "tät", "schaft", "ismus", "ik", "ie", "ur", "nis", "tum", "ment", "enz", "anz",
    "ei", "chen", "lein", "in", "ness", "ity", "ance", "ence", "ism", "ing", "ure", "age", "ics", "ose", "itis",
    "om", "al", "ol", "il", "id", "at", "en", "um", "us", "is", "ys", "ma", "nisse",
)  # fmt: skip

# Cues, each a literal first (the salutations are the old SALUTATION prefilter, widened).
CUE_WORDS = (
    "Herr", "Herrn", "Frau", "Dr", "Prof", "Mr", "Mrs", "Ms", "Miss", "Mx", "Patient", "Patientin", "patient",
    "patientin", "Patienten", "Pt", "Name", "Nachname", "Vorname", "Mitarbeiter", "Mitarbeiterin", "Employee",
    "Bewohner", "Bewohnerin", "Klient", "Klientin", "Versicherte", "Versicherter", "Versicherten", "Kunde", "Kundin",
    "Hallo", "Hi", "Hey", "Liebe", "Lieber", "Lieben", "Dear", "Sehr geehrte", "Sehr geehrter", "Sehr geehrten",
    "Guten Tag", "Moin", "Servus",
    # Cues that also are ordinary words or abbreviations ("Pat. pending", "Mag." for Magazin, "Fr." for
    # Freitag, "Kontaktperson: Vertrieb"): a name after them counts only if the lexicon knows it (KNOWN_ONLY).
    "MUDr", "DDr", "Hr", "Hrn", "Fr", "Pat", "Mag", "Ing", "Doz", "Prim", "Mieter", "Mieterin", "Vermieter",
    "Vermieterin", "Antragsteller", "Antragstellerin", "Bewerber", "Bewerberin", "Ansprechpartner",
    "Ansprechpartnerin", "Kontaktperson", "Kontakt", "Versicherungsnehmer", "Versicherungsnehmerin", "Zeuge",
    "Zeugin", "Betr", "Betreff", "Applicant", "Tenant", "Landlord", "Beneficiary", "Guardian", "Policyholder",
    "Next of kin", "Next of Kin", "Contact person", "Contact Person", "Emergency contact", "Emergency Contact",
    "Cardholder", "Card holder", "Card Holder", "Account holder", "Account Holder", "Kontoinhaber", "Kontoinhaberin",
    "Karteninhaber", "Karteninhaberin", "Passenger", "Student", "Schüler", "Schülerin", "Spouse", "Ehepartner",
    "Ehepartnerin", "Insured", "Guest", "Reporter", "Assignee", "Requester", "Recipient", "Empfänger",
    "Empfängerin", "Teilnehmer", "Teilnehmerin", "Fahrer", "Fahrerin", "Halter", "Halterin", "Bearbeiter",
    "Bearbeiterin", "Inhaber", "Inhaberin", "Assigned to",
)  # fmt: skip
KNOWN_ONLY = frozenset(CUE_WORDS[CUE_WORDS.index("Hr") :])
# Form fields only a person fills (a company is told by its suffix); "Kontaktperson: Vertrieb Nord" is not one.
PERSON_ROLES = frozenset(
    {"Mieter", "Mieterin", "Antragsteller", "Antragstellerin", "Bewerber", "Bewerberin", "Versicherungsnehmer",
     "Versicherungsnehmerin", "Zeuge", "Zeugin", "Applicant", "Tenant", "Policyholder", "Beneficiary", "Guardian",
     "Next of kin", "Next of Kin", "Pat", "Cardholder", "Card holder", "Card Holder", "Account holder",
     "Account Holder", "Kontoinhaber", "Kontoinhaberin", "Karteninhaber", "Karteninhaberin", "Passenger", "Spouse",
     "Ehepartner", "Ehepartnerin", "Insured", "Student", "Schüler", "Schülerin"}
)  # fmt: skip
NEEDS_DOT = frozenset({"Hr", "Hrn", "Fr", "Pat", "Mag", "Ing", "Doz", "Prim", "Betr"})
GREETINGS = frozenset({"Hallo", "Hi", "Hey", "Liebe", "Lieber", "Dear", "Moin", "Servus", "Guten Tag"})
# Cues that stand before a name as a title or greeting, not as a label (no surname-first value).
SALUTES = frozenset(
    {"Herr", "Herrn", "Frau", "Dr", "Prof", "Mr", "Mrs", "Ms", "Miss", "Mx", "Hr", "Hrn", "Fr", "MUDr", "DDr",
     "Mag", "Ing", "Doz", "Prim", "Sehr geehrte", "Sehr geehrter", "Sehr geehrten", "Lieben"} | GREETINGS
)  # fmt: skip
