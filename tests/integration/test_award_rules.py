"""The award catalogue and the rules of a decree, on SQLite and PostgreSQL (issue 10, part 2)."""

from datetime import date
from uuid import uuid4

from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import AwardKindRegistered, AwardLevel, Recipient, RecipientKind
from thidua_events.facts.organisation import AuthorityRegistered
from thidua_ledger.application import Ledger
from thidua_ledger.domain.awards import AwardKind, award_kind_id

from tests.factories import (
    CLERK,
    MINISTRY_FLAG,
    START,
    ClusterSetup,
    collective,
    conferral,
    former_member,
    new_unit,
    register_person,
)
from tests.integration.refusals import assert_recorded, assert_refused

PROVINCE_FLAG = "Cờ thi đua của Công an tỉnh"


def kind(cluster: ClusterSetup, name: str, level: AwardLevel = AwardLevel.AUTHORITY_FLAG,
         authority_id: object | None = None) -> AwardKindRegistered:
    return AwardKindRegistered(effective_date=START, authority_id=authority_id or cluster.authority_id,
                               name=name, level=level)


def test_award_kinds_are_a_catalogue_each_authority_registers_once(ledger: Ledger, cluster: ClusterSetup) -> None:
    assert_recorded(ledger, kind(cluster, PROVINCE_FLAG))
    for spelling in (PROVINCE_FLAG, "Cờ thi đua của  Công an tỉnh", "CỜ THI ĐUA CỦA CÔNG AN TỈNH",
                     "Cơ\u0300 thi đua của Công an tỉnh"):
        assert_refused(ledger, kind(cluster, spelling), "award-kind-registered-once")
    registered = ledger.get(AwardKind, award_kind_id(cluster.authority_id, PROVINCE_FLAG))
    assert (registered.name, registered.level) == (PROVINCE_FLAG, AwardLevel.AUTHORITY_FLAG)
    # near miss: another authority registers its own kind of the same name
    other = uuid4()
    ledger.record(AuthorityRegistered(effective_date=START, authority_id=other, name="Công an tỉnh Bắc Ninh",
                                      symbol="CABN"), CLERK)
    assert_recorded(ledger, kind(cluster, PROVINCE_FLAG, authority_id=other))


def test_a_decree_names_a_kind_in_its_authoritys_catalogue(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    assert_refused(ledger, conferral(cluster, a, award_kind=PROVINCE_FLAG), "award-kind-in-catalogue")
    ledger.record(kind(cluster, PROVINCE_FLAG), CLERK)
    assert_recorded(ledger, conferral(cluster, a, award_kind=PROVINCE_FLAG))


def test_spelling_cannot_get_around_one_achievement_one_award(ledger: Ledger, cluster: ClusterSetup) -> None:
    """The acceptance tester's double space: one unit held two current flags of one kind for one year."""
    ledger.record(kind(cluster, PROVINCE_FLAG), CLERK)
    a = collective(cluster.units[0])
    ledger.record(conferral(cluster, a, award_kind=PROVINCE_FLAG), CLERK)
    for spelling in ("Cờ thi đua của  Công an tỉnh", " Cờ  thi đua   của Công an tỉnh", "cờ thi đua của công an tỉnh"):
        assert_refused(ledger, conferral(cluster, a, award_kind=spelling), "one-achievement-one-award")


def test_a_decree_number_is_unique_per_issuing_authority_and_year(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b = collective(cluster.units[0]), collective(cluster.units[1])
    ledger.record(conferral(cluster, a, decree_no="05/QĐ-BCA"), CLERK)
    assert_refused(ledger, conferral(cluster, b, decree_no="05/QĐ-BCA"), "decree-number-unique-per-authority-and-year")
    assert_refused(ledger, conferral(cluster, b, decree_no="05/qđ-bca "), "decree-number-unique-per-authority-and-year")
    # near misses: the same number in another year (decree of 2019-01-20), another number
    assert_recorded(ledger, conferral(cluster, b, decree_no="05/QĐ-BCA", year=2018))
    assert_recorded(ledger, conferral(cluster, b, decree_no="06/QĐ-BCA"))


def test_the_same_decree_number_of_another_authority_is_another_decree(
    ledger: Ledger, cluster: ClusterSetup
) -> None:
    other = uuid4()
    ledger.record(AuthorityRegistered(effective_date=START, authority_id=other, name="Bộ Công an", symbol="BCA"),
                  CLERK)
    ledger.record(kind(cluster, MINISTRY_FLAG, AwardLevel.MINISTRY_FLAG, authority_id=other), CLERK)
    a = collective(cluster.units[0])
    ledger.record(conferral(cluster, a, award_kind="Bằng khen", decree_no="05/QĐ-BCA"), CLERK)
    theirs = conferral(cluster, collective(cluster.units[1]), decree_no="05/QĐ-BCA").model_copy(
        update={"authority_id": other})
    assert_recorded(ledger, theirs)


def test_an_awards_year_is_not_after_its_decrees_date(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    for_2030 = conferral(cluster, a, year=2019).model_copy(update={"year": 2030})
    assert_refused(ledger, for_2030, "award-year-not-after-decree")
    same_year = conferral(cluster, a, year=2019).model_copy(
        update={"decree_date": date(2019, 12, 30), "effective_date": date(2019, 12, 30)})
    assert_recorded(ledger, same_year)


def test_recipients_of_a_cluster_award_are_members_of_that_cluster_in_that_year(
    ledger: Ledger, cluster: ClusterSetup
) -> None:
    outsider = collective(new_unit(ledger, cluster))
    gone = collective(former_member(ledger, cluster, left_on=date(2018, 6, 1)))
    assert_refused(ledger, conferral(cluster, outsider), "cluster-award-to-members")
    assert_refused(ledger, conferral(cluster, collective(cluster.units[0]), gone), "cluster-award-to-members")
    person = Recipient(kind=RecipientKind.INDIVIDUAL,
                       person_id=register_person(ledger, outsider.subject_id, "Trần Văn Bình"))
    assert_refused(ledger, conferral(cluster, person, award_kind="Bằng khen"), "cluster-award-to-members")
    # near misses: a former member for a year it was in; a member's officer; an award of no cluster
    assert_recorded(ledger, conferral(cluster, gone, year=2018))
    member_officer = Recipient(kind=RecipientKind.INDIVIDUAL, person_id=register_person(ledger, cluster.units[0]))
    assert_recorded(ledger, conferral(cluster, member_officer, award_kind="Bằng khen"))
    assert_recorded(ledger, conferral(cluster, outsider).model_copy(update={"cluster_id": None}))


def test_a_revocation_names_its_kind_in_any_spelling(ledger: Ledger, cluster: ClusterSetup) -> None:
    from tests.factories import revocation

    a = collective(cluster.units[0])
    conferred = conferral(cluster, a)
    ledger.record(conferred, CLERK)
    respelled = revocation(cluster, conferred, a, award_kind="Cờ thi đua của  Bộ Công an")
    assert_recorded(ledger, respelled, provenance=Provenance(actor="Thư ký", role=Role.CLERK))
