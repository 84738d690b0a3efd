"""Whether a digit run is glued to a word or code beside it: then it is part of an identifier, not a value."""

from __future__ import annotations

__all__ = ["glued_left", "glued_right"]


def glued_left(text: str, i: int) -> bool:
    """Whether ``text[i:]`` continues a word or code before it (``INV-2024``, ``v10.0``, ``a716``)."""
    if i == 0:
        return False
    c = text[i - 1]
    if c.isalnum() or c == "_":
        return True
    if i >= 2 and c in "-/":
        return text[i - 2].isalnum() or text[i - 2] == "_"  # "blk_-6952295868487656571" is an identifier
    return i >= 2 and c == "." and text[i - 2].isdecimal()


def glued_right(text: str, i: int) -> bool:
    """Whether ``text[:i]`` runs on into a word or code after it (``2024-05-01T12``)."""
    if i >= len(text):
        return False
    c = text[i]
    if c.isalnum() or c == "_":
        return True
    return c in "-/" and i + 1 < len(text) and text[i + 1].isalnum()
