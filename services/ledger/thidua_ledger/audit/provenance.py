"""Who recorded what and why: an entity's history with both clocks, the chain of a
correction, and what changed in a year between two recording moments."""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import Field
from thidua_events.envelope import LedgerEvent
from thidua_events.facts.corrections import Correction
from thidua_events.facts.year import ScoreCorrected, ScoreRecorded

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock
from thidua_ledger.audit.stored_history import check_versions_follow
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.year import year_id


def positions(ledger: Ledger, entity_id: UUID) -> dict[int, int]:
    """version -> log position, from the chain's index."""
    rows = ledger.recorder.query(  # type: ignore[attr-defined]
        "SELECT originator_version, position FROM {chain} WHERE originator_id = ?", (str(entity_id),))
    return {int(version): int(position) for version, position in rows}


class HistoryEntry(LedgerEvent):
    """One event of an entity's history, and the correction or retraction that replaced it."""

    corrected_by: str | None = Field(None, description="Event id of the correction or retraction "
                                                       "that replaced this fact, if any (as known then)")
    stated_date: date | str = Field(description="The effective date as precisely as its source states "
                                                "it: a day, or 2018-03, or 2018")


def history(ledger: Ledger, entity_id: UUID, known_at: int | None = None,
            as_of: date | None = None) -> list[HistoryEntry]:
    """The ordered events of one entity, with actor, role, reason, source and both clocks;
    a corrected or retracted fact names what replaced it, so the chain reads both ways.
    `known_at` keeps the events recorded by that position, `as_of` those dated by that day."""
    events = list(ledger.events.get(entity_id))
    check_versions_follow(entity_id, (e.originator_version for e in events))
    stored = [e for e in events if isinstance(e, FactEvent)]
    if not stored:
        raise NotFound("Entity", entity_id)  # unknown, or internal (an award claim)
    where = positions(ledger, entity_id)
    known = [e for e in stored if known_at is None or where.get(e.originator_version, 0) <= known_at]
    if as_of is not None:
        known = [e for e in known if e.fact.effective_date <= as_of]
    replaced_by = {e.fact.original_version: f"{entity_id}:{e.originator_version}"
                   for e in known if isinstance(e.fact, Correction)}
    return [
        HistoryEntry(**LedgerEvent.of(e.fact, e.provenance, position=where.get(e.originator_version, 0),
                                      entity_id=e.originator_id, entity_version=e.originator_version,
                                      recorded_at=e.timestamp).model_dump(),
                     corrected_by=replaced_by.get(e.originator_version), stated_date=e.fact.stated_date())
        for e in known
    ]


def correction_chain(ledger: Ledger, cluster_id: UUID, year: int, score_id: UUID) -> list[LedgerEvent]:
    """A score and every correction back to the original, oldest first."""
    by_score: dict[UUID, LedgerEvent] = {}
    for event in history(ledger, year_id(cluster_id, year)):
        fact = event.fact()
        if isinstance(fact, ScoreRecorded | ScoreCorrected):
            by_score[fact.score_id] = event
    if score_id not in by_score:
        raise NotFound("Score", score_id)
    chain = [by_score[score_id]]
    while isinstance(fact := chain[0].fact(), ScoreCorrected):
        chain.insert(0, by_score[fact.corrects_score_id])
    return chain


def changes(ledger: Ledger, cluster_id: UUID, year: int, before: int, after: int,
            view: Callable[[Ledger, UUID, int, Clock], Any]) -> dict[str, Any]:
    """What changed in a year's state between two log positions, and the events that did it."""
    def state(position: int) -> dict[str, Any]:
        try:
            return view(ledger, cluster_id, year, Clock(known_at=position)).model_dump(mode="json")
        except NotFound:
            return {}

    old, new = state(before), state(after)
    entities = {cluster_id, year_id(cluster_id, year)}
    recorded = [e for entity in entities for e in history(ledger, entity) if before < e.position <= after]
    return {
        "before": before, "after": after,
        "changed": {key: {"before": old.get(key), "after": new.get(key)}
                    for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)},
        "events": [e.model_dump(mode="json") for e in sorted(recorded, key=lambda e: e.position)],
    }
