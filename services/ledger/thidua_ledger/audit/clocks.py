"""The two clocks: what was true on a date, as the ledger knew it at a position.

`as_of` (the first clock) keeps only facts whose effective date is on or before it;
`known_at` (the second clock) keeps only facts recorded at or before a log position.
A moment of recording converts to the position of the last event recorded by then.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from thidua_events.facts import Fact
from thidua_events.facts.corrections import Correction

from thidua_ledger.audit.chain import moment as stored_moment
from thidua_ledger.domain.corrections import slots_of
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.snapshots import effective_through

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Clock:
    as_of: date | None = None
    known_at: int | None = None

    @property
    def is_now(self) -> bool:
        return self.as_of is None and self.known_at is None


NOW = Clock()


def position_at(recorder: Any, moment: datetime) -> int:
    """The last log position recorded at or before a moment (0 before the first event)."""
    # Recording moments never go backwards along the log, so this is a prefix of it.
    try:
        stored = stored_moment(moment)
    except OverflowError:  # a moment in year 1 or 9999 whose UTC falls outside: before or after every event
        stored = stored_moment((datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC))
    rows = recorder.query("SELECT MAX(position) FROM {chain} WHERE recorded_at <= ?", (stored,))
    return int(rows[0][0] or 0)


def version_known_at(recorder: Any, entity_id: UUID, position: int) -> int | None:
    rows = recorder.query("SELECT MAX(originator_version) FROM {chain} WHERE originator_id = ? "
                          "AND position <= ?", (str(entity_id), position))
    return int(rows[0][0]) if rows and rows[0][0] is not None else None


def load(ledger: Any, kind: type[A], entity_id: UUID, clock: Clock) -> A:
    """An entity as `clock` sees it."""
    version = None
    if clock.known_at is not None:
        version = version_known_at(ledger.recorder, entity_id, clock.known_at)
        if version is None:
            raise NotFound(kind.__name__, entity_id)
    if clock.as_of is None:
        return ledger.get(kind, entity_id, version=version)
    return _as_of(ledger, kind, entity_id, version, clock.as_of)


def _as_of(ledger: Any, kind: type[A], entity_id: UUID, version: int | None, day: date) -> A:
    # Facts dated after `day` are left out, even when recorded earlier; rules are not
    # re-checked: this is a view of the record, not a new command. Corrections known at
    # `version` apply first: a fact corrected to a later date leaves the view, a retracted
    # one is never in it. The fold starts from the newest snapshot whose facts all fall on
    # or before `day`, if there is one and no later correction names a fact it holds.
    entity: Any = None
    start = None
    for candidate in _snapshots_through(ledger, entity_id, version, day):
        entity = ledger.snapshot_at(entity_id, candidate)  # None if it is refused: try an older one
        if entity is not None:
            start = candidate
            break
    events = [e for e in ledger.events.get(entity_id, gt=start, lte=version) if isinstance(e, FactEvent)]
    slots = slots_of(events)
    if start is not None and slots and min(slots) <= start:
        entity, start = None, None
        events = [e for e in ledger.events.get(entity_id, lte=version) if isinstance(e, FactEvent)]
        slots = slots_of(events)
    for event in events:
        fact: Fact | None = event.fact
        if isinstance(fact, Correction):
            continue
        if event.originator_version in slots:
            fact = slots[event.originator_version]
        if fact is None:
            continue  # retracted
        if fact.effective_date > day:
            if entity is None:
                raise NotFound(kind.__name__, entity_id)  # it did not exist yet on that day
            continue
        if entity is None:
            entity = replace(event, fact=fact).mutate(None)  # type: ignore[call-arg]
        else:
            entity.apply(fact)
    if not isinstance(entity, kind):
        raise NotFound(kind.__name__, entity_id)
    return entity


def _snapshots_through(ledger: Any, entity_id: UUID, version: int | None, day: date) -> Iterator[int]:
    """The versions of the snapshots (up to `version`, newest first) holding only facts
    dated on or before `day`: the as-of-date view up to one is the snapshot itself."""
    if ledger.snapshots is None:
        return
    table = ledger.snapshots.recorder.events_table_name
    for snapshot_version, head in ledger.recorder.snapshot_heads(table, entity_id, version):
        through = effective_through(head)
        if through is not None and through <= day:
            yield snapshot_version


def _snapshot_through(ledger: Any, entity_id: UUID, version: int | None, day: date) -> int | None:
    """The newest of `_snapshots_through`, if any."""
    return next(_snapshots_through(ledger, entity_id, version, day), None)
