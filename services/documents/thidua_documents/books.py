"""Issuing bodies and their books of outgoing documents (sổ văn bản đi).

Nghị định 30/2020, Điều 15 and Phụ lục I §II.3: an issuing body numbers its documents
in the order and by the dates of issue, from 01 on 1 January to 31 December each year;
whether all administrative documents share one series or each type has its own is the
head's choice: a setting of the body, registered once with its symbol, never a choice
of each request. The register takes its numbers from the book (register.py).

A Party body (Hướng dẫn 36-HD/VPTW) numbers per document type per term (nhiệm kỳ) of its
committee, from 01 at the start of each term, not each year: its terms are registered by
the clerk, never overlap, and a document dated outside every term has no book to take a
number from (no term is invented).
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
    inserted = tx.execute("INSERT INTO issuing_bodies VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          (issuer_key, symbol, series.value, actor, entry.registered_at.isoformat()))
    if inserted.rowcount != 1:
        # Registered meanwhile by a transaction that committed after this one read (PostgreSQL:
        # the insert waited for it); read again, it is there, and the rule says which.
        check_registered_once(tx, issuer_key, symbol)
        raise RuleBroken("issuing-body-registered-once", f"{issuer_key} was registered meanwhile")
    return entry


@dataclass(frozen=True)
class Term:
    """A term (nhiệm kỳ) of a Party issuing body's committee; `ends_on` None while unknown."""

    issuer_key: str
    starts_on: date
    ends_on: date | None

    def holds(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def __str__(self) -> str:
        return f"{self.starts_on.isoformat()} – {self.ends_on.isoformat() if self.ends_on else '(end not stated)'}"


def _lock_terms(tx: Tx, issuer_key: str) -> None:
    """Hold the body's row until commit (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises):
    registering, ending and numbering within terms then cannot interleave and break their checks."""
    tx.one("SELECT issuer_key FROM issuing_bodies WHERE issuer_key = ?" + tx.for_update, (issuer_key,))


def terms(tx: Tx, issuer_key: str) -> list[Term]:
    rows = tx.all("SELECT starts_on, ends_on FROM party_terms WHERE issuer_key = ? ORDER BY starts_on",
                  (issuer_key,))
    return [Term(issuer_key, date.fromisoformat(r[0]), date.fromisoformat(r[1]) if r[1] else None) for r in rows]


def check_terms_apart(tx: Tx, term: Term) -> None:
    """Terms never overlap (one committee at a time); a term ends on or after it starts. An open
    term (end not stated) reaches every later day, so a later term needs its end first."""
    if term.ends_on is not None and term.ends_on < term.starts_on:
        raise RuleBroken("party-term-ends-after-it-starts",
                         f"a term cannot end ({term.ends_on.isoformat()}) before it starts "
                         f"({term.starts_on.isoformat()})")
    far = date.max
    for other in terms(tx, term.issuer_key):
        if other.starts_on <= (term.ends_on or far) and term.starts_on <= (other.ends_on or far):
            raise RuleBroken("party-terms-never-overlap",
                             f"the term {term} overlaps the registered term {other} of {term.issuer_key}")


def register_term(tx: Tx, issuer_key: str, starts_on: date, ends_on: date | None, actor: str) -> Term:
    _lock_terms(tx, issuer_key)
    term = Term(issuer_key, starts_on, ends_on)
    check_terms_apart(tx, term)
    tx.execute("INSERT INTO party_terms VALUES (?, ?, ?, ?, ?)",
               (issuer_key, starts_on.isoformat(), ends_on.isoformat() if ends_on else None, actor,
                datetime.now(UTC).isoformat()))
    return term


def check_term_closable(tx: Tx, term: Term | None, ends_on: date) -> Term:
    """An open term is given its end once, on or after its start and after every document
    already numbered in its books (they must stay inside it)."""
    if term is None or term.ends_on is not None:
        raise RuleBroken("party-term-ended-once",
                         "only a registered term whose end is not yet stated can be given its end"
                         + (f": {term} already ends" if term else ""))
    closed = Term(term.issuer_key, term.starts_on, ends_on)
    if ends_on < term.starts_on:
        raise RuleBroken("party-term-ends-after-it-starts",
                         f"a term cannot end ({ends_on.isoformat()}) before it starts ({term.starts_on.isoformat()})")
    last = tx.one("SELECT number_text, dated FROM register_entries WHERE issuer_key = ? AND book LIKE ? "
                  "AND dated > ? ORDER BY dated DESC LIMIT 1",
                  (term.issuer_key, f"%@{term.starts_on.isoformat()}", ends_on.isoformat()))
    if last is not None:
        raise RuleBroken("party-term-holds-its-documents",
                         f"{last[0]}, dated {last[1]}, is numbered in this term: it cannot end before that")
    return closed


def close_term(tx: Tx, issuer_key: str, starts_on: date, ends_on: date) -> Term:
    _lock_terms(tx, issuer_key)
    term = next((t for t in terms(tx, issuer_key) if t.starts_on == starts_on), None)
    closed = check_term_closable(tx, term, ends_on)
    tx.execute("UPDATE party_terms SET ends_on = ? WHERE issuer_key = ? AND starts_on = ?",
               (ends_on.isoformat(), issuer_key, starts_on.isoformat()))
    return closed


def check_in_a_term(tx: Tx, issuer_key: str, dated: date) -> Term:
    """The term a Party document's date falls in: outside every registered term it has no book."""
    found = next((term for term in terms(tx, issuer_key) if term.holds(dated)), None)
    if found is None:
        raise RuleBroken("party-book-runs-per-term",
                         f"{dated.isoformat()} falls in no registered term (nhiệm kỳ) of {issuer_key}: a Party "
                         "body numbers per type per term of its committee; register the term first "
                         "(POST /documents/issuing-bodies/{issuer_key}/terms)")
    return found


def missing_term(tx: Tx, issuer_key: str, dated: date) -> str | None:
    """What a Party document dated outside every term lacks, as the clerk is told it (422 with
    the other missing parts, so a draft lists it too); None when a term holds the date."""
    try:
        check_in_a_term(tx, issuer_key, dated)
    except RuleBroken as broken:
        return f"{broken.rule}: {broken.detail}"
    return None


@dataclass(frozen=True)
class Book:
    """One book of outgoing documents: a State body's series of one calendar year, or a Party
    body's type series of one term. `year` keys the counter: the calendar year, or the year its
    term began (the name then carries the term's first day, so each term's book is its own)."""

    issuer_key: str
    name: str
    year: int
    term: Term | None = None

    @property
    def label(self) -> str:
        return f"the term {self.term}" if self.term else f"the book of {self.year}"

    def entries(self) -> tuple[str, tuple[object, ...]]:
        """SQL selecting this book's entries (a Party term spans years: its entries keep their own)."""
        if self.term is not None:
            return "issuer_key = ? AND book = ?", (self.issuer_key, self.name)
        return "issuer_key = ? AND book = ? AND year = ?", (self.issuer_key, self.name, self.year)


def book_for(tx: Tx, body: Body, type_symbol: str, dated: date, party: bool) -> Book:
    if not party:
        return Book(body.issuer_key, body.book(type_symbol), dated.year)
    _lock_terms(tx, body.issuer_key)
    term = check_in_a_term(tx, body.issuer_key, dated)
    return Book(body.issuer_key, f"{type_symbol}@{term.starts_on.isoformat()}", term.starts_on.year, term)


def check_in_order(tx: Tx, book: Book, number: int | None, dated: date) -> None:
    """A book runs forward in time: a document numbered after another is not dated before it,
    nor one numbered before it dated after (a number the ledger already records slots in)."""
    where, key = book.entries()
    if number is None:
        later = None
        earlier = tx.one(f"SELECT number_text, dated FROM register_entries WHERE {where} "
                         "AND number IS NOT NULL ORDER BY number DESC LIMIT 1", key)
    else:
        earlier = tx.one(f"SELECT number_text, dated FROM register_entries WHERE {where} "
                         "AND number < ? ORDER BY number DESC LIMIT 1", (*key, number))
        later = tx.one(f"SELECT number_text, dated FROM register_entries WHERE {where} "
                       "AND number > ? ORDER BY number LIMIT 1", (*key, number))
    if earlier is not None and date.fromisoformat(earlier[1]) > dated:
        raise RuleBroken("book-runs-forward-in-time",
                         f"a document dated {dated.isoformat()} cannot follow {earlier[0]}, dated {earlier[1]}, "
                         f"in {book.label}: numbers follow the order and the dates of issue")
    if later is not None and date.fromisoformat(later[1]) < dated:
        raise RuleBroken("book-runs-forward-in-time",
                         f"a document dated {dated.isoformat()} cannot come before {later[0]}, dated {later[1]}, "
                         f"in {book.label}: numbers follow the order and the dates of issue")


def check_number_free(tx: Tx, book: Book, number: int, number_text: str) -> None:
    where, key = book.entries()
    taken = tx.one(f"SELECT number_text, document_id FROM register_entries WHERE {where} AND number = ?",
                   (*key, number))
    if taken is not None:
        raise RuleBroken("one-number-one-document",
                         f"{number_text}: number {number:02d} of {book.label} is already {taken[0]} "
                         f"(document {taken[1]})")


def lock_book(tx: Tx, book: Book) -> int:
    """The book's last number, with its counter row locked until commit (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already holds the write lock): taken before the order is checked, so two
    issues cannot both pass the check and then number out of date order."""
    key = (book.issuer_key, book.name, book.year)
    tx.execute("INSERT INTO register_books VALUES (?, ?, ?, 0) ON CONFLICT (issuer_key, book, year) DO NOTHING",
               key)
    row = tx.one("SELECT last_number FROM register_books WHERE issuer_key = ? AND book = ? AND year = ?"
                 + tx.for_update, key)
    return int(row[0])  # type: ignore[index]


def advance_book(tx: Tx, book: Book, last: int, number: int) -> None:
    """Move the counter past `number` (a number the ledger records may lie beyond it)."""
    tx.execute("UPDATE register_books SET last_number = ? WHERE issuer_key = ? AND book = ? AND year = ?",
               (max(last, number), book.issuer_key, book.name, book.year))


def leading_number(number_text: str) -> int | None:
    """12 of "12/QĐ-CATP"; None when the recorded text starts otherwise."""
    found = re.match(r"\s*(\d+)\s*/", number_text)
    return int(found.group(1)) if found else None
