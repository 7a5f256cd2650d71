"""Snapshots: a long year is read from its nearest snapshot, and reads the same as a
replay of its whole history, on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

from thidua_events.facts.year import (
    BallotHeld,
    CriteriaAdopted,
    Criterion,
    ScoreCorrected,
    ScoreKind,
    ScoreRecorded,
    Vote,
    YearEndReviewHeld,
)
from thidua_ledger.application import Ledger
from thidua_ledger.audit.replay import state_of
from thidua_ledger.domain.snapshots import decode, encode
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

from tests.factories import CLERK, cluster_with_members


def test_entity_state_survives_the_snapshot_codec() -> None:
    state = {"scores": {uuid4(): (uuid4(), "1.2", Decimal("7.50"), ScoreKind.CROSS, None)},
             "drives": {1: ("Đợt 1", date(2019, 3, 1), None)},
             "ballot": BallotHeld(effective_date=date(2019, 11, 14), cluster_id=uuid4(), year=2019,
                                  ballot_id=uuid4(), subject="Cờ thi đua", issued=10, returned=9, valid=9,
                                  votes=(Vote(unit_id=uuid4(), votes=7),))}
    assert decode(encode(state)) == state
    assert type(next(iter(decode(encode(state))["scores"].values()))[3]) is ScoreKind


def test_a_long_year_reads_the_same_from_its_snapshot_as_from_scratch(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup = cluster_with_members(ledger, members=3)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019, criteria=(
        Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal(60)),)), CLERK)
    first = uuid4()
    for n in range(230):
        ledger.record(ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=c, year=2019,
                                    score_id=first if n == 0 else uuid4(), unit_id=setup.units[n % 3],
                                    criterion_code="1", points=Decimal("1.25"), kind=ScoreKind.SELF), CLERK)
    ledger.record(ScoreCorrected(effective_date=date(2019, 12, 1), cluster_id=c, year=2019, score_id=uuid4(),
                                 corrects_score_id=first, points=Decimal(2)), CLERK)
    ledger.record(YearEndReviewHeld(effective_date=date(2019, 12, 2), cluster_id=c, year=2019), CLERK)
    entity_id = year_id(c, 2019)
    assert [s.originator_version for s in ledger.snapshots.get(entity_id)] == [100, 200]  # type: ignore[union-attr]

    from_snapshot = ledger.get(EmulationYear, entity_id)
    from_scratch = None
    for event in ledger.events.get(entity_id):
        from_scratch = event.mutate(from_scratch)
    assert from_snapshot.version == from_scratch.version == 234  # opened, criteria, 230 scores, 2 more
    assert state_of(from_snapshot) == state_of(from_scratch)
    assert state_of(ledger.get(EmulationYear, entity_id, version=150))["scores"].keys() == {
        s.score_id for e in ledger.events.get(entity_id, lte=150)
        if type(s := getattr(e, "fact", None)) is ScoreRecorded}
    ledger.close()
