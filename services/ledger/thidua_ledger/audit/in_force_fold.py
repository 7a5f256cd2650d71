"""The facts in force of an entity folded straight from its decoded facts, as the ledger's
reads fold them (domain.corrections.fold_in_force): each corrected fact replaced at its own
place by its latest replacement, each retracted one left out. Shared by the full replay and
the as-of-date read, instead of building a domain event object per stored event and
mutating the aggregate through the library's repository.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import OriginatorVersionError
from thidua_events.facts import Fact
from thidua_events.facts.corrections import Correction

from thidua_ledger.audit.stored_history import StoredFact
from thidua_ledger.domain.corrections import Slots, in_force
from thidua_ledger.domain.entity import Entity
from thidua_ledger.domain.errors import NotFound

E = TypeVar("E", bound=Entity)


def slots_in(facts: Sequence[StoredFact]) -> Slots:
    return in_force((f.version, f.fact) for f in facts if isinstance(f.fact, Correction))


def created(kind: type[E], entity_id: UUID, first: StoredFact, fact: Fact) -> E:
    """The entity its first event makes, as the library's Created.mutate makes it."""
    entity = kind.__new__(kind)
    entity.__base_init__(entity_id, first.version, first.timestamp)
    entity.__init__(fact=fact, provenance=first.provenance)  # type: ignore[misc]
    return entity


def fold_facts(kind: type[E], entity_id: UUID, facts: Sequence[StoredFact], start: E | None = None) -> E:
    """The entity after all of `facts` (its events from the first, or those after the
    snapshot `start`), corrections applied."""
    slots = slots_in(facts)
    entity: Any = start
    for stored in facts:
        entity = fold_one(kind, entity_id, entity, stored, slots)
    if entity is None:
        raise NotFound(kind.__name__, entity_id)
    return entity


def fold_one(kind: type[E], entity_id: UUID, entity: E | None, stored: StoredFact, slots: Slots) -> E | None:
    """`entity` (None before its first event) after one more of its stored facts, with the
    fact in force in its place if `slots` (from every correction of the entity up to where
    the fold ends) replace or retract it."""
    fact = stored.fact
    version = stored.version
    found: Any = entity
    if slots and version in slots:
        in_place = slots[version]
        if in_place is None:  # retracted: the entity moves on a version, its state does not
            found._version, found._modified_on = version, stored.timestamp
            return found
        fact = in_place
    if found is None:
        return created(kind, entity_id, stored, fact)
    if version != found._version + 1:  # as the library's mutate checks
        raise OriginatorVersionError(version, found._version + 1)
    found.apply(fact)
    found._version, found._modified_on = version, stored.timestamp
    return found


def fold_as_of(kind: type[E], entity_id: UUID, facts: Sequence[StoredFact], day: date,
               entity: E | None = None) -> E:
    """The entity as of `day` (see audit.clocks._as_of): `facts` folded onto `entity` (a
    snapshot, or None for the first event), corrections among them applied, facts dated
    after `day` left out; the version stays the one it started from."""
    slots = slots_in(facts)
    found: Any = entity
    for stored in facts:
        fact = stored.fact
        if isinstance(fact, Correction):
            continue
        if slots and stored.version in slots:
            in_place = slots[stored.version]
            if in_place is None:
                continue  # retracted
            fact = in_place
        if fact.effective_date > day:
            if found is None:
                raise NotFound(kind.__name__, entity_id)  # it did not exist yet on that day
            continue
        if found is None:
            found = created(kind, entity_id, stored, fact)
        else:
            found.apply(fact)
    if found is None:
        raise NotFound(kind.__name__, entity_id)
    return found
