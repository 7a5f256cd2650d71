"""Snapshots: a long year is read from its nearest snapshot, and reads the same as a
replay of its whole history, on SQLite and PostgreSQL."""

import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import from_json
from thidua_events.facts import Provenance, Role
from thidua_events.facts.corrections import FactCorrected, FactRetracted
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
from thidua_ledger.application import Ledger, Receipt
from thidua_ledger.audit.clocks import Clock, _snapshot_through, load
from thidua_ledger.audit.replay import state_of
from thidua_ledger.audit.snapshots import check_snapshots
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.snapshots import decode, effective_through, encode, encode_text
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.settings import Settings

from tests.factories import CLERK, ClusterSetup, cluster_with_members, wide_scale

FIX = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, reason="Chấm nhầm, đính chính theo biên bản")


def test_entity_state_survives_the_snapshot_codec() -> None:
    state = {"scores": {uuid4(): (uuid4(), "1.2", Decimal("7.50"), ScoreKind.CROSS, None)},
             "drives": {1: ("Đợt 1", date(2019, 3, 1), None)},
             "ballot": BallotHeld(effective_date=date(2019, 11, 14), cluster_id=uuid4(), year=2019,
                                  ballot_id=uuid4(), subject="Cờ thi đua", issued=10, returned=9, valid=9,
                                  votes=(Vote(unit_id=uuid4(), votes=7),))}
    assert decode(encode(state)) == state
    assert type(next(iter(decode(encode(state))["scores"].values()))[3]) is ScoreKind


def test_the_snapshot_codec_writes_the_format_older_snapshots_hold() -> None:
    """Each value by its exact type in one lookup, enums and models by stable name: the same
    tagged JSON as the encoder that wrote format 3, so those snapshots are neither refused nor
    rewritten."""
    unit, score = UUID("7a0b4a52-52b4-4d33-8f3b-6f7a3c9c2a01"), UUID("0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5")
    vote = Vote(unit_id=unit, votes=7)
    state = {"scores": {score: (unit, "1.2", Decimal("7.50"), ScoreKind.CROSS, None)},
             "dates": [date(2019, 3, 1), datetime(2019, 3, 1, 8, 30)], "flags": (True, 3, 0.5, "x"),
             "vote": vote}
    assert encode(state) == {"~d": [
        ["scores", {"~d": [[{"~u": str(score)}, {"~t": [
            {"~u": str(unit)}, "1.2", {"~n": "7.50"}, {"~e": "ScoreKind", "v": "cross"}, None]}]]}],
        ["dates", [{"~date": "2019-03-01"}, {"~dt": "2019-03-01T08:30:00"}]],
        ["flags", {"~t": [True, 3, 0.5, "x"]}],
        ["vote", {"~m": "Vote", "v": vote.model_dump(mode="json")}]]}
    assert decode(encode(state)) == state


def test_an_encoding_kept_by_identity_is_served_only_for_that_same_unchanged_value() -> None:
    """The encoder keeps what it wrote for immutable values (ids, tuples of them) by identity,
    so a year's scores encode once per process, not once per snapshot. The near misses: a
    tuple holding a list that changed since, and new tuples of other values (CPython hands a
    freed object's id to the next one)."""
    unit = UUID("7a0b4a52-52b4-4d33-8f3b-6f7a3c9c2a01")
    titles = ["Đợt 1"]
    drive = (1, titles)
    assert encode(drive) == {"~t": [1, ["Đợt 1"]]}
    titles.append("Đợt 2")
    assert encode(drive) == {"~t": [1, ["Đợt 1", "Đợt 2"]]}
    for n in range(50):
        assert encode((unit, str(n), Decimal(n), ScoreKind.SELF, None)) == {"~t": [
            {"~u": str(unit)}, str(n), {"~n": str(n)}, {"~e": "ScoreKind", "v": "self"}, None]}
    score = (unit, "1", Decimal("7.50"), ScoreKind.CROSS, unit)
    assert encode({"a": score}) == encode({"a": score}) == {"~d": [["a", {"~t": [
        {"~u": str(unit)}, "1", {"~n": "7.50"}, {"~e": "ScoreKind", "v": "cross"}, {"~u": str(unit)}]}]]}


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63),
    st.text(),  # quotes, controls, any plane
    st.floats(allow_nan=False), st.uuids(), st.dates(), st.datetimes(), st.sampled_from(ScoreKind),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.builds(Vote, unit_id=st.uuids(), votes=st.integers(min_value=0, max_value=10**6)))
_STATES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
    st.dictionaries(st.one_of(st.text(max_size=5), st.uuids(), st.integers()), inner, max_size=4)), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(state=_STATES)
def test_the_snapshot_text_is_the_standard_json_of_the_tagged_form_and_reads_back(state: object) -> None:
    """Snapshots are written as text, pieces of it kept from the snapshot before: the text
    must be what the standard library writes for the tagged form with the stock transcoder's
    settings (the bytes format 3 always held), and read back to the same values, for any
    state, twice over (the second time from what was kept)."""
    for _ in range(2):
        text = encode_text({"state": state})
        assert text == json.dumps(from_json(text), separators=(",", ":"), ensure_ascii=False)
        assert decode(from_json(text)) == {"state": state}


def test_a_dict_entry_kept_by_identity_is_served_only_for_that_same_key_and_value() -> None:
    """A year's scores are written from the entries kept since the snapshot before: the near
    misses are a score whose value was replaced (a correction), one key in two dicts with
    other values (a score's tuple and its date), and an entry whose tuple holds a list."""
    score, unit = uuid4(), uuid4()
    scores = {score: (unit, "1", Decimal("7.50"), ScoreKind.SELF, None)}
    dates = {score: date(2019, 3, 1)}
    first = encode_text(scores)
    assert encode_text(dates) == '{"~d":[[{"~u":"' + str(score) + '"},{"~date":"2019-03-01"}]]}'
    scores[score] = (unit, "1", Decimal("8"), ScoreKind.SELF, None)
    assert encode_text(scores) == first.replace('"7.50"', '"8"') != first
    titles = ["Đợt 1"]
    drives = {1: (date(2019, 3, 1), titles)}
    encode_text(drives)
    titles.append("Đợt 2")
    assert decode(from_json(encode_text(drives))) == {1: (date(2019, 3, 1), ["Đợt 1", "Đợt 2"])}


def test_a_long_year_reads_the_same_from_its_snapshot_as_from_scratch(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup = cluster_with_members(ledger, members=3)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                  criteria=wide_scale(230)), CLERK)
    first = uuid4()
    for n in range(230):
        ledger.record(ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=c, year=2019,
                                    score_id=first if n == 0 else uuid4(), unit_id=setup.units[n % 3],
                                    criterion_code=str(n + 1), points=Decimal("1.25"), kind=ScoreKind.SELF),
                      CLERK)
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


def as_of_from_scratch(ledger: Ledger, entity_id: UUID, day: date) -> dict[str, object] | None:
    """The as-of-date view the slow way: every stored fact dated on or before `day`."""
    entity = None
    for event in ledger.events.get(entity_id):
        fact = getattr(event, "fact", None)
        if fact is None or fact.effective_date > day:
            continue
        entity = event.mutate(None) if entity is None else (entity.apply(fact) or entity)
    return state_of(entity) if entity is not None else None


def test_an_as_of_date_read_starts_from_a_snapshot_only_when_all_its_facts_are_that_old(
        ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup = cluster_with_members(ledger, members=2)
    c = setup.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                  criteria=wide_scale(251)), CLERK)
    # Scores in date order, month by month, except two: one recorded early but dated in
    # December, and one back-filled late with a February date.
    for n in range(250):
        day = date(2019, 2 + n // 25, 1) if n != 30 else date(2019, 12, 20)
        ledger.record(ScoreRecorded(effective_date=day, cluster_id=c, year=2019, score_id=uuid4(),
                                    unit_id=setup.units[n % 2], criterion_code=str(n + 1), points=Decimal(n % 60),
                                    kind=ScoreKind.SELF), CLERK)
    ledger.record(ScoreRecorded(effective_date=date(2019, 2, 15), cluster_id=c, year=2019, score_id=uuid4(),
                                unit_id=setup.units[0], criterion_code="251", points=Decimal(7),
                                kind=ScoreKind.SELF), CLERK)
    entity_id = year_id(c, 2019)
    heads = ledger.recorder.snapshot_heads(ledger.snapshots.recorder.events_table_name,  # type: ignore[attr-defined,union-attr]
                                           entity_id, None)
    # the December score (version 33) is in every snapshot: none is through before 20-12
    assert [(v, effective_through(h)) for v, h in heads] == [(200, date(2019, 12, 20)), (100, date(2019, 12, 20))]
    with pytest.raises(NotFound):  # the year was opened in 2019
        load(ledger, EmulationYear, entity_id, Clock(as_of=date(2018, 12, 31)))
    assert as_of_from_scratch(ledger, entity_id, date(2018, 12, 31)) is None
    for day in (date(2019, 1, 10), date(2019, 3, 1), date(2019, 12, 19), date(2019, 12, 20), date(2020, 6, 1)):
        assert state_of(load(ledger, EmulationYear, entity_id, Clock(as_of=day))) == as_of_from_scratch(
            ledger, entity_id, day), day
    assert _snapshot_through(ledger, entity_id, None, date(2019, 12, 19)) is None
    assert _snapshot_through(ledger, entity_id, None, date(2019, 12, 20)) == 200
    assert _snapshot_through(ledger, entity_id, 150, date(2020, 6, 1)) == 100
    known = load(ledger, EmulationYear, entity_id, Clock(as_of=date(2020, 6, 1), known_at=ledger.position() - 60))
    assert len(known.scores) < 251
    ledger.close()


def test_an_entity_from_a_snapshot_without_its_latest_date_never_claims_one(ledger_settings: Settings) -> None:
    ledger = Ledger(env=ledger_settings.eventstore_env())
    setup = cluster_with_members(ledger, members=2)
    year = ledger.get(EmulationYear, year_id(setup.cluster_id, 2019))
    assert year._effective_through == date(2019, 1, 2)  # opened that day
    del year.__dict__["_effective_through"]  # as read from a snapshot written before it was kept
    year.apply(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=setup.cluster_id, year=2019,
                               criteria=(Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal(60)),)))
    assert getattr(year, "_effective_through", None) is None
    assert EmulationYear.Snapshot.take_at(year, 0, "0" * 64).state["effective_through"] is None
    ledger.close()


def _scores_until(ledger: Ledger, setup: ClusterSetup, start: int, version: int) -> list[tuple[Receipt, ScoreRecorded]]:
    """Self scores on the 2019 year, now at version `start`, until it stands at `version`
    (one criterion per version: wide_scale(120) adopted)."""
    scored = []
    for n in range(start + 1, version + 1):
        fact = ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=setup.cluster_id, year=2019,
                             score_id=uuid4(), unit_id=setup.units[n % 2], criterion_code=str(n),
                             points=Decimal(n % 50), kind=ScoreKind.SELF)
        scored.append((ledger.record(fact, CLERK), fact))
    return scored


def test_a_snapshot_due_on_a_saved_year_is_taken_from_the_year_in_memory(
        ledger_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command that saves the year's 100th event snapshots the year it holds: reading the
    year back from the store (its snapshot before and the events since) cost more than the
    rest of the command."""
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        setup = cluster_with_members(ledger, members=2)
        entity_id = year_id(setup.cluster_id, 2019)
        adopted = ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=setup.cluster_id,
                                                year=2019, criteria=wide_scale(120)), CLERK)
        _scores_until(ledger, setup, adopted.version, 99)
        reads: list[UUID] = []
        load = ledger._load
        monkeypatch.setattr(ledger, "_load", lambda entity_id, *a, **k: reads.append(entity_id) or load(
            entity_id, *a, **k))
        _scores_until(ledger, setup, 99, 100)
        assert entity_id not in reads
        monkeypatch.undo()
        assert [s.originator_version for s in ledger.snapshots.get(entity_id)] == [100]  # type: ignore[union-attr]
        assert check_snapshots(ledger) == (1, [])  # as the log folds it
    finally:
        ledger.close()


@pytest.mark.parametrize("due_on", ["correction", "retraction"])
def test_a_snapshot_due_on_a_correction_holds_the_facts_in_force(ledger_settings: Settings, due_on: str) -> None:
    """The near miss: the year a correction is recorded on still holds the original fact in
    memory; a snapshot due on that command is read from the store."""
    ledger = Ledger(env=ledger_settings.eventstore_env())
    try:
        setup = cluster_with_members(ledger, members=2)
        c = setup.cluster_id
        adopted = ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                                criteria=wide_scale(120)), CLERK)
        receipt, wrong = _scores_until(ledger, setup, adopted.version, 99)[3]
        original = f"{receipt.entity_id}:{receipt.version}"
        correction = FactCorrected.of(original, wrong.model_copy(update={"score_id": uuid4(), "points": Decimal(40)})) \
            if due_on == "correction" else FactRetracted(effective_date=date(2019, 11, 2), original=original)
        ledger.record(correction, FIX)
        entity_id = year_id(c, 2019)
        assert [s.originator_version for s in ledger.snapshots.get(entity_id)] == [100]  # type: ignore[union-attr]
        assert check_snapshots(ledger) == (1, [])
        assert state_of(ledger.snapshot_at(entity_id, 100)) == state_of(ledger._load(entity_id))
    finally:
        ledger.close()
