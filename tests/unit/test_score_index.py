"""The year's score index answers every score rule exactly as a plain scan of its scores
would, for any history: scores, score corrections, corrections and retractions of any of
those, score ids recorded twice (old histories), folded from the start or read back from
a snapshot."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.corrections import FactCorrected, FactRetracted
from thidua_events.facts.year import ScoreCorrected, ScoreKind, ScoreRecorded, YearOpened
from thidua_events.standings import rank_units
from thidua_ledger.domain.corrections import fold_in_force
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.domain.score_index import EXACT, Score, ScoreIndex
from thidua_ledger.domain.snapshots import EntitySnapshot
from thidua_ledger.domain.year import EmulationYear

CLERK = Provenance(actor="Thư ký", role=Role.CLERK, source_ref="BB-01", reason="đính chính")
CLUSTER = UUID("00000000-0000-4000-8000-000000000001")
UNITS = [UUID(f"00000000-0000-4000-8000-0000000001{n:02d}") for n in range(4)]
CODES = ["1", "2", "3"]
# Halves only: a mean of them never lands on a half cent by rounding alone, whatever order
# its terms are added in (the scan adds them in set order).
POINTS = st.integers(0, 120).map(lambda n: Decimal(n) / 2)
DAY = date(2019, 10, 1)


def plain_scan_refusal(year: EmulationYear, fact: ScoreRecorded) -> str | None:
    """The rule one-score-per-scorer as it was, scanning every score."""
    by = fact.scored_by_unit_id if fact.kind is ScoreKind.CROSS else None
    for score_id, (unit, code, _, kind, scorer) in year.scores.items():
        if code != fact.criterion_code or (unit, kind) != (fact.unit_id, fact.kind) or score_id in year.superseded:
            continue
        if kind is ScoreKind.SELF:
            return f"one-self-score-per-unit-and-criterion {score_id}"
        if scorer == by:
            return f"one-cross-score-per-inspector-unit-and-criterion {score_id}"
    return None


def indexed_refusal(year: EmulationYear, fact: ScoreRecorded) -> str | None:
    try:
        year.check_one_score_per_scorer(fact)
    except RuleViolation as refused:
        return f"{refused.rule} {refused.detail.split('(score ')[1].split(')')[0]}"
    return None


def plain_scan_total(year: EmulationYear, unit: UUID, score: tuple, replacing: UUID | None) -> Decimal:
    in_force = [(u, c, p, k) for sid, (u, c, p, k, _) in year.scores.items()
                if u == unit and sid != replacing and sid not in year.superseded]
    if score[0] == unit:
        in_force.append(score[:4])
    ranked = rank_units(in_force)
    return ranked[0].total if ranked else Decimal(0)


@st.composite
def scores(draw: st.DrawFn, ids: list[UUID]) -> ScoreRecorded:
    unit = draw(st.sampled_from(UNITS))
    cross = draw(st.booleans())
    by = draw(st.sampled_from([u for u in UNITS if u != unit])) if cross else draw(st.sampled_from([None, unit]))
    score_id = draw(st.sampled_from(ids)) if ids and draw(st.integers(0, 19)) == 0 else uuid4()
    return ScoreRecorded(effective_date=DAY, cluster_id=CLUSTER, year=2019, score_id=score_id, unit_id=unit,
                         criterion_code=draw(st.sampled_from(CODES)), points=draw(POINTS),
                         kind=ScoreKind.CROSS if cross else ScoreKind.SELF, scored_by_unit_id=by)


@st.composite
def histories(draw: st.DrawFn) -> EmulationYear:
    """A year folded from the start (with its corrections and retractions in force) from
    up to 40 facts drawn one after another."""
    year = EmulationYear(fact=YearOpened(effective_date=date(2019, 1, 2), cluster_id=CLUSTER, year=2019,
                                         movement="Vì an ninh Tổ quốc"), provenance=CLERK)
    ids: list[UUID] = []
    recorded: dict[int, Fact] = {}  # version -> a score fact (or its correction) on the year
    for _ in range(draw(st.integers(0, 40))):
        choice = draw(st.integers(0, 9))
        fact: Fact
        if choice <= 5 or not recorded:
            fact = draw(scores(ids))
            ids.append(fact.score_id)
        elif choice <= 7:
            fact = ScoreCorrected(effective_date=DAY, cluster_id=CLUSTER, year=2019, score_id=uuid4(),
                                  corrects_score_id=draw(st.sampled_from([*ids, uuid4()])), points=draw(POINTS))
            ids.append(fact.score_id)
        else:
            version = draw(st.sampled_from(sorted(recorded)))
            original = f"{year.id}:{version}"
            replacement = draw(scores(ids)).model_copy(update={"score_id": _id(recorded[version])})
            fact = (FactRetracted(effective_date=DAY, original=original) if choice == 8 else
                    FactCorrected.of(original, replacement))
        year.record(fact, CLERK)
        if not isinstance(fact, FactRetracted):
            recorded[year.version] = fact
    folded: EmulationYear = fold_in_force(None, year.collect_events())
    return folded


def _id(fact: Fact) -> UUID:
    return fact.fact_in_force().score_id if isinstance(fact, FactCorrected) else fact.score_id  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(histories(), st.data())
def test_the_index_answers_as_a_plain_scan(year: EmulationYear, data: st.DataObject) -> None:
    at_once = ScoreIndex.of(year.scores, year.superseded)
    assert year._index == at_once
    # what a year read from a snapshot goes on adding to: the same tallies as one folded
    assert year._index.tally == at_once.tally
    for _ in range(5):
        fact = data.draw(scores([]))
        assert indexed_refusal(year, fact) == plain_scan_refusal(year, fact)
        score = (fact.unit_id, fact.criterion_code, fact.points, fact.kind, fact.scored_by_unit_id)
        replacing = data.draw(st.sampled_from([None, uuid4(), *year.scores]))
        for unit in UNITS:
            assert year.totals_with(unit, fact.score_id, score, replacing) == plain_scan_total(
                year, unit, score, replacing), (unit, replacing)


@settings(max_examples=100, deadline=None)
@given(histories())
def test_a_year_read_from_its_snapshot_has_the_same_index(year: EmulationYear) -> None:
    snapshot = EntitySnapshot.take_at(year, position=year.version, chain="0" * 64)
    assert "_index" not in str(snapshot.state["encoded"])
    assert vars(snapshot.mutate(None)) == vars(year)


@settings(max_examples=200, deadline=None)
@given(histories())
def test_each_unit_s_total_is_kept_exactly_as_its_scores_come_and_go(year: EmulationYear) -> None:
    """The rule total-within-scale reads a unit's total instead of summing its criteria on every
    command: kept as scores, corrections and retractions change the points, it is always the
    exact sum (no drift from adding and taking away means such as 10/3)."""
    index = year._index
    assert index.totals.keys() == index.points.keys()
    for unit, points in index.points.items():
        assert index.totals[unit] == _exact_sum(points.values())


def _exact_sum(values: Iterable[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = EXACT.add(total, value)
    return total


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_scores_added_and_taken_out_in_any_order_keep_the_tallies_of_a_recount(data: st.DataObject) -> None:
    """A ScoreCorrected takes the score it corrects out of its slot's tally (instead of counting
    the slot again): whatever the order of scores added and taken out, cross or self, the index
    is the one built at once from the scores left, tallies included."""
    index, kept = ScoreIndex(), dict[UUID, Score]()
    for _ in range(data.draw(st.integers(0, 40))):
        if data.draw(st.booleans()) and kept:
            score_id = data.draw(st.sampled_from(sorted(kept)))
            index.drop(score_id, kept.pop(score_id))
        else:
            fact = data.draw(scores([]))
            kept[fact.score_id] = (fact.unit_id, fact.criterion_code, fact.points, fact.kind, fact.scored_by_unit_id)
            index.add(fact.score_id, kept[fact.score_id])
        at_once = ScoreIndex.of(kept, {})
        assert index == at_once
        assert index.tally == at_once.tally
