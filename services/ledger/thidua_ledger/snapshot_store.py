"""Where snapshots are sealed when stored and checked before use.

A stored snapshot is refused unless all of these hold: it is stored as the ledger's one
snapshot class (its topic is compared, never imported); its head says the current
format; its seal matches its bytes, entity and version; and the position and chain link
it records are those of the chain at that entity and version (checked by the ledger, in
`Ledger.checked_snapshot`). A refused snapshot is never decoded.

The seal is HMAC-SHA256 under the ledger's snapshot key (LEDGER_SNAPSHOT_KEY), over the
entity id, version and the stored bytes (with the seal itself zeroed). Without a key it is
a plain hash: it still refuses a snapshot copied from another entity or edited by hand,
but someone with write access who recomputes it would pass the live check; with a key,
they cannot. Either way `ledger verify --snapshots` folds every snapshot's entity from
the log and reports any that differ, with no key at all.
"""

import hashlib
import hmac
import logging
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import EventStore, Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic

from thidua_ledger.domain.corrections import fold_in_force, has_corrections, slots_of
from thidua_ledger.domain.snapshots import READABLE, UNSEALED, EntitySnapshot, SnapshotRefused, read_head

SNAPSHOT_TOPIC = get_topic(EntitySnapshot)
HEAD_BYTES = 400
_UNSEALED = b'"seal":"' + UNSEALED.encode() + b'"'


def seal(key: bytes, originator_id: UUID | str, version: int, unsealed_state: bytes) -> str:
    mac = hmac.new(key, f"thidua-snapshot|{UUID(str(originator_id))}|{version}|".encode(), hashlib.sha256)
    mac.update(unsealed_state)
    return mac.hexdigest()


class SealingMapper(Mapper):
    """eventsourcing's mapper for the snapshot store, sealing on the way in and refusing
    on the way out."""

    def __init__(self, transcoder: Transcoder, key: bytes) -> None:
        super().__init__(transcoder=transcoder)
        self.key = key

    def to_stored_event(self, domain_event: DomainEventProtocol) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        if stored.topic != SNAPSHOT_TOPIC or _UNSEALED not in stored.state[:HEAD_BYTES]:
            raise TypeError("only EntitySnapshot.take_at snapshots are stored")
        mark = seal(self.key, stored.originator_id, stored.originator_version, stored.state)
        return StoredEvent(originator_id=stored.originator_id, originator_version=stored.originator_version,
                           topic=stored.topic,
                           state=stored.state.replace(_UNSEALED, b'"seal":"' + mark.encode() + b'"', 1))

    def to_domain_event(self, stored: StoredEvent) -> DomainEventProtocol:
        self.check(stored)
        return super().to_domain_event(stored)

    def check(self, stored: StoredEvent) -> None:
        """Refuse a stored snapshot that is not the ledger's, of a readable format, as sealed."""
        if not isinstance(stored.state, bytes):  # NULL, as stored by someone with the database
            raise SnapshotRefused("doctored", "it has no state")
        if stored.topic != SNAPSHOT_TOPIC:
            raise SnapshotRefused("foreign", f"stored as {str(stored.topic)[:80]!r}, not as a ledger snapshot")
        head = read_head(stored.state[:HEAD_BYTES])
        if head is None or head.format not in READABLE:
            raise SnapshotRefused("old-format", "written in an earlier snapshot format")
        unsealed = stored.state.replace(b'"seal":"' + head.seal.encode() + b'"', _UNSEALED, 1)
        expected = seal(self.key, stored.originator_id, stored.originator_version, unsealed)
        if not hmac.compare_digest(expected, head.seal):
            raise SnapshotRefused("doctored", "its seal does not match its content, entity and version")


SNAPSHOTS_TRIED = 3
"""A read looks at most this many snapshots back for a sound one, then folds from the log."""

LAST_VERSION = 2**63 - 1
"""The greatest version a store keeps as a number (SQLite's INTEGER): below it, no text."""

log = logging.getLogger(__name__)


def fold(entity: Any, events: Iterable[Any]) -> Any:
    """eventsourcing's project_aggregate, less its assert that each event matches a runtime
    Protocol: an isinstance against a Protocol, which cost more than decoding the event."""
    for event in events:
        entity = event.mutate(entity)
    return entity


class CheckedSnapshots(Application):
    """How the ledger reads entities: from the newest snapshot that passes the checks
    above, and the events after it. eventsourcing's repository would trust whatever
    snapshot is newest; the ledger reads through `_load` instead. Its recorder is one of
    thidua_ledger.audit.recorders (for `chain_link` and `replace_snapshot`)."""

    def construct_snapshot_store(self) -> EventStore:
        key = self.env.get("LEDGER_SNAPSHOT_KEY") or ""
        return self.factory.event_store(mapper=SealingMapper(self.mapper.transcoder, key.encode()),
                                        recorder=self.factory.aggregate_recorder(purpose="snapshots"))

    def _load(self, entity_id: UUID, version: int | None = None, rebuild: bool = True) -> Aggregate | None:
        """The entity at `version` (default: now), from its newest sound snapshot and the
        events after it. eventsourcing's repository would trust whatever snapshot is newest."""
        entity, start, stale = None, None, []
        lte = version
        for _ in range(SNAPSHOTS_TRIED if self.snapshots is not None else 0):
            assert self.snapshots is not None
            # One at a time: a year's snapshot is large, and the newest is nearly always sound.
            rows = self.stored_snapshots(entity_id, desc=True, lte=lte, limit=1)
            if not rows:
                break
            stored = rows[0]
            if not isinstance(stored.originator_version, int):
                # Put there by someone with the database: SQLite keeps any value in the column, and
                # sorts text above every number. Passed over, as a refused snapshot is.
                log.warning("snapshot of %s at version %r refused: its version is no integer",
                            entity_id, stored.originator_version)
                lte = LAST_VERSION if version is None else version
                continue
            try:
                entity, start = self.checked_snapshot(stored).mutate(None), stored.originator_version
                break
            except SnapshotRefused as refused:
                lte = stored.originator_version - 1
                if refused.reason == "old-format":
                    stale.append(stored.originator_version)
                else:
                    log.warning("snapshot of %s at version %s refused: %s", entity_id, lte + 1, refused)
        events = list(self.events.get(entity_id, gt=start, lte=version))
        if has_corrections(events):
            slots = slots_of(events)
            if start is not None and min(slots) <= start:  # it corrects a fact the snapshot holds
                entity, events = None, list(self.events.get(entity_id, lte=version))
            found = fold_in_force(entity, events)
        else:
            found = fold(entity, events)
        for old in stale if rebuild else ():  # ignored, then rebuilt, so later reads start from it
            try:
                self.take_snapshot(entity_id, old, replace=True)
            except Exception:  # a read must not fail for a cache it could not refresh (a read-only store)
                log.warning("could not rebuild the snapshot of %s at version %s", entity_id, old, exc_info=True)
        return found

    def stored_snapshots(self, entity_id: UUID, **selected: Any) -> list[StoredEvent]:
        """The library's read of an entity's stored snapshots; none if it cannot read them: on
        PostgreSQL it fails on a NULL state (an intruder's), and a snapshot is only a cache of
        the log, which the read then folds from."""
        assert self.snapshots is not None
        try:
            return list(self.snapshots.recorder.select_events(entity_id, **selected))
        except TypeError:
            log.warning("the snapshots of %s cannot be read (a NULL state?): folding from the log", entity_id)
            return []

    def checked_snapshot(self, stored: StoredEvent) -> EntitySnapshot:
        """The stored snapshot, if it is sealed and matches the chain; else SnapshotRefused."""
        assert self.snapshots is not None
        snapshot = self.snapshots.mapper.to_domain_event(stored)
        if not isinstance(snapshot, EntitySnapshot):
            raise SnapshotRefused("foreign", "not an entity snapshot")
        link = self.recorder.chain_link(snapshot.originator_id, snapshot.originator_version)  # type: ignore[attr-defined]
        if link != (snapshot.state["position"], snapshot.state["chain"]):
            raise SnapshotRefused("foreign", f"it does not match the chain at version {snapshot.originator_version}")
        return snapshot

    def snapshot_at(self, entity_id: UUID, version: int) -> Aggregate | None:
        """The entity as its snapshot at exactly `version` holds it; None if that one is refused."""
        if self.snapshots is None:
            return None
        for stored in self.stored_snapshots(entity_id, gt=version - 1, lte=version):
            try:
                entity: Aggregate = self.checked_snapshot(stored).mutate(None)
                return entity
            except SnapshotRefused as refused:
                log.warning("snapshot of %s at version %s refused: %s", entity_id, version, refused)
        return None

    def snapshot_source(self, entity_id: UUID, version: int | None) -> Aggregate | None:
        """An entity in memory known to equal the one folded from the store at `version`
        (the ledger's command has just saved it); None to read it from the store."""
        return None

    def take_snapshot(self, aggregate_id: UUID, version: int | None = None,
                      projector_func: Any = fold, replace: bool = False) -> None:
        """Snapshot an entity, recording the chain link of the event it folds up to."""
        assert self.snapshots is not None
        entity = None if replace else self.snapshot_source(aggregate_id, version)
        if entity is None:
            entity = self._load(aggregate_id, version, rebuild=False)
        if entity is None:
            raise AggregateNotFoundError(aggregate_id)
        position, chain = self.recorder.chain_link(entity.id, entity.version)  # type: ignore[attr-defined]
        snapshot = EntitySnapshot.take_at(entity, position, chain)
        if replace:
            stored = self.snapshots.mapper.to_stored_event(snapshot)
            self.recorder.replace_snapshot(self.snapshots.recorder.events_table_name, stored)  # type: ignore[attr-defined]
        else:
            self.snapshots.put([snapshot])

