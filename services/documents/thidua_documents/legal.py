"""The catalogue of legal instruments a document may cite (căn cứ pháp lý).

Kept in the documents service's own store, not as ledger facts: an instrument is reference
data for writing documents, not something that happened in a movement; no ledger rule or
replay depends on it, and the documents service checks a citation against the document's
own date, which only it knows. Each instrument is registered once (by its number); a
document cites it by id, and cannot cite one dated after it or not in force on its date.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from thidua_events.text import comparison_key

from thidua_documents.books import RuleBroken
from thidua_documents.formatting import day_month_year
from thidua_documents.store import Tx

_COLUMNS = "instrument_id, title, number, issued_on, about, in_force_from, in_force_to, registered_by, registered_at"


@dataclass(frozen=True)
class Instrument:
    instrument_id: UUID
    title: str  # "Thông tư", "Luật Thi đua, khen thưởng": what precedes "số …"
    number: str  # "12/2019/TT-BCA"
    issued_on: date
    about: str | None  # what follows the date: "của Bộ trưởng Bộ Công an quy định …"
    in_force_from: date | None
    in_force_to: date | None  # the last day in force, when replaced or repealed
    registered_by: str
    registered_at: datetime

    @classmethod
    def of(cls, row: Sequence[object]) -> "Instrument":
        def day(value: object) -> date | None:
            return date.fromisoformat(str(value)) if value else None

        return cls(UUID(str(row[0])), str(row[1]), str(row[2]), date.fromisoformat(str(row[3])),
                   str(row[4]) if row[4] else None, day(row[5]), day(row[6]), str(row[7]),
                   datetime.fromisoformat(str(row[8])))

    def citation(self) -> str:
        """"Căn cứ Thông tư số 12/2019/TT-BCA ngày 29 tháng 5 năm 2019 của …"."""
        return f"Căn cứ {self.title} số {self.number} {day_month_year(self.issued_on)}" + (
            f" {self.about}" if self.about else "")

    def check_citable_on(self, dated: date) -> None:
        if self.issued_on > dated:
            raise RuleBroken("legal-basis-precedes-document",
                             f"{self.title} số {self.number} is dated {self.issued_on.isoformat()}, after the "
                             f"document ({dated.isoformat()}): a document cannot cite a later instrument")
        if self.in_force_from is not None and dated < self.in_force_from:
            raise RuleBroken("legal-basis-in-force",
                             f"{self.title} số {self.number} is in force from {self.in_force_from.isoformat()}, "
                             f"not yet on the document's date ({dated.isoformat()})")
        if self.in_force_to is not None and dated > self.in_force_to:
            raise RuleBroken("legal-basis-in-force",
                             f"{self.title} số {self.number} was in force until {self.in_force_to.isoformat()}, "
                             f"no longer on the document's date ({dated.isoformat()})")


def check_registered_once(tx: Tx, number: str) -> None:
    """One entry per instrument: its number compared as names are (comparison_key: case and
    runs of spaces aside), so that "12/2019/tt-bca" is not a second 12/2019/TT-BCA. The
    catalogue is small; its numbers are read whole."""
    key = comparison_key(number)
    same = next((row[0] for row in tx.all("SELECT number FROM legal_instruments") if comparison_key(row[0]) == key),
                None)
    if same is not None:
        raise RuleBroken("legal-instrument-registered-once",
                         f"an instrument numbered {same} is already in the catalogue")


def register_instrument(tx: Tx, *, title: str, number: str, issued_on: date, about: str | None,
                        in_force_from: date | None, in_force_to: date | None, actor: str) -> Instrument:
    check_registered_once(tx, number)
    if in_force_from and in_force_to and in_force_to < in_force_from:
        raise RuleBroken("legal-instrument-in-force-span", "in_force_to is before in_force_from")
    item = Instrument(uuid.uuid4(), title, number, issued_on, about, in_force_from, in_force_to, actor,
                      datetime.now(UTC))
    inserted = tx.execute(f"INSERT INTO legal_instruments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT DO NOTHING",
                          (str(item.instrument_id), title, number, issued_on.isoformat(), about,
                           in_force_from.isoformat() if in_force_from else None,
                           in_force_to.isoformat() if in_force_to else None, actor, item.registered_at.isoformat()))
    if inserted.rowcount != 1:  # registered meanwhile, committed after this read (PostgreSQL): now seen
        check_registered_once(tx, number)
        raise RuleBroken("legal-instrument-registered-once", f"an instrument numbered {number} was registered "
                                                             "meanwhile")
    return item


def instruments(tx: Tx) -> list[Instrument]:
    return [Instrument.of(row) for row in tx.all(f"SELECT {_COLUMNS} FROM legal_instruments "
                                                 "ORDER BY issued_on, number")]


class UnknownInstrument(Exception):
    """An id the catalogue does not hold: bad input, answered 422 naming the field."""

    def __init__(self, indices: list[int]) -> None:
        super().__init__("not in the catalogue of legal instruments: "
                         + ", ".join(f"legal_basis_ids[{i}]" for i in indices))
        self.indices = indices


def citations(tx: Tx, ids: Sequence[UUID], dated: date) -> list[str]:
    """The "Căn cứ …" lines of the chosen instruments, in the clerk's order; refused when one
    is unknown, later than the document, or not in force on its date."""
    found: dict[UUID, Instrument] = {}
    for instrument_id in dict.fromkeys(ids):
        row = tx.one(f"SELECT {_COLUMNS} FROM legal_instruments WHERE instrument_id = ?", (str(instrument_id),))
        if row is not None:
            found[instrument_id] = Instrument.of(row)
    unknown = [i for i, item in enumerate(ids) if item not in found]
    if unknown:
        raise UnknownInstrument(unknown)
    for instrument_id in ids:
        found[instrument_id].check_citable_on(dated)
    return [found[i].citation() for i in dict.fromkeys(ids)]
