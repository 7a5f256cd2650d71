"""The stored log read in bulk for the auditors' folds: a stretch of it (or one process's
share of it) a page of raw rows at a time, or one entity's events in one query, each event
decoded once into its fact, provenance and moment.

The library's repository reads an entity's events as domain event objects, one class
lookup and one dataclass per event; a replay or an as-of read only needs what the ledger's
transcoder decodes from the stored state. Nothing here chooses code by what it reads: the
stored topic is only compared with the topics of known entity kinds.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import Transcoder
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
    """The fact an event carries; None for an event that carries none (an award claim)."""
    return _stored(version, transcoder.decode(state))


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
        for row, parts in zip(part, many([row[4] for row in part], run), strict=True):
            # tuple.__new__ in C: a NamedTuple's own __new__ is a Python function
            yield decode(transcoder, row[2], row[4]) if parts is None else _new(StoredFact, (row[2], *parts))


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
    """The facts of an entity's stored rows (see `entity_rows`), in order."""
    transcoder = ledger.mapper.transcoder
    return [found for version, _, state in rows if (found := decode(transcoder, version, bytes(state)))]
