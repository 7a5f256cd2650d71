"""Small factories for test data: a clerk's provenance and a cluster with members."""

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from thidua_events.facts import Provenance, Role
from thidua_events.facts.cluster import ClusterFormed, UnitJoined
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered
from thidua_events.facts.year import YearOpened
from thidua_ledger.application import Ledger

CLERK = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, source_ref="BB-01")
START = date(2015, 1, 1)


@dataclass
class ClusterSetup:
    authority_id: UUID
    cluster_id: UUID
    units: list[UUID] = field(default_factory=list)


def cluster_with_members(ledger: Ledger, members: int = 3, year: int | None = 2019) -> ClusterSetup:
    """An authority, a cluster formed in 2015, `members` units joined, and `year` opened."""
    setup = ClusterSetup(authority_id=uuid4(), cluster_id=uuid4())
    ledger.record(AuthorityRegistered(effective_date=START, authority_id=setup.authority_id,
                                      name="Công an thành phố Hà Nội", symbol="CATP", place="Hà Nội"), CLERK)
    ledger.record(ClusterFormed(effective_date=START, cluster_id=setup.cluster_id,
                                name="Cụm thi đua số 4", authority_id=setup.authority_id), CLERK)
    for n in range(members):
        unit_id = uuid4()
        ledger.record(UnitRegistered(effective_date=START, unit_id=unit_id, name=f"Phòng số {n + 1}",
                                     authority_id=setup.authority_id), CLERK)
        ledger.record(UnitJoined(effective_date=START, cluster_id=setup.cluster_id, unit_id=unit_id), CLERK)
        setup.units.append(unit_id)
    if year is not None:
        ledger.record(YearOpened(effective_date=date(year, 1, 2), cluster_id=setup.cluster_id, year=year,
                                 movement="Vì an ninh Tổ quốc"), CLERK)
    return setup
