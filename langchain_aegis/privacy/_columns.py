"""A table's column header: the label of every cell under it.

A value in a Markdown, CSV or TSV table has no label on its own line; the header row above
names it. ``| requests | 2.31.0.1 |`` under ``| Package | Version |`` is a version, not an IP
address; ``1,01512345678,3`` under ``id,sku,qty`` is a product number, not a phone. The number
scanners ask only for a candidate that has passed every other test, so the walk up the table
costs nothing on text without one.

Hand-written: no table parser reads a header from inside a prompt's free text (``csv`` needs
the table cut out first and knows neither Markdown nor where the table starts).
"""

from __future__ import annotations

import re

__all__ = ["column_header", "identifier_column", "release_tables", "version_column"]

_SEPARATORS = ("|", "\t", ";", ",")
_MAX_ROWS = 2_000  # rows walked up to a header; a longer table's cells keep their findings
_MAX_HEADER = 40  # characters: a header is a label, not a sentence that happens to hold commas
_WORD = re.compile(r"[^\W\d_]+")


# The last text's tables as walked so far: (separator, width) -> each row walked, by where it starts,
# with where its header starts. Without it, a CSV export of thousands of phone numbers would walk up
# thousands of rows for each. Kept for one text (``release_tables``).
_Rows = dict[tuple[str, int], dict[int, int]]
_NO_TABLES: tuple[str, _Rows] = ("", {})
_last = _NO_TABLES


def release_tables(text: str) -> None:
    """Forget the tables walked in ``text`` (at the end of a ``detect`` call)."""
    global _last
    if _last[0] is text:
        _last = _NO_TABLES


def column_header(text: str, pos: int, end: int | None = None) -> str | None:
    """The lower-cased header of the table column holding ``text[pos]``; None outside a table.

    The table is the block of consecutive lines with as many separators (``|``, tab, ``;``
    or ``,``, whichever the line has most of) as the line at ``pos``; its first line is the
    header (a Markdown table's ``|---|`` row has as many bars, so it is part of the block).
    Only a table that reads as one has a header: every header cell a label (at most four
    words and :data:`_MAX_HEADER` characters, no sentence's end), at least two rows of data
    (a signature's two lines and two sentences with a comma each are none), no quoted cells
    (whose separators ``split`` would miscount). With ``end``, ``text[pos:end]`` must be the
    whole cell (a number inside a cell's free text is not the column's).
    """
    global _last
    start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line = text[start : len(text) if line_end < 0 else line_end]
    sep = max(_SEPARATORS, key=line.count)
    width = line.count(sep)
    if not width or '"' in line:
        return None
    memo = _last  # one reference: another thread may replace ``_last`` with its own text's
    if memo[0] is not text:
        memo = _last = (text, {})
    header = _header_line(text, start, sep, width, memo[1].setdefault((sep, width), {}))
    if header == start:
        return None
    header_end = text.find("\n", header)
    cells = [c.strip(" \t\r\"'*`_") for c in text[header:header_end].split(sep)]
    column = text.count(sep, start, pos)
    if column >= len(cells) or not all(_label(c) for c in cells if c):
        return None
    if _data_rows(text, header, start, sep, width, line_end) < 2:
        return None
    if end is not None:
        line_stop = len(text) if line_end < 0 else line_end
        cell_start = text.rfind(sep, start, pos) + 1 if column else start
        cell_end = text.find(sep, pos, line_stop)
        if text[cell_start : line_stop if cell_end < 0 else cell_end].strip(" \t\r\"'") != text[pos:end]:
            return None
    return cells[column].lower() or None


def _label(cell: str) -> bool:
    return len(cell) <= _MAX_HEADER and len(cell.split()) <= 4 and not cell.endswith((".", "!", "?"))


_RULE = re.compile(r"[\s|:\-+]*\Z")  # a Markdown table's "|---|:---:|" row


def _data_rows(text: str, header: int, start: int, sep: str, width: int, line_end: int) -> int:
    """Rows of data from the header to the line at ``start`` and, if needed, the one after it."""
    rows = 0
    pos = text.find("\n", header) + 1
    while 0 < pos <= start:
        nxt = text.find("\n", pos)
        if not _RULE.match(text[pos : len(text) if nxt < 0 else nxt]):
            rows += 1
        if nxt < 0:
            break
        pos = nxt + 1
    if rows < 2 and line_end >= 0:
        below_end = text.find("\n", line_end + 1)
        below = text[line_end + 1 : len(text) if below_end < 0 else below_end]
        rows += below.count(sep) == width and not _RULE.match(below)
    return rows


def _header_line(text: str, start: int, sep: str, width: int, rows: dict[int, int]) -> int:
    """The start of the first line of the block holding the line at ``start``; each row is walked once."""
    header = rows.get(start)
    if header is not None:
        return header
    walked = [start]
    header = start
    for _ in range(_MAX_ROWS):
        if header == 0:
            break
        above = text.rfind("\n", 0, header - 1) + 1
        if text.count(sep, above, header - 1) != width:
            break
        known = rows.get(above)
        if known is not None:  # a row walked before: its header is this one's
            header = known
            break
        header = above
        walked.append(above)
    for row in walked:
        rows[row] = header
    return header


_VERSION_WORDS = frozenset(
    {"version", "versions", "release", "build", "firmware", "revision", "rev", "ver", "patch", "patchlevel",
     "versionsnummer", "versionsstand", "softwarestand", "firmwarestand", "kernel"}
)  # fmt: skip


def version_column(text: str, pos: int, end: int) -> bool:
    """Whether ``text[pos:end]`` is a cell under a header naming a version (``Version``, ``Firmware``, ``Build``)."""
    header = column_header(text, pos, end)
    return header is not None and not _VERSION_WORDS.isdisjoint(_WORD.findall(header))


# Columns of numbers that are a thing's, not a line to call. Whole words of the header, so
# "Telefonnummer", "Mobile ID" or "Phone (order desk)" are not among them (a phone word wins).
_IDENTIFIER_WORDS = frozenset(
    {"id", "ids", "sku", "ean", "gtin", "upc", "isbn", "asin", "pzn", "mpn", "item", "items", "product", "produkt",
     "artikel", "artikelnummer", "artikelnr", "art", "order", "orders", "bestellung", "bestellnummer", "bestellnr",
     "auftrag", "auftragsnummer", "auftragsnr", "invoice", "rechnung", "rechnungsnummer", "rechnungsnr", "serial",
     "seriennummer", "serien", "sn", "part", "teilenummer", "batch", "charge", "chargennummer", "lot", "barcode",
     "tracking", "sendungsnummer", "ticket", "hash", "checksum", "timestamp", "epoch", "ts", "uid", "uuid", "key",
     "qty", "quantity", "menge", "anzahl", "count", "amount", "betrag", "price", "preis", "total", "summe",
     "bytes", "size", "duration", "latency", "ms", "ns", "offset", "seq", "sequence", "index", "row"}
)  # fmt: skip
_PHONE_WORDS = re.compile(r"tel|phone|fon|mobil|handy|fax|cell|kontakt|contact|ruf|call|whatsapp|sms")


def identifier_column(text: str, pos: int, end: int) -> bool:
    """Whether ``text[pos:end]`` is a cell under a header naming an identifier or a quantity, not a phone.

    ``id``, ``SKU``, ``Order No``, ``Artikelnummer``, ``qty``: a number there is a product's or a
    record's. A header with a phone word (``Tel``, ``Mobile``, ``Kontakt``) is never one.
    """
    header = column_header(text, pos, end)
    if header is None or _PHONE_WORDS.search(header) is not None:
        return False
    return not _IDENTIFIER_WORDS.isdisjoint(_WORD.findall(header))
