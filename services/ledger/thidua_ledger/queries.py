"""Read models of current state, built from the aggregates: a cluster in a year,
a year's record and its standings."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field
from thidua_events.facts.year import (
    BallotHeld,
    MidYearReviewHeld,
    PledgeAdopted,
    UnitsHonoured,
    YearEndReviewHeld,
)
from thidua_events.standings import STANDINGS_METHOD, rank_units
from thidua_events.text import vietnamese_sort_key

from thidua_ledger.application import Ledger
from thidua_ledger.audit.clocks import NOW, Clock, load
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.domain.errors import NotFound
from thidua_ledger.domain.organisation import Unit
from thidua_ledger.domain.year import EmulationYear, year_id


class UnitRef(BaseModel):
    unit_id: UUID
    name: str


class ClusterYearPublic(BaseModel):
    cluster_id: UUID
    name: str
    authority_id: UUID
    year: int
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


class Standing(BaseModel):
    rank: int
    unit: UnitRef
    total: Decimal
    tied: bool


class StandingsPublic(BaseModel):
    cluster_id: UUID
    year: int
    method: str
    standings: list[Standing]


class YearPublic(BaseModel):
    """Dates are days (2019-11-14), or a month (2018-03) or a year (2018) where the source states
    no more."""

    cluster_id: UUID
    year: int
    movement: str | None
    pledge_drafted_on: date | str | None
    pledge_adopted_on: date | str | None
    signed_by: list[UnitRef]
    criteria: list[dict[str, object]]
    drives: list[dict[str, object]]
    drives_stated: int | None = Field(description="How many drives a source says the year had, recorded "
                                                  "one by one above or not")
    mid_year_review_on: date | str | None
    year_end_review_on: date | str | None
    ballots: list[BallotHeld]
    honours: list[UnitsHonoured]
    leader_elected: UnitRef | None
    deputy_elected: UnitRef | None
    closed_on: date | str | None
    conferences: dict[str, PledgeAdopted | MidYearReviewHeld | YearEndReviewHeld] = Field(
        description="The pledge conference and the reviews, with place, chair, the officials present "
                    "(rank, post and role as the source states it: dự và chủ trì, dự và chỉ đạo, dự) "
                    "and summary")


def _name_day(year: int, today: date, clock: Clock) -> date:
    """Names are given as they were at the end of the year (or on the as-of date, or today)."""
    return min(date(year, 12, 31), today, clock.as_of or today)


def unit_ref(ledger: Ledger, unit_id: UUID | None, on: date, clock: Clock = NOW) -> UnitRef | None:
    if unit_id is None:
        return None
    # Known-at applies to the name too: a rename recorded later is not yet known.
    unit = load(ledger, Unit, unit_id, Clock(known_at=clock.known_at))
    return UnitRef(unit_id=unit_id, name=unit.name_on(on))


def _year(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock) -> EmulationYear | None:
    try:
        return load(ledger, EmulationYear, year_id(cluster_id, year), clock)
    except NotFound:
        return None


def cluster_in_year(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock = NOW) -> ClusterYearPublic:
    cluster = load(ledger, Cluster, cluster_id, clock)
    on = _name_day(year, ledger.today(), clock)
    previous, this = _year(ledger, cluster_id, year - 1, clock), _year(ledger, cluster_id, year, clock)
    election = previous.election if previous else None
    # The election of the year before decides; else what a source stated when the year opened.
    leader = election.leader_unit_id if election else (this.stated_leader if this else None)
    deputy = election.deputy_unit_id if election else (this.stated_deputy if this else None)
    members = [unit_ref(ledger, unit_id, on, clock) for unit_id in cluster.members_in(year)]
    handed = [to for y, _, _, to in cluster.flag_handovers if y == year]
    return ClusterYearPublic(
        cluster_id=cluster.id, name=cluster.name, authority_id=cluster.authority_id, year=year,
        members=sorted((m for m in members if m), key=lambda m: vietnamese_sort_key(m.name)),
        members_named=len(members), members_stated=cluster.stated_members.get(year),
        leader=unit_ref(ledger, leader, on, clock),
        deputy=unit_ref(ledger, deputy, on, clock),
        # The holder on the view's day, as the cluster's own flag view answers it.
        flag_holder=flag_holder(ledger, cluster_id, on, clock).holder,
        flag_handed_to=unit_ref(ledger, handed[-1] if handed else None, on, clock),
    )


def year_record(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock = NOW) -> YearPublic:
    record = load(ledger, EmulationYear, year_id(cluster_id, year), clock)
    on = _name_day(year, ledger.today(), clock)
    election = record.election

    def stated(attribute: str) -> date | str | None:
        """A date as its source states it: "2018" for "early 2018", never 2018-01-01."""
        day: date | None = getattr(record, attribute)
        return record.stated_dates.get(attribute, day)

    return YearPublic(
        cluster_id=cluster_id, year=year, movement=record.movement,
        pledge_drafted_on=stated("pledge_drafted_on"), pledge_adopted_on=stated("pledge_adopted_on"),
        signed_by=[r for u in record.signatures if (r := unit_ref(ledger, u, on, clock))],
        criteria=[{"code": c.code, "title": c.title, "max_points": c.max_points}
                  for c in record.criteria.values()],
        drives=[{"drive_no": n, "title": t, "launched_on": a, "closed_on": b}
                for n, (t, a, b) in sorted(record.drives.items())],
        drives_stated=record.drives_stated,
        mid_year_review_on=stated("mid_year_review_on"), year_end_review_on=stated("year_end_review_on"),
        ballots=list(record.ballots.values()), honours=record.honours,
        leader_elected=unit_ref(ledger, election.leader_unit_id if election else None, on, clock),
        deputy_elected=unit_ref(ledger, election.deputy_unit_id if election else None, on, clock),
        closed_on=stated("closed_on"), conferences=dict(record.conferences),
    )


def standings(ledger: Ledger, cluster_id: UUID, year: int, clock: Clock = NOW) -> StandingsPublic:
    record = load(ledger, EmulationYear, year_id(cluster_id, year), clock)
    ranked = rank_units((unit, criterion, points, kind)
                        for unit, criterion, points, kind, _ in record.current_scores().values())
    on = _name_day(year, ledger.today(), clock)
    refs = {s.unit_id: ref for s in ranked if (ref := unit_ref(ledger, s.unit_id, on, clock))}
    # Tied units in Vietnamese name order, so the table is stable.
    ranked.sort(key=lambda s: (s.rank, vietnamese_sort_key(refs[s.unit_id].name)))
    result = [Standing(rank=s.rank, unit=refs[s.unit_id], total=s.total, tied=s.tied) for s in ranked]
    return StandingsPublic(cluster_id=cluster_id, year=year, method=STANDINGS_METHOD, standings=result)


def flag_holder(ledger: Ledger, cluster_id: UUID, on: date, clock: Clock = NOW) -> FlagHolderPublic:
    """Who held the rotating flag (cờ luân lưu) on a day, as the ledger knew it at `clock.known_at`.
    Every handover known is read, also those dated after `on`: the first one names who held
    the flag before it."""
    cluster = load(ledger, Cluster, cluster_id, Clock(known_at=clock.known_at))
    held = cluster.flag_holder_on(on)
    return FlagHolderPublic(cluster_id=cluster_id, on=on,
                            holder=unit_ref(ledger, held[0] if held else None, on, clock),
                            since=held[1] if held else None)
