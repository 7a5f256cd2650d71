"""Text as the ledger stores it: Unicode NFC, no control characters."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def clean_text(value: str) -> str:
    """NFC-normalise and trim; reject control characters (tab and newline included
    in names, which end up in the header of an official document)."""
    text = unicodedata.normalize("NFC", value).strip()
    if text.isprintable():  # the common case, checked in C: printable text has none of them
        return text
    bad = next((ch for ch in text if unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"}), None)
    if bad is not None:
        raise ValueError(f"must not contain control characters (found U+{ord(bad):04X})")
    return text


def clean_paragraphs(value: str) -> str:
    """Like clean_text, but line breaks are allowed (notes, reasons, long content)."""
    lines = [clean_text(line) for line in unicodedata.normalize("NFC", value).split("\n")]
    return "\n".join(lines).strip()


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _symbol(value: str) -> str:
    if not re.fullmatch(r"[A-ZĐ0-9][A-ZĐ0-9\-]*", value):
        raise ValueError("must be upper-case letters, digits and hyphens, without spaces")
    return value


Name = Annotated[
    str, StringConstraints(max_length=300), AfterValidator(clean_text), AfterValidator(_non_empty)
]
"""A name or title: one line, at least one character."""

Note = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(clean_paragraphs)]
"""Free text: a reason, a summary; may span lines."""

Symbol = Annotated[str, StringConstraints(max_length=30), AfterValidator(clean_text), AfterValidator(_symbol)]
"""A document-number symbol such as "PV01" or "CATP": upper case, digits, hyphens, no spaces."""


# Vietnamese collation: letters in the order of the Vietnamese alphabet (Đ after D,
# Ă and Â after A, ...), then tones in dictionary order, compared after the letters.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


def _letters_and_tones(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text).lower():
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark == "\u031b":  # horn: ơ, ư
                base = {"o": "ơ", "u": "ư"}.get(base, base)
            elif mark == "\u0302":
                base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
            elif mark == "\u0306" and base == "a":  # breve
                base = "ă"
        if char == "đ":
            base = "đ"
        index = _ALPHABET.find(base)
        letters.append(index if index >= 0 else 100 + ord(base))
        tones.append(tone)
    return tuple(letters), tuple(tones)


def vietnamese_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort key for Vietnamese names: D < Đ, A < Ă < Â, then tones ngang < huyền < hỏi < ngã < sắc < nặng."""
    return _letters_and_tones(text)


def comparison_key(value: str) -> str:
    """How two names are compared for identity: NFC, runs of whitespace as one space, casefold.
    "Cờ thi đua của  Công an tỉnh" (double space), its NFD or upper-case forms are one name."""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()
