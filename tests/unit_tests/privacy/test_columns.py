"""A table's column header labels its cells: versions and product numbers in tables are not personal data.

Found on clean real text: Markdown tables of package versions (``| urllib3 | 1.26.18.2 |``) read as
IP addresses, CSV exports of product numbers shaped like German mobiles read as phones, and
``Name: Ubuntu Linux`` in package metadata read as a person. Each family has its personal twin:
the same table with a header that names an address or a phone, and a real name after ``Name:``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_aegis.privacy import detect
from langchain_aegis.privacy._columns import column_header, release_tables
from tests.unit_tests.privacy.test_real_text import found

_PUBLIC_QUAD = "81.2.69.142"  # a globally routable address (a UK ISP's), also valid as a version's digits


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@pytest.mark.parametrize("header", ["Version", "Firmware", "Build", "New version", "Kernel", "Versionsstand"])
def test_a_dotted_quad_under_a_version_header_is_a_version(header: str) -> None:
    text = _markdown(["Package", header], [["requests", "2.31.0.1"], ["router", _PUBLIC_QUAD]])
    assert found(text) == []


@pytest.mark.parametrize("header", ["IP", "Address", "Client IP", "Quelle"])
def test_the_same_quad_under_an_address_header_stays_found(header: str) -> None:
    text = _markdown(["Host", header], [["web", _PUBLIC_QUAD]])
    assert found(text) == [("IP_ADDRESS", _PUBLIC_QUAD)]


@pytest.mark.parametrize(
    ("header", "sep"),
    [("id,sku,qty", ","), ("Artikelnummer;Bezeichnung;Menge", ";"), ("Order No\tItem\tQty", "\t"), ("EAN,Preis", ",")],
)
def test_a_mobile_shaped_number_under_an_identifier_header_is_no_phone(header: str, sep: str) -> None:
    width = header.count(sep) + 1
    rows = [sep.join(["01512345678", *["3"] * (width - 1)]), sep.join(["01609876543", *["5"] * (width - 1)])]
    text = "\n".join([header, *rows])
    assert found(text) == []


@pytest.mark.parametrize("header", ["phone,qty", "Telefon;Menge", "Mobile ID,qty", "contact,qty", "Name,qty"])
def test_the_same_number_under_a_phone_or_neutral_header_stays_a_phone(header: str) -> None:
    sep = ";" if ";" in header else ","
    text = f"{header}\n01512345678{sep}3"
    assert found(text) == [("PHONE", "01512345678")]


def test_a_table_row_without_a_header_above_keeps_its_phone() -> None:
    assert ("PHONE", "01512345678") in found("sku,01512345678,3")


def test_a_sentence_with_as_many_commas_above_is_no_header() -> None:
    text = "Regarding your order from May, please call me back, thanks\nBest, 0151 2345678, Anna"
    assert ("PHONE", "0151 2345678") in found(text)


def test_a_header_hundreds_of_rows_up_still_labels_the_column() -> None:
    rows = [f"{k},0151{k:07d},1" for k in range(1, 800)]
    text = "\n".join(["id,sku,qty", *rows])
    assert [f for f in detect(text) if f.entity == "PHONE"] == []
    phones = "\n".join(["name,phone,qty", *(f"n{k},0151{k:07d},1" for k in range(1, 50))])
    assert len([f for f in detect(phones) if f.entity == "PHONE"]) > 40


_CELL = st.text(alphabet="abcdefgh XY0123", min_size=1, max_size=8).filter(lambda c: c.strip(" \t\"'*`_") != "")


@settings(max_examples=150, deadline=None)
@given(
    header=st.lists(_CELL, min_size=2, max_size=5),
    body=st.integers(min_value=2, max_value=6),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    prose=st.booleans(),
    data=st.data(),
)
def test_column_header_is_the_first_row_of_the_block(
    header: list[str], body: int, sep: str, prose: bool, data: st.DataObject
) -> None:
    width = len(header)
    rows = [[f"r{r}c{c}" for c in range(width)] for r in range(body)]
    before = "Some words before the table.\n" if prose else ""
    text = before + "\n".join(sep.join(row) for row in [header, *rows])
    r = data.draw(st.integers(min_value=0, max_value=body - 1))
    c = data.draw(st.integers(min_value=0, max_value=width - 1))
    cell = f"r{r}c{c}"
    pos = text.index(cell) + 1
    release_tables(text)
    expected = header[c].strip(" \t\r\"'*`_").lower()
    assert column_header(text, pos) == expected
    release_tables(text)
    assert column_header(text, len(before)) is None  # the header row itself has no header


@pytest.mark.parametrize(
    "product", ["Ubuntu Linux", "Debian GNU/Linux", "Microsoft Edge", "Google Chrome", "Apache Tomcat"]
)
def test_a_product_after_name_label_is_no_person(product: str) -> None:
    assert found(f"Name: {product}\nVersion: 22.04\nArchitecture: amd64") == []


def test_a_person_after_name_label_stays_found() -> None:
    assert [e for e, _ in found("Name: Max Mustermann\nAbteilung: Einkauf")] == ["PERSON"]
