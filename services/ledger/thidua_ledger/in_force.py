"""An entity read once for a view: its state under both clocks, the facts in force behind it
with their event ids, and the corrections known.

The views that show everything recorded need, beside the state, which event recorded each
thing and which corrections changed it. Reading the entity's events once gives all three;
loading the entity as well (from a snapshot) would read them a second time.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.corrections import Correction, FactCorrected

from thidua_ledger.audit.clocks import Clock, version_known_at
from thidua_ledger.audit.provenance import positions
from thidua_ledger.domain.corrections import slots_of
from thidua_ledger.domain.entity import Entity, FactEvent
from thidua_ledger.domain.errors import NotFound

E = TypeVar("E", bound=Entity)


class CorrectionPublic(BaseModel):
    """A correction or retraction as a view shows it: what it replaced, why, who, when."""

    corrected_event_id: str = Field(description="The event it names (an original, or an earlier correction)")
    correcting_event_id: str
    retracted: bool = Field(description="True: the named fact was withdrawn, nothing replaces it")
    fact_type: str = Field(description="The type of the corrected fact, e.g. PledgeSigned")
    reason: str | None
    actor: str
    role: Role
    recorded_at: datetime
    position: int


@dataclass(frozen=True)
class InForce:
    """A fact in force, at the place of the event that recorded it (a corrected fact keeps
    its original's event id; `original` is what that event first said)."""

    event_id: str
    version: int
    fact: Fact
    original: Fact
    provenance: Provenance
    recorded_at: datetime


@dataclass(frozen=True)
class Folded(Generic[E]):
    entity: E
    facts: list[InForce]  # in force, within the as-of date, in recording order
    corrections: list[CorrectionPublic]  # known at the read's position, in recording order

    def corrections_of(self, version: int) -> list[CorrectionPublic]:
        """The corrections that changed the fact recorded at `version` (a chain, oldest first)."""
        found, names = [], {f"{self.entity.id}:{version}"}
        for correction in self.corrections:
            if correction.corrected_event_id in names:
                found.append(correction)
                names.add(correction.correcting_event_id)
        return found


def fold_known(ledger: Any, kind: type[E], entity_id: UUID, clock: Clock) -> Folded[E]:
    """The entity as `clock` sees it, with the same folding rules as `audit.clocks.load`
    (facts in force at the known position, those dated after `as_of` left out), from one read
    of its events."""
    version = None
    if clock.known_at is not None:
        version = version_known_at(ledger.recorder, entity_id, clock.known_at)
        if version is None:
            raise NotFound(kind.__name__, entity_id)
    events = [e for e in ledger.events.get(entity_id, lte=version) if isinstance(e, FactEvent)]
    slots = slots_of(events)
    by_version = {e.originator_version: e.fact for e in events}
    where = positions(ledger, entity_id) if slots else {}
    entity: Any = None
    facts: list[InForce] = []
    corrections: list[CorrectionPublic] = []
    for event in events:
        fact: Fact | None = event.fact
        version_here = event.originator_version
        if isinstance(fact, Correction):
            corrections.append(_correction(event, fact, by_version, where.get(version_here, 0)))
            continue
        if version_here in slots:
            fact = slots[version_here]
        if fact is None:
            continue  # retracted
        if clock.as_of is not None and fact.effective_date > clock.as_of:
            if entity is None:
                raise NotFound(kind.__name__, entity_id)  # it did not exist yet on that day
            continue
        if entity is None:
            entity = replace(event, fact=fact).mutate(None)  # type: ignore[call-arg]
        else:
            entity.apply(fact)
        facts.append(InForce(f"{entity_id}:{version_here}", version_here, fact, event.fact, event.provenance,
                             event.timestamp))
    if not isinstance(entity, kind):
        raise NotFound(kind.__name__, entity_id)
    return Folded(entity, facts, corrections)


def _correction(event: FactEvent, fact: Correction, by_version: dict[int, Fact], position: int) -> CorrectionPublic:
    named = by_version.get(fact.original_version)
    while isinstance(named, Correction):  # a correction of a correction: the type of the root
        named = by_version.get(named.original_version)
    return CorrectionPublic(
        corrected_event_id=fact.original, correcting_event_id=f"{event.originator_id}:{event.originator_version}",
        retracted=not isinstance(fact, FactCorrected),
        fact_type=named.type_name() if named is not None else "",
        reason=event.provenance.reason, actor=event.provenance.actor, role=event.provenance.role,
        recorded_at=event.timestamp, position=position)
