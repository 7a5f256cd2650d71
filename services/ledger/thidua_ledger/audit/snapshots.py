"""Check every stored snapshot: would the ledger refuse it, and if not, does it hold what
folding its entity from the log gives? The second question needs no key, so an auditor
finds a snapshot that a writer with the database (and even the seal key) doctored."""

from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from thidua_ledger.application import Ledger
from thidua_ledger.audit.replay import state_of
from thidua_ledger.domain.corrections import fold_in_force, slots_of
from thidua_ledger.domain.snapshots import SnapshotRefused


@dataclass(frozen=True)
class SnapshotFinding:
    entity_id: UUID | str  # the id as stored, when it is no UUID
    version: int | str  # the version as stored, when it is no integer
    verdict: str  # a SnapshotRefused reason (the ledger does not use it), or "differs-from-log"
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "entity_id": str(self.entity_id)}


def check_snapshots(ledger: Ledger) -> tuple[int, list[SnapshotFinding]]:
    """(snapshots checked, findings). Each entity is folded once, in version order,
    and compared with each of its snapshots on the way."""
    if ledger.snapshots is None:
        return 0, []
    checked, findings = 0, []
    for (stored_id,) in ledger.recorder.query("SELECT DISTINCT originator_id FROM {snapshots}"):  # type: ignore[attr-defined]
        try:
            entity_id = UUID(str(stored_id))
        except ValueError:  # SQLite keeps any text: the ledger never reads it, the auditor is told
            rows = _stored_as_is(ledger, stored_id)
            checked += len(rows)
            findings += [SnapshotFinding(str(stored_id)[:80], version, "foreign", "its entity id is no UUID")
                         for version, _, _ in rows]
            continue
        entity: Any = None
        folded_to = 0
        for stored in _stored(ledger, stored_id, entity_id):
            checked += 1
            version = stored.originator_version
            if not isinstance(version, int):  # text, on SQLite: see _stored
                findings.append(SnapshotFinding(entity_id, str(version)[:80], "foreign", "its version is no integer"))
                continue
            entity = _fold_to(ledger, entity, entity_id, folded_to, version)
            folded_to = version
            try:
                served = ledger.checked_snapshot(stored).mutate(None)
            except SnapshotRefused as refused:
                findings.append(SnapshotFinding(entity_id, version, refused.reason, str(refused)))
                continue
            if entity is None or state_of(served) != state_of(entity):
                differing = sorted(k for k, v in state_of(served).items()
                                   if entity is None or state_of(entity).get(k) != v)
                findings.append(SnapshotFinding(entity_id, version, "differs-from-log",
                                                f"sealed and linked, but differs from the log in {differing}"))
    return checked, findings


def _fold_to(ledger: Ledger, entity: Any, entity_id: UUID, folded_to: int, version: int) -> Any:
    """The entity at `version` with its facts in force, as the ledger reads it, from its state
    at `folded_to`; from the start again when a correction names a fact folded already."""
    events = list(ledger.events.get(entity_id, gt=folded_to, lte=version))
    slots = slots_of(events)
    if slots and min(slots) <= folded_to:
        return fold_in_force(None, ledger.events.get(entity_id, lte=version))
    return fold_in_force(entity, events)


def _stored(ledger: Ledger, stored_id: Any, entity_id: UUID) -> list[StoredEvent]:
    """An entity's snapshots as stored, in version order, NULLs too (the library's own read
    fails on a NULL state on PostgreSQL): each is then checked as the ledger checks it. A
    version or state SQLite holds in a form the ledger never writes (a version as text, a
    state as text) is passed on as it is, for the check to refuse."""
    return [StoredEvent(originator_id=entity_id, originator_version=version, topic=topic,
                        state=bytes(state) if isinstance(state, bytes | memoryview) else state)
            for version, topic, state in _stored_as_is(ledger, stored_id)]


def _stored_as_is(ledger: Ledger, stored_id: Any) -> list[tuple[Any, ...]]:
    """(version, topic, state) of the snapshots stored under this id, in version order."""
    return ledger.recorder.query("SELECT originator_version, topic, state FROM {snapshots} "  # type: ignore[attr-defined]
                                 "WHERE originator_id = ? ORDER BY originator_version", (stored_id,))
