"""The stored log read in bulk for the auditors' folds: a stretch of it (or one process's
share of it) a page of raw rows at a time, or one entity's events in one query, each event
decoded once into its fact, provenance and moment.

The library's repository reads an entity's events as domain event objects, one class
lookup and one dataclass per event; a replay or an as-of read only needs what the ledger's
transcoder decodes from the stored state. Nothing here chooses code by what it reads: the
stored topic is only compared with the topics of known entity kinds.
"""

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from thidua_events.facts import Fact, Provenance

PAGE = 5000
"""Positions read at a time."""


class StoredHistoryInconsistent(Exception):
    """An entity's stored events do not make a history: a version missing between two others
    (an event whose entity id was re-spelled, or deleted, behind the ledger's back) or an event
    without a state. Refused, never folded around: `ledger verify` names the rows."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}")


class StoredFact(NamedTuple):
    """One stored event that carries a fact, as a fold needs it. (A tuple, built once per
    event a replay reads: a third of the cost of a frozen dataclass's __init__.)"""

    version: int
    fact: Fact
    provenance: Provenance
    timestamp: datetime


def decode(transcoder: Transcoder, version: int, state: bytes) -> StoredFact | None:
    """The fact an event carries; None for an event that carries none (an award claim).
    A state that is no JSON the ledger wrote is refused (StoredHistoryInconsistent)."""
    return _stored(version, _decoded(transcoder, state, f"version {version}"))


def _decoded(transcoder: Transcoder, state: bytes, where: str) -> Any:
    try:
        return transcoder.decode(state)
    except Exception as error:  # whatever the bytes made the decoder raise: they are no event's state
        raise StoredHistoryInconsistent(f"the event of {where}", f"its stored state does not decode "
                                        f"({type(error).__name__}: {str(error)[:80]})") from None


def decode_page(transcoder: Transcoder, rows: Sequence[tuple[Any, ...]], run: int = 64
                ) -> Iterator[StoredFact | None]:
    """What `decode` gives for each of a page of (position, id, version, topic, state) rows,
    the ledger's transcoder validating their fact events `run` at a time."""
    many = getattr(transcoder, "facts_many", None)
    if many is None:
        yield from (decode(transcoder, row[2], row[4]) for row in rows)
        return
    for start in range(0, len(rows), run):
        part = rows[start:start + run]
        try:
            validated: Sequence[Any] = many([row[4] for row in part], run)
        except Exception:  # a state the run cannot take (text, say): each read by itself below
            validated = [None] * len(part)
        for row, parts in zip(part, validated, strict=True):
            if parts is None:  # read by the state itself: refused, naming its position, if it does not decode
                yield _stored(row[2], _decoded(transcoder, row[4], f"position {row[0]}"))
            else:  # tuple.__new__ in C: a NamedTuple's own __new__ is a Python function
                yield _new(StoredFact, (row[2], *parts))


def _stored(version: int, data: Any) -> StoredFact | None:
    fact = data.get("fact") if isinstance(data, dict) else None
    if not isinstance(fact, Fact):
        return None
    return StoredFact(version, fact, data["provenance"], data["timestamp"])


_new = tuple.__new__


_STORED_HEX = re.compile(r"[0-9a-f]{32}")


def in_stored_form(entity: Any) -> bool:
    """Whether an event's entity id, as read from the store, is spelled as the store writes it
    (and the library finds an entity's events by): PostgreSQL's column holds a UUID; SQLite's
    holds text, 32 lower-case hex digits. The same UUID spelled any other way (upper case,
    dashes) takes the event out of its entity's history: it is no entity's event."""
    return isinstance(entity, UUID) or (isinstance(entity, str) and _STORED_HEX.fullmatch(entity) is not None)


def entity_of(entity: Any) -> UUID | None:
    """The entity an event belongs to, by its id as stored (see `in_stored_form`); None if it
    belongs to none."""
    if isinstance(entity, UUID):
        return entity
    return UUID(entity) if in_stored_form(entity) else None


Share = tuple[Sequence[str], int, int]
"""(the topics shared out by entity, this share, how many shares): see audit.parallel."""


def log_pages(recorder: Any, after: int, stop: int, share: Share | None = None,
              page: int = PAGE) -> Iterator[list[tuple[Any, ...]]]:
    """(position, entity id, version, topic, state) of the events in (after, stop], a page of
    positions at a time; only those of `share` if given."""
    while after < stop:
        top = min(after + page, stop)
        rows = recorder.raw_events(after, top) if share is None else recorder.raw_share(after, top, *share)
        if rows:
            yield rows
        after = top


def entity_rows(ledger: Any, entity_id: UUID, lte: int | None = None) -> tuple[str | None, list[tuple[Any, ...]]]:
    """The topic of an entity's first event (None if it has none) and its stored (version,
    topic, state) rows up to `lte`, in one query, not yet decoded."""
    rows = ledger.recorder.raw_entity(entity_id, lte)
    check_versions_follow(entity_id, (version for version, _, _ in rows))
    for version, _, state in rows:
        if state is None:
            raise StoredHistoryInconsistent(f"entity {entity_id}", f"version {version} has no stored state")
    return (rows[0][1] if rows else None), rows


def check_versions_follow(entity_id: UUID, versions: Iterable[int]) -> None:
    """An entity's stored versions run 1, 2, 3… with none missing (the library's own fold
    refuses a gap too, with OriginatorVersionError): a gap is an event taken out of the
    history behind the ledger's back, never folded around."""
    for expected, version in enumerate(versions, start=1):
        if version != expected:
            raise StoredHistoryInconsistent(f"entity {entity_id}", f"version {version} follows version {expected - 1}")


def decode_rows(ledger: Any, rows: Sequence[tuple[Any, ...]]) -> list[StoredFact]:
    """The facts of an entity's stored rows (see `entity_rows`), in order. Every event of an
    entity carries a fact: one that carries none (an intruder wrote another event's state
    over it) is refused, never left out of the fold."""
    transcoder = ledger.mapper.transcoder
    facts = []
    for version, _, state in rows:
        found = decode(transcoder, version, bytes(state))
        if found is None:
            raise StoredHistoryInconsistent(f"the event of version {version}", "its stored state carries no fact")
        facts.append(found)
    return facts


class CheckedMapper(Mapper):
    """eventsourcing's mapper, refusing a stored state that is not an event of its stored
    topic (StoredHistoryInconsistent): the library would build the event from any JSON
    object, and a state written over by someone with the database (`{}`, another kind of
    event's) then failed far from the read, as a 500, on the first field it lacked."""

    def to_domain_event(self, stored: StoredEvent) -> DomainEventProtocol[Any]:
        try:
            event = super().to_domain_event(stored)
        except (TypeError, KeyError, AttributeError) as error:  # JSON, but no object: the library sets fields in it
            raise self._refused(stored, f"its stored state is no event's ({type(error).__name__})") from None
        state = event.__dict__
        for name, kind in _fields_of(type(event)):
            if name not in state or not isinstance(state[name], kind):
                raise self._refused(stored, f"its stored state has no {name} of type {kind.__name__}: "
                                            f"it is no {type(event).__qualname__}")
        return event

    @staticmethod
    def _refused(stored: StoredEvent, detail: str) -> StoredHistoryInconsistent:
        return StoredHistoryInconsistent(f"entity {stored.originator_id}",
                                         f"version {stored.originator_version}: {detail}")


_FIELD_TYPES: dict[str, type] = {"timestamp": datetime, "fact": Fact, "provenance": Provenance,
                                 "originator_topic": str}
_FIELDS: dict[type, tuple[tuple[str, type], ...]] = {}


def _fields_of(event_class: type) -> tuple[tuple[str, type], ...]:
    """The fields an event of this class must hold, each with the type it must be of (object
    for those without one listed): all but the id and version, which the mapper sets."""
    found = _FIELDS.get(event_class)
    if found is None:
        names = [f.name for f in dataclasses.fields(event_class)] if dataclasses.is_dataclass(event_class) else []
        found = _FIELDS[event_class] = tuple((name, _FIELD_TYPES.get(name, object)) for name in names
                                             if name not in ("originator_id", "originator_version"))
    return found
