"""The leaks a red team found in 0.4.6's own new exclusions, each mended: the personal data is found again.

The red team ran 3,554 inputs against 0.4.5 and the candidate in separate processes; these are one
record per class and layout that the candidate missed and 0.4.5 found (role words at free mail and
family domains, cards in any grouping after a card word, addresses after "hotfix" and in release
notes' lines, 13-digit numbers after "00", a CSV's "8,0171...", phone labels glued or compound, company
words in a private note, names after "Lake" or before "To", "in Meyer, Stefan", a person's "Jahrgang"
beside a school's or a file's word, a date before ".1 OG").
"""

from __future__ import annotations

import pytest

from langchain_aegis.privacy import detect


@pytest.mark.parametrize(
    ("text", "planted"),
    [
        ("Please reply to ap_1965@gmail.com rather than my work address.", "ap_1965@gmail.com"),
        ("My personal email is ap@taylor-home.de.", "ap@taylor-home.de"),
        ("Du erreichst mich unter buergeramt@sroberts-family.de.", "buergeramt@sroberts-family.de"),
        ("Kontakt (privat): ap92@yahoo.de", "ap92@yahoo.de"),
        ("Zahlung per Karte 539312134869 4322 (Inhaber: Kunde)", "539312134869 4322"),
        ("Please charge my card 4857 9238 4480 4354326.", "4857 9238 4480 4354326"),
        ("card number 435279 3594559037928 exp 09/26 cvv 123", "435279 3594559037928"),
        ("Please charge my card 26 87 11 03 55 92 69 01.", "26 87 11 03 55 92 69 01"),
        ("Please charge my card 484 060 051 210 5407.", "484 060 051 210 5407"),
        ("Kartennummer\n5436 857620919098\nAblaufdatum 11/28", "5436 857620919098"),
        ("Zahlung per Karte 5369 926 340 738 103 (Inhaber: Kunde)", "5369 926 340 738 103"),
        ("cc: 4411 7978 9540 36 38", "4411 7978 9540 36 38"),
        ("Kartennummer\n2268 6375 96399149\nAblaufdatum 11/28", "2268 6375 96399149"),
        ("Kartennummer\n2687 208851 630678\nAblaufdatum 11/28", "2687 208851 630678"),
        ("Meine Visa-Nummer ist 24736 14342 79071 6", "24736 14342 79071 6"),
        ("Kartennummer\n472816 7870 5537 16\nAblaufdatum 11/28", "472816 7870 5537 16"),
        ("Kartennummer\n478305 778973 9294\nAblaufdatum 11/28", "478305 778973 9294"),
        ("card number 45748441 2345 4794 exp 09/26 cvv 123", "45748441 2345 4794"),
        ("Please charge my card 41102615 45747740.", "41102615 45747740"),
        ("Meine Visa-Nummer ist 378-1791-4323-0403", "378-1791-4323-0403"),
        ("Kreditkarte: 3721 13645494445, gültig bis 08/27", "3721 13645494445"),
        ("CC# 37542-48830-19282", "37542-48830-19282"),
        ("Please charge my card 343154 0924 40172.", "343154 0924 40172"),
        ("cc: 54913893 03953014", "54913893 03953014"),
        ("Anna's IP for the hotfix: 135.251.170.133", "135.251.170.133"),
        ("my number is 0043664981889", "0043664981889"),
        ("Rückrufnummer 0032470833253", "0032470833253"),
        ("Rückrufnummer 0041791738147", "0041791738147"),
        ("Rückrufnummer 0049308538761", "0049308538761"),
        ("Rückrufnummer 0049898139225", "0049898139225"),
        ("Rückrufnummer 0034609298018", "0034609298018"),
        ("Rückrufnummer 0033686290120", "0033686290120"),
        ("Rückrufnummer 0031639661669", "0031639661669"),
        ("my number is 0014155242376", "0014155242376"),
        ("8,01712863468,Anna Weber,Berlin", "01712863468"),
        ("Diensttel. 0151\t6277229", "0151\t6277229"),
        ("Handy-0711 . 272 . 37 . 75", "0711 . 272 . 37 . 75"),
        ("Hoteltel. 01 72 33 94 60 4", "01 72 33 94 60 4"),
        ("Mobil-0172  434  4495", "0172  434  4495"),
        ("Notruf an Nachbarin: 0221 . 173 . 77 . 92", "0221 . 173 . 77 . 92"),
        ("Privattel.: 01 51 18 39 29 4", "01 51 18 39 29 4"),
        ("Rückruf unter 0151 . 511 . 24 . 71", "0151 . 511 . 24 . 71"),
        ("Rückrufnummer: 0171 . 123 . 00 . 69", "0171 . 123 . 00 . 69"),
        ("Tel/0157\t6059073", "0157\t6059073"),
        ("TelNr 0172\t1810731", "0172\t1810731"),
        ("Tele 0176\t7994486", "0176\t7994486"),
        ("Telegram: O1513562864", "O1513562864"),
        ("Telnr 0176  267  7082", "0176  267  7082"),
        ("Telnr.: O711715732O", "O711715732O"),
        ("Mail: anglerfreund27@btinternet.com Mobility Limited since the fall.", "anglerfreund27@btinternet.com"),
        ("Bank: GB29 NWBK 6016 1331 9268 19 Refund for a purchase at Decathlon SAS.", "GB29 NWBK 6016 1331 9268 19"),
        ("Sie studiert bei der Polska Sp. z o.o in Krakau. Festnetz zuhause: 0711 5224304", "0711 5224304"),
        ("Matthew Harris and the Company agree that the employee's salary is 54,000 GBP.", "Matthew Harris"),
        ("Bewerber: Lake Bell, Gehalt 52.000 EUR", "Lake Bell"),
        ("Befund abgelegt in Meyer, Stefan (Diabetes Typ 2, HbA1c 8,1 %)", "Meyer, Stefan"),
        ("Wing TO, 7 Mill Lane, Oxford OX1 2AB", "Wing TO"),
        ("Lehrerin an der Grundschule, Jahrgang 1966", "1966"),
        ("Anna Weber, geb. 20.09.1993.1 OG links", "20.09.1993"),
    ],
)
def test_the_red_teams_leak_is_found(text: str, planted: str) -> None:
    start = text.index(planted)
    end = start + len(planted)
    assert any(f.start < end and f.end > start for f in detect(text)), detect(text)


# The second round: personal data the candidate missed after the first round's mends, each mended.
@pytest.mark.parametrize(
    ("text", "planted"),
    [
        ("Anfragen bitte an mail@aschmidt-yoga.de", "mail@aschmidt-yoga.de"),  # an initial and a long surname
        (
            "Bezahlt mit Kreditkarte. Die Nummer lautet wie folgt, bitte sorgfältig: 4321 624890617484",
            "4321 624890617484",
        ),
        ("package: 84.132.17.201", "84.132.17.201"),  # a version's word, an address's parts
        ("For registration: 07700 900123 (ask for Tom)", "07700 900123"),  # no company's register
        ("Anna Schmidt Co. secretary, diagnosed with diabetes last year.", "Anna Schmidt"),
        ("Anna Schmidt Corporation secretary, diagnosed with diabetes last year.", "Anna Schmidt"),
        ("Great Schmidt lives at 12 High Street, Leeds LS6 4DL", "Great Schmidt"),
        ("Sun Kim lives at 12 High Street, Leeds LS6 4DL", "Sun Kim"),
        ("Lab results in Walsh, Virginia: positive for HIV.", "Walsh, Virginia"),  # no place after "results in"
    ],
)
def test_the_second_rounds_leak_is_found(text: str, planted: str) -> None:
    start = text.index(planted)
    end = start + len(planted)
    assert any(f.start < end and f.end > start for f in detect(text)), detect(text)


# And clean text the first cut flagged: rare names alone, a program as a chat's sender, a place in capitals.
@pytest.mark.parametrize(
    "text",
    [
        "Rückruf: Die Nivea Creme kann bei empfindlichen Personen Allergie auslösen.",
        "Marke Hettich: Bei Verschlucken kann Übelkeit oder Durchfall auftreten.",
        "Positive Paget sign is common in stroke patients and after a rupture of the tendon.",
        "Using Python Shaum for diabetes cohort analysis: see docs.",
        "In Yvone County, 31% of offenders were arrested within a year (state statistics).",
        "[18.06.24, 13:56] System: Backup abgeschlossen.",
        "[10.09.2024, 09:11] Jenkins: Backup abgeschlossen, 2 Tests rot.",
        "Trip to Santiago de Compostela: bring motion sickness tablets, nausea is common.",
        "NORTH CAROLINA recall notice: product may cause diarrhea; see the leaflet.",
        "Our showroom? I'm in 12 High Street today, come by.",
        "Jahrgang 61 der Mitteilungen erschien 2015.",
    ],
)
def test_the_second_rounds_clean_text_stays_clean(text: str) -> None:
    assert detect(text) == []
