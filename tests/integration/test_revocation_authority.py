"""Only the authority that conferred an award revokes it ("cấp nào quyết định khen thưởng thì
cấp đó có thẩm quyền hủy bỏ"). Authorities share the names of their awards ("Bằng khen"), and
the claim an award holds is keyed by that name: a decree of another authority, naming the
same kind in its own catalogue, revoked the award and freed it to be given again."""

from datetime import date
from uuid import uuid4

from thidua_events.facts.awards import AwardKindRegistered, AwardLevel
from thidua_events.facts.organisation import AuthorityRegistered
from thidua_ledger.application import Ledger

from tests.factories import CLERK, START, ClusterSetup, collective, conferral, revocation
from tests.integration.refusals import assert_recorded, assert_refused

KIND = "Bằng khen"


def test_only_the_conferring_authority_revokes_an_award(ledger: Ledger, cluster: ClusterSetup) -> None:
    a = collective(cluster.units[0])
    conferred = conferral(cluster, a, award_kind=KIND)
    ledger.record(conferred, CLERK)
    other = uuid4()
    ledger.record(AuthorityRegistered(effective_date=START, authority_id=other, name="Công an tỉnh Bắc Ninh",
                                      symbol="CABN"), CLERK)
    ledger.record(AwardKindRegistered(effective_date=START, authority_id=other, name=KIND,
                                      level=AwardLevel.CERTIFICATE_OF_MERIT), CLERK)
    elsewhere = revocation(ClusterSetup(authority_id=other, cluster_id=cluster.cluster_id), conferred, a)
    assert_refused(ledger, elsewhere, "revoked-by-the-conferring-authority")
    assert_recorded(ledger, revocation(cluster, conferred, a))  # the near miss: the authority that conferred it
    assert date(2020, 6, 1) == elsewhere.decree_date  # (both dated alike: only the authority differs)
