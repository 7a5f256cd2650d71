"""The two clocks: what was true on a date, as the ledger knew it at a position.

`as_of` (the first clock) keeps only facts whose effective date is on or before it;
`known_at` (the second clock) keeps only facts recorded at or before a log position.
A moment of recording converts to the position of the last event recorded by then.
"""

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from thidua_ledger.audit.chain import moment as stored_moment
from thidua_ledger.audit.in_force_fold import fold_as_of, fold_facts, slots_in
from thidua_ledger.audit.stored_history import StoredFact, decode_rows, entity_rows
from thidua_ledger.domain.entity import Entity
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
        if version is None or not issubclass(kind, Entity):
            return ledger.get(kind, entity_id, version=version)
        return _known_at(ledger, kind, entity_id, version)
    return _as_of(ledger, kind, entity_id, version, clock.as_of)


def _known_at(ledger: Any, kind: type[A], entity_id: UUID, version: int) -> A:
    # As the ledger reads it (snapshot_store.CheckedSnapshots._load) at that version, with
    # the entity's events read in one query and each decoded once.
    rows = _rows_of(ledger, kind, entity_id, version)
    heads = ledger.recorder.snapshot_heads(ledger.snapshots.recorder.events_table_name, entity_id, version) \
        if ledger.snapshots is not None else []
    entity, facts = _from_snapshot(ledger, entity_id, rows, heads[0][0] if heads else None)
    found: A = fold_facts(kind, entity_id, facts, entity)
    return found


def _rows_of(ledger: Any, kind: type[A], entity_id: UUID, version: int | None) -> list[tuple[Any, ...]]:
    topic, rows = entity_rows(ledger, entity_id, version)
    if not issubclass(kind, Entity) or topic != get_topic(kind.Registered):  # none, or another kind
        raise NotFound(kind.__name__, entity_id)
    return rows


def _from_snapshot(ledger: Any, entity_id: UUID, rows: list[tuple[Any, ...]],
                   start: int | None) -> tuple[Any, list[StoredFact]]:
    """The snapshot at `start` and the facts after it, if no correction among them names a
    fact the snapshot holds (and it is sound); else None and all of the facts. Each row is
    decoded once."""
    after = bisect_right(rows, start, key=itemgetter(0)) if start is not None else 0
    later = decode_rows(ledger, rows[after:])
    if start is None:
        return None, later
    slots = slots_in(later)
    if not slots or min(slots) > start:  # no later correction names a fact the snapshot holds
        entity = ledger.snapshot_at(entity_id, start)  # None if it is refused: fold from the start
        if entity is not None:
            return entity, later
    return None, decode_rows(ledger, rows[:after]) + later


def _as_of(ledger: Any, kind: type[A], entity_id: UUID, version: int | None, day: date) -> A:
    # Facts dated after `day` are left out, even when recorded earlier; rules are not
    # re-checked: this is a view of the record, not a new command. Corrections known at
    # `version` apply first: a fact corrected to a later date leaves the view, a retracted
    # one is never in it. The fold starts from the newest snapshot whose facts all fall on
    # or before `day`, if there is one and no later correction names a fact it holds; else
    # from the first event. The entity's events are read in one query and each decoded once.
    rows = _rows_of(ledger, kind, entity_id, version)
    entity, facts = _from_snapshot(ledger, entity_id, rows, _snapshot_through(ledger, entity_id, version, day))
    found: A = fold_as_of(kind, entity_id, facts, day, entity)
    return found


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
