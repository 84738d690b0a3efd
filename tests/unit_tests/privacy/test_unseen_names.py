# ruff: noqa: RUF001
"""Names a blind set wrote that the detector did not know, each class with its clean twin.

Found by 786 documents written blind (names of Turkish, Polish, Vietnamese, Arabic, Nigerian and
Scandinavian origin, and uncommon German and English ones): names outside the lexicon (it now holds
the Latin-script names of every Faker locale and the 1990 US Census's 40,000 most frequent surnames,
screened against word lists and place names), a pair spelled as only names are, "SURNAME, Given" entries
of lists, a sign-off on the line it ends, and a name after the address it goes with.
"""

from __future__ import annotations

import pytest

from langchain_aegis.privacy._lexicon import first_names, surnames
from tests.unit_tests.privacy.test_real_text import found


def entities(text: str) -> set[str]:
    return {entity for entity, _ in found(text)}


@pytest.mark.parametrize("name", ["Jansen", "Okonkwo", "Kowalczyk", "Tanaka", "Siddiqui", "Nowak", "Petrović"])
def test_surnames_of_many_origins_are_in_the_lexicon(name: str) -> None:
    assert name in surnames()


@pytest.mark.parametrize("word", ["Bett", "Block", "Brand", "Summer", "Berlin", "Paris", "Camp"])
def test_ordinary_words_and_places_were_kept_out_of_the_new_names(word: str) -> None:
    # "Summer" is one of the lexicon's own English first names, from before; none of these is a surname.
    assert word not in surnames()
    assert word not in first_names() or word == "Summer"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mahnbescheid gegen: Oğuz Çakır, wohnhaft in der Schloßallee 7, 66111 Saarbrücken", "Oğuz Çakır"),
        ("Berkay Yüksekdağ: CRP 213 mg/l, Leukozyten 18,7 /nl, V.a. Pneumonie", "Berkay Yüksekdağ"),
        ("Krankmeldung: Tuğba Doğan, AU bis 22.03., Diagnose J06.9", "Tuğba Doğan"),
        ("Grażyna Kamińska joined SEIU last year and is now a shop steward.", "Grażyna Kamińska"),
        ("Lab note: Ewa Zielinski has anaemia.", "Ewa Zielinski"),
    ],
)
def test_a_pair_spelled_as_only_names_are_is_a_name_next_to_what_is_said_of_it(text: str, name: str) -> None:
    assert name in [value for _, value in found(text)]


def test_a_pair_spelled_as_names_gives_way_to_the_name_that_goes_on() -> None:
    text = "Personalakte Ayşe Fischer: Konfession römisch-katholisch"
    assert "Ayşe Fischer" in [value for _, value in found(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("HIGGINBOTHAM, Declan: Hb 68 g/L, ferritin 11 ug/L, iron deficiency anaemia", "HIGGINBOTHAM, Declan"),
        ("HO, Phuong Linh: Hb 77 g/L, iron deficiency anaemia", "HO, Phuong Linh"),
        ("Özkan, Emine: Jahresgehalt 114.800 € brutto", "Özkan, Emine"),
        ("Schmidt, Klaus-Peter: Jahresgehalt 125.400 € brutto", "Schmidt, Klaus-Peter"),
        ("WÓJCIK, Zofia — 65 Botanic Avenue, Belfast BT7 1JG", "WÓJCIK, Zofia"),
    ],
)
def test_a_lists_surname_comma_given_entry_is_a_name(text: str, name: str) -> None:
    assert name in [value for _, value in found(text)]


@pytest.mark.parametrize(
    "text",
    ["Berlin, Germany: diabetes clinic opens", "Diabetes, Typ 2: Insulin nach Schema", "Note, Diabetes: see below",
     "Dr. med. Neumann, Oberarzt\nDiagnose: Diabetes"],
)  # fmt: skip
def test_a_place_a_term_or_a_role_after_a_comma_is_no_given_name(text: str) -> None:
    values = [value for _, value in found(text)]
    assert not any("," in value for value in values)


@pytest.mark.parametrize(
    ("text", "address", "name"),
    [
        ("hey can u send it to my new place? 214 Albert Road, Leeds LS6 4DL. thx, Rubén",
         "214 Albert Road, Leeds LS6 4DL", "Rubén"),
        ("hi, bin umgezogen!! neue adresse: Hauptstraße 71a, 28195 Bremen. lg Kunigunde",
         "Hauptstraße 71a, 28195 Bremen", "Kunigunde"),
    ],
)  # fmt: skip
def test_a_sign_off_on_its_line_names_the_address_before_it(text: str, address: str, name: str) -> None:
    assert ("ADDRESS", address) in found(text)
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize("text", ["Made by LG Display.", "Thanks, Docker team", "Best regards,"])
def test_a_closing_word_without_a_name_ending_its_line_is_no_sign_off(text: str) -> None:
    assert found(text) == []


def test_a_first_name_that_a_name_goes_on_from_starts_it() -> None:
    # "Felix" is a census surname too: "Lebenslauf Felix" would leave "Horvat" unredacted.
    assert ("HEALTH", "Felix Horvat") in found("Lebenslauf Felix Horvat: Diabetes Typ 2")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Gareth ist übrigens schwul, hat er mir gestern erzählt", "Gareth"),
        ("Hi, Harriet ist heute krank, Migräne-Attacke", "Harriet"),
        ("Hi, Ayşegül ist heute krank, Migräne-Attacke", "Ayşegül"),
        ("Gülşen Şahin has diabetes", "Gülşen Şahin"),
        ("Laborbefund SCHMIDT, ANNA: TSH 0,02 mU/l", "SCHMIDT, ANNA"),
        ("Name: ÇELIK, SERKAN, Diagnose Asthma", "ÇELIK, SERKAN"),
    ],
)
def test_a_first_name_alone_a_names_spelling_or_a_record_in_capitals_is_a_name(text: str, name: str) -> None:
    assert name in [value for _, value in found(text)]


@pytest.mark.parametrize(
    "text",
    ["Will is taking the metformin batch to the lab", "Dawn is when the cancer ward wakes up",
     "Holly is a common plant; its berries cause nausea", "Daisy is a flower, not a cure for cancer"],
)  # fmt: skip
def test_a_first_name_that_is_an_ordinary_word_alone_is_no_name(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Pt: Karamanlis, Gülşen - Asthma", "Pt: Karamanlis, Gülşen"),
        ("Patient: Öztürk, Gülşen, Diagnose Asthma", "Patient: Öztürk, Gülşen"),
        ("Name: ÇELIK, SERKAN", "Name: ÇELIK, SERKAN"),
        ("Cardiology: Nguyễn Quang Huy, aortic stenosis", "Nguyễn Quang Huy"),
        ("Patient: Võ Quang Huy, Diabetes", "Patient: Võ Quang Huy"),
    ],
)
def test_a_persons_finding_covers_the_whole_name(text: str, name: str) -> None:
    # Redaction masks what was found: a name found in part would leave the rest in a trace.
    assert name in [value for _, value in found(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Call back John Smith on +49 171 2345678", "John Smith"),
        ("Bitte Anna Schmidt anrufen: 0151 23456789", "Anna Schmidt"),
        ("Rückfragen an Zeynep Maier, zeynep.m@web.de", "Zeynep Maier"),
    ],
)
def test_a_lexicon_name_beside_a_finding_is_masked_with_it(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    "text", ["Diabetes, Typ 2: Insulin nach Schema", "Sehr geehrte Müller, Anna\n", "Frau Schmidt, Berlin: Diabetes"]
)
def test_a_term_a_greeting_or_a_place_after_a_comma_is_no_given_name(text: str) -> None:
    assert not any(value.endswith(("Typ", "Anna", "Berlin")) for _, value in found(text))


def test_a_window_around_a_finding_stops_within_a_words_reach() -> None:
    # A minified JSON line has no space in 100 KB: walking to the word's end for each of its findings made
    # detect quadratic (35 s on 95 KB of records); a window's edge moves at most a name word's length.
    from langchain_aegis.privacy._name_edges import _WORD_REACH, _word_end, _word_start

    text = "x" * 10_000
    assert _word_start(text, 5_000) == 5_000 - _WORD_REACH
    assert _word_end(text, 5_000) == 5_000 + _WORD_REACH
    assert _word_start("Anna Maier", 7) == 5
