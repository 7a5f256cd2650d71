"""Scores, corrections and the closed year, through `Ledger.record` on SQLite and PostgreSQL.

A score lies within its criterion's maximum; a correction names an existing score and
replaces its value in the standings; a closed year accepts only corrections with a reason.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.year import (
    BallotHeld,
    CommendationsCounted,
    CriteriaAdopted,
    DriveLaunched,
    MidYearReviewHeld,
    PledgeDrafted,
    ScoreKind,
    ScoreRecorded,
    UnitsHonoured,
    YearClosed,
    YearEndReviewHeld,
    YearOpened,
)
from thidua_ledger.application import Ledger
from thidua_ledger.domain.year import EmulationYear, year_id

from tests.factories import (
    CLERK,
    ClusterSetup,
    adopt_criteria,
    close_year,
    correction,
    criteria_scale,
    election,
    score,
    signing,
)
from tests.integration.refusals import assert_recorded, assert_refused

WITH_REASON = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, source_ref="BB-12",
                         reason="Chấm lại theo biên bản kiểm tra chéo ngày 05/01/2020")
CLOSED = "closed-year-accepts-only-corrections-with-reason"


@pytest.fixture
def scored(ledger: Ledger, cluster: ClusterSetup) -> ClusterSetup:
    """The cluster's 2019 criteria adopted."""
    adopt_criteria(ledger, cluster)
    return cluster


def year_of(ledger: Ledger, cluster: ClusterSetup) -> EmulationYear:
    return ledger.get(EmulationYear, year_id(cluster.cluster_id, 2019))


def recorded_score(
    ledger: Ledger, cluster: ClusterSetup, points: str = "10", code: str = "1.1"
) -> ScoreRecorded:
    fact = score(cluster, cluster.units[0], code=code, points=points)
    ledger.record(fact, CLERK)
    return fact


# Scores (chấm điểm)


def test_a_score_above_its_criterions_maximum_is_refused(ledger: Ledger, scored: ClusterSetup) -> None:
    assert_refused(ledger, score(scored, scored.units[0], code="1.1", points="12.51"), "score-within-maximum")


def test_a_score_at_its_criterions_maximum_is_accepted(ledger: Ledger, scored: ClusterSetup) -> None:
    assert_recorded(ledger, score(scored, scored.units[0], code="1.1", points="12.50"))


def test_a_score_names_an_adopted_criterion(ledger: Ledger, scored: ClusterSetup) -> None:
    assert_refused(ledger, score(scored, scored.units[0], code="9"), "score-an-adopted-criterion")


def test_no_score_before_the_criteria_are_adopted(ledger: Ledger, cluster: ClusterSetup) -> None:
    assert_refused(ledger, score(cluster, cluster.units[0]), "score-an-adopted-criterion")


def test_criteria_are_adopted_once(ledger: Ledger, scored: ClusterSetup) -> None:
    again = CriteriaAdopted(effective_date=date(2019, 2, 1), cluster_id=scored.cluster_id, year=2019,
                            criteria=criteria_scale())
    assert_refused(ledger, again, "adopt-criteria-once")


def test_criterion_codes_are_unique_across_the_scale(ledger: Ledger, cluster: ClusterSetup) -> None:
    scale = criteria_scale()
    repeated = CriteriaAdopted(effective_date=date(2019, 1, 15), cluster_id=cluster.cluster_id, year=2019,
                               criteria=(*scale, scale[0].children[0]))
    assert_refused(ledger, repeated, "criterion-codes-unique")


def test_a_cross_score_names_another_member_as_scorer(ledger: Ledger, scored: ClusterSetup) -> None:
    a = scored.units[0]
    assert_refused(ledger, score(scored, a, kind=ScoreKind.CROSS, by=None), "cross-score-by-another-member")
    assert_refused(ledger, score(scored, a, kind=ScoreKind.CROSS, by=a), "cross-score-by-another-member")
    assert_recorded(ledger, score(scored, a, kind=ScoreKind.CROSS, by=scored.units[1]))


def test_a_self_score_is_given_by_the_scored_unit(ledger: Ledger, scored: ClusterSetup) -> None:
    a, b, _ = scored.units
    assert_refused(ledger, score(scored, a, kind=ScoreKind.SELF, by=b), "self-score-by-the-unit")


def test_a_score_is_recorded_once(ledger: Ledger, scored: ClusterSetup) -> None:
    fact = recorded_score(ledger, scored)
    assert_refused(ledger, fact, "score-id-unique")


# Corrections


def test_a_correction_references_an_existing_score(ledger: Ledger, scored: ClusterSetup) -> None:
    assert_refused(ledger, correction(scored, corrects=uuid4(), points="5"), "correction-references-a-score")


def test_a_correction_cannot_reference_a_score_of_another_year(ledger: Ledger, scored: ClusterSetup) -> None:
    ledger.record(YearOpened(effective_date=date(2020, 1, 2), cluster_id=scored.cluster_id, year=2020,
                             movement="Vì an ninh Tổ quốc"), CLERK)
    adopt_criteria(ledger, scored, year=2020)
    other_year = score(scored, scored.units[0], year=2020)
    ledger.record(other_year, CLERK)
    assert_refused(ledger, correction(scored, corrects=other_year.score_id, points="5"),
                   "correction-references-a-score")


def test_a_correction_lies_within_the_criterions_maximum(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored, code="1.1")
    assert_refused(ledger, correction(scored, original.score_id, points="13"), "score-within-maximum")


def test_a_correction_replaces_the_current_value(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored, points="10")
    fixed = correction(scored, original.score_id, points="11.25")
    assert_recorded(ledger, fixed)
    standings = year_of(ledger, scored).current_scores()
    assert original.score_id not in standings
    assert standings[fixed.score_id] == (scored.units[0], "1.1", Decimal("11.25"), ScoreKind.SELF, None)


def test_the_corrected_score_stays_in_the_log(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored, points="10")
    fixed = correction(scored, original.score_id, points="11")
    ledger.record(fixed, CLERK)
    year = year_of(ledger, scored)
    assert year.scores[original.score_id][2] == Decimal("10")
    assert year.superseded == {original.score_id: fixed.score_id}


def test_a_correction_can_itself_be_corrected(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored, points="10")
    first = correction(scored, original.score_id, points="11")
    ledger.record(first, CLERK)
    second = correction(scored, first.score_id, points="9.5")
    assert_recorded(ledger, second)
    standings = year_of(ledger, scored).current_scores()
    assert list(standings) == [second.score_id]
    assert standings[second.score_id][2] == Decimal("9.5")


def test_a_superseded_score_cannot_be_corrected_again(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored, points="10")
    ledger.record(correction(scored, original.score_id, points="11"), CLERK)
    assert_refused(ledger, correction(scored, original.score_id, points="12"), "correct-the-current-value")


def test_a_correction_id_cannot_reuse_a_score_id(ledger: Ledger, scored: ClusterSetup) -> None:
    first, second = recorded_score(ledger, scored), recorded_score(ledger, scored, code="2")
    reusing = correction(scored, first.score_id, points="5").model_copy(update={"score_id": second.score_id})
    assert_refused(ledger, reusing, "score-id-unique")


# The closed year: only corrections with a reason


def _on_closing_day(cluster: ClusterSetup) -> dict[str, object]:
    return {"effective_date": date(2019, 12, 31), "cluster_id": cluster.cluster_id, "year": 2019}


AFTER_CLOSING: dict[str, Callable[[ClusterSetup], Fact]] = {
    "pledge-drafted": lambda c: PledgeDrafted(**_on_closing_day(c), drafted_by_unit_id=c.units[0],
                                              title="Giao ước"),
    "pledge-signed": lambda c: signing(c, c.units[0], on=date(2019, 12, 31)),
    "score-recorded": lambda c: score(c, c.units[0]),
    "drive-launched": lambda c: DriveLaunched(**_on_closing_day(c), drive_no=5, title="Đợt cao điểm Tết"),
    "mid-year-review": lambda c: MidYearReviewHeld(**_on_closing_day(c)),
    "year-end-review": lambda c: YearEndReviewHeld(**_on_closing_day(c)),
    "ballot": lambda c: BallotHeld(**_on_closing_day(c), ballot_id=uuid4(), subject="Cờ", issued=3,
                                   returned=3, valid=3),
    "honour": lambda c: UnitsHonoured(**_on_closing_day(c), title="Dẫn đầu", unit_ids=(c.units[0],)),
    "election": lambda c: election(c, c.units[0], c.units[1], on=date(2019, 12, 31)),
    "commendations": lambda c: CommendationsCounted(**_on_closing_day(c), collectives=120, individuals=357),
    "year-closed-again": lambda c: YearClosed(**_on_closing_day(c)),
}


@pytest.mark.parametrize("make_fact", AFTER_CLOSING.values(), ids=AFTER_CLOSING.keys())
def test_a_closed_year_refuses_everything_but_corrections(
    ledger: Ledger, scored: ClusterSetup, make_fact: Callable[[ClusterSetup], Fact]
) -> None:
    close_year(ledger, scored)
    assert_refused(ledger, make_fact(scored), CLOSED, provenance=WITH_REASON)


def test_a_closed_year_accepts_a_correction_with_a_reason(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored, points="10")
    close_year(ledger, scored)
    fixed = correction(scored, original.score_id, points="12")
    assert_recorded(ledger, fixed, provenance=WITH_REASON)
    assert year_of(ledger, scored).current_scores()[fixed.score_id][2] == Decimal("12")


def test_a_closed_year_refuses_a_correction_without_a_reason(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored)
    close_year(ledger, scored)
    assert_refused(ledger, correction(scored, original.score_id, points="12"), CLOSED)


@pytest.mark.parametrize("blank", ["", "   ", "\n \n"], ids=["empty", "spaces", "blank-lines"])
def test_a_blank_reason_is_no_reason(ledger: Ledger, scored: ClusterSetup, blank: str) -> None:
    original = recorded_score(ledger, scored)
    close_year(ledger, scored)
    blank_reason = Provenance.model_validate({**WITH_REASON.model_dump(), "reason": blank})
    assert_refused(ledger, correction(scored, original.score_id, points="12"), CLOSED, blank_reason)


def test_a_correction_in_a_closed_year_keeps_the_rules(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored, code="1.1")
    close_year(ledger, scored)
    assert_refused(ledger, correction(scored, original.score_id, points="20"), "score-within-maximum",
                   WITH_REASON)
    assert_refused(ledger, correction(scored, uuid4(), points="1"), "correction-references-a-score",
                   WITH_REASON)


def test_an_open_year_accepts_a_correction_without_a_reason(ledger: Ledger, scored: ClusterSetup) -> None:
    original = recorded_score(ledger, scored)
    assert_recorded(ledger, correction(scored, original.score_id, points="12"))
