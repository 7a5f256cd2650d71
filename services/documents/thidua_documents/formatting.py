"""How Nghị định 30/2020/NĐ-CP writes dates, numbers and lists, and how long a rule is."""

import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

PLACEHOLDER = "……"
"""Left for the clerk where the ledger holds no fact (never an invented value)."""


def day_month_year(day: date) -> str:
    """"ngày 01 tháng 02 năm 2023", "ngày 12 tháng 3 năm 2023": a day below 10 and the
    months 1 and 2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_line(place: str, day: date) -> str:
    """The italic line at the top right: "Hà Nội, ngày 14 tháng 11 năm 2019"."""
    return f"{place}, {day_month_year(day)}"


def short_date(day: date) -> str:
    """"14/11/2019", for references inside the text."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def document_number(number: int | None, type_symbol: str, issuer_symbol: str) -> str:
    """"05/QĐ-PV01"; a draft has no number yet and leaves its place blank."""
    if number is None:
        return f"{' ' * 6}/{type_symbol}-{issuer_symbol}"
    return f"{number:02d}/{type_symbol}-{issuer_symbol}"


def upper(text: str) -> str:
    return unicodedata.normalize("NFC", text.upper())


def punctuate(items: Sequence[str], last: str = ".") -> list[str]:
    """Each item ends with ";", the last with `last`, whatever the clerk typed at the end."""
    cleaned = [item.strip().rstrip(";.,").rstrip() for item in items if item.strip()]
    return [item + (last if i == len(cleaned) - 1 else ";") for i, item in enumerate(cleaned)]


def points(value: Decimal | None) -> str:
    """Vietnamese decimals use a comma: 85,50."""
    return PLACEHOLDER if value is None else f"{value:.2f}".replace(".", ",")


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return PLACEHOLDER
    return f"{Decimal(part * 100) / whole:.2f}".replace(".", ",") + "%"


def paragraphs(text: str | None) -> list[str]:
    """A note's lines as paragraphs (none when there is nothing: the caller decides whether
    that is a missing part)."""
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


# Advance widths of Times Bold (1/1000 em, Adobe's core font metrics; Times New Roman is
# metric-compatible within a few per cent). Vietnamese marks do not change a letter's width.
_BOLD_WIDTHS = dict(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    [722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667,
     722, 722, 1000, 722, 722, 667,
     500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333,
     556, 500, 722, 500, 500, 444], strict=True))
_BOLD_WIDTHS.update({" ": 250, "-": 333, ",": 250, ".": 250, ":": 333, "(": 333, ")": 333, "/": 278,
                     "Đ": 722, "đ": 556})


def bold_text_width_twips(text: str, size_pt: float) -> int:
    """The printed width of one line of bold Times text, in twentieths of a point."""
    units = 0
    for char in unicodedata.normalize("NFC", text):
        base = char if char in _BOLD_WIDTHS else unicodedata.normalize("NFD", char)[0]
        units += _BOLD_WIDTHS.get(base, 500)  # digits and anything unlisted
    return round(units * size_pt * 20 / 1000)


def centred_rule_indent(column_twips: int, rule_twips: int) -> int:
    """The left and right indent that centres a rule of `rule_twips` in a column."""
    return max(0, (column_twips - rule_twips) // 2)
