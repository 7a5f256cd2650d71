"""Issuing bodies and their books of outgoing documents (sổ văn bản đi).

Nghị định 30/2020, Điều 15 and Phụ lục I §II.3: an issuing body numbers its documents
in the order and by the dates of issue, from 01 on 1 January to 31 December each year;
whether all administrative documents share one series or each type has its own is the
head's choice: a setting of the body, registered once with its symbol, never a choice
of each request. The register takes its numbers from the book (register.py).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from thidua_documents.store import Tx

_SYMBOL = re.compile(r"[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")


def _check_symbol(value: str) -> str:
    """Capitals (Đ included), digits, and hyphens between groups (as in "BCA-X01"): no
    spaces, no slashes (the slash separates the number), no lower case."""
    if not _SYMBOL.fullmatch(value) or not re.search(r"[A-ZĐ]", value):
        raise ValueError("an issuing body's symbol is capitals (Đ included) and digits, groups joined by "
                         "a hyphen, with at least one letter: no spaces, slashes or lower case (e.g. CTĐ4)")
    return value


BodySymbol = Annotated[str, StringConstraints(min_length=1, max_length=20), AfterValidator(_check_symbol)]


class Series(StrEnum):
    COMMON = "common"  # one series for every administrative document of the body
    PER_TYPE = "per_type"  # one series per document type (QĐ, BB, BC, TTr …)


class RuleBroken(Exception):
    """A rule of the register or the catalogue: answered 409 with the rule's name, as the ledger does."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail


@dataclass(frozen=True)
class Body:
    issuer_key: str
    symbol: str
    series: Series
    registered_by: str
    registered_at: datetime

    def book(self, type_symbol: str) -> str:
        """The series a document of this type is numbered in."""
        return "*" if self.series is Series.COMMON else type_symbol


def body(tx: Tx, issuer_key: str) -> Body | None:
    row = tx.one("SELECT issuer_key, symbol, series, registered_by, registered_at FROM issuing_bodies "
                 "WHERE issuer_key = ?", (issuer_key,))
    return Body(row[0], row[1], Series(row[2]), row[3], datetime.fromisoformat(row[4])) if row else None


def bodies(tx: Tx) -> list[Body]:
    rows = tx.all("SELECT issuer_key, symbol, series, registered_by, registered_at FROM issuing_bodies "
                  "ORDER BY symbol")
    return [Body(r[0], r[1], Series(r[2]), r[3], datetime.fromisoformat(r[4])) for r in rows]


def check_registered_once(tx: Tx, issuer_key: str, symbol: str) -> None:
    if body(tx, issuer_key) is not None:
        raise RuleBroken("issuing-body-registered-once",
                         f"{issuer_key} is already registered: its symbol and series are set once")
    holder = tx.one("SELECT issuer_key FROM issuing_bodies WHERE symbol = ?", (symbol,))
    if holder is not None:
        raise RuleBroken("issuing-body-symbol-unique",
                         f"the symbol {symbol} is already {holder[0]}'s: a number and symbol are unique")


def register_body(tx: Tx, issuer_key: str, symbol: str, series: Series, actor: str) -> Body:
    check_registered_once(tx, issuer_key, symbol)
    entry = Body(issuer_key, symbol, series, actor, datetime.now(UTC))
    tx.execute("INSERT INTO issuing_bodies VALUES (?, ?, ?, ?, ?)",
               (issuer_key, symbol, series.value, actor, entry.registered_at.isoformat()))
    return entry


def check_in_order(tx: Tx, issuer_key: str, book: str, year: int, number: int | None, dated: date) -> None:
    """A book runs forward in time: a document numbered after another is not dated before it,
    nor one numbered before it dated after (a number the ledger already records slots in)."""
    if number is None:
        later = None
        earlier = tx.one("SELECT number_text, dated FROM register_entries WHERE issuer_key = ? AND book = ? "
                         "AND year = ? AND number IS NOT NULL ORDER BY number DESC LIMIT 1",
                         (issuer_key, book, year))
    else:
        earlier = tx.one("SELECT number_text, dated FROM register_entries WHERE issuer_key = ? AND book = ? "
                         "AND year = ? AND number < ? ORDER BY number DESC LIMIT 1",
                         (issuer_key, book, year, number))
        later = tx.one("SELECT number_text, dated FROM register_entries WHERE issuer_key = ? AND book = ? "
                       "AND year = ? AND number > ? ORDER BY number LIMIT 1", (issuer_key, book, year, number))
    if earlier is not None and date.fromisoformat(earlier[1]) > dated:
        raise RuleBroken("book-runs-forward-in-time",
                         f"a document dated {dated.isoformat()} cannot follow {earlier[0]}, dated {earlier[1]}, "
                         f"in the book of {year}: numbers follow the order and the dates of issue")
    if later is not None and date.fromisoformat(later[1]) < dated:
        raise RuleBroken("book-runs-forward-in-time",
                         f"a document dated {dated.isoformat()} cannot come before {later[0]}, dated {later[1]}, "
                         f"in the book of {year}: numbers follow the order and the dates of issue")


def check_number_free(tx: Tx, issuer_key: str, book: str, year: int, number: int, number_text: str) -> None:
    taken = tx.one("SELECT number_text, document_id FROM register_entries WHERE issuer_key = ? AND book = ? "
                   "AND year = ? AND number = ?", (issuer_key, book, year, number))
    if taken is not None:
        raise RuleBroken("one-number-one-document",
                         f"{number_text}: number {number:02d} of {year} is already {taken[0]} "
                         f"(document {taken[1]})")


def lock_book(tx: Tx, issuer_key: str, book: str, year: int) -> int:
    """The book's last number, with its counter row locked until commit (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already holds the write lock): taken before the order is checked, so two
    issues cannot both pass the check and then number out of date order."""
    key = (issuer_key, book, year)
    tx.execute("INSERT INTO register_books VALUES (?, ?, ?, 0) ON CONFLICT (issuer_key, book, year) DO NOTHING",
               key)
    row = tx.one("SELECT last_number FROM register_books WHERE issuer_key = ? AND book = ? AND year = ?"
                 + tx.for_update, key)
    return int(row[0])  # type: ignore[index]


def advance_book(tx: Tx, issuer_key: str, book: str, year: int, last: int, number: int) -> None:
    """Move the counter past `number` (a number the ledger records may lie beyond it)."""
    tx.execute("UPDATE register_books SET last_number = ? WHERE issuer_key = ? AND book = ? AND year = ?",
               (max(last, number), issuer_key, book, year))


def leading_number(number_text: str) -> int | None:
    """12 of "12/QĐ-CATP"; None when the recorded text starts otherwise."""
    found = re.match(r"\s*(\d+)\s*/", number_text)
    return int(found.group(1)) if found else None
