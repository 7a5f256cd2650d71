"""A year's standings, and behind each total the points per criterion and per scorer (the
unit's own score and each inspecting unit's), with the events that recorded them and the
corrections that changed them."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field
from thidua_events.facts.year import ScoreCorrected, ScoreKind, ScoreRecorded
from thidua_events.standings import CENT, STANDINGS_METHOD, rank_units
from thidua_events.text import vietnamese_sort_key

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.in_force import Folded, InForce, fold_known
from thidua_ledger.refs import UnitRef, UnitRefs, name_day


class ScoreChangePublic(BaseModel):
    """A change to a score: a ScoreCorrected naming it, or a FactCorrected replacing its fact."""

    event_id: str
    kind: Literal["ScoreCorrected", "FactCorrected"]
    points_before: Decimal | None = Field(description="null when the correction names an event this read "
                                                      "does not show (e.g. dated after as_of)")
    points_after: Decimal
    reason: str | None
    actor: str
    recorded_at: datetime


class ScorePublic(BaseModel):
    score_id: UUID
    points: Decimal
    scored_by: UnitRef | None = Field(description="The inspecting unit (cross); the unit itself or null (self)")
    event_id: str = Field(description="The event that recorded the score in force")
    corrections: list[ScoreChangePublic] = Field(description="Oldest first; empty when never corrected")


class CriterionScorePublic(BaseModel):
    code: str
    counted: Decimal = Field(description="The points that count, to the cent: the mean of the cross scores "
                                         "where there are any, else the self score")
    counted_from: Literal["cross", "self"]
    self_score: ScorePublic | None
    cross_scores: list[ScorePublic]


class Standing(BaseModel):
    rank: int
    unit: UnitRef
    total: Decimal
    tied: bool
    self_total: Decimal = Field(description="The sum of the unit's own scores")
    cross_total: Decimal | None = Field(description="The sum of the cross-score means; null when no member "
                                                    "inspected this unit")
    criteria: list[CriterionScorePublic] = Field(description="In criterion order; the total is the "
                                                             "unrounded sum of `counted`")


class StandingsPublic(BaseModel):
    cluster_id: UUID
    year: int
    method: str
    standings: list[Standing]


def _score_events(folded: Folded[EmulationYear]) -> dict[UUID, InForce]:
    return {h.fact.score_id: h for h in folded.facts if isinstance(h.fact, ScoreRecorded | ScoreCorrected)}


def _changes(folded: Folded[EmulationYear], events: dict[UUID, InForce], score_id: UUID) -> list[ScoreChangePublic]:
    """The score's chain back to the original, each step's ScoreCorrected and FactCorrected."""
    held = events.get(score_id)
    if held is not None and not folded.corrections and isinstance(held.fact, ScoreRecorded):
        return []  # never corrected: most scores, so the common case stays cheap
    chain: list[InForce] = []
    while held is not None:
        chain.insert(0, held)
        held = events.get(held.fact.corrects_score_id) if isinstance(held.fact, ScoreCorrected) else None
    changes: list[ScoreChangePublic] = []
    previous: Decimal | None = None
    for step in chain:
        fact = step.fact
        assert isinstance(fact, ScoreRecorded | ScoreCorrected)
        if isinstance(fact, ScoreCorrected):
            changes.append(ScoreChangePublic(
                event_id=step.event_id, kind="ScoreCorrected", points_before=previous, points_after=fact.points,
                reason=step.provenance.reason, actor=step.provenance.actor,
                recorded_at=step.recorded_at))
        before = getattr(step.original, "points", None)
        for correction in folded.corrections_of(step.version):
            if not correction.retracted:
                changes.append(ScoreChangePublic(
                    event_id=correction.correcting_event_id, kind="FactCorrected", points_before=before,
                    points_after=fact.points, reason=correction.reason, actor=correction.actor,
                    recorded_at=correction.recorded_at))
        previous = fact.points
    return sorted(changes, key=lambda c: c.recorded_at)


def standings(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock = NOW) -> StandingsPublic:
    folded = fold_known(ledger, EmulationYear, year_id(cluster_id, year), clock)
    record = folded.entity
    current = record.current_scores()
    ranked = rank_units((unit, criterion, points, kind) for unit, criterion, points, kind, _ in current.values())
    refs = UnitRefs(ledger, name_day(year, ledger.today(), clock), clock)
    events = _score_events(folded)

    def public(score_id: UUID, points: Decimal, by: UUID | None) -> ScorePublic:
        return ScorePublic(score_id=score_id, points=points, scored_by=refs(by),
                           event_id=events[score_id].event_id, corrections=_changes(folded, events, score_id))

    by_unit: dict[UUID, dict[str, tuple[list[ScorePublic], list[ScorePublic]]]] = defaultdict(dict)
    for score_id, (unit, code, points, kind, by) in current.items():
        own, cross = by_unit[unit].setdefault(code, ([], []))
        (cross if kind is ScoreKind.CROSS else own).append(public(score_id, points, by))
    order = {code: n for n, code in enumerate(record.criteria)}
    by_name: dict[UUID | None, tuple[object, ...]] = {}  # one sort key per inspecting unit, not per score

    def scorer_key(score: ScorePublic) -> tuple[object, ...]:
        unit = score.scored_by.unit_id if score.scored_by else None
        if unit not in by_name:
            by_name[unit] = tuple(vietnamese_sort_key(score.scored_by.name)) if score.scored_by else ()
        return by_name[unit]

    def breakdown(unit: UUID) -> list[CriterionScorePublic]:
        rows = []
        for code, (own, cross) in sorted(by_unit[unit].items(), key=lambda item: order.get(item[0], len(order))):
            counted = (sum((s.points for s in cross), Decimal(0)) / len(cross)) if cross else own[0].points
            cross.sort(key=scorer_key)
            rows.append(CriterionScorePublic(code=code, counted=counted.quantize(CENT),
                                             counted_from="cross" if cross else "self",
                                             self_score=own[0] if own else None, cross_scores=cross))
        return rows

    named = {s.unit_id: ref for s in ranked if (ref := refs(s.unit_id))}
    # Tied units in Vietnamese name order, so the table is stable.
    ranked.sort(key=lambda s: (s.rank, vietnamese_sort_key(named[s.unit_id].name)))
    return StandingsPublic(cluster_id=cluster_id, year=year, method=STANDINGS_METHOD, standings=[
        Standing(rank=s.rank, unit=named[s.unit_id], total=s.total, tied=s.tied, self_total=s.self_total,
                 cross_total=s.cross_total, criteria=breakdown(s.unit_id))
        for s in ranked])
