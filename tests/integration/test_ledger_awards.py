"""Award decrees (quyết định khen thưởng) on SQLite and PostgreSQL: one achievement is
not rewarded twice (Luật Thi đua, khen thưởng 2022), until the award is revoked."""

import unicodedata
from uuid import uuid4

import pytest
from thidua_events.facts.awards import Recipient, RecipientKind
from thidua_ledger.application import Ledger
from thidua_ledger.domain.awards import AwardClaim, claim_id
from thidua_ledger.domain.errors import NotFound

from tests.factories import (
    CLERK,
    MINISTRY_FLAG,
    ClusterSetup,
    collective,
    conferral,
    register_person,
    revocation,
)
from tests.integration.refusals import assert_recorded, assert_refused

TWICE = "one-achievement-one-award"


def test_the_same_award_for_the_same_recipient_and_year_is_refused_in_a_second_decree(
    ledger: Ledger, cluster: ClusterSetup
) -> None:
    a = collective(cluster.units[0])
    ledger.record(conferral(cluster, a), CLERK)
    assert_refused(ledger, conferral(cluster, a, decree_no="07/QĐ-BCA"), TWICE)


def test_a_decree_with_one_repeated_recipient_is_refused_whole(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b = collective(cluster.units[0]), collective(cluster.units[1])
    ledger.record(conferral(cluster, a), CLERK)
    assert_refused(ledger, conferral(cluster, b, a), TWICE)
    assert not ledger.exists(claim_id(MINISTRY_FLAG, 2019, cluster.units[1]))
    assert_recorded(ledger, conferral(cluster, b))


def test_the_award_kind_is_the_same_whatever_its_case(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    ledger.record(conferral(cluster, a), CLERK)
    assert_refused(ledger, conferral(cluster, a, award_kind=MINISTRY_FLAG.upper()), TWICE)


def test_the_award_kind_is_the_same_whatever_its_unicode_form(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    ledger.record(conferral(cluster, a), CLERK)
    decomposed = unicodedata.normalize("NFD", MINISTRY_FLAG)
    assert decomposed != MINISTRY_FLAG
    assert_refused(ledger, conferral(cluster, a, award_kind=decomposed), TWICE)


def test_the_same_award_for_another_year_is_accepted(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    ledger.record(conferral(cluster, a, year=2018), CLERK)
    assert_recorded(ledger, conferral(cluster, a, year=2019))


def test_another_award_for_the_same_year_is_accepted(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    ledger.record(conferral(cluster, a), CLERK)
    assert_recorded(ledger, conferral(cluster, a, award_kind="Cờ thi đua của Chính phủ"))


def test_an_individual_is_not_rewarded_twice(ledger: Ledger, cluster: ClusterSetup) -> None:
    person = Recipient(kind=RecipientKind.INDIVIDUAL, person_id=register_person(ledger, cluster.units[0]))
    ledger.record(conferral(cluster, person, award_kind="Bằng khen"), CLERK)
    assert_refused(ledger, conferral(cluster, person, award_kind="Bằng khen"), TWICE)


def test_a_decree_is_recorded_once(ledger: Ledger, cluster: ClusterSetup) -> None:
    decree = conferral(cluster, collective(cluster.units[0]))
    ledger.record(decree, CLERK)
    assert_refused(ledger, decree, "register-once")


def test_a_decree_for_an_unregistered_unit_is_refused(ledger: Ledger, cluster: ClusterSetup) -> None:
    before = ledger.position()
    with pytest.raises(NotFound):
        ledger.record(conferral(cluster, collective(uuid4())), CLERK)
    assert ledger.position() == before


# Revocation (thu hồi)


def test_after_revocation_the_award_can_be_conferred_again(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    first = conferral(cluster, a)
    ledger.record(first, CLERK)
    assert_recorded(ledger, revocation(cluster, first, a))
    again = conferral(cluster, a, decree_no="11/QĐ-BCA")
    assert_recorded(ledger, again)
    claim = ledger.get(AwardClaim, claim_id(MINISTRY_FLAG, 2019, cluster.units[0]))
    assert claim.decree_id == again.decree_id


def test_revoking_one_recipient_leaves_the_others_holding(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b = collective(cluster.units[0]), collective(cluster.units[1])
    first = conferral(cluster, a, b)
    ledger.record(first, CLERK)
    ledger.record(revocation(cluster, first, a), CLERK)
    assert_recorded(ledger, conferral(cluster, a, decree_no="11/QĐ-BCA"))
    assert_refused(ledger, conferral(cluster, b, decree_no="12/QĐ-BCA"), TWICE)


def test_revoking_a_recipient_not_in_the_decree_is_refused(ledger: Ledger, cluster: ClusterSetup) -> None:
    a, b = collective(cluster.units[0]), collective(cluster.units[1])
    first = conferral(cluster, a)
    ledger.record(first, CLERK)
    assert_refused(ledger, revocation(cluster, first, b), "revoke-a-conferred-recipient")


def test_a_revocation_names_the_conferred_award_kind(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    first = conferral(cluster, a)
    ledger.record(first, CLERK)
    assert_refused(ledger, revocation(cluster, first, a, award_kind="Bằng khen"),
                   "revocation-matches-conferral")


def test_an_award_is_revoked_once(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    first = conferral(cluster, a)
    ledger.record(first, CLERK)
    ledger.record(revocation(cluster, first, a), CLERK)
    assert_refused(ledger, revocation(cluster, first, a), "revoke-a-standing-award")


def test_revoking_an_old_decree_leaves_a_later_conferral_standing(
    ledger: Ledger, cluster: ClusterSetup
) -> None:
    a = collective(cluster.units[0])
    first = conferral(cluster, a)
    ledger.record(first, CLERK)
    ledger.record(revocation(cluster, first, a), CLERK)
    ledger.record(conferral(cluster, a, decree_no="11/QĐ-BCA"), CLERK)
    assert_refused(ledger, revocation(cluster, first, a), "revoke-a-standing-award")


def test_a_revocation_cannot_revoke_a_revocation(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    first = conferral(cluster, a)
    ledger.record(first, CLERK)
    revoked = revocation(cluster, first, a)
    ledger.record(revoked, CLERK)
    undo = revocation(cluster, first, a).model_copy(update={"revokes_decree_id": revoked.decree_id})
    assert_refused(ledger, undo, "revoke-a-conferral")
