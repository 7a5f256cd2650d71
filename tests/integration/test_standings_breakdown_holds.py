"""The breakdown behind each standing adds up, for any history of self scores, cross scores
and corrections (hypothesis), on SQLite and PostgreSQL: what counts per criterion is the mean
of the cross scores where there are any, else the self score; the totals are their sums; every
score in force is shown once, with the event that recorded it."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from thidua_events.facts.year import ScoreCorrected, ScoreKind, ScoreRecorded
from thidua_events.standings import CENT
from thidua_ledger.application import Ledger
from thidua_ledger.audit.provenance import history
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.standings_view import standings

from tests.factories import CLERK, adopt_criteria, cluster_with_members, correction, score

MAXIMUM = {"1.1": 12, "1.2": 17, "2": 70}
# (unit, scorer or None for a self score, criterion, points, correct it to points or not)
entries = st.lists(st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(0, 2)),
                             st.sampled_from(sorted(MAXIMUM)), st.integers(0, 12),
                             st.one_of(st.none(), st.integers(0, 12))), min_size=1, max_size=14)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries)
def test_each_total_is_the_sum_of_what_counts_per_criterion(ledger: Ledger, history_of: list[
        tuple[int, int | None, str, int, int | None]]) -> None:
    setup = cluster_with_members(ledger, members=3)
    adopt_criteria(ledger, setup)
    for unit, scorer, code, points, fixed in history_of:
        units = setup.units
        cross = scorer is not None and scorer != unit
        fact = score(setup, units[unit], code, str(points), ScoreKind.CROSS if cross else ScoreKind.SELF,
                     units[scorer] if cross and scorer is not None else None)
        try:
            ledger.record(fact, CLERK)
            if fixed is not None:
                ledger.record(correction(setup, fact.score_id, str(fixed)), CLERK.model_copy(
                    update={"reason": "Chấm lại"}))
        except RuleViolation:
            continue  # one score per scorer, the scale's total: refused, nothing stored
    year = ledger.get(EmulationYear, year_id(setup.cluster_id, 2019))
    recorded = {e.id: e.fact() for e in history(ledger, year.id)}
    shown = 0
    for row in standings(ledger, setup.cluster_id, 2019).standings:
        total, self_total, cross_total = Decimal(0), Decimal(0), None
        for criterion in row.criteria:
            scores = [*criterion.cross_scores, *([criterion.self_score] if criterion.self_score else [])]
            shown += len(scores)
            for s in scores:
                fact = recorded[s.event_id]
                assert isinstance(fact, ScoreRecorded | ScoreCorrected) and fact.score_id == s.score_id
                assert fact.points == s.points
                if isinstance(fact, ScoreCorrected):
                    assert s.corrections[-1].kind == "ScoreCorrected"
                    assert s.corrections[-1].points_before == recorded_points(recorded, fact.corrects_score_id)
            if criterion.self_score:
                self_total += criterion.self_score.points
            if criterion.cross_scores:
                mean = sum((s.points for s in criterion.cross_scores), Decimal(0)) / len(criterion.cross_scores)
                cross_total = (cross_total or Decimal(0)) + mean
                assert (criterion.counted_from, criterion.counted) == ("cross", mean.quantize(CENT))
                total += mean
            else:
                assert criterion.self_score is not None
                assert (criterion.counted_from, criterion.counted) == ("self", criterion.self_score.points)
                total += criterion.self_score.points
        assert row.total == total.quantize(CENT) and row.self_total == self_total.quantize(CENT)
        assert row.cross_total == (None if cross_total is None else cross_total.quantize(CENT))
    assert shown == len(year.current_scores())


def recorded_points(recorded: dict[str, object], score_id: object) -> Decimal:
    [points] = [f.points for f in recorded.values()
                if isinstance(f, ScoreRecorded | ScoreCorrected) and f.score_id == score_id]
    return points
