"""Scores and causal dates, through `Ledger.record` on SQLite and PostgreSQL (issue 10, part 2).

Only the leaves of the criteria tree are scored; one self score per unit and criterion and
one cross score per inspecting unit, unit and criterion; no total above the scale. Nothing
is dated before what it depends on.
"""

from datetime import date
from decimal import Decimal

import pytest
from thidua_events.facts.year import DriveClosed, DriveLaunched, PledgeAdopted, PledgeDrafted, ScoreKind, YearOpened
from thidua_ledger.application import Ledger
from thidua_ledger.domain.errors import RuleViolation
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.queries import standings

from tests.factories import (
    CLERK,
    ClusterSetup,
    adopt_criteria,
    adopt_pledge,
    collective,
    conferral,
    correction,
    revocation,
    score,
    signing,
)
from tests.integration.refusals import assert_recorded, assert_refused


@pytest.fixture
def scored(ledger: Ledger, cluster: ClusterSetup) -> ClusterSetup:
    """The 2019 scale: 1 (30 points: 1.1 of 12.50 and 1.2 of 17.50) and 2 (70 points)."""
    adopt_criteria(ledger, cluster)
    return cluster


# Scores


def test_only_leaves_of_the_criteria_tree_are_scored(ledger: Ledger, scored: ClusterSetup) -> None:
    a = scored.units[0]
    assert_refused(ledger, score(scored, a, code="1", points="30"), "score-a-leaf-criterion")
    assert_refused(ledger, score(scored, a, code="1", points="1", kind=ScoreKind.CROSS, by=scored.units[1]),
                   "score-a-leaf-criterion")
    # near miss: its children, and a top-level criterion without children, are leaves
    assert_recorded(ledger, score(scored, a, code="1.1", points="12.50"))
    assert_recorded(ledger, score(scored, a, code="1.2", points="17.50"))
    assert_recorded(ledger, score(scored, a, code="2", points="70"))


def test_one_self_score_per_unit_and_criterion(ledger: Ledger, scored: ClusterSetup) -> None:
    a, b, _ = scored.units
    first = score(scored, a, code="1.1", points="10")
    ledger.record(first, CLERK)
    refused = assert_refused(ledger, score(scored, a, code="1.1", points="11"),
                             "one-self-score-per-unit-and-criterion")
    assert "ScoreCorrected" in refused.detail and str(first.score_id) in refused.detail
    # near misses: another criterion, another unit, and the correction the refusal asks for
    assert_recorded(ledger, score(scored, a, code="1.2", points="10"))
    assert_recorded(ledger, score(scored, b, code="1.1", points="10"))
    fixed = correction(scored, first.score_id, points="11")
    assert_recorded(ledger, fixed)
    assert_refused(ledger, score(scored, a, code="1.1", points="9"), "one-self-score-per-unit-and-criterion")


def test_a_self_score_named_by_the_unit_itself_is_the_same_self_score(ledger: Ledger, scored: ClusterSetup) -> None:
    a = scored.units[0]
    ledger.record(score(scored, a, code="2", points="50"), CLERK)
    assert_refused(ledger, score(scored, a, code="2", points="60", by=a), "one-self-score-per-unit-and-criterion")


def test_one_cross_score_per_inspecting_unit_unit_and_criterion(ledger: Ledger, scored: ClusterSetup) -> None:
    a, b, c = scored.units
    ledger.record(score(scored, a, code="2", points="60", kind=ScoreKind.CROSS, by=b), CLERK)
    refused = assert_refused(ledger, score(scored, a, code="2", points="65", kind=ScoreKind.CROSS, by=b),
                             "one-cross-score-per-inspector-unit-and-criterion")
    assert "ScoreCorrected" in refused.detail
    # near misses: another inspector, and the unit's own self score, are separate scores
    assert_recorded(ledger, score(scored, a, code="2", points="64", kind=ScoreKind.CROSS, by=c))
    assert_recorded(ledger, score(scored, a, code="2", points="66"))
    totals = {s.unit.unit_id: s.total for s in standings(ledger, scored.cluster_id, 2019).standings}
    assert totals[a] == Decimal("62.00")  # the two inspectors' mean, each counted once


def test_no_units_total_exceeds_the_scale(ledger: Ledger, scored: ClusterSetup) -> None:
    """The acceptance tester's 143 on a 100-point scale: every leaf at its maximum, then the
    parent, a second self score and a second cross score on top. Each is refused."""
    a, b, _ = scored.units
    for code, points in (("1.1", "12.50"), ("1.2", "17.50"), ("2", "70")):
        ledger.record(score(scored, a, code=code, points=points), CLERK)
    assert_refused(ledger, score(scored, a, code="1", points="30"), "score-a-leaf-criterion")
    assert_refused(ledger, score(scored, a, code="2", points="43"), "one-self-score-per-unit-and-criterion")
    ledger.record(score(scored, a, code="2", points="70", kind=ScoreKind.CROSS, by=b), CLERK)
    assert_refused(ledger, score(scored, a, code="2", points="70", kind=ScoreKind.CROSS, by=b),
                   "one-cross-score-per-inspector-unit-and-criterion")
    year = ledger.get(EmulationYear, year_id(scored.cluster_id, 2019))
    assert year.scale_maximum() == Decimal("100")
    [top] = standings(ledger, scored.cluster_id, 2019).standings
    assert top.total == Decimal("100.00")


def test_a_total_above_the_scale_is_refused_by_name(ledger: Ledger, scored: ClusterSetup) -> None:
    """The guard itself, as the corrections' re-check meets it: a unit at 100 cannot go above."""
    a = scored.units[0]
    for code, points in (("1.1", "12.50"), ("1.2", "17.50"), ("2", "70")):
        ledger.record(score(scored, a, code=code, points=points), CLERK)
    year = ledger.get(EmulationYear, year_id(scored.cluster_id, 2019))
    extra = score(scored, a, code="1", points="30")
    with pytest.raises(RuleViolation, match="total-within-scale"):
        year.check_total_within_scale(a, extra.score_id, (a, "1", Decimal("30"), ScoreKind.SELF, None))
    year.check_total_within_scale(a, extra.score_id, (a, "1.1", Decimal("12.50"), ScoreKind.SELF, None),
                                  replacing=next(iter(year.current_scores())))


# Causal dates


def test_a_revocation_is_not_dated_before_its_decree(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    conferred = conferral(cluster, a)  # decree of 2020-01-20
    ledger.record(conferred, CLERK)
    early = revocation(cluster, conferred, a).model_copy(
        update={"decree_date": date(2020, 1, 19), "effective_date": date(2020, 1, 19)})
    assert_refused(ledger, early, "revoke-after-the-decree")
    same_day = revocation(cluster, conferred, a).model_copy(
        update={"decree_date": date(2020, 1, 20), "effective_date": date(2020, 1, 20)})
    assert_recorded(ledger, same_day)


def test_a_drive_is_not_closed_before_it_was_launched(ledger: Ledger, cluster: ClusterSetup) -> None:
    ledger.record(DriveLaunched(effective_date=date(2019, 3, 1), cluster_id=cluster.cluster_id, year=2019,
                                drive_no=1, title="Đợt thi đua thứ nhất"), CLERK)

    def closing(on: date) -> DriveClosed:
        return DriveClosed(effective_date=on, cluster_id=cluster.cluster_id, year=2019, drive_no=1)
    assert_refused(ledger, closing(date(2019, 2, 28)), "close-after-launch")
    assert_recorded(ledger, closing(date(2019, 3, 1)))


def test_a_correction_is_not_dated_before_its_score(ledger: Ledger, scored: ClusterSetup) -> None:
    original = score(scored, scored.units[0], code="1.1", points="10")  # dated 2019-10-01
    ledger.record(original, CLERK)
    early = correction(scored, original.score_id, points="11").model_copy(
        update={"effective_date": date(2019, 9, 30)})
    assert_refused(ledger, early, "correction-after-the-score")
    on_the_day = correction(scored, original.score_id, points="11").model_copy(
        update={"effective_date": date(2019, 10, 1)})
    assert_recorded(ledger, on_the_day)


def test_a_signature_is_not_dated_before_the_pledge_is_drafted(ledger: Ledger, cluster: ClusterSetup) -> None:
    ledger.record(PledgeDrafted(effective_date=date(2019, 1, 10), cluster_id=cluster.cluster_id, year=2019,
                                drafted_by_unit_id=cluster.units[0], title="Giao ước"), CLERK)
    ledger.record(PledgeAdopted(effective_date=date(2019, 1, 10), cluster_id=cluster.cluster_id,
                                year=2019), CLERK)
    assert_refused(ledger, signing(cluster, cluster.units[1], on=date(2019, 1, 9)), "sign-after-drafting")
    assert_recorded(ledger, signing(cluster, cluster.units[1], on=date(2019, 1, 10)))


def test_a_signature_after_the_adoption_is_accepted(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    assert_recorded(ledger, signing(cluster, cluster.units[0], on=date(2019, 1, 15)))


@pytest.mark.parametrize(("year", "opened_on"), [(2014, date(2014, 1, 2)), (2014, date(2015, 3, 1)),
                                                 (2015, date(2014, 12, 31))])
def test_a_year_is_not_opened_before_its_cluster_was_formed(ledger: Ledger, cluster: ClusterSetup, year: int,
                                                           opened_on: date) -> None:
    """The cluster was formed on 1 January 2015: it had no emulation year before."""
    assert_refused(ledger, YearOpened(effective_date=opened_on, cluster_id=cluster.cluster_id, year=year,
                                      movement="Vì an ninh Tổ quốc"), "open-year-after-formation")
    assert_recorded(ledger, YearOpened(effective_date=date(2015, 1, 2), cluster_id=cluster.cluster_id, year=2015,
                                       movement="Vì an ninh Tổ quốc"))
