"""How Nghị định 30/2020/NĐ-CP writes dates, numbers and lists, and how long a rule is."""

import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise

PLACEHOLDER = "……"
"""Left for the clerk where the ledger holds no fact (never an invented value)."""


def day_month_year(day: date) -> str:
    """"ngày 01 tháng 02 năm 2023", "ngày 12 tháng 3 năm 2023": a day below 10 and the
    months 1 and 2 take a leading zero."""
    return f"ngày {day.day:02d} tháng {_month(day.month)} năm {day.year}"


def _month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)


def on_stated(day: date | str) -> str:
    """A date at the precision the source states it (`Fact.stated_date()`): a day as
    `day_month_year`, "2018-03" as "tháng 3 năm 2018", "2018" as "năm 2018": never the
    first day of the period, which the source does not say."""
    if isinstance(day, date):
        return day_month_year(day)
    year, _, month = day.partition("-")
    return f"tháng {_month(int(month))} năm {year}" if month else f"năm {year}"


def date_line(place: str, day: date | str) -> str:
    """The italic line at the top right: "Hà Nội, ngày 14 tháng 11 năm 2019"."""
    return f"{place}, {on_stated(day)}"


def short_date(day: date) -> str:
    """"14/11/2019", for references inside the text."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def document_number(number: int | None, type_symbol: str, issuer_symbol: str, party: bool = False) -> str:
    """"05/QĐ-PV01" (Nghị định 30/2020), or "05-QĐ/PV01" for a Party body (Hướng dẫn
    36-HD/VPTW); a draft has no number yet and leaves its place blank."""
    digits = ' ' * 6 if number is None else f"{number:02d}"
    return f"{digits}-{type_symbol}/{issuer_symbol}" if party else f"{digits}/{type_symbol}-{issuer_symbol}"


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


# The same for Times Roman (upright, not bold).
_REGULAR_WIDTHS = dict(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611,
     722, 722, 944, 722, 722, 611,
     444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278,
     500, 500, 722, 500, 500, 444], strict=True))
_REGULAR_WIDTHS.update({" ": 250, "-": 333, ",": 250, ".": 250, ":": 278, "(": 333, ")": 333, "/": 278,
                        "Đ": 722, "đ": 500, "–": 500, "*": 500})
_BOLD_WIDTHS.update({"–": 500, "*": 500})


def _width(widths: dict[str, int], text: str, size_pt: float) -> int:
    units = 0
    for char in unicodedata.normalize("NFC", text):
        base = char if char in widths else unicodedata.normalize("NFD", char)[0]
        units += widths.get(base, 500)  # digits and anything unlisted
    return round(units * size_pt * 20 / 1000)


def bold_text_width_twips(text: str, size_pt: float) -> int:
    """The printed width of one line of bold Times text, in twentieths of a point."""
    return _width(_BOLD_WIDTHS, text, size_pt)


def text_width_twips(text: str, size_pt: float, bold: bool = False) -> int:
    return _width(_BOLD_WIDTHS if bold else _REGULAR_WIDTHS, text, size_pt)


# Where a long name may go on to a new line: before a conjunction or "trực thuộc", after a
# dash, and before the head noun of an organisation named inside it ("… VĂN PHÒNG / CÁC ĐẢNG
# ỦY KHỐI / VÀ CÁC ĐẢNG ỦY / TRỰC THUỘC / THÀNH ỦY HÀ NỘI"). Never inside "Hà Nội" or
# "Thành ủy Hà Nội": a proper name keeps its words together.
_BEFORE = {"và", "trực", "thuộc", "của", "bộ", "cục", "phòng", "ban", "sở", "cụm", "đội", "viện",
           "trường", "báo"}
_BEFORE_PAIRS = {("văn", "phòng"), ("công", "an"), ("thành", "ủy"), ("đảng", "ủy"), ("ủy", "ban"),
                 ("trung", "tâm"), ("tổng", "cục"), ("công", "ty")}
_NOT_AFTER = {"và", "các", "trực", "của", "thuộc"}
_KEEP = _BEFORE_PAIRS | {("bộ", "công"), ("bộ", "tư"), ("sở", "công"), ("trực", "thuộc")}


def _break_points(words: list[str]) -> list[int]:
    """Indexes of the words a new line of a name may start with."""
    lower = [w.lower() for w in words]
    points = []
    for i in range(1, len(words)):
        word, before = lower[i], lower[i - 1]
        if before in ("–", "-"):
            points.append(i)
            continue
        if word in ("–", "-") or before in _NOT_AFTER or (before, word) in _KEEP:
            continue
        pair = (word, lower[i + 1]) if i + 1 < len(words) else None
        if word in _BEFORE or pair in _BEFORE_PAIRS:
            points.append(i)
    return points


def name_lines(name: str, column_twips: int, size_pt: float, bold: bool) -> list[str]:
    """A name in capitals laid out in a header column: one line when it fits; else broken
    only where a new part of the name begins (Phụ lục I §II.2: a long name "có thể trình bày
    thành nhiều dòng", never broken inside a proper name). Widths are measured with Times
    metrics and a margin, so the word processor keeps each line whole."""
    words = unicodedata.normalize("NFC", name).split()
    limit = column_twips * 0.95

    def fits(part: list[str]) -> bool:
        return text_width_twips(upper(" ".join(part)), size_pt, bold) <= limit

    if fits(words):
        return [upper(" ".join(words))]
    cuts = [0, *_break_points(words), len(words)]
    chunks = [words[a:b] for a, b in pairwise(cuts)]
    lines: list[list[str]] = []
    for chunk in chunks:
        if lines and fits(lines[-1] + chunk):
            lines[-1] = lines[-1] + chunk
        else:
            lines.append(list(chunk))
    return [upper(" ".join(line)) for line in lines]


def centred_rule_indent(column_twips: int, rule_twips: int) -> int:
    """The left and right indent that centres a rule of `rule_twips` in a column."""
    return max(0, (column_twips - rule_twips) // 2)
