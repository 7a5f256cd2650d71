"""The rotating flag, honours by ballot and membership, on SQLite and PostgreSQL (issue 10, part 2)."""

from datetime import date
from uuid import UUID, uuid4

from thidua_events.facts import Provenance, Role
from thidua_events.facts.cluster import (
    BallotBasis,
    BallotThreshold,
    ClusterFormed,
    RegulationAdopted,
    RotatingFlagHandedOver,
    UnitJoined,
    UnitLeft,
)
from thidua_events.facts.organisation import AuthorityRegistered, UnitDissolved, UnitRegistered, UnitRenamed
from thidua_events.facts.year import BallotHeld, UnitsHonoured, Vote
from thidua_ledger import scenario
from thidua_ledger.application import Ledger
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.queries import cluster_in_year, flag_holder

from tests.factories import CLERK, START, ClusterSetup, former_member, handover, new_unit
from tests.integration.refusals import assert_recorded, assert_refused

MORE_THAN_HALF = BallotThreshold(numerator=1, denominator=2, basis=BallotBasis.VALID, strictly_more=True)


# The rotating flag (cờ luân lưu)


def test_the_giver_of_the_first_handover_held_the_flag_before_it(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    ledger.record(handover(cluster, a, b, year=2016).model_copy(update={"effective_date": date(2016, 11, 11)}),
                  CLERK)
    before = flag_holder(ledger, cluster.cluster_id, date(2016, 11, 10))
    assert before.holder is not None and before.holder.unit_id == a and before.since is None
    on_the_day = flag_holder(ledger, cluster.cluster_id, date(2016, 11, 11))
    assert on_the_day.holder is not None and on_the_day.holder.unit_id == b
    assert on_the_day.since == date(2016, 11, 11)
    # the year's view, at its end, names the holder the flag view names for that day
    year_2016 = cluster_in_year(ledger, cluster.cluster_id, 2016)
    assert year_2016.flag_holder is not None and year_2016.flag_holder.unit_id == b
    # near miss: before the cluster was formed nobody held its flag
    assert flag_holder(ledger, cluster.cluster_id, date(2014, 12, 31)).holder is None


def test_the_holder_on_any_date_is_a_read(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    ledger.record(handover(cluster, a, b, year=2017).model_copy(update={"effective_date": date(2017, 11, 10)}),
                  CLERK)
    ledger.record(handover(cluster, b, c, year=2018).model_copy(update={"effective_date": date(2018, 11, 9)}),
                  CLERK)
    holders = {day: flag_holder(ledger, cluster.cluster_id, day).holder for day in
               (date(2017, 1, 1), date(2017, 11, 10), date(2018, 11, 8), date(2018, 11, 9), date(2025, 1, 1))}
    assert {day: h.unit_id if h else None for day, h in holders.items()} == {
        date(2017, 1, 1): a, date(2017, 11, 10): b, date(2018, 11, 8): b, date(2018, 11, 9): c,
        date(2025, 1, 1): c}


def test_a_holder_that_left_the_cluster_can_still_hand_over_the_flag(
    ledger: Ledger, cluster: ClusterSetup
) -> None:
    a, b, c = cluster.units
    ledger.record(handover(cluster, a, b, year=2017).model_copy(update={"effective_date": date(2017, 11, 10)}),
                  CLERK)
    ledger.record(UnitLeft(effective_date=date(2019, 1, 1), cluster_id=cluster.cluster_id, unit_id=b), CLERK)
    assert_recorded(ledger, handover(cluster, b, c, year=2019))
    assert ledger.get(Cluster, cluster.cluster_id).flag_holder == c
    # near miss: only the holder hands over, member or not
    assert_refused(ledger, handover(cluster, a, c, year=2020).model_copy(
        update={"effective_date": date(2020, 11, 1)}), "only-holder-hands-over-flag")


def test_a_handover_is_not_dated_before_its_giver_held_the_flag(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    ledger.record(handover(cluster, a, b, year=2018), CLERK)  # 2018-11-14
    early = handover(cluster, b, c, year=2019).model_copy(update={"effective_date": date(2018, 11, 13)})
    assert_refused(ledger, early, "hand-over-after-receiving-flag")
    assert_recorded(ledger, handover(cluster, b, c, year=2019).model_copy(
        update={"effective_date": date(2018, 11, 14)}))


def test_cluster_4s_flag_stuck_since_2019_can_be_handed_on(ledger: Ledger) -> None:
    """In the articles' scenario Phòng Công tác chính trị received the flag in 2016 and left
    Cluster 4 in 2019; the flag can now pass to the leader elected for 2020."""
    scenario.load(ledger)
    cum_4 = scenario.cluster_id("cum-4")
    before = flag_holder(ledger, cum_4, date(2016, 11, 10)).holder
    assert before is not None and before.unit_id == scenario.unit_id("p-ctd-ctqc")
    handed = RotatingFlagHandedOver(effective_date=date(2019, 11, 14), cluster_id=cum_4, year=2019,
                                    from_unit_id=scenario.unit_id("p-ctct"), to_unit_id=scenario.unit_id("p-tccb"))
    assert_recorded(ledger, handed)
    now = flag_holder(ledger, cum_4, date(2019, 11, 14)).holder
    assert now is not None and now.unit_id == scenario.unit_id("p-tccb")


# Honours by ballot (bình xét, suy tôn)


def regulation(cluster: ClusterSetup, threshold: BallotThreshold | None = MORE_THAN_HALF,
               on: date = date(2019, 1, 15)) -> RegulationAdopted:
    return RegulationAdopted(effective_date=on, cluster_id=cluster.cluster_id, title="Quy chế hoạt động",
                             honour_threshold=threshold)


def ballot(cluster: ClusterSetup, votes: dict[object, int], valid: int = 10) -> BallotHeld:
    return BallotHeld(effective_date=date(2019, 11, 14), cluster_id=cluster.cluster_id, year=2019,
                      ballot_id=uuid4(), subject="Đơn vị dẫn đầu", issued=valid, returned=valid, valid=valid,
                      votes=tuple(Vote(unit_id=u, votes=n) for u, n in votes.items()))


def honour(cluster: ClusterSetup, held: BallotHeld, *units: object, on: date = date(2019, 11, 14)) -> UnitsHonoured:
    return UnitsHonoured(effective_date=on, cluster_id=cluster.cluster_id, year=2019, title="Đơn vị dẫn đầu",
                         unit_ids=units, ballot_id=held.ballot_id)


def test_a_unit_honoured_by_a_ballot_was_a_candidate_in_it(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    held = ballot(cluster, {a: 9})
    ledger.record(held, CLERK)
    assert_refused(ledger, honour(cluster, held, b), "honoured-unit-is-a-candidate")
    assert_refused(ledger, honour(cluster, held, a, b), "honoured-unit-is-a-candidate")
    assert_recorded(ledger, honour(cluster, held, a))


def test_an_honour_reaches_the_threshold_the_regulation_states(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, c = cluster.units
    ledger.record(regulation(cluster), CLERK)  # more than half of the valid ballots
    held = ballot(cluster, {a: 6, b: 5, c: 4}, valid=10)
    ledger.record(held, CLERK)
    assert_refused(ledger, honour(cluster, held, b), "honour-reaches-the-ballot-threshold")  # exactly half
    assert_refused(ledger, honour(cluster, held, c), "honour-reaches-the-ballot-threshold")
    assert_recorded(ledger, honour(cluster, held, a))


def test_at_least_half_lets_exactly_half_pass(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    at_least = BallotThreshold(numerator=1, denominator=2, basis=BallotBasis.VALID, strictly_more=False)
    ledger.record(regulation(cluster, at_least), CLERK)
    held = ballot(cluster, {a: 5, b: 4}, valid=10)
    ledger.record(held, CLERK)
    assert_recorded(ledger, honour(cluster, held, a))
    assert_refused(ledger, honour(cluster, held, b), "honour-reaches-the-ballot-threshold")


def test_zero_votes_never_carry_an_honour(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b, _ = cluster.units
    held = ballot(cluster, {a: 0, b: 0}, valid=0)
    ledger.record(held, CLERK)
    assert_refused(ledger, honour(cluster, held, a), "honour-reaches-the-ballot-threshold")
    # even when no regulation states a threshold, and when the share would be "at least 0"
    ledger.record(regulation(cluster, BallotThreshold(numerator=1, denominator=1000, basis=BallotBasis.VALID,
                                                      strictly_more=False)), CLERK)
    assert_refused(ledger, honour(cluster, held, b), "honour-reaches-the-ballot-threshold")


def test_an_honour_is_not_dated_before_its_ballot(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = cluster.units[0]
    held = ballot(cluster, {a: 9})
    ledger.record(held, CLERK)
    assert_refused(ledger, honour(cluster, held, a, on=date(2019, 11, 13)), "honour-after-the-ballot")


def test_a_threshold_is_a_share_of_the_ballots() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="numerator"):
        BallotThreshold(numerator=3, denominator=2, basis=BallotBasis.VALID, strictly_more=True)


# Membership (thành viên cụm)


def second_cluster(ledger: Ledger, cluster: ClusterSetup, authority_id: object | None = None) -> ClusterFormed:
    formed = ClusterFormed(effective_date=START, cluster_id=uuid4(), name="Cụm thi đua số 5",
                           authority_id=authority_id or cluster.authority_id)
    ledger.record(formed, CLERK)
    return formed


def test_a_unit_belongs_to_one_cluster_of_an_authority_on_any_date(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = cluster.units[0]
    cum_5 = second_cluster(ledger, cluster).cluster_id
    assert_refused(ledger, UnitJoined(effective_date=date(2018, 1, 1), cluster_id=cum_5, unit_id=a),
                   "one-cluster-per-authority-at-a-time")
    # near miss: leave, then join, on the same day
    ledger.record(UnitLeft(effective_date=date(2019, 1, 1), cluster_id=cluster.cluster_id, unit_id=a), CLERK)
    assert_refused(ledger, UnitJoined(effective_date=date(2018, 12, 31), cluster_id=cum_5, unit_id=a),
                   "one-cluster-per-authority-at-a-time")
    assert_recorded(ledger, UnitJoined(effective_date=date(2019, 1, 1), cluster_id=cum_5, unit_id=a))


def test_a_unit_that_left_cannot_be_joined_back_before_its_leave(ledger: Ledger, cluster: ClusterSetup) -> None:
    """A back-dated join into another cluster also clashes with a later membership."""
    cum_5 = second_cluster(ledger, cluster).cluster_id
    unit = new_unit(ledger, cluster)
    ledger.record(UnitJoined(effective_date=date(2019, 1, 1), cluster_id=cluster.cluster_id, unit_id=unit), CLERK)
    assert_refused(ledger, UnitJoined(effective_date=date(2018, 1, 1), cluster_id=cum_5, unit_id=unit),
                   "one-cluster-per-authority-at-a-time")


def test_clusters_of_another_authority_do_not_count(ledger: Ledger, cluster: ClusterSetup) -> None:
    cum_party = second_cluster(ledger, cluster, authority_id=another_authority(ledger)).cluster_id
    assert_recorded(ledger, UnitJoined(effective_date=date(2017, 1, 1), cluster_id=cum_party,
                                       unit_id=cluster.units[0]))


def test_a_former_member_can_join_another_cluster(ledger: Ledger, cluster: ClusterSetup) -> None:
    left = former_member(ledger, cluster, left_on=date(2018, 6, 1))
    cum_5 = second_cluster(ledger, cluster).cluster_id
    assert_recorded(ledger, UnitJoined(effective_date=date(2018, 6, 1), cluster_id=cum_5, unit_id=left))


def test_a_second_unit_of_the_same_name_needs_a_reason(ledger: Ledger, cluster: ClusterSetup) -> None:
    def registering(name: str) -> UnitRegistered:
        return UnitRegistered(effective_date=START, unit_id=uuid4(), name=name, authority_id=cluster.authority_id)

    ledger.record(registering("Phòng Tham mưu"), CLERK)
    for spelling in ("Phòng Tham mưu", "phòng  tham MƯU", "Pho\u0300ng Tham mưu"):
        assert_refused(ledger, registering(spelling), "unit-name-unique-per-authority")
    why = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK,
                     reason="Hai đơn vị khác nhau cùng tên: Phòng Tham mưu của hai khối")
    assert_recorded(ledger, registering("Phòng Tham mưu"), provenance=why)
    # near miss: another name, and the same name under another authority
    assert_recorded(ledger, registering("Phòng Tham mưu tổng hợp"))
    party = another_authority(ledger)
    assert_recorded(ledger, UnitRegistered(effective_date=START, unit_id=uuid4(), name="Phòng Tham mưu",
                                           authority_id=party))


def another_authority(ledger: Ledger) -> UUID:
    party = uuid4()
    ledger.record(AuthorityRegistered(effective_date=START, authority_id=party, name="Thành ủy Hà Nội",
                                      symbol="TU"), CLERK)
    return party


def renaming(unit_id: UUID, name: str, on: date = date(2018, 3, 1)) -> UnitRenamed:
    return UnitRenamed(effective_date=on, unit_id=unit_id, name=name)


def test_renaming_a_unit_to_another_live_units_name_needs_a_reason(ledger: Ledger,
                                                                  cluster: ClusterSetup) -> None:
    second = cluster.units[1]  # "Phòng số 2"; "Phòng số 1" is another live unit of its authority
    for spelling in ("Phòng số 1", "phòng  SỐ 1", "Phòng số 1"):
        assert_refused(ledger, renaming(second, spelling), "unit-name-unique-per-authority")
    why = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, reason="Hai đơn vị khác nhau cùng tên")
    assert_recorded(ledger, renaming(second, "Phòng số 1"), provenance=why)
    # and the name a unit took by renaming is taken for the next one too
    assert_refused(ledger, renaming(cluster.units[2], "Phòng số 1"), "unit-name-unique-per-authority")
    assert_refused(ledger, UnitRegistered(effective_date=START, unit_id=uuid4(), name="Phòng số 1",
                                          authority_id=cluster.authority_id), "unit-name-unique-per-authority")


def test_a_name_no_live_unit_of_the_authority_carries_is_free_to_rename_to(ledger: Ledger,
                                                                           cluster: ClusterSetup) -> None:
    first, second, third = cluster.units  # Phòng số 1, 2, 3
    # near miss: a name carried under another authority
    ledger.record(UnitRegistered(effective_date=START, unit_id=uuid4(), name="Phòng Hậu cần",
                                 authority_id=another_authority(ledger)), CLERK)
    assert_recorded(ledger, renaming(first, "Phòng Hậu cần"))
    # near miss: the name of a unit that has since changed its name
    ledger.record(renaming(second, "Phòng Cảnh sát cơ động", on=date(2017, 1, 1)), CLERK)
    assert_recorded(ledger, renaming(third, "Phòng số 2"))
    # near miss: the name of a unit dissolved before the renaming
    ended = new_unit(ledger, cluster, name="Phòng Hồ sơ")
    ledger.record(UnitDissolved(effective_date=date(2017, 6, 1), unit_id=ended), CLERK)
    assert_recorded(ledger, renaming(second, "Phòng Hồ sơ", on=date(2018, 1, 1)))
    # near miss: a unit given back its own former name
    assert_recorded(ledger, renaming(second, "Phòng Cảnh sát cơ động", on=date(2019, 1, 1)))
