"""A unit's history at a glance: its names, the clusters it belonged to, the years it led or
deputised one, the rotating flags it received, and its awards."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import Clock, load
from thidua_ledger.award_register import StoredAwardRegister
from thidua_ledger.catalogue import StoredCatalogue
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.projections import AwardEntry


class MembershipPublic(BaseModel):
    cluster_id: UUID
    cluster: str
    joined_on: date
    left_on: date | None


class TermPublic(BaseModel):
    cluster_id: UUID
    cluster: str
    year: int
    role: str  # leader (cụm trưởng) or deputy (cụm phó)
    elected_on: date | None  # None: a source stated it when the year opened


class FlagPublic(BaseModel):
    cluster_id: UUID
    cluster: str
    year: int
    handed_on: date


class UnitHistoryPublic(BaseModel):
    unit_id: UUID
    name: str
    names: list[tuple[date, str]]
    memberships: list[MembershipPublic]
    terms: list[TermPublic]
    flags: list[FlagPublic]
    awards: list[AwardEntry]
    position: int


def unit_history(ledger: Ledger, register: StoredAwardRegister, catalogue: StoredCatalogue, unit_id: UUID,
                 clock: Clock) -> UnitHistoryPublic:
    unit = load(ledger, Unit, unit_id, clock)
    memberships, terms, flags = [], [], []
    for entry in catalogue.search("clusters", clock=clock):
        try:
            cluster = load(ledger, Cluster, entry.id, clock)
        except NotFound:
            continue
        for joined, left in cluster.memberships.get(unit_id, []):
            memberships.append(MembershipPublic(cluster_id=cluster.id, cluster=cluster.name, joined_on=joined,
                                                left_on=left))
        flags += [FlagPublic(cluster_id=cluster.id, cluster=cluster.name, year=year, handed_on=on)
                  for year, on, _, to in cluster.flag_handovers if to == unit_id]
        if cluster.memberships.get(unit_id):
            terms += _terms(ledger, cluster, unit_id, clock)
    awards = register.query(unit_id=unit_id, clock=clock)
    return UnitHistoryPublic(unit_id=unit_id, name=unit.name_on(clock.as_of or ledger.today()),
                             names=list(unit.names), memberships=sorted(memberships, key=lambda m: m.joined_on),
                             terms=sorted(terms, key=lambda t: (t.year, t.role)),
                             flags=sorted(flags, key=lambda f: f.handed_on), awards=awards.awards,
                             position=awards.position)


def _terms(ledger: Ledger, cluster: Cluster, unit_id: UUID, clock: Clock) -> list[TermPublic]:
    first = min(joined for joined, _ in cluster.memberships[unit_id]).year
    last = (clock.as_of or ledger.today()).year + 1
    found = []
    for year in range(first, last + 1):
        try:
            record = load(ledger, EmulationYear, year_id(cluster.id, year), clock)
        except NotFound:
            record = None
        if record is not None:
            for role, stated in (("leader", getattr(record, "stated_leader", None)),
                                 ("deputy", getattr(record, "stated_deputy", None))):
                if stated == unit_id:
                    found.append(TermPublic(cluster_id=cluster.id, cluster=cluster.name, year=year, role=role,
                                            elected_on=None))
            if (e := record.election) is not None:
                for role, elected in (("leader", e.leader_unit_id), ("deputy", e.deputy_unit_id)):
                    if elected == unit_id:
                        found.append(TermPublic(cluster_id=cluster.id, cluster=cluster.name, year=e.for_year,
                                                role=role, elected_on=e.effective_date))
    unique = {(t.year, t.role): t for t in found}  # an election decides over a stated leader
    return list(unique.values())
