"""Checking a correction against every rule, including rules this module does not know.

A correction is accepted iff the facts in force that it can touch, with it applied, pass
again through the same command handlers that accepted them, in the order they were
recorded: the corrected entity's own facts, and those of every entity whose facts name
it (a cluster's years, a unit's clusters, years and decrees...). Entities outside that
set are read as they are now. A rule broken on the way refuses the correction, naming
the rule and the fact that breaks it; nothing is stored.

Cost: finding the entities that name a cluster or a unit reads the log once; corrections
are rare, and a year or a proposal, which nothing names, skips that read.
"""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import BaseModel
from thidua_events.facts import Fact, Provenance
from thidua_events.facts.awards import Decree as DecreeFact
from thidua_events.facts.corrections import Correction, FactCorrected

from thidua_ledger.application import HANDLERS, Ledger
from thidua_ledger.domain.corrections import (
    check_correctable,
    check_reason,
    check_replacement,
    check_retraction,
    in_force,
)
from thidua_ledger.domain.entity import Entity, FactEvent
from thidua_ledger.domain.errors import NotFound, RuleViolation, check

NAMED_BY_NOTHING = {"emulation_year", "award_proposal"}
"""Kinds of entity whose id no other fact names (a year is named by cluster and year)."""

SHARED = {"unit", "person"}
"""Kinds of entity that many others name: the histories of the units and people a corrected
fact names are rehearsed too (a unit's other clusters, its scores, its awards)."""


def _kind(app: Ledger, entity_id: UUID) -> str | None:
    first = list(app.events.get(entity_id, limit=1))
    return first[0].fact.aggregate if first and isinstance(first[0], FactEvent) else None


class CorrectionRefused(RuleViolation):
    """A rule the history breaks once corrected; `dependent` is the event id of the fact
    that breaks it (None when the replacement itself does)."""

    def __init__(self, rule: str, detail: str, dependent: str | None) -> None:
        super().__init__(rule, detail)
        self.dependent = dependent


def correct(app: Ledger, correction: Correction, provenance: Provenance) -> list[Aggregate]:
    """Check a correction or retraction and record it on the original's entity."""
    check_reason(provenance)
    entity_id = correction.entity_id
    history = [e for e in app.events.get(entity_id) if isinstance(e, FactEvent)]
    if not history:
        raise NotFound("Entity", entity_id)
    original = check_correctable(correction, history)
    entity = app.get(Entity, entity_id)
    if isinstance(correction, FactCorrected):
        replacement = check_replacement(correction, original, entity_id, type(entity).id_of)
        check(replacement.effective_date <= app.today(), "effective-date-not-in-future",
              f"{replacement.effective_date} is after today; record what has happened")
    else:
        check_retraction(correction, history)
    rehearse(app, entity_id, history, correction)
    entity.record(correction, provenance)
    return [entity]


def rehearse(app: Ledger, entity_id: UUID, history: list[FactEvent], correction: Correction) -> None:
    original = next(e.fact for e in history if e.originator_version == _root(history, correction.original_version))
    named = named_ids(original)
    if isinstance(correction, FactCorrected):
        named |= named_ids(correction.fact_in_force())
    shared = {i for i in named if _kind(app, i) in SHARED}
    streams = _affected(app, {entity_id} | shared, entity_id, history)
    timeline: list[tuple[int, str, Fact, Provenance]] = []
    for stream_id, events in streams.items():
        where = _positions(app, stream_id)
        pairs = [(e.originator_version, e.fact) for e in events]
        if stream_id == entity_id:
            pairs.append((history[-1].originator_version + 1, correction))
        slots = in_force(p for p in pairs if isinstance(p[1], Correction))
        for event in events:
            fact: Fact | None = event.fact
            if isinstance(fact, Correction):
                continue
            version = event.originator_version
            if version in slots:
                fact = slots[version]
            if fact is not None:
                timeline.append((where[version], f"{stream_id}:{version}", fact, event.provenance))
    timeline.sort(key=lambda entry: entry[0])
    replaced = _root(history, correction.original_version)
    own = f"{entity_id}:{replaced}"
    stage = Rehearsal(app, set(streams))
    for position, event_id, fact, provenance in timeline:
        try:
            stage.run(fact, provenance)
        except RuleViolation as broken:
            if event_id == own:
                raise CorrectionRefused(broken.rule, f"the corrected fact breaks it: {broken.detail}",
                                        None) from None
            raise CorrectionRefused(
                broken.rule, f"after the correction, {fact.type_name()} {event_id} (position "
                             f"{position}) breaks it: {broken.detail}", event_id) from None
        except NotFound as missing:
            raise CorrectionRefused(
                "correction-keeps-what-depends-on-it",
                f"{fact.type_name()} {event_id} (position {position}) would name what is no longer "
                f"recorded: {missing}", event_id) from None


class Rehearsal(Ledger):
    """A ledger whose entities in `fresh` start empty and live in memory; the others are
    read from the real ledger. Handlers run on it exactly as on the real one.

    The internal aggregates the handlers keep beside the facts (an award claim, the index a
    rule keeps: a unit's clusters, the units of a name) start empty too, and the facts
    rehearsed rebuild them: an index holds no entry of a fact the correction removed. (Of
    facts outside the rehearsal they then hold nothing either: a rule they serve is checked
    against the entities rehearsed, which is why those include every entity naming a unit
    or person the corrected fact names, and every decree of a rehearsed decree's year.)"""

    def __init__(self, real: Ledger, fresh: set[UUID], rebuild_internal: bool = True) -> None:
        self._real = real
        self._fresh = set(fresh)
        self._checked: set[UUID] = set()
        self._rebuild_internal = rebuild_internal
        self._memory: dict[UUID, Aggregate] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def close(self) -> None:
        """Nothing of its own to close (Application.__del__ calls this; the real ledger stays open)."""

    def __del__(self) -> None:
        pass

    def _is_fresh(self, entity_id: UUID) -> bool:
        if self._rebuild_internal and entity_id not in self._checked and entity_id not in self._fresh:
            self._checked.add(entity_id)
            first = list(self._real.events.get(entity_id, limit=1))
            if first and not isinstance(first[0], FactEvent):
                self._fresh.add(entity_id)
        return entity_id in self._fresh

    def get(self, kind: Any, entity_id: UUID, version: int | None = None) -> Any:
        if not self._is_fresh(entity_id):
            return self._real.get(kind, entity_id, version)
        found = self._memory.get(entity_id)
        if found is None or not isinstance(found, kind):
            raise NotFound(kind.__name__, entity_id)
        return found

    def exists(self, entity_id: UUID) -> bool:
        return entity_id in self._memory if self._is_fresh(entity_id) else self._real.exists(entity_id)

    def run(self, fact: Fact, provenance: Provenance) -> None:
        for changed in HANDLERS[type(fact)](self, fact, provenance):
            self._memory[changed.id] = changed


def _affected(app: Ledger, targets: set[UUID], entity_id: UUID,
              history: list[FactEvent]) -> dict[UUID, list[FactEvent]]:
    """The stored fact events of the entity and of every entity whose facts name one of the
    targets. A decree among them brings every decree of its year: they share award claims
    and decree numbers."""
    fresh = {entity_id}
    decrees_by_year: dict[int, set[UUID]] = {}
    if history[0].fact.aggregate not in NAMED_BY_NOTHING or len(targets) > 1:
        from thidua_ledger.feed import fact_events  # the feed imports the application

        for _, event in fact_events(app):
            fact = event.fact
            if isinstance(fact, FactCorrected):
                fact = fact.fact_in_force()
            if isinstance(fact, DecreeFact):
                decrees_by_year.setdefault(fact.year, set()).add(event.originator_id)
            if event.originator_id not in fresh and targets & named_ids(fact):
                fresh.add(event.originator_id)
    years = {y for y, ids in decrees_by_year.items() if ids & fresh}
    for year in years:
        fresh |= decrees_by_year[year]
    streams = {i: [e for e in app.events.get(i) if isinstance(e, FactEvent)] for i in fresh}
    streams[entity_id] = history
    return streams


def named_ids(value: Any) -> set[UUID]:
    """Every id a fact names, nested ones (recipients, votes) included."""
    return set(_ids(value))


def _ids(value: Any) -> Iterator[UUID]:
    if isinstance(value, UUID):
        yield value
    elif isinstance(value, BaseModel):
        for _, field in value:
            yield from _ids(field)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _ids(item)


def _root(history: list[FactEvent], version: int) -> int:
    by_version = {e.originator_version: e.fact for e in history}
    while isinstance(fact := by_version.get(version), Correction):
        version = fact.original_version
    return version


def _positions(app: Ledger, entity_id: UUID) -> dict[int, int]:
    from thidua_ledger.audit.provenance import positions  # the audit package imports the application

    return positions(app, entity_id)
