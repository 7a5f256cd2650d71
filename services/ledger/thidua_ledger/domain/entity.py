"""The base of every aggregate: each change is one fact plus its provenance."""

from collections.abc import Callable
from datetime import date
from typing import Any, cast, get_type_hints
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
    # Attributes derived from the rest of the state (indexes the rules read): left out of
    # snapshots and rebuilt by `rebuild_derived` when one is read.
    derived = cast(tuple[str, ...], ())  # (unannotated, as id_field)

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
        # Bookkeeping for as-of-date reads (see EntitySnapshot): the latest effective date
        # among the facts folded so far. An entity read from a snapshot written before this
        # was kept has none, and must not start claiming one it cannot vouch for.
        self._effective_through: date | None = fact.effective_date
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

    def apply(self, fact: Fact) -> None:
        try:
            fold = FOLDS[type(fact)]
        except KeyError:
            raise TypeError(f"{type(self).__name__} does not record {fact.type_name()}") from None
        fold(self, fact)
        through = getattr(self, "_effective_through", None)
        # A correction (of no kind of its own) changes no state, so it moves no date either.
        if through is not None and fact.aggregate and fact.effective_date > through:
            self._effective_through = fact.effective_date

    def rebuild_derived(self) -> None:
        """Set the `derived` attributes from the rest of the state."""

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)


FactEvent = Entity.Registered | Entity.Recorded
"""A stored event that carries a contract fact (every event but the internal award claims)."""

Fold = Callable[[Any, Any], None]
FOLDS: dict[type[Fact], Fold] = {}
"""How each fact type changes the state of its entity. A plain dict rather than
functools.singledispatchmethod, which builds a new bound wrapper on every call: a
replay of a million events spent a tenth of its time there."""


def applies(fold: Fold) -> Fold:
    """Register how an entity folds one fact type (the annotation of `fact` names it)."""
    fact_type = get_type_hints(fold)["fact"]
    if fact_type in FOLDS:
        raise TypeError(f"{fact_type.__name__} is folded twice")
    FOLDS[fact_type] = fold
    return fold
