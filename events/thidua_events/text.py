"""Text as the ledger stores it: Unicode NFC, no control characters."""

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Annotated

from pydantic import AfterValidator, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

CONTROL_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}


def clean_text(value: str) -> str:
    """NFC-normalise and trim; reject control characters (tab and newline included
    in names, which end up in the header of an official document)."""
    text = unicodedata.normalize("NFC", value).strip()
    if text.isprintable():  # the common case, checked in C: printable text has none of them
        return text
    bad = next((ch for ch in text if unicodedata.category(ch) in CONTROL_CATEGORIES), None)
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


# The same rules as JSON Schema patterns, so that a standard validator refuses what the
# validators above refuse (`thidua_events.schemas` publishes them). Built from the running
# Python's Unicode tables, the ones the validators use. Lone surrogates (Cs) are left out:
# they cannot travel in UTF-8 JSON, and escapes for them break other regex engines.
# BMP characters are written as \uXXXX escapes, others literally: both read the same in
# Python's `re` and in ECMA-262 regexes with the `u` flag.


def _char_class(codes: list[int]) -> str:
    def one(code: int) -> str:
        return f"\\u{code:04X}" if code <= 0xFFFF else chr(code)

    parts, start = [], None
    for index, code in enumerate(codes):
        start = code if start is None else start
        if index + 1 == len(codes) or codes[index + 1] != code + 1:
            parts.append(one(start) if start == code else f"{one(start)}-{one(code)}")
            start = None
    return "".join(parts)


@cache
def text_patterns() -> dict[str, str]:
    """The patterns of Name, Note and Symbol, computed once, when a schema first asks (a pass
    over every code point: too slow to pay on every import)."""
    bad: list[int] = []
    space: list[int] = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if unicodedata.category(char) in CONTROL_CATEGORIES:
            bad.append(code)
        if char.isspace():  # what str.strip() removes
            space.append(code)
    bad_set = set(bad)
    any_bad, any_space = _char_class(bad), _char_class(space)
    space_not_bad = _char_class([code for code in space if code not in bad_set])
    space_in_line = _char_class([code for code in space if code != ord("\n")])
    # One line after strip(): starts and ends with a visible character, and between them only
    # characters that are not control characters. Written so that no two parts can match the
    # same run of spaces, which keeps a regex engine linear on long inputs.
    visible = f"[^{any_bad}{any_space}]"
    line = f"{visible}(?:{visible}|[{space_not_bad}]+{visible})*"
    return {
        "name": f"^[{any_space}]*{line}[{any_space}]*$",
        "note": f"^(?:[{space_in_line}]*{line})?[{space_in_line}]*(?:\\n(?:[{space_in_line}]*{line})?"
                f"[{space_in_line}]*)*$",
        "symbol": f"^[{any_space}]*[A-ZĐ0-9][A-ZĐ0-9\\-]*[{any_space}]*$",
    }


@dataclass(frozen=True)
class JsonPattern:
    """States a validator's rule as a pattern in the type's JSON Schema (pydantic cannot derive it)."""

    kind: str  # a key of text_patterns()

    def __get_pydantic_json_schema__(self, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {**handler(core), "pattern": text_patterns()[self.kind]}


Name = Annotated[
    str, StringConstraints(max_length=300), AfterValidator(clean_text), AfterValidator(_non_empty),
    JsonPattern("name"),
]
"""A name or title: one line, at least one character."""

Note = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(clean_paragraphs),
                 JsonPattern("note")]
"""Free text: a reason, a summary; may span lines."""

Symbol = Annotated[str, StringConstraints(max_length=30), AfterValidator(clean_text), AfterValidator(_symbol),
                   JsonPattern("symbol")]
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
