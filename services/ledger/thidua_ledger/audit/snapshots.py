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
    entity_id: UUID
    version: int
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
        entity_id = UUID(str(stored_id))
        entity: Any = None
        folded_to = 0
        for stored in _stored(ledger, stored_id, entity_id):
            checked += 1
            version = stored.originator_version
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
    fails on a NULL state on PostgreSQL): each is then checked as the ledger checks it."""
    rows = ledger.recorder.query("SELECT originator_version, topic, state FROM {snapshots} "  # type: ignore[attr-defined]
                                 "WHERE originator_id = ? ORDER BY originator_version", (stored_id,))
    return [StoredEvent(originator_id=entity_id, originator_version=int(version), topic=topic,
                        state=bytes(state) if state is not None else None)  # type: ignore[arg-type]
            for version, topic, state in rows]
