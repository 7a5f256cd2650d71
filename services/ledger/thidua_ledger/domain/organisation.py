"""Authorities, units and people (cơ quan, đơn vị, cán bộ)."""

from datetime import date
from typing import cast
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event
from thidua_events.facts import Provenance
from thidua_events.facts.organisation import (
    AuthorityRegistered,
    PersonPostingChanged,
    PersonRegistered,
    UnitDissolved,
    UnitMerged,
    UnitRegistered,
    UnitRenamed,
)
from thidua_events.text import comparison_key

from thidua_ledger.domain.entity import Entity, applies
from thidua_ledger.domain.errors import check

_UNIT_NAMES = UUID("5c8e1a2b-3d4f-4a6b-8c7d-9e0f1a2b3c4d")


class Authority(Entity):
    """An awarding or supervising authority (Bộ Công an, CATP Hà Nội, Thành ủy Hà Nội)."""

    id_field = "authority_id"
    # Its registration day; a class default for authorities snapshotted before it was kept.
    registered_on = cast(date | None, None)

    @applies
    def _(self, fact: AuthorityRegistered) -> None:
        self.name = fact.name
        self.symbol = fact.symbol
        self.parent_id = fact.parent_id
        self.place = fact.place
        self.registered_on = fact.effective_date

    def check_registered_by(self, day: date) -> None:
        """What the authority registers, forms or governs comes on or after its own registration."""
        check(self.registered_on is None or day >= self.registered_on, "authority-must-exist",
              f"{self.name} was registered on {self.registered_on}: nothing of it is dated {day}")


class Unit(Entity):
    """A unit (đơn vị) with its name history: documents print the name of their date."""

    id_field = "unit_id"
    # Each name's date as its source states it ("2016"), where that is less than a day; a class
    # default for units snapshotted before dates kept their precision (unannotated: see Entity).
    names_stated = cast(tuple[date | str, ...], ())

    @applies
    def _(self, fact: UnitRegistered) -> None:
        self.authority_id = fact.authority_id
        self.symbol = fact.symbol
        self.names: list[tuple[date, str]] = [(fact.effective_date, fact.name)]
        self.names_stated = (fact.stated_date(),)
        self.registered_on = fact.effective_date
        self.ended_on: date | None = None
        self.merged_into: UUID | None = None

    @applies
    def _(self, fact: UnitRenamed) -> None:
        self.names.append((fact.effective_date, fact.name))
        if self.names_stated:
            self.names_stated = (*self.names_stated, fact.stated_date())

    @applies
    def _(self, fact: UnitMerged) -> None:
        self.ended_on = fact.effective_date
        self.merged_into = fact.into_unit_id

    @applies
    def _(self, fact: UnitDissolved) -> None:
        self.ended_on = fact.effective_date

    @property
    def name(self) -> str:
        return self.names[-1][1]

    def name_on(self, day: date) -> str:
        """The name the unit carried on a day (its first name before it was registered)."""
        current = self.names[0][1]
        for since, name in self.names:
            if since <= day:
                current = name
        return current

    def exists_on(self, day: date) -> bool:
        return self.ended_on is None or day < self.ended_on

    def check_not_ended(self) -> None:
        check(self.ended_on is None, "end-once", f"unit {self.name} already ended on {self.ended_on}")

    def check_active(self, day: date) -> None:
        """The unit exists on `day`: registered by then (a fact cannot come before its cause),
        and not yet ended."""
        check(day >= self.registered_on, "unit-must-exist",
              f"unit {self.name} was registered on {self.registered_on} and cannot act on {day}")
        check(self.exists_on(day), "unit-must-exist",
              f"unit {self.name} ended on {self.ended_on} and cannot act on {day}")

    def check_ends_after_registration(self, day: date) -> None:
        check(day > self.registered_on, "end-after-registration",
              f"unit {self.name} was registered on {self.registered_on}: it can end only after that day")

    def rename(self, fact: UnitRenamed, provenance: Provenance) -> None:
        self.check_active(fact.effective_date)
        latest = self.names[-1][0]
        check(fact.effective_date > latest, "rename-after-current-name",
              f"the name in force since {latest} can only change after that date")
        check(fact.name != self.name, "rename-changes-name", f"the unit is already named {fact.name}")
        self.record(fact, provenance)

    def merge_into(self, fact: UnitMerged, provenance: Provenance, into: "Unit") -> None:
        check(fact.into_unit_id != self.id, "merge-into-another-unit", "a unit cannot merge into itself")
        self.check_not_ended()
        self.check_ends_after_registration(fact.effective_date)
        into.check_active(fact.effective_date)
        self.record(fact, provenance)

    def dissolve(self, fact: UnitDissolved, provenance: Provenance) -> None:
        self.check_not_ended()
        self.check_ends_after_registration(fact.effective_date)
        self.record(fact, provenance)


class Person(Entity):
    """A person (cá nhân) with rank (cấp bậc) and position (chức vụ) in a unit."""

    id_field = "person_id"

    @applies
    def _(self, fact: PersonRegistered) -> None:
        self.full_name = fact.full_name
        self.postings: list[tuple[date, UUID, str | None, str | None]] = [
            (fact.effective_date, fact.unit_id, fact.rank, fact.position)
        ]

    @applies
    def _(self, fact: PersonPostingChanged) -> None:
        self.postings.append((fact.effective_date, fact.unit_id, fact.rank, fact.position))

    @property
    def unit_id(self) -> UUID:
        return self.postings[-1][1]

    def units_in(self, year: int) -> set[UUID]:
        """Every unit the person was posted to at some time during the calendar year."""
        last = date(year, 12, 31)
        found = {unit for since, unit, _, _ in self.postings if date(year, 1, 1) <= since <= last}
        before = [unit for since, unit, _, _ in self.postings if since < date(year, 1, 1)]
        if before:
            found.add(before[-1])
        return found or {self.postings[0][1]}

    def change_posting(self, fact: PersonPostingChanged, provenance: Provenance) -> None:
        check(fact.effective_date > self.postings[-1][0], "posting-after-current-posting",
              f"the posting in force since {self.postings[-1][0]} can only change after that date")
        self.record(fact, provenance)


def unit_name_id(authority_id: UUID, name: str) -> UUID:
    return uuid5(_UNIT_NAMES, f"{authority_id}|{comparison_key(name)}")


class UnitName(Aggregate):
    """The units of one authority registered under one name (compared ignoring case, Unicode
    form and repeated spaces). Saved with each registration, so two clerks racing to register
    the same unit twice collide. Internal to the ledger: no contract fact, not published."""

    @staticmethod
    def create_id(authority_id: UUID, name: str, unit_id: UUID) -> UUID:
        return unit_name_id(authority_id, name)

    @event("Taken")
    def __init__(self, authority_id: UUID, name: str, unit_id: UUID) -> None:
        self.unit_ids: list[UUID] = [unit_id]

    @event("TakenAgain")
    def _take(self, unit_id: UUID) -> None:
        self.unit_ids.append(unit_id)

    def take(self, fact: UnitRegistered, provenance: Provenance) -> None:
        self.check_name_free(fact, provenance)
        self._take(unit_id=fact.unit_id)

    def note_earlier(self, unit_id: UUID) -> None:
        """A unit that took the name before this index existed (migration 7): indexed as the
        log has it, unchecked, since an old fact is never refused after the event."""
        if unit_id not in self.unit_ids:
            self._take(unit_id=unit_id)

    def take_by_renaming(self, fact: UnitRenamed, provenance: Provenance, holders: list[Unit]) -> None:
        """`holders`: the units that took this name before (registered or renamed to it)."""
        self.check_name_free_for_renaming(fact, provenance, holders)
        self._take(unit_id=fact.unit_id)

    def check_name_free_for_renaming(self, fact: UnitRenamed, provenance: Provenance,
                                     holders: list[Unit]) -> None:
        """Renaming a unit to the name another live unit of its authority carries on that day
        makes two units one name, as registering it twice would; a clerk who knows otherwise
        says why. A unit that has ended, or has since changed its name, no longer holds it."""
        key = comparison_key(fact.name)
        taken = [unit.id for unit in holders if unit.id != fact.unit_id and unit.exists_on(fact.effective_date)
                 and comparison_key(unit.name_on(fact.effective_date)) == key]
        check(not taken or bool(provenance.reason), "unit-name-unique-per-authority",
              f"unit {taken[0] if taken else None} is named “{fact.name}” on {fact.effective_date}; "
              "to give another unit of its authority that name, give the reason")

    def check_name_free(self, fact: UnitRegistered, provenance: Provenance) -> None:
        """A second unit of one name under one authority is most often the same unit entered
        twice; a clerk who knows otherwise says why."""
        check(not self.unit_ids or bool(provenance.reason), "unit-name-unique-per-authority",
              f"unit {self.unit_ids[0] if self.unit_ids else None} of authority {fact.authority_id} is "
              f"already named “{fact.name}”; to register another unit of that name, give the reason")
