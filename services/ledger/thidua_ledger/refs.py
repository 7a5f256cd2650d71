"""How views name the units they mention: by id and by the name the unit bore that day."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock, load
from thidua_ledger.domain.organisation import Unit


class UnitRef(BaseModel):
    unit_id: UUID
    name: str


def name_day(year: int, today: date, clock: Clock) -> date:
    """Names are given as they were at the end of the year (or on the as-of date, or today)."""
    return min(date(year, 12, 31), today, clock.as_of or today)


def unit_ref(ledger: Ledger, unit_id: UUID | None, on: date, clock: Clock = NOW) -> UnitRef | None:
    if unit_id is None:
        return None
    # Known-at applies to the name too: a rename recorded later is not yet known.
    unit = load(ledger, Unit, unit_id, Clock(known_at=clock.known_at))
    return UnitRef(unit_id=unit_id, name=unit.name_on(on))


class UnitRefs:
    """Unit refs for one view: each unit loaded once, however often the view names it
    (a standings table names every inspecting unit once per score)."""

    def __init__(self, ledger: Ledger, on: date, clock: Clock) -> None:
        self.ledger, self.on, self.clock = ledger, on, clock
        self.known: dict[UUID, UnitRef | None] = {}

    def __call__(self, unit_id: UUID | None) -> UnitRef | None:
        if unit_id is None:
            return None
        if unit_id not in self.known:
            self.known[unit_id] = unit_ref(self.ledger, unit_id, self.on, self.clock)
        return self.known[unit_id]
