"""Rebuild the ledger's projections from the log alone, from scratch, and compare them with
the live state the ledger serves. A mismatch names the first event where they part."""

from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from typing import Any, cast
from uuid import UUID

from eventsourcing.utils import get_topic
from thidua_events.facts import FACTS
from thidua_events.facts.corrections import Correction

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.audit.in_force_fold import fold_facts, fold_one, slots_in
from thidua_ledger.audit.stored_history import (
    PAGE,
    Share,
    StoredFact,
    decode,
    decode_page,
    decode_rows,
    entity_of,
    entity_rows,
    log_pages,
)
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.corrections import Slots, fold_in_force
from thidua_ledger.domain.entity import Entity, FactEvent
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.feed import paused_gc
from thidua_ledger.projections import REGISTERED, AwardRegister

KINDS: dict[str, type[Entity]] = {"cluster": Cluster, "emulation_year": EmulationYear}
"""The entities whose state the ledger serves as a projection: a cluster, and its years."""

Progress = Callable[[int, int], None]
"""Called with (position reached, head) as the log is read."""


@dataclass
class Rebuilt:
    """Every projection rebuilt from the log, as known at `position`."""

    position: int
    register: AwardRegister
    entities: dict[UUID, Entity] = field(default_factory=dict)
    events_read: int = 0
    events_applied: int = 0  # folded into an entity's state


def rebuild(ledger: Ledger, known_at: int | None = None, only: Collection[UUID] | None = None,
            progress: Progress | None = None, batch: int = PAGE, share: Share | None = None) -> Rebuilt:
    """Fold the log up to `known_at` (default: all of it) into a new award register and the
    state of every cluster and year (or of the entities in `only`; or of the `share` of the
    log one process of several reads).

    The log is streamed in pages of raw rows, never held whole, each event decoded once and
    folded into its entity as it comes, with the corrections applied: those are looked up
    first (`corrections_up_to`), so each fact is folded as the one in force in its place.
    A correction the look-up did not find (its type spelled otherwise than the ledger writes
    it) sends its entity to be folded again at the end from its own rows.
    """
    head = known_at if known_at is not None else ledger.position()
    rebuilt = Rebuilt(head, AwardRegister(ledger))
    register = rebuilt.register
    transcoder = ledger.mapper.transcoder
    kinds = {get_topic(event): kind for kind in KINDS.values() for event in (kind.Registered, kind.Recorded)}
    slots, looked_up = corrections_up_to(ledger, head)
    # By the entity's id as stored (text on SQLite, whose hash Python keeps): one look-up an
    # event, where a UUID key hashed again in Python on every use.
    folding: dict[Any, _Folding | None] = {}
    no_slots: Slots = {}
    position, next_progress = 0, batch
    read = applied = 0  # kept in locals, as the loop's other names: an attribute is a dict look-up an event
    everything = only is None
    with paused_gc():
        for rows in log_pages(ledger.recorder, 0, head, share):
            for (position, stored_id, version, topic, _), stored in zip(rows, decode_page(transcoder, rows),
                                                                        strict=True):
                if stored is None:
                    continue
                read += 1
                fact = stored.fact
                if stored_id in folding:
                    entry = folding[stored_id]
                else:  # an id spelled otherwise than the store writes it is no entity's, as in the library's reads
                    entity_id = entity_of(stored_id)
                    entry = folding[stored_id] = None if entity_id is None else _Folding(
                        entity_id, everything or entity_id in only, slots.get(stored_id, no_slots))  # type: ignore[operator]
                if everything and type(fact) in REGISTERED:
                    register.apply(fact, stored.provenance, position,
                                   f"{entry.entity_id if entry is not None else stored_id}:{version}")
                kind = kinds.get(topic)
                if kind is None or entry is None or not entry.wanted:
                    continue
                applied += 1
                entry.kind = kind
                if entry.again or (isinstance(fact, Correction) and (stored_id, version) not in looked_up):
                    entry.again = version  # a correction not looked up: fold its entity at the end
                    continue
                entry.entity = fold_one(kind, entry.entity_id, entry.entity, stored, entry.slots)
            rebuilt.events_read, rebuilt.events_applied = read, applied
            if progress and read >= next_progress:
                progress(position, head)
                next_progress = read + batch
        for entry in folding.values():
            if entry is None or entry.kind is None:
                continue
            if entry.again:
                _, rows = entity_rows(ledger, entry.entity_id, entry.again)
                entry.entity = fold_facts(entry.kind, entry.entity_id, decode_rows(ledger, rows))
            rebuilt.entities[entry.entity_id] = entry.entity
    register.position = position
    if progress:
        progress(head, head)
    return rebuilt


@dataclass(slots=True)
class _Folding:
    """A cluster or year as the replay folds it."""

    entity_id: UUID
    wanted: bool  # in the replay's `only`, if it has one
    slots: Slots  # its facts in force in place of corrected ones
    kind: type[Entity] | None = None  # None until an event of a cluster or year
    entity: Any = None
    again: int = 0  # the last version read, of an entity to fold at the end from its rows


CORRECTION_MARKS = tuple(f'"_type_":"fact:{name}"'.encode() for name, fact in FACTS.items()
                         if issubclass(fact, Correction))
"""How the ledger's encoder writes the type of a correction, in a state's first 256 bytes
(after the timestamp, as transcoding.FACT_MARK): the database finds them by it."""


def corrections_up_to(ledger: Ledger, head: int) -> tuple[dict[Any, Slots], set[tuple[Any, int]]]:
    """The facts in force in place of the corrected ones, of every entity (by its id as
    stored), from the corrections up to `head`; and the (id as stored, version) of those
    corrections. A few stored events, found by the database, decoded here."""
    transcoder = ledger.mapper.transcoder
    found: dict[Any, list[StoredFact]] = {}
    recorder: Any = ledger.recorder  # the ledger's recorders (audit.recorders)
    for _, stored_id, version, _, state in recorder.raw_marked(0, head, CORRECTION_MARKS, 256):
        stored = decode(transcoder, version, bytes(state))
        if stored is not None and isinstance(stored.fact, Correction):
            found.setdefault(stored_id, []).append(stored)
    return ({stored_id: slots_in(kept) for stored_id, kept in found.items()},
            {(stored_id, f.version) for stored_id, kept in found.items() for f in kept})


def _fold(ledger: Ledger, entities: dict[UUID, Entity], event: FactEvent) -> None:
    # The domain event's own mutate, as a read from the store would: it also checks that the
    # entity's versions follow each other with no gap.
    entity: Any = entities.get(event.originator_id)
    if isinstance(event.fact, Correction):
        # A correction changes a fact folded earlier: fold the entity's facts in force again,
        # from its own stored events up to this one.
        entities[event.originator_id] = cast(Entity, fold_in_force(
            None, ledger.events.get(event.originator_id, lte=event.originator_version)))
        return
    if entity is None:
        entities[event.originator_id] = cast(Entity, event.mutate(None))
    else:
        event.mutate(entity)  # in place


@dataclass
class Mismatch:
    """A rebuilt entity that differs from the state the ledger serves."""

    entity_id: UUID
    kind: str
    differing_fields: list[str]
    first_difference: dict[str, Any]


@dataclass
class ReplayReport:
    known_at: int | None
    events_read: int = 0
    events_applied: int = 0
    entities_compared: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.mismatches

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "matches": self.matches}


def state_of(entity: Any) -> dict[str, Any]:
    """The domain state of an aggregate, without eventsourcing's bookkeeping."""
    return {k: v for k, v in vars(entity).items() if not k.startswith("_")}


def compare(ledger: Ledger, rebuilt: Entity, known_at: int) -> Mismatch | None:
    kind = type(rebuilt)
    try:
        live: Entity | None = load(ledger, kind, rebuilt.id, Clock(known_at=known_at))
    except NotFound:
        live = None
    mine = state_of(rebuilt)
    theirs = state_of(live) if live is not None else {}
    if live is not None and live.version == rebuilt.version and mine == theirs:
        return None
    return Mismatch(rebuilt.id, kind.__name__,
                    sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)),
                    first_difference(ledger, kind, rebuilt.id, rebuilt.version))


def first_difference(ledger: Ledger, kind: type[Entity], entity_id: UUID, version: int) -> dict[str, Any]:
    """Fold the entity's stored events one by one, comparing each step with the entity the
    ledger serves at that version; name the first event after which they differ."""
    entities: dict[UUID, Entity] = {}
    positions = _positions(ledger, entity_id)
    for event in ledger.events.get(entity_id, lte=version):
        if not isinstance(event, FactEvent):
            continue
        _fold(ledger, entities, event)
        try:
            live: Entity | None = ledger.get(kind, entity_id, version=event.originator_version)
        except NotFound:
            live = None
        if live is None or state_of(entities[entity_id]) != state_of(live):
            return {"position": positions.get(event.originator_version), "type": event.fact.type_name(),
                    "entity_id": str(entity_id), "entity_version": event.originator_version}
    return {"position": None, "entity_id": str(entity_id),
            "detail": "the live state holds what the log does not"}


def _positions(ledger: Ledger, entity_id: UUID) -> dict[int, int]:
    rows = ledger.recorder.query(  # type: ignore[attr-defined]
        "SELECT originator_version, position FROM {chain} WHERE originator_id = ?", (str(entity_id),))
    return {int(version): int(position) for version, position in rows}


def replay_year(ledger: Ledger, cluster_id: UUID, year: int, known_at: int | None = None,
                progress: Progress | None = None) -> ReplayReport:
    """A cluster and one of its years, rebuilt from the log and compared with the live state."""
    targets = (cluster_id, year_id(cluster_id, year))
    rebuilt = rebuild(ledger, known_at, only=targets, progress=progress)
    for kind, target in zip((Cluster, EmulationYear), targets, strict=True):
        if target not in rebuilt.entities:
            raise NotFound(kind.__name__, target)
    return report_on(ledger, rebuilt, known_at)


def replay_all(ledger: Ledger, known_at: int | None = None, progress: Progress | None = None,
               compared: Progress | None = None) -> tuple[Rebuilt, ReplayReport]:
    """Every projection rebuilt from the log, and every cluster and year compared with the
    live state."""
    rebuilt = rebuild(ledger, known_at, progress=progress)
    return rebuilt, report_on(ledger, rebuilt, known_at, compared)


def report_on(ledger: Ledger, rebuilt: Rebuilt, known_at: int | None,
            compared: Progress | None = None) -> ReplayReport:
    report = ReplayReport(known_at, rebuilt.events_read, rebuilt.events_applied)
    for entity in rebuilt.entities.values():
        # Against the live state as known at the position the replay read up to: whatever a
        # clerk records meanwhile is not a difference.
        if (mismatch := compare(ledger, entity, rebuilt.position)) is not None:
            report.mismatches.append(mismatch)
        report.entities_compared += 1
        if compared:
            compared(report.entities_compared, len(rebuilt.entities))
    return report
