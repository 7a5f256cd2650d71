"""Read models of current state, built from the aggregates: a cluster in a year and who held
its flag. A year's record (record_view) and standings (standings_view) are re-exported here."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field
from thidua_events.text import vietnamese_sort_key

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock, load
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.year import EmulationYear, year_id
from thidua_ledger.record_view import YearPublic, year_record
from thidua_ledger.refs import UnitRef, name_day, unit_ref
from thidua_ledger.standings_view import Standing, StandingsPublic, standings

__all__ = ["ClusterYearPublic", "FlagHolderPublic", "Standing", "StandingsPublic", "UnitRef", "YearPublic",
           "cluster_in_year", "flag_holder", "standings", "unit_ref", "year_record"]


class ClusterYearPublic(BaseModel):
    cluster_id: UUID
    name: str
    authority_id: UUID
    year: int
    year_entity_id: UUID | None = Field(description="The emulation year's entity (its facts at "
                                                    "/entities/{id}/events); null when the year is not opened")
    members: list[UnitRef] = Field(description="The members the ledger names; not a complete list "
                                               "where a source states more (members_stated)")
    members_named: int = Field(description="How many members are named above")
    members_stated: int | None = Field(description="How many members a source says the cluster has "
                                                   "(e.g. 8 stated, 3 named); null where none says")
    leader: UnitRef | None
    deputy: UnitRef | None
    flag_holder: UnitRef | None
    flag_handed_to: UnitRef | None


class FlagHolderPublic(BaseModel):
    cluster_id: UUID
    on: date
    holder: UnitRef | None = Field(description="None: no handover is recorded, or the cluster did not exist")
    since: date | None = Field(description="The handover that gave it the flag; None when the holder is "
                                           "the giver of the first recorded handover, who held it before")


def _year(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock) -> EmulationYear | None:
    try:
        return load(ledger, EmulationYear, year_id(cluster_id, year), clock)
    except NotFound:
        return None


def cluster_in_year(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock = NOW) -> ClusterYearPublic:
    cluster = load(ledger, Cluster, cluster_id, clock)
    on = name_day(year, ledger.today(), clock)
    previous, this = _year(ledger, cluster_id, year - 1, clock), _year(ledger, cluster_id, year, clock)
    election = previous.election if previous else None
    # The election of the year before decides; else what a source stated when the year opened.
    leader = election.leader_unit_id if election else (this.stated_leader if this else None)
    deputy = election.deputy_unit_id if election else (this.stated_deputy if this else None)
    members = [unit_ref(ledger, unit_id, on, clock) for unit_id in cluster.members_in(year)]
    handed = [to for y, _, _, to in cluster.flag_handovers if y == year]
    return ClusterYearPublic(
        cluster_id=cluster.id, name=cluster.name, authority_id=cluster.authority_id, year=year,
        year_entity_id=this.id if this else None,
        members=sorted((m for m in members if m), key=lambda m: vietnamese_sort_key(m.name)),
        members_named=len(members), members_stated=cluster.stated_members.get(year),
        leader=unit_ref(ledger, leader, on, clock),
        deputy=unit_ref(ledger, deputy, on, clock),
        # The holder on the view's day, as the cluster's own flag view answers it.
        flag_holder=flag_holder(ledger, cluster_id, on, clock).holder,
        flag_handed_to=unit_ref(ledger, handed[-1] if handed else None, on, clock),
    )


def flag_holder(ledger: Ledger, cluster_id: UUID, on: date, clock: Clock = NOW) -> FlagHolderPublic:
    """Who held the rotating flag (cờ luân lưu) on a day, as the ledger knew it at `clock.known_at`.
    Every handover known is read, also those dated after `on`: the first one names who held
    the flag before it."""
    cluster = load(ledger, Cluster, cluster_id, Clock(known_at=clock.known_at))
    held = cluster.flag_holder_on(on)
    return FlagHolderPublic(cluster_id=cluster_id, on=on,
                            holder=unit_ref(ledger, held[0] if held else None, on, clock),
                            since=held[1] if held else None)
