"""The auditors' fast reads fold exactly what the library's repository folds, on SQLite and
PostgreSQL: the full replay (raw rows, each event decoded once, the facts in force folded at
the end), and the known-at and as-of-date reads (from a snapshot when no later correction
crosses it).

Hypothesis generates a year of scores long enough to be snapshotted, with back-dated scores,
score corrections, corrections (FactCorrected, some to another date, some of a correction)
and retractions. They are appended straight through the domain, as an old store holds them:
the rules are not what is tested here, the folding is.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from thidua_events.facts import Provenance, Role
from thidua_events.facts.corrections import Correction, FactCorrected, FactRetracted
from thidua_events.facts.year import ScoreCorrected, ScoreKind, ScoreRecorded
from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.audit.replay import rebuild, state_of
from thidua_ledger.domain.corrections import fold_in_force, slots_of
from thidua_ledger.domain.entity import FactEvent
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.year import EmulationYear, year_id

from tests.factories import CLERK, adopt_criteria, cluster_with_members

WHY = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, reason="Ghi nhầm")
YEAR = 2019
DAY0 = date(YEAR, 1, 1)

# One step: (what, which earlier score, points, days into the year)
steps = st.tuples(st.sampled_from(["score", "score", "score", "late", "correct", "fix", "fix", "retract"]),
                  st.integers(0, 10_000), st.integers(0, 12), st.integers(0, 364))


def record_history(ledger: Ledger, history: list[Any]) -> tuple[UUID, list[date]]:
    """A cluster and its year, the steps appended to the year in order of recording; the
    year's id and the dates to read it as of."""
    setup = cluster_with_members(ledger, members=3, year=YEAR)
    adopt_criteria(ledger, setup)
    year = ledger.get(EmulationYear, year_id(setup.cluster_id, YEAR))
    scores: list[tuple[int, ScoreRecorded]] = []  # (the version in force for it, what it says)
    corrected_by_score: set[UUID] = set()  # the scores a ScoreCorrected names: never retracted
    for n, (what, pick, points, days) in enumerate(history):
        day = DAY0 + timedelta(days=max(days, 20))
        if what == "late":  # back-dated: recorded now, dated months before the scores around it
            day = DAY0 + timedelta(days=max(20, days // 4))
        if what in ("score", "late") or not scores:
            fact: Any = ScoreRecorded(effective_date=day, cluster_id=setup.cluster_id, year=YEAR, score_id=uuid4(),
                                      unit_id=setup.units[n % 3], criterion_code="1.1", points=Decimal(points),
                                      kind=ScoreKind.SELF)
            year.record(fact, CLERK)
            scores.append((year.version, fact))
            continue
        index = pick % len(scores)
        version, named = scores[index]
        if what == "correct":
            year.record(ScoreCorrected(effective_date=day, cluster_id=setup.cluster_id, year=YEAR,
                                       score_id=uuid4(), corrects_score_id=named.score_id,
                                       points=Decimal(points)), CLERK)
            corrected_by_score.add(named.score_id)
        elif what == "fix":  # the fact in force named (a correction of a correction, if it was one)
            replacement = named.model_copy(update={"points": Decimal(points), "effective_date": day})
            year.record(FactCorrected.of(f"{year.id}:{version}", replacement), WHY)
            scores[index] = (year.version, replacement)
        elif named.score_id not in corrected_by_score:
            year.record(FactRetracted(effective_date=day, original=f"{year.id}:{version}"), WHY)
            del scores[index]
        if len(year.pending_events) >= 40:
            ledger.save(year)
    ledger.save(year)
    days = sorted({DAY0 + timedelta(days=d) for _, _, _, d in history})
    return year.id, [DAY0, *days[:: max(1, len(days) // 6)], date(YEAR, 12, 31)]


def by_the_repository(ledger: Ledger, entity_id: UUID) -> Any:
    """The entity from its events, through the library's domain events and mutate."""
    return fold_in_force(None, ledger.events.get(entity_id))


def as_of_by_events(ledger: Ledger, entity_id: UUID, day: date, version: int | None) -> Any:
    """The as-of-date fold over the library's domain events, from the first event."""
    events = [e for e in ledger.events.get(entity_id, lte=version) if isinstance(e, FactEvent)]
    slots = slots_of(events)
    entity: Any = None
    for event in events:
        if isinstance(event.fact, Correction):
            continue
        fact = slots.get(event.originator_version, event.fact) if event.originator_version in slots else event.fact
        if fact is None:
            continue
        if fact.effective_date > day:
            if entity is None:
                return None
            continue
        entity = replace(event, fact=fact).mutate(None) if entity is None else (entity.apply(fact) or entity)
    return entity


def bookkeeping(entity: Any) -> tuple[Any, ...]:
    return (entity.id, entity.version, entity.created_on, entity.modified_on, entity._effective_through)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(history=st.lists(steps, min_size=110, max_size=260))
def test_the_replay_folds_what_the_repository_folds(ledger: Ledger, history: list[Any]) -> None:
    year, _ = record_history(ledger, history)
    rebuilt = rebuild(ledger)
    assert rebuilt.entities, "the replay rebuilt nothing"
    for entity_id, entity in rebuilt.entities.items():
        slow = by_the_repository(ledger, entity_id)
        assert state_of(entity) == state_of(slow), entity_id
        assert bookkeeping(entity) == bookkeeping(slow), entity_id
    assert year in rebuilt.entities


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(history=st.lists(steps, min_size=110, max_size=260), known=st.lists(st.integers(0, 10_000), max_size=8))
def test_known_at_reads_fold_what_the_repository_folds(ledger: Ledger, history: list[Any], known: list[int]) -> None:
    year, _ = record_history(ledger, history)
    positions = [p for (p,) in ledger.recorder.query(  # type: ignore[attr-defined]
        "SELECT position FROM {chain} WHERE originator_id = ? ORDER BY position", (str(year),))]
    for pick in [*known, len(positions) - 1]:
        version = 1 + pick % len(positions)
        expected = fold_in_force(None, ledger.events.get(year, lte=version))
        found = load(ledger, EmulationYear, year, Clock(known_at=positions[version - 1]))
        assert state_of(found) == state_of(expected), version
        assert bookkeeping(found) == bookkeeping(expected), version


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(history=st.lists(steps, min_size=110, max_size=260), known=st.integers(0, 10_000))
def test_as_of_reads_fold_what_the_events_fold(ledger: Ledger, history: list[Any], known: int) -> None:
    year, days = record_history(ledger, history)
    positions = [p for (p,) in ledger.recorder.query(  # type: ignore[attr-defined]
        "SELECT position FROM {chain} WHERE originator_id = ? ORDER BY position", (str(year),))]
    version = ledger.get(EmulationYear, year).version
    for day in days:
        for known_at, upto in ((None, None), (positions[known % len(positions)], 1 + known % len(positions))):
            expected = as_of_by_events(ledger, year, day, upto)
            if expected is None:
                with pytest.raises(NotFound):
                    load(ledger, EmulationYear, year, Clock(as_of=day, known_at=known_at))
                continue
            found = load(ledger, EmulationYear, year, Clock(as_of=day, known_at=known_at))
            assert state_of(found) == state_of(expected), (day, known_at, version)
