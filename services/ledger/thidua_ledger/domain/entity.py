"""The base of every aggregate: each change is one fact plus its provenance."""

from collections.abc import Callable
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from thidua_events.facts import Fact, Provenance

from thidua_ledger.domain.snapshots import EntitySnapshot


class Entity(Aggregate):
    """An aggregate whose events each carry one contract fact and its provenance.

    The fact models live in the shared contract (`thidua_events`), so what is
    stored, what the feed serves and what Kafka carries has one definition.
    `apply` folds a fact into state; it runs again on every replay, so it only
    assigns. Rules are checked in the public verbs of each subclass, before
    `record` is called.
    """

    # The fact attribute that names this aggregate. (Unannotated on purpose: an
    # annotation would make eventsourcing turn every subclass into a dataclass.)
    id_field = ""

    Snapshot = EntitySnapshot

    class Registered(Aggregate.Created):
        fact: Fact
        provenance: Provenance

    class Recorded(Aggregate.Event):
        fact: Fact
        provenance: Provenance

        def apply(self, aggregate: Aggregate) -> None:
            aggregate.apply(self.fact)  # type: ignore[attr-defined]

    def __init__(self, fact: Fact, provenance: Provenance) -> None:
        self.apply(fact)

    @classmethod
    def create_id(cls, fact: Fact, provenance: Provenance) -> UUID:
        return cls.id_of(fact)

    @classmethod
    def id_of(cls, fact: Fact) -> UUID:
        entity_id: UUID = getattr(fact, cls.id_field)
        return entity_id

    def record(self, fact: Fact, provenance: Provenance) -> None:
        """Append a checked fact. Subclass verbs check their rules, then call this."""
        self.trigger_event(self.Recorded, fact=fact, provenance=provenance)

    @singledispatchmethod
    def apply(self, fact: Fact) -> None:
        raise TypeError(f"{type(self).__name__} does not record {fact.type_name()}")

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)


def applies(fold: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """Register how an entity folds one fact type (the annotation of `fact` names it)."""
    dispatcher: singledispatchmethod[None] = Entity.__dict__["apply"]
    dispatcher.register(fold)
    return fold
