"""A grant of write access falls inside the life of what it grants: an authority's from the day it
was registered (authority-must-exist), a cluster's from the day it was formed
(cluster-must-exist). A grant dated before would let an auditor's "who could write to it on that
day" name a writer for a body that did not exist yet."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from thidua_events.facts import Provenance, Role
from thidua_events.facts.access import ScopeGranted, ScopeRevoked
from thidua_events.facts.cluster import ClusterFormed
from thidua_events.facts.organisation import AuthorityRegistered
from thidua_ledger.application import Ledger

from tests.integration.refusals import assert_recorded, assert_refused

ADMIN = Provenance(actor="Quản trị hệ thống", role=Role.ADMIN)
ACCOUNT = "Nguyễn Thị Thư ký"
REGISTERED = date(2016, 1, 1)
FORMED = date(2017, 3, 15)
DAY = timedelta(days=1)


@pytest.fixture
def bodies(ledger: Ledger) -> dict[str, str]:
    """An authority registered on 2016-01-01 and a cluster of it formed on 2017-03-15."""
    authority, cluster = uuid4(), uuid4()
    ledger.record(AuthorityRegistered(effective_date=REGISTERED, authority_id=authority,
                                      name="Công an thành phố Hà Nội", symbol="CATP"), ADMIN)
    ledger.record(ClusterFormed(effective_date=FORMED, cluster_id=cluster, name="Cụm thi đua số 4",
                                authority_id=authority), ADMIN)
    return {"authority_id": str(authority), "cluster_id": str(cluster)}


def grant(on: date, **scope: str) -> ScopeGranted:
    return ScopeGranted(effective_date=on, account=ACCOUNT, **scope)


def test_an_authority_is_not_granted_before_it_was_registered(ledger: Ledger, bodies: dict[str, str]) -> None:
    assert_refused(ledger, grant(date(2015, 1, 1), authority_id=bodies["authority_id"]), "authority-must-exist",
                   ADMIN)
    assert_refused(ledger, grant(REGISTERED - DAY, authority_id=bodies["authority_id"]), "authority-must-exist",
                   ADMIN)


def test_an_authority_is_granted_from_the_day_it_was_registered(ledger: Ledger, bodies: dict[str, str]) -> None:
    assert_recorded(ledger, grant(REGISTERED, authority_id=bodies["authority_id"]), ADMIN)


def test_a_cluster_is_not_granted_before_it_was_formed(ledger: Ledger, bodies: dict[str, str]) -> None:
    """Its authority existed by then: the cluster's own day counts."""
    assert_refused(ledger, grant(FORMED - DAY, cluster_id=bodies["cluster_id"]), "cluster-must-exist", ADMIN)


def test_a_cluster_is_granted_from_the_day_it_was_formed(ledger: Ledger, bodies: dict[str, str]) -> None:
    assert_recorded(ledger, grant(FORMED, cluster_id=bodies["cluster_id"]), ADMIN)


def test_a_refused_grant_is_the_register_s_first_fact_and_leaves_no_register(
        ledger: Ledger, bodies: dict[str, str]) -> None:
    """The near miss of the first grant, which begins the register rather than adding to it."""
    assert_refused(ledger, grant(REGISTERED - DAY, authority_id=bodies["authority_id"]), "authority-must-exist",
                   ADMIN)
    assert_recorded(ledger, grant(REGISTERED, authority_id=bodies["authority_id"]), ADMIN)


def test_a_revocation_is_not_dated_before_its_grant(ledger: Ledger, bodies: dict[str, str]) -> None:
    assert_recorded(ledger, grant(FORMED, authority_id=bodies["authority_id"]), ADMIN)
    revoke = ScopeRevoked(effective_date=FORMED - DAY, account=ACCOUNT, authority_id=bodies["authority_id"])
    assert_refused(ledger, revoke, "revoke-after-grant", ADMIN)
    assert_recorded(ledger, revoke.model_copy(update={"effective_date": FORMED}), ADMIN)


def test_a_revocation_is_not_dated_before_the_cluster_was_formed(ledger: Ledger, bodies: dict[str, str]) -> None:
    """Even where no grant is held: the date is judged first, as the grant's is."""
    revoke = ScopeRevoked(effective_date=FORMED - DAY, account=ACCOUNT, cluster_id=bodies["cluster_id"])
    assert_refused(ledger, revoke, "cluster-must-exist", ADMIN)
