"""Rebuild a cluster's year from the log alone, from scratch, and compare it with the
live state the ledger serves. A mismatch names the first event where they part."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from thidua_events.envelope import LedgerEvent

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.entity import Entity
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.feed import follow

KINDS: dict[str, type[Entity]] = {"cluster": Cluster, "emulation_year": EmulationYear}


@dataclass
class ReplayReport:
    cluster_id: UUID
    year: int
    known_at: int | None
    events_read: int = 0
    events_applied: int = 0
    matches: bool = True
    first_difference: dict[str, Any] | None = None
    differing_fields: list[str] = field(default_factory=list)


def state_of(entity: Any) -> dict[str, Any]:
    """The domain state of an aggregate, without eventsourcing's bookkeeping."""
    return {k: v for k, v in vars(entity).items() if not k.startswith("_")}


def replay_year(ledger: Ledger, cluster_id: UUID, year: int, known_at: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> ReplayReport:
    report = ReplayReport(cluster_id, year, known_at)
    targets = {cluster_id, year_id(cluster_id, year)}
    rebuilt: dict[UUID, Any] = {}
    trail: dict[UUID, list[LedgerEvent]] = {t: [] for t in targets}
    head = known_at if known_at is not None else ledger.position()
    for event in follow(ledger):  # streamed in pages, never all in memory
        if event.position > head:
            break
        report.events_read += 1
        if progress and report.events_read % 1000 == 0:
            progress(event.position, head)
        if event.entity_id in targets:
            _fold(rebuilt, event)
            trail[event.entity_id].append(event)
            report.events_applied += 1
    if progress:
        progress(head, head)
    for entity_id, entity in rebuilt.items():
        kind = type(entity)
        live = load(ledger, kind, entity_id, Clock(known_at=known_at))
        mine, theirs = state_of(entity), state_of(live)
        if mine != theirs:
            report.matches = False
            report.differing_fields = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
            report.first_difference = _first_difference(ledger, kind, entity_id, trail[entity_id])
            break
    return report


def _fold(rebuilt: dict[UUID, Any], event: LedgerEvent) -> None:
    fact = event.fact()
    if event.entity_id not in rebuilt:
        rebuilt[event.entity_id] = KINDS[event.entity_kind](fact=fact, provenance=event.provenance)
    else:
        rebuilt[event.entity_id].apply(fact)


def _first_difference(ledger: Ledger, kind: type[Entity], entity_id: UUID,
                      trail: list[LedgerEvent]) -> dict[str, Any]:
    rebuilt: dict[UUID, Any] = {}
    for event in trail:
        _fold(rebuilt, event)
        live = ledger.get(kind, entity_id, version=event.entity_version)
        if state_of(rebuilt[entity_id]) != state_of(live):
            return {"position": event.position, "type": event.type, "entity_id": str(entity_id),
                    "entity_version": event.entity_version}
    return {"position": None, "detail": "the live state holds events the log does not"}
