"""The rules of a cluster's year, through `Ledger.record` on SQLite and PostgreSQL:
membership, the rotating flag, the pledge, the election and ballots.

Every refusal also proves that nothing was stored (the log position is unchanged).
"""

from datetime import date
from uuid import uuid4

from thidua_events.facts.cluster import UnitJoined
from thidua_events.facts.organisation import UnitDissolved
from thidua_events.facts.year import (
    BallotHeld,
    PledgeAdopted,
    PledgeDrafted,
    ScoreKind,
    UnitsHonoured,
    Vote,
)
from thidua_ledger.application import Ledger
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.year import EmulationYear, year_id

from tests.factories import (
    CLERK,
    ClusterSetup,
    adopt_criteria,
    adopt_pledge,
    election,
    former_member,
    handover,
    hold_year_end_review,
    new_unit,
    score,
    signing,
)
from tests.integration.refusals import assert_recorded, assert_refused

MEMBER = "member-of-cluster-in-year"


def year_of(ledger: Ledger, cluster: ClusterSetup, year: int = 2019) -> EmulationYear:
    return ledger.get(EmulationYear, year_id(cluster.cluster_id, year))


def ballot(cluster: ClusterSetup, *candidates: object) -> BallotHeld:
    return BallotHeld(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                      ballot_id=uuid4(), subject="Cờ thi đua của Bộ Công an", issued=3, returned=3, valid=3,
                      votes=tuple(Vote(unit_id=c, votes=1) for c in candidates))


# Only members of the cluster in that year sign, are scored, elected, honoured, or pass the flag.


def test_a_unit_outside_the_cluster_cannot_sign_the_pledge(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    assert_refused(ledger, signing(cluster, new_unit(ledger, cluster)), MEMBER)


def test_a_unit_that_left_before_the_year_cannot_sign(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    left = former_member(ledger, cluster, left_on=date(2018, 6, 1))
    assert_refused(ledger, signing(cluster, left), MEMBER)


def test_a_unit_that_joins_after_the_year_cannot_sign(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    late = new_unit(ledger, cluster)
    ledger.record(UnitJoined(effective_date=date(2020, 1, 5), cluster_id=cluster.cluster_id,
                             unit_id=late), CLERK)
    assert_refused(ledger, signing(cluster, late), MEMBER)


def test_a_unit_that_joined_during_the_year_can_sign(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    newcomer = new_unit(ledger, cluster)
    ledger.record(UnitJoined(effective_date=date(2019, 1, 18), cluster_id=cluster.cluster_id,
                             unit_id=newcomer), CLERK)
    assert_recorded(ledger, signing(cluster, newcomer))


def test_a_unit_outside_the_cluster_cannot_draft_the_pledge(ledger: Ledger, cluster: ClusterSetup) -> None:
    draft = PledgeDrafted(effective_date=date(2019, 1, 10), cluster_id=cluster.cluster_id, year=2019,
                          drafted_by_unit_id=new_unit(ledger, cluster), title="Giao ước thi đua")
    assert_refused(ledger, draft, MEMBER)


def test_a_unit_outside_the_cluster_cannot_be_scored(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_criteria(ledger, cluster)
    assert_refused(ledger, score(cluster, new_unit(ledger, cluster)), MEMBER)


def test_a_unit_outside_the_cluster_cannot_cross_score(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_criteria(ledger, cluster)
    fact = score(cluster, cluster.units[0], kind=ScoreKind.CROSS, by=new_unit(ledger, cluster))
    assert_refused(ledger, fact, MEMBER)


def test_a_unit_outside_the_cluster_cannot_be_elected_leader(ledger: Ledger, cluster: ClusterSetup) -> None:
    hold_year_end_review(ledger, cluster)
    assert_refused(ledger, election(cluster, new_unit(ledger, cluster), cluster.units[1]), MEMBER)


def test_a_unit_outside_the_cluster_cannot_be_elected_deputy(ledger: Ledger, cluster: ClusterSetup) -> None:
    hold_year_end_review(ledger, cluster)
    assert_refused(ledger, election(cluster, cluster.units[0], new_unit(ledger, cluster)), MEMBER)


def test_a_unit_outside_the_cluster_cannot_be_a_ballot_candidate(
    ledger: Ledger, cluster: ClusterSetup
) -> None:
    assert_refused(ledger, ballot(cluster, cluster.units[0], new_unit(ledger, cluster)), MEMBER)


def test_a_unit_outside_the_cluster_cannot_be_honoured(ledger: Ledger, cluster: ClusterSetup) -> None:
    honour = UnitsHonoured(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                           title="Đơn vị dẫn đầu", unit_ids=(new_unit(ledger, cluster),))
    assert_refused(ledger, honour, MEMBER)


def test_a_unit_that_never_joined_the_cluster_cannot_give_the_first_handover(
    ledger: Ledger, cluster: ClusterSetup
) -> None:
    assert_refused(ledger, handover(cluster, new_unit(ledger, cluster), cluster.units[0]),
                   "flag-giver-was-a-member")


def test_a_unit_outside_the_cluster_cannot_receive_the_flag(ledger: Ledger, cluster: ClusterSetup) -> None:
    assert_refused(ledger, handover(cluster, cluster.units[0], new_unit(ledger, cluster)), MEMBER)


def test_a_unit_dissolved_before_the_year_cannot_sign(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    ledger.record(UnitDissolved(effective_date=date(2018, 7, 1), unit_id=cluster.units[2]), CLERK)
    assert_refused(ledger, signing(cluster, cluster.units[2]), rule=None)


# The rotating flag (cờ luân lưu)


def test_the_first_handover_establishes_the_holder(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    assert_recorded(ledger, handover(cluster, a, b))
    assert ledger.get(Cluster, cluster.cluster_id).flag_holder == b


def test_only_the_holder_can_hand_over_the_flag(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    ledger.record(handover(cluster, a, b, year=2018), CLERK)
    assert_refused(ledger, handover(cluster, a, c), "only-holder-hands-over-flag")
    assert_refused(ledger, handover(cluster, c, a), "only-holder-hands-over-flag")


def test_the_holder_hands_the_flag_on(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    ledger.record(handover(cluster, a, b, year=2018), CLERK)
    assert_recorded(ledger, handover(cluster, b, c))
    assert ledger.get(Cluster, cluster.cluster_id).flag_holder == c




def test_flag_handovers_are_recorded_in_year_order(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    ledger.record(handover(cluster, a, b, year=2019), CLERK)
    assert_refused(ledger, handover(cluster, b, a, year=2018), "flag-handovers-in-order")


# The pledge (giao ước thi đua): drafted, adopted, then signed, once per unit


def test_an_undrafted_pledge_cannot_be_adopted(ledger: Ledger, cluster: ClusterSetup) -> None:
    adoption = PledgeAdopted(effective_date=date(2019, 1, 15), cluster_id=cluster.cluster_id, year=2019)
    assert_refused(ledger, adoption, "adopt-a-drafted-pledge")


def test_a_pledge_is_adopted_once(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    again = PledgeAdopted(effective_date=date(2019, 1, 16), cluster_id=cluster.cluster_id, year=2019)
    assert_refused(ledger, again, "adopt-once")


def test_a_drafted_but_unadopted_pledge_cannot_be_signed(ledger: Ledger, cluster: ClusterSetup) -> None:
    ledger.record(PledgeDrafted(effective_date=date(2019, 1, 10), cluster_id=cluster.cluster_id, year=2019,
                                drafted_by_unit_id=cluster.units[0], title="Giao ước thi đua"), CLERK)
    assert_refused(ledger, signing(cluster, cluster.units[1]), "sign-an-adopted-pledge")


def test_an_undrafted_pledge_cannot_be_signed(ledger: Ledger, cluster: ClusterSetup) -> None:
    assert_refused(ledger, signing(cluster, cluster.units[1]), "sign-an-adopted-pledge")


def test_each_member_signs_the_adopted_pledge(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    for unit in cluster.units:
        assert_recorded(ledger, signing(cluster, unit))
    assert set(year_of(ledger, cluster).signatures) == set(cluster.units)


def test_each_unit_signs_once(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)
    ledger.record(signing(cluster, cluster.units[0]), CLERK)
    assert_refused(ledger, signing(cluster, cluster.units[0], on=date(2019, 1, 21)), "sign-once")


def test_a_signature_cannot_be_dated_before_the_adoption(ledger: Ledger, cluster: ClusterSetup) -> None:
    adopt_pledge(ledger, cluster)  # adopted on 2019-01-15
    assert_refused(ledger, signing(cluster, cluster.units[1], on=date(2019, 1, 5)), rule=None)


def test_an_adoption_cannot_be_dated_before_the_draft(ledger: Ledger, cluster: ClusterSetup) -> None:
    ledger.record(PledgeDrafted(effective_date=date(2019, 1, 10), cluster_id=cluster.cluster_id, year=2019,
                                drafted_by_unit_id=cluster.units[0], title="Giao ước thi đua"), CLERK)
    early = PledgeAdopted(effective_date=date(2019, 1, 3), cluster_id=cluster.cluster_id, year=2019)
    assert_refused(ledger, early, rule=None)


# The election of next year's leader (cụm trưởng) and deputy (cụm phó)


def test_no_election_before_a_year_end_review_is_recorded(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    assert_refused(ledger, election(cluster, a, b), "election-at-or-after-year-end-review")


def test_no_election_dated_before_the_year_end_review(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    hold_year_end_review(ledger, cluster, on=date(2019, 11, 14))
    assert_refused(ledger, election(cluster, a, b, on=date(2019, 11, 13)),
                   "election-at-or-after-year-end-review")


def test_election_on_the_day_of_the_year_end_review(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    hold_year_end_review(ledger, cluster, on=date(2019, 11, 14))
    assert_recorded(ledger, election(cluster, a, b, on=date(2019, 11, 14)))
    elected = year_of(ledger, cluster).election
    assert elected is not None
    assert (elected.for_year, elected.leader_unit_id, elected.deputy_unit_id) == (2020, a, b)


def test_election_after_the_year_end_review(ledger: Ledger, cluster: ClusterSetup) -> None:
    hold_year_end_review(ledger, cluster, on=date(2019, 11, 14))
    assert_recorded(ledger, election(cluster, cluster.units[1], None, on=date(2019, 12, 2)))


def test_leadership_is_elected_once_a_year(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    hold_year_end_review(ledger, cluster)
    ledger.record(election(cluster, a, b), CLERK)
    assert_refused(ledger, election(cluster, c, a), "elect-once")


# Ballots and honours


def test_a_ballot_of_members_is_recorded_once(ledger: Ledger, cluster: ClusterSetup) -> None:
    held = ballot(cluster, *cluster.units)
    assert_recorded(ledger, held)
    assert year_of(ledger, cluster).ballots[held.ballot_id] == held
    assert_refused(ledger, held, "ballot-once")


def test_an_honour_names_a_recorded_ballot(ledger: Ledger, cluster: ClusterSetup) -> None:
    honour = UnitsHonoured(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                           title="Đơn vị dẫn đầu", unit_ids=(cluster.units[0],), ballot_id=uuid4())
    assert_refused(ledger, honour, "honour-names-a-ballot")
