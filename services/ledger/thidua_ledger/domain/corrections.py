"""Corrections and retractions of recorded facts: which facts are in force, and the
guards a correction passes before the rules are checked again on the history it makes.

The facts in force of an entity are its recorded facts, each corrected one replaced at its
own place by its latest replacement and each retracted one left out. Every read folds
those (see `in_force` and `fold_in_force`); corrections themselves change no state.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from thidua_events.facts import Fact, Provenance
from thidua_events.facts.awards import Decree
from thidua_events.facts.corrections import Correction, FactCorrected, FactRetracted

from thidua_ledger.domain.entity import FactEvent, applies
from thidua_ledger.domain.errors import check

Slots = dict[int, Fact | None]
"""entity version of an original -> the fact in force in its place (None: retracted)."""


class RefoldFromStart(Exception):
    """A correction names a fact older than the snapshot a read started from: the read
    must fold the entity's whole history instead."""


def in_force(facts: Iterable[tuple[int, Fact]]) -> Slots:
    """Which originals of an entity are replaced or retracted, given its (version, fact)s.

    A correction may name an earlier correction: the chain is followed down to the
    original, whose place takes the last replacement."""
    root: dict[int, int] = {}
    slots: Slots = {}
    for version, fact in facts:
        if isinstance(fact, Correction):
            original = root.get(fact.original_version, fact.original_version)
            root[version] = original
            slots[original] = fact.fact_in_force() if isinstance(fact, FactCorrected) else None
    return slots


def slots_of(events: Sequence[Any]) -> Slots:
    return in_force((e.originator_version, e.fact) for e in events
                    if isinstance(e, FactEvent) and isinstance(e.fact, Correction))


def fold_in_force(entity: Any, events: Iterable[Any]) -> Any:
    """Fold stored events (after a snapshot, if `entity` is None and the first is one) with
    every correction among them applied. Raises RefoldFromStart when a correction names a
    fact folded into the snapshot already."""
    events = list(events)
    slots = slots_of(events)
    for event in events:
        if isinstance(event, FactEvent):
            version = event.originator_version
            if slots and version in slots:
                fact = slots[version]
                if fact is None:  # retracted: the entity moves on a version, its state does not
                    entity.version, entity.modified_on = version, event.timestamp
                    continue
                event = replace(event, fact=fact)  # type: ignore[call-arg]
        elif slots and entity is None and min(slots) <= event.originator_version:
            raise RefoldFromStart  # a snapshot that holds an original a later event corrects
        entity = event.mutate(entity)
    return entity


def has_corrections(events: Sequence[Any]) -> bool:
    return any(isinstance(e, FactEvent) and isinstance(e.fact, Correction) for e in events)


# Corrections change no state by themselves: the read folds the facts in force.
@applies
def _corrected(entity: Any, fact: FactCorrected) -> None:
    pass


@applies
def _retracted(entity: Any, fact: FactRetracted) -> None:
    pass


# Guards: what a correction must be before the rules are checked on the history it makes.


def check_reason(provenance: Provenance) -> None:
    check(bool(provenance.reason), "correction-gives-its-reason",
          "a correction or retraction states why the original was wrong")


def check_correctable(correction: Correction, history: Sequence[FactEvent]) -> Fact:
    """The named original exists on the entity, is still in force, and is not a decree.
    Returns the fact in force in its place."""
    by_version = {e.originator_version: e.fact for e in history}
    named = by_version.get(correction.original_version)
    check(named is not None, "correct-a-recorded-fact",
          f"{correction.original} is not a recorded fact")
    assert named is not None  # for the type checker; check() raised otherwise
    superseded = {e.fact.original_version: e.originator_version for e in history
                  if isinstance(e.fact, Correction)}
    later = superseded.get(correction.original_version)
    check(later is None, "correct-the-fact-in-force",
          f"{correction.original} was already corrected or retracted by "
          f"{correction.entity_id}:{later}; name that one")
    check(not isinstance(named, FactRetracted), "correct-the-fact-in-force",
          f"{correction.original} is a retraction; record the fact anew instead")
    original = named.fact_in_force() if isinstance(named, FactCorrected) else named
    check(not isinstance(original, Decree), "decrees-are-revoked-not-corrected",
          "a decree is corrected by another decree (AwardRevoked), not by the clerk")
    check(original.aggregate != "access", "access-is-revoked-not-corrected",
          "a grant is withdrawn by ScopeRevoked, a token by TokenRevoked, never rewritten")
    return original


def _root(history: Sequence[FactEvent], version: int) -> int:
    by_version = {e.originator_version: e.fact for e in history}
    while isinstance(fact := by_version.get(version), Correction):
        version = fact.original_version
    return version


def check_replacement(correction: FactCorrected, original: Fact, entity_id: Any, id_of: Any) -> Fact:
    replacement = correction.fact_in_force()
    check(type(replacement) is type(original), "correction-keeps-the-fact-type",
          f"{correction.original} is a {original.type_name()}, not a {replacement.type_name()}; "
          "retract it and record the other fact instead")
    check(id_of(replacement) == entity_id, "correction-stays-on-its-entity",
          f"the replacement belongs to {id_of(replacement)}, not to {entity_id}")
    check(replacement != original, "correction-changes-something",
          "the replacement is the fact in force already")
    return replacement


def check_retraction(correction: Correction, history: Sequence[FactEvent]) -> None:
    check(_root(history, correction.original_version) != 1, "first-fact-is-corrected-not-retracted",
          f"{correction.original} brought the entity into the ledger; correct it instead")
